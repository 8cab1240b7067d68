"""Backups of the sessions file, made with SQLite's backup API so they are consistent while the file is in use.

Automatic backups are named `<stem>-<UTC time>-r<newest revision id>.sqlite3` in a folder beside the database,
taken only when something changed, and thinned: all from the last day, the newest of each day for 30 days,
the newest of each month before that. The newest backup is never removed.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from decisionaid.sessions import schema, setaside
from decisionaid.sessions.connection import connect, current_key, key_of, path_is_plain
from decisionaid.sessions.keyed_copy import export_file
from decisionaid.sessions.errors import (StoreCorrupt, StoreError, StoreTooNew, database_errors, is_corruption,
                                         translate)
from decisionaid.files import _fsync_folder, move_aside, owner_only, replacing

_STAMP = "%Y%m%dT%H%M%SZ"
_NAME = re.compile(r"(?P<stem>.+)-(?P<stamp>[0-9]{8}T[0-9]{6}Z)-r(?P<rev>[0-9]+)(?:-before-v[0-9]+)?\.sqlite3")


@dataclass(frozen=True)
class Backup:
    """A backup file; usable wherever a path is (e.g. `restore(backup, db_path)`)."""

    path: Path
    taken_at: datetime  # UTC
    revision: int  # the newest revision id it holds (0: none)

    @property
    def name(self) -> str:
        return self.path.name

    def __fspath__(self) -> str:
        return str(self.path)


def backup_to(conn: sqlite3.Connection, path: Path) -> Path:
    """Copy the open database to `path` (one self-contained owner-only file, replaced atomically).

    The copy is written to `.<name>.<random>.tmp` beside it, held under an advisory lock while it is written, and
    renamed into place; a run killed part-way leaves that temporary file, which the next open removes
    (`clean_temporary_files`: the lock tells a dead writer's file from one being written right now)."""
    path = Path(path)
    with _locked_temporary(path) as tmp:
        dest = connect(tmp, key=key_of(conn))  # an encrypted database gives an encrypted backup, same key
        try:
            conn.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")  # no -wal/-shm beside a backup
        finally:
            dest.close()
    return path


TEMP_SUFFIX = ".tmp"
_SQLITE_COMPANIONS = ("-journal", "-wal", "-shm")
_STALE_UNLOCKED_SECONDS = 600  # temporary files written without the lock (restore, settings): this old is stale


@contextmanager
def _locked_temporary(final: Path) -> Iterator[Path]:
    """Like files.replacing, but the temporary file is locked (flock) while it is written."""
    import tempfile

    with owner_only():
        fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=TEMP_SUFFIX)
    tmp = Path(name)
    try:
        _try_lock(fd)
        yield tmp
        os.fsync(fd)  # the same file SQLite wrote through its own descriptor
        tmp.chmod(0o600)
        os.replace(tmp, final)
        _fsync_folder(final.parent)
    except BaseException:
        _remove_temporary(tmp)
        raise
    finally:
        os.close(fd)


def _try_lock(fd: int) -> bool | None:
    """Take the advisory lock on `fd` without waiting: False if another process holds it, None where the platform
    has no such lock (Windows: only the age of a temporary file then tells it is stale)."""
    try:
        import fcntl
    except ImportError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _remove_temporary(tmp: Path) -> None:
    """A temporary copy and its SQLite companions go; a plain one is overwritten with zeros first."""
    for p in [tmp, *(Path(f"{tmp}{s}") for s in _SQLITE_COMPANIONS)]:
        try:
            if path_is_plain(tmp) or p != tmp:
                size, block = p.stat().st_size, b"\0" * 65536
                with open(p, "r+b") as f:
                    for _ in range(0, size, len(block)):
                        f.write(block)
                    f.flush()
                    os.fsync(f.fileno())
            p.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:  # e.g. still open elsewhere (Windows): tried again at the next open
            logging.getLogger(__name__).warning("Temporary file %s could not be removed: %s", p.name,
                                                exc.strerror or type(exc).__name__)


def _is_stale(tmp: Path, locked_by_writer: bool) -> bool:
    """Whether no process is writing `tmp`: its lock is free (backups), or it was written long ago (others)."""
    try:
        fd = os.open(tmp, os.O_RDONLY)
    except OSError:
        return False
    try:
        free = _try_lock(fd)
    finally:
        os.close(fd)  # closing drops the lock we took
    if free is False:
        return False
    if locked_by_writer and free:
        return True
    import time

    try:
        return time.time() - tmp.stat().st_mtime > _STALE_UNLOCKED_SECONDS
    except OSError:
        return False


def clean_temporary_files(db_path: Path, folder: Path | None) -> list[Path]:
    """Remove the temporary copies a killed run left (a backup, a restore, a key check being written): each is a
    whole or partial copy of the sessions, plain if encryption was off, so none may stay. Returns what was removed
    (logged by the caller with the names only)."""
    db_path = Path(db_path)
    removed = []
    places = [(db_path.parent, f".{db_path.name}.", False)]
    if folder is not None:
        places.append((Path(folder), ".", True))
    for where, prefix, is_backups in places:
        if not where.is_dir():
            continue
        for tmp in sorted(where.glob(f"{prefix}*{TEMP_SUFFIX}")):
            name = tmp.name[1:].rsplit(".", 2)[0]  # .<final name>.<random>.tmp
            ours = _NAME.fullmatch(name) if is_backups else name.startswith(db_path.name)
            if not ours or not tmp.is_file():
                continue
            if _is_stale(tmp, locked_by_writer=is_backups):
                _remove_temporary(tmp)
                removed.append(tmp)
        for companion in sorted(where.glob(f"{prefix}*{TEMP_SUFFIX}-*")):
            base = Path(str(companion).rsplit("-", 1)[0])
            if companion.name.endswith(_SQLITE_COMPANIONS) and not base.exists():
                _remove_temporary(base)  # the companions of one already gone
                removed.append(companion)
    if removed:
        _fsync_folder(db_path.parent)
        if folder is not None and Path(folder).is_dir():
            _fsync_folder(Path(folder))
    return removed


def take(conn: sqlite3.Connection, db_path: Path, folder: Path, suffix: str = "") -> Backup:
    """A named backup in `folder` (created owner-only); `suffix` marks special ones, e.g. "-before-v2"."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    revision = _newest_revision(conn)[0]
    with owner_only():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = backup_to(conn, folder / f"{db_path.stem}-{now.strftime(_STAMP)}-r{revision}{suffix}.sqlite3")
    logging.getLogger(__name__).info("Backup written: %s", path)
    return Backup(path, now, revision)


def automatic_backup(conn: sqlite3.Connection, db_path: Path, folder: Path,
                     now: datetime | None = None) -> Backup | None:
    """Back up if anything was saved since the newest backup, then thin old ones. Returns the new backup or None."""
    revision, written_at = _newest_revision(conn)
    backups = list_backups(folder)
    # A revision id can come back after a restore from an older backup, so its time is compared too.
    changed = revision and (not backups or backups[0].revision != revision
                            or datetime.fromisoformat(written_at) >= backups[0].taken_at + timedelta(seconds=1))
    made = take(conn, db_path, folder) if changed else None
    for old in thinned(list_backups(folder), now or datetime.now(timezone.utc)):
        old.path.unlink()
    return made


def is_backup_name(name: str) -> bool:
    return _NAME.fullmatch(name) is not None


def list_backups(folder: Path) -> list[Backup]:
    """Backups in `folder`, newest first (an absent folder has none)."""
    found = []
    for path in Path(folder).glob("*.sqlite3") if Path(folder).is_dir() else ():
        match = _NAME.fullmatch(path.name)
        if match:
            taken = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=timezone.utc)
            found.append(Backup(path, taken, int(match["rev"])))
    return sorted(found, key=lambda b: (b.taken_at, b.revision, b.path.name), reverse=True)


def thinned(backups: list[Backup], now: datetime) -> list[Backup]:
    """Which of `backups` (newest first) to remove: each keeps its day (or, past 30 days, its month)."""
    seen, remove = set(), []
    for index, backup in enumerate(backups):
        age = now - backup.taken_at
        bucket = backup.taken_at.date() if age <= timedelta(days=30) else (backup.taken_at.year, backup.taken_at.month)
        if index > 0 and age > timedelta(days=1) and bucket in seen:
            remove.append(backup)
        seen.add(bucket)
    return remove


def restore(backup_path: Path | Backup, db_path: Path) -> Path | None:
    """Put a backup in place of the database (close the store first). The backup is checked before anything
    changes; the current file and its -wal/-shm are moved aside, never deleted. Returns where they went."""
    backup_path, db_path = Path(backup_path), Path(db_path)
    check_file(backup_path)
    try:
        with replacing(db_path) as tmp:
            copy_in(backup_path, tmp)
            moved = move_aside(db_path, "replaced")
        setaside.clear(db_path)  # a file set aside as damaged has now been dealt with
    except OSError as exc:
        raise translate(exc, db_path) from exc
    return moved


def copy_in(source: Path, tmp: Path) -> None:
    """Copy a checked sessions file to `tmp`; a plain one is encrypted on the way while a key is set, so a restore
    never brings a plain file back into an encrypted set-up."""
    key = current_key()
    if key is None or not path_is_plain(source):
        shutil.copyfile(source, tmp)
        return
    tmp.unlink()
    with owner_only():
        export_file(source, None, tmp, key)


def check_file(path: Path) -> None:
    """Raise StoreCorrupt (nothing moved), StoreTooNew or StoreError unless `path` is a sessions file this version
    can open."""
    if not path.is_file():
        raise StoreError("Backup not found", f"There is no file {path}.", path)
    _check_key(path)
    conn = connect(path)
    try:
        found = schema.version(conn)
        if found > schema.CURRENT:
            raise StoreTooNew(path, found, schema.CURRENT)
        if found < 1 or not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'revisions'").fetchone():
            raise StoreError("Not a decisionaid backup", f"{path.name} holds no consultation records.", path)
        healthy = conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    except database_errors() as exc:
        if not is_corruption(exc):
            raise translate(exc, path) from exc
        healthy = False
    finally:
        conn.close()
    if not healthy:
        raise StoreCorrupt(path, None, list_backups(path.parent), title="That backup is damaged")


def _check_key(path: Path) -> None:
    """An encrypted backup needs the key it was made with: say so rather than calling it damaged."""
    if path_is_plain(path) or path.stat().st_size == 0:
        return
    key = current_key()
    with open(path, "rb") as f:
        salt = f.read(16)
    if key is None:
        raise StoreError("That backup is encrypted (or damaged)",
                         f"{path.name} is not a plain sessions file; if it was made while encryption was on, turn "
                         "encryption on with the same passphrase and restore it again.", path)
    if salt != key.salt:
        raise StoreError("That backup was encrypted with another passphrase",
                         f"{path.name} does not belong to this set-up's passphrase (or it is damaged); nothing was "
                         "changed.", path)


def _newest_revision(conn: sqlite3.Connection) -> tuple[int, str]:
    row = conn.execute("SELECT id, created_at FROM revisions ORDER BY id DESC LIMIT 1").fetchone()
    return row or (0, "")
