"""The one place a connection to a sessions file is made (issue 6 will open every file through SQLCipher here)."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

BUSY_TIMEOUT_MS = 2000


def connect(path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS, read_only: bool = False) -> sqlite3.Connection:
    """A plain connection that waits up to `busy_timeout_ms` for another writer before reporting "busy".
    `read_only`: it can neither write nor create the file (checks and reads on worker threads); a file that is not
    there is an error (SQLITE_CANTOPEN), never a new empty one."""
    if read_only:
        uri = Path(os.path.abspath(path)).as_uri() + "?mode=ro"
        return sqlite3.connect(uri, uri=True, timeout=busy_timeout_ms / 1000)
    return sqlite3.connect(os.fspath(path), timeout=busy_timeout_ms / 1000)


def database(conn: sqlite3.Connection):
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
