"""Encryption as the clinician meets it: the passphrase asked at start-up (wrong one named, cancel leaves the evidence
usable), the idle lock hiding everything and keeping what was typed, a damaged encrypted file going through the
damaged-file flow, and turning encryption on and off from the settings. Real files, real widgets (offscreen)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from decisionaid import paths
from decisionaid.sessions import connection, crypto
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore
from decisionaid.ui.main_window import MainWindow
from window import open_window  # noqa: E402  tests/window.py

PASS = "correct horse battery"
NOTE = "Zanzibar-quokka sertraline 50mg"
SHOTS = Path(os.environ.get("DECISIONAID_SCREENSHOTS", "")) if os.environ.get("DECISIONAID_SCREENSHOTS") else None


def shot(widget, name: str) -> None:
    """Screenshots for a person to look at (set DECISIONAID_SCREENSHOTS to a folder)."""
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(SHOTS / f"{name}.png"))


@pytest.fixture
def data_dir(data_dir, monkeypatch):
    monkeypatch.setattr(crypto, "KDF_ITERATIONS", 2000)
    yield data_dir
    connection.forget_key(locked=False)


@pytest.fixture
def encrypted(data_dir):
    """An encrypted sessions file with one saved session and a backup; the key is not in memory."""
    record = SessionRecord(patient_ref="MRN-7731", clinician="Dr Okafor", held_at="2026-03-14T09:30",
                           answers={}, notes=NOTE, status="Incomplete")
    with SessionStore.open(paths.database_path(), backup_dir=paths.backup_dir()) as store:
        store.create(record, "Dr Okafor")
        store.automatic_backup()
    crypto.enable(paths.database_path(), paths.backup_dir(), PASS)
    connection.forget_key(locked=False)  # as after a restart
    return data_dir


def unlocked_window(qtbot) -> MainWindow:
    w = open_window(qtbot)
    qtbot.waitUntil(lambda: w.session_lock.unlock_dialog is not None and w.session_lock.unlock_dialog.isVisible())
    dialog = w.session_lock.unlock_dialog
    enter(qtbot, dialog.panel, PASS)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    return w


def enter(qtbot, panel, passphrase: str) -> None:
    """Type the passphrase, press Unlock and wait for the check (it runs on a worker thread)."""
    panel.field.setText(passphrase)
    panel.unlock_button.click()
    assert panel.busy and not panel.field.isEnabled()
    qtbot.waitUntil(lambda: not panel.busy)


def no_plaintext(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if p.is_file() and b"quokka" in p.read_bytes()]


def test_start_up_asks_for_the_passphrase_and_names_a_wrong_one(qtbot, encrypted):
    w = open_window(qtbot)
    qtbot.waitUntil(lambda: w.session_lock.unlock_dialog is not None and w.session_lock.unlock_dialog.isVisible())
    dialog = w.session_lock.unlock_dialog
    panel = dialog.panel
    enter(qtbot, panel, "correct horse battery staple")
    assert panel.error.isVisible() and panel.error.text().startswith("Wrong passphrase")
    assert panel.field.text() == ""  # not kept in the widget
    shot(dialog, "unlock-dialog-wrong-passphrase")
    enter(qtbot, panel, PASS)
    assert not dialog.isVisible()
    w.show_screen("Sessions")
    view = w.screen("Sessions")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert "MRN-7731" in view.model.index(0, 1).data() or any(
        "MRN-7731" in str(view.model.index(0, c).data()) for c in range(view.model.columnCount()))


def test_continuing_without_the_passphrase_leaves_evidence_usable_and_sessions_locked(qtbot, encrypted):
    w = open_window(qtbot)
    qtbot.waitUntil(lambda: w.session_lock.unlock_dialog is not None and w.session_lock.unlock_dialog.isVisible())
    w.session_lock.unlock_dialog.reject()
    assert w.statusBar().currentMessage().startswith("Saved sessions are locked")
    assert w.store() is None
    assert list(paths.data_dir().glob("*damaged*")) == []  # an encrypted file is never taken for a damaged one
    w.show_screen("Sessions")
    placeholder = w.stack.currentWidget()
    assert placeholder.objectName() == "sessionsLockedPlaceholder"
    w.show_screen("Evidence")
    assert w.stack.currentWidget().objectName() != "sessionsLockedPlaceholder"
    w.show_screen("Sessions")
    placeholder.findChild(type(w.session_lock.lock_screen.panel.unlock_button), "unlockSessionsButton").click()
    dialog = w.session_lock.unlock_dialog
    enter(qtbot, dialog.panel, PASS)
    view = w.stack.currentWidget()
    assert view.objectName() != "sessionsLockedPlaceholder"
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)


def test_the_idle_lock_hides_everything_and_keeps_what_was_typed(qtbot, encrypted):
    w = unlocked_window(qtbot)
    w.show_screen("Consultation")
    view = w.screen("Consultation")
    view.patient.setText("MRN-quokka-9")
    view.notes.setPlainText("Unsaved: quokka discussed \u05e9\u05dc\u05d5\u05dd \U0001F600")
    box = QMessageBox(QMessageBox.Information, "History", "MRN-quokka-9: details", QMessageBox.Ok, w)
    box.open()  # e.g. a history or preview window left open
    patient_view = w.show_patient_view("decision")
    assert patient_view.isVisible()
    w.session_lock.lock()
    assert not box.isVisible() and not patient_view.isVisible()
    assert w.session_lock.locked and connection.current_key() is None
    assert w.centralWidget().currentWidget() is w.session_lock.lock_screen
    assert not view.isVisible() and not w.nav.isVisible() and not w.menuBar().isEnabled()
    shot(w, "lock-screen")
    assert no_plaintext(encrypted)  # the text was autosaved before locking, encrypted
    panel = w.session_lock.lock_screen.panel
    enter(qtbot, panel, "nope nope nope")
    assert w.session_lock.locked and panel.error.text().startswith("Wrong passphrase")
    enter(qtbot, panel, PASS)
    assert not w.session_lock.locked and view.isVisible()
    assert view.notes.toPlainText() == "Unsaved: quokka discussed \u05e9\u05dc\u05d5\u05dd \U0001F600"
    assert view.patient.text() == "MRN-quokka-9"
    view.notes.setPlainText(view.notes.toPlainText() + " more")
    assert view.flush()
    with SessionStore.open(paths.database_path()) as store:
        assert store.get(view.session_id).draft.notes.endswith("\U0001F600 more")


def test_the_idle_timer_locks_after_no_input_and_input_postpones_it(qtbot, encrypted):
    w = unlocked_window(qtbot)
    assert w.session_lock.idle.timer.interval() == 10 * 60_000  # the default, active once unlocked
    w.session_lock.idle.set_interval_ms(300)
    for _ in range(4):  # keep typing for longer than the idle time
        qtbot.wait(150)
        qtbot.keyClick(w.nav, "a")
    assert not w.session_lock.locked
    qtbot.waitUntil(lambda: w.session_lock.locked, timeout=3000)


def test_a_damaged_encrypted_file_is_called_damaged_after_the_right_passphrase(qtbot, encrypted, monkeypatch):
    db = paths.database_path()
    data = bytearray(db.read_bytes())
    data[16:4096] = os.urandom(4096 - 16)
    db.write_bytes(bytes(data))
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or QMessageBox.Yes)
    w = unlocked_window(qtbot)
    w.show_screen("Sessions")
    view = w.screen("Sessions")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)  # the newest backup was restored
    assert shown and shown[0].startswith("The sessions file is damaged")
    assert "Wrong passphrase" not in shown[0]


def test_turning_encryption_on_and_off_from_the_settings(qtbot, data_dir, monkeypatch):
    w = open_window(qtbot)
    w.show_screen("Consultation")
    view = w.screen("Consultation")
    view.patient.setText("MRN-4")
    view.notes.setPlainText(NOTE)
    assert view.flush()
    assert not no_plaintext(data_dir)

    def fill_new(dialog):
        dialog.new.setText(PASS)
        dialog.repeat.setText(PASS)
        return QDialog.Accepted

    from decisionaid.ui import passphrase
    from decisionaid.ui.settings_dialog import SettingsDialog

    monkeypatch.setattr(passphrase.NewPassphraseDialog, "exec", fill_new)
    settings_dialog = SettingsDialog(w.settings(), w, encrypted=False)
    settings_dialog.encryption_requested.connect(lambda a: w.session_lock.change(a, settings_dialog))
    assert settings_dialog.enable_button.isVisibleTo(settings_dialog)
    settings_dialog.enable_button.click()
    qtbot.waitUntil(lambda: w.session_lock.encrypted() and not w.keeper.replacing(), timeout=10000)
    assert settings_dialog.change_button.isVisibleTo(settings_dialog)
    assert settings_dialog.idle_minutes.isEnabled()
    settings_dialog.idle_minutes.setValue(3)
    shot(settings_dialog, "settings-encryption-on")
    w.session_lock.apply_settings(settings_dialog.result_settings())
    assert w.session_lock.idle.timer.isActive() and w.session_lock.idle.timer.interval() == 3 * 60_000
    assert no_plaintext(data_dir)
    view.notes.setPlainText(NOTE + " after")  # the form keeps working on the encrypted file
    assert view.flush()
    assert no_plaintext(data_dir)

    def confirm(dialog):
        dialog.current.setText(PASS)
        return QDialog.Accepted

    monkeypatch.setattr(passphrase.NewPassphraseDialog, "exec", confirm)
    settings_dialog.disable_button.click()
    qtbot.waitUntil(lambda: not w.session_lock.encrypted() and not w.keeper.replacing(), timeout=10000)
    assert not w.session_lock.idle.timer.isActive()  # nothing to lock without a passphrase
    assert not settings_dialog.idle_minutes.isEnabled()
    with SessionStore.open(paths.database_path()) as store:
        assert [s.session_id for s in store.search("quokka")] == [view.session_id]
        assert store.get(view.session_id).draft.notes == NOTE + " after"


def test_a_new_passphrase_must_be_long_enough_and_typed_twice(qtbot):
    from decisionaid.ui.passphrase import NewPassphraseDialog

    dialog = NewPassphraseDialog("Turn on encryption", "Choose a passphrase.", current=False)
    qtbot.addWidget(dialog)
    dialog.new.setText("short")
    dialog.repeat.setText("short")
    dialog.ok_button.click()
    assert dialog.result() != QDialog.Accepted and "at least 8" in dialog.error.text()
    dialog.new.setText("long enough phrase")
    dialog.repeat.setText("long enough phrasE")
    dialog.ok_button.click()
    assert "differ" in dialog.error.text()
    dialog.repeat.setText("long enough phrase")
    dialog.ok_button.click()
    assert dialog.result() == QDialog.Accepted and dialog.values() == ("", "long enough phrase")


def test_a_lost_key_check_asks_for_the_passphrase_and_keeps_the_sessions(qtbot, encrypted, monkeypatch):
    crypto.keycheck_path(paths.database_path()).unlink()
    monkeypatch.setattr(QMessageBox, "exec", lambda box: QMessageBox.No)  # a "damaged" box must not block the test
    w = open_window(qtbot)
    qtbot.waitUntil(lambda: w.session_lock.unlock_dialog is not None and w.session_lock.unlock_dialog.isVisible())
    assert list(paths.data_dir().glob("*damaged*")) == []  # not taken for a damaged file
    dialog = w.session_lock.unlock_dialog
    shot(dialog, "unlock-lost-keycheck")
    enter(qtbot, dialog.panel, "not the passphrase")
    assert dialog.panel.error.text().startswith("Wrong passphrase")
    shot(dialog, "unlock-lost-keycheck-wrong")
    enter(qtbot, dialog.panel, PASS)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert crypto.keycheck_path(paths.database_path()).exists()
    w.show_screen("Sessions")
    view = w.screen("Sessions")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert list(paths.data_dir().glob("*damaged*")) == []


def test_an_interrupted_encryption_is_finished_after_the_passphrase_at_start_up(qtbot, data_dir, monkeypatch):
    """Killed after the sessions file was encrypted and before its backups: the window asks for the passphrase
    (it does not call the file damaged) and then encrypts the backups."""
    record = SessionRecord(patient_ref="MRN-7731", clinician="Dr Okafor", held_at="2026-03-14T09:30",
                           answers={}, notes=NOTE, status="Incomplete")
    with SessionStore.open(paths.database_path(), backup_dir=paths.backup_dir()) as store:
        store.create(record, "Dr Okafor")
        store.automatic_backup()
    pid = os.fork()
    if pid == 0:
        os.environ[crypto.FAULT_ENV] = "5"  # journal, key check, copy written, before swap, swapped: killed here
        crypto._step_count = 0
        try:
            crypto.enable(paths.database_path(), paths.backup_dir(), PASS)
        finally:
            os._exit(1)
    os.waitpid(pid, 0)
    connection.forget_key(locked=False)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: QMessageBox.No)
    assert not no_plaintext(data_dir)  # the backup is still plain
    w = unlocked_window(qtbot)
    w.show_screen("Sessions")
    view = w.screen("Sessions")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert no_plaintext(data_dir) and crypto.pending_change(paths.database_path()) is None
    assert list(paths.data_dir().glob("*damaged*")) == []


def test_a_backup_left_plain_is_named_each_time_the_sessions_are_unlocked(qtbot, encrypted, monkeypatch):
    from decisionaid.sessions.connection import SQLITE_HEADER

    damaged = paths.backup_dir() / "sessions-20260103T000000Z-r9.sqlite3"
    damaged.write_bytes(SQLITE_HEADER + b"quokka" + os.urandom(5000))  # plain and unreadable: cannot be encrypted
    problems = []
    monkeypatch.setattr(MainWindow, "store_problem", lambda self, title, advice: problems.append((title, advice)))
    unlocked_window(qtbot)
    assert problems and problems[-1][0] == "Some older copies are not encrypted"
    assert damaged.name in problems[-1][1]
