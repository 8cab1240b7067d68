"""The course chart's figure model: bands at the PHQ-9 band edges, half the first total, injection days, item 9
apart, whole-week ticks, and a summary in words."""

from __future__ import annotations

from fractions import Fraction
from types import SimpleNamespace as NS

from decisionaid.checklist.course_figure import figure_for
from decisionaid.checklist.followup import course, load_rules
from decisionaid.checklist.items import load_checklist
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.visits import VisitRecord


def test_the_course_figure_holds_what_the_chart_shows():
    checklist, rules = load_checklist(), load_rules()
    record = SessionRecord("MRN-1", "Dr A", "2026-01-05T09:00", phq9_total=17)
    visits = [NS(visit_no=1, visit=VisitRecord("2026-01-26", phq9_total=13, botox_given=True,
                                               botox_date="2026-01-05")),
              NS(visit_no=2, visit=VisitRecord("2026-02-16", phq9_items=(1, 1, 0, 1, 0, 0, 1, 0, 1))),
              NS(visit_no=3, visit=VisitRecord("2026-03-30", phq9_items=(1, 1, 1, None, 0, 0, 0, 0, 0)))]
    fig = figure_for(checklist, course(checklist, rules, record, visits), visits)
    assert [(b.low, b.high) for b in fig.bands] == [(0, 5), (5, 10), (10, 15), (15, 20), (20, 27)]
    assert fig.y_ticks == (0, 5, 10, 15, 20, 27)
    assert fig.half_baseline == Fraction(17, 2) and fig.half_label.startswith("half the first score (8.5)")
    assert [(p.day, p.total, p.alert) for p in fig.points] == [(0, 17, False), (21, 13, False), (42, 5, True),
                                                                (84, None, False)]
    assert [p.label for p in fig.plotted] == ["First consultation", "Visit 1", "Visit 2"]
    assert fig.injections == ((0, "2026-01-05"),)
    assert fig.x_ticks[0] == 0 and fig.x_ticks[-1] >= 84 and all(t % 7 == 0 for t in fig.x_ticks)
    assert len(fig.x_ticks) <= 8 and fig.x_tick_label(84) == "week 12"
    text = fig.summary_text()
    assert "Visit 3 (2026-03-30): PHQ-9 no total" in text and "item 9 above 0 at: Visit 2" in text


def test_a_baseline_of_0_has_no_half_line():
    checklist, rules = load_checklist(), load_rules()
    record = SessionRecord("MRN-1", "Dr A", "2026-01-05T09:00", phq9_total=0)
    fig = figure_for(checklist, course(checklist, rules, record, []), [])
    assert fig.half_baseline is None and fig.half_label == "" and fig.x_ticks == (0, 7)
