"""The window's reads of the sessions file never wait on the UI thread: while the file's owner thread is busy (Back up
now on a big file, a restore), opening a session from the list, its History and its Follow-up say what they are
doing, the window keeps running, and the result arrives by signal once the owner is free; a result that arrives
after the clinician moved on is dropped."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QTimer

from decisionaid import paths
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore
from decisionaid.ui import consultation_view
from window import open_window  # noqa: E402  tests/window.py

HOLD_S = 3  # how long a held owner thread waits for its release at most (the old code waited all that time)
RETURN_MS = 150  # the UI thread is back by then (1-35 ms measured here; room left for a loaded 2-core machine)
STALL_MS = 1000  # no gap between the ticks of a 10 ms timer longer than this while the owner is held


def record(i: int, **kw) -> SessionRecord:
    base = dict(patient_ref=f"P-{i:04d}", clinician="Dr Test", held_at=f"2026-0{1 + i % 9}-1{i % 9}T10:00",
                phq9_items=None, phq9_total=12, answers={}, notes=f"the notes of session {i}", decision=None,
                follow_up=None, status="Incomplete")
    base.update(kw)
    return SessionRecord(**base)


@pytest.fixture
def saved(tmp_path, monkeypatch):
    """Three saved sessions (the first with an amendment) in a real sessions file; their ids."""
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path / "data"))
    paths.set_data_dir(None)
    with SessionStore.open(paths.database_path()) as store:
        ids = [store.create(record(i), "Dr Test") for i in range(3)]
        store.amend(ids[0], record(0, notes="the notes of session 0, amended"), "Dr Test", "PHQ-9 corrected")
    return ids


def sessions_screen(qtbot):
    w = open_window(qtbot)
    with qtbot.waitSignal(w.store_checked, timeout=10000):
        assert w.store() is not None  # opened (on the owner thread) before the tests keep that thread busy
    w.show_screen("Consultation")  # built first: the tests time the read, not the screen's construction
    w.show_screen("Sessions")
    view = w.screen("Sessions")
    qtbot.waitUntil(lambda: view.model.rowCount() == 3 and not view.model.is_loading(), timeout=5000)
    return w, view


def select(view, session_id: int) -> None:
    row = next(r for r in range(view.model.rowCount()) if view.model.session_at(r).session_id == session_id)
    view.table.selectRow(row)


def hold_owner(w):
    """Keep the sessions file's owner thread busy, like a backup of a big file, until the event is set."""
    release, started = threading.Event(), threading.Event()

    def busy():
        started.set()
        release.wait(HOLD_S)

    w.keeper.owner.submit(busy)
    assert started.wait(5)
    return release


class Ticks:
    """A 10 ms QTimer on the UI thread: how often it fired, and the longest the UI thread kept it waiting."""

    def __init__(self):
        self.times: list[float] = []
        self.timer = QTimer(interval=10)
        self.timer.timeout.connect(lambda: self.times.append(time.perf_counter()))
        self.timer.start()

    def longest_gap_ms(self) -> float:
        return max((b - a) * 1e3 for a, b in zip(self.times, self.times[1:]))


def returns_at_once(action) -> float:
    begin = time.perf_counter()
    action()
    return (time.perf_counter() - begin) * 1e3


def test_opening_a_session_from_the_list_while_the_file_is_busy_never_freezes_the_window(qtbot, saved):
    w, view = sessions_screen(qtbot)
    consultation = w.screen("Consultation")
    w.open_session(saved[0])
    qtbot.waitUntil(lambda: not consultation.opening(), timeout=5000)
    assert w.print_current.print_record.isEnabled() and w.handoff.copy_note.isEnabled()
    w.show_screen("Sessions")
    select(view, saved[1])
    release = hold_owner(w)
    ticks = Ticks()
    took = returns_at_once(view.open_button.click)
    assert took < RETURN_MS, f"the Open button kept the UI thread {took:.0f} ms"
    qtbot.wait(300)
    assert len(ticks.times) >= 3 and ticks.longest_gap_ms() < STALL_MS  # the event loop kept running
    assert w.stack.currentWidget() is consultation  # the Consultation screen, saying what it is doing
    assert consultation.save_state.text().startswith(f"Opening session {saved[1]}\u2026")
    qtbot.waitUntil(lambda: "The sessions file is busy with another task" in consultation.save_state.text())
    assert not consultation.form_scroll.isEnabled() and not consultation.save_button.isEnabled()
    assert not consultation.amend_button.isEnabled() and not consultation.status.isEnabled()
    assert consultation.opening()
    assert not w.print_current.print_record.isEnabled() and not w.handoff.copy_note.isEnabled()  # not the old one
    release.set()
    qtbot.waitUntil(lambda: not consultation.opening(), timeout=5000)
    assert consultation.session_id == saved[1] and consultation.mode == "readonly"
    assert w.print_current.print_record.isEnabled() and w.handoff.copy_note.isEnabled()
    assert consultation.notes.toPlainText() == "the notes of session 1"
    assert consultation.form_scroll.isEnabled() and consultation.amend_button.isEnabled()
    assert consultation.status.isEnabled()
    assert consultation.save_state.text().startswith(f"Saved session {saved[1]} (read-only)")


def test_a_session_asked_for_before_another_is_dropped(qtbot, saved):
    """Open one session, then another before the first arrived: only the second is shown; New session while a
    session is on its way drops it too."""
    w, view = sessions_screen(qtbot)
    consultation = w.screen("Consultation")
    shown = []
    consultation.record_shown.connect(lambda: shown.append(consultation.patient.text()))
    release = hold_owner(w)
    select(view, saved[1])
    view.open_button.click()
    w.show_screen("Sessions")
    select(view, saved[2])
    view.open_button.click()
    release.set()
    qtbot.waitUntil(lambda: not consultation.opening(), timeout=5000)
    qtbot.wait(100)  # the first read's result, had it not been dropped, would arrive by now
    assert consultation.session_id == saved[2] and shown == ["P-0002"]
    assert consultation.notes.toPlainText() == "the notes of session 2"

    release = hold_owner(w)
    w.open_session(saved[1])
    consultation.new_button.click()  # the clinician moved on
    assert not consultation.opening() and consultation.form_scroll.isEnabled()
    release.set()
    w.keeper.owner.drain()
    qtbot.wait(100)
    assert consultation.session_id is None and consultation.notes.toPlainText() == ""


def test_amend_from_the_list_waits_for_the_session_and_an_unreadable_one_is_one_line(qtbot, saved):
    w, view = sessions_screen(qtbot)
    consultation = w.screen("Consultation")
    w.open_session(saved[2])
    qtbot.waitUntil(lambda: not consultation.opening(), timeout=5000)
    release = hold_owner(w)
    select(view, saved[1])
    view.amend_button.click()
    assert consultation.session_id == saved[2] and consultation.mode == "readonly"  # the old one is not amended
    release.set()
    qtbot.waitUntil(lambda: not consultation.opening(), timeout=5000)
    assert consultation.session_id == saved[1] and consultation.mode == "amend"
    assert not consultation.notes.isReadOnly()

    w.open_session(999)  # no such session (deleted from another copy of the file, say)
    qtbot.waitUntil(lambda: not consultation.opening(), timeout=5000)
    assert consultation.error_banner.isVisible()
    assert consultation.error_banner.text().startswith("Session 999 could not be opened: ")
    assert "\n" not in consultation.error_banner.text()
    assert consultation.session_id == saved[1] and consultation.notes.toPlainText() == "the notes of session 1"


def test_the_history_dialog_reads_off_the_ui_thread(qtbot, saved):
    from decisionaid.ui.sessions_view import HistoryDialog

    w, _view = sessions_screen(qtbot)
    release = hold_owner(w)
    ticks = Ticks()
    dialogs = []
    took = returns_at_once(lambda: dialogs.append(HistoryDialog(w.store(), saved[0], w)))
    dialog = dialogs[0]
    qtbot.addWidget(dialog)
    assert took < RETURN_MS, f"opening the History kept the UI thread {took:.0f} ms"
    qtbot.wait(200)
    assert len(ticks.times) >= 3 and ticks.longest_gap_ms() < STALL_MS
    assert dialog.viewer.toPlainText() == "Reading the history\u2026"
    assert not dialog.show_autosaves.isEnabled()
    release.set()
    qtbot.waitUntil(lambda: dialog.revisions.count() == 2, timeout=5000)
    assert "PHQ-9 corrected" in dialog.revisions.item(0).text()
    assert "amended" in dialog.viewer.toPlainText()
    assert dialog.show_autosaves.isEnabled()


def test_a_history_closed_before_its_read_arrived_is_left_alone(qtbot, saved):
    """Close pressed while the revisions were on their way: they are not put into the closed dialog, and a dialog
    already deleted when they arrive is left alone (no error)."""
    import shiboken6

    from decisionaid.ui.sessions_view import HistoryDialog

    w, _view = sessions_screen(qtbot)
    release = hold_owner(w)
    dialog = HistoryDialog(w.store(), saved[0], w)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()  # the clinician closed it
    gone = HistoryDialog(w.store(), saved[1], w)
    shiboken6.delete(gone)
    release.set()
    w.keeper.owner.drain()
    qtbot.wait(100)  # the results have arrived by now
    assert dialog.revisions.count() == 0 and not dialog.reading()


def test_the_follow_up_dialog_reads_off_the_ui_thread(qtbot, saved):
    from decisionaid.checklist.items import load_checklist
    from decisionaid.evidence.pack import load_pack
    from decisionaid.ui.followup_view import FollowUpDialog

    w, _view = sessions_screen(qtbot)
    checklist, pack = load_checklist(), load_pack()
    release = hold_owner(w)
    ticks = Ticks()
    dialogs = []
    took = returns_at_once(lambda: dialogs.append(FollowUpDialog(w.store(), saved[1], checklist, pack, None, w)))
    dialog = dialogs[0]
    qtbot.addWidget(dialog)
    assert took < RETURN_MS, f"opening the Follow-up kept the UI thread {took:.0f} ms"
    qtbot.wait(200)
    assert len(ticks.times) >= 3 and ticks.longest_gap_ms() < STALL_MS
    assert dialog.summary.text() == "Reading the session\u2026" and not dialog.save_button.isEnabled()
    release.set()
    qtbot.waitUntil(lambda: not dialog.reading(), timeout=5000)
    assert dialog.summary.text().startswith("Patient P-0001 \u00b7 first consultation")
    assert dialog.outcomes.toPlainText() == "No follow-up visit recorded yet."
    assert dialog.save_button.isEnabled()


def test_printing_a_listed_session_reads_off_the_ui_thread(qtbot, saved, tmp_path, monkeypatch):
    """The record of the selected session saved as PDF (and, next test, its note copied) while the file is busy: the
    window keeps running, the status bar says it is reading, and the document carries that session once read."""
    import io

    from pypdf import PdfReader
    from PySide6.QtWidgets import QFileDialog

    out = tmp_path / "record.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: (str(out), "PDF (*.pdf)")))
    w, view = sessions_screen(qtbot)
    select(view, saved[1])
    release = hold_owner(w)
    ticks = Ticks()
    took = returns_at_once(view.print_set.save_record.trigger)
    assert took < RETURN_MS, f"Save record as PDF kept the UI thread {took:.0f} ms"
    qtbot.wait(200)
    assert len(ticks.times) >= 3 and ticks.longest_gap_ms() < STALL_MS
    assert w.printing.busy and w.printing.last_message == "Reading the session\u2026"
    assert not view.print_set.save_record.isEnabled()
    release.set()
    qtbot.waitUntil(lambda: not w.printing.busy and out.exists(), timeout=30000)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages).split())
    assert "the notes of session 1" in text and "P-0001" in text


def test_the_hand_off_of_a_listed_session_reads_off_the_ui_thread(qtbot, saved):
    from PySide6.QtGui import QGuiApplication

    w, view = sessions_screen(qtbot)
    select(view, saved[1])
    qtbot.waitUntil(w.handoff.copy_note.isEnabled)
    QGuiApplication.clipboard().clear()
    release = hold_owner(w)
    ticks = Ticks()
    copy = view.findChild(type(view.open_button), "copyNoteButton")
    took = returns_at_once(copy.click)
    assert took < RETURN_MS, f"Copy note kept the UI thread {took:.0f} ms"
    qtbot.wait(200)
    assert len(ticks.times) >= 3 and ticks.longest_gap_ms() < STALL_MS
    assert w.statusBar().currentMessage() == "Reading the session\u2026" and not copy.isEnabled()
    assert QGuiApplication.clipboard().text() == ""
    release.set()
    qtbot.waitUntil(lambda: not w.handoff.busy, timeout=5000)
    note = QGuiApplication.clipboard().text()
    assert "Patient reference: P-0001\n" in note and "the notes of session 1" in note


def test_what_is_typed_is_written_before_another_session_opens_even_answers_given_meanwhile(qtbot, saved):
    """A new consultation typed, then a saved session opened while the file is busy: the typed text is written
    first; an answer the patient gives in the Patient view while the session is on its way is written too."""
    w, _view = sessions_screen(qtbot)
    consultation = w.screen("Consultation")
    w.show_screen("Consultation")
    consultation.patient.setText("P-typed")
    consultation.notes.setPlainText("typed before opening another")
    target = consultation._target  # the session this text goes into (created by its first write)
    release = hold_owner(w)
    w.open_session(saved[1])
    consultation.set_patient_answer("values_injections", "fine with it")  # from the Patient view, meanwhile
    release.set()
    qtbot.waitUntil(lambda: not consultation.opening() and consultation.session_id == saved[1], timeout=5000)
    assert consultation.notes.toPlainText() == "the notes of session 1"
    with SessionStore.open(paths.database_path(), check=False) as store:
        draft = store.get(target.session_id).draft
    assert draft.notes == "typed before opening another"
    assert draft.answers.get("values_injections") == "fine with it"


def test_history_and_follow_up_without_the_sessions_file_say_so_in_one_line(qtbot, saved, monkeypatch):
    w, view = sessions_screen(qtbot)
    select(view, saved[1])
    monkeypatch.setattr(view, "_open_store", lambda: None)  # the sessions file could not be opened
    for button in (view.history_button, view.follow_up_button):
        view.message.setText("")
        button.click()
        assert view.message.text() == ("The sessions file is not available (see the message shown when it was "
                                       "opened).")


def test_a_search_while_the_file_is_busy_never_freezes_the_window_and_finds_the_newest_draft(qtbot, saved, monkeypatch):
    """The search index takes in what was autosaved since the last search on the owner thread, before the search
    reads: while a backup holds that thread the window keeps running, and the draft is found once it is free."""
    monkeypatch.setattr(consultation_view, "AUTOSAVE_MS", 50)
    w, view = sessions_screen(qtbot)
    consultation = w.screen("Consultation")
    w.show_screen("Consultation")
    consultation.patient.setText("P-draft")
    consultation.notes.setPlainText("a zebra crossing near the clinic")
    qtbot.waitUntil(lambda: consultation.session_id is not None and not consultation.dirty, timeout=5000)
    w.show_screen("Sessions")
    release = hold_owner(w)
    ticks = Ticks()
    view.search.setText("zebra")
    took = returns_at_once(view.refresh)
    assert took < RETURN_MS, f"a search kept the UI thread {took:.0f} ms"
    qtbot.wait(200)
    assert len(ticks.times) >= 3 and ticks.longest_gap_ms() < STALL_MS
    assert view.count_label.text() == "Searching\u2026" and view.model.is_loading()
    release.set()
    qtbot.waitUntil(lambda: not view.model.is_loading(), timeout=5000)
    assert [view.model.session_at(r).patient_ref for r in range(view.model.rowCount())] == ["P-draft"]


def test_printing_and_handing_off_the_consultation_on_screen_never_wait_for_the_file(qtbot, saved, tmp_path,
                                                                                     monkeypatch):
    """What is typed is written first, then the record and the note are made from it, while a backup holds the
    file: the window keeps running meanwhile."""
    import io

    from pypdf import PdfReader
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QFileDialog

    out = tmp_path / "record.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: (str(out), "PDF (*.pdf)")))
    w, _view = sessions_screen(qtbot)
    w.show_screen("Consultation")
    consultation = w.screen("Consultation")
    consultation.patient.setText("P-onscreen")
    consultation.notes.setPlainText("typed just before printing")
    release = hold_owner(w)
    ticks = Ticks()
    took = returns_at_once(consultation.print_bar.save_record.click)
    assert took < RETURN_MS, f"Save record as PDF kept the UI thread {took:.0f} ms"
    qtbot.wait(200)
    assert len(ticks.times) >= 3 and ticks.longest_gap_ms() < STALL_MS
    assert w.printing.busy and w.printing.last_message == "Reading the session\u2026"
    release.set()
    qtbot.waitUntil(lambda: not w.printing.busy and out.exists(), timeout=30000)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages).split())
    assert "typed just before printing" in text and "P-onscreen" in text
    assert consultation.session_id is not None and not consultation.dirty  # written before the record was made

    QGuiApplication.clipboard().clear()
    consultation.notes.setPlainText("typed just before the note")
    release = hold_owner(w)
    copy = consultation.findChild(type(consultation.save_button), "copyNoteButton")
    took = returns_at_once(copy.click)
    assert took < RETURN_MS, f"Copy note kept the UI thread {took:.0f} ms"
    qtbot.wait(200)
    assert QGuiApplication.clipboard().text() == "" and w.handoff.busy
    release.set()
    qtbot.waitUntil(lambda: not w.handoff.busy, timeout=5000)
    note = QGuiApplication.clipboard().text()
    assert "Patient reference: P-onscreen\n" in note and "typed just before the note" in note
