"""The main window's side of encryption at rest: the passphrase at start-up, the idle lock, and turning encryption
on, off or to a new passphrase from the settings.

While locked the key is out of memory (sessions/connection.py), the store is closed, the window shows only the lock
screen, menus are off and open dialogs are closed. Before locking the consultation is autosaved (encrypted, like
everything in the file); what is on its form stays in the widgets, hidden, and is there again after unlocking, so
nothing typed is lost or written anywhere in plain.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QPushButton, QVBoxLayout, QWidget

from decisionaid.ui.common import heading, label
from decisionaid.ui.passphrase import IdleWatch, LockScreen, NewPassphraseDialog, UnlockDialog

LOCKED_MESSAGE = "Saved sessions are locked: enter your passphrase to use them."


def _db_path():
    from decisionaid import paths

    return paths.database_path()


class SessionLock(QObject):
    def __init__(self, window, outer_stack):
        super().__init__(window)
        self.window, self.outer = window, outer_stack
        self.locked = False
        self.unlock_dialog: UnlockDialog | None = None
        self._lock_screen: LockScreen | None = None
        self.idle = IdleWatch(QApplication.instance(), self)
        self.idle.idle.connect(self.lock)

    @property
    def lock_screen(self) -> LockScreen:
        """Made when first needed (most starts never lock): the window's first paint does not wait for it."""
        if self._lock_screen is None:
            self._lock_screen = LockScreen(self._check)
            self._lock_screen.unlocked.connect(self._unlocked_from_lock_screen)
            self.outer.addWidget(self._lock_screen)
        return self._lock_screen

    # --- state ----------------------------------------------------------------------------------------

    @staticmethod
    def encrypted() -> bool:
        from decisionaid.sessions import crypto

        return crypto.is_enabled(_db_path())

    @staticmethod
    def needs_passphrase() -> bool:
        from decisionaid.sessions import crypto

        return crypto.needs_passphrase(_db_path())

    def apply_settings(self, settings) -> None:
        """Watch for idleness while encryption is on and unlocked (the lock asks for the passphrase)."""
        from decisionaid.sessions.connection import current_key

        minutes = settings.idle_lock_minutes if self.encrypted() and current_key() is not None else 0
        self.idle.set_interval_ms(minutes * 60_000)

    def _check(self, passphrase: str) -> str:
        from decisionaid.sessions import crypto
        from decisionaid.sessions.errors import StoreError

        try:
            crypto.unlock(_db_path(), passphrase)
        except StoreError as exc:
            return f"{exc.title}. {exc.advice}"
        return ""

    # --- start-up -------------------------------------------------------------------------------------

    def ask_at_start(self) -> None:
        """The sessions file is encrypted and no key is in memory: ask (window-modal, without blocking)."""
        from decisionaid.sessions import crypto

        crypto.lock()
        self.unlock_dialog = UnlockDialog(self._check, self.window)
        self.unlock_dialog.accepted.connect(self._unlocked)
        self.unlock_dialog.rejected.connect(lambda: self.window.statusBar().showMessage(LOCKED_MESSAGE))
        self.unlock_dialog.open()

    def placeholder(self) -> QWidget:
        """Stands in for Consultation and Sessions until the passphrase is given."""
        w = QWidget(objectName="sessionsLockedPlaceholder")
        v = QVBoxLayout(w)
        v.addWidget(heading("Saved sessions are locked"))
        v.addWidget(label("The sessions file is encrypted. Enter your passphrase to record or review "
                          "consultations; the evidence, options and caveats screens work without it."))
        button = QPushButton("&Unlock sessions\u2026", objectName="unlockSessionsButton")
        button.clicked.connect(self.ask_at_start)
        v.addWidget(button, alignment=Qt.AlignLeft)
        v.addStretch(1)
        return w

    # --- idle lock ------------------------------------------------------------------------------------

    def lock(self) -> None:
        """Hide everything behind the lock screen and drop the key (only while encrypted and unlocked)."""
        from decisionaid.sessions import crypto
        from decisionaid.sessions.connection import current_key

        if self.locked or current_key() is None or not self.encrypted():
            return
        self.window.flush_consultation()  # an autosave, encrypted; on failure the text simply stays on the form
        for dialog in self.window.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()  # a history, preview or message box may show patient details
        patient_view = getattr(self.window, "_patient_view", None)
        if patient_view is not None:
            patient_view.hide()  # the patient's answers, on a screen turned towards the room
        self.window.keeper.close()
        crypto.lock()
        self.idle.pause()
        self.locked = True
        self.window.menuBar().setEnabled(False)
        self.window.statusBar().clearMessage()
        self.outer.setCurrentWidget(self.lock_screen)
        self.lock_screen.panel.reset()

    def _unlocked_from_lock_screen(self) -> None:
        self.locked = False
        self.window.menuBar().setEnabled(True)
        self.outer.setCurrentIndex(0)
        self._unlocked()

    def _unlocked(self) -> None:
        self.unlock_dialog = None
        self.apply_settings(self.window.settings())
        self.window.after_unlock()
        self._warn_plain_copies()

    def _warn_plain_copies(self) -> None:
        """Copies that are still unencrypted (damaged, so they could not be read to encrypt them) are named every
        time the sessions are unlocked, until they are deleted. An interrupted "turn on" was finished by the unlock,
        so what is left here really could not be converted."""
        from decisionaid import paths
        from decisionaid.sessions import crypto

        left = crypto.plain_leftovers(_db_path(), paths.backup_dir()) if self.encrypted() else []
        if left:
            names = ", ".join(str(p) for p in left)
            self.window.store_problem("Some older copies are not encrypted",
                                      f"{names}: damaged, so they could not be read to encrypt them. Delete them "
                                      "once you are sure you do not need them.")

    # --- settings: on, off, new passphrase ------------------------------------------------------------

    def change(self, action: str, settings_dialog=None) -> None:
        from decisionaid.sessions import crypto

        texts = {
            "enable": ("Turn on encryption",
                       "Choose a passphrase. The sessions file and its backups are encrypted with it; the "
                       "unencrypted file is overwritten and deleted once the encrypted copy is checked. If the "
                       "passphrase is forgotten, nobody can read the sessions.", False, True),
            "change": ("Change the passphrase",
                       "The sessions file and every backup are re-encrypted with the new passphrase.", True, True),
            "disable": ("Turn off encryption",
                        "The sessions file and its backups are decrypted and saved unencrypted.", True, False),
        }
        title, text, current, new = texts[action]
        dialog = NewPassphraseDialog(title, text, current=current, new=new, parent=settings_dialog or self.window)
        self.passphrase_dialog = dialog
        if not dialog.exec():
            return
        old, fresh = dialog.values()
        if action != "enable" and not crypto.check_passphrase(_db_path(), old):
            self.window.store_problem("Wrong passphrase", "Nothing was changed.")
            return
        from decisionaid import paths

        work = {"enable": lambda: crypto.enable(_db_path(), paths.backup_dir(), fresh),
                "change": lambda: crypto.change_passphrase(_db_path(), paths.backup_dir(), old, fresh),
                "disable": lambda: crypto.disable(_db_path(), paths.backup_dir(), old)}[action]
        done = {"enable": "Encryption is on: sessions and backups are encrypted.",
                "change": "The passphrase was changed.",
                "disable": "Encryption is off: sessions and backups are unencrypted."}[action]
        self.window.keeper.close(replacing=True)
        self.idle.pause()
        self.window.statusBar().showMessage(f"{title}\u2026 (the sessions are unavailable until this is done)")
        self._settings_dialog = settings_dialog
        # on the sessions file's owner thread, after the writes queued before it: nothing else touches the file
        self.window.keeper.run_exclusive(work, on_done=lambda _r: self._changed(done), on_error=self._change_failed)

    def _changed(self, message: str) -> None:
        self._warn_plain_copies()
        self.window.keeper.reopen(message)
        self.apply_settings(self.window.settings())
        if self._settings_dialog is not None:
            self._settings_dialog.set_encrypted(self.encrypted())
        self.changed_message = message

    def _change_failed(self, exc) -> None:
        self.window.keeper.reopen("")
        self.apply_settings(self.window.settings())
        box = QMessageBox(QMessageBox.Warning, "decisionaid: encryption",
                          f"{getattr(exc, 'title', 'It could not be done')}\n\n{getattr(exc, 'advice', exc)}",
                          QMessageBox.Ok, self.window)
        box.setTextFormat(Qt.PlainText)
        box.open()
