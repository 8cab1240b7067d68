"""Asking for the passphrase: at start-up (UnlockDialog), on the lock screen after an idle time (LockScreen), and when
setting or changing it (NewPassphraseDialog). IdleWatch notices keyboard and mouse input anywhere in the program.

Checking a passphrase is slow on purpose (a third of a second of key derivation), so `check(passphrase)`, supplied by
the caller, runs on a worker thread (it must not touch widgets) and returns an error message to show, or "" when the
passphrase unlocked the sessions. Nothing here keeps
the passphrase: each field is cleared once it has been checked.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLayout, QLineEdit, QPushButton, QVBoxLayout,
                               QWidget)

from decisionaid.ui.common import heading, label

MIN_LENGTH = 8


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit(objectName=name)
    field.setEchoMode(QLineEdit.Password)
    field.setMinimumWidth(280)
    return field


class PassphrasePanel(QWidget):
    """A passphrase field, an Unlock button and a place for the reason it failed."""

    unlocked = Signal()

    def __init__(self, check, title: str, explanation: str, parent=None):
        super().__init__(parent)
        self._check = check
        self.busy = False
        self.setFixedWidth(480)  # wrapped text needs a width to find its height
        lay = QVBoxLayout(self)
        lay.addWidget(heading(title))
        lay.addWidget(label(explanation))
        self.field = _password_field("passphraseField")
        self.field.setPlaceholderText("Passphrase")
        self.field.returnPressed.connect(self.try_unlock)
        lay.addWidget(self.field)
        self.error = label("", name="passphraseError")
        self.error.setStyleSheet("color: #58151c; background: #f8d7da; padding: 4px; font-weight: bold")
        self.error.hide()
        lay.addWidget(self.error)
        self.unlock_button = QPushButton("&Unlock", objectName="unlockButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        lay.addWidget(self.unlock_button, alignment=Qt.AlignLeft)

    def try_unlock(self) -> None:
        """Check the passphrase on a worker thread (the key derivation takes a third of a second); `unlocked` or
        the reason it failed follows."""
        passphrase = self.field.text()
        if self.busy:
            return
        if not passphrase:
            self._fail("Enter your passphrase.")
            return
        from decisionaid.ui.tasks import run_in_background

        self.field.clear()
        self._set_busy(True)
        run_in_background(self._check, passphrase, on_done=self._checked, on_error=lambda exc: self._checked(str(exc)))

    def _checked(self, problem: str) -> None:
        self._set_busy(False)
        if problem:
            self._fail(problem)
            return
        self.error.hide()
        self.unlocked.emit()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.field.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy)
        self.unlock_button.setText("Checking…" if busy else "&Unlock")

    def _fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.field.setFocus()

    def reset(self) -> None:
        self.field.clear()
        self.error.hide()
        self.field.setFocus()


class UnlockDialog(QDialog):
    """At start-up with an encrypted sessions file. Cancel leaves the evidence screens usable, sessions locked."""

    def __init__(self, check, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Unlock saved sessions")  # Qt adds " \u2014 decisionaid"
        lay = QVBoxLayout(self)
        lay.setSizeConstraint(QLayout.SetFixedSize)  # grows when the reason a passphrase failed is shown
        self.panel = PassphrasePanel(
            check, "Saved sessions are encrypted",
            "Enter your passphrase to use consultations and saved sessions. Without it the evidence, options and "
            "caveats screens still work.")
        lay.addWidget(self.panel)
        buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Cancel).setText("&Continue without sessions")
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.panel.unlocked.connect(self.accept)
        from decisionaid.ui.keyboard import add_mnemonics

        add_mnemonics(self)


class LockScreen(QWidget):
    """Covers the whole window after the idle time: nothing of the consultation shows until the passphrase."""

    def __init__(self, check, parent=None):
        super().__init__(parent)
        self.setObjectName("lockScreen")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        self.panel = PassphrasePanel(
            check, "decisionaid is locked",
            "It was not used for a while, so the sessions are hidden and their key removed from memory. "
            "Enter your passphrase to carry on; anything you were typing is kept and shown again.")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.panel)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.unlocked = self.panel.unlocked


class NewPassphraseDialog(QDialog):
    """Set a passphrase (turning encryption on), change it (asks for the current one too), or confirm the current
    one (turning encryption off: `new=False`)."""

    def __init__(self, title: str, explanation: str, current: bool, new: bool = True, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        lay = QVBoxLayout(self)
        lay.addWidget(label(explanation))
        form = QFormLayout()
        self.current = _password_field("currentPassphrase") if current else None
        self.new = _password_field("newPassphrase") if new else None
        self.repeat = _password_field("repeatPassphrase") if new else None
        if self.current is not None:
            form.addRow("Cu&rrent passphrase", self.current)
        if new:
            form.addRow("&New passphrase", self.new)
            form.addRow("New passphrase &again", self.repeat)
        lay.addLayout(form)
        self.error = label("", name="newPassphraseError")
        self.error.setStyleSheet("color: #58151c; background: #f8d7da; padding: 4px")
        self.error.hide()
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self._accept_if_valid)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.Ok)
        lay.addWidget(buttons)
        from decisionaid.ui.keyboard import add_mnemonics

        add_mnemonics(self)

    def problem(self) -> str:
        if self.current is not None and not self.current.text():
            return "Enter your current passphrase."
        if self.new is not None:
            if len(self.new.text()) < MIN_LENGTH:
                return f"Use at least {MIN_LENGTH} characters; a short sentence is easy to remember and hard to guess."
            if self.new.text() != self.repeat.text():
                return "The two new passphrases differ; type them again."
        return ""

    def _accept_if_valid(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        self.accept()

    def values(self) -> tuple[str, str]:
        """(current, new), each "" when not asked; the fields are cleared."""
        current = self.current.text() if self.current is not None else ""
        new = self.new.text() if self.new is not None else ""
        for field in (self.current, self.new, self.repeat):
            if field is not None:
                field.clear()
        return current, new


class IdleWatch(QObject):
    """Emits `idle` after `minutes` without keyboard or mouse input anywhere in the program (0: never)."""

    idle = Signal()
    _INPUT = frozenset({QEvent.KeyPress, QEvent.MouseButtonPress, QEvent.MouseMove, QEvent.Wheel,
                        QEvent.TouchBegin, QEvent.ShortcutOverride})

    def __init__(self, app, parent=None):
        super().__init__(parent)
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.idle)
        self._app = app
        self._filtering = False  # every event of the program passes through the filter: only while watching

    def set_interval_ms(self, ms: int) -> None:
        """0 stops watching."""
        if ms <= 0:
            self.timer.stop()
            self.timer.setInterval(0)
            self._filter(False)
            return
        self.timer.setInterval(ms)
        self._filter(True)
        self.timer.start()

    def _filter(self, on: bool) -> None:
        if on != self._filtering:
            (self._app.installEventFilter if on else self._app.removeEventFilter)(self)
            self._filtering = on

    def pause(self) -> None:
        self.timer.stop()

    def resume(self) -> None:
        if self.timer.interval() > 0:
            self.timer.start()

    def eventFilter(self, obj, event) -> bool:
        if event.type() in self._INPUT and self.timer.isActive():
            self.timer.start()
        return False

    def stop(self) -> None:
        self.timer.stop()
        self._filter(False)
