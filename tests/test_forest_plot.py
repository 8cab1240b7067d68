"""The forest plot: geometry of the log axis and what is actually painted."""

import math

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QFontMetricsF, qGray

from decisionaid.ui.forest_plot import (
    AXIS_MAX,
    ForestData,
    ForestPlot,
    ForestRow,
    summary_text,
)
from decisionaid.evidence.formatting import fmt_ratio as format_value

MAGID_NOTE = "0.5 added to each cell (zero events)"
POOLED = ForestRow("Pooled (random effects)", 8.27, 3.57, 19.2, 100.0)
ROWS = (
    ForestRow("Wollmer 2012", 9.75, 1.65, 57.5, 36.6, "9/15 vs 2/15"),
    ForestRow("Finzi & Rosenthal 2014", 6.20, 2.12, 18.1, 52.4, "17/33 vs 6/41"),
    ForestRow("Magid 2014", 40.5, 1.9, 863, 11.0, "6/11 vs 0/19", MAGID_NOTE),
)
DATA = ForestData(ROWS, POOLED, "Odds ratio (log scale)")


def show(qtbot, data, width=900):
    plot = ForestPlot()
    qtbot.addWidget(plot)
    plot.set_data(data)
    plot.resize(width, plot.heightForWidth(width))
    plot.show()
    return plot


def dark(img, x, y) -> bool:
    return qGray(img.pixel(math.floor(x), math.floor(y))) < 100


def dark_count(img, x0, y0, x1, y1) -> int:
    return sum(dark(img, x, y) for x in range(round(x0), round(x1)) for y in range(round(y0), round(y1)))


def test_axis_is_logarithmic(qtbot):
    plot = show(qtbot, DATA)
    x = plot.x_for_value
    assert x(0.5) < x(1) < x(2)
    assert x(1) - x(0.5) == pytest.approx(x(2) - x(1), abs=1e-6)
    assert x(10) - x(1) == pytest.approx(x(100) - x(10), abs=1e-6)


def test_ticks_cover_every_interval_and_include_one(qtbot):
    plot = show(qtbot, DATA)
    ticks = plot.axis_ticks()
    assert 1.0 in ticks and ticks == sorted(ticks) and len(ticks) >= 3
    assert ticks[0] <= min(r.ci_low for r in ROWS) and ticks[-1] >= max(r.ci_high for r in ROWS)


def test_tick_labels_do_not_overlap_when_narrow(qtbot):
    plot = show(qtbot, DATA, width=plot_min_width(qtbot))
    fm = QFontMetricsF(plot.font())
    ticks = plot.axis_ticks()
    assert 1.0 in ticks and len(ticks) >= 2
    for a, b in zip(ticks, ticks[1:]):
        half_widths = (fm.horizontalAdvance(f"{a:g}") + fm.horizontalAdvance(f"{b:g}")) / 2
        assert plot.x_for_value(b) - plot.x_for_value(a) > half_widths


def plot_min_width(qtbot) -> int:
    probe = show(qtbot, DATA)
    return probe.minimumSizeHint().width()


def test_very_wide_interval_caps_the_axis(qtbot):
    wide = ForestData((ForestRow("Wide", 12.0, 0.3, 600.0, 100.0),), POOLED, "Odds ratio")
    ticks = show(qtbot, wide).axis_ticks()
    assert ticks[0] <= 0.3 and ticks[-1] >= 600
    assert ticks[0] >= 0.01 and ticks[-1] <= AXIS_MAX


def test_pooled_diamond_spans_its_interval(qtbot):
    plot = show(qtbot, DATA)
    img, y, x = plot.grab().toImage(), plot.pooled_center_y(), plot.x_for_value
    assert dark(img, x(POOLED.estimate), y)
    assert dark(img, x(POOLED.ci_low) + 3, y) and dark(img, x(POOLED.ci_high) - 3, y)
    assert not dark(img, x(POOLED.ci_low) - 4, y) and not dark(img, x(POOLED.ci_high) + 4, y)


def test_line_of_no_effect_runs_through_the_study_rows(qtbot):
    plot = show(qtbot, DATA)
    img = plot.grab().toImage()
    x1 = plot.x_for_value(1.0)
    assert all(dark(img, x1, plot.row_center_y(i) - 5) for i in range(len(ROWS)))
    assert not dark(img, plot.x_for_value(1.3), plot.row_center_y(0) - 5)


def square_ink(qtbot, weight: float) -> int:
    rows = (ForestRow("A", 3.0, 1.5, 6.0, weight), ForestRow("B", 3.0, 1.5, 6.0, 50.0))
    plot = show(qtbot, ForestData(rows, POOLED, "Odds ratio"))
    img, x, y = plot.grab().toImage(), plot.x_for_value(3.0), plot.row_center_y(0)
    return dark_count(img, x - 15, y - 15, x + 15, y + 15)


def test_square_area_grows_with_weight(qtbot):
    small, large = square_ink(qtbot, 10.0), square_ink(qtbot, 40.0)
    assert large > 2.5 * small  # area proportional to weight: about 4x, minus the shared CI line


def test_zero_weight_still_marks_the_estimate(qtbot):
    rows = (ForestRow("None", 3.0, 1.5, 6.0, 0.0), ForestRow("All", 3.0, 1.5, 6.0, 100.0))
    plot = show(qtbot, ForestData(rows, POOLED, "Odds ratio"))
    img, x, y = plot.grab().toImage(), plot.x_for_value(3.0), plot.row_center_y(0)
    assert dark(img, x, y) and dark(img, x, y - 1)  # a small square, not just the 1.5 px line


def test_interval_beyond_axis_is_drawn_to_the_edge_with_an_arrow(qtbot):
    rows = (ForestRow("Huge", 50.0, 2.0, 50000.0, 100.0),)
    plot = show(qtbot, ForestData(rows, POOLED, "Odds ratio"))
    img, y = plot.grab().toImage(), plot.row_center_y(0)
    edge = plot.x_for_value(AXIS_MAX)
    assert plot.axis_ticks()[-1] == AXIS_MAX
    assert dark(img, edge - 1, y) and dark(img, (plot.x_for_value(50) + edge) / 2, y)
    assert dark(img, edge - 5, y - 2) and dark(img, edge - 5, y + 2)  # the arrowhead is taller than the line
    assert not dark(img, edge + 6, y)


def test_estimate_outside_axis_does_not_crash(qtbot):
    rows = (ForestRow("Off scale", 5000.0, 2000.0, 9000.0, 40.0), ForestRow("Tiny", 0.001, 0.0001, 0.005, 60.0))
    plot = show(qtbot, ForestData(rows, POOLED, "Odds ratio"))
    img = plot.grab().toImage()
    assert dark(img, plot.x_for_value(AXIS_MAX) - 2, plot.row_center_y(0))
    assert dark(img, plot.x_for_value(0.01) + 4, plot.row_center_y(1))


def test_non_finite_row_is_skipped_with_a_note(qtbot):
    data = ForestData((ForestRow("Broken", math.nan, 1.0, math.inf, math.nan), ROWS[0]), POOLED, "Odds ratio")
    plot = show(qtbot, data)
    img = plot.grab().toImage()
    assert not dark(img, plot.x_for_value(2.0), plot.row_center_y(0))  # nothing plotted on that row
    text = summary_text(data)
    assert "Broken" in text and "not estimable" in text and "not plotted" in text
    assert 1.0 in plot.axis_ticks()


def test_only_the_pooled_row(qtbot):
    plot = show(qtbot, ForestData((), POOLED, "Odds ratio"))
    img = plot.grab().toImage()
    assert dark(img, plot.x_for_value(POOLED.estimate), plot.pooled_center_y())


def test_no_data(qtbot):
    plot = show(qtbot, None)
    img = plot.grab().toImage()
    assert plot.axis_ticks() == []
    assert "no data" in plot.accessibleDescription().lower()
    assert dark_count(img, 0, 0, img.width(), img.height()) > 0  # the "No data" message
    plot.set_data(DATA)
    assert plot.axis_ticks()


def test_summary_text_reads_every_row(qtbot):
    text = summary_text(DATA)
    for row in (*ROWS, POOLED):
        assert row.label in text
        for value in (row.estimate, row.ci_low, row.ci_high):
            assert format_value(value) in text
    for number in ("9.75", "1.65", "57.5", "863", "8.27", "3.57", "19.2", "36.6%", "9/15 vs 2/15", MAGID_NOTE):
        assert number in text
    plot = show(qtbot, DATA)
    assert plot.accessibleDescription() == text
    assert "8.27" in plot.accessibleName()


def test_tooltip_text_for_the_row_under_the_pointer(qtbot):
    plot = show(qtbot, DATA)
    magid = plot.tooltip_text_at(QPoint(50, round(plot.row_center_y(2))))
    assert "Magid 2014" in magid and "40.5" in magid and MAGID_NOTE in magid
    assert "Pooled" in plot.tooltip_text_at(QPoint(50, round(plot.pooled_center_y())))
    assert plot.tooltip_text_at(QPoint(50, 2)) == ""


def test_size_hint_grows_with_rows(qtbot):
    one = show(qtbot, ForestData(ROWS[:1], POOLED, "Odds ratio"))
    three = show(qtbot, ForestData(ROWS, POOLED, "Odds ratio"))
    assert three.sizeHint().height() > one.sizeHint().height()


@pytest.mark.parametrize(
    ("value", "text"),
    [(8.27, "8.27"), (1.9, "1.90"), (31.24, "31.2"), (863.4, "863"), (1234.0, "1234"),
     (9.999, "10.0"), (99.96, "100"), (0.001, "<0.01"), (math.nan, "n/a"), (math.inf, "n/a")],
)
def test_format_value(value, text):
    assert format_value(value) == text
