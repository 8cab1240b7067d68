"""A focus ring a keyboard user can see: 2 px (3 px for buttons) around the widget that has the focus, in the
palette's highlight colour, or its text colour where the highlight would be too faint against the window (below
3:1, e.g. a pale highlight in a dark palette). Qt widgets ignore a stylesheet `outline`, and a stylesheet border
on QPushButton drops the native look, so the ring is drawn by a proxy over the current style (Fusion or another),
after the style has drawn the widget; it follows any palette (light, dark, high contrast) by its roles."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QFrame, QProxyStyle, QStyle

MIN_CONTRAST = 3.0  # WCAG 2.2 non-text contrast (1.4.11) and focus appearance (2.4.13)


def _luminance(c: QColor) -> float:
    def lin(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF())


def contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def ring_colour(palette: QPalette) -> QColor:
    """The highlight, if it stands out from the window by 3:1; else the window's text colour (which does)."""
    highlight, window = palette.color(QPalette.Highlight), palette.color(QPalette.Window)
    return highlight if contrast(highlight, window) >= MIN_CONTRAST else palette.color(QPalette.WindowText)


class FocusRingStyle(QProxyStyle):
    BUTTON_WIDTH, FIELD_WIDTH = 3, 2

    def _ring(self, option, painter: QPainter, widget, width: int) -> None:
        if widget is None or not widget.hasFocus() or not option.state & QStyle.State_HasFocus:
            return
        painter.save()
        painter.setRenderHint(QPainter.Antialiasing, False)
        pen = QPen(ring_colour(widget.palette()), width)
        pen.setJoinStyle(Qt.MiterJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.NoBrush)
        half = width / 2
        painter.drawRect(QRectF(option.rect).adjusted(half, half, -half, -half))
        painter.restore()

    def pixelMetric(self, metric, option=None, widget=None):  # noqa: N802 (Qt's name)
        value = super().pixelMetric(metric, option, widget)
        if metric == QStyle.PM_DefaultFrameWidth and isinstance(widget, QAbstractScrollArea) \
                and widget.frameShape() != QFrame.NoFrame:
            return max(value, self.FIELD_WIDTH)  # room for the ring: the viewport would paint over it
        return value

    def drawControl(self, element, option, painter, widget=None):  # noqa: N802 (Qt's name)
        super().drawControl(element, option, painter, widget)
        if element == QStyle.CE_PushButton:
            self._ring(option, painter, widget, self.BUTTON_WIDTH)
        elif element in (QStyle.CE_CheckBox, QStyle.CE_RadioButton):
            self._ring(option, painter, widget, self.FIELD_WIDTH)
        elif element == QStyle.CE_ShapedFrame and isinstance(widget, QAbstractScrollArea):
            self._ring(option, painter, widget, self.FIELD_WIDTH)  # notes, tables, lists

    def drawComplexControl(self, control, option, painter, widget=None):  # noqa: N802
        super().drawComplexControl(control, option, painter, widget)
        if control in (QStyle.CC_ComboBox, QStyle.CC_SpinBox):
            self._ring(option, painter, widget, self.FIELD_WIDTH)

    def drawPrimitive(self, element, option, painter, widget=None):  # noqa: N802
        super().drawPrimitive(element, option, painter, widget)
        if element == QStyle.PE_PanelLineEdit and widget is not None \
                and not isinstance(widget.parentWidget(), (QAbstractSpinBox, QComboBox)):
            self._ring(option, painter, widget, self.FIELD_WIDTH)


def install(app: QApplication | None = None) -> None:
    """Put the ring over the application's style (once)."""
    app = app or QApplication.instance()
    if app is None or isinstance(app.style(), FocusRingStyle):
        return
    from PySide6.QtWidgets import QStyleFactory

    name = app.style().name()
    app.setStyle(FocusRingStyle(QStyleFactory.create(name) if name else None))
