"""The rules that judge a patient's answers: status, reasons (each saying why), what is missing, crisis, SURE score.

Precedence (docs/design/consultation.md): any stop -> NOT_CANDIDATE, even when answers are missing (safety
first); else a required item unanswered -> INCOMPLETE; else any caution -> CAUTIONS; else NO_CONCERNS.

`assess` never raises for odd answers: unknown item ids are ignored and a value the item does not accept
counts as unanswered. A PHQ-9 that fails validation becomes a caution that says what is wrong; the item-9
safety score is still honoured when it is itself a valid score.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Mapping

from decisionaid.checklist.items import UNSURE, Checklist, Item
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


@dataclass(frozen=True)
class Reason:
    item_id: str     # a checklist item id, "phq9_item<n>" for the PHQ-9 safety item, or one of the *_REASON ids
    severity: str    # stop, caution or info
    text: str


@dataclass(frozen=True)
class Assessment:
    status: Status
    reasons: tuple[Reason, ...]      # checklist order; never empty
    missing: tuple[str, ...]         # the question text of each required item still unanswered
    crisis: bool                     # show the crisis pathway
    sure_score: int | None           # 0..4, None until every SURE item is answered
    missing_ids: tuple[str, ...] = ()


def _answer(item: Item, answers: Mapping[str, object]) -> str | None:
    """The item's answer if it is one the item accepts, else None (unanswered)."""
    value = answers.get(item.id)
    if not isinstance(value, str):
        return None
    if item.answer_type == "text":
        return value if value.strip() else None
    return value if value in (item.allowed_answers() or ()) else None


def _item_reason(item: Item, value: str, note: str = "") -> Reason | None:
    if value in item.flag_when:
        return Reason(item.id, item.severity, f"{PREFIX[item.severity]}: {item.reason}{note}")
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
    score = sum(value == "yes" for _, value in given)
    if score >= sure.pass_score:
        return score, None
    no = ", ".join(f"{e.letter} ({e.meaning})" for e, value in given if value != "yes")
    return score, Reason(SURE_REASON, "caution",
                         f"{PREFIX['caution']}: {sure.caution_reason} Score {score} of {len(given)}; "
                         f"'no' to {no}.")


def assess(checklist: Checklist, answers: Mapping[str, str], phq9: Phq9 | None = None) -> Assessment:
    """Judge the answers (item id -> answer value) and the PHQ-9 against the checklist's rules."""
    answers = answers if isinstance(answers, Mapping) else {}
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
    """Judge a saved session record (a sessions.record.SessionRecord, or anything with its fields)."""
    phq9 = None
    if record.phq9_items is not None or record.phq9_total is not None:
        phq9 = Phq9(items=record.phq9_items, total=record.phq9_total)
    return assess(checklist, record.answers, phq9)
