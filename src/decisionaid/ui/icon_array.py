"""A 10 x 10 icon array ("47 out of 100 people") painted with QPainter from the domain's IconArrayFigure.

Grid, fill order (row by row from the top left), colours and the person's shape come from evidence/figures.py,
which the PDF's icon arrays use too. Filled icons are solid, the rest are outlines, so the split reads in
grayscale. The caption is painted as plain text: "<" and "&" in it show literally.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from decisionaid.evidence import figures as model
from decisionaid.evidence.figures import GRID, TOTAL, IconArrayFigure

_MARGIN = 8


class IconArray(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._count, self._caption = 0, ""
        self._filled, self._empty = QColor(model.BENEFIT), QColor(model.EMPTY)
        self._from_bottom = False
        sp = QSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)
        sp.setHeightForWidth(True)
        self.setSizePolicy(sp)
        self.set_count(0)

    def set_count(self, count: int, total: int = TOTAL, caption: str = "") -> None:
        """Fill the first `count` icons (clamped to 0..100). Only total=100 is supported."""
        if total != TOTAL:
            raise ValueError(f"IconArray shows exactly {TOTAL} people; got total={total}. "
                             f"Convert to a natural frequency out of {TOTAL} first.")
        self._count = max(0, min(int(count), TOTAL))
        self._caption = caption
        desc = f"{self._count} out of {TOTAL} people"
        self.setAccessibleName(caption or desc)
        self.setAccessibleDescription(desc)
        self.updateGeometry()
        self.update()

    def set_figure(self, figure: IconArrayFigure) -> None:
        """Show the domain's figure: its count, caption and colours."""
        self._filled, self._empty = QColor(figure.filled), QColor(figure.empty)
        self._from_bottom = figure.from_bottom
        self.set_count(figure.count, caption=figure.caption)
        self.setAccessibleName(f"Picture of {TOTAL} people: {figure.caption}" if figure.caption else
                               f"Picture of {TOTAL} people")
        self.setAccessibleDescription(figure.text_alternative)  # the numbers in words, from the same figure

    def set_colors(self, filled: QColor, empty: QColor) -> None:
        self._filled, self._empty = QColor(filled), QColor(empty)
        self.update()

    def count(self) -> int:
        return self._count

    def caption(self) -> str:
        return self._caption

    def icon_rect(self, i: int) -> QRect:
        """Cell of icon i (0..99), in the figure's fill order (row by row from the top left, or from the bottom)."""
        if not 0 <= i < TOTAL:
            raise IndexError(f"icon index {i} outside 0..{TOTAL - 1}")
        cell, left, top = self._grid(self.width(), self.height())
        row, col = model.cell_of(i, self._from_bottom)
        return QRect(round(left + col * cell), round(top + row * cell), round(cell), round(cell))

    # ---- geometry
    def _caption_height(self, width: float) -> float:
        if not self._caption:
            return 0.0
        fm = QFontMetricsF(self.font())
        r = fm.boundingRect(QRectF(0, 0, max(width - 2 * _MARGIN, 20), 1e6), Qt.TextWordWrap, self._caption)
        # At least two lines, so arrays side by side keep their grids level when one caption wraps.
        return max(r.height(), 2 * fm.lineSpacing()) + 6

    def _grid(self, width: float, height: float) -> tuple[float, float, float]:
        top = _MARGIN + self._caption_height(width)
        cell = max(min((width - 2 * _MARGIN) / GRID, (height - top - _MARGIN) / GRID), 4.0)
        left = (width - cell * GRID) / 2
        return cell, left, top

    def sizeHint(self) -> QSize:
        return QSize(320, self.heightForWidth(320))

    def minimumSizeHint(self) -> QSize:
        return QSize(160, self.heightForWidth(160))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return round(_MARGIN + self._caption_height(width) + (width - 2 * _MARGIN) + _MARGIN)

    # ---- painting
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        p.fillRect(self.rect(), QColor(model.PAPER))
        if self._caption:
            p.setPen(QColor(model.INK))
            p.setFont(self.font())
            # QPainter.drawText never interprets markup, unlike QLabel's AutoText.
            p.drawText(QRectF(_MARGIN, _MARGIN, self.width() - 2 * _MARGIN, self._caption_height(self.width())),
                       Qt.AlignHCenter | Qt.AlignTop | Qt.TextWordWrap, self._caption)
        cell, left, top = self._grid(self.width(), self.height())
        person = _person_path(cell)
        for i in range(TOTAL):
            row, col = model.cell_of(i, self._from_bottom)
            p.save()
            p.translate(left + col * cell, top + row * cell)
            if i < self._count:
                p.setPen(QPen(self._filled, 1))
                p.setBrush(self._filled)
            else:
                p.setPen(QPen(self._empty, max(cell * model.OUTLINE, 1.2)))
                p.setBrush(Qt.NoBrush)
            p.drawPath(person)
            p.restore()


def _person_path(cell: float) -> QPainterPath:
    """Head circle over a rounded body, inside a cell-sized square at the origin.

    The body covers the cell centre, so the centre pixel tells filled from outlined.
    """
    path = QPainterPath()
    hx, hy, hr = model.HEAD
    path.addEllipse(QPointF(cell * hx, cell * hy), cell * hr, cell * hr)
    bx, by, bw, bh, br = model.BODY
    path.addRoundedRect(QRectF(cell * bx, cell * by, cell * bw, cell * bh), cell * br, cell * br)
    return path
