"""What a clinician sees when the sessions file is damaged, busy, read-only, full or from a newer version."""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from decisionaid.sessions import schema, setaside
from decisionaid.sessions.connection import connect
from decisionaid.sessions.errors import (StoreCorrupt, StoreError, StoreFull, StoreLocked, StoreReadOnly, StoreSetAside,
                                         StoreTooNew, translate)
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore


def rec(**changes) -> SessionRecord:
    base = SessionRecord(patient_ref="MRN-100234", clinician="Dr Okafor", held_at="2026-03-14T09:30",
                         notes="Typed during the consultation.", status="Incomplete")
    return dataclasses.replace(base, **changes)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sidecars(path: Path) -> list[Path]:
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm")]


@pytest.fixture
def crashed_copy(tmp_path):
    """A sessions file with its -wal and -shm, as a crash leaves them, plus two automatic backups.
    The WAL is checkpointed first: a WAL holding page 1 would let SQLite read past a damaged header."""
    live = tmp_path / "live" / "sessions.sqlite3"
    store = SessionStore.open(live, backup_dir=tmp_path / "data" / "backups")
    sid = store.create(rec(), "Dr Okafor")
    store.automatic_backup()
    store.save(sid, rec(notes="second save"), "Dr Okafor")
    store.automatic_backup()
    store.autosave(sid, rec(notes="a draft"), "Dr Okafor")
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = tmp_path / "data" / "sessions.sqlite3"
    for src, dst in zip(sidecars(live), sidecars(target)):
        shutil.copy(src, dst)
    store.close()
    return target


def test_garbage_over_the_header_moves_the_file_aside_and_offers_backups(crashed_copy):
    with open(crashed_copy, "r+b") as f:
        f.write(b"this is not a database, it was overwritten" * 3)
    before = {p.name[len(crashed_copy.name):]: digest(p) for p in sidecars(crashed_copy)}
    with pytest.raises(StoreCorrupt) as caught:
        SessionStore.open(crashed_copy)
    error = caught.value
    assert error.moved_to.name.startswith("sessions.sqlite3.damaged-")
    after = {suffix: digest(Path(f"{error.moved_to}{suffix}")) for suffix in before}
    assert after == before  # all three moved, byte for byte
    assert not any(p.exists() for p in sidecars(crashed_copy))
    assert [b.revision for b in error.backups] == [2, 1]  # newest first
    assert "moved aside" in error.advice and "backup" in error.advice
    with pytest.raises(StoreSetAside) as again:  # never silently an empty file in its place
        SessionStore.open(crashed_copy)
    assert again.value.moved_to == error.moved_to and again.value.backups == error.backups
    setaside.start_empty(crashed_copy)  # the clinician chose to carry on with an empty file
    with SessionStore.open(crashed_copy) as fresh:
        assert fresh.count() == 0


def test_a_damaged_page_found_by_quick_check(crashed_copy):
    with SessionStore.open(crashed_copy) as store:  # fold the WAL in, then damage a table page
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = store.db.execute("PRAGMA page_size").fetchone()[0]
        root = store.db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'revisions'").fetchone()[0]
    with open(crashed_copy, "r+b") as f:
        f.seek((root - 1) * page_size + 8)
        f.write(b"\xff\x00\xee" * 300)
    with pytest.raises(StoreCorrupt) as caught:
        SessionStore.open(crashed_copy)
    assert caught.value.moved_to.exists() and not crashed_copy.exists()


def test_a_locked_file_keeps_the_typed_record(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    store = SessionStore.open(path, busy_timeout_ms=100)
    sid = store.create(rec(), "Dr Okafor")
    other = connect(path)
    other.isolation_level = None
    other.execute("BEGIN EXCLUSIVE")
    typed = rec(notes="Do not lose this")
    with pytest.raises(StoreLocked) as caught:
        store.save(sid, typed, "Dr Okafor")
    assert caught.value.record is typed and typed.notes == "Do not lose this"
    assert "another copy of decisionaid or another program" in str(caught.value).lower()
    with pytest.raises(StoreLocked):
        store.create(typed, "Dr Okafor")
    assert store.list_page()[0].session_id == sid  # reading still works meanwhile
    other.execute("ROLLBACK")
    other.close()
    store.save(sid, typed, "Dr Okafor")
    assert store.get(sid).record == typed and store.get(sid).revision_count == 2 and store.count() == 1
    store.close()


def test_default_wait_before_reporting_busy(tmp_path):
    with SessionStore.open(tmp_path / "s.sqlite3") as store:
        assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == 2000


def test_a_full_disk_keeps_earlier_work(tmp_path):
    with SessionStore.open(tmp_path / "s.sqlite3") as store:
        sid = store.create(rec(), "Dr Okafor")
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLite reports SQLITE_FULL, like a full disk
        big = rec(notes="x" * 200_000)
        with pytest.raises(StoreFull) as caught:
            store.autosave(sid, big, "Dr Okafor")
        assert caught.value.record is big and "Free some space" in caught.value.advice
        assert store.get(sid).record == rec() and store.get(sid).revision_count == 1
        store.db.execute("PRAGMA max_page_count = 1073741823")
        store.autosave(sid, big, "Dr Okafor")
        assert store.get(sid).draft == big


def test_writes_refused_by_sqlite_are_read_only_errors(tmp_path):
    with SessionStore.open(tmp_path / "s.sqlite3") as store:
        sid = store.create(rec(), "Dr Okafor")
        store.db.execute("PRAGMA query_only = ON")  # SQLite answers SQLITE_READONLY, as for a read-only file
        with pytest.raises(StoreReadOnly) as caught:
            store.save(sid, rec(notes="later"), "Dr Okafor")
        assert caught.value.record == rec(notes="later")
        store.db.execute("PRAGMA query_only = OFF")
        store.save(sid, rec(notes="later"), "Dr Okafor")


def _chmod_works(path: Path, mode: int) -> bool:
    path.chmod(mode)
    return not os.access(path, os.W_OK)


def test_a_read_only_folder(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    try:
        if not _chmod_works(folder, 0o500):
            pytest.skip("file permissions are not enforced here (root?)")
        with pytest.raises(StoreReadOnly) as caught:
            SessionStore.open(folder / "sessions.sqlite3")
        assert str(folder) in caught.value.advice
    finally:
        folder.chmod(0o700)


def test_a_read_only_file(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    with SessionStore.open(path) as store:
        store.create(rec(), "Dr Okafor")
    try:
        if not _chmod_works(path, 0o400):
            pytest.skip("file permissions are not enforced here (root?)")
        with pytest.raises(StoreReadOnly):
            SessionStore.open(path)
    finally:
        path.chmod(0o600)


def test_a_file_from_a_newer_version_is_left_alone(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    with SessionStore.open(path) as store:
        store.create(rec(), "Dr Okafor")
        store.db.execute("PRAGMA user_version = 7")
    before = digest(path)
    with pytest.raises(StoreTooNew) as caught:
        SessionStore.open(path)
    assert (caught.value.found, caught.value.known) == (7, schema.CURRENT)
    assert "newer decisionaid" in str(caught.value) and "not changed" in caught.value.advice
    assert digest(path) == before
    assert not (tmp_path / "backups").exists()


@pytest.mark.parametrize("error,kind", [
    (OSError(errno.ENOSPC, "No space left on device"), StoreFull),
    (OSError(errno.EACCES, "Permission denied"), StoreReadOnly),
    (OSError(errno.EROFS, "Read-only file system"), StoreReadOnly),
    (OSError(errno.ENOENT, "No such file or directory"), StoreError),
])
def test_file_errors_become_store_errors(tmp_path, error, kind):
    translated = translate(error, tmp_path / "x.csv")
    assert type(translated) is kind and translated.title and translated.advice


def test_every_message_is_one_line_with_a_title_and_advice(tmp_path):
    path = tmp_path / "s.sqlite3"
    errors = [StoreLocked(path), StoreReadOnly(path), StoreFull(path), StoreTooNew(path, 3, 2),
              StoreCorrupt(path, tmp_path / "s.sqlite3.damaged-x", ())]
    for e in errors:
        assert e.title and e.advice.endswith(".") and "\n" not in str(e)
        assert isinstance(e, StoreError) and not isinstance(e, sqlite3.Error)
