"""Backups: consistent copies, taken only when something changed, thinned over time, restored safely."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import sqlite3
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from decisionaid.sessions import backup
from decisionaid.sessions.backup import Backup, list_backups, restore, thinned
from decisionaid.sessions.errors import StoreCorrupt, StoreError, StoreTooNew
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore


def rec(**changes) -> SessionRecord:
    base = SessionRecord(patient_ref="MRN-100234", clinician="Dr Okafor", held_at="2026-03-14T09:30",
                         answers={"pregnancy": "no"}, notes="First visit. 😊", status="Incomplete")
    return dataclasses.replace(base, **changes)


def snapshot(store: SessionStore) -> list:
    return [(s, store.get(s.session_id), store.history(s.session_id, include_autosaves=True))
            for s in store.list_page(limit=1000)]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def filled(tmp_path):
    store = SessionStore.open(tmp_path / "sessions.sqlite3")
    a = store.create(rec(), "Dr Okafor")
    store.amend(a, rec(decision="proceed"), "Dr Okafor", "Decided on the phone")
    b = store.create(rec(patient_ref="MRN-2", held_at="2026-03-15T10:00"), "Dr Okafor")
    store.autosave(b, rec(patient_ref="MRN-2", held_at="2026-03-15T10:00", notes="draft"), "Dr Okafor")
    yield store
    store.close()


def test_backup_then_restore_gives_the_same_sessions(filled, tmp_path):
    before = snapshot(filled)
    copy = filled.backup_to(tmp_path / "copy.sqlite3")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert not Path(f"{copy}-wal").exists() and not Path(f"{copy}-journal").exists()
    filled.create(rec(patient_ref="MRN-after-backup"), "Dr Okafor")
    filled.close()
    moved = restore(copy, filled.path)
    assert moved is not None and moved.exists() and moved.name.startswith("sessions.sqlite3.replaced-")
    with SessionStore.open(moved) as old:
        assert old.count() == 3  # the replaced file is kept, with the session made after the backup
    with SessionStore.open(filled.path) as again:
        assert snapshot(again) == before
        assert again.search("draft")[0].patient_ref == "MRN-2"
        assert stat.S_IMODE(filled.path.stat().st_mode) == 0o600


def test_restore_refuses_a_damaged_backup_and_changes_nothing(filled, tmp_path):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)
    filled.close()
    current = digest(filled.path)
    with pytest.raises(StoreCorrupt) as caught:
        restore(bad, filled.path)
    assert caught.value.title == "That backup is damaged" and caught.value.moved_to is None
    assert digest(filled.path) == current and bad.exists()


def test_restore_refuses_a_backup_from_a_newer_version(filled, tmp_path):
    newer = filled.backup_to(tmp_path / "newer.sqlite3")
    filled.close()
    with SessionStore.open(newer) as s:
        s.db.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreTooNew):
        restore(newer, filled.path)
    with SessionStore.open(filled.path) as s:
        assert s.count() == 2


def test_backup_holds_work_not_yet_checkpointed(filled, tmp_path):
    sid = filled.list_page()[0].session_id
    filled.autosave(sid, rec(notes="only in the WAL so far"), "Dr Okafor")
    copy = filled.backup_to(tmp_path / "c.sqlite3")
    with SessionStore.open(copy) as s:
        assert s.get(sid).draft.notes == "only in the WAL so far"


def test_automatic_backup_only_when_something_changed(filled, tmp_path):
    folder = tmp_path / "auto"
    first = filled.automatic_backup(folder)
    assert first is not None and first.path.exists() and first.revision == 4
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(first.path.stat().st_mode) == 0o600
    assert filled.automatic_backup(folder) is None
    assert filled.automatic_backup(folder) is None
    filled.save(1, rec(notes="changed"), "Dr Okafor")
    second = filled.automatic_backup(folder)
    assert second is not None and second.revision == 5
    assert [b.path for b in list_backups(folder)] == [second.path, first.path]


def test_an_empty_store_is_not_backed_up(tmp_path):
    with SessionStore.open(tmp_path / "s.sqlite3") as store:
        assert store.automatic_backup(tmp_path / "auto") is None
        assert list_backups(tmp_path / "auto") == []


NOW = datetime(2026, 6, 15, 12, 0, tzinfo=timezone.utc)


def fake(hours_ago: float, revision: int = 1) -> Backup:
    return Backup(Path(f"b{hours_ago}"), NOW - timedelta(hours=hours_ago), revision)


def test_thinning_keeps_a_day_then_daily_then_monthly():
    hourly = [fake(h) for h in range(0, 24 * 90, 1)]  # every hour for 90 days, newest first
    removed = set(thinned(hourly, NOW))
    kept = [b for b in hourly if b not in removed]
    assert all(b in kept for b in hourly if NOW - b.taken_at <= timedelta(days=1))
    daily = [b for b in kept if timedelta(days=1) < NOW - b.taken_at <= timedelta(days=30)]
    days = {b.taken_at.date() for b in hourly if timedelta(days=1) < NOW - b.taken_at <= timedelta(days=30)}
    assert len({b.taken_at.date() for b in daily}) == len(daily) == len(days) - 1  # that day has backups from the last 24 h
    old = [b for b in kept if NOW - b.taken_at > timedelta(days=30)]
    assert len({(b.taken_at.year, b.taken_at.month) for b in old}) == len(old) == 3  # May, April, March
    assert all(b.taken_at == max(x.taken_at for x in hourly if x.taken_at.date() == b.taken_at.date())
               for b in daily)  # the newest of each day is the one kept


def test_thinning_never_removes_the_newest():
    ancient = [fake(24 * 400), fake(24 * 401), fake(24 * 402)]
    assert thinned(ancient, NOW) == ancient[1:]
    assert thinned(ancient[:1], NOW) == []
    assert thinned([], NOW) == []


def test_automatic_backup_thins_old_files(filled, tmp_path):
    folder = tmp_path / "auto"
    made = filled.automatic_backup(folder)
    for days in (40, 41, 70, 100, 101):  # older backups of the same store, as if made on those days
        taken = made.taken_at - timedelta(days=days)
        shutil.copy(made.path, folder / f"sessions-{taken:%Y%m%dT%H%M%SZ}-r{days}.sqlite3")
    filled.save(1, rec(notes="new"), "Dr Okafor")
    newest = backup.automatic_backup(filled.db.conn, filled.path, folder, now=made.taken_at)
    left = {b.revision for b in list_backups(folder)}
    assert newest.revision in left and made.revision in left
    assert left - {newest.revision, made.revision} == {40, 70, 100}  # one per month, the newest of each


def test_restore_refuses_a_file_that_is_not_a_sessions_backup(filled, tmp_path):
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE contacts (name)")
    conn.commit()
    conn.close()
    filled.close()
    with pytest.raises(StoreError, match="holds no consultation records"):
        restore(other, filled.path)
    with SessionStore.open(filled.path) as s:
        assert s.count() == 2
