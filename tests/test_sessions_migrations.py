"""Schema versions: a real version 1 file (tests/fixtures) migrates with every record intact, after a backup."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from decisionaid.sessions import schema
from decisionaid.sessions.backup import list_backups
from decisionaid.sessions.errors import StoreError
from decisionaid.sessions.record import SessionRecord
from decisionaid.sessions.store import SessionStore

FIXTURES = Path(__file__).with_name("fixtures")
V1 = FIXTURES / "sessions-v1.sqlite3"


def rows(path: Path, sql: str) -> list:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def v1_copy(tmp_path) -> Path:
    path = tmp_path / "sessions.sqlite3"
    shutil.copy(V1, path)
    return path


def test_the_fixture_is_version_1_and_matches_its_script(tmp_path):
    assert rows(V1, "PRAGMA user_version") == [(1,)]
    fresh = tmp_path / "regenerated.sqlite3"
    subprocess.run([sys.executable, str(FIXTURES / "make_sessions_v1.py"), str(fresh)], check=True)
    for sql in ("SELECT sql FROM sqlite_master ORDER BY name", "SELECT * FROM sessions ORDER BY id",
                "SELECT * FROM revisions ORDER BY id"):
        assert rows(fresh, sql) == rows(V1, sql)


def test_version_1_migrates_with_every_record_intact(v1_copy, tmp_path):
    original = hashlib.sha256(V1.read_bytes()).hexdigest()
    revisions = rows(v1_copy, "SELECT id, session_id, kind, author, created_at, reason, payload FROM revisions")
    sessions = rows(v1_copy, "SELECT id, saved_revision, draft_revision, latest_revision FROM sessions")
    assert len(revisions) == 5 and len(sessions) == 3
    with SessionStore.open(v1_copy) as store:
        assert schema.version(store.db) == schema.CURRENT
        for rid, sid, kind, author, created_at, reason, payload in revisions:
            revision = store.revision(rid)
            assert (revision.session_id, revision.kind, revision.author, revision.created_at, revision.reason) == (
                sid, kind, author, created_at, reason)
            assert revision.record == SessionRecord.from_dict(json.loads(payload))
            assert store.db.execute("SELECT payload FROM revisions WHERE id = ?", [rid]).fetchone()[0] == payload
        for sid, saved, draft, latest in sessions:
            view = store.get(sid)
            assert (view.saved_revision_id, view.latest_revision_id) == (saved, latest)
            assert view.record == store.revision(saved or draft).record
            assert (view.draft is not None) == (draft is not None)
        # What version 2 adds works on the old data: search (including the never-saved draft) and append-only.
        assert [s.session_id for s in store.search("handout")] == [1]
        assert [s.session_id for s in store.search("<b>bold</b>")] == [3]
        assert [s.session_id for s in store.search("cafe")] == [2]
        with pytest.raises(sqlite3.IntegrityError):
            store.db.execute("DELETE FROM revisions WHERE id = 1")
        store.save(3, store.get(3).record, "Dr Lindqvist")
        assert store.get(3).saved_revision_id == 6
    assert hashlib.sha256(V1.read_bytes()).hexdigest() == original


def test_a_backup_is_taken_before_migrating(v1_copy):
    with SessionStore.open(v1_copy) as store:
        backups = list_backups(store.backup_dir)
    assert len(backups) == 1 and backups[0].path.name.endswith("-r5-before-v2.sqlite3")
    assert rows(backups[0].path, "PRAGMA user_version") == [(1,)]
    assert rows(backups[0].path, "SELECT * FROM revisions ORDER BY id") == rows(V1, "SELECT * FROM revisions ORDER BY id")
    with SessionStore.open(v1_copy) as store:  # already current: no second backup
        assert len(list_backups(store.backup_dir)) == 1


def test_a_new_file_starts_at_the_current_version_without_a_backup(tmp_path):
    with SessionStore.open(tmp_path / "sessions.sqlite3") as store:
        assert schema.version(store.db) == schema.CURRENT
        assert list_backups(store.backup_dir) == []


def test_a_failed_migration_leaves_the_file_as_it_was(v1_copy, monkeypatch):
    with SessionStore.open(v1_copy) as store:
        before = store.db.execute("SELECT * FROM revisions ORDER BY id").fetchall()
    broken = ("CREATE TABLE later_feature (x)", "CREATE TABLE sessions (x)")  # the second statement fails
    monkeypatch.setattr(schema, "STEPS", schema.STEPS + (broken,))
    monkeypatch.setattr(schema, "CURRENT", schema.CURRENT + 1)
    with pytest.raises(StoreError):
        SessionStore.open(v1_copy)
    assert rows(v1_copy, "PRAGMA user_version") == [(2,)]
    assert rows(v1_copy, "SELECT name FROM sqlite_master WHERE name = 'later_feature'") == []
    assert rows(v1_copy, "SELECT * FROM revisions ORDER BY id") == before
    assert any(b.path.name.endswith("-before-v3.sqlite3") for b in list_backups(v1_copy.parent / "backups"))
