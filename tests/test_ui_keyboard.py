"""The main window by keyboard only: shortcuts for the screens, New, Save, Find, Print, Quit; Tab leaves the note;
Enter opens the selected session; Help > Keyboard shortcuts lists every key, taken from the actions. Real window,
real SQLite file, key events only (pytest-qt)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

from decisionaid import paths
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore
from decisionaid.ui.main_window import SCREENS

from window import open_window


def press(qtbot, key, modifier=Qt.NoModifier):
    """A key press where the keyboard focus is, as a user's key would arrive."""
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, modifier)


@pytest.fixture
def window(qtbot, data_dir):
    w = open_window(qtbot)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=3000)
    return w


def test_ctrl_number_shows_each_screen(qtbot, window):
    for n, name in reversed(list(enumerate(SCREENS, start=1))):
        press(qtbot, getattr(Qt, f"Key_{n}"), Qt.ControlModifier)
        assert window.stack.currentIndex() == n - 1, name
        assert window.nav.currentItem().text() == name


def test_find_jumps_to_the_sessions_search(qtbot, window):
    press(qtbot, Qt.Key_F, Qt.ControlModifier)
    view = window.screen("Sessions")
    assert window.stack.currentIndex() == SCREENS.index("Sessions")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.search, timeout=3000)
    qtbot.keyClicks(view.search, "ptosis")
    assert view.search.text() == "ptosis"


def test_new_type_tab_out_of_the_note_and_save_with_keys(qtbot, window):
    press(qtbot, Qt.Key_N, Qt.ControlModifier)
    view = window.screen("Consultation")
    assert window.stack.currentIndex() == SCREENS.index("Consultation")
    view.patient.setFocus()
    qtbot.keyClicks(view.patient, "K-101")
    view.notes.setFocus()
    qtbot.keyClicks(view.notes, "Talked it through")
    press(qtbot, Qt.Key_Tab)
    assert view.notes.toPlainText() == "Talked it through"  # no tab character in the clinical note
    assert QApplication.focusWidget() is not view.notes
    press(qtbot, Qt.Key_S, Qt.ControlModifier)
    qtbot.waitUntil(lambda: view.save_state.text().startswith("Saved at"), timeout=5000)  # it comes by signal
    with SessionStore.open(paths.database_path()) as store:
        views = [store.get(s.session_id) for s in store.list_page()]
    assert [(v.record.patient_ref, v.record.notes) for v in views] == [("K-101", "Talked it through")]
    assert views[0].saved_revision_id is not None  # saved, not only autosaved


def test_enter_opens_the_selected_session(qtbot, data_dir):
    with SessionStore.open(paths.database_path()) as store:
        sid = store.create(SessionRecord(patient_ref="K-7", clinician="Dr Test", held_at="2026-11-20T10:30",
                                         phq9_items=None, phq9_total=11, answers={}, notes="Seen.",
                                         decision="decline", follow_up=None, status="Incomplete"), "Dr Test")
    w = open_window(qtbot)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=3000)
    press(qtbot, Qt.Key_5, Qt.ControlModifier)
    view = w.screen("Sessions")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    view.table.setFocus()
    assert QApplication.focusWidget() is view.table and not view.table.selectionModel().selectedRows()
    press(qtbot, Qt.Key_Return)  # the row the keyboard is on, though nothing is selected yet
    consultation = w.screen("Consultation")
    qtbot.waitUntil(lambda: not consultation.opening(), timeout=5000)  # read on the owner thread, shown by signal
    assert w.stack.currentIndex() == SCREENS.index("Consultation")
    assert consultation.session_id == sid and consultation.patient.text() == "K-7"


def test_standard_keys_are_on_the_actions(window):
    assert window.new_action.shortcut() == QKeySequence(QKeySequence.New)
    assert window.save_action.shortcut() == QKeySequence(QKeySequence.Save)
    assert window.find_action.shortcut() == QKeySequence(QKeySequence.Find)
    assert window.print_current.print_handout.shortcut() == QKeySequence(QKeySequence.Print)
    assert window.print_current.print_record.shortcut() == QKeySequence("Ctrl+Alt+P")
    assert not window.quit_action.shortcut().isEmpty()
    keys = [k.toString() for a in window.findChildren(QAction) for k in a.shortcuts()]
    assert len(keys) == len(set(keys)), keys  # no key does two things (Qt would then do neither)


def test_help_lists_every_shortcut_from_the_actions(qtbot, window):
    extra = QAction("Something new", window)
    extra.setShortcut(QKeySequence("Ctrl+Alt+Shift+J"))
    window.addAction(extra)
    press(qtbot, Qt.Key_F1)
    qtbot.waitUntil(lambda: getattr(window, "shortcuts_dialog", None) is not None
                    and window.shortcuts_dialog.isVisible(), timeout=3000)
    table = window.shortcuts_dialog.findChild(type(window.shortcuts_dialog.children()[1]), "shortcutsTable")
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    for action in window.findChildren(QAction):
        if not action.shortcut().isEmpty():
            text = action.property("listText") or action.text().replace("&", "").rstrip("\u2026")
            assert rows.get(text) == ", ".join(k.toString(QKeySequence.NativeText) for k in action.shortcuts())
    assert rows["Show the patient view"] == QKeySequence("Ctrl+Shift+P").toString(QKeySequence.NativeText)
    assert rows["Something new"] and rows["Go to the Sessions screen"] == "Ctrl+5"
    qtbot.keyClick(table, Qt.Key_Escape)  # the dialog has the focus
    assert not window.shortcuts_dialog.isVisible()


def test_quit_key_closes_the_window(qtbot, window):
    press(qtbot, Qt.Key_Q, Qt.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)


def test_each_question_is_one_tab_stop_on_its_answer_or_its_first_button(qtbot, window):
    """Tab and Shift+Tab reach a question once, on the checked answer, else on the first: Space then records the
    same answer in every session, not whichever button the keyboard happened to land on."""
    press(qtbot, Qt.Key_4, Qt.ControlModifier)
    view = window.screen("Consultation")
    form = view.form
    psychotic = form.answer_widget("safety_psychotic_features").buttons
    bipolar = form.answer_widget("safety_bipolar").buttons
    psychotic["unsure"].setFocus()
    press(qtbot, Qt.Key_Tab)  # out of an unanswered question in one key
    assert QApplication.focusWidget() is bipolar["yes"]
    press(qtbot, Qt.Key_Backtab)  # back into it: its first answer, not its last
    assert QApplication.focusWidget() is psychotic["yes"]
    press(qtbot, Qt.Key_Right)  # arrows move between the answers, Space chooses
    assert QApplication.focusWidget() is psychotic["no"]
    press(qtbot, Qt.Key_Space)
    assert psychotic["no"].isChecked()
    press(qtbot, Qt.Key_Tab)
    press(qtbot, Qt.Key_Backtab)
    assert QApplication.focusWidget() is psychotic["no"]  # the checked answer

    form.set_answers({})  # another consultation: nothing answered
    bipolar["yes"].setFocus()
    press(qtbot, Qt.Key_Backtab)
    assert QApplication.focusWidget() is psychotic["yes"]
    press(qtbot, Qt.Key_Space)
    assert form.answers().get("safety_psychotic_features") == "yes"
