"""Schema versions: a real file of every version (tests/fixtures, each made by its committed make_sessions_vN.py)
opens at the current version with every record intact, after a backup when it had to be migrated."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from decisionaid.sessions import schema
from decisionaid.sessions.backup import list_backups
from decisionaid.sessions.errors import StoreError
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore

FIXTURES = Path(__file__).with_name("fixtures")
V1 = FIXTURES / "sessions-v1.sqlite3"
VERSIONS = range(1, schema.CURRENT + 1)


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


def fixture(version: int) -> Path:
    return FIXTURES / f"sessions-v{version}.sqlite3"


def generator(version: int):
    spec = importlib.util.spec_from_file_location(f"make_sessions_v{version}",
                                                  FIXTURES / f"make_sessions_v{version}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_is_a_fixture_file_and_its_script_for_every_schema_version():
    """Adding a schema step means adding the file of the version before it is released (schema.py says so)."""
    found = {int(m[1]) for p in FIXTURES.iterdir() if (m := re.fullmatch(r"sessions-v(\d+)\.sqlite3", p.name))}
    assert found == set(VERSIONS)
    assert all((FIXTURES / f"make_sessions_v{v}.py").exists() for v in VERSIONS)


def test_the_frozen_statements_are_the_released_steps():
    """The fixture scripts hold copies of each step as released; a released step must never change."""
    assert generator(1).V1_DDL == schema.STEPS[0]
    assert generator(2).V2_DDL == schema.STEPS[1]
    assert generator(3).V3_DDL == schema.STEPS[2]
    assert generator(4).V4_DDL == schema.STEPS[3]


@pytest.mark.parametrize("version", VERSIONS)
def test_each_fixture_is_its_version_and_matches_its_script(version, tmp_path):
    assert rows(fixture(version), "PRAGMA user_version") == [(version,)]
    fresh = tmp_path / "regenerated.sqlite3"
    subprocess.run([sys.executable, str(FIXTURES / f"make_sessions_v{version}.py"), str(fresh)], check=True)
    assert rows(fresh, "PRAGMA user_version") == [(version,)]
    tables = [name for (name,) in rows(fixture(version), "SELECT name FROM sqlite_master WHERE type = 'table' "
                                                         "AND name NOT LIKE 'sessions_fts_%' ORDER BY name")]
    for sql in ["SELECT type, name, sql FROM sqlite_master ORDER BY name"] + [
            f"SELECT rowid, * FROM {table} ORDER BY rowid" for table in tables]:
        assert rows(fresh, sql) == rows(fixture(version), sql)


@pytest.mark.parametrize("version", VERSIONS)
def test_each_version_opens_at_the_current_one_with_every_record_intact(version, tmp_path):
    path = tmp_path / "sessions.sqlite3"
    shutil.copy(fixture(version), path)
    original = hashlib.sha256(fixture(version).read_bytes()).hexdigest()
    revision_sql = "SELECT id, session_id, kind, author, created_at, reason, payload FROM revisions ORDER BY id"
    revisions = rows(path, revision_sql)
    sessions = rows(path, "SELECT id, saved_revision, draft_revision, latest_revision, created_at FROM sessions")
    assert len(revisions) >= 5 and len(sessions) >= 3
    with SessionStore.open(path) as store:
        assert schema.version(store.db) == schema.CURRENT
        assert store.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert store.db.execute(revision_sql).fetchall() == revisions  # every byte of every revision
        for rid, sid, kind, author, created_at, reason, payload in revisions:
            revision = store.revision(rid)
            assert (revision.session_id, revision.kind, revision.author, revision.created_at, revision.reason) == (
                sid, kind, author, created_at, reason)
            assert revision.record.to_json() == payload  # every field read back, odd characters and all
        listed = {s.session_id: s for s in store.list_page(limit=1000)}
        assert set(listed) == {sid for sid, *_ in sessions}
        for sid, saved, draft, latest, created_at in sessions:
            view = store.get(sid)
            own = [r for r in revisions if r[1] == sid]
            assert (view.saved_revision_id, view.latest_revision_id, view.revision_count, view.created_at) == (
                saved, latest, len(own), created_at)
            assert view.record == store.revision(saved or draft).record
            assert (view.draft is not None) == (draft is not None)
            assert [h.revision_id for h in store.history(sid, include_autosaves=True)] == [r[0] for r in own][::-1]
            latest_record = store.revision(latest).record
            assert listed[sid].patient_ref == latest_record.patient_ref
            # Found by a word of its latest text, whether that was saved or only autosaved.
            word = re.search(r"[A-Za-z]{5,}", latest_record.notes)[0]
            assert sid in [s.session_id for s in store.search(word)]
        backups = list_backups(store.backup_dir)
    if version < schema.CURRENT:
        assert len(backups) == 1 and backups[0].path.name.endswith(f"-before-v{schema.CURRENT}.sqlite3")
        assert rows(backups[0].path, "PRAGMA user_version") == [(version,)]
        assert rows(backups[0].path, revision_sql) == revisions
    else:
        assert backups == []  # nothing to migrate, nothing backed up
    assert hashlib.sha256(fixture(version).read_bytes()).hexdigest() == original


def test_version_2_odd_text_is_found_and_kept(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    shutil.copy(fixture(2), path)
    with SessionStore.open(path) as store:
        assert {s.session_id for s in store.search("שלום")} == {1, 2, 3}  # 2 in its reference, 1 and 3 in notes
        assert [s.session_id for s in store.search("fjallraven")] == [2]  # the draft, indexed after opening
        assert {s.session_id for s in store.search("cafe")} == {1, 3}
        amended = store.history(1)[0]
        assert amended.kind == "amend" and amended.reason.endswith("\x00\x07")
        assert "\r\nPhoned back" in store.get(1).record.notes
        assert store.get(4).record.patient_ref == '=HYPERLINK("x")' and store.get(4).draft is None
        assert store.get(3).draft.phq9_items == (3, 3, 2, None, 1, 1, 0, 0, 1)


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
    assert len(backups) == 1 and backups[0].path.name.endswith(f"-r5-before-v{schema.CURRENT}.sqlite3")
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
    assert rows(v1_copy, "PRAGMA user_version") == [(schema.CURRENT - 1,)]
    assert rows(v1_copy, "SELECT name FROM sqlite_master WHERE name = 'later_feature'") == []
    assert rows(v1_copy, "SELECT * FROM revisions ORDER BY id") == before
    assert any(b.path.name.endswith(f"-before-v{schema.CURRENT}.sqlite3")
               for b in list_backups(v1_copy.parent / "backups"))


def test_version_2_text_with_invisible_characters_is_indexed_again_and_found(tmp_path):
    """Version 2 indexed text as typed, so a word wrapped in isolates (U+2068 ... U+2069) could not be found by
    that word; version 3 indexes such sessions again without the invisible characters."""
    path = tmp_path / "sessions.sqlite3"
    shutil.copy(fixture(2), path)
    payload = json.dumps({"patient_ref": "MRN-\u2068200009\u2069", "clinician": "Dr \u2066Haddad\u2069",
                          "held_at": "2026-05-10T10:00", "notes": "Seen with \u2068Abdullah\u2069.",
                          "status": ""}, ensure_ascii=False, separators=(",", ":"))
    conn = sqlite3.connect(path, isolation_level=None)  # as the version 2 store wrote a save
    conn.execute("BEGIN")
    conn.execute("INSERT INTO sessions (id, patient_ref, clinician, held_at, status, created_at, updated_at) "
                 "VALUES (9, 'MRN-\u2068200009\u2069', 'Dr \u2066Haddad\u2069', '2026-05-10T10:00', '', 'x', 'x')")
    rid = conn.execute("INSERT INTO revisions (session_id, kind, author, created_at, reason, payload) "
                       "VALUES (9, 'save', 'Dr Haddad', 'x', NULL, ?)", [payload]).lastrowid
    conn.execute("UPDATE sessions SET latest_revision = ?, saved_revision = ?, indexed_revision = ? WHERE id = 9",
                 [rid, rid, rid])
    conn.execute("INSERT INTO sessions_fts (rowid, patient_ref, clinician, notes) VALUES (9, ?, ?, ?)",
                 ["MRN-\u2068200009\u2069", "Dr \u2066Haddad\u2069", "Seen with \u2068Abdullah\u2069."])
    conn.execute("COMMIT")
    conn.close()
    with SessionStore.open(path) as store:
        assert [s.session_id for s in store.search("Abdullah")] == [9]
        assert [s.session_id for s in store.search("haddad")] == [9]
        assert [s.session_id for s in store.search("200009")] == [9]
        assert store.get(9).record.notes == "Seen with \u2068Abdullah\u2069."  # the record itself unchanged
        assert {s.session_id for s in store.search("שלום")} == {1, 2, 3}  # the others found as before


def test_version_3_words_in_invisible_characters_are_found(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    shutil.copy(fixture(3), path)
    with SessionStore.open(path) as store:
        for query in ("Abdullah", "Fatima", "therapy", "Haddad", "MRN-200005"):
            assert [s.session_id for s in store.search(query)] == [5], query
