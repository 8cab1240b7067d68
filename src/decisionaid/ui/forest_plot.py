"""A forest plot painted with QPainter from the domain's figure model (evidence/figures.py).

Rows, axis range, ticks, labels and footnotes all come from `ForestFigure`; this module only measures text and
paints. The plot is drawn like a printed figure: black ink on white paper, so it stays legible in grayscale and
in a dark desktop theme. Text uses the widget's palette font and is always drawn as plain text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from decisionaid.evidence import figures as model
from decisionaid.evidence.figures import AXIS_MAX, AXIS_MIN, ForestFigure, ForestRow, plottable, summary_text
from decisionaid.ui.common import plain_tooltip

ForestData = ForestFigure  # the name the screens used before the model moved to the domain
__all__ = ["AXIS_MAX", "AXIS_MIN", "ForestData", "ForestFigure", "ForestPlot", "ForestRow", "plottable", "summary_text"]

_PAPER, _INK, _DIAMOND, _RULE = (QColor(model.PAPER), QColor(model.INK), QColor(model.DIAMOND), QColor(model.RULE))
_MARGIN, _GAP, _MIN_PLOT = 8.0, 14.0, 180.0


def _crisp(v: float) -> float:
    """Centre of the pixel containing v, so 1 px lines are sharp rather than two grey pixels."""
    return math.floor(v) + 0.5


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
                               f"Forest plot, pooled {data.pooled.ci_text}")
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

    def painted_texts(self) -> list[str]:
        """Every string the last paint drew, in drawing order (for tests and checks)."""
        return list(getattr(self, "_painted", []))

    def tooltip_text_at(self, pos: QPoint) -> str:
        if self._data is None:
            return ""
        lay = self._layout(self.width())
        if abs(pos.y() - lay.pooled_y) <= lay.row_h / 2:
            return "Pooled: " + self._data.row_sentence(self._data.pooled)
        i = math.floor((pos.y() - lay.rows_top) / lay.row_h)
        return self._data.row_sentence(self._data.rows[i]) if 0 <= i < len(self._data.rows) else ""

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
        fm, fb = self._fm(), self._fm(True)
        lab = max([fb.horizontalAdvance(t) for t in ("Study", d.label(d.pooled))]
                  + [fm.horizontalAdvance(d.label(r)) for r in d.rows])
        det = max([fm.horizontalAdvance(r.detail) for r in d.rows]
                  + [fb.horizontalAdvance(t) for t in (d.detail_label, d.pooled.detail)])
        ci = max([fm.horizontalAdvance(r.ci_text) for r in d.rows]  # the pooled row is bold
                 + [fb.horizontalAdvance(t) for t in (d.pooled.ci_text, d.estimate_label)])
        wt = max([fm.horizontalAdvance(r.weight_text) for r in d.rows]
                 + [fb.horizontalAdvance(t) for t in (d.pooled.weight_text, "Weight")])
        return [(lab, _GAP), (det, _GAP if det else 0), (ci, _GAP), (wt, 0)]

    def _fixed_width(self) -> float:
        return 2 * _MARGIN + sum(w + g for w, g in self._columns()) + _GAP

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
        cols = (_MARGIN, _MARGIN + lab + g1, plot_r + _GAP, plot_r + _GAP + ci + g3, plot_r + _GAP + ci + g3 + wt)
        if d is None:
            return _Layout(cols, (plot_l, plot_r), 0.5, 2.0, [], row_h, rows_top, pooled_y, axis_y, 0, 0)
        lay = _Layout(cols, (plot_l, plot_r), d.lo, d.hi, list(d.ticks), row_h, rows_top, pooled_y, axis_y, 0, 0)
        xs = [lay.x(t) for t in lay.ticks]
        ws = [fm.horizontalAdvance(d.tick_label(t)) for t in lay.ticks]
        if not all(xs[i + 1] - xs[i] >= (ws[i] + ws[i + 1]) / 2 + 6 for i in range(len(xs) - 1)):
            lay.ticks = list(d.sparse_ticks)  # too narrow for the model's ticks: label only the ends and 1
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
        return d.footnote_text

    # ---- painting
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        p.fillRect(self.rect(), _PAPER)
        p.setPen(_INK)
        p.setFont(self.font())
        d = self._data
        painted: list[str] = []
        self._painted = painted

        def draw(rect, flags, s):
            if s:
                painted.append(s)
            p.drawText(rect, flags, s)

        if d is None:
            draw(QRectF(self.rect()), Qt.AlignCenter, "No data")
            return
        lay, fm = self._layout(self.width()), self._fm()
        (xl, xd, xc, xw, xr), (pl, pr) = lay.cols, lay.plot
        bold = QFont(self.font())
        bold.setBold(True)

        def text(x, y, w, s, align=Qt.AlignLeft, font=None):
            p.setPen(_INK)
            p.setFont(font or self.font())
            draw(QRectF(x, y - lay.row_h / 2, w, lay.row_h), align | Qt.AlignVCenter, s)

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
            text(xl, y, pl - xl, d.label(r))
            text(xd, y, pl - xd, r.detail)
            text(xc, y, xw - xc, r.ci_text)
            text(xw, y, xr - xw, r.weight_text, Qt.AlignRight)
            if not plottable(r):
                continue
            self._paint_ci(p, lay, r, y)
            if lay.lo <= r.estimate <= lay.hi:
                w = r.weight if math.isfinite(r.weight) and r.weight > 0 else 0.0
                side = max(max_side * math.sqrt(w / max_w), 3.0)
                p.fillRect(QRectF(lay.x(r.estimate) - side / 2, y - side / 2, side, side), _INK)

        y = lay.pooled_y
        p.setPen(_INK)
        text(xl, y, pl - xl, d.label(d.pooled), font=bold)
        text(xd, y, pl - xd, d.pooled.detail)
        text(xc, y, xw - xc, d.pooled.ci_text, font=bold)
        text(xw, y, xr - xw, d.pooled.weight_text, Qt.AlignRight, bold)
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
            draw(QRectF(x - 40, ay + 5, 80, lh), Qt.AlignHCenter | Qt.AlignTop, d.tick_label(t))
        fy = ay + 6 + lh
        draw(QRectF(_MARGIN, fy, max(one - 8 - _MARGIN, 0), lh), Qt.AlignRight | Qt.AlignTop,
                   d.left_text)
        draw(QRectF(one + 8, fy, max(self.width() - _MARGIN - one - 8, 0), lh),
                   Qt.AlignLeft | Qt.AlignTop, d.right_text)
        draw(QRectF(pl, fy + lh + 2, pr - pl, lh), Qt.AlignHCenter | Qt.AlignTop, d.measure_label)
        foot = self._footnote()
        if foot:
            p.setPen(QColor(model.FOOTNOTE_INK))
            draw(QRectF(_MARGIN, lay.foot_top, self.width() - 2 * _MARGIN, 1e4),
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
