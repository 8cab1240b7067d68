"""A follow-up visit as plain data: what the clinician recorded when the patient came back, checked before every
write. Stored as revisions of the visit (sessions/store.py), never overwritten.

No SQLite here: the outcomes (checklist/followup.py) and the UI use visits without loading the store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields

from decisionaid.sessions.session_record import (RecordError, _day, _phq9, _score, _text, phq9_limits,
                                                 record_rules_for, stored_json)

NEXT_STEPS = ("repeat", "stop", "change", "review")


@dataclass(frozen=True)
class VisitRecord:
    visit_date: str                      # YYYY-MM-DD
    phq9_items: tuple[int | None, ...] | None = None
    phq9_total: int | None = None
    side_effects: tuple[str, ...] = ()   # harm ids from the evidence pack
    side_effects_other: str = ""         # side effects in the clinician's words
    botox_given: bool | None = None      # injected since the last visit (None: not recorded)
    botox_date: str | None = None        # YYYY-MM-DD
    impression: str = ""                 # the patient's own global impression, in their words
    notes: str = ""
    next_step: str | None = None         # one of NEXT_STEPS

    def to_dict(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["phq9_items"] = None if self.phq9_items is None else list(self.phq9_items)
        data["side_effects"] = list(self.side_effects)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: object) -> VisitRecord:
        if not isinstance(data, dict):
            raise RecordError("visit", "The stored visit is not a JSON object.")
        values = {k: v for k, v in data.items() if k in _FIELDS}
        for name in ("phq9_items", "side_effects"):
            if values.get(name) is not None:
                if not isinstance(values[name], list):
                    raise RecordError(name, f"The stored {name} is not a list.")
                values[name] = tuple(values[name])
        try:
            visit = cls(**values)
        except TypeError:
            raise RecordError("visit", "The stored visit is incomplete.") from None
        _shape(visit)
        return visit

    @classmethod
    def from_json(cls, text: str | bytes) -> VisitRecord:
        return cls.from_dict(stored_json(text, "visit"))

    def validate(self, phq9_item_max: int | None = None, phq9_total_max: int | None = None,
                 harm_ids: tuple[str, ...] = (), checklist=None) -> None:
        """Raise RecordError for the first problem found (the PHQ-9 scale comes from `checklist`, else the bundled one,
        with phq9_item_max / phq9_total_max replacing its limits; the side effects offered from the evidence pack's
        harms)."""
        _day("visit_date", "Visit date", self.visit_date)
        if self.botox_date is not None:
            _day("botox_date", "Date Botox was given", self.botox_date)
        if self.botox_given is not None and not isinstance(self.botox_given, bool):
            raise RecordError("botox_given", "Whether Botox was given must be yes, no or not recorded.")
        _phq9(self.phq9_items, self.phq9_total,
              phq9_limits(record_rules_for(checklist), phq9_item_max, phq9_total_max))
        for name, label in (("side_effects_other", "Other side effects"), ("impression", "Patient's impression"),
                            ("notes", "Notes")):
            _text(name, label, getattr(self, name))
        for harm in self.side_effects:
            _text("side_effects", "A side effect", harm)
            if harm_ids and harm not in harm_ids:
                raise RecordError("side_effects", f"Side effect {harm!r} is not one of {', '.join(harm_ids)}.")
        if self.next_step is not None and self.next_step not in NEXT_STEPS:
            raise RecordError("next_step", f"Next step {self.next_step!r} is not one of {', '.join(NEXT_STEPS)}.")


_FIELDS = frozenset(f.name for f in fields(VisitRecord))


def changed_visit_fields(old: VisitRecord, new: VisitRecord) -> tuple[tuple[str, object, object], ...]:
    """(field, old value, new value) for each field that differs."""
    return tuple((f.name, getattr(old, f.name), getattr(new, f.name)) for f in fields(VisitRecord)
                 if getattr(old, f.name) != getattr(new, f.name))


def _shape(visit: VisitRecord) -> None:
    def wrong(name: str) -> RecordError:
        return RecordError(name, f"The stored visit's {name} has the wrong type.")

    for name, value in (("visit_date", visit.visit_date), ("side_effects_other", visit.side_effects_other),
                        ("impression", visit.impression), ("notes", visit.notes)):
        if value.__class__ is not str and not isinstance(value, str):
            raise wrong(name)
    for name, value in (("botox_date", visit.botox_date), ("next_step", visit.next_step)):
        if value is not None and not isinstance(value, str):
            raise wrong(name)
    if visit.botox_given is not None and not isinstance(visit.botox_given, bool):
        raise wrong("botox_given")
    if visit.phq9_total is not None and not _score(visit.phq9_total):
        raise wrong("phq9_total")
    if visit.phq9_items is not None and not all(s is None or _score(s) for s in visit.phq9_items):
        raise wrong("phq9_items")
    if not all(isinstance(s, str) for s in visit.side_effects):
        raise wrong("side_effects")
