"""Every focusable widget on every screen has an accessible name, and no two in a screen share one: what a screen
reader says for each stop (QAccessible, the tree AT-SPI reads). Real window, every screen built."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QWidget

from decisionaid.ui.main_window import SCREENS

from window import open_window


def focus_stops(root: QWidget) -> list[QWidget]:
    """Widgets Tab can reach, or will once enabled (a screen reader lists those too); a spin box's own line
    edit is the spin box to a screen reader."""
    return [w for w in [root] + root.findChildren(QWidget)
            if w.focusPolicy() & Qt.TabFocus and w.isVisibleTo(root.window())
            and not isinstance(w.parentWidget(), QAbstractSpinBox)]


def names(widgets) -> dict[QWidget, str]:
    out = {}
    for w in widgets:
        iface = QAccessible.queryAccessibleInterface(w)
        out[w] = (iface.text(QAccessible.Name) if iface is not None else "").strip()
    return out


def describe(w: QWidget) -> str:
    return f"{type(w).__name__}({w.objectName() or '?'})"


@pytest.mark.parametrize("screen", SCREENS)
def test_every_focusable_widget_has_a_name_of_its_own(qtbot, data_dir, screen):
    w = open_window(qtbot)
    w.show_screen(screen)
    QApplication.processEvents()
    stops = focus_stops(w.screen(screen)) + focus_stops(w.nav) * (screen == SCREENS[0])
    found = names(stops)
    unnamed = sorted(describe(x) for x, n in found.items() if not n)
    twice = {n: c for n, c in Counter(found.values()).items() if n and c > 1}
    assert not unnamed and not twice, (unnamed, twice)


def test_a_radio_button_is_named_with_its_question(qtbot, data_dir):
    w = open_window(qtbot)
    form = w.screen("Consultation").form
    item = "safety_suicidal_thoughts"
    question = form.question_labels[item].text()
    for value, button in form.answer_widget(item).buttons.items():
        name = QAccessible.queryAccessibleInterface(button).text(QAccessible.Name)
        assert name == f"{question} {button.text()}"  # was only "Yes" or "No"
