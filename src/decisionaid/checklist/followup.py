"""Follow-up outcomes: a patient's PHQ-9 course after the first consultation, judged by the measurement-based care
definitions in resources/checklist/followup.json (response, remission, clinically meaningful change) and by the
checklist's item-9 safety rule. Plain data only: no Qt, no SQLite; the numbers live in the content file.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable, Mapping

from decisionaid.checklist.assessment import PREFIX, assess
from decisionaid.checklist.phq9 import Phq9, phq9_band, phq9_total, safety_score


class FollowUpRulesError(ValueError):
    """followup.json is missing or malformed; str() names the file and the field."""


@dataclass(frozen=True)
class Rule:
    label: str
    definition: str
    source: str
    caveat: str = ""


@dataclass(frozen=True)
class FollowUpRules:
    interval_weeks: int
    interval_text: str
    interval_source: str
    due_window_days: int
    response_drop_percent: int
    remission_below: int
    meaningful_points: int
    response: Rule
    remission: Rule
    meaningful: Rule
    not_comparable: str
    next_steps: dict[str, str]

    def default_follow_up(self, held_at: str) -> str:
        """The follow-up day for a consultation held at `held_at` (YYYY-MM-DDTHH:MM or YYYY-MM-DD)."""
        day = dt.date.fromisoformat(held_at[:10])
        return (day + dt.timedelta(weeks=self.interval_weeks)).isoformat()


def default_rules_path() -> Path:
    from decisionaid.resources import resource_path

    return resource_path("checklist", "followup.json")


def load_rules(path: Path | str | None = None) -> FollowUpRules:
    path = Path(path) if path is not None else default_rules_path()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise FollowUpRulesError(f"{path}: cannot be read as JSON ({type(exc).__name__}). Reinstall decisionaid.") \
            from None

    def get(*keys, kind=str):
        value = data
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                raise FollowUpRulesError(f"{path}: '{'.'.join(keys)}' is missing. Reinstall decisionaid.")
            value = value[key]
        if not isinstance(value, kind) or isinstance(value, bool) or (kind is str and not value.strip()):
            raise FollowUpRulesError(f"{path}: '{'.'.join(keys)}' has the wrong type. Reinstall decisionaid.")
        return value

    def rule(key):
        return Rule(get(key, "label"), get(key, "definition"), get(key, "source"),
                    data[key].get("caveat", "") if isinstance(data.get(key), dict) else "")

    if get("format", kind=int) != 1:
        raise FollowUpRulesError(f"{path}: 'format' {data['format']} is not one this version reads.")
    steps = get("next_steps", kind=dict)
    for step in ("repeat", "stop", "change", "review"):
        get("next_steps", step)
    return FollowUpRules(
        interval_weeks=get("default_interval", "weeks", kind=int),
        interval_text=get("default_interval", "text"), interval_source=get("default_interval", "source"),
        due_window_days=get("due_window", "days", kind=int),
        response_drop_percent=get("response", "min_drop_percent", kind=int),
        remission_below=get("remission", "below", kind=int),
        meaningful_points=get("meaningful_change", "points", kind=int),
        response=rule("response"), remission=rule("remission"), meaningful=rule("meaningful_change"),
        not_comparable=get("not_comparable"), next_steps=dict(steps))


@dataclass(frozen=True)
class Outcome:
    """One follow-up PHQ-9 against the baseline. None where it cannot be computed; `why_not` says why."""
    visit_no: int
    visit_date: str
    total: int | None
    band: str | None
    change_points: int | None          # total - baseline (negative: better)
    change_percent: Fraction | None    # (total - baseline) / baseline * 100; None when the baseline is 0
    response: bool | None
    remission: bool | None
    meaningful: str | None             # "improvement", "worsening" or "" (less than the minimal change)
    item9: int | None
    crisis: bool                       # item 9 above 0: the crisis pathway, as at the first consultation
    safety_reasons: tuple[str, ...]    # the checklist's own wording for it
    why_not: str = ""


@dataclass(frozen=True)
class Course:
    baseline_date: str
    baseline_total: int | None
    baseline_item9: int | None
    outcomes: tuple[Outcome, ...]
    definitions: tuple[Rule, ...]
    not_comparable: str


def percent_text(value: Fraction | None) -> str:
    """A per cent with one decimal, never rounded to a whole number: -53.3%."""
    if value is None:
        return "not calculable"
    return f"{float(value):+.1f}%".replace("+0.0%", "0.0%")


def outcome(checklist, rules: FollowUpRules, baseline: Phq9 | None, visit_no: int, visit_date: str,
            phq9: Phq9 | None) -> Outcome:
    scale = checklist.phq9
    base, total = phq9_total(baseline), phq9_total(phq9)
    item9 = safety_score(scale, phq9)
    assessment = assess(checklist, {}, phq9)
    stop = f"{PREFIX['stop']}: "
    safety = tuple(r.text.removeprefix(stop) for r in assessment.reasons
                   if r.item_id.startswith("phq9_item") and r.severity == "stop")
    crisis = assessment.crisis
    band = phq9_band(scale, total) if total is not None else None
    remission = None if total is None else total < rules.remission_below
    if total is None:
        missing = 0 if phq9 is None or phq9.items is None else sum(v is None for v in phq9.items)
        why = (f"PHQ-9 incomplete ({missing} of {scale.n_items} items missing and no total): outcomes not calculated"
               if missing else "No PHQ-9 recorded at this visit: outcomes not calculated")
        return Outcome(visit_no, visit_date, None, None, None, None, None, None, None, item9, crisis, safety, why)
    if base is None:
        return Outcome(visit_no, visit_date, total, band, None, None, None, remission, None, item9, crisis, safety,
                       "No PHQ-9 total at the first consultation: change and response not calculated")
    change = total - base
    percent = None if base == 0 else Fraction(change * 100, base)
    # Response: a drop of at least min_drop_percent of the baseline (exact arithmetic: 50% of 15 is 7.5)
    response = None if base == 0 else -change * 100 >= rules.response_drop_percent * base
    meaningful = ("improvement" if -change >= rules.meaningful_points
                  else "worsening" if change >= rules.meaningful_points else "")
    why = "The first PHQ-9 was 0, so a per-cent change and response cannot be calculated" if base == 0 else ""
    return Outcome(visit_no, visit_date, total, band, change, percent, response, remission, meaningful, item9,
                   crisis, safety, why)


def course(checklist, rules: FollowUpRules, record, visits) -> Course:
    """The course of one session: `record` a SessionRecord, `visits` StoredVisit-like objects (visit_no, visit)."""
    baseline = Phq9(record.phq9_items, record.phq9_total)
    outcomes = tuple(outcome(checklist, rules, baseline, v.visit_no, v.visit.visit_date,
                             Phq9(v.visit.phq9_items, v.visit.phq9_total))
                     for v in sorted(visits, key=lambda v: (v.visit.visit_date, v.visit_no)))
    return Course(record.held_at[:10], phq9_total(baseline), safety_score(checklist.phq9, baseline), outcomes,
                  (rules.response, rules.remission, rules.meaningful), rules.not_comparable)


def outcome_lines(rules: FollowUpRules, o: Outcome) -> list[str]:
    """The outcome in a clinician's words, one line each."""
    lines = []
    if o.crisis:
        lines += ["PHQ-9 item 9 is above 0: follow the crisis pathway now (as at the first consultation)."]
        lines += [f"  {t}" for t in o.safety_reasons]
    if o.total is None:
        return lines + [o.why_not + "."]
    lines.append(f"PHQ-9 total {o.total} ({o.band})")
    if o.change_points is not None:
        lines.append(f"Change from the first consultation: {o.change_points:+d} points, {percent_text(o.change_percent)}")
    if o.response is not None:
        lines.append(f"{rules.response.label}: {'yes' if o.response else 'no'} ({rules.response.definition})")
    lines.append(f"{rules.remission.label}: {'yes' if o.remission else 'no'} ({rules.remission.definition})")
    if o.meaningful is not None:
        said = {"improvement": "yes, an improvement", "worsening": "yes, a worsening", "": "no"}[o.meaningful]
        lines.append(f"{rules.meaningful.label}: {said} ({rules.meaningful.definition})")
    if o.why_not:
        lines.append(o.why_not + ".")
    return lines


BOTOX_DATE_STYLES = {"on": ", on {}", "brackets": " ({})"}  # the Follow-up screen's and the clinician record's


def visit_facts(rules: FollowUpRules, visit, harm_labels: Mapping[str, str], *, date_style: str = "on",
                date_text: Callable[[str], str] = str) -> list[str]:
    """What was recorded at a follow-up visit (a VisitRecord-like object), in a clinician's words, one fact each,
    the same on screen and on paper: the side effects (`harm_labels`: the pack's harm id -> label), whether Botox
    was given and when, the patient's impression, the next step. The notes are left to the caller.

    Only the Botox date is written differently: `date_style` "on" ("Botox given: yes, on 2026-10-05", the screen)
    or "brackets" ("Botox given: yes (5 October 2026)", the record), the day written by `date_text`."""
    effects = [harm_labels.get(h, h) for h in visit.side_effects] + (
        [visit.side_effects_other] if visit.side_effects_other else [])
    facts = [f"Side effects: {'; '.join(effects) if effects else 'none recorded'}"]
    if visit.botox_given is not None:
        when = BOTOX_DATE_STYLES[date_style].format(date_text(visit.botox_date)) if visit.botox_date else ""
        facts.append(f"Botox given: {'yes' if visit.botox_given else 'no'}{when}")
    if visit.impression:
        facts.append(f"Patient's impression: {visit.impression}")
    if visit.next_step:
        facts.append(f"Next step: {rules.next_steps[visit.next_step]}")
    return facts


# A visit's fields as the Follow-up form names them, for the amendment line (visit_change_words).
CHANGE_NAMES = {"visit_date": "Date of the visit", "phq9_items": "PHQ-9 answers", "phq9_total": "PHQ-9 total",
                "side_effects": "Side effects", "side_effects_other": "Other side effects",
                "botox_given": "Botox given", "botox_date": "Botox date", "impression": "Patient's impression",
                "notes": "Notes", "next_step": "Next step"}


def visit_change_words(rules: FollowUpRules, old, new, harm_labels: Mapping[str, str]) -> str:
    """What an amendment of a visit (two VisitRecord-like dataclasses) changed, in the Follow-up form's words, the
    same on screen and on paper: "PHQ-9 total: 12 \u2192 (blank); Side effects: (blank) \u2192 Headache, Drooping
    eyelid (ptosis); Next step: (blank) \u2192 <its label>", or "no change". Side effects and the next step are
    named by their labels, never by their codes."""
    from dataclasses import fields

    def shown(name: str, value) -> str:
        if value is None or value == () or value == "":
            return "(blank)"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if name == "side_effects":
            return ", ".join(harm_labels.get(h, h) for h in value)
        if name == "next_step":
            return rules.next_steps.get(value, value)
        if isinstance(value, tuple):
            return ",".join("-" if v is None else str(v) for v in value)
        return str(value)

    changes = [f"{CHANGE_NAMES.get(f.name, f.name)}: {shown(f.name, a)} \u2192 {shown(f.name, b)}"
               for f in fields(old) if (a := getattr(old, f.name)) != (b := getattr(new, f.name))]
    return "; ".join(changes) or "no change"


def definition_lines(rules: FollowUpRules) -> list[str]:
    lines = [f"{r.label}: {r.definition}; reported in {r.source}." + (f" {r.caveat}" if r.caveat else "")
             for r in (rules.response, rules.remission, rules.meaningful)]
    return lines + [rules.not_comparable]


def outcome_dict(o: Outcome) -> dict:
    return {"visit": o.visit_no, "date": o.visit_date, "phq9_total": o.total, "severity": o.band,
            "change_points": o.change_points,
            "change_percent": None if o.change_percent is None else round(float(o.change_percent), 1),
            "response": o.response, "remission": o.remission,
            "clinically_meaningful": None if o.meaningful is None else (o.meaningful or False),
            "item9": o.item9, "crisis_pathway": o.crisis, "not_calculated": o.why_not or None}
