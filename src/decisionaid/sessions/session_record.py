"""One consultation as plain data: what the clinician recorded, checked before every write.

No SQLite here: the checklist and the UI use records without loading the store. What a record may hold (the
decisions, the PHQ-9's number of items and score ranges) is the checklist's (checklist/items.py), never a copy here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import NamedTuple

PATIENT_VIEW = "patient_view"
PATIENT_VIEW_WORDS = "answered by the patient in the patient view"
_HELD_AT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class RecordError(ValueError):
    """A record (or a write's author or reason) cannot be saved. str() is the message, naming the field."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(message)


def stored_json(text: str | bytes, what: str) -> object:
    """A stored payload (text, or the bytes of a TEXT column) as JSON data. Raises RecordError, never quoting the
    payload, when it is not UTF-8 or not JSON: "The stored `what` is not valid text or JSON."."""
    try:
        if isinstance(text, (bytes, bytearray, memoryview)):
            text = bytes(text).decode("utf-8")
        return json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RecordError(what, f"The stored {what} is not valid text or JSON.") from None


@dataclass(frozen=True)
class SessionRecord:
    patient_ref: str
    clinician: str
    held_at: str  # YYYY-MM-DDTHH:MM, local time of the consultation
    phq9_items: tuple[int | None, ...] | None = None
    phq9_total: int | None = None
    answers: dict[str, str] = field(default_factory=dict)  # checklist item id -> answer
    notes: str = ""
    decision: str | None = None
    follow_up: str | None = None  # YYYY-MM-DD
    status: str = ""  # the assessment status text at save time
    # who gave an answer, when not the clinician: item id -> PATIENT_VIEW (answered by the patient in the Patient
    # view). Kept inside the JSON payload (no schema step); older payloads have none.
    answer_sources: dict[str, str] = field(default_factory=dict)
    # the SURE test as the patient answered it at the start of the talk (Patient view, team talk): SURE item id ->
    # "yes" / "no". The checklist's own SURE answers are the ones at the end. In the JSON only when there is one.
    sure_start: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["answers"] = dict(self.answers)
        for name in ("answer_sources", "sure_start"):  # written only when there is one: older payloads stay as they were
            if getattr(self, name):
                data[name] = dict(getattr(self, name))
            else:
                del data[name]
        data["phq9_items"] = None if self.phq9_items is None else list(self.phq9_items)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> SessionRecord:
        """Fields missing from older payloads take their defaults; unknown keys are ignored."""
        if not isinstance(data, dict):
            raise RecordError("record", "The stored record is not a JSON object.")
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("phq9_items") is not None:
            if not isinstance(values["phq9_items"], list):
                raise RecordError("phq9_items", "The stored PHQ-9 item scores are not a list.")
            values["phq9_items"] = tuple(values["phq9_items"])
        try:
            return cls(**values)
        except TypeError:
            raise RecordError("record", "The stored record is incomplete.") from None

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> SessionRecord:
        """A stored payload (text, or the bytes of a TEXT column) back as a record. Raises RecordError, never quoting
        the payload, when it is not UTF-8, not JSON, or not shaped like a record (fields of the wrong type)."""
        record = cls.from_dict(stored_json(text, "record"))
        _shape(record)
        return record

    def validate(self, phq9_item_max: int | None = None, phq9_total_max: int | None = None, draft: bool = False,
                 checklist=None) -> None:
        """Raise RecordError for the first problem found. The decisions and the PHQ-9 scale come from `checklist`,
        else the bundled checklist file (checklist/record_rules.py); phq9_item_max / phq9_total_max replace its limits.

        A draft (an autosave) may still lack the patient reference, so that nothing typed before it is lost;
        a save or an amendment needs it."""
        _text("patient_ref", "Patient reference", self.patient_ref)
        if not draft and not self.patient_ref.strip():
            raise RecordError("patient_ref", "Patient reference is empty: enter the patient's identifier.")
        _text("clinician", "Clinician", self.clinician)
        _text("notes", "Notes", self.notes)
        _text("status", "Status", self.status)
        _moment(self.held_at)
        if self.follow_up is not None:
            _day("follow_up", "Follow-up date", self.follow_up)
        rules = record_rules_for(checklist)
        if self.decision is not None and self.decision not in rules.decision_codes:
            raise RecordError("decision", f"Decision {self.decision!r} is not one of "
                                          f"{', '.join(rules.decision_codes)}.")
        _phq9(self.phq9_items, self.phq9_total, phq9_limits(rules, phq9_item_max, phq9_total_max))
        if not isinstance(self.answers, dict):
            raise RecordError("answers", "Answers must map checklist item ids to answers.")
        for item_id, answer in self.answers.items():
            _text("answers", "A checklist item id", item_id)
            _text(f"answers.{item_id}", f"The answer to {item_id}", answer)


def changed_fields(old: SessionRecord, new: SessionRecord) -> tuple[str, ...]:
    """Names of the fields that differ; changed answers are named one by one ("answers.<item id>")."""
    changed = []
    for f in fields(SessionRecord):
        before, after = getattr(old, f.name), getattr(new, f.name)
        if f.name == "answers":
            ids = list(after) + [k for k in before if k not in after]
            changed += [f"answers.{k}" for k in ids if before.get(k) != after.get(k)]
        elif f.name == "answer_sources":
            continue  # who gave an answer changes only with the answer, which is named above
        elif before != after:
            changed.append(f.name)
    return tuple(changed)


class Phq9Limits(NamedTuple):
    n_items: int
    item_min: int
    item_max: int
    total_min: int
    total_max: int


def record_rules_for(checklist=None):
    """The record rules (checklist/record_rules.py: the decisions, the PHQ-9's items and ranges) of `checklist`, else
    of the bundled checklist file. Raises RecordError (one line) when they cannot be read, since a record cannot be
    checked without them."""
    from decisionaid.checklist.record_rules import RecordRulesError, bundled_rules, rules_of
    from decisionaid.resources import ResourceError

    if checklist is not None:
        return rules_of(checklist)
    try:
        return bundled_rules()
    except (RecordRulesError, ResourceError) as exc:
        raise RecordError("checklist", f"The record cannot be checked because the checklist cannot be read: "
                                       f"{str(exc).rstrip('.')}.") from None


def phq9_limits(rules, item_max: int | None = None, total_max: int | None = None) -> Phq9Limits:
    """The PHQ-9's number of items and score ranges from the record rules; item_max / total_max replace its maxima
    when given."""
    return Phq9Limits(rules.phq9_items, rules.item_min, rules.item_max if item_max is None else item_max,
                      rules.total_min, rules.total_max if total_max is None else total_max)


def check_text(name: str, label: str, value: object, required: bool = False) -> None:
    """For text that is not part of a record (a revision's author or reason)."""
    if required and (value is None or isinstance(value, str) and not value.strip()):
        raise RecordError(name, f"{label} is empty: please fill it in.")
    _text(name, label, value)


def _shape(record: SessionRecord) -> None:
    """The types a stored record must have for anything to show or print it (no limits: those are for saving, and
    may have been different when it was saved). Raises RecordError naming the field."""
    def wrong(name: str) -> RecordError:
        return RecordError(name, f"The stored {name} has the wrong type.")

    for name in ("patient_ref", "clinician", "held_at", "notes", "status"):
        if not isinstance(getattr(record, name), str):
            raise wrong(name)
    for name in ("decision", "follow_up"):
        if getattr(record, name) is not None and not isinstance(getattr(record, name), str):
            raise wrong(name)
    if record.phq9_total is not None and not _score(record.phq9_total):
        raise wrong("phq9_total")
    if record.phq9_items is not None and not all(s is None or _score(s) for s in record.phq9_items):
        raise wrong("phq9_items")
    if not isinstance(record.answers, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                       for k, v in record.answers.items()):
        raise wrong("answers")
    for name in ("answer_sources", "sure_start"):
        value = getattr(record, name)
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise wrong(name)


def _text(name: str, label: str, value: object) -> None:
    if not isinstance(value, str):
        raise RecordError(name, f"{label} must be text, not {type(value).__name__}.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise RecordError(name, f"{label} contains an invalid character at position {exc.start + 1}: "
                                "please retype that part.") from None


def _moment(value: object) -> None:
    label = "Consultation date and time"
    _text("held_at", label, value)
    try:
        if not _HELD_AT.fullmatch(value):
            raise ValueError
        datetime.strptime(value, "%Y-%m-%dT%H:%M")
    except ValueError:
        raise RecordError("held_at", f"{label} {value!r} is not a real date and time: "
                                     "use YYYY-MM-DD HH:MM, e.g. 2026-03-14T09:30.") from None


def _day(name: str, label: str, value: object) -> None:
    _text(name, label, value)
    try:
        if not _DAY.fullmatch(value):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise RecordError(name, f"{label} {value!r} is not a real date: use YYYY-MM-DD, e.g. 2026-03-14.") from None


def _score(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _phq9(items: object, total: object, limits: Phq9Limits) -> None:
    n, lo, hi = limits.n_items, limits.item_min, limits.item_max
    if items is not None:
        if not isinstance(items, tuple) or len(items) != n:
            raise RecordError("phq9_items", f"PHQ-9 needs exactly {n} item scores (or none at all).")
        for number, score in enumerate(items, 1):
            if score is not None and not (_score(score) and lo <= score <= hi):
                raise RecordError("phq9_items", f"PHQ-9 item {number} is {score!r}: "
                                                f"enter a whole number from {lo} to {hi}, or leave it blank.")
    if total is not None and not (_score(total) and limits.total_min <= total <= limits.total_max):
        raise RecordError("phq9_total", f"PHQ-9 total is {total!r}: enter a whole number from {limits.total_min} to "
                                        f"{limits.total_max}.")
