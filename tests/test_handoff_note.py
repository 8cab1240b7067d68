"""The note for the health record: sections, wording a chart can take, full and short, and `sessions note`."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings

from decisionaid import paths
from decisionaid.cli import main
from decisionaid.handoff.note import INTERNAL_WORDS, build_note
from decisionaid.handoff.visits import FollowUpVisit, HandoffError, HandoffInput
from decisionaid.sessions.store import SessionStore

import handout_data as hd
from test_drill_hostile_input import short_hostile, typeable

SECTIONS = ["Reason for the discussion", "Off-label statement", "Evidence discussed", "PHQ-9 (past 2 weeks)",
            "Safety screen", "Contraindications and warnings found", "Patient's values and readiness to decide",
            "Checklist", "Decision", "Follow-up", "Notes", "Clinician"]


def handoff(record=None, **kw) -> HandoffInput:
    kw.setdefault("revision_id", 3)
    return HandoffInput(7, record or hd.record(), hd.checklist(), hd.summary().pack, hd.MADE, app_version="9.9",
                        **kw)


def headings(note: str) -> list[str]:
    """The first line of each block after the title block."""
    return [block.split("\n")[0] for block in note.strip("\n").split("\n\n")[1:]]


def test_the_full_note_has_the_headed_sections_in_order_with_plain_bullets():
    note = build_note(handoff())
    assert note.startswith("Discussion of off-label botulinum toxin A (Botox) for depression\n"
                           "Date and time: 2026-11-21 14:30\nPatient reference: Şükrü <Smith> & Co 中文\n")
    assert headings(note) == SECTIONS
    body = [line for block in note.strip("\n").split("\n\n")[1:] for line in block.split("\n")[1:]]
    assert all(line.startswith(("- ", "  - ", "  ")) for line in body)
    assert "\r" not in note and note.endswith(".\n") and "\n\n\n" not in note
    for markup in ("**", "<b>", "<br", "&amp;", "\t", "#"):
        assert markup not in note.replace("<b>smile</b>", "")  # only the patient's own words hold a tag
    pack = hd.summary().pack
    assert f"- Evidence pack {pack.version}, last reviewed {pack.last_reviewed.isoformat()}." in note
    assert "- Total score 12 of 27: moderate." in note
    assert "- Decision: Defer." in note and "- Follow-up: 2026-12-05." in note
    assert "- SURE test: 4 of 4 answered yes." in note
    assert "- Dr Łukasz Nowak" in note


def test_answers_are_said_with_their_question_so_none_reads_as_a_result():
    note = build_note(handoff())
    assert ("- Does the patient have any current thoughts of suicide or of harming themselves? Answered no.\n"
            in note)
    assert ("- PHQ-9 item 9 (thoughts that you would be better off dead or of hurting yourself in some way): scored 0 of 3 "
            "(not at all).") in note
    assert "- Age of the patient: 18 to 65." in note  # a heading, not a question: never "... patient Answered ..."
    assert "- None of the 7 questions was answered yes or unsure." in note
    for line in note.splitlines():
        assert not re.fullmatch(r"[-\s]*(positive|negative|yes|no|pass|fail|normal|abnormal)\.?", line, re.I), line


@pytest.mark.parametrize("style", ["full", "short"])
@pytest.mark.parametrize("record", [hd.record(), hd.record(phq9_items=None, phq9_total=None, answers={}),
                                    hd.record(answers=hd.answered(safety_suicidal_thoughts="yes", ci_pregnancy="yes",
                                                                  sure_sure="no"),
                                              phq9_items=(3, 3, 3, 3, 3, 3, 3, 3, 3))],
                         ids=["no-concerns", "nothing-answered", "stops-and-cautions"])
def test_no_internal_wording_reaches_the_note(style, record):
    note = build_note(handoff(record), style)
    for word in INTERNAL_WORDS:
        assert word.lower() not in note.lower(), word


def test_stops_cautions_and_the_crisis_pathway_are_named_by_their_questions():
    record = hd.record(answers=hd.answered(safety_suicidal_thoughts="yes", ci_pregnancy="unsure", sure_sure="no"),
                       phq9_items=(3, 3, 3, 3, 3, 3, 3, 3, 1))
    note = build_note(handoff(record))
    assert "thoughts of suicide or of harming themselves? Answered yes." in note
    assert "- Crisis pathway indicated: suicidal thoughts or a PHQ-9 item 9 score above 0 were recorded." in note
    assert "- Is the patient pregnant or breastfeeding? Answered unsure." in note
    assert "- Total score 25 of 27: severe." in note
    assert "- Checklist status in decisionaid: Not a candidate now." in note
    assert "- SURE test: 3 of 4 answered yes; answered no: S (Sure of myself)." in note
    assert "scored 1 of 3 (several days)" in note


def test_the_short_note_keeps_the_essentials_in_fewer_lines():
    full, short = build_note(handoff()), build_note(handoff(), "short")
    assert len(short.splitlines()) < len(full.splitlines()) * 0.7
    assert headings(short) == [s for s in SECTIONS if s != "Notes"]
    assert "- The other 3 safety questions were answered no." in short  # age is asked once, and answered with a group
    assert "Item scores" not in short and "Reported in:" not in short
    for line in ("- Total score 12 of 27: moderate.", "- Decision: Defer.", "- SURE test: 4 of 4 answered yes."):
        assert line in short


def test_follow_up_visits_are_listed_with_their_phq9_band():
    visits = (FollowUpVisit(dt.date(2026, 12, 5), total=6), FollowUpVisit(dt.datetime(2027, 1, 9, 10, 15),
                                                                          items=(0,) * 9))
    note = build_note(handoff(follow_ups=visits))
    assert "- Follow-up PHQ-9 on 2026-12-05: total 6 of 27: mild.\n" in note
    assert "- Follow-up PHQ-9 on 2027-01-09 10:15: total 0 of 27: minimal or none.\n" in note


def test_typed_text_keeps_its_characters_and_its_lines_stay_under_their_bullet():
    record = hd.record(notes="First line\r\nsecond\rthird\u2028fourth\x07 <i>kept</i>", clinician="Dr A\nB")
    note = build_note(handoff(record))
    assert "- First line\n  second\n  third\n  fourth\ufffd <i>kept</i>\n" in note
    assert "- Dr A\n  B\n" in note


def test_a_session_without_a_patient_reference_gets_a_clear_refusal():
    with pytest.raises(HandoffError) as refused:
        build_note(handoff(hd.record(patient_ref=" "), revision_id=None, draft=True))
    assert str(refused.value) == ("Session 7 is an unsaved draft without a patient reference: open it, enter the "
                                  "patient's identifier and save it, then try again.")


@settings(max_examples=20, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(patient=short_hostile, clinician=short_hostile, notes=short_hostile, value=short_hostile)
def test_hostile_text_never_breaks_the_note(patient, clinician, notes, value):
    patient = typeable(patient) if typeable(patient).strip() else "P-1"
    record = hd.record(patient_ref=patient, clinician=typeable(clinician), notes=typeable(notes),
                       answers=hd.answered(values_other=typeable(value)))
    for style in ("full", "short"):
        note = build_note(handoff(record), style)
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f\r\u2028\u2029]", note)
        assert headings(note)[:2] == SECTIONS[:2] and headings(note)[-1] == "Clinician"


# --- the command line


@pytest.fixture
def stored(tmp_path):
    folder = tmp_path / "data"
    with SessionStore.open(folder / paths.DATABASE_NAME) as store:
        sid = store.create(hd.record(), "Dr Łukasz Nowak")
        draft = store.create(hd.record(patient_ref=""), "Dr Łukasz Nowak", kind="autosave")
    yield folder, sid, draft
    paths.set_data_dir(None)


def test_cli_prints_the_same_note(stored, capsys, monkeypatch):
    from decisionaid.cli.handoff import handoff_for

    folder, sid, _ = stored
    for flags, style in (([], "full"), (["--short"], "short")):
        assert main(["--data-dir", str(folder), "sessions", "note", str(sid), *flags]) == 0
        out, err = capsys.readouterr()
        assert err == ""
        with SessionStore.open(folder / paths.DATABASE_NAME) as store:
            data, _, _ = handoff_for(store, sid)
        expected = build_note(data, style)
        stamp = re.compile(r"on \d{4}-\d\d-\d\d \d\d:\d\d;")  # made a moment apart
        assert stamp.sub("", out) == stamp.sub("", expected)
        assert "Patient reference: Şükrü <Smith> & Co 中文" in out


def test_cli_note_of_a_draft_without_identifier_is_one_line(stored, capsys):
    folder, _, draft = stored
    assert main(["--data-dir", str(folder), "sessions", "note", str(draft)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("decisionaid sessions note: Session ")


def test_cli_note_of_a_session_that_does_not_exist_is_one_line(stored, capsys):
    folder, _, _ = stored
    assert main(["--data-dir", str(folder), "sessions", "note", "99"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("decisionaid sessions: ") and "Traceback" not in err
