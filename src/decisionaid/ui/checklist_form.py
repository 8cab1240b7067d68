"""The checklist as a form: one row per item, answers as radio buttons or a short text field.

Layout only: it knows nothing about storage. `changed` fires on every answer; `answers()` returns the
plain dict the checklist rules and the session store use (item id -> answer value; unanswered items absent).
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (QButtonGroup, QGridLayout, QHBoxLayout, QLineEdit, QRadioButton, QVBoxLayout,
                               QWidget)

from decisionaid.ui.common import heading, label, plain_tooltip, qt_text


def answer_options(item) -> tuple[tuple[str, str], ...]:
    """(value, label) pairs for an item's radio buttons: the checklist's answers and their labels (Item.options),
    the same words the record and the handout print."""
    return tuple((o.value, o.label) for o in item.options)


JUDGEMENT = "clinical judgement (not from a published source)"
_CITATION = re.compile(r"PMID \d|DOI 10\.|NCT\d|setid|\b(19|20)\d\d\b|\.(com|org|ca)\b")


def item_tooltip(item) -> str:
    """What the clinician reads on hover: the patient's words, why it matters, and where it comes from, in a
    clinician's words ("Reported in ..."; "Clinical judgement (not from a published source)")."""
    src = item.source.rstrip(".")
    if item.sourced:
        where = f"Reported in: {src}." if _CITATION.search(src) else f"Based on: {src}."
    elif JUDGEMENT in src.lower():
        where = src[0].upper() + src[1:] + "."
    else:
        where = f"Clinical judgement (not from a published source). Related: {src}."
    return f"For the patient: {item.patient_text}\n\nWhy it matters: {item.why}\n\n{where}"


class _Answer(QWidget):
    """One item's answer: a group of radio buttons, or a line edit for text items."""

    changed = Signal()

    def __init__(self, item, parent=None):
        super().__init__(parent)
        self.item = item
        options = answer_options(item)
        wide = len(options) > 3  # many choices wrap onto a grid of two columns instead of one long row
        row = QGridLayout(self) if wide else QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.text = None
        self.group = QButtonGroup(self)
        self._stop, self._arrow = None, False
        self.buttons: dict[str, QRadioButton] = {}
        if item.answer_type == "text":
            self.text = QLineEdit()
            self.text.setObjectName(f"answer:{item.id}")
            self.text.setAccessibleName(item.question)
            self.text.textChanged.connect(self.changed)
            row.addWidget(self.text, 1)
            return
        for i, (value, text) in enumerate(options):
            button = QRadioButton(text)
            button.setObjectName(f"answer:{item.id}:{value}")
            button.setAccessibleName(f"{item.question} {text}")  # a screen reader says the question with the answer
            self.group.addButton(button)
            self.buttons[value] = button
            if wide:
                row.addWidget(button, i // 2, i % 2)
            else:
                row.addWidget(button)
        if not wide:
            row.addStretch(1)
        self.group.buttonToggled.connect(lambda _b, on: on and self.changed.emit())
        self.group.buttonToggled.connect(self._one_tab_stop)
        self._one_tab_stop()

    def _one_tab_stop(self, *_) -> None:
        """Tab reaches a question once, on its checked answer or else its first one (arrow keys move between the
        answers): the same button whatever was answered before, so Space always records what is in focus."""
        buttons = list(self.buttons.values())
        stop = next((b for b in buttons if b.isChecked()), buttons[0] if buttons else None)
        self._stop = stop
        for button in buttons:
            button.setFocusPolicy(Qt.StrongFocus if button is stop else Qt.ClickFocus)
            button.removeEventFilter(self)
            button.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        # Qt's Shift+Tab can come back to the button focused last, even one outside the tab chain: send it on to
        # the tab stop. Arrow keys (which Qt reports with the same focus reasons) still move between the answers.
        if event.type() == QEvent.KeyPress and event.key() in (Qt.Key_Left, Qt.Key_Right, Qt.Key_Up, Qt.Key_Down):
            self._arrow = True
            QTimer.singleShot(0, lambda: setattr(self, "_arrow", False))
        elif (event.type() == QEvent.FocusIn and watched is not self._stop and self._stop is not None
                and not self._arrow and event.reason() in (Qt.TabFocusReason, Qt.BacktabFocusReason)):
            self._stop.setFocus(event.reason())
        return False

    def value(self) -> str | None:
        if self.text is not None:
            from decisionaid.checklist.assessment import answered

            return answered(self.item, self.text.text())  # only spaces: unanswered
        for value, button in self.buttons.items():
            if button.isChecked():
                return value
        return None

    def set_value(self, value: str | None) -> None:
        if self.text is not None:
            self.text.setText(qt_text(value or ""))
            return
        self.group.setExclusive(False)  # an exclusive group cannot be emptied
        for v, button in self.buttons.items():
            button.setChecked(v == value)
        self.group.setExclusive(True)
        self._one_tab_stop()

    def set_read_only(self, read_only: bool) -> None:
        if self.text is not None:
            self.text.setReadOnly(read_only)
        for button in self.buttons.values():
            button.setEnabled(not read_only)


class ChecklistForm(QWidget):
    changed = Signal()

    def __init__(self, checklist, parent=None):
        super().__init__(parent)
        self.setObjectName("checklistForm")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._answers: dict[str, _Answer] = {}
        self.question_labels = {}
        for section in checklist.sections:
            outer.addWidget(heading(section.title, 2))
            if section.intro:
                outer.addWidget(label(section.intro, size=9))
            grid = QGridLayout()
            grid.setColumnStretch(0, 3)
            grid.setColumnStretch(1, 2)
            row = 0
            for item in section.items:
                q = label(item.question, tooltip=item_tooltip(item), name=f"question:{item.id}")
                self.question_labels[item.id] = q
                answer = _Answer(item)
                answer.setToolTip(plain_tooltip(item_tooltip(item)))
                answer.changed.connect(self.changed)
                self._answers[item.id] = answer
                if len(answer_options(item)) > 3 or item.answer_type == "text":
                    # many choices or free text: the answer gets its own line, so the form never needs to scroll sideways
                    grid.addWidget(q, row, 0, 1, 2)
                    answer.setContentsMargins(18, 0, 0, 4)
                    grid.addWidget(answer, row + 1, 0, 1, 2)
                    row += 2
                else:
                    grid.addWidget(q, row, 0)
                    grid.addWidget(answer, row, 1)
                    row += 1
            outer.addLayout(grid)

    def answers(self) -> dict[str, str]:
        return {item_id: v for item_id, a in self._answers.items() if (v := a.value()) is not None}

    def set_answers(self, answers: dict[str, str]) -> None:
        for item_id, a in self._answers.items():
            a.blockSignals(True)
            a.set_value(answers.get(item_id))
            a.blockSignals(False)

    def answer_widget(self, item_id: str) -> _Answer:
        return self._answers[item_id]

    def set_read_only(self, read_only: bool) -> None:
        for a in self._answers.values():
            a.set_read_only(read_only)
