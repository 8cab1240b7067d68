"""The one place a connection to a sessions file is made: plain files through sqlite3, encrypted ones through
SQLCipher (sqlcipher3) with the key unlocked in this process.

The key lives only in memory (`set_key` after the passphrase was checked, `forget_key` on lock and quit). It is
the raw 256-bit key derived from the passphrase, so no connection pays for the slow key derivation again. A file is
encrypted when its first 16 bytes are not SQLite's header (SQLCipher stores the salt there); a new or empty file is
created encrypted while a key is set. With no key set every file is opened plain, as before encryption existed.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from decisionaid.sessions.errors import PassphraseNeeded

BUSY_TIMEOUT_MS = 2000
SQLITE_HEADER = b"SQLite format 3\x00"
AUTO = "auto"  # connect(key=AUTO): choose by the file's header and the key in memory


@dataclass(frozen=True, repr=False)
class Key:
    """A SQLCipher raw key (32 bytes) and the salt every file encrypted with it carries (16 bytes)."""

    raw: bytes
    salt: bytes

    def pragma(self) -> str:
        """The value for PRAGMA key / ATTACH ... KEY: the raw key and salt, so SQLCipher skips its key derivation
        and a file it creates carries our salt (it then also opens with the passphrase in the sqlcipher shell)."""
        return f"\"x'{self.raw.hex()}{self.salt.hex()}'\""

    def __repr__(self) -> str:
        return "Key(<hidden>)"


_key: Key | None = None
_locked = False  # encryption is in use but no key is in memory: encrypted files are refused, not "damaged"
_key_lock = threading.Lock()


def set_key(key: Key) -> None:
    global _key, _locked
    with _key_lock:
        _key, _locked = key, False


def forget_key(locked: bool = True) -> None:
    """Drop the key from memory. `locked`: encryption stays in use, so an encrypted file is refused with
    PassphraseNeeded until `set_key` (False: encryption was turned off)."""
    global _key, _locked
    with _key_lock:
        _key, _locked = None, locked


def is_locked() -> bool:
    with _key_lock:
        return _locked


def current_key() -> Key | None:
    with _key_lock:
        return _key


def is_encrypted(path: Path) -> bool:
    """Whether `path` holds a file that is not a plain SQLite database (encrypted, or damaged past its header)."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError:
        return False
    return bool(head) and head != SQLITE_HEADER


def connect(path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS, read_only: bool = False, key=AUTO):
    """A connection that waits up to `busy_timeout_ms` for another writer before reporting "busy".
    `read_only`: it can neither write nor create the file (checks and reads on worker threads); a file that is not
    there is an error (SQLITE_CANTOPEN), never a new empty one. `key`: AUTO (see the module), None (plain) or a Key."""
    if key == AUTO:
        key = current_key()
        if key is not None and path_is_plain(path):
            key = None
        elif key is None and is_locked() and is_encrypted(path):
            raise PassphraseNeeded(Path(path))
    target = Path(os.path.abspath(path)).as_uri() + "?mode=ro" if read_only else os.fspath(path)
    if key is None:
        return sqlite3.connect(target, uri=read_only, timeout=busy_timeout_ms / 1000)
    from sqlcipher3 import dbapi2 as sqlcipher

    conn = sqlcipher.connect(target, uri=read_only, timeout=busy_timeout_ms / 1000)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our error to report, not a stderr line
        conn.execute(f"PRAGMA key = {key.pragma()}")
    except BaseException:
        conn.close()
        raise
    return conn


def key_of(conn) -> Key | None:
    """The key a connection made by `connect` uses (None for a plain sqlite3 connection)."""
    return None if isinstance(conn, sqlite3.Connection) else current_key()


def path_is_plain(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == SQLITE_HEADER
    except OSError:
        return False


def database(conn):
    """Wrap `conn` in a sqlite-utils Database (plugins off: nothing outside decisionaid touches patient data)."""
    return _sqlite_utils_database()(conn, execute_plugins=False)


def _sqlite_utils_database():
    """sqlite-utils imports pandas and numpy whenever they are installed (0.4 s here), only to recognise their
    types on insert, which we never use; hide them while it is first imported."""
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None
    try:
        from sqlite_utils import Database
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return Database
