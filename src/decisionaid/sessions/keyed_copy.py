"""One sessions file copied into a new file under another key (or none), and the copy checked: the step every change
of encryption (crypto.py) and every restore of a plain backup into an encrypted set-up (backup.py) is made of.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from decisionaid.sessions.connection import Key, connect
from decisionaid.sessions.errors import StoreCorrupt, StoreError, database_errors, is_corruption, translate


def export_file(source: Path, source_key: Key | None, target: Path, target_key: Key | None) -> None:
    """Copy the sessions file `source` into the new file `target` with another key (None: plain), with
    sqlcipher_export, then check the copy holds the same sessions and revisions. Raises StoreError."""
    from sqlcipher3 import dbapi2 as sqlcipher

    try:
        conn = sqlcipher.connect(os.fspath(source))
        try:
            if source_key is not None:
                conn.execute(f"PRAGMA key = {source_key.pragma()}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            target_pragma = target_key.pragma() if target_key is not None else "''"
            conn.execute(f"ATTACH DATABASE ? AS target KEY {target_pragma}", [os.fspath(target)])
            conn.execute("SELECT sqlcipher_export('target')")
            conn.execute(f"PRAGMA target.user_version = {int(version)}")
            conn.commit()
            conn.execute("DETACH DATABASE target")
            expected = _fingerprint(conn)
        finally:
            conn.close()
        copy = connect(target, key=target_key)
        try:
            copy.execute("PRAGMA journal_mode = DELETE")
            ok = (copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                  and _fingerprint(copy) == expected)
        finally:
            copy.close()
    except database_errors() as exc:
        if is_corruption(exc):
            raise StoreCorrupt(Path(source), None, title="The sessions file could not be converted") from exc
        raise translate(exc, Path(source)) from exc
    if not ok:
        raise StoreError("The converted copy did not match",
                         "Nothing was changed; try again, and ask your IT support if it happens again.", Path(source))


def _fingerprint(conn) -> tuple:
    """What must survive a conversion: the format version, every session row and every revision."""
    digest = hashlib.sha256()
    for row in conn.execute("SELECT id, session_id, kind, author, created_at, reason, payload FROM revisions "
                            "ORDER BY id"):
        digest.update(repr(row).encode("utf-8"))
    sessions = conn.execute("SELECT count(*), total(latest_revision) FROM sessions").fetchone()
    return conn.execute("PRAGMA user_version").fetchone()[0], tuple(sessions), digest.hexdigest()
