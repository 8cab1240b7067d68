"""Pictures for PDFs, drawn as reportlab vector graphics from computed numbers: icon arrays and forest plots.

Both are black-and-teal on white, solid versus outline, so they read in grayscale and on a black-and-white
printer. Labels here come from the evidence pack, never from user text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.platypus import Flowable

from decisionaid.handout import fonts

INK = colors.HexColor("#00574f")        # dark teal: the same as the screen's icon arrays
OUTLINE = colors.HexColor("#7a7a7a")
GRID = 10


class IconArray(Flowable):
    """100 people in a 10 x 10 grid, the first `count` filled, row by row from the top left (as on screen).

    Each person is drawn once per document as a PDF form (filled and outline) and placed 100 times: a tenth of
    the drawing work and of the file size of drawing 100 people shape by shape."""

    def __init__(self, count: int, size: float):
        super().__init__()
        self.count = max(0, min(int(count), GRID * GRID))
        self.size = size
        self.width = self.height = size

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def _forms(self, canv, cell: float) -> tuple[str, str]:
        names = (f"person-filled-{cell:.3f}", f"person-empty-{cell:.3f}")
        made = canv.__dict__.setdefault("_decisionaid_forms", set())
        for name, (fill, stroke) in zip(names, ((INK, INK), (colors.white, OUTLINE))):
            if name in made:
                continue
            canv.beginForm(name, lowerx=0, lowery=0, upperx=cell, uppery=cell)
            canv.setFillColor(fill)
            canv.setStrokeColor(stroke)
            canv.setLineWidth(max(0.4, cell * 0.05))
            canv.circle(cell / 2, cell * 0.73, cell * 0.17, stroke=1, fill=1)
            canv.roundRect(cell * 0.2, cell * 0.07, cell * 0.6, cell * 0.44, cell * 0.2, stroke=1, fill=1)
            canv.endForm()
            made.add(name)
        return names

    def draw(self):
        canv, cell = self.canv, self.size / GRID
        filled, empty = self._forms(canv, cell)
        for i in range(GRID * GRID):
            row, col = divmod(i, GRID)
            canv.saveState()
            canv.translate(col * cell, self.size - (row + 1) * cell)
            canv.doForm(filled if i < self.count else empty)
            canv.restoreState()


def icon_array(count: int, size: float) -> IconArray:
    return IconArray(count, size)


@dataclass(frozen=True)
class ForestRow:
    label: str
    detail: str          # e.g. "9/15 vs 2/15"
    estimate: float
    ci_low: float
    ci_high: float
    weight: float        # percent; the pooled row's is ignored
    corrected: bool = False  # a continuity correction was added (marked with a dagger, explained by the caller)


_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


def _fmt(v: float) -> str:
    if not math.isfinite(v):
        return "NE"
    if v < 10:
        return f"{v:.2f}"
    if v < 100:
        return f"{v:.1f}"
    return f"{v:.0f}"


def forest_plot(rows: list[ForestRow], pooled: ForestRow, width: float, measure: str,
                font_size: float = 8.0) -> Drawing:
    """Trials as squares (area by weight) with 95% CI lines, the pooled estimate as a diamond, on a log axis."""
    fonts.register()
    fs = font_size
    row_h, top_pad, axis_h = fs * 2.1, fs * 2.4, fs * 4.6
    height = top_pad + row_h * (len(rows) + 2.3) + axis_h
    d = Drawing(width, height)
    label_w, detail_w, est_w, weight_w = width * 0.20, width * 0.16, width * 0.19, width * 0.09
    plot_x0 = label_w + detail_w + fs
    plot_x1 = width - est_w - weight_w - fs
    values = [v for r in (*rows, pooled) for v in (r.ci_low, r.ci_high) if math.isfinite(v) and v > 0] or [1.0]
    lo = max(_TICKS[0], min(min(values), 1.0) / 1.2)
    hi = min(_TICKS[-1], max(max(values), 1.0) * 1.2)
    llo, lhi = math.log(lo), math.log(hi)

    def x(v: float) -> float:
        v = min(max(v, lo), hi)
        return plot_x0 + (math.log(v) - llo) / (lhi - llo) * (plot_x1 - plot_x0)

    def text(px, py, s, anchor="start", bold=False, size=fs):
        d.add(String(px, py, s, fontName=fonts.BOLD if bold else fonts.REGULAR, fontSize=size, textAnchor=anchor,
                     fillColor=colors.black))

    y_head = height - fs * 1.4
    text(0, y_head, "Study", bold=True)
    text(label_w, y_head, "Botox vs placebo", bold=True)
    text(width - weight_w - fs * 0.5, y_head, f"{measure.upper()} [95% CI]", anchor="end", bold=True)
    text(width, y_head, "Weight", anchor="end", bold=True)
    max_w = max((r.weight for r in rows), default=1.0) or 1.0
    y_axis = axis_h
    for i, r in enumerate([*rows, None, pooled]):
        if r is None:
            continue
        cy = height - top_pad - row_h * (i + 0.5)
        is_pooled = r is pooled
        text(0, cy - fs * 0.35, r.label + (" \u2020" if r.corrected else ""), bold=is_pooled)
        text(label_w, cy - fs * 0.35, r.detail)
        text(width - weight_w - fs * 0.5, cy - fs * 0.35,
             f"{_fmt(r.estimate)} [{_fmt(r.ci_low)}, {_fmt(r.ci_high)}]", anchor="end", bold=is_pooled)
        text(width, cy - fs * 0.35, "" if is_pooled else f"{r.weight:.1f}%", anchor="end")
        if is_pooled:
            h = row_h * 0.32
            d.add(Polygon([x(r.ci_low), cy, x(r.estimate), cy + h, x(r.ci_high), cy, x(r.estimate), cy - h],
                          fillColor=INK, strokeColor=colors.black, strokeWidth=0.6))
            continue
        d.add(Line(x(r.ci_low), cy, x(r.ci_high), cy, strokeColor=colors.black, strokeWidth=0.8))
        for end, clipped, sign in ((r.ci_low, r.ci_low < lo, -1), (r.ci_high, r.ci_high > hi, 1)):
            if clipped:  # an arrow where the interval runs off the axis
                tip = x(end)
                d.add(Polygon([tip, cy, tip - sign * fs * 0.5, cy + fs * 0.3, tip - sign * fs * 0.5, cy - fs * 0.3],
                              fillColor=colors.black, strokeColor=colors.black, strokeWidth=0.3))
        side = max(fs * 0.35, fs * 1.3 * math.sqrt(max(r.weight, 0.0) / max_w))
        d.add(Rect(x(r.estimate) - side / 2, cy - side / 2, side, side, fillColor=colors.black,
                   strokeColor=colors.black, strokeWidth=0.3))
    # axis, ticks, the line of no effect and which side favours what
    d.add(Line(plot_x0, y_axis, plot_x1, y_axis, strokeColor=colors.black, strokeWidth=0.8))
    for t in _TICKS:
        if lo <= t <= hi:
            d.add(Line(x(t), y_axis, x(t), y_axis - fs * 0.4, strokeColor=colors.black, strokeWidth=0.6))
            text(x(t), y_axis - fs * 1.4, f"{t:g}", anchor="middle")
    d.add(Line(x(1), y_axis, x(1), height - top_pad + fs * 0.2, strokeColor=OUTLINE, strokeWidth=0.8,
               strokeDashArray=[2, 2]))
    text(x(1) - fs * 0.5, y_axis - fs * 2.7, "\u2190 Favours placebo", anchor="end")
    text(x(1) + fs * 0.5, y_axis - fs * 2.7, "Favours Botox \u2192", anchor="start")
    name = {"rr": "Risk ratio", "or": "Odds ratio"}.get(measure, measure)
    text((plot_x0 + plot_x1) / 2, y_axis - fs * 3.9, f"{name} (log scale)", anchor="middle")
    return d
