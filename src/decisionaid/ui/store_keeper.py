"""The sessions file's keeper: the one object that opens, checks, closes and replaces it for the window.

It opens the store on first use (without quick_check, which reads the whole file), checks it on a worker thread,
handles damage (moved aside; the newest backup offered and restored, else a new empty file), restores a chosen
backup, closes and reopens it around an encryption change or the idle lock, and backs it up on close. Every call on
the open store runs on the store's owner thread (store_owner.py), in order.

Its state is one value (`State`): CLOSED (not opened yet, or closed to lock), OPEN, CHECKING (open, quick_check
running on a worker: reads and writes go on), REPLACING (a restore or an encryption change is under way: writes
wait) and UNAVAILABLE (damaged and could not be moved aside: not reopened until a restore).

Signals: `checked(bool)` the background check finished (True: nothing wrong); `replaced()` the file in place may
be another (a restore, the flow after damage, a reopen); `interrupted(str)` the consultation's session is gone from
the file in place (its text is kept and written as a new session); `status(str)` a line for the status bar.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox

from decisionaid.ui.store_owner import StoreOwner


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    CHECKING = "checking"
    REPLACING = "replacing"
    UNAVAILABLE = "unavailable"


class StoreKeeper(QObject):
    checked = Signal(bool)
    replaced = Signal()
    interrupted = Signal(str)
    status = Signal(str)

    def __init__(self, parent_widget, is_locked=lambda: False, flush=lambda: True):
        """`parent_widget`: the window its messages belong to; `is_locked()`: the idle lock is on (no store);
        `flush()`: write what the consultation has unsaved (False if it could not)."""
        super().__init__(parent_widget)
        self._parent, self._is_locked, self._flush = parent_widget, is_locked, flush
        self.owner = StoreOwner()
        self.state = State.CLOSED
        self._store = None  # the SessionStore (used only on the owner thread)
        self._handle = None  # the same seen from the UI thread (store_owner.StoreHandle)
        self._warned = False
        self._check = None  # the QuickCheck running, while state is CHECKING
        self._restore_message = ""

    # --- the store for the views -----------------------------------------------------------------------

    def store(self):
        """The session store (a StoreHandle: its calls run on the owner thread), opened on first use; None (after
        telling the clinician why) if it cannot be, while the file is being replaced, and while locked.
        Damage, found by the check or by any read or write, goes through the damage flow."""
        if self.state in (State.REPLACING, State.UNAVAILABLE) or self._is_locked():
            return None
        if self._store is not None and self._store.damage is not None:
            self._after_damage(self._store.damage)
        elif self._store is None:
            self._open(check=True)
        return self._handle

    def replacing(self) -> bool:
        return self.state is State.REPLACING

    def _open(self, check: bool) -> None:
        """Open the file on the owner thread; `check`: then run quick_check on a worker thread (not needed for a
        new file or a backup that `restore` has just checked)."""
        from decisionaid import paths
        from decisionaid.sessions.errors import PassphraseNeeded, StoreCorrupt, StoreError
        from decisionaid.sessions.store import SessionStore

        try:
            store = self.owner.call(SessionStore.open, paths.database_path(), check=False)
        except PassphraseNeeded as exc:
            self.status.emit(exc.title)  # the lock screen or the unlock dialog asks for it
        except StoreCorrupt as exc:
            self._after_damage(exc)
        except (StoreError, OSError) as exc:
            self._problem(getattr(exc, "title", "The sessions file could not be opened."),
                          getattr(exc, "advice", str(exc)), once=True)
        else:
            self._store, self._handle, self.state = store, self.owner.handle(store), State.OPEN
            if check:
                self._check_in_background()

    def _close(self) -> None:
        """Close the store on the owner thread, after every write queued before."""
        self._stop_check()
        if self._store is not None:
            store, self._store, self._handle = self._store, None, None
            self.owner.call(store.close)

    # --- the background check ------------------------------------------------------------------------------

    def _check_in_background(self) -> None:
        from decisionaid.sessions.store import QuickCheck
        from decisionaid.ui.tasks import run_in_background

        self._stop_check()
        check = QuickCheck(self._store.path)
        self._check, self.state = (check, self._store), State.CHECKING
        run_in_background(_run_check, check, on_done=self._check_done, on_error=self._check_failed)

    def _stop_check(self) -> None:
        if self._check is not None:
            self._check[0].stop()
            self._check = None
            if self.state is State.CHECKING:
                self.state = State.OPEN

    def _check_done(self, result) -> None:
        check, healthy = result
        if self._check is None or self._check[0] is not check:
            return  # stopped, or its file was replaced since
        store, self._check = self._check[1], None
        if self.state is State.CHECKING:
            self.state = State.OPEN
        if healthy is None or store is not self._store:
            return
        if not healthy:
            self._after_damage(self.owner.call(store.set_aside_damaged))
        self.checked.emit(healthy)

    def _check_failed(self, exc) -> None:
        """The check could not run (the file is busy or unreadable): say so; reads and writes report their own."""
        self._check = None
        if self.state is State.CHECKING:
            self.state = State.OPEN
        self.status.emit(f"The sessions file could not be checked: {exc}")

    # --- damage and restore ------------------------------------------------------------------------------

    def _after_damage(self, exc) -> None:
        """The sessions file is damaged and was moved aside (found on open, by the background check or by a read or
        write). What the consultation shows stays on screen (a new session once a file is in place); the newest
        backup is offered and restored on the owner thread, else a new empty file is used. Until then `store()`
        is None, so an autosave waits (and retries) instead of creating a file the restore would move aside."""
        self._stop_check()
        self._store = self._handle = None
        self.state = State.REPLACING
        self.interrupted.emit(f"{exc.title}. Your text is still here and will be saved as a new session once the "
                              "sessions file is usable again.")
        backup = None
        if not exc.backups:
            self._problem(exc.title, exc.advice + " No backup was found; a new, empty file will be used.")
        else:
            box = QMessageBox(QMessageBox.Warning, "decisionaid: sessions file damaged",
                              f"{exc.title}\n\n{exc.advice}\n\nRestore the latest backup ({exc.backups[0].name})?",
                              QMessageBox.Yes | QMessageBox.No, self._parent)
            box.setTextFormat(Qt.PlainText)
            if box.exec() == QMessageBox.Yes:
                backup = exc.backups[0]
        if backup is not None:
            self._restore(backup, f"Restored sessions from {backup.name}")
            return
        if exc.moved_to is None and exc.path.exists():
            self.state = State.UNAVAILABLE  # it could not be moved: reopening it would find the same damage again
        else:
            from decisionaid.sessions import setaside

            self.state = State.CLOSED
            setaside.start_empty(exc.path)  # the clinician was told and chose (or had no backup): no more reminders
            self._open(check=False)  # a new, empty file
        self.replaced.emit()

    def restore_backup(self, backup_path: str) -> None:
        """Swap in a backup chosen on the Sessions screen, on the owner thread (it is checked and copied: seconds
        for a big file); the current file is moved aside, never deleted."""
        self._flush()  # waits: what is typed (and a Save on its way) must land in this file before it is moved aside
        self._close()
        self.state = State.REPLACING
        self.interrupted.emit("Sessions are being restored from a backup. Your text is still here and will be "
                              "saved as a new session in the restored file.")
        self._restore(backup_path, f"Restored sessions from {backup_path}")

    def _restore(self, backup_path, done_message: str) -> None:
        from decisionaid import paths
        from decisionaid.sessions.backup import restore

        self.state = State.REPLACING
        self.status.emit("Restoring sessions from a backup\u2026")
        self._restore_message = done_message
        self.owner.submit(restore, backup_path, paths.database_path(), on_done=self._restored,
                          on_error=self._restore_failed)

    def _restored(self, _moved_to) -> None:
        self.state = State.CLOSED
        self.status.emit(self._restore_message)
        self._open(check=False)  # restore() has just checked the backup
        self.replaced.emit()

    def _restore_failed(self, exc) -> None:
        self.state = State.CLOSED
        self._problem(getattr(exc, "title", "The backup could not be restored"), getattr(exc, "advice", str(exc)))
        self.replaced.emit()  # the file in place (if any) opens on next use

    # --- close and reopen (the idle lock, a change of encryption), and quitting ----------------------------

    def close(self, replacing: bool = False) -> None:
        """Write what is unsaved and close the file (locking, or converting it: `replacing` keeps writes waiting
        until `reopen`)."""
        self._flush()  # waits (the idle lock, an encryption change): a write still queued once it closes is lost
        self._close()
        if replacing:
            self.state = State.REPLACING
        elif self.state is not State.REPLACING:
            self.state = State.CLOSED

    def reopen(self, message: str = "") -> None:
        """After `close(replacing=True)`: the file in place opens on next use."""
        if self.state is State.REPLACING:
            self.state = State.CLOSED
        if message:
            self.status.emit(message)
        self.replaced.emit()

    def run_exclusive(self, fn, on_done=None, on_error=None) -> None:
        """Run `fn` on the owner thread with the file closed (an encryption change): nothing else touches it
        meanwhile. Call `close(replacing=True)` first and `reopen` when it is done."""
        self.owner.submit(fn, on_done=on_done, on_error=on_error)

    def shut_down(self) -> None:
        """Quitting: stop the check, back up if anything changed, close, and end the owner thread once every
        queued write has run."""
        self._stop_check()  # a check half-way through a big file would keep the program from quitting
        if self._store is not None:
            from decisionaid import paths
            from decisionaid.sessions.errors import StoreError

            try:
                self._handle.automatic_backup(paths.backup_dir())
            except (StoreError, OSError):
                pass  # the session data itself is safe; a backup is retried at the next close
            self._close()
        self.state = State.CLOSED
        self.owner.stop()

    # --- telling the clinician ---------------------------------------------------------------------------

    def problem(self, title: str, advice: str) -> None:
        self._problem(title, advice)

    def _problem(self, title: str, advice: str, once: bool = False) -> None:
        self.status.emit(title)
        if once and self._warned:
            return  # autosave retries quietly; the consultation screen keeps showing the problem
        self._warned = once or self._warned
        box = QMessageBox(QMessageBox.Warning, "decisionaid: saved sessions", f"{title}\n\n{advice}",
                          QMessageBox.Ok, self._parent)
        box.setTextFormat(Qt.PlainText)
        box.exec()


def _run_check(check):
    """On a worker thread: (the check, True / False / None if stopped)."""
    return check, check.run()
