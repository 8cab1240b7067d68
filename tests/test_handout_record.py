"""The clinician record, read back from the PDF: the whole session, reasons, evidence, history; long notes whole."""

import random
import time

import pytest

from decisionaid.checklist.assessment import assess_record
from decisionaid.handout.inputs import record_input
from decisionaid.handout.clinician_record import build_record
from decisionaid.sessions.store import SessionStore

from handout_data import MADE, PATIENT, answered, checklist, record, settings, summary
from pdf_text import reader, squash, text


def build(rec, history=(), **kw) -> bytes:
    return build_record(record_input(settings(), 7, rec, history, made_at=MADE, summary=summary(),
                                     checklist=checklist(), **kw))


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A session saved, then amended, in a real SQLite file: (view, history)."""
    path = tmp_path_factory.mktemp("rec") / "sessions.sqlite3"
    with SessionStore.open(path) as store:
        sid = store.create(record(decision=None), author="Dr Łukasz Nowak", kind="save")
        store.amend(sid, record(decision="decline"), author="Dr Łukasz Nowak", reason="Patient decided <today>")
        return store.get(sid), store.history(sid)


def test_record_holds_the_identifier_decision_reasons_and_every_question(stored):
    view, history = stored
    rec = record(answers=answered(fit_sex="man", ci_prior_ptosis="unsure"), decision="decline")
    body = squash(text(build(rec, history, revision_id=view.saved_revision_id)))
    assert squash(PATIENT) in body
    assert squash("Decision Decline") in body  # the words the Consultation screen shows, not the stored code
    assessment = assess_record(checklist(), rec)
    assert len(assessment.reasons) >= 2
    for reason in assessment.reasons:
        assert squash(reason.text) in body
    for item in checklist().items:
        assert squash(item.question) in body


def test_record_has_phq9_off_label_points_evidence_and_sources():
    body = text(build(record()))
    flat = squash(body)
    assert squash("Total 12 of 27") in flat
    assert "Off-label discussion: 9 of 9 points covered" in body.replace("\n", " ")
    pack = summary().pack
    assert f"pack {pack.version}" in body
    assert squash("4.16 [2.12, 8.17]") in flat  # the forest plot's pooled row, computed from the trial counts
    assert squash("9/15 vs 2/15") in flat and squash("Wollmer 2012") in flat
    assert "PMID 22364892" in body  # Wollmer 2012 in the numbered sources
    assert squash(pack.practical["off_label"].text) in flat


def test_revision_history_lists_each_revision_with_its_reason(stored):
    view, history = stored
    body = squash(text(build(view.record, history, revision_id=view.saved_revision_id)))
    assert squash("Patient decided <today>") in body
    assert squash(f"Saved revision {view.saved_revision_id}") in body
    assert body.count("DrŁukaszNowak") >= 3


def test_a_draft_is_labelled_as_unsaved():
    assert squash("Unsaved draft (autosaved)") in squash(text(build(record(), draft=True)))


def test_crisis_is_flagged_in_the_record():
    rec = record(phq9_items=(2, 2, 1, 2, 1, 1, 2, 1, 1))
    assert squash("Crisis pathway indicated") in squash(text(build(rec)))


def test_same_input_gives_identical_bytes():
    assert build(record()) == build(record())


def test_metadata():
    meta = reader(build(record())).metadata
    assert meta.title == "Clinician record, session 7"
    assert "off-label" in meta.subject and summary().pack.version in meta.subject


def test_a_one_megabyte_note_gives_a_paginated_pdf_with_nothing_cut():
    rnd = random.Random(4)
    words = ["mood", "sleep", "Łukasz", "<b>", "&", "中文", "appetite", "follow-up", "x" * 70]
    lines, size = [], 0
    while size < 1_000_000:
        line = " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 40)))
        lines.append(line)
        size += len(line) + 1
    note = "\n".join(lines)
    start = time.perf_counter()
    data = build(record(notes=note))
    elapsed = time.perf_counter() - start
    pages = len(reader(data).pages)
    assert pages > 100
    footer = squash(f"Session 7 \u00b7 patient {PATIENT} \u00b7 clinician record")
    got = squash(text(data)).replace(footer, "")  # the page footers sit between the note's pages
    want = squash(note)
    start = got.find(want[:200])
    mismatch = next((i for i, (a, b) in enumerate(zip(got[start:], want)) if a != b), None)
    assert start >= 0 and mismatch is None and len(got) - start >= len(want), (
        f"the note differs from character {mismatch}: {got[start + (mismatch or 0):][:80]!r}")
    print(f"1 MB note: {pages} pages, {len(data) / 1e6:.1f} MB, built in {elapsed:.1f} s")


def test_a_consultation_stopped_at_the_safety_check_does_not_read_like_a_list_of_omissions():
    rec = record(answers={"safety_suicidal_thoughts": "yes"}, phq9_items=(1, 1, 1, 1, 1, 1, 1, 1, 2))
    body = squash(text(build(rec)))
    crisis = checklist().crisis
    assert squash(crisis.clinician_guidance) in body and squash(crisis.record_note) in body
    assert squash("not answered") not in body and squash("Still unanswered") not in body
    assert squash("points covered") not in body  # not "0 of 9 points covered"
    asked = squash(checklist().item("safety_suicidal_thoughts").question)
    assert asked in body and squash(checklist().item("ci_pregnancy").question) not in body
    assert squash("questions were not asked: safety came first") in body
    # and the patient's crisis lines are not in the clinician's record
    assert squash("call Samaritans on 116 123") not in body


def test_answers_from_the_patient_view_are_marked_in_the_record(tmp_path):
    """Stored in a real SQLite file and read back: the marker travels with the record into the PDF."""
    from decisionaid.sessions.session_record import PATIENT_VIEW, PATIENT_VIEW_WORDS

    answers = answered()
    with SessionStore.open(tmp_path / "sessions.sqlite3") as store:
        sid = store.create(record(answers=answers, answer_sources={"values_cost": PATIENT_VIEW}), author="Dr A",
                           kind="save")
        view = store.get(sid)
    assert view.record.answer_sources == {"values_cost": PATIENT_VIEW}
    body = squash(text(build(view.record, revision_id=view.saved_revision_id)))
    assert squash(f"{answers['values_cost']} ({PATIENT_VIEW_WORDS})") in body
    assert body.count(squash(PATIENT_VIEW_WORDS)) == 1  # only the answer the patient gave
