"""The focus ring, measured on rendered pixels: a widget reached with Tab looks different from the same widget
without focus by a band at least 2 px wide at its edge, in a colour of at least 3:1 against the window background,
in the light palette, a dark one, and a dark one whose highlight is too dim to be the ring."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from decisionaid.ui.focus_ring import contrast
from window import open_window

DARK = {QPalette.Window: "#202124", QPalette.WindowText: "#f1f3f4", QPalette.Base: "#2b2c2f",
        QPalette.Text: "#f1f3f4", QPalette.Button: "#3c4043", QPalette.ButtonText: "#f1f3f4",
        QPalette.Highlight: "#8ab4f8", QPalette.HighlightedText: "#202124"}
DIM_HIGHLIGHT = {**DARK, QPalette.Highlight: "#1a3a6b"}  # 1.6:1 against the window: the ring uses the text


def palette(roles: dict | None) -> QPalette:
    pal = QPalette(QApplication.style().standardPalette())
    for role, colour in (roles or {}).items():
        for group in (QPalette.Active, QPalette.Inactive):
            pal.setColor(group, role, QColor(colour))
    return pal


def ring_width(before, after, window: QColor, y: int) -> int:
    """The widest run, from the left edge inwards (first 8 px) along row `y`, of pixels that focus changed to a
    colour of 3:1 or more against the window."""
    best = run = 0
    for x in range(min(8, after.width())):
        changed = after.pixelColor(x, y) != before.pixelColor(x, y)
        if changed and contrast(after.pixelColor(x, y), window) >= 3.0:
            run += 1
            best = max(best, run)
        else:
            run = 0
    return best


def targets(w):
    c = w.screen("Consultation")
    question = next(iter(c.form.answer_widget("safety_suicidal_thoughts").buttons.values()))
    return {"Save button": c.save_button, "patient identifier": c.patient, "decision": c.decision,
            "notes": c.notes, "first answer of a question": question, "Follow-up on": c.has_follow_up}


@pytest.mark.parametrize("roles", [None, DARK, DIM_HIGHLIGHT], ids=["light", "dark", "dark, dim highlight"])
def test_focus_ring_is_2px_and_3_to_1_on_every_kind_of_field(qtbot, data_dir, roles):
    app = QApplication.instance()
    old = app.palette()
    app.setPalette(palette(roles))
    try:
        w = open_window(qtbot)
        w.show_screen("Consultation")
        window = app.palette().color(QPalette.Window)
        widths = {}
        for name, widget in targets(w).items():
            w.nav.setFocus(Qt.OtherFocusReason)
            QApplication.processEvents()
            before = widget.grab().toImage()
            widget.setFocus(Qt.TabFocusReason)
            QApplication.processEvents()
            assert widget.hasFocus(), name
            after = widget.grab().toImage()
            widths[name] = ring_width(before, after, window, after.height() // 2)
        assert all(width >= 2 for width in widths.values()), widths
    finally:
        app.setPalette(old)


def test_patient_view_buttons_show_the_focus(qtbot, data_dir):
    from decisionaid.ui.patient_view import PAPER

    w = open_window(qtbot)
    view = w.show_patient_view("team")
    qtbot.waitExposed(view)
    view.activateWindow()
    QApplication.processEvents()
    view.back_button.setFocus(Qt.TabFocusReason)
    QApplication.processEvents()
    before = view.next_button.grab().toImage()
    view.next_button.setFocus(Qt.TabFocusReason)
    QApplication.processEvents()
    assert view.next_button.hasFocus()
    after = view.next_button.grab().toImage()
    assert ring_width(before, after, QColor(PAPER), after.height() // 2) >= 2
