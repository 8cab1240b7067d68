"""Pictures for PDFs, drawn as reportlab vector graphics from the domain's figure model: icon arrays and forest plots.

The grid, fill order, colours, person shape, axis range, ticks and every label come from evidence/figures.py, the
same model the screen paints, so paper and screen cannot disagree. Solid versus outline, so they read in grayscale
and on a black-and-white printer. Labels here come from the evidence pack, never from user text.
"""

from __future__ import annotations

import copy
import math
from functools import lru_cache
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.rl_accel import fp_str
from reportlab.platypus import Flowable

from decisionaid.evidence import figures as model
from decisionaid.evidence.figures import GRID, ForestFigure, IconArrayFigure
from decisionaid.handout import fonts

if TYPE_CHECKING:  # the shapes are imported by the charts that use them: the handout's first PDF has none
    from reportlab.graphics.shapes import Drawing

INK = colors.HexColor(model.BENEFIT)   # the same as the screen's icon arrays
OUTLINE = colors.HexColor(model.EMPTY)


class IconArray(Flowable):
    """100 people in a 10 x 10 grid, the first `count` filled, row by row from the top left (as on screen).

    Each person is drawn once per document as a PDF form (filled and outline) and placed 100 times: a tenth of
    the drawing work and of the file size of drawing 100 people shape by shape."""

    def __init__(self, figure: IconArrayFigure | int, size: float):
        super().__init__()
        self.figure = figure if isinstance(figure, IconArrayFigure) else IconArrayFigure(int(figure))
        self.count = self.figure.count
        self.size = size
        self.width = self.height = size

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def _forms(self, canv, cell: float) -> tuple[str, str]:
        fig = self.figure
        names = (f"person-filled-{fig.filled.lstrip('#')}-{cell:.3f}", f"person-empty-{fig.empty.lstrip('#')}-{cell:.3f}")
        made = canv.__dict__.setdefault("_decisionaid_forms", set())
        filled, empty = colors.HexColor(fig.filled), colors.HexColor(fig.empty)
        for name, (fill, stroke) in zip(names, ((filled, filled), (colors.white, empty))):
            if name in made:
                continue
            canv.beginForm(name, lowerx=0, lowery=0, upperx=cell, uppery=cell)
            canv.setFillColor(fill)
            canv.setStrokeColor(stroke)
            canv.setLineWidth(max(0.4, cell * model.OUTLINE))
            hx, hy, hr = model.HEAD  # the model measures y down from the top; PDF y goes up
            canv.circle(cell * hx, cell * (1 - hy), cell * hr, stroke=1, fill=1)
            bx, by, bw, bh, br = model.BODY
            canv.roundRect(cell * bx, cell * (1 - by - bh), cell * bw, cell * bh, cell * br, stroke=1, fill=1)
            canv.endForm()
            made.add(name)
        return names

    def draw(self):
        """Each person as `q <translate> cm /<form> Do Q`: what saveState, translate, doForm and restoreState
        write, written here at once (those calls copy the canvas state and format six numbers, per person)."""
        canv, cell = self.canv, self.size / GRID
        names = self._forms(canv, cell)
        do = tuple(f"/{canv._doc.getXObjectName(name)} Do" for name in names)
        code, used = _people(self.figure, self.size, names, do)
        canv._code.extend(code)
        canv._formsinuse.extend(used)


@lru_cache(maxsize=64)
def _people(figure: IconArrayFigure, size: float, names: tuple[str, str],
            do: tuple[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The page code of the 100 people in drawing order (for each, the translation to its cell as
    canvas.translate writes it, and the filled or outline form), and the forms each uses: the same for every
    document with this figure, size and forms."""
    cell = size / GRID
    code, used = [], []
    for i in range(GRID * GRID):
        row, col = figure.cell(i)
        empty = 0 if figure.is_filled(i) else 1
        code += ["q", f"{fp_str(1, 0, 0, 1, col * cell, size - (row + 1) * cell)} cm", do[empty], "Q"]
        used.append(names[empty])
    return tuple(code), tuple(used)


def icon_array(figure: IconArrayFigure | int, size: float) -> IconArray:
    return IconArray(figure, size)


def forest_plot(figure: ForestFigure, width: float, font_size: float = 8.0) -> Drawing:
    """Trials as squares (area by weight) with 95% CI lines, the pooled estimate as a diamond, on a log axis.

    Footnotes are not drawn here: the caller prints `figure.footnotes()` under the drawing, where they can wrap.
    The shapes are made once per figure, width and size in a process (every record of a process has the same
    forest plot); each call gives a drawing of its own over them (a drawing holds the canvas it is drawn on)."""
    fonts.register()
    return copy.copy(_forest_shapes(figure, width, font_size))


@lru_cache(maxsize=8)
def _forest_shapes(figure: ForestFigure, width: float, font_size: float) -> Drawing:
    from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String

    fs = font_size
    rows, pooled = figure.rows, figure.pooled
    row_h, top_pad, axis_h = fs * 2.1, fs * 2.4, fs * 4.6
    height = top_pad + row_h * (len(rows) + 2.3) + axis_h
    d = Drawing(width, height, initialFontName=fonts.REGULAR)  # else reportlab names Helvetica, not embedded
    label_w, detail_w, est_w, weight_w = width * 0.22, width * 0.17, width * 0.17, width * 0.08
    plot_x0 = label_w + detail_w + fs
    plot_x1 = width - est_w - weight_w - fs
    lo, hi = figure.lo, figure.hi
    llo, lhi = math.log(lo), math.log(hi)
    black, rule, diamond = colors.black, colors.HexColor(model.RULE), colors.HexColor(model.DIAMOND)

    def x(v: float) -> float:
        v = min(max(v, lo), hi)
        return plot_x0 + (math.log(v) - llo) / (lhi - llo) * (plot_x1 - plot_x0)

    def text(px, py, s, anchor="start", bold=False, size=fs):
        if s:
            d.add(String(px, py, s, fontName=fonts.BOLD if bold else fonts.REGULAR, fontSize=size, textAnchor=anchor,
                         fillColor=black))

    y_head = height - fs * 1.4
    text(0, y_head, "Study", bold=True)
    text(label_w, y_head, figure.detail_label, bold=True)
    text(width - weight_w - fs * 0.5, y_head, figure.estimate_label, anchor="end", bold=True)
    text(width, y_head, "Weight", anchor="end", bold=True)
    weights = [r.weight for r in rows if math.isfinite(r.weight) and r.weight > 0]
    max_w = max(weights, default=1.0)
    y_axis = axis_h
    for i, r in enumerate([*rows, None, pooled]):
        if r is None:
            continue
        cy = height - top_pad - row_h * (i + 0.5)
        is_pooled = r is pooled
        text(0, cy - fs * 0.35, figure.label(r), bold=is_pooled)
        text(label_w, cy - fs * 0.35, r.detail)
        text(width - weight_w - fs * 0.5, cy - fs * 0.35, r.ci_text, anchor="end", bold=is_pooled)
        text(width, cy - fs * 0.35, r.weight_text, anchor="end", bold=is_pooled)
        if not r.plottable:
            continue
        if is_pooled:
            h = row_h * 0.32
            d.add(Polygon([x(r.ci_low), cy, x(r.estimate), cy + h, x(r.ci_high), cy, x(r.estimate), cy - h],
                          fillColor=diamond, strokeColor=black, strokeWidth=0.6))
            continue
        d.add(Line(x(r.ci_low), cy, x(r.ci_high), cy, strokeColor=black, strokeWidth=0.8))
        for end, clipped, sign in ((r.ci_low, r.ci_low < lo, -1), (r.ci_high, r.ci_high > hi, 1)):
            if clipped:  # an arrow where the interval runs off the axis
                tip = x(end)
                d.add(Polygon([tip, cy, tip - sign * fs * 0.5, cy + fs * 0.3, tip - sign * fs * 0.5, cy - fs * 0.3],
                              fillColor=black, strokeColor=black, strokeWidth=0.3))
        if lo <= r.estimate <= hi:
            w = r.weight if math.isfinite(r.weight) and r.weight > 0 else 0.0
            side = max(fs * 0.35, fs * 1.3 * math.sqrt(w / max_w))
            d.add(Rect(x(r.estimate) - side / 2, cy - side / 2, side, side, fillColor=black, strokeColor=black,
                       strokeWidth=0.3))
    # axis, ticks, the line of no effect and which side favours what
    d.add(Line(plot_x0, y_axis, plot_x1, y_axis, strokeColor=black, strokeWidth=0.8))
    for t in figure.ticks:
        d.add(Line(x(t), y_axis, x(t), y_axis - fs * 0.4, strokeColor=black, strokeWidth=0.6))
        text(x(t), y_axis - fs * 1.4, figure.tick_label(t), anchor="middle")
    d.add(Line(x(1), y_axis, x(1), height - top_pad + fs * 0.2, strokeColor=rule, strokeWidth=0.8,
               strokeDashArray=[2, 2]))
    text(x(1) - fs * 0.5, y_axis - fs * 2.7, figure.left_text, anchor="end")
    text(x(1) + fs * 0.5, y_axis - fs * 2.7, figure.right_text, anchor="start")
    text((plot_x0 + plot_x1) / 2, y_axis - fs * 3.9, figure.measure_label, anchor="middle")
    return d


def course_chart(figure, width: float, font_size: float = 8.0) -> Drawing:
    """The PHQ-9 course (checklist/course_figure.py): severity bands, the dashed half-baseline line, a triangle on
    each day Botox was given, and item 9 on its own strip below (a filled mark when above 0)."""
    from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String

    from decisionaid.checklist import course_figure as cm

    fonts.register()
    fs = font_size
    label_w, right_w = fs * 9.5, fs * 9.5
    plot_h, strip_h, axis_h, top = fs * 16, fs * 3.2, fs * 3.2, fs * 2.2
    height = top + plot_h + strip_h + axis_h
    d = Drawing(width, height)
    x0, x1 = label_w, width - right_w
    y0 = axis_h + strip_h
    y1 = y0 + plot_h
    black = colors.black

    def x(day: float) -> float:
        return x0 + day / max(figure.x_max, 1) * (x1 - x0)

    def y(v: float) -> float:
        return y0 + (v - figure.y_min) / (figure.y_max - figure.y_min) * (y1 - y0)

    def text(px, py, s, anchor="start", bold=False, size=fs, color=black):
        if s:
            d.add(String(px, py, s, fontName=fonts.BOLD if bold else fonts.REGULAR, fontSize=size,
                         textAnchor=anchor, fillColor=color))

    text(x0, height - fs * 1.3, figure.title, bold=True)
    for band in figure.bands:
        d.add(Rect(x0, y(band.low), x1 - x0, y(band.high) - y(band.low), fillColor=colors.HexColor(band.fill),
                   strokeColor=None, strokeWidth=0))
        text(x1 + fs * 0.5, (y(band.low) + y(band.high)) / 2 - fs * 0.35, band.label, size=fs * 0.9)
    d.add(Rect(x0, y0, x1 - x0, y1 - y0, fillColor=None, strokeColor=black, strokeWidth=0.6))
    for t in figure.y_ticks:
        d.add(Line(x0 - fs * 0.4, y(t), x0, y(t), strokeColor=black, strokeWidth=0.6))
        text(x0 - fs * 0.6, y(t) - fs * 0.35, str(t), anchor="end")
    text(fs * 0.2, (y0 + y1) / 2, "PHQ-9 total", size=fs * 0.9)
    if figure.half_baseline is not None:
        hy = y(float(figure.half_baseline))
        d.add(Line(x0, hy, x1, hy, strokeColor=colors.HexColor(cm.HALF), strokeWidth=1.0, strokeDashArray=[4, 3]))
        text(x0 + fs * 0.3, hy + fs * 0.3, figure.half_label, size=fs * 0.85, color=colors.HexColor(cm.HALF))
    for day, _date in figure.injections:
        px = x(day)
        d.add(Line(px, y0, px, y1, strokeColor=colors.HexColor(cm.INJECTION), strokeWidth=0.6,
                   strokeDashArray=[1, 2]))
        d.add(Polygon([px - fs * 0.45, y1 + fs * 0.7, px + fs * 0.45, y1 + fs * 0.7, px, y1 + fs * 0.05],
                      fillColor=colors.HexColor(cm.INJECTION), strokeColor=None))
    if figure.injections:
        text(x1 - fs, height - fs * 1.3, "\u25bc Botox given (dotted line)", anchor="end", size=fs * 0.85,
             color=colors.HexColor(cm.INJECTION))
    line = colors.HexColor(cm.LINE)
    pts = figure.plotted
    for a, b in zip(pts, pts[1:]):
        d.add(Line(x(a.day), y(a.total), x(b.day), y(b.total), strokeColor=line, strokeWidth=1.4))
    for p in pts:
        d.add(Rect(x(p.day) - fs * 0.3, y(p.total) - fs * 0.3, fs * 0.6, fs * 0.6, fillColor=line,
                   strokeColor=line))
        text(x(p.day), y(p.total) + fs * 0.6, str(p.total), anchor="middle", bold=True, size=fs * 0.9)
    # item 9 strip
    sy = axis_h + strip_h / 2
    d.add(Line(x0, sy, x1, sy, strokeColor=colors.HexColor(model.RULE), strokeWidth=0.4))
    text(x0 - fs * 1.2, sy - fs * 0.35, "Item 9", anchor="end", bold=True)
    for p in figure.points:
        if p.item9 is None:
            text(x(p.day), sy - fs * 0.35, "\u2013", anchor="middle")
            continue
        color = colors.HexColor(cm.ALERT) if p.alert else black
        d.add(Rect(x(p.day) - fs * 0.45, sy - fs * 0.45, fs * 0.9, fs * 0.9, fillColor=color if p.alert else None,
                   strokeColor=color, strokeWidth=0.8))
        text(x(p.day) + fs * 0.7, sy - fs * 0.35, str(p.item9), bold=p.alert, color=color)
    text(x1 + fs * 0.5, sy - fs * 0.35, "above 0: crisis pathway", size=fs * 0.8, color=colors.HexColor(cm.ALERT))
    for t in figure.x_ticks:
        d.add(Line(x(t), axis_h, x(t), axis_h - fs * 0.4, strokeColor=black, strokeWidth=0.6))
        text(x(t), axis_h - fs * 1.4, figure.x_tick_label(t), anchor="middle")
    d.add(Line(x0, axis_h, x1, axis_h, strokeColor=black, strokeWidth=0.6))
    text((x0 + x1) / 2, axis_h - fs * 2.7, "time since the first consultation", anchor="middle", size=fs * 0.9)
    return d
