"""A whole consultation and its review with the keyboard only: every event is a key press sent to the widget
that has the focus (never setChecked, click or setText). Ctrl+N, the identifier, Tab through the PHQ-9 boxes and
every checklist question (arrow keys and Space choose an answer), the note (Tab leaves it), the decision, the
follow-up typed as a date, Ctrl+S; then Ctrl+F, the search, Tab to the list, Enter opens the session, and the
review shows what was entered. Real window, real SQLite file."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QCheckBox, QLineEdit, QPlainTextEdit,
                               QRadioButton, QSpinBox, QTableView)

from decisionaid import paths
from decisionaid.sessions.store import SessionStore
from decisionaid.ui.checklist_form import answer_options
from decisionaid.ui.main_window import SCREENS
from window import open_window

PHQ9 = (1, 2, 1, 1, 0, 1, 2, 1, 0)
FOLLOW_UP = QDate.currentDate().addDays(40)


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.NoModifier):
    target = focused()
    assert target is not None
    qtbot.keyClick(target, key, modifier)


def type_text(qtbot, text: str):
    qtbot.keyClicks(focused(), text)


def wanted_answers(checklist) -> dict[str, str]:
    """An answer for every question that raises no flag: the first such choice."""
    out = {}
    for item in checklist.items:
        if item.answer_type == "text":
            out[item.id] = "nothing else"
        else:
            out[item.id] = next(v for v, _ in answer_options(item) if v not in item.flag_when and v != "unsure")
    return out


def choose_with_arrows(qtbot, value: str) -> None:
    """Move along a question's answers with the arrow keys to `value`, then Space records it."""
    for keys in ((Qt.Key_Right, Qt.Key_Down), (Qt.Key_Left, Qt.Key_Up)):
        for _ in range(8):
            if focused().objectName().endswith(f":{value}"):
                press(qtbot, Qt.Key_Space)
                return
            before = focused()
            press(qtbot, keys[0])
            if focused() is before:
                press(qtbot, keys[1])
    raise AssertionError(f"answer {value} not reached with the arrow keys from {focused().objectName()}")


def fill_the_form_by_keys(qtbot, view, answers: dict[str, str]) -> list[str]:
    """Tab from the identifier to the follow-up date, answering each stop as a clinician would."""
    seen, phq9 = [], list(PHQ9)
    for _ in range(200):
        press(qtbot, Qt.Key_Tab)
        w = focused()
        name = w.objectName()
        seen.append(name)
        if isinstance(w, QSpinBox) and name.startswith("phq9:item"):
            type_text(qtbot, str(phq9.pop(0)))  # Tab selects the box's text: the digit replaces the dash
        elif isinstance(w, QRadioButton) and name.startswith("answer:"):
            choose_with_arrows(qtbot, answers[name.split(":")[1]])
        elif isinstance(w, QLineEdit) and name.startswith("answer:"):
            type_text(qtbot, answers[name.split(":")[1]])
        elif w is view.clinician and not w.text():
            type_text(qtbot, "Dr Keys")
        elif isinstance(w, QPlainTextEdit) and w is view.notes:
            type_text(qtbot, "Talked it through. She will think it over.")
        elif w is view.decision:
            press(qtbot, Qt.Key_Down)  # Not decided yet -> Proceed
        elif isinstance(w, QCheckBox) and w is view.has_follow_up:
            press(qtbot, Qt.Key_Space)
        elif isinstance(w, QAbstractSpinBox) and w is view.follow_up:
            type_text(qtbot, FOLLOW_UP.toString("yyyy-MM-dd"))
            press(qtbot, Qt.Key_Tab)  # leaving the field takes the date
            return seen
    raise AssertionError(f"Tab never reached the follow-up date: {seen}")


def test_a_whole_consultation_and_its_review_by_keyboard_only(qtbot, data_dir):
    w = open_window(qtbot)
    w.activateWindow()
    qtbot.waitUntil(lambda: focused() is not None, timeout=3000)
    view = w.screen("Consultation")
    answers = wanted_answers(view.checklist)

    press(qtbot, Qt.Key_N, Qt.ControlModifier)
    assert focused() is view.patient
    type_text(qtbot, "KB-2026")
    seen = fill_the_form_by_keys(qtbot, view, answers)
    assert seen[:2] == ["heldAt", "clinician"]  # one Tab passes the date and time (not one per part of it)
    assert "notes" in seen and seen.count("notes") == 1  # Tab left the note at once
    assert view.notes.toPlainText() == "Talked it through. She will think it over."  # no tab character in it
    assert view.follow_up.date() == FOLLOW_UP
    press(qtbot, Qt.Key_S, Qt.ControlModifier)
    qtbot.waitUntil(lambda: view.save_state.text().startswith("Saved at"), timeout=5000)  # it comes by signal
    assert view.mode == "new" and not view.has_unsaved_autosave()

    with SessionStore.open(paths.database_path()) as store:
        (summary,) = store.list_page()
        saved = store.get(summary.session_id)
    assert saved.saved_revision_id is not None and saved.draft is None
    record = saved.record
    assert (record.patient_ref, record.decision, record.follow_up) == ("KB-2026", "proceed",
                                                                       FOLLOW_UP.toString("yyyy-MM-dd"))
    assert record.phq9_items == PHQ9
    assert dict(record.answers) == answers

    # the review: find it, open it with Enter, read it back
    press(qtbot, Qt.Key_F, Qt.ControlModifier)
    sessions = w.screen("Sessions")
    qtbot.waitUntil(lambda: focused() is sessions.search, timeout=3000)
    type_text(qtbot, "KB-2026")
    qtbot.waitUntil(lambda: sessions.model.rowCount() == 1 and not sessions.model.is_loading(), timeout=5000)
    for _ in range(30):
        if isinstance(focused(), QTableView):
            break
        press(qtbot, Qt.Key_Tab)
    assert focused() is sessions.table
    shown = [sessions.model.index(0, c).data() for c in range(sessions.model.columnCount())]
    assert "KB-2026" in shown and "Proceed" in shown and FOLLOW_UP.toString("yyyy-MM-dd") in shown
    press(qtbot, Qt.Key_Return)
    assert w.stack.currentIndex() == SCREENS.index("Consultation")
    qtbot.waitUntil(lambda: not view.opening(), timeout=5000)  # read on the owner thread, shown by signal
    assert view.session_id == summary.session_id and view.mode == "readonly"
    assert view.patient.text() == "KB-2026" and view.form.answers() == answers
    assert view.phq9.item_scores() == PHQ9 and view.decision.currentData() == "proceed"
