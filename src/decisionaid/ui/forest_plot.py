"""A forest plot painted with QPainter from plain data (no plotting library).

The plot is drawn like a printed figure: black ink on white paper, so it stays legible in
grayscale and in a dark desktop theme. Text uses the widget's palette font and is always
drawn as plain text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from decisionaid.ui.common import plain_tooltip

AXIS_MIN, AXIS_MAX = 0.01, 1000.0  # wider CIs are clipped and drawn with an arrow
_MARKS = ("\u2020", "\u2021", "\u00a7", "\u00b6")  # dagger, double dagger, section, pilcrow
_PAPER, _INK, _DIAMOND, _RULE = QColor("white"), QColor("black"), QColor("#1f3a7a"), QColor("#808080")
_MARGIN, _GAP, _MIN_PLOT = 8.0, 14.0, 180.0


def _crisp(v: float) -> float:
    """Centre of the pixel containing v, so 1 px lines are sharp rather than two grey pixels."""
    return math.floor(v) + 0.5


@dataclass(frozen=True)
class ForestRow:
    label: str
    estimate: float  # ratio scale (odds ratio or risk ratio)
    ci_low: float
    ci_high: float
    weight: float  # percent 0-100; square area proportional to weight
    detail: str = ""  # e.g. "9/15 vs 2/15"
    note: str = ""  # marks the row with a dagger; shown in tooltip and footnote


@dataclass(frozen=True)
class ForestData:
    rows: tuple[ForestRow, ...]
    pooled: ForestRow
    measure_label: str  # axis title, e.g. "Odds ratio (log scale)"
    left_label: str = "Favours placebo"
    right_label: str = "Favours Botox"
    footnote: str = ""
    estimate_label: str = "OR [95% CI]"  # column header; "RR [95% CI]" for risk ratios
    detail_label: str = ""  # column header for `detail`, e.g. "Responders"


def plottable(row: ForestRow) -> bool:
    vals = (row.estimate, row.ci_low, row.ci_high)
    return all(math.isfinite(v) and v > 0 for v in vals) and row.ci_low <= row.ci_high


def format_value(v: float) -> str:
    """2 decimals below 10, 3 significant figures from 10 up: 8.27, 31.2, 863."""
    if not math.isfinite(v):
        return "NE"
    if 0 < v < 0.005:
        return "<0.01"
    if abs(round(v, 2)) < 10:
        return f"{v:.2f}"
    digits = 2 - math.floor(math.log10(abs(v)))
    if abs(round(v, digits)) >= 10 ** (3 - digits):  # rounding carried into a new digit
        digits -= 1
    return f"{round(v, digits):.{max(digits, 0)}f}"


def ci_text(row: ForestRow) -> str:
    if not plottable(row):
        return "not estimable"
    return f"{format_value(row.estimate)} [{format_value(row.ci_low)}, {format_value(row.ci_high)}]"


def weight_text(row: ForestRow) -> str:
    return f"{row.weight:.1f}%" if math.isfinite(row.weight) else "\u2013"


def _row_note(row: ForestRow) -> str:
    if plottable(row):
        return row.note
    return "; ".join(filter(None, (row.note, "not plotted (missing or non-finite values)")))


def _marks(data: ForestData) -> dict[str, str]:
    """Distinct note text -> footnote mark, in row order."""
    out: dict[str, str] = {}
    for row in (*data.rows, data.pooled):
        note = _row_note(row)
        if note and note not in out:
            n = len(out)
            out[note] = _MARKS[n % len(_MARKS)] * (n // len(_MARKS) + 1)
    return out


def _row_sentence(row: ForestRow) -> str:
    head = f"{row.label} ({row.detail})" if row.detail else row.label
    if plottable(row):
        nums = (f"{format_value(row.estimate)}, 95% CI {format_value(row.ci_low)} "
                f"to {format_value(row.ci_high)}")
    else:
        nums = "not estimable"
    note = _row_note(row)
    return f"{head}: {nums}, weight {weight_text(row)}." + (f" Note: {note}." if note else "")


def summary_text(data: ForestData | None) -> str:
    """Plain-text account of the plot for screen readers: every row's numbers."""
    if data is None:
        return "Forest plot: no data."
    lines = [f"Forest plot, {data.measure_label}. Left of 1: {data.left_label}; "
             f"right of 1: {data.right_label}."]
    lines += [_row_sentence(r) for r in data.rows]
    lines.append("Pooled: " + _row_sentence(data.pooled))
    if data.footnote:
        lines.append(data.footnote)
    return "\n".join(lines)


@dataclass
class _Layout:
    cols: tuple[float, float, float, float, float]  # x of label, detail, CI text, weight; right edge
    plot: tuple[float, float]  # left and right x of the axis
    lo: float
    hi: float
    ticks: list[float]
    row_h: float
    rows_top: float
    pooled_y: float
    axis_y: float
    foot_top: float
    height: float

    def x(self, v: float) -> float:
        span = math.log(self.hi) - math.log(self.lo)
        v = min(max(v, 1e-300), 1e300)
        return self.plot[0] + (math.log(v) - math.log(self.lo)) / span * (self.plot[1] - self.plot[0])


class ForestPlot(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data: ForestData | None = None
        self.setMouseTracking(True)
        sp = QSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)
        sp.setHeightForWidth(True)
        self.setSizePolicy(sp)
        self.set_data(None)

    # ---- public API
    def set_data(self, data: ForestData | None) -> None:
        self._data = data
        self.setAccessibleName("Forest plot" if data is None else
                               f"Forest plot, pooled {ci_text(data.pooled)}")
        self.setAccessibleDescription(summary_text(data))
        self.updateGeometry()
        self.update()

    def x_for_value(self, value: float) -> float:
        return self._layout(self.width()).x(value)

    def axis_ticks(self) -> list[float]:
        return list(self._layout(self.width()).ticks) if self._data else []

    def row_center_y(self, index: int) -> float:
        lay = self._layout(self.width())
        return lay.rows_top + (index + 0.5) * lay.row_h

    def pooled_center_y(self) -> float:
        return self._layout(self.width()).pooled_y

    def tooltip_text_at(self, pos: QPoint) -> str:
        if self._data is None:
            return ""
        lay = self._layout(self.width())
        if abs(pos.y() - lay.pooled_y) <= lay.row_h / 2:
            return "Pooled: " + _row_sentence(self._data.pooled)
        i = math.floor((pos.y() - lay.rows_top) / lay.row_h)
        return _row_sentence(self._data.rows[i]) if 0 <= i < len(self._data.rows) else ""

    # ---- Qt overrides
    def sizeHint(self) -> QSize:
        w = self._fixed_width() + _MIN_PLOT + 200
        return QSize(int(w), self.heightForWidth(int(w)))

    def minimumSizeHint(self) -> QSize:
        w = self._fixed_width() + _MIN_PLOT
        return QSize(int(w), self.heightForWidth(int(w)))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return math.ceil(self._layout(width).height) if self._data else 4 * self._fm().height()

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.ToolTip:
            text = self.tooltip_text_at(e.pos())
            if text:  # escaped once, then forced to rich text so "<" and "&" show literally
                QToolTip.showText(e.globalPos(), plain_tooltip(text), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(e)

    # ---- geometry
    def _fm(self, bold: bool = False) -> QFontMetricsF:
        f = QFont(self.font())
        f.setBold(bold)
        return QFontMetricsF(f)

    def _columns(self) -> list[tuple[float, float]]:
        """(width, gap after) for the label, detail, CI and weight columns."""
        d = self._data
        if d is None:
            return [(0, 0)] * 4
        fm, fb, marks = self._fm(), self._fm(True), _marks(d)
        lab = max([fb.horizontalAdvance(t) for t in ("Study", self._label(d.pooled, marks))]
                  + [fm.horizontalAdvance(self._label(r, marks)) for r in d.rows])
        det = max([fm.horizontalAdvance(r.detail) for r in d.rows] + [fb.horizontalAdvance(d.detail_label)])
        ci = max([fm.horizontalAdvance(ci_text(r)) for r in d.rows]  # the pooled row is bold
                 + [fb.horizontalAdvance(t) for t in (ci_text(d.pooled), d.estimate_label)])
        wt = max([fm.horizontalAdvance(weight_text(r)) for r in d.rows]
                 + [fb.horizontalAdvance(t) for t in (weight_text(d.pooled), "Weight")])
        return [(lab, _GAP), (det, _GAP if det else 0), (ci, _GAP), (wt, 0)]

    def _fixed_width(self) -> float:
        return 2 * _MARGIN + sum(w + g for w, g in self._columns()) + _GAP

    @staticmethod
    def _label(row: ForestRow, marks: dict[str, str]) -> str:
        note = _row_note(row)
        return f"{row.label} {marks[note]}" if note else row.label

    def _layout(self, width: float) -> _Layout:
        fm, d = self._fm(), self._data
        row_h = round(fm.height() * 1.8) | 1  # odd, so row centres fall on pixel centres (crisp lines)
        (lab, g1), (det, g2), (ci, g3), (wt, _) = self._columns()
        plot_l = _MARGIN + lab + g1 + det + g2
        plot_r = max(width - _MARGIN - wt - g3 - ci - _GAP, plot_l + 60)
        n = len(d.rows) if d else 0
        rows_top = _MARGIN + row_h
        pooled_y = _crisp(rows_top + (n + 0.8) * row_h)
        axis_y = pooled_y + row_h / 2 + 2
        values = [0.5, 2.0]  # always show some of each side of 1
        for r in (*(d.rows if d else ()), *((d.pooled,) if d else ())):
            if plottable(r):
                values += [r.estimate, r.ci_low, r.ci_high]
        lo_d, hi_d = max(min(values), AXIS_MIN), min(max(values), AXIS_MAX)
        lay = None
        for mantissas in ((1, 2, 5), (1,)):
            cand = [m * 10.0 ** e for e in range(-2, 4) for m in mantissas if m * 10.0 ** e <= AXIS_MAX * 1.001]
            lo = max(t for t in cand if t <= lo_d * 1.000001)
            hi = min(t for t in cand if t >= hi_d * 0.999999)
            ticks = [t for t in cand if lo <= t <= hi]
            cols = (_MARGIN, _MARGIN + lab + g1, plot_r + _GAP, plot_r + _GAP + ci + g3, plot_r + _GAP + ci + g3 + wt)
            lay = _Layout(cols, (plot_l, plot_r),
                          lo, hi, ticks, row_h, rows_top, pooled_y, axis_y, 0, 0)
            xs = [lay.x(t) for t in ticks]
            ws = [fm.horizontalAdvance(f"{t:g}") for t in ticks]
            if all(xs[i + 1] - xs[i] >= (ws[i] + ws[i + 1]) / 2 + 6 for i in range(len(ticks) - 1)):
                break
        else:  # even decades overlap: label only the ends and 1
            lay.ticks = sorted({lay.lo, 1.0, lay.hi})
        lay.foot_top = axis_y + 6 + 3 * fm.height() + 10
        foot = self._footnote()
        foot_h = fm.boundingRect(QRectF(0, 0, max(width - 2 * _MARGIN, 50), 1e6),
                                 Qt.TextWordWrap, foot).height() if foot else 0
        lay.height = lay.foot_top + foot_h + _MARGIN
        return lay

    def _footnote(self) -> str:
        d = self._data
        if d is None:
            return ""
        lines = [f"{mark} {note}" for note, mark in _marks(d).items()]
        return "\n".join(lines + ([d.footnote] if d.footnote else []))

    # ---- painting
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        p.fillRect(self.rect(), _PAPER)
        p.setPen(_INK)
        p.setFont(self.font())
        d = self._data
        if d is None:
            p.drawText(QRectF(self.rect()), Qt.AlignCenter, "No data")
            return
        lay, fm = self._layout(self.width()), self._fm()
        marks, (xl, xd, xc, xw, xr), (pl, pr) = _marks(d), lay.cols, lay.plot
        bold = QFont(self.font())
        bold.setBold(True)

        def text(x, y, w, s, align=Qt.AlignLeft, font=None):
            p.setPen(_INK)
            p.setFont(font or self.font())
            p.drawText(QRectF(x, y - lay.row_h / 2, w, lay.row_h), align | Qt.AlignVCenter, s)

        hy = _MARGIN + lay.row_h / 2
        text(xl, hy, pl - xl, "Study", font=bold)
        text(xd, hy, pl - xd, d.detail_label, font=bold)
        text(xc, hy, xw - xc, d.estimate_label, font=bold)
        text(xw, hy, xr - xw, "Weight", Qt.AlignRight, bold)
        p.setPen(QPen(_RULE, 1))
        p.drawLine(QPointF(xl, lay.rows_top), QPointF(xr, lay.rows_top))
        sep = lay.pooled_y - lay.row_h * 0.65
        p.drawLine(QPointF(xl, sep), QPointF(xr, sep))

        one = _crisp(lay.x(1.0))  # line of no effect
        p.setPen(QPen(_INK, 1))
        p.drawLine(QPointF(one, lay.rows_top), QPointF(one, lay.axis_y))
        pooled_ok = plottable(d.pooled) and lay.lo <= d.pooled.estimate <= lay.hi
        if pooled_ok:
            pen = QPen(_RULE, 1, Qt.DashLine)
            px = _crisp(lay.x(d.pooled.estimate))
            p.setPen(pen)
            p.drawLine(QPointF(px, lay.rows_top), QPointF(px, sep))

        weights = [r.weight for r in d.rows if math.isfinite(r.weight) and r.weight > 0]
        max_w, max_side = max(weights, default=1.0), lay.row_h * 0.7
        for i, r in enumerate(d.rows):
            y = lay.rows_top + (i + 0.5) * lay.row_h
            text(xl, y, pl - xl, self._label(r, marks))
            text(xd, y, pl - xd, r.detail)
            text(xc, y, xw - xc, ci_text(r))
            text(xw, y, xr - xw, weight_text(r), Qt.AlignRight)
            if not plottable(r):
                continue
            self._paint_ci(p, lay, r, y)
            if lay.lo <= r.estimate <= lay.hi:
                w = r.weight if math.isfinite(r.weight) and r.weight > 0 else 0.0
                side = max(max_side * math.sqrt(w / max_w), 3.0)
                p.fillRect(QRectF(lay.x(r.estimate) - side / 2, y - side / 2, side, side), _INK)

        y = lay.pooled_y
        p.setPen(_INK)
        text(xl, y, pl - xl, self._label(d.pooled, marks), font=bold)
        text(xc, y, xw - xc, ci_text(d.pooled), font=bold)
        text(xw, y, xr - xw, weight_text(d.pooled), Qt.AlignRight, bold)
        if plottable(d.pooled):
            c = lambda v: lay.x(min(max(v, lay.lo), lay.hi))  # noqa: E731
            h = lay.row_h * 0.32
            ex = c(d.pooled.estimate)
            poly = QPolygonF([QPointF(c(d.pooled.ci_low), y), QPointF(ex, y - h),
                              QPointF(c(d.pooled.ci_high), y), QPointF(ex, y + h)])
            p.setPen(QPen(_INK, 1))
            p.setBrush(_DIAMOND)
            p.drawPolygon(poly)

        ay = lay.axis_y  # axis, ticks, labels
        p.setPen(QPen(_INK, 1))
        p.setFont(self.font())
        p.drawLine(QPointF(pl, ay), QPointF(pr, ay))
        lh = fm.height()
        for t in lay.ticks:
            x = _crisp(lay.x(t))
            p.drawLine(QPointF(x, ay), QPointF(x, ay + 4))
            p.drawText(QRectF(x - 40, ay + 5, 80, lh), Qt.AlignHCenter | Qt.AlignTop, f"{t:g}")
        fy = ay + 6 + lh
        p.drawText(QRectF(_MARGIN, fy, max(one - 8 - _MARGIN, 0), lh), Qt.AlignRight | Qt.AlignTop,
                   "\u2190 " + d.left_label)
        p.drawText(QRectF(one + 8, fy, max(self.width() - _MARGIN - one - 8, 0), lh),
                   Qt.AlignLeft | Qt.AlignTop, d.right_label + " \u2192")
        p.drawText(QRectF(pl, fy + lh + 2, pr - pl, lh), Qt.AlignHCenter | Qt.AlignTop, d.measure_label)
        foot = self._footnote()
        if foot:
            p.setPen(QColor("#333333"))
            p.drawText(QRectF(_MARGIN, lay.foot_top, self.width() - 2 * _MARGIN, 1e4),
                       Qt.AlignLeft | Qt.AlignTop | Qt.TextWordWrap, foot)

    @staticmethod
    def _paint_ci(p: QPainter, lay: _Layout, r: ForestRow, y: float) -> None:
        a, b = max(r.ci_low, lay.lo), min(r.ci_high, lay.hi)
        p.setPen(QPen(_INK, 1.5))
        if a < b:
            p.drawLine(QPointF(lay.x(a), y), QPointF(lay.x(b), y))
        p.setPen(Qt.NoPen)
        p.setBrush(_INK)
        for clipped, edge, sign in ((r.ci_low < lay.lo, lay.plot[0], -1), (r.ci_high > lay.hi, lay.plot[1], 1)):
            if clipped:  # arrow pointing outwards at the clipped end
                p.drawPolygon(QPolygonF([QPointF(edge, y), QPointF(edge - sign * 7, y - 4),
                                         QPointF(edge - sign * 7, y + 4)]))
