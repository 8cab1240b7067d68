"""Small things a new user hit (issue 18, item 6): New session goes back to the top of the form with the cursor
in the identifier; quitting with a consultation that was autosaved but never saved asks Save / Discard / Cancel
(checked by reopening the real sessions file); every column of the sessions list has a header; a free-text answer
of only spaces counts as unanswered."""

from __future__ import annotations

import pytest
from msgspec.structs import replace
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from decisionaid import paths
from decisionaid.checklist.assessment import Status, assess
from decisionaid.checklist.items import load_checklist
from decisionaid.sessions.store import SessionStore
from decisionaid.ui import consultation_view
from decisionaid.ui.session_list_model import SessionListModel
from window import open_window

TEXT_ITEM = "values_other"


def consultation(qtbot):
    w = open_window(qtbot)
    w.show_screen("Consultation")
    return w, w.screen("Consultation")


# --- New session ---------------------------------------------------------------------------------

def test_new_session_scrolls_back_to_the_top_with_the_cursor_in_the_identifier(qtbot, data_dir):
    w, view = consultation(qtbot)
    w.resize(900, 600)
    bar = view.form_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    view.notes.setFocus()
    bar.setValue(bar.maximum())
    QTest.keyClick(w, Qt.Key_N, Qt.ControlModifier)  # File > New session
    assert bar.value() == 0
    assert QApplication.focusWidget() is view.patient


def test_a_reopened_session_is_shown_from_the_top(qtbot, data_dir):
    w, view = consultation(qtbot)
    w.resize(900, 600)
    view.patient.setText("RN-500")
    assert view.save()
    bar = view.form_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    w.open_session(view.session_id)
    qtbot.waitUntil(lambda: not view.opening(), timeout=5000)  # read on the owner thread, shown by signal
    assert bar.value() == 0


# --- Quit asks to save an autosaved consultation ----------------------------------------------------

def answer_the_question(button) -> list[str]:
    """Press `button` in the question quitting asks, once it is on screen; returns what it said."""
    said, tries = [], [0]

    def press():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.objectName() != "confirmQuit":
            tries[0] += 1
            if tries[0] < 100:
                QTimer.singleShot(20, press)
            return
        said.append(box.text())
        box.button(button).click()

    QTimer.singleShot(0, press)
    return said


@pytest.fixture
def quick_autosave(monkeypatch):
    """The autosave comes 50 ms after typing stops instead of 1.5 s, for the tests that type nothing after it."""
    monkeypatch.setattr(consultation_view, "AUTOSAVE_MS", 50)


def autosaved(qtbot, view, patient: str, note: str) -> int:
    view.patient.setText(patient)
    view.notes.setPlainText(note)
    qtbot.waitUntil(lambda: view.session_id is not None and not view.dirty, timeout=5000)
    return view.session_id


def test_quit_save_saves_the_autosaved_consultation(qtbot, data_dir, quick_autosave):
    w, view = consultation(qtbot)
    sid = autosaved(qtbot, view, "RN-501", "wants to think about it")
    said = answer_the_question(QMessageBox.Save)
    w.quit_action.trigger()
    assert said == ["This consultation was autosaved but never saved. Save it before quitting?"]
    assert not w.isVisible()
    with SessionStore.open(paths.database_path()) as store:
        got = store.get(sid)
    assert got.saved_revision_id is not None and got.draft is None  # saved, no longer a draft
    assert got.record.notes == "wants to think about it"


def test_quit_discard_quits_and_leaves_it_an_unsaved_draft(qtbot, data_dir):
    w, view = consultation(qtbot)
    sid = autosaved(qtbot, view, "RN-502", "first thoughts")
    view.notes.setPlainText("first thoughts, then more")  # typed after the autosave: discarded too
    answer_the_question(QMessageBox.Discard)
    w.quit_action.trigger()
    assert not w.isVisible()
    with SessionStore.open(paths.database_path()) as store:
        got = store.get(sid)
    assert got.saved_revision_id is None and got.draft.notes == "first thoughts"


def test_quit_cancel_keeps_the_window_and_the_text(qtbot, data_dir, quick_autosave):
    w, view = consultation(qtbot)
    sid = autosaved(qtbot, view, "RN-503", "still talking")
    answer_the_question(QMessageBox.Cancel)
    w.quit_action.trigger()
    assert w.isVisible() and view.notes.toPlainText() == "still talking"
    with SessionStore.open(paths.database_path()) as store:
        assert store.get(sid).saved_revision_id is None  # nothing was saved behind the clinician's back


def test_quitting_after_save_asks_nothing(qtbot, data_dir, quick_autosave):
    w, view = consultation(qtbot)
    autosaved(qtbot, view, "RN-504", "decided")
    assert view.save()
    said = answer_the_question(QMessageBox.Cancel)  # would keep the window open if it were asked
    w.quit_action.trigger()
    assert not w.isVisible() and said == []


# --- Sessions list headers --------------------------------------------------------------------------

def test_every_column_of_the_sessions_list_has_a_header(qtbot):
    model = SessionListModel()
    heads = [model.headerData(c, Qt.Horizontal, Qt.DisplayRole) for c in range(model.columnCount())]
    assert all(isinstance(h, str) and h.strip() for h in heads), heads
    assert len(set(heads)) == len(heads)


# --- Only spaces is unanswered ----------------------------------------------------------------------

def test_only_spaces_is_unanswered_in_the_rules():
    checklist = load_checklist()
    item = checklist.item(TEXT_ITEM)
    required = replace(item, required=True)
    sections = tuple(replace(s, items=tuple(required if i.id == item.id else i for i in s.items))
                     for s in checklist.sections)
    strict = replace(checklist, sections=sections)
    result = assess(strict, {TEXT_ITEM: "   \t "})
    assert result.status == Status.INCOMPLETE and item.question in result.missing
    assert item.question not in assess(strict, {TEXT_ITEM: " cost "}).missing


def test_only_spaces_typed_in_the_form_is_not_an_answer(qtbot, data_dir):
    w, view = consultation(qtbot)
    edit = view.form.answer_widget(TEXT_ITEM).text
    edit.setFocus()
    QTest.keyClicks(edit, "    ")
    assert TEXT_ITEM not in view.form.answers()
    assert TEXT_ITEM not in view.record().answers  # what would be saved
    QTest.keyClicks(edit, "the cost")
    assert view.form.answers()[TEXT_ITEM] == "    the cost"
