"""Save never freezes the window: while the sessions file's owner thread is busy (Back up now on a big file, a
restore), the Consultation screen's Save (a new session, an amendment) and a follow-up visit's Save return at once,
the screen says "Saving…", the event loop keeps running, and the outcome arrives by signal once the owner is free:
saved (read back from the file itself), or the same one line as before with nothing typed lost. Closing the window
waits for a Save on its way."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QInputDialog, QMessageBox

from decisionaid import paths
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore
from decisionaid.ui import consultation_view
from test_ui_reads import RETURN_MS, STALL_MS, Ticks, hold_owner, returns_at_once  # noqa: E402  tests/
from window import open_window  # noqa: E402  tests/window.py

SAVED = "Saved at"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path / "data"))
    paths.set_data_dir(None)
    monkeypatch.setattr(consultation_view, "RETRY_MS", 200)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: QMessageBox.Yes)  # a failed test never hangs on a box
    return tmp_path / "data"


def consultation(qtbot):
    w = open_window(qtbot)
    with qtbot.waitSignal(w.store_checked, timeout=10000):
        assert w.store() is not None  # opened before the tests keep the owner thread busy
    w.show_screen("Consultation")
    return w, w.screen("Consultation")


def read_back(session_id: int):
    """The session as the file holds it, read with a connection of its own."""
    with SessionStore.open(paths.database_path()) as store:
        return store.get(session_id), store.history(session_id)


def test_save_while_the_file_is_busy_returns_at_once_and_lands_later(qtbot, data_dir):
    w, view = consultation(qtbot)
    view.patient.setText("SV-1")
    view.notes.setPlainText("the notes at Save")
    saved = []
    view.saved.connect(saved.append)
    release = hold_owner(w)
    ticks = Ticks()
    took = returns_at_once(lambda: qtbot.mouseClick(view.save_button, Qt.LeftButton))
    assert took < RETURN_MS, f"Save kept the UI thread {took:.0f} ms"
    assert view.save_state.text() == "Saving\u2026"
    assert not view.save_button.isEnabled()  # a second press is not taken until this one lands
    assert view.form_scroll.isEnabled() and not view.notes.isReadOnly()  # the form stays readable and editable
    qtbot.wait(700)
    assert len(ticks.times) >= 3 and ticks.longest_gap_ms() < STALL_MS  # the event loop kept running
    assert view.save_state.text().startswith("Saving\u2026 The sessions file is busy with another task")
    view.notes.moveCursor(QTextCursor.End)
    qtbot.keyClicks(view.notes, " and more")  # typing goes on while it saves
    assert view.save_soon() is None  # Ctrl+S meanwhile: not taken twice
    release.set()
    qtbot.waitUntil(lambda: view.save_state.text().startswith(SAVED), timeout=5000)
    sid = view.session_id
    assert sid is not None and saved and saved[0] == sid
    assert view.save_button.isEnabled()
    stored, history = read_back(sid)
    assert stored.record.notes == "the notes at Save" and stored.saved_revision_id is not None
    assert [r.kind for r in history] == ["save"]  # one Save, one revision
    assert view.notes.toPlainText() == "the notes at Save and more" and view.dirty  # kept: the next autosave's
    view.autosave()
    stored, _history = read_back(sid)
    assert stored.draft is not None and stored.draft.notes == "the notes at Save and more"


def test_an_amendment_saved_while_the_file_is_busy(qtbot, data_dir, monkeypatch):
    w, view = consultation(qtbot)
    view.patient.setText("SV-2")
    view.notes.setPlainText("first version")
    assert view.save()
    sid = view.session_id
    w.open_session(sid, amend=True)
    qtbot.waitUntil(lambda: not view.opening(), timeout=5000)
    assert view.mode == "amend"
    view.notes.setPlainText("second version")
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("PHQ-9 corrected", True)))
    release = hold_owner(w)
    ticks = Ticks()
    took = returns_at_once(view.save_button.click)
    assert took < RETURN_MS, f"Save amendment kept the UI thread {took:.0f} ms"
    qtbot.wait(200)
    assert len(ticks.times) >= 3 and ticks.longest_gap_ms() < STALL_MS
    assert view.save_state.text() == "Saving\u2026" and view.mode == "amend"
    release.set()
    qtbot.waitUntil(lambda: view.save_state.text().startswith(SAVED), timeout=5000)
    assert view.mode == "readonly" and view.notes.isReadOnly()
    stored, history = read_back(sid)
    assert stored.record.notes == "second version" and stored.draft is None
    assert [r.kind for r in history][:2] == ["amend", "save"] and history[0].reason == "PHQ-9 corrected"


def test_a_full_disk_while_saving_shows_its_line_and_keeps_the_text(qtbot, data_dir):
    w, view = consultation(qtbot)
    view.patient.setText("SV-3")
    view.notes.setPlainText("saved before the disk filled")
    assert view.save()
    store = w.store()
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + 1}")  # SQLite reports SQLITE_FULL, as on a full disk
    big = "A long note typed while the disk was full. " * 4000
    view.notes.setPlainText(big)
    release = hold_owner(w)
    took = returns_at_once(view.save_button.click)
    assert took < RETURN_MS, f"Save kept the UI thread {took:.0f} ms"
    release.set()
    qtbot.waitUntil(lambda: view.error_banner.isVisible(), timeout=5000)
    shown = view.error_banner.text()
    assert "The disk is full" in shown and "Your text is still here" in shown
    assert view.notes.toPlainText() == big and view.dirty and view.save_button.isEnabled()
    assert not view.save_state.text().startswith("Saving")  # back to what it said before Save, as before
    store.db.execute("PRAGMA max_page_count = 1073741823")  # space comes back
    qtbot.waitUntil(lambda: not view.dirty, timeout=15000)  # the retry autosaves it
    stored, _history = read_back(view.session_id)
    assert stored.draft is not None and stored.draft.notes == big


def test_closing_the_window_waits_for_a_save_on_its_way(qtbot, data_dir):
    w, view = consultation(qtbot)
    view.patient.setText("SV-4")
    view.notes.setPlainText("saved as the window closed")
    release = hold_owner(w)
    took = returns_at_once(view.save_button.click)
    assert took < RETURN_MS, f"Save kept the UI thread {took:.0f} ms"
    threading.Timer(0.3, release.set).start()
    w.close()  # not a spontaneous close: no question asked; it waits for the write, then backs up and closes
    assert not w.isVisible()
    with SessionStore.open(paths.database_path()) as store:
        listed = store.list_page()
        assert len(listed) == 1
        stored = store.get(listed[0].session_id)
    assert stored.record.notes == "saved as the window closed" and stored.saved_revision_id is not None
    assert stored.draft is None  # the Save landed; no autosave of the same text was written after it


def follow_up(qtbot, w, sid):
    from decisionaid.checklist.items import load_checklist
    from decisionaid.evidence.pack import load_pack
    from decisionaid.ui.followup_view import FollowUpDialog

    dialog = FollowUpDialog(w.store(), sid, load_checklist(), load_pack(), None, w)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.reading() and dialog.save_button.isEnabled(), timeout=5000)
    return dialog


def saved_session(w) -> int:
    return w.store().create(SessionRecord("SV-F", "Dr A", "2026-10-05T09:30", phq9_total=16), "Dr A")


def test_a_follow_up_visit_saved_while_the_file_is_busy(qtbot, data_dir):
    w, _view = consultation(qtbot)
    sid = saved_session(w)
    dialog = follow_up(qtbot, w, sid)
    dialog.phq9.set_scores((1, 1, 1, 1, 1, 1, 1, 1, 0), None)
    dialog.impression.setText("a little better")
    release = hold_owner(w)
    ticks = Ticks()
    took = returns_at_once(lambda: qtbot.mouseClick(dialog.save_button, Qt.LeftButton))
    assert took < RETURN_MS, f"Save visit kept the UI thread {took:.0f} ms"
    qtbot.wait(200)
    assert len(ticks.times) >= 3 and ticks.longest_gap_ms() < STALL_MS
    assert dialog.saving() and dialog.save_button.text() == "Saving the visit\u2026"
    assert not dialog.save_button.isEnabled() and not dialog.form_box.isEnabled()
    assert dialog.impression.text() == "a little better"  # still there to read
    release.set()
    qtbot.waitUntil(lambda: not dialog.saving() and not dialog.reading(), timeout=5000)
    assert dialog.visit_list.count() == 1 and dialog.visit_list.item(0).text().startswith("Visit 1 \u00b7 ")
    assert dialog.impression.text() == "" and dialog.save_button.text() == "&Save visit"  # ready for the next
    with SessionStore.open(paths.database_path()) as store:
        visits = store.visits(sid)
    assert [v.visit.impression for v in visits] == ["a little better"]


def test_a_follow_up_visit_that_cannot_be_saved_keeps_its_text(qtbot, data_dir):
    w, _view = consultation(qtbot)
    sid = saved_session(w)
    dialog = follow_up(qtbot, w, sid)
    store = w.store()
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + 1}")  # a full disk
    notes = "A long note typed while the disk was full. " * 4000
    dialog.notes.setPlainText(notes)
    release = hold_owner(w)
    took = returns_at_once(dialog.save_button.click)
    assert took < RETURN_MS, f"Save visit kept the UI thread {took:.0f} ms"
    release.set()
    qtbot.waitUntil(lambda: not dialog.saving(), timeout=5000)
    assert dialog.error.text().startswith("The visit could not be saved: The disk is full.")
    assert dialog.error.text().endswith("Nothing typed is lost.")
    assert dialog.notes.toPlainText() == notes and dialog.form_box.isEnabled() and dialog.save_button.isEnabled()
    with SessionStore.open(paths.database_path()) as reader:
        assert reader.visits(sid) == []


def test_closing_the_follow_up_waits_for_its_visit_on_its_way(qtbot, data_dir):
    w, _view = consultation(qtbot)
    sid = saved_session(w)
    dialog = follow_up(qtbot, w, sid)
    dialog.impression.setText("closed while saving")
    release = hold_owner(w)
    took = returns_at_once(dialog.save_button.click)
    assert took < RETURN_MS, f"Save visit kept the UI thread {took:.0f} ms"
    threading.Timer(0.3, release.set).start()
    dialog.reject()  # Close: it waits for the visit to land, then closes
    assert not dialog.isVisible() and not dialog.saving()
    with SessionStore.open(paths.database_path()) as store:
        assert [v.visit.impression for v in store.visits(sid)] == ["closed while saving"]
