"""Baseline PHQ-9: the item scores of the checklist's scale (each with the questionnaire's own wording) or a total; the severity band is
computed, never typed. The questionnaire's copyright and permission statement is shown with the items.

Blank is a real answer ("not asked"), shown as a dash, so a spin box never invents a zero.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QSpinBox, QVBoxLayout, QWidget

from decisionaid.ui.common import label

BLANK = -1


def _spin(maximum: int, name: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(BLANK, maximum)
    box.setSpecialValueText("\u2013")  # shown for BLANK
    box.setValue(BLANK)
    box.setObjectName(name)
    box.setAccelerated(False)
    box.setMaximumWidth(64)
    return box


class Phq9Input(QWidget):
    changed = Signal()

    def __init__(self, scale, parent=None):
        super().__init__(parent)
        self.scale = scale
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        if scale.stem:
            outer.addWidget(label(scale.stem, size=9, italic=True, name="phq9Stem"))
        scores = ", ".join(f"{n} {text}" for n, text in zip(range(scale.item_min, scale.item_max + 1),
                                                            scale.response_labels))
        grid = QGridLayout()
        self.items: list[QSpinBox] = []
        self.item_texts = []
        for i, name in enumerate(scale.item_labels):
            box = _spin(scale.item_max, f"phq9:item{i + 1}")
            box.valueChanged.connect(self._changed)
            box.setToolTip(f"{i + 1}. {name}\nScore: {scores}")
            box.setAccessibleName(f"PHQ-9 item {i + 1}: {name}")
            self.items.append(box)
            text = label(f"{i + 1}. {name}", size=9, name=f"phq9:text{i + 1}")
            self.item_texts.append(text)
            grid.addWidget(text, i // 2, 2 * (i % 2))
            grid.addWidget(box, i // 2, 2 * (i % 2) + 1)
        for col in (0, 2):
            grid.setColumnStretch(col, 1)
        outer.addLayout(grid)
        outer.addWidget(label(f"Scores: {scores}.", size=8, name="phq9Scores"))
        outer.addWidget(label(scale.item_wording_note, size=8, name="phq9Permission"))
        row = QHBoxLayout()
        row.addWidget(label("Or total only:", size=9, wrap=False))
        self.total = _spin(scale.total_max, "phq9:total")
        self.total.setAccessibleName("PHQ-9 total only")
        self.total.valueChanged.connect(self._changed)
        row.addWidget(self.total)
        self.band = label("", bold=True, name="phq9Band")
        row.addWidget(self.band, 1)
        outer.addLayout(row)
        self._changed()

    def _changed(self) -> None:
        from decisionaid.checklist.phq9 import phq9_band, phq9_total

        items = self.item_scores()
        total = phq9_total(self.phq9()) if items is not None or self.total_score() is not None else None
        scored = sum(v is not None for v in items or ())
        if total is not None:
            self.band.setText(f"PHQ-9 total {total}: {phq9_band(self.scale, total)}")
        elif scored:
            self.band.setText(f"PHQ-9 total: {scored} of {self.scale.n_items} items scored so far")
        else:
            self.band.setText("PHQ-9 not recorded")
        self.changed.emit()

    def item_scores(self) -> tuple[int | None, ...] | None:
        scores = tuple(None if b.value() == BLANK else b.value() for b in self.items)
        return None if all(s is None for s in scores) else scores

    def total_score(self) -> int | None:
        return None if self.total.value() == BLANK else self.total.value()

    def phq9(self):
        from decisionaid.checklist.phq9 import Phq9

        return Phq9(items=self.item_scores(), total=self.total_score())

    def set_scores(self, items, total) -> None:
        for box, value in zip(self.items, items or (None,) * len(self.items)):
            box.blockSignals(True)
            box.setValue(BLANK if value is None else value)
            box.blockSignals(False)
        self.total.blockSignals(True)
        self.total.setValue(BLANK if total is None else total)
        self.total.blockSignals(False)
        self._changed()

    def set_read_only(self, read_only: bool) -> None:
        for box in (*self.items, self.total):
            box.setReadOnly(read_only)
            box.setButtonSymbols(QSpinBox.NoButtons if read_only else QSpinBox.UpDownArrows)
