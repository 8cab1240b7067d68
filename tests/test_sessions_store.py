"""SessionStore on real files: revisions are appended, drafts are kept apart from saves, nothing is overwritten."""

from __future__ import annotations

import dataclasses
import sqlite3
import stat

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decisionaid.sessions.errors import NoSuchSession
from decisionaid.sessions.session_record import RecordError, SessionRecord
from decisionaid.sessions.store import SessionStore

ODD = ["<b>bold</b>", "&amp;", "😊👩‍⚕️", "שלום", "e\u0301", "\x00", "\x07\x1b", "tab\tline\n", "\u202e", "'"]
odd_text = st.one_of(st.sampled_from(ODD), st.text(st.characters(exclude_categories=("Cs",))),
                     st.lists(st.sampled_from(ODD)).map("".join))


def rec(**changes) -> SessionRecord:
    base = SessionRecord(patient_ref="MRN-100234", clinician="Dr Okafor", held_at="2026-03-14T09:30",
                         answers={"pregnancy": "no", "suicidal_thoughts": "no"}, notes="First visit.",
                         status="Incomplete")
    return dataclasses.replace(base, **changes)


@pytest.fixture
def store(tmp_path):
    with SessionStore.open(tmp_path / "data" / "sessions.sqlite3") as s:
        yield s


def test_create_then_get_returns_the_saved_record(store):
    sid = store.create(rec(), "Dr Okafor")
    view = store.get(sid)
    assert view.record == rec() and view.draft is None
    assert view.revision_count == 1 and view.saved_revision_id == view.latest_revision_id
    assert view.created_at.endswith("+00:00")


def test_autosave_is_a_draft_until_saved(store):
    sid = store.create(rec(), "Dr Okafor")
    draft = rec(notes="Typing…", decision="defer")
    store.autosave(sid, draft, "Dr Okafor")
    view = store.get(sid)
    assert view.record == rec() and view.draft == draft
    assert store.list_page()[0].is_draft and store.list_page()[0].decision == "defer"
    saved_id = store.save(sid, draft, "Dr Okafor")
    view = store.get(sid)
    assert view.record == draft and view.draft is None and view.saved_revision_id == saved_id
    assert not store.list_page()[0].is_draft


def test_history_lists_saves_newest_first_with_what_changed(store):
    sid = store.create(rec(), "Dr Okafor")
    store.autosave(sid, rec(notes="half"), "Dr Okafor")
    store.save(sid, rec(notes="Discussed risks.", answers={"pregnancy": "no", "suicidal_thoughts": "yes"}),
               "Dr Okafor")
    store.amend(sid, rec(notes="Discussed risks.", answers={"pregnancy": "no", "suicidal_thoughts": "yes"},
                         decision="refer"), "Dr Haddad", "Referred after team meeting")
    history = store.history(sid)
    assert [h.kind for h in history] == ["amend", "save", "save"]
    assert history[0].changes == ("decision",) and history[0].reason == "Referred after team meeting"
    assert history[0].author == "Dr Haddad"
    assert history[1].changes == ("answers.suicidal_thoughts", "notes")
    assert history[2].changes == ()
    with_drafts = store.history(sid, include_autosaves=True)
    assert [h.kind for h in with_drafts] == ["amend", "save", "autosave", "save"]
    assert with_drafts[2].changes == ("notes",)
    assert [h.revision_id for h in with_drafts] == sorted((h.revision_id for h in with_drafts), reverse=True)


def test_nothing_is_overwritten(store):
    sid = store.create(rec(), "Dr Okafor")
    first = store.history(sid)[0]
    payload = store.db.execute("SELECT payload FROM revisions WHERE id = ?", [first.revision_id]).fetchone()[0]
    for n in range(3):
        store.save(sid, rec(notes=f"version {n}"), "Dr Okafor")
        store.amend(sid, rec(notes=f"amended {n}"), "Dr Okafor", "typo")
    assert store.revision(first.revision_id).record == rec()
    assert store.db.execute("SELECT payload FROM revisions WHERE id = ?",
                            [first.revision_id]).fetchone()[0] == payload
    assert store.get(sid).revision_count == 7
    with pytest.raises(sqlite3.IntegrityError, match="never changed"):
        store.db.execute("UPDATE revisions SET payload = '{}' WHERE id = ?", [first.revision_id])
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        store.db.execute("DELETE FROM revisions")
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        store.db.execute("DELETE FROM sessions")


def test_amend_needs_a_reason(store):
    sid = store.create(rec(), "Dr Okafor")
    for reason in ("", "   ", None):
        with pytest.raises(RecordError) as caught:
            store.amend(sid, rec(decision="proceed"), "Dr Okafor", reason)
        assert caught.value.field == "reason"
    assert store.get(sid).revision_count == 1


def test_discard_draft_appends_a_copy_of_the_saved_record(store):
    sid = store.create(rec(), "Dr Okafor")
    store.autosave(sid, rec(notes="not what I meant"), "Dr Okafor")
    revert_id = store.discard_draft(sid, "Dr Okafor")
    view = store.get(sid)
    assert view.record == rec() and view.draft is None and view.latest_revision_id == revert_id
    assert store.revision(revert_id).kind == "revert" and store.revision(revert_id).record == rec()
    assert store.list_page()[0].is_draft is False
    assert store.discard_draft(sid, "Dr Okafor") == revert_id  # no draft: nothing written
    assert view.revision_count == 3 == store.get(sid).revision_count


def test_a_never_saved_draft_is_still_there_after_reopening(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    store = SessionStore.open(path)
    sid = store.create(rec(notes="crash coming"), "Dr Okafor", kind="autosave")
    store.db.conn.close()  # as if the program died: no clean close
    with SessionStore.open(path) as again:
        view = again.get(sid)
        assert view.record == rec(notes="crash coming") == view.draft and view.saved_revision_id is None
        assert again.list_page()[0].is_draft
        with pytest.raises(RecordError, match="never saved"):
            again.discard_draft(sid, "Dr Okafor")


def test_invalid_records_are_refused_before_anything_is_written(store):
    sid = store.create(rec(), "Dr Okafor")
    with pytest.raises(RecordError):
        store.save(sid, rec(held_at="2026-02-30T10:00"), "Dr Okafor")
    with pytest.raises(RecordError):
        store.create(rec(patient_ref=""), "Dr Okafor")
    with pytest.raises(RecordError) as caught:
        store.autosave(sid, rec(), "  ")
    assert caught.value.field == "author"
    assert store.count() == 1 and store.get(sid).revision_count == 1


def test_unknown_sessions_and_revisions(store):
    with pytest.raises(NoSuchSession, match="session 42"):
        store.get(42)
    with pytest.raises(NoSuchSession):
        store.save(42, rec(), "Dr Okafor")
    with pytest.raises(NoSuchSession):
        store.history(42)
    with pytest.raises(NoSuchSession, match="revision 7"):
        store.revision(7)
    assert store.count() == 0


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(patient_ref=odd_text.filter(str.strip), notes=odd_text, clinician=odd_text,
       answers=st.dictionaries(odd_text, odd_text, max_size=4))
def test_odd_text_comes_back_unchanged(store, patient_ref, notes, clinician, answers):
    record = rec(patient_ref=patient_ref, notes=notes, clinician=clinician, answers=answers)
    sid = store.create(record, "Dr Okafor")
    assert store.get(sid).record == record
    summary = next(s for s in store.list_page(limit=1000) if s.session_id == sid)
    assert (summary.patient_ref, summary.clinician) == (patient_ref, clinician)


def test_a_one_megabyte_note_is_saved_and_read_back(tmp_path):
    notes = ("Long history, in the patient's words: «…» 😊\n" * 25_000)[:1_000_000]
    with SessionStore.open(tmp_path / "s.sqlite3") as store:
        sid = store.create(rec(notes=notes), "Dr Okafor")
        store.autosave(sid, rec(notes=notes + "!"), "Dr Okafor")
    with SessionStore.open(tmp_path / "s.sqlite3") as store:
        assert store.get(sid).record.notes == notes
        assert store.get(sid).draft.notes == notes + "!"


def test_durability_settings(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == 2000
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_files_are_owner_only(tmp_path):
    path = tmp_path / "new folder" / "sessions.sqlite3"
    with SessionStore.open(path) as store:
        store.create(rec(), "Dr Okafor")
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_draft_may_lack_the_identifier_but_a_save_may_not(store):
    """Notes typed before the identifier are autosaved; saving them as a revision needs the identifier."""
    draft = rec(patient_ref="", notes="typed before the identifier")
    sid = store.create(draft, "Dr Okafor", kind="autosave")
    store.autosave(sid, rec(patient_ref="  ", notes="still no identifier"), "Dr Okafor")
    assert store.get(sid).draft.notes == "still no identifier"
    with pytest.raises(RecordError, match="Patient reference is empty"):
        store.save(sid, rec(patient_ref=""), "Dr Okafor")
    with pytest.raises(RecordError, match="Patient reference is empty"):
        store.create(rec(patient_ref=""), "Dr Okafor")
    store.save(sid, rec(patient_ref="MRN-7", notes="now identified"), "Dr Okafor")
    assert store.get(sid).record.patient_ref == "MRN-7"
