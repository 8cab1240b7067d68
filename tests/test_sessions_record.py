"""SessionRecord: exact JSON round trips of any text, and validation messages that name what to fix."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from decisionaid.sessions.session_record import RecordError, SessionRecord, changed_fields

ODD = ["<b>bold</b>", "&amp;", "😊👩‍⚕️", "שלום עולם", "مرحبا", "e\u0301 café", "\x00", "tab\tnew\nline\r",
       "\x1b[31m", "\u202eevil", "\u2028\u2029", '"quoted", comma', "=cmd|' /C calc'!A0", "'"]
odd_text = st.one_of(st.sampled_from(ODD), st.text(st.characters(exclude_categories=("Cs",))),
                     st.lists(st.sampled_from(ODD)).map("".join))


def good(**changes) -> SessionRecord:
    base = SessionRecord(patient_ref="MRN-100234", clinician="Dr Okafor", held_at="2026-03-14T09:30",
                         phq9_items=(1, 2, 0, 3, None, 1, 0, 0, 0), phq9_total=7,
                         answers={"pregnancy": "no", "suicidal_thoughts": "no"}, notes="Partner present.",
                         decision="defer", follow_up="2026-04-01", status="Candidate with cautions")
    return dataclasses.replace(base, **changes)


@given(patient_ref=odd_text, clinician=odd_text, notes=odd_text, status=odd_text,
       answers=st.dictionaries(odd_text, odd_text, max_size=5))
def test_json_round_trip_keeps_every_character(patient_ref, clinician, notes, status, answers):
    record = good(patient_ref=patient_ref, clinician=clinician, notes=notes, status=status, answers=answers)
    back = SessionRecord.from_json(record.to_json())
    assert back == record
    assert back.notes == notes and list(back.answers) == list(answers)


def test_round_trip_keeps_types_and_empty_values():
    record = good(phq9_items=None, phq9_total=None, decision=None, follow_up=None, answers={}, notes="")
    back = SessionRecord.from_json(record.to_json())
    assert back == record and back.phq9_items is None
    assert isinstance(SessionRecord.from_json(good().to_json()).phq9_items, tuple)


def test_a_one_megabyte_note_is_valid_and_round_trips():
    notes = ("Patient described her week in detail. 😊 " * 30_000)[:1_000_000]
    record = good(notes=notes)
    record.validate()
    assert SessionRecord.from_json(record.to_json()).notes == notes


def test_a_good_record_passes():
    good().validate()
    good(decision=None, follow_up=None, phq9_items=None, phq9_total=None, clinician="").validate()


@pytest.mark.parametrize("changes,field,fragment", [
    ({"patient_ref": ""}, "patient_ref", "Patient reference is empty"),
    ({"patient_ref": "   "}, "patient_ref", "Patient reference is empty"),
    ({"held_at": "2026-02-30T09:00"}, "held_at", "not a real date"),
    ({"held_at": "2026-03-14 09:30"}, "held_at", "YYYY-MM-DD"),
    ({"held_at": "2026-03-14T25:00"}, "held_at", "not a real date"),
    ({"held_at": ""}, "held_at", "Consultation date"),
    ({"follow_up": "2026-13-01"}, "follow_up", "Follow-up date"),
    ({"follow_up": "2026-04-01T10:00"}, "follow_up", "not a real date"),
    ({"follow_up": "20260401"}, "follow_up", "not a real date"),
    ({"decision": "maybe"}, "decision", "proceed, defer, decline, refer"),
    ({"notes": "ok \ud800 not"}, "notes", "Notes contains an invalid character at position 4"),
    ({"patient_ref": "MRN\udfff"}, "patient_ref", "invalid character"),
    ({"clinician": "\udc80"}, "clinician", "Clinician"),
    ({"answers": {"pregnancy": "n\ud83d"}}, "answers.pregnancy", "The answer to pregnancy"),
    ({"answers": {"\ud83d": "no"}}, "answers", "checklist item id"),
    ({"phq9_items": (0, 1, 2, 3, 4, 0, 0, 0, 0)}, "phq9_items", "PHQ-9 item 5 is 4"),
    ({"phq9_items": (0, -1, 0, 0, 0, 0, 0, 0, 0)}, "phq9_items", "item 2"),
    ({"phq9_items": (True, 0, 0, 0, 0, 0, 0, 0, 0)}, "phq9_items", "whole number from 0 to 3"),
    ({"phq9_items": (1.5, 0, 0, 0, 0, 0, 0, 0, 0)}, "phq9_items", "item 1"),
    ({"phq9_items": (0,) * 8}, "phq9_items", "exactly 9"),
    ({"phq9_total": 28}, "phq9_total", "from 0 to 27"),
    ({"phq9_total": "12"}, "phq9_total", "PHQ-9 total"),
    ({"notes": None}, "notes", "Notes must be text"),
])
def test_problems_are_named_for_the_clinician(changes, field, fragment):
    with pytest.raises(RecordError) as caught:
        good(**changes).validate()
    assert caught.value.field == field
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)


def test_phq9_limits_come_from_the_caller():
    record = good(phq9_items=(4, 0, 0, 0, 0, 0, 0, 0, 0), phq9_total=30)
    with pytest.raises(RecordError):
        record.validate()
    record.validate(phq9_item_max=4, phq9_total_max=36)
    with pytest.raises(RecordError, match="from 0 to 2"):
        good().validate(phq9_item_max=2)


def test_changes_name_fields_and_answer_items():
    before = good()
    after = good(notes="Changed.", answers={"pregnancy": "unsure", "sure_1": "yes"}, decision="proceed")
    assert changed_fields(before, after) == ("answers.pregnancy", "answers.sure_1", "answers.suicidal_thoughts",
                                             "notes", "decision")
    assert changed_fields(before, before) == ()


def test_unreadable_stored_payloads_raise_record_error():
    with pytest.raises(RecordError):
        SessionRecord.from_json("[1, 2]")
    with pytest.raises(RecordError):
        SessionRecord.from_json('{"clinician": "x"}')


@pytest.mark.parametrize("payload", [b"\xff\xfe not utf-8", "{not json", b"{\"patient_ref\": ", "[" * 100000])
def test_a_stored_record_or_visit_that_is_not_text_or_json_is_one_sentence_never_quoting_it(payload):
    from decisionaid.sessions.visits import VisitRecord

    for cls, what in ((SessionRecord, "record"), (VisitRecord, "visit")):
        with pytest.raises(RecordError) as caught:
            cls.from_json(payload)
        assert (caught.value.field, str(caught.value)) == (what, f"The stored {what} is not valid text or JSON.")
