"""Opening without the slow quick_check, checking on another thread instead, and reading from worker threads
through read-only connections."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from decisionaid.sessions import setaside
from decisionaid.sessions.backup import list_backups
from decisionaid.sessions.errors import StoreCorrupt, StoreError
from decisionaid.sessions.listing import Filters
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import QuickCheck, SessionStore, quick_check, read_page

V1 = Path(__file__).with_name("fixtures") / "sessions-v1.sqlite3"


def rec(**changes) -> SessionRecord:
    base = SessionRecord(patient_ref="MRN-100234", clinician="Dr Okafor", held_at="2026-03-14T09:30",
                         notes="Typed during the consultation.", status="Incomplete")
    return dataclasses.replace(base, **changes)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def damage(path: Path, table: str) -> None:
    """Overwrite part of `table`'s root page, as a failing disk would (the WAL folded in first)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
    finally:
        conn.close()
    with open(path, "r+b") as f:
        f.seek((root - 1) * page_size + 8)
        f.write(b"\xff\x00\xee" * 300)


@pytest.fixture
def damaged(tmp_path) -> Path:
    """Two saved sessions and a backup, then the search index's table damaged: listing and writing still work,
    only quick_check (or a search) reads the damaged page."""
    path = tmp_path / "data" / "sessions.sqlite3"
    with SessionStore.open(path) as store:
        store.create(rec(), "Dr Okafor")
        store.automatic_backup()
        store.create(rec(patient_ref="MRN-2"), "Dr Okafor")
    damage(path, "sessions_fts_data")
    return path


def test_open_without_check_leaves_the_damage_to_the_background_check(damaged):
    with SessionStore.open(damaged, check=False) as store:
        assert [s.patient_ref for s in store.list_page()] == ["MRN-2", "MRN-100234"]
    before = digest(damaged)
    assert QuickCheck(damaged).run() is False
    assert digest(damaged) == before  # the check changes nothing
    with pytest.raises(StoreCorrupt):
        SessionStore.open(damaged)  # with the check, as the CLI opens it


def test_a_healthy_file_passes(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    with SessionStore.open(path) as store:
        store.create(rec(), "Dr Okafor")
        assert quick_check(path) is True  # while the store has it open, as in the app


def test_garbage_over_the_header_is_damage_not_an_error(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    path.write_bytes(b"this is not a database, it was overwritten" * 100)
    assert QuickCheck(path).run() is False


def test_a_missing_file_is_an_error_and_is_never_created(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    with pytest.raises(StoreError):
        QuickCheck(path).run()
    with pytest.raises(StoreError):
        read_page(path)
    assert not list(tmp_path.iterdir())


def test_a_stopped_check_reports_nothing(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    SessionStore.open(path).close()
    check = QuickCheck(path)
    check.stop()
    assert check.run() is None


def test_set_aside_damaged_moves_the_file_and_offers_backups_once(damaged):
    store = SessionStore.open(damaged, check=False)
    error = store.set_aside_damaged()
    assert isinstance(error, StoreCorrupt) and error.moved_to.name.startswith("sessions.sqlite3.damaged-")
    assert not damaged.exists() and error.moved_to.exists()
    assert [b.revision for b in error.backups] == [1]
    assert store.damage is error
    setaside.start_empty(damaged)  # the clinician chose an empty file (until then opening says it was set aside)
    SessionStore.open(damaged).close()  # a new file in its place ...
    assert store.set_aside_damaged() is error and damaged.exists()  # ... is never moved by the old store


def test_a_file_to_migrate_is_checked_even_when_opened_without_check(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    shutil.copy(V1, path)
    damage(path, "revisions_by_session")  # read by neither the backup nor the migration itself
    with pytest.raises(StoreCorrupt):
        SessionStore.open(path, check=False)
    assert not list_backups(tmp_path / "backups")  # no backup of a damaged file, no migration


@pytest.fixture
def filled(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    store = SessionStore.open(path)
    for i in range(30):
        store.create(rec(patient_ref=f"MRN-{i:03d}", held_at=f"2026-03-{1 + i % 28:02d}T09:{i:02d}",
                         decision=("proceed", "defer", None)[i % 3],
                         notes="ptosis worry" if i % 4 == 0 else "sleep poor"), "Dr Okafor")
    yield store
    store.close()


def test_read_page_returns_what_the_store_returns(filled):
    path = filled.path
    assert read_page(filled.path, limit=7) == filled.list_page(limit=7)
    after = filled.list_page(limit=7)[-1].key
    assert read_page(path, after=after, limit=7) == filled.list_page(after=after, limit=7)
    only = Filters(decisions=("defer", None), date_from="2026-03-05")
    assert read_page(path, filters=only) == filled.list_page(filters=only)
    assert read_page(path, "pto") == filled.search("pto") and len(read_page(path, "pto")) == 8
    assert read_page(path, "pto", filters=only) == filled.search("pto", filters=only)


def test_read_page_never_writes_so_the_writer_indexes_drafts_first(filled):
    sid = filled.list_page(limit=1)[0].session_id
    filled.autosave(sid, rec(notes="eyebrow droop"), "Dr Okafor")
    assert read_page(filled.path, "eyebrow") == []  # a reader does not bring the index up to date
    filled.update_search_index()
    assert [s.session_id for s in read_page(filled.path, "eyebrow")] == [sid]
