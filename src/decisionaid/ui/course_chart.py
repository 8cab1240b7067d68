"""The PHQ-9 course chart on screen: paints checklist/course_figure.CourseFigure (the same model as the record's
chart), nothing computed here. Bands are named at the right, item 9 has its own strip, Botox days are marked."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from decisionaid.checklist import course_figure as cm


class CourseChart(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("courseChart")
        self.figure: cm.CourseFigure | None = None
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setMinimumHeight(self.sizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802
        fs = self.fontMetrics().height()
        return QSize(fs * 40, int(fs * 21))

    def set_figure(self, figure: cm.CourseFigure | None) -> None:
        self.figure = figure
        self.setAccessibleName(f"Chart: {figure.title}" if figure else "Chart: no follow-up yet")
        self.setAccessibleDescription(figure.summary_text() if figure else "")
        self.setToolTip(figure.summary_text() if figure else "")
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802
        f = self.figure
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        p.fillRect(self.rect(), QColor(cm.PAPER))
        if f is None:
            return
        fm = self.fontMetrics()
        fs = fm.height()
        left = fm.horizontalAdvance("Item 9") + fs * 1.6
        right = max(fm.horizontalAdvance(b.label) for b in f.bands) + fs
        top, strip, bottom = fs * 1.6, fs * 2.0, fs * 2.6
        x0, x1 = left, self.width() - right
        y1 = top
        y0 = self.height() - bottom - strip
        ink = QColor(cm.INK)

        def x(day: float) -> float:
            return x0 + day / max(f.x_max, 1) * (x1 - x0)

        def y(v: float) -> float:
            return y0 - (v - f.y_min) / (f.y_max - f.y_min) * (y0 - y1)

        bold = QFont(self.font())
        bold.setBold(True)
        p.setPen(ink)
        p.setFont(bold)
        p.drawText(QPointF(x0, fs * 1.1), f.title)
        p.setFont(self.font())
        if f.injections:
            legend = "\u25bc Botox given (dotted line)"
            p.setPen(QColor(cm.INJECTION))
            p.drawText(QPointF(x1 - fs - fm.horizontalAdvance(legend), fs * 1.1), legend)
        for band in f.bands:
            r = QRectF(x0, y(band.high), x1 - x0, y(band.low) - y(band.high))
            p.fillRect(r, QColor(band.fill))
            p.setPen(ink)
            p.drawText(QRectF(x1 + fs * 0.4, r.top(), right, r.height()), Qt.AlignVCenter | Qt.AlignLeft, band.label)
        p.setPen(QPen(ink, 1))
        p.setBrush(Qt.NoBrush)
        p.drawRect(QRectF(x0, y1, x1 - x0, y0 - y1))
        for t in f.y_ticks:
            p.drawLine(QPointF(x0 - fs * 0.3, y(t)), QPointF(x0, y(t)))
            p.drawText(QRectF(0, y(t) - fs / 2, x0 - fs * 0.4, fs), Qt.AlignRight | Qt.AlignVCenter, str(t))
        if f.half_baseline is not None:
            hy = y(float(f.half_baseline))
            p.setPen(QPen(QColor(cm.HALF), 1.5, Qt.DashLine))
            p.drawLine(QPointF(x0, hy), QPointF(x1, hy))
            p.drawText(QPointF(x0 + fs * 0.3, hy - fs * 0.25), f.half_label)
        for day, _date in f.injections:
            px = x(day)
            p.setPen(QPen(QColor(cm.INJECTION), 1, Qt.DotLine))
            p.drawLine(QPointF(px, y1), QPointF(px, y0))
            p.setPen(Qt.NoPen)
            p.setBrush(QColor(cm.INJECTION))
            p.drawPolygon(QPolygonF([QPointF(px - fs * 0.35, y1 - fs * 0.5), QPointF(px + fs * 0.35, y1 - fs * 0.5),
                                     QPointF(px, y1)]))
        line = QColor(cm.LINE)
        pts = f.plotted
        p.setPen(QPen(line, 2))
        for a, b in zip(pts, pts[1:]):
            p.drawLine(QPointF(x(a.day), y(a.total)), QPointF(x(b.day), y(b.total)))
        for pt in pts:
            p.setPen(QPen(line, 1))
            p.setBrush(line)
            p.drawRect(QRectF(x(pt.day) - fs * 0.25, y(pt.total) - fs * 0.25, fs * 0.5, fs * 0.5))
            p.setPen(ink)
            p.setFont(bold)
            p.drawText(QRectF(x(pt.day) - fs * 2, y(pt.total) - fs * 1.35, fs * 4, fs), Qt.AlignCenter, str(pt.total))
            p.setFont(self.font())
        sy = y0 + strip / 2 + fs * 0.2
        p.setPen(QPen(QColor(cm.RULE), 1))
        p.drawLine(QPointF(x0, sy), QPointF(x1, sy))
        p.setPen(ink)
        p.setFont(bold)
        p.drawText(QRectF(0, sy - fs / 2, x0 - fs * 0.9, fs), Qt.AlignRight | Qt.AlignVCenter, "Item 9")
        p.setFont(self.font())
        for pt in f.points:
            cx = x(pt.day)
            if pt.item9 is None:
                p.setPen(ink)
                p.drawText(QRectF(cx - fs, sy - fs / 2, fs * 2, fs), Qt.AlignCenter, "\u2013")
                continue
            color = QColor(cm.ALERT) if pt.alert else ink
            p.setPen(QPen(color, 1.5))
            p.setBrush(color if pt.alert else Qt.NoBrush)
            p.drawRect(QRectF(cx - fs * 0.3, sy - fs * 0.3, fs * 0.6, fs * 0.6))
            p.setFont(bold if pt.alert else self.font())
            p.drawText(QPointF(cx + fs * 0.45, sy + fs * 0.3), str(pt.item9))
            p.setFont(self.font())
        p.setPen(QColor(cm.ALERT))
        p.drawText(QRectF(x1 + fs * 0.4, sy - fs / 2, right, fs), Qt.AlignVCenter | Qt.AlignLeft, "above 0: crisis")
        p.setPen(ink)
        base = self.height() - bottom
        p.drawLine(QPointF(x0, base), QPointF(x1, base))
        for t in f.x_ticks:
            p.drawLine(QPointF(x(t), base), QPointF(x(t), base + fs * 0.3))
            p.drawText(QRectF(x(t) - fs * 3, base + fs * 0.35, fs * 6, fs), Qt.AlignCenter, f.x_tick_label(t))
        p.drawText(QRectF(x0, base + fs * 1.35, x1 - x0, fs), Qt.AlignCenter, "time since the first consultation")
        p.end()
