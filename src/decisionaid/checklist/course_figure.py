"""The course chart as plain data, for screen and paper: PHQ-9 totals over time with the severity bands, a dashed
line at half the first total (the response threshold), the days Botox was given, and PHQ-9 item 9 on its own strip.

Everything a person reads in or beside the chart (axis range, ticks, labels, band names, the summary sentence) is
computed here, once. `ui/course_chart.py` and `handout/charts.py` only paint it. No Qt and no reportlab here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from decisionaid.evidence.figures import INK, PAPER, RULE  # noqa: F401  (the course figure's colours: ui/course_chart
                                                            # and handout/charts read them from here)

LINE = "#1f3a7a"          # the PHQ-9 course
HALF = "#00574f"          # the response threshold (dashed)
INJECTION = "#8a2f00"     # Botox given
ALERT = "#b00020"         # item 9 above 0
# Lighter to darker grey from the lowest band up: bands read by their names, not by colour alone.
BAND_FILLS = ("#ffffff", "#f2f2f2", "#e6e6e6", "#d9d9d9", "#cccccc", "#bfbfbf")
MAX_X_TICKS = 8


@dataclass(frozen=True)
class CoursePoint:
    day: int                  # days after the first consultation
    date: str                 # YYYY-MM-DD
    label: str                # "First consultation" or "Visit 2"
    total: int | None         # None: no total (not drawn on the line; named in the table)
    item9: int | None
    alert: bool               # item 9 above 0


@dataclass(frozen=True)
class CourseBand:
    low: float                # y from
    high: float               # y to
    label: str
    fill: str


@dataclass(frozen=True)
class CourseFigure:
    points: tuple[CoursePoint, ...]
    bands: tuple[CourseBand, ...]
    y_min: int
    y_max: int
    y_ticks: tuple[int, ...]  # the band edges: 0, 5, 10, 15, 20, 27
    x_max: int                # days
    x_ticks: tuple[int, ...]  # days, on whole weeks
    half_baseline: Fraction | None
    injections: tuple[tuple[int, str], ...]   # (day, date)
    item9_max: int
    title: str = "PHQ-9 over time"

    @staticmethod
    def x_tick_label(day: int) -> str:
        return f"week {day // 7}" if day % 7 == 0 else f"day {day}"

    @property
    def half_label(self) -> str:
        if self.half_baseline is None:
            return ""
        value = float(self.half_baseline)
        shown = f"{value:g}"
        return f"half the first score ({shown}): response at or below"

    @property
    def plotted(self) -> tuple[CoursePoint, ...]:
        return tuple(p for p in self.points if p.total is not None)

    def summary_text(self) -> str:
        """What the chart shows, in words (for screen readers and under the drawing)."""
        parts = [f"{p.label} ({p.date}): PHQ-9 {p.total if p.total is not None else 'no total'}" for p in self.points]
        text = "; ".join(parts) + "."
        if self.injections:
            text += " Botox given on " + ", ".join(d for _day, d in self.injections) + "."
        alerts = [p.label for p in self.points if p.alert]
        if alerts:
            text += " PHQ-9 item 9 above 0 at: " + ", ".join(alerts) + "."
        return text


def course_figure(scale, baseline_date: str, baseline_total: int | None, baseline_item9: int | None,
                  visits) -> CourseFigure:
    """`visits`: (visit_no, VisitRecord, total, item9) in date order; `scale` the checklist's Phq9Scale."""
    start = dt.date.fromisoformat(baseline_date)
    points = [CoursePoint(0, baseline_date, "First consultation", baseline_total, baseline_item9,
                          bool(baseline_item9 and baseline_item9 > scale.item_min))]
    injections = []
    for visit_no, visit, total, item9 in visits:
        day = (dt.date.fromisoformat(visit.visit_date) - start).days
        points.append(CoursePoint(day, visit.visit_date, f"Visit {visit_no}", total, item9,
                                  bool(item9 and item9 > scale.item_min)))
        if visit.botox_given and visit.botox_date:
            injections.append(((dt.date.fromisoformat(visit.botox_date) - start).days, visit.botox_date))
    injections = sorted(set(injections))
    last = max([p.day for p in points] + [d for d, _ in injections] + [7])
    weeks = -(-last // 7)
    step = 1
    while weeks // step + 1 > MAX_X_TICKS:
        step = {1: 2, 2: 3, 3: 4, 4: 6, 6: 8}.get(step, step * 2)
    weeks = -(-weeks // step) * step
    x_ticks = tuple(range(0, weeks * 7 + 1, step * 7))
    last_band = len(scale.bands) - 1
    bands = tuple(CourseBand(b.min, b.max if i == last_band else scale.bands[i + 1].min, b.label,
                             BAND_FILLS[i % len(BAND_FILLS)]) for i, b in enumerate(scale.bands))
    y_ticks = tuple(sorted({b.min for b in scale.bands} | {scale.total_max}))
    half = None if not baseline_total else Fraction(baseline_total, 2)
    return CourseFigure(tuple(points), bands, scale.total_min, scale.total_max, y_ticks, weeks * 7, x_ticks, half,
                        tuple(injections), scale.item_max)


def figure_for(checklist, course, stored_visits) -> CourseFigure:
    """The chart of a `followup.Course`, with the stored visits (for the days Botox was given)."""
    by_no = {v.visit_no: v.visit for v in stored_visits}
    rows = [(o.visit_no, by_no[o.visit_no], o.total, o.item9) for o in course.outcomes]
    return course_figure(checklist.phq9, course.baseline_date, course.baseline_total, course.baseline_item9, rows)
