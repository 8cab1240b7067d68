"""The rules that judge a patient's answers: status, reasons (each saying why), what is missing, crisis, SURE score.

Precedence (docs/design/consultation.md): any stop -> NOT_CANDIDATE, even when answers are missing (safety
first); else a required item unanswered -> INCOMPLETE; else any caution -> CAUTIONS; else NO_CONCERNS.

`assess` never raises for odd answers: unknown item ids are ignored and a value the item does not accept
counts as unanswered. A PHQ-9 that fails validation becomes a caution that says what is wrong; the item-9
safety score is still honoured when it is itself a valid score.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Mapping

import msgspec

from decisionaid.checklist.items import UNSURE, YES, Checklist, Item
from decisionaid.checklist.phq9 import Phq9, phq9_band, phq9_total, safety_score, validate_phq9

# item_id of reasons that come from a rule rather than from one item
PHQ9_REASON = "phq9"            # PHQ-9 values that do not add up or are out of range
SURE_REASON = "sure"            # the SURE test as a whole
INCOMPLETE_REASON = "incomplete"
CHECKED_REASON = "checked"      # NO_CONCERNS: what was checked

PREFIX = {"stop": "Not a candidate now", "caution": "Caution", "info": "Note"}
UNSURE_PREFIX = "Needs checking before going ahead"


class Status(StrEnum):
    NOT_CANDIDATE = "Not a candidate now"
    CAUTIONS = "Candidate with cautions"
    NO_CONCERNS = "No concerns found"
    INCOMPLETE = "Incomplete"


# Value types are frozen msgspec Structs, not dataclasses: made in microseconds at import (see
# docs/design/architecture.md, "Value types").
class Reason(msgspec.Struct, frozen=True):
    item_id: str     # a checklist item id, "phq9_item<n>" for the PHQ-9 safety item, or one of the *_REASON ids
    severity: str    # stop, caution or info
    text: str


class Assessment(msgspec.Struct, frozen=True):
    status: Status
    reasons: tuple[Reason, ...]      # checklist order; never empty
    missing: tuple[str, ...]         # the question text of each required item still unanswered
    crisis: bool                     # show the crisis pathway
    sure_score: int | None           # 0..4, None until every SURE item is answered
    missing_ids: tuple[str, ...] = ()


def _answer(item: Item, answers: Mapping[str, object]) -> str | None:
    """The item's answer if it is one the item accepts, else None (unanswered)."""
    return answered(item, answers.get(item.id))


def answered(item: Item, value: object) -> str | None:
    """`value` as an answer to `item`: itself if the item accepts it, else None (unanswered). A free-text answer
    of only spaces (or other blanks) is unanswered, in the form as in the rules."""
    if not isinstance(value, str):
        return None
    if item.answer_type == "text":
        return value if value.strip() else None
    return value if value in (item.allowed_answers() or ()) else None


def _item_reason(item: Item, value: str, note: str = "") -> Reason | None:
    if value in item.flag_when:
        return Reason(item.id, item.severity, f"{PREFIX[item.severity]}: {item.reason}{note}")
    if value in item.caution_when:
        return Reason(item.id, "caution", f"{PREFIX['caution']}: {item.caution_reason}{note}")
    if value == UNSURE and item.severity in ("stop", "caution"):
        return Reason(item.id, "caution",
                      f"{UNSURE_PREFIX}: \u201c{item.question}\u201d was answered unsure. "
                      f"If the answer is yes: {item.reason}")
    return None


def _phq9_checks(checklist: Checklist, phq9: Phq9 | None) -> tuple[list[Reason], int | None]:
    """Reasons from the PHQ-9 (safety item, inconsistent values) and the total to use for the band."""
    scale = checklist.phq9
    reasons: list[Reason] = []
    item9 = safety_score(scale, phq9)
    if item9 is not None and item9 > scale.item_min:
        reasons.append(Reason(f"phq9_item{scale.safety_item}", "stop",
                              f"{PREFIX['stop']}: {scale.safety_reason}"))
    if phq9 is None:
        return reasons, None
    try:
        checked = validate_phq9(scale, phq9.items, phq9.total)
    except ValueError as exc:
        reasons.append(Reason(PHQ9_REASON, "caution", f"{PREFIX['caution']}: the PHQ-9 needs checking. {exc}"))
        return reasons, None
    return reasons, phq9_total(checked)


def _sure(checklist: Checklist, answers: Mapping[str, object]) -> tuple[int | None, Reason | None]:
    sure = checklist.sure
    given = [(entry, _answer(checklist.item(entry.item), answers)) for entry in sure.items]
    if any(value is None for _, value in given):
        return None, None
    score = sum(value == YES for _, value in given)
    if score >= sure.pass_score:
        return score, None
    no = ", ".join(f"{e.letter} ({e.meaning})" for e, value in given if value != YES)
    return score, Reason(SURE_REASON, "caution",
                         f"{PREFIX['caution']}: {sure.caution_reason} Score {score} of {len(given)}; "
                         f"'no' to {no}.")


# Answers saved before checklist 2026.12.1 asked the age twice (a yes/no "under 18?" stop and an age-group
# caution); both now live in the one "age_group" question. Old records keep their meaning, above all the stop.
_AGE_ITEM, _OLD_UNDER_18, _OLD_AGE = "age_group", "safety_under_18", "fit_age"


def with_legacy_answers(checklist: Checklist, answers: Mapping[str, object]) -> dict:
    """The answers, with those of retired questions carried over to the question that replaced them."""
    out = dict(answers)
    try:
        age = checklist.item(_AGE_ITEM)
    except KeyError:
        return out
    if not isinstance(out.get(_AGE_ITEM), str):
        old = out.get(_OLD_AGE)
        if out.get(_OLD_UNDER_18) == "yes" and len(age.flag_when) == 1:
            out[_AGE_ITEM] = age.flag_when[0]
        elif isinstance(old, str) and old in age.choices:
            out[_AGE_ITEM] = old
    return out


def _severity_check(checklist: Checklist, answers: Mapping[str, object], total: int | None) -> Reason | None:
    """A severity answered by hand that contradicts the PHQ-9 total is a caution: one of them is wrong."""
    scale = checklist.phq9
    try:
        item = checklist.item(scale.severity_item)
    except KeyError:
        return None
    given = _answer(item, answers)
    if given is None or total is None or not scale.severity_mismatch_reason:
        return None
    band = phq9_band(scale, total)
    if band == given:
        return None
    return Reason(item.id, "caution", f"{PREFIX['caution']}: "
                  + scale.severity_mismatch_reason.format(answered=given, total=total, band=band))


def assess(checklist: Checklist, answers: Mapping[str, str], phq9: Phq9 | None = None) -> Assessment:
    """Judge the answers (item id -> answer value) and the PHQ-9 against the checklist's rules."""
    answers = with_legacy_answers(checklist, answers) if isinstance(answers, Mapping) else {}
    reasons, total = _phq9_checks(checklist, phq9)
    sure_score, sure_reason = _sure(checklist, answers)
    sure_section = checklist.item(checklist.sure.items[-1].item).section
    severity_item = checklist.phq9.severity_item
    crisis = any(r.severity == "stop" and r.item_id.startswith("phq9_item") for r in reasons)
    missing: list[Item] = []

    for section in checklist.sections:
        for item in section.items:
            value, note = _answer(item, answers), ""
            if value is None and item.id == severity_item and total is not None:
                value = phq9_band(checklist.phq9, total)
                note = f" (Severity taken from the PHQ-9 total of {total}: {value}.)"
            if value is None:
                if item.required:
                    missing.append(item)
                continue
            reason = _item_reason(item, value, note)
            if reason is not None:
                reasons.append(reason)
                crisis = crisis or (item.crisis and value in item.flag_when)
            if item.id == severity_item and not note and (check := _severity_check(checklist, answers, total)):
                reasons.append(check)
        if section.id == sure_section and sure_reason is not None:
            reasons.append(sure_reason)

    severities = {r.severity for r in reasons}
    if "stop" in severities:
        status = Status.NOT_CANDIDATE
    elif missing:
        status = Status.INCOMPLETE
        shown = "; ".join(f"\u201c{i.question}\u201d" for i in missing)
        count = f"{len(missing)} required question{'s are' if len(missing) != 1 else ' is'}"
        reasons.append(Reason(INCOMPLETE_REASON, "info", f"{Status.INCOMPLETE.value}: {count} not answered yet: "
                                                         f"{shown}."))
    elif "caution" in severities:
        status = Status.CAUTIONS
    else:
        status = Status.NO_CONCERNS
        reasons.append(Reason(CHECKED_REASON, "info", _checked_text(checklist, answers, phq9, total, sure_score)))
    return Assessment(status=status, reasons=tuple(reasons), missing=tuple(i.question for i in missing),
                      crisis=crisis, sure_score=sure_score, missing_ids=tuple(i.id for i in missing))


def _checked_text(checklist: Checklist, answers, phq9: Phq9 | None, total: int | None, sure_score) -> str:
    answered = sum(_answer(i, answers) is not None for i in checklist.items)
    titles = ", ".join(s.title for s in checklist.sections)
    scale = checklist.phq9
    item9 = safety_score(scale, phq9)
    if item9 is not None:
        phq = f"PHQ-9 item {scale.safety_item} scored {item9}"
        phq += f" and the total is {total} ({phq9_band(scale, total)})" if total is not None else ""
    elif total is not None:
        phq = f"PHQ-9 total {total} ({phq9_band(scale, total)}); item {scale.safety_item} not recorded"
    else:
        phq = "PHQ-9 not recorded"
    sure = f"; {checklist.sure.name} {sure_score} of {len(checklist.sure.items)}" if sure_score is not None else ""
    return (f"{Status.NO_CONCERNS.value}: no stop or caution in {answered} answers across {titles}; {phq}{sure}. "
            "This checks the questions above only; the decision stays a shared one.")


def assess_record(checklist: Checklist, record) -> Assessment:
    """Judge a saved session record (a sessions.session_record.SessionRecord, or anything with its fields)."""
    phq9 = None
    if record.phq9_items is not None or record.phq9_total is not None:
        phq9 = Phq9(items=record.phq9_items, total=record.phq9_total)
    return assess(checklist, record.answers, phq9)


def missing_summary(checklist: Checklist, assessment: Assessment, limit: int = 3) -> tuple[str, ...]:
    """What is still to answer, in a few lines for the status panel: one line per section with gaps
    ("Safety first: 2 of 4 to answer"), at most `limit` of them, then the next question to ask."""
    if not assessment.missing_ids:
        return ()
    missing = set(assessment.missing_ids)
    lines = []
    for section in checklist.sections:
        required = [i for i in section.items if i.required]
        left = [i for i in required if i.id in missing]
        if left:
            lines.append(f"{section.title}: {len(left)} of {len(required)} to answer")
    if len(lines) > limit:
        lines = lines[:limit] + [f"and {len(lines) - limit} more section{'s' if len(lines) - limit > 1 else ''}"]
    first = next(i for i in checklist.items if i.id in missing)
    return tuple(lines) + (f"Next: \u201c{first.question}\u201d",)
