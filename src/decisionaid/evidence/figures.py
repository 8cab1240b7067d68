"""One figure model for screen and paper: forest plots, icon arrays and the numbers written beside them.

Everything a person reads in or beside a figure (rows, axis range, ticks, labels, footnotes, counts out of 100,
ranges, the published figures and the reason ours differ) is computed here, once, from the evidence pack and the
pool. `ui/forest_plot.py`, `ui/icon_array.py` and `handout/charts.py` only paint it. No Qt and no reportlab here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import msgspec

from decisionaid.evidence.certainty import rate
from decisionaid.evidence.formatting import (about_in_100, fmt_estimate_ci, fmt_percent, fmt_ratio, fmt_tick,
                                             fmt_weight, range_words, whole_nnt, whole_people)

# --- colours and the icon person, shared by both painters --------------------------------------------------------

PAPER, INK, RULE, FOOTNOTE_INK = "#ffffff", "#000000", "#808080", "#333333"
DIAMOND = "#1f3a7a"                 # the pooled estimate
BENEFIT = "#00574f"                 # dark teal: people who felt better
HARM = "#8a2f00"                    # dark rust: people with a side effect (a different hue, the same weight)
EMPTY = "#767676"                   # outlined people: 4.5:1 on white (graphics need 3:1; #a6a6a6 had 2.4:1)
GRID = 10
TOTAL = GRID * GRID

# The person in a unit cell, y measured DOWN from the top of the cell (a painter with y up flips it).
HEAD = (0.5, 0.24, 0.15)            # centre x, centre y, radius
BODY = (0.25, 0.43, 0.5, 0.48, 0.14)  # left, top, width, height, corner radius
OUTLINE = 1 / 18                    # outline width as a fraction of the cell (at least 1 px / 0.4 pt)


def cell_of(i: int, from_bottom: bool = False) -> tuple[int, int]:
    """(row, column) of person i: filled row by row from the top left, or with `from_bottom` from the bottom left
    upwards (the patient view's arrays, read as a level that rises)."""
    if not 0 <= i < TOTAL:
        raise IndexError(f"icon index {i} outside 0..{TOTAL - 1}")
    row, col = divmod(i, GRID)
    return (GRID - 1 - row, col) if from_bottom else (row, col)


@dataclass(frozen=True)  # a dataclass: __post_init__ clamps `count`, and the Patient view replaces a field
class IconArrayFigure:
    count: int                      # filled people out of 100 (clamped to 0..100)
    caption: str = ""
    filled: str = BENEFIT
    empty: str = EMPTY
    from_bottom: bool = False       # fill order: rows from the top (screens, paper) or from the bottom (patient view)
    meaning: str = ""               # what a filled person stands for: "felt much better (...), after 6 weeks"
    certainty: str = ""             # how sure the number is, in words: "very low certainty"

    def __post_init__(self):
        object.__setattr__(self, "count", max(0, min(int(self.count), TOTAL)))

    @property
    def description(self) -> str:
        return f"{self.count} out of {TOTAL} people"

    @property
    def text_alternative(self) -> str:
        """The picture in words, for a screen reader: its numbers exactly as drawn and captioned, nothing new."""
        filled = f"{self.count} filled in" + (f" ({self.meaning})" if self.meaning else "")
        text = f"Picture of {TOTAL} people: {filled}, {TOTAL - self.count} outlined."
        if self.caption:
            text += f" {self.caption}."
        if self.certainty:
            text += f" {self.certainty[0].upper()}{self.certainty[1:]}."
        return text

    def is_filled(self, i: int) -> bool:
        cell_of(i)
        return i < self.count

    def cell(self, i: int) -> tuple[int, int]:
        """(row, column) of person i in this figure's fill order."""
        return cell_of(i, self.from_bottom)


# --- forest plot -------------------------------------------------------------------------------------------------

AXIS_MIN, AXIS_MAX = 0.01, 1000.0   # wider intervals are clipped and drawn with an arrow
MAX_TICKS = 7                       # more 1-2-5 ticks than this: label decades only
MARKS = ("\u2020", "\u2021", "\u00b6", "\u2016")  # dagger, double dagger, pilcrow, double bar; never "*" (derived) or a section sign
DERIVED_MARK = "*"
DERIVED_NOTE = ("* calculated by decisionaid from other published figures (percentages, group sizes or pooled "
                "totals); not published as a count.")
NOT_PLOTTED = "not plotted (missing or non-finite values)"


# Value types are frozen msgspec Structs, not dataclasses: made in microseconds at import (see
# docs/design/architecture.md, "Value types").
class ForestRow(msgspec.Struct, frozen=True):
    label: str
    estimate: float                 # ratio scale (odds ratio or risk ratio)
    ci_low: float
    ci_high: float
    weight: float                   # percent 0-100; square area proportional to weight
    detail: str = ""                # e.g. "9/15 vs 2/15"
    note: str = ""                  # marks the row; explained in a footnote

    @property
    def plottable(self) -> bool:
        vals = (self.estimate, self.ci_low, self.ci_high)
        return all(isinstance(v, (int, float)) and math.isfinite(v) and v > 0 for v in vals) \
            and self.ci_low <= self.ci_high

    @property
    def ci_text(self) -> str:
        return fmt_estimate_ci(self.estimate, self.ci_low, self.ci_high) if self.plottable else "not estimable"

    @property
    def weight_text(self) -> str:
        return fmt_weight(self.weight)

    @property
    def full_note(self) -> str:
        return self.note if self.plottable else "; ".join(filter(None, (self.note, NOT_PLOTTED)))


def plottable(row: ForestRow) -> bool:
    return row.plottable


def axis(values: list[float]) -> tuple[float, float, tuple[float, ...], tuple[float, ...]]:
    """(lo, hi, ticks, sparse ticks) of a log axis: always some of each side of 1; ends on 1-2-5 values."""
    values = [0.5, 2.0] + [v for v in values if isinstance(v, (int, float)) and math.isfinite(v) and v > 0]
    lo_d, hi_d = max(min(values), AXIS_MIN), min(max(values), AXIS_MAX)
    fine = [m * 10.0 ** e for e in range(-2, 4) for m in (1, 2, 5) if m * 10.0 ** e <= AXIS_MAX * 1.001]
    lo = max(t for t in fine if t <= lo_d * 1.000001)
    hi = min(t for t in fine if t >= hi_d * 0.999999)
    ticks = [t for t in fine if lo <= t <= hi]
    if len(ticks) > MAX_TICKS:
        ticks = sorted({lo, hi, *(t for t in ticks if math.isclose(math.log10(t), round(math.log10(t))))})
    return lo, hi, tuple(ticks), tuple(sorted({lo, 1.0, hi}))


@dataclass(frozen=True)  # a dataclass: its axis fields are worked out after __init__ (field(init=False))
class ForestFigure:
    rows: tuple[ForestRow, ...]
    pooled: ForestRow
    measure_label: str              # axis title, e.g. "Risk ratio (log scale)"
    left_label: str = "Favours placebo"
    right_label: str = "Favours Botox"
    footnote: str = ""
    estimate_label: str = "OR [95% CI]"
    detail_label: str = ""
    title: str = ""
    lo: float = field(init=False)
    hi: float = field(init=False)
    ticks: tuple[float, ...] = field(init=False)
    sparse_ticks: tuple[float, ...] = field(init=False)
    marks: tuple[tuple[str, str], ...] = field(init=False)   # (note, mark), in row order

    def __post_init__(self):
        values = [v for r in (*self.rows, self.pooled) if r.plottable for v in (r.estimate, r.ci_low, r.ci_high)]
        lo, hi, ticks, sparse = axis(values)
        marks: dict[str, str] = {}
        for row in (*self.rows, self.pooled):
            note = row.full_note
            if note and note not in marks:
                n = len(marks)
                marks[note] = MARKS[n % len(MARKS)] * (n // len(MARKS) + 1)
        for name, value in (("lo", lo), ("hi", hi), ("ticks", ticks), ("sparse_ticks", sparse),
                            ("marks", tuple(marks.items()))):
            object.__setattr__(self, name, value)

    # --- text, the same on screen and paper
    def mark(self, row: ForestRow) -> str:
        return dict(self.marks).get(row.full_note, "") if row.full_note else ""

    def label(self, row: ForestRow) -> str:
        mark = self.mark(row)
        return f"{row.label} {mark}" if mark else row.label

    @staticmethod
    def tick_label(t: float) -> str:
        return fmt_tick(t)

    @property
    def tick_labels(self) -> tuple[str, ...]:
        return tuple(fmt_tick(t) for t in self.ticks)

    @property
    def left_text(self) -> str:
        return "\u2190 " + self.left_label

    @property
    def right_text(self) -> str:
        return self.right_label + " \u2192"

    def footnotes(self) -> list[str]:
        return [f"{mark} {note}" for note, mark in self.marks] + ([self.footnote] if self.footnote else [])

    @property
    def footnote_text(self) -> str:
        return "\n".join(self.footnotes())

    def texts(self) -> list[str]:
        """Every label the plot shows, in reading order: what both painters must draw."""
        out = ["Study", *( [self.detail_label] if self.detail_label else []), self.estimate_label, "Weight"]
        for r in self.rows:
            out += [self.label(r), *([r.detail] if r.detail else []), r.ci_text, r.weight_text]
        out += [self.label(self.pooled), *([self.pooled.detail] if self.pooled.detail else []), self.pooled.ci_text,
                self.pooled.weight_text]
        out += [*self.tick_labels, self.left_text, self.right_text, self.measure_label]
        return out + self.footnotes()

    def row_sentence(self, row: ForestRow) -> str:
        head = f"{row.label} ({row.detail})" if row.detail else row.label
        if row.plottable:
            nums = f"{fmt_ratio(row.estimate)}, 95% CI {fmt_ratio(row.ci_low)} to {fmt_ratio(row.ci_high)}"
        else:
            nums = "not estimable"
        note = row.full_note
        return f"{head}: {nums}, weight {row.weight_text}." + (f" Note: {note}." if note else "")

    def summary_text(self) -> str:
        """Plain-text account for screen readers: every row's numbers."""
        lines = [f"Forest plot, {self.measure_label}. Left of 1: {self.left_label}; right of 1: {self.right_label}."]
        lines += [self.row_sentence(r) for r in self.rows]
        lines.append("Pooled: " + self.row_sentence(self.pooled))
        if self.footnote:
            lines.append(self.footnote)
        return "\n".join(lines)


def summary_text(data: ForestFigure | None) -> str:
    return "Forest plot: no data." if data is None else data.summary_text()


MEASURE_AXIS = {"rr": "Risk ratio (log scale)", "or": "Odds ratio (log scale)"}
METHOD_SHORT = {"dl": "random effects", "fixed": "fixed effect"}


def _count_text(count) -> str:
    """'17/33*' : a count with the derived mark when either number was calculated, not published."""
    ev, tot = count.events, count.total
    mark = DERIVED_MARK if "derived" in (ev.provenance, tot.provenance) else ""
    return f"{ev.value}/{tot.value}{mark}"


def forest_figure(analysis, measure: str = "rr", method: str = "dl") -> ForestFigure:
    """The forest plot of one outcome's pool (summary.OutcomeAnalysis), for the Evidence screen and the record."""
    result = analysis.result(measure, method)
    outcome = analysis.outcome
    counts = {t.short: t.outcome(outcome.id) for t in analysis.included}
    rows, derived = [], False
    for st in result.studies:
        o = counts[st.label]
        detail = f"{_count_text(o.treatment)} vs {_count_text(o.control)}"
        derived = derived or DERIVED_MARK in detail
        rows.append(ForestRow(st.label, st.estimate, st.ci_low, st.ci_high, st.weight, detail=detail,
                              note=f"{result.correction:g} added to each cell (a zero count)" if st.corrected else ""))
    p = result.pooled
    people = sum(o.treatment.total.value + o.control.total.value for o in counts.values())
    pooled = ForestRow(f"Pooled ({METHOD_SHORT[method]})", p.estimate, p.ci_low, p.ci_high, 100.0,
                       detail=f"{result.k} trials, {people} people")
    return ForestFigure(tuple(rows), pooled, MEASURE_AXIS[measure], "Favours placebo", "Favours Botox",
                        footnote=DERIVED_NOTE if derived else "", estimate_label=f"{measure.upper()} [95% CI]",
                        detail_label="Botox vs placebo",
                        title=f"{outcome.label} {outcome.time_frame}: Botox vs placebo (dummy injection), "
                              f"{result.k} trials")


# --- numbers out of 100 ------------------------------------------------------------------------------------------

def per_100_words(events: int, total: int) -> str:
    """'about 2 in 100', 'fewer than 1 in 100' (a few, but under a half), '0 in 100' (nobody)."""
    if events == 0:
        return "0 in 100"
    n = whole_people(100 * events / total)
    return "fewer than 1 in 100" if n == 0 else about_in_100(n)


class PoolScope(msgspec.Struct, frozen=True):
    outcome_id: str
    trials: int
    trial_names: tuple[str, ...]
    people: int
    botox_people: int
    comparison_people: int
    left_out: str | None            # the largest placebo-controlled trial not in this pool
    left_out_people: int | None
    left_out_reason: str
    left_out_counted: str = "enrolled"  # how its people were counted: enrolled, randomized, treated or analysed

    @property
    def text(self) -> str:
        size = "small trials" if self.people / max(self.trials, 1) < 100 else "trials"
        out = (f"From {self.trials} {size} with {self.people} people ({self.botox_people} had Botox, "
               f"{self.comparison_people} a dummy injection): {', '.join(self.trial_names)}.")
        if self.left_out:
            reason = self.left_out_reason.rstrip(".")
            out += (f" The largest trial, {self.left_out}, with {self.left_out_people} people "
                    f"{self.left_out_counted}, is not in "
                    f"this pool: {reason[:1].lower() + reason[1:]}.")
        return out


def scope(analysis, pack) -> PoolScope:
    outcome = analysis.outcome
    data = [t.outcome(outcome.id) for t in analysis.included]
    botox = sum(o.treatment.total.value for o in data)
    comparison = sum(o.control.total.value for o in data)
    included = {t.id for t in analysis.included}

    def counted(t) -> tuple[int, str]:
        """(people, how they were counted): enrolled or randomized first, then treated or analysed."""
        for attr in ("enrolled", "randomized", "treated", "analysed"):
            f = getattr(t, attr, None)
            if f is not None and f.value is not None:
                return f.value, attr
        return 0, ""

    def size(t) -> int:
        return counted(t)[0]

    left = [t for t in pack.trials if t.kind == "rct_placebo" and t.id not in included]
    biggest = max(left, key=size, default=None)
    if biggest is not None and size(biggest) <= botox + comparison:
        biggest = None  # only name a left-out trial when it is larger than the whole pool
    reason = ""
    if biggest is not None:
        reason = next((e.reason for e in analysis.excluded if e.trial.id == biggest.id), biggest.not_pooled or "")
    return PoolScope(outcome.id, len(analysis.included), tuple(t.short for t in analysis.included),
                     botox + comparison, botox, comparison, None if biggest is None else biggest.short,
                     None if biggest is None else size(biggest), reason,
                     "" if biggest is None else counted(biggest)[1])


class BenefitFigure(msgspec.Struct, frozen=True):
    outcome_id: str
    label: str
    plain: str                      # "felt much better (depression score down by half or more)"
    time_frame: str                 # "after 6 weeks"
    botox: int
    botox_low: int
    botox_high: int
    comparison: int
    nnt: int | None
    nnt_low: int | None
    nnt_high: int | None
    control_events: int
    control_total: int
    trials: int
    published_botox: float | None
    published_comparison: float | None
    published_sentence: str         # the pack's sentence naming the published pooled analysis
    published_sources: tuple[str, ...]

    @property
    def more(self) -> int:
        return self.botox - self.comparison

    @property
    def range_text(self) -> str:
        return range_words(self.botox_low, self.botox_high)

    @property
    def headline(self) -> str:
        return (f"Our estimate: about {self.botox} in 100 with Botox; {self.range_text}. "
                f"About {self.comparison} in 100 after a dummy injection.")

    @property
    def patient_text(self) -> str:
        return (f"About {self.botox} in 100 people who had Botox {self.plain} {self.time_frame}; "
                f"{self.range_text}. After a dummy injection, about {self.comparison} in 100 did.")

    @property
    def estimate_note(self) -> str:
        return (f"Our estimate, calculated by decisionaid: the pooled risk ratio of the {self.trials} trials applied to "
                f"the placebo groups' rate ({self.control_events} of {self.control_total} people). The range is its "
                f"95% confidence interval.")

    @property
    def published_text(self) -> str:
        return self.published_sentence

    @property
    def published_short(self) -> str:
        if self.published_botox is None or self.published_comparison is None:
            return ""
        return f"{fmt_percent(self.published_botox)} vs {fmt_percent(self.published_comparison)}"

    @property
    def why_different(self) -> str:
        return ("Why the numbers differ: the published figures count the patients of the trials together; our "
                "estimate combines the trials one by one (each weighted by how precise it is) and applies the result "
                "to the placebo groups' rate. Both come from the same few small trials, so neither is exact.")

    @property
    def nnt_text(self) -> str:
        if self.nnt is None:
            return "The range includes no effect, so no number needed to treat is given."
        return (f"Number needed to treat: about {self.nnt} (it could be from {self.nnt_low} to {self.nnt_high}): "
                f"about {self.nnt} people need Botox for one more of them to have this result.")


def benefit(analysis) -> BenefitFigure:
    f, o = analysis.frequencies, analysis.outcome
    nnt = None if f.nnt is None else tuple(whole_nnt(x) for x in (f.nnt, f.nnt_low, f.nnt_high))
    return BenefitFigure(o.id, o.label, o.plain, o.time_frame, whole_people(f.treatment_per_100),
                         whole_people(f.treatment_low), whole_people(f.treatment_high),
                         whole_people(f.control_per_100), *(nnt or (None, None, None)), f.control_events,
                         f.control_total, len(analysis.included), o.published_botox, o.published_comparison,
                         o.arm_totals_check.text, o.arm_totals_check.sources)


def benefit_arrays(analysis) -> tuple[IconArrayFigure, IconArrayFigure]:
    """(placebo, Botox) arrays for one outcome, out of 100."""
    b = benefit(analysis)
    meaning, sure = f"{b.plain}, {b.time_frame}", f"{analysis.certainty.level} certainty"
    return (IconArrayFigure(b.comparison, f"Dummy (placebo) injection: about {b.comparison} in 100",
                            meaning=meaning, certainty=sure),
            IconArrayFigure(b.botox, f"Botox: about {b.botox} in 100 (could be {b.botox_low} to {b.botox_high})",
                            meaning=meaning, certainty=sure))


def certainty_line(analysis) -> str:
    """The companion of every headline number: how sure we are, in words."""
    return f"{analysis.certainty.level.upper()} certainty. {analysis.outcome.certainty_plain}"


# How sure a side-effect figure is, said next to it as a benefit's certainty is: rated from the pack's downgrades
# the same way (randomized trials start high), or, when the pack gives no rating, said to be not rated: never guessed.
HARM_NOT_RATED = ("Certainty NOT RATED: no certainty rating of these side-effect figures was found in their "
                  "sources, and decisionaid has not made one.")
PATIENT_SURE = {  # for the patient: the certainty of a number (a benefit's or a side effect's) in everyday words
    "high": "We are quite sure of these numbers.",
    "moderate": "These numbers are likely to be close to the truth.",
    "low": "We are unsure of these numbers.",
    "very low": "We are very unsure of these numbers.",
    None: "The studies did not rate how sure we can be of these numbers.",
}


def patient_sure(level: str | None) -> str:
    """How sure a number is, for the patient: a level of certainty.LEVELS, or None (not rated)."""
    return PATIENT_SURE[level]


class HarmFigure(msgspec.Struct, frozen=True):
    id: str
    label: str
    time_frame: str
    botox: int                      # whole people out of 100
    comparison: int
    botox_words: str
    comparison_words: str
    botox_count: str                # "16/665"
    comparison_count: str
    icons: bool
    sources: tuple[str, ...]
    certainty: str | None = None    # a level of certainty.LEVELS, or None: not rated
    certainty_plain: str = ""       # the pack's sentence on that level

    @property
    def patient_text(self) -> str:
        return (f"{self.label}: {self.botox_words} with Botox, {self.comparison_words} with a dummy injection, "
                f"{self.time_frame}.")

    @property
    def certainty_words(self) -> str:
        """'low certainty' or 'certainty not rated': what the icon arrays' text alternative says."""
        return "certainty not rated" if self.certainty is None else f"{self.certainty} certainty"

    @property
    def certainty_line(self) -> str:
        """For the clinician, worded as the benefits' certainty line."""
        if self.certainty is None:
            return HARM_NOT_RATED
        return f"{self.certainty.upper()} certainty. {self.certainty_plain}".strip()

    @property
    def patient_sure(self) -> str:
        return patient_sure(self.certainty)


def harm_figures(pack) -> tuple[HarmFigure, ...]:
    out = []
    for h in pack.harms.items:
        sure = None if h.certainty is None else rate(h.certainty.downgrades)
        out.append(HarmFigure(h.id, h.label, h.time_frame,
                              whole_people(100 * h.treatment_events / h.treatment_total),
                              whole_people(100 * h.control_events / h.control_total),
                              per_100_words(h.treatment_events, h.treatment_total),
                              per_100_words(h.control_events, h.control_total),
                              f"{h.treatment_events}/{h.treatment_total}", f"{h.control_events}/{h.control_total}",
                              h.icons, h.sources, None if sure is None else sure.level,
                              "" if h.certainty is None else h.certainty.plain))
    return tuple(out)


def harm_arrays(pack) -> tuple[tuple[HarmFigure, IconArrayFigure, IconArrayFigure], ...]:
    """(harm, dummy-injection array, Botox array) for each main harm, the same size as the benefit arrays."""
    return tuple((h, IconArrayFigure(h.comparison, f"{h.label}, dummy injection: {h.comparison_words}", HARM,
                                     meaning=f"{h.label.lower()}, {h.time_frame}", certainty=h.certainty_words),
                  IconArrayFigure(h.botox, f"{h.label}, Botox: {h.botox_words}", HARM,
                                  meaning=f"{h.label.lower()}, {h.time_frame}", certainty=h.certainty_words))
                 for h in harm_figures(pack) if h.icons)


def harms_sure(harms, patient: bool = False) -> str:
    """How sure the given side-effect figures are, in one line: said once when they share a rating, else per harm.
    `patient`: in the patient's words (Patient view, handout), else the clinician's."""
    def line(h: HarmFigure) -> str:
        return h.patient_sure if patient else h.certainty_line
    harms = tuple(harms)
    if not harms:
        return ""
    if len({(h.certainty, h.certainty_plain) for h in harms}) == 1:
        return line(harms[0])
    return " ".join(f"{h.label}: {line(h)}" for h in harms)


def harms_time_frame(pack) -> str:
    frames = [h.time_frame for h in harm_figures(pack) if h.icons]
    return frames[0] if frames and all(f == frames[0] for f in frames) else "; ".join(dict.fromkeys(frames))


# --- the handout's placeholders ----------------------------------------------------------------------------------

def handout_values(summary) -> dict:
    """Values of the figure placeholders a handout wording may use (see /work/prompts/figures-api.md)."""
    pack = summary.pack
    values: dict = {}
    for oid in ("response", "remission"):
        b = benefit(summary.outcome(oid))
        values.update({
            f"{oid}_botox_low": b.botox_low, f"{oid}_botox_high": b.botox_high, f"{oid}_range": b.range_text,
            f"{oid}_published_botox": fmt_percent(b.published_botox) if b.published_botox is not None else "",
            f"{oid}_published_placebo": (fmt_percent(b.published_comparison)
                                         if b.published_comparison is not None else ""),
        })
    r = benefit(summary.outcome("response"))
    values.update({"response_nnt": r.nnt or "", "response_nnt_low": r.nnt_low or "",
                   "response_nnt_high": r.nnt_high or ""})
    a = summary.outcome("response")
    s = scope(a, pack)
    values.update({"certainty": a.certainty.level, "certainty_plain": a.outcome.certainty_plain,
                   "pool_trials": s.trials, "pool_people": s.people, "pool_left_out": s.left_out or "",
                   "pool_left_out_people": s.left_out_people or "",
                   "pool_left_out_why": a.outcome.left_out_plain})
    harms = {h.id: h for h in harm_figures(pack)}
    values["harm_time"] = harms_time_frame(pack)
    values["harm_sure"] = harms_sure(harm_figures(pack), patient=True)
    for hid in ("any", "ptosis"):
        h = harms.get(hid)
        values[f"harm_{hid}_botox"] = "" if h is None else h.botox
        values[f"harm_{hid}_placebo"] = "" if h is None else h.comparison
    return values


PLACEHOLDERS = frozenset({
    "response_botox_low", "response_botox_high", "response_range", "response_published_botox",
    "response_published_placebo", "remission_botox_low", "remission_botox_high", "remission_range",
    "remission_published_botox", "remission_published_placebo", "response_nnt", "response_nnt_low",
    "response_nnt_high", "certainty", "certainty_plain", "pool_trials", "pool_people", "pool_left_out",
    "pool_left_out_people", "pool_left_out_why", "harm_time", "harm_sure", "harm_any_botox", "harm_any_placebo",
    "harm_ptosis_botox", "harm_ptosis_placebo"})
