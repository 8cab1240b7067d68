"""Follow-up visits in a real sessions file: numbered within the session, amended never overwritten, with history;
old files (v1, v2) migrate with every record intact and then take visits."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from decisionaid.sessions.errors import NoSuchSession
from decisionaid.sessions.session_record import RecordError, SessionRecord
from decisionaid.sessions.store import SessionStore
from decisionaid.sessions.visits import VisitRecord, changed_visit_fields

FIXTURES = Path(__file__).with_name("fixtures")


@pytest.fixture
def store(tmp_path):
    with SessionStore.open(tmp_path / "sessions.sqlite3") as s:
        yield s


def first(store) -> int:
    return store.create(SessionRecord("MRN-7", "Dr A", "2026-01-05T09:00", phq9_total=16), "Dr A")


def test_visits_are_numbered_within_their_session_and_read_back(store):
    sid, other = first(store), first(store)
    assert store.add_visit(sid, VisitRecord("2026-01-26", phq9_total=12, side_effects=("headache",)), "Dr A") == 1
    assert store.add_visit(other, VisitRecord("2026-01-27", phq9_total=9), "Dr A") == 1
    assert store.add_visit(sid, VisitRecord("2026-02-16", phq9_items=(1, 0, 1, 0, 0, 0, 1, 0, 0)), "Dr A") == 2
    visits = store.visits(sid)
    assert [(v.visit_no, v.visit.visit_date, v.revision) for v in visits] == [(1, "2026-01-26", 1),
                                                                             (2, "2026-02-16", 1)]
    assert visits[0].visit.side_effects == ("headache",)
    assert visits[1].visit.phq9_items == (1, 0, 1, 0, 0, 0, 1, 0, 0)


def test_an_amendment_keeps_the_old_visit_and_its_reason(store, tmp_path):
    sid = first(store)
    store.add_visit(sid, VisitRecord("2026-01-26", phq9_total=11), "Dr A")
    store.amend_visit(sid, 1, VisitRecord("2026-01-26", phq9_total=12), "Dr B", "Total mistyped")
    assert store.visits(sid)[0].visit.phq9_total == 12 and store.visits(sid)[0].revision == 2
    history = store.visit_history(sid, 1)
    assert [(h.revision, h.kind, h.author, h.reason, h.visit.phq9_total) for h in history] == [
        (1, "save", "Dr A", None, 11), (2, "amend", "Dr B", "Total mistyped", 12)]
    assert changed_visit_fields(history[0].visit, history[1].visit) == (("phq9_total", 11, 12),)
    with pytest.raises(RecordError, match="Reason"):
        store.amend_visit(sid, 1, VisitRecord("2026-01-26", phq9_total=13), "Dr B", " ")
    conn = sqlite3.connect(tmp_path / "sessions.sqlite3")
    with pytest.raises(sqlite3.DatabaseError, match="never changed"):
        conn.execute("UPDATE visits SET payload = '{}'")
    with pytest.raises(sqlite3.DatabaseError, match="never deleted"):
        conn.execute("DELETE FROM visits")
    conn.close()


def test_bad_visits_are_refused_naming_the_field_and_nothing_is_written(store):
    sid = first(store)
    for visit, name in [(VisitRecord("2026-02-30"), "visit_date"),
                        (VisitRecord("2026-02-01", phq9_total=28), "phq9_total"),
                        (VisitRecord("2026-02-01", phq9_items=(4,) + (0,) * 8), "phq9_items"),
                        (VisitRecord("2026-02-01", next_step="later"), "next_step")]:
        with pytest.raises(RecordError) as caught:
            store.add_visit(sid, visit, "Dr A")
        assert caught.value.field == name
    with pytest.raises(RecordError, match="not one of ptosis"):
        store.add_visit(sid, VisitRecord("2026-02-01", side_effects=("rash",)), "Dr A", harm_ids=("ptosis",))
    with pytest.raises(NoSuchSession):
        store.add_visit(999, VisitRecord("2026-02-01"), "Dr A")
    with pytest.raises(NoSuchSession):
        store.amend_visit(sid, 3, VisitRecord("2026-02-01"), "Dr A", "why")
    assert store.visits(sid) == []


@pytest.mark.parametrize("version", [1, 2])
def test_an_old_file_migrates_intact_and_then_takes_visits(version, tmp_path):
    path = tmp_path / "sessions.sqlite3"
    shutil.copy(FIXTURES / f"sessions-v{version}.sqlite3", path)
    conn = sqlite3.connect(path)
    before = conn.execute("SELECT id, session_id, kind, author, created_at, reason, payload FROM revisions").fetchall()
    conn.close()
    with SessionStore.open(path) as store:
        assert store.db.execute("SELECT id, session_id, kind, author, created_at, reason, payload "
                                "FROM revisions").fetchall() == before
        assert store.visits(1) == []
        store.add_visit(1, VisitRecord("2026-06-01", phq9_total=4), "Dr A")
        assert store.get(1).record == store.revision(store.get(1).saved_revision_id).record
    with SessionStore.open(path) as store:
        assert [v.visit.phq9_total for v in store.visits(1)] == [4]


def test_the_v4_fixture_visits_read_back_with_their_amendment(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    shutil.copy(FIXTURES / "sessions-v4.sqlite3", path)
    with SessionStore.open(path) as store:
        visits = store.visits(1)
        assert [(v.visit_no, v.revision, v.visit.phq9_total) for v in visits] == [(1, 2, 12), (2, 1, None)]
        assert visits[0].visit.notes == "Caf\u00e9 job again part-time."
        assert store.visit_history(1, 1)[1].reason == "Total mistyped: 12, not 11"


def test_the_app_hands_off_the_stored_visits(store):
    """The window's FHIR export and note (ui/handoff_actions) carry the stored visits, oldest first."""
    from decisionaid.checklist.items import load_checklist
    from decisionaid.evidence.pack import load_pack
    from decisionaid.evidence.summary import summarise
    from decisionaid.settings import Settings
    from decisionaid.ui.handoff_actions import handoff_input
    from decisionaid.handout.print_job import stored_subject

    sid = first(store)
    store.add_visit(sid, VisitRecord("2026-03-01", phq9_total=6), "Dr A")
    store.add_visit(sid, VisitRecord("2026-02-01", phq9_items=(1,) * 9), "Dr A")
    data = handoff_input(stored_subject(store, sid), (Settings(), summarise(load_pack()), load_checklist()))
    assert [(str(v.when), v.total, v.items) for v in data.follow_ups] == [("2026-02-01", None, (1,) * 9),
                                                                          ("2026-03-01", 6, None)]


def test_one_patients_sessions_are_found_together_oldest_first(store):
    a = store.create(SessionRecord("MRN-4711", "Dr A", "2026-05-05T09:00"), "Dr A")
    store.create(SessionRecord("MRN-4711 B", "Dr A", "2026-01-06T09:00"), "Dr A")  # another patient
    b = store.create(SessionRecord("MRN-4711", "Dr A", "2026-01-05T09:00"), "Dr A")
    draft = store.create(SessionRecord("", "Dr A", "2026-06-01T09:00"), "Dr A", kind="autosave")
    store.autosave(draft, SessionRecord("MRN-4711", "Dr A", "2026-06-01T09:00"), "Dr A")  # typed since
    signs = store.create(SessionRecord("+/+", "Dr A", "2026-06-01T09:00"), "Dr A")
    assert [s.session_id for s in store.patient_sessions("MRN-4711")] == [b, a, draft]
    assert [s.session_id for s in store.patient_sessions("+/+")] == [signs]
    assert store.patient_sessions("  ") == []


def test_an_amendment_is_worded_once_for_the_screen_and_the_record():
    """In the Follow-up form's words: side effects and the next step by their labels, never by their codes."""
    from decisionaid.checklist.followup import load_rules, visit_change_words
    from decisionaid.evidence.pack import load_pack

    rules, labels = load_rules(), {h.id: h.label for h in load_pack().harms.items}
    old = VisitRecord("2026-12-07", phq9_total=12, botox_given=False, notes="")
    new = VisitRecord("2026-12-07", phq9_items=(1, 1, 1, 1, 1, 1, 1, None, 0), side_effects=("headache", "ptosis"),
                      botox_given=True, notes="better", next_step="repeat")
    assert visit_change_words(rules, old, new, labels) == (
        "PHQ-9 answers: (blank) \u2192 1,1,1,1,1,1,1,-,0; PHQ-9 total: 12 \u2192 (blank); Side effects: (blank) "
        "\u2192 Headache, Drooping eyelid (ptosis); Botox given: no \u2192 yes; Notes: (blank) \u2192 better; "
        "Next step: (blank) \u2192 Repeat the injection")
    assert visit_change_words(rules, old, old, labels) == "no change"
