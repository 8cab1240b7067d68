"""What can go wrong with the sessions file, in words a clinician can act on.

Every error has `.title` (a heading) and `.advice` (what to do); str() joins them on one line.
A write that fails carries the unsaved record in `.record`, so the caller can keep it on screen.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

# Primary SQLite result codes (extended codes keep these in their low byte).
_ERROR, _BUSY, _LOCKED, _READONLY, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 1, 5, 6, 8, 11, 13, 14, 26


class StoreError(Exception):
    def __init__(self, title: str, advice: str, path: Path | None = None):
        self.title, self.advice, self.path = title, advice, path
        self.record = None
        super().__init__(f"{title}. {advice}")


class StoreLocked(StoreError):
    def __init__(self, path: Path):
        super().__init__("The sessions file is in use",
                         "Another copy of decisionaid or another program is using the file; "
                         "close it and try again.", path)


class StoreReadOnly(StoreError):
    def __init__(self, path: Path):
        super().__init__(f"{path.name} cannot be written",
                         f"Your account may not change files in {path.parent}, or the disk is read-only; "
                         "ask your IT support for write access or choose another folder.", path)


class StoreFull(StoreError):
    def __init__(self, path: Path):
        super().__init__("The disk is full",
                         f"Free some space on the disk that holds {path.parent} and try again; "
                         "what was saved before is safe.", path)


class StoreCorrupt(StoreError):
    """`.moved_to` is where the damaged file went (None if it was not moved); `.backups` newest first."""

    def __init__(self, path: Path, moved_to: Path | None, backups: tuple = (), title: str = ""):
        where = f"it was moved aside to {moved_to.name} (nothing was deleted)" if moved_to else "it was not changed"
        super().__init__(title or "The sessions file is damaged",
                         f"{path.name} cannot be read and {where}; restore the latest backup "
                         "or ask your IT support for help.", path)
        self.moved_to, self.backups = moved_to, tuple(backups)


class StoreSetAside(StoreCorrupt):
    """The file was found damaged earlier and moved aside (`.moved_to`, at `.when`, UTC ISO text); nothing has been
    chosen since. Opening refuses until a backup is restored or the clinician chooses to start with an empty file
    (sessions/setaside.py), so an empty store never silently takes the old one's place."""

    def __init__(self, path: Path, moved_to: Path | None, when: str, backups: tuple = ()):
        super().__init__(path, moved_to, backups, title="The sessions file was set aside")
        self.when = when
        where = f"moved aside to {moved_to.name}" if moved_to else "moved aside"
        day = when[:16].replace("T", " ") + " UTC" if when else "earlier"
        self.advice = (f"{path.name} could not be read and was {where} on {day} (nothing was deleted); restore a "
                       "backup, or choose to start with an empty sessions file.")
        self.args = (f"{self.title}. {self.advice}",)


class RecordDamaged(StoreError):
    """One stored revision cannot be read (its text is not valid, or it is not a record); the rest of the file can.
    Never quotes the stored text."""

    def __init__(self, path: Path, session_id: int | None, revision_id: int | None, missing: bool = False):
        which = f"Session {session_id}" if session_id is not None else "A session"
        if revision_id is not None:
            which += f" revision {revision_id}"
        super().__init__(f"{which} is {'missing' if missing else 'damaged'}",
                         "That saved version cannot be read; the other sessions are not affected and nothing was "
                         "changed. Restore a backup to get it back, or ask your IT support for help.", path)
        self.session_id, self.revision_id = session_id, revision_id


class StoreForeign(StoreError):
    """A SQLite file of another program where the sessions file should be. It is refused unchanged."""

    def __init__(self, path: Path):
        super().__init__(f"{path.name} is not a decisionaid sessions file",
                         f"It is a database of another program and was not changed; move it out of {path.parent} "
                         "or choose another data folder.", path)


class StoreTooNew(StoreError):
    def __init__(self, path: Path, found: int, known: int):
        super().__init__("The sessions file is from a newer decisionaid",
                         f"{path.name} has format version {found} and this copy reads up to version {known}; "
                         "install the newer decisionaid (the file was not changed).", path)
        self.found, self.known = found, known


class PassphraseNeeded(StoreError):
    """The sessions file is encrypted and the app is locked (not unlocked yet, or locked after an idle time)."""

    def __init__(self, path: Path):
        super().__init__("The sessions are locked",
                         "Enter your passphrase to use saved sessions (the evidence screens work without it).", path)


class WrongPassphrase(StoreError):
    def __init__(self, path: Path, advice: str = ""):
        super().__init__("Wrong passphrase",
                         advice or "That passphrase does not unlock the sessions file; check Caps Lock and the "
                         "keyboard layout and try again. The file was not changed.", path)


class NoSuchSession(StoreError):
    def __init__(self, path: Path, what: str):
        super().__init__("Not found", f"There is no {what} in {path.name}.", path)


def database_errors() -> tuple[type[Exception], ...]:
    """The exception classes a database call can raise: sqlite3's, and SQLCipher's (its own, not sqlite3's)."""
    global _DATABASE_ERRORS
    if _DATABASE_ERRORS is None:
        from sqlcipher3 import dbapi2 as sqlcipher

        _DATABASE_ERRORS = (sqlite3.Error, sqlcipher.Error)
    return _DATABASE_ERRORS


_DATABASE_ERRORS = None


def is_corruption(exc: BaseException) -> bool:
    """SQLite's "damaged" codes; also SQLCipher's bare "SQL logic error", which is what it raises when a page of an
    encrypted file fails its HMAC check (damaged on disk; a wrong passphrase is caught earlier by the key check)."""
    if not isinstance(exc, database_errors()):
        return False
    if _code(exc) in (_CORRUPT, _NOTADB):
        return True
    return (_code(exc) == _ERROR and type(exc).__module__.startswith("sqlcipher3")
            and str(exc) == "SQL logic error")


def translate(exc: Exception, path: Path) -> StoreError:
    """The StoreError for a failure on `path` (corruption is handled by the caller, which moves the file)."""
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return StoreFull(path)
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return StoreReadOnly(path)
        return StoreError("The file could not be used", f"{path}: {exc.strerror or exc}.", path)
    if is_undecodable(exc):
        return StoreError("Some text in the sessions file is damaged",
                          "A saved value is not valid text and cannot be shown; nothing was changed. Restore a "
                          "backup, or ask your IT support for help.", path)
    code = _code(exc)
    if code in (_BUSY, _LOCKED):
        return StoreLocked(path)
    if code == _READONLY or (code == _CANTOPEN and not writable(path)):
        return StoreReadOnly(path)
    if code == _FULL:
        return StoreFull(path)
    if code == _CANTOPEN:
        return StoreError("The sessions file could not be opened",
                          f"Check that {path.parent} exists and is reachable, then try again.", path)
    return StoreError("The sessions file could not be used", f"SQLite reported: {exc}.", path)


def is_undecodable(exc: BaseException) -> bool:
    """sqlite3's error for a TEXT value that is not UTF-8. Its message quotes the bytes (patient text): never
    show it."""
    return isinstance(exc, database_errors()) and str(exc).startswith("Could not decode to UTF-8")


def writable(path: Path) -> bool:
    """Whether this account may change `path` (or create it, if it does not exist yet)."""
    if path.exists():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    return os.access(path.parent, os.W_OK)


def _code(exc: Exception) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF
