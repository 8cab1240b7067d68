"""The clinician record's follow-up part, read back from the PDF (pypdf), from a real sessions file: the course
chart's words, each visit's outcomes, the crisis line at a follow-up with item 9 above 0, the definitions and their
sources, visit amendments as old -> new, and the session's revisions numbered 1, 2, 3 (not database ids)."""

from __future__ import annotations

import pytest

from decisionaid.handout.inputs import record_input
from decisionaid.handout.clinician_record import build_record
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore
from decisionaid.sessions.visits import VisitRecord

from handout_data import MADE, checklist, settings, summary
from pdf_text import squash, text


@pytest.fixture(scope="module")
def record_body(tmp_path_factory):
    path = tmp_path_factory.mktemp("fu") / "sessions.sqlite3"
    with SessionStore.open(path) as store:
        for n in range(12):  # other sessions first, so database ids differ from the numbers within a session
            store.create(SessionRecord(f"MRN-X{n}", "Dr A", "2026-09-01T09:00"), "Dr A")
        r = SessionRecord("MRN-4711", "Dr Okafor", "2026-10-05T09:30", phq9_total=16, decision="proceed",
                          follow_up="2026-11-16")
        sid = store.create(r, "Dr Okafor")
        store.autosave(sid, SessionRecord(**{**r.__dict__, "notes": "partner"}), "Dr Okafor")
        store.amend(sid, SessionRecord(**{**r.__dict__, "notes": "partner present"}), "Dr Okafor", "Partner came")
        store.add_visit(sid, VisitRecord("2026-10-26", phq9_total=14, side_effects=("headache",), botox_given=True,
                                         botox_date="2026-10-05"), "Dr Okafor")
        store.add_visit(sid, VisitRecord("2026-11-16", phq9_items=(1, 1, 0, 1, 0, 0, 1, 0, 1)), "Dr Okafor")
        store.add_visit(sid, VisitRecord("2026-12-28", phq9_total=4, next_step="repeat"), "Dr Okafor")
        store.amend_visit(sid, 1, VisitRecord("2026-10-26", phq9_total=13, side_effects=("headache",),
                                              botox_given=True, botox_date="2026-10-05"), "Dr Okafor", "Mistyped")
        later = store.create(SessionRecord("MRN-4711", "Dr Okafor", "2027-03-01T10:00", decision="proceed"),
                             "Dr Okafor")
        view = store.get(sid)
        data = record_input(settings(), sid, view.record, store.history(sid, include_autosaves=True),
                            revision_id=view.saved_revision_id, made_at=MADE, summary=summary(),
                            checklist=checklist(), visits=store.visits(sid),
                            visit_revisions=store.visit_revisions(sid),
                            patient_sessions=store.patient_course("MRN-4711"))
    return squash(text(build_record(data))), sid, later


def test_the_record_shows_the_course_and_each_visits_outcomes(record_body):
    body, sid, later = record_body
    assert squash("This patient's sessions, oldest first:") in body
    assert squash("first consultation (this record)") in body
    assert squash("later consultation") in body and squash(str(later)) in body
    assert squash("Follow-up visits and the course so far") in body
    assert squash("PHQ-9 over time") in body and squash("half the first score (8)") in body
    assert squash("Botox given on 2026-10-05") in body
    assert squash("Visit 2 (2026-11-16): PHQ-9 5") in body  # the total computed from the items
    assert squash("-11 (-68.8%)") in body and squash("-12 (-75.0%)") in body
    assert squash("Visit 2: PHQ-9 item 9 is above 0: follow the crisis pathway") in body
    assert squash("Side effects: Headache") in body and squash("Next step: Repeat the injection") in body


def test_the_definitions_their_sources_and_the_scale_caveat_are_printed(record_body):
    body = record_body[0]
    assert squash("Response: a PHQ-9 total at least 50% lower than at the first consultation; reported in NCQA HEDIS"
                  ) in body
    assert squash("Remission: a PHQ-9 total below 5") in body and squash("Med Care 2004") in body
    assert squash("HAMD, MADRS or BDI scales, not the PHQ-9") in body


def test_revisions_are_numbered_within_the_session_and_amendments_show_old_and_new(record_body):
    body = record_body[0]
    assert squash("3 amendment Dr Okafor") in body and squash("2 autosave") in body
    assert squash("notes: partner → partner present") in body  # against the autosave listed before it
    assert squash("Saved revision 3") in body and squash("Saved revision 15") not in body
    assert squash("PHQ-9 total: 14 → 13") in body and squash("Mistyped") in body


def test_a_visits_facts_are_worded_on_paper_as_before(tmp_path):
    """Everything a visit can record, in the record's own words: the Botox date in brackets, written out in full;
    the same facts and amendment words as the Follow-up screen (tests/test_ui_followup.py) but for how the date is
    written."""
    with SessionStore.open(tmp_path / "sessions.sqlite3") as store:
        r = SessionRecord("MRN-1", "Dr A", "2026-10-05T09:30", phq9_total=16, decision="proceed")
        sid = store.create(r, "Dr A")
        store.add_visit(sid, VisitRecord("2026-10-26", phq9_total=13, side_effects=("headache",),
                                         side_effects_other="tired eyes", botox_given=True,
                                         botox_date="2026-10-05", impression="a little better",
                                         notes="came with her sister", next_step="repeat"), "Dr A")
        store.add_visit(sid, VisitRecord("2026-12-07", phq9_total=12, botox_given=False), "Dr A")
        store.amend_visit(sid, 2, VisitRecord("2026-12-07", phq9_items=(1, 1, 1, 1, 1, 1, 1, None, 0),
                                              side_effects=("headache",), botox_given=True), "Dr A", "Mixed up")
        view = store.get(sid)
        data = record_input(settings(), sid, view.record, store.history(sid), revision_id=view.saved_revision_id,
                            made_at=MADE, summary=summary(), checklist=checklist(), visits=store.visits(sid),
                            visit_revisions=store.visit_revisions(sid))
    body = squash(text(build_record(data)))
    assert squash("Visit 1 (26 October 2026). Side effects: Headache; tired eyes. Botox given: yes "
                  "(5 October 2026). Patient's impression: a little better. Next step: Repeat the injection.") in body
    assert squash("Notes: came with her sister") in body
    assert squash("Visit 2 (7 December 2026). Side effects: Headache. Botox given: yes.") in body
    assert squash("PHQ-9 answers: (blank) → 1,1,1,1,1,1,1,-,0; PHQ-9 total: 12 → (blank); Side effects: (blank) → "
                  "Headache; Botox given: no → yes") in body  # the form's words, not the stored codes
