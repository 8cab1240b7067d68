"""The sessions store: every write is one transaction that appends a revision; nothing is changed or deleted.

The `sessions` row caches the latest revision's listing fields and points at the latest, the latest saved
(save/amend) and the draft (an autosave newer than the save) revisions. `sessions_fts` holds the latest
revision's patient reference, clinician and notes, so a draft that was never saved can still be found: saves
update it at once; autosaves, which come every few seconds while typing, leave it to the next search or open.
Use a store from the thread that opened it. Worker threads read through `read_page` and check the file with
`QuickCheck`, each on its own read-only connection.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from decisionaid.sessions import backup, crypto, listing, schema, setaside
from decisionaid.sessions.connection import BUSY_TIMEOUT_MS, SQLITE_HEADER, connect, current_key, database
from decisionaid.sessions.errors import (NoSuchSession, PassphraseNeeded, RecordDamaged, StoreCorrupt, StoreForeign,
                                         StoreReadOnly, StoreSetAside, StoreTooNew, database_errors, is_corruption,
                                         translate, writable)
from decisionaid.files import _fsync_folder, make_private, move_aside, owner_only, with_sidecars
from decisionaid.sessions.listing import Filters, SessionSummary
from decisionaid.sessions.session_record import RecordError, SessionRecord, changed_fields, check_text
from decisionaid.sessions.visits import VisitRecord

KINDS = ("autosave", "save", "amend", "revert")
_SAVED = ("save", "amend")
_LISTED = ("patient_ref", "clinician", "held_at", "decision", "status", "follow_up")
# A revision's text columns as bytes: decoded here, so a value that is not UTF-8 is reported as that revision's
# damage (sqlite3's own error would quote the bytes, which are patient text).
_REVISION = ("SELECT id, session_id, kind, CAST(author AS BLOB), created_at, CAST(reason AS BLOB), "
             "CAST(payload AS BLOB) FROM revisions")
_VISIT = ("SELECT id, session_id, visit_no, kind, CAST(author AS BLOB), created_at, CAST(reason AS BLOB), "
          "CAST(payload AS BLOB) FROM visits")
_log = logging.getLogger(__name__)  # events and error classes only, never record text (see decisionaid.log)


@dataclass(frozen=True)
class Revision:
    revision_id: int
    session_id: int
    kind: str
    author: str
    created_at: str  # UTC, ISO 8601
    reason: str | None
    record: SessionRecord
    changes: tuple[str, ...]  # fields that differ from the revision listed before it (empty for the first)
    number: int | None = None  # from history(): 1, 2, 3 within the session, every kind counted


@dataclass(frozen=True)
class StoredVisit:
    row_id: int
    session_id: int
    visit_no: int          # 1, 2, 3 within the session
    kind: str              # save or amend
    author: str
    created_at: str        # UTC, ISO 8601
    reason: str | None
    visit: VisitRecord
    revision: int          # from visits(): how many revisions the visit has; from visit_history(): this one's number


@dataclass(frozen=True)
class SessionView:
    session_id: int
    record: SessionRecord  # the latest saved record, or the draft if the session was never saved
    draft: SessionRecord | None  # an autosave newer than the last save (a crash or an unsaved change)
    saved_revision_id: int | None
    latest_revision_id: int
    revision_count: int
    created_at: str
    updated_at: str


class SessionStore:
    def __init__(self, db, path: Path, backup_dir: Path):
        self.db, self.path, self.backup_dir = db, path, backup_dir
        self.damage: StoreCorrupt | None = None  # set when damage was found and the file moved aside (store closed)

    @classmethod
    def open(cls, path: Path | str, backup_dir: Path | str | None = None,
             busy_timeout_ms: int = BUSY_TIMEOUT_MS, check: bool = True) -> SessionStore:
        """Open (or create) the file: refuse a newer format, quick_check it, WAL with synchronous=FULL, and migrate
        after a backup. Backups go to `backup_dir` (default: a "backups" folder beside the file).
        `check=False` leaves out quick_check, which reads the whole file (seconds for a million sessions): the UI
        then runs `QuickCheck(path)` on a worker thread; readers opened by workers skip it. A file that needs
        migrating is checked anyway, before its backup is taken.

        Refused, changing nothing: a file set aside as damaged and not yet dealt with (StoreSetAside, see
        setaside.py), and a SQLite file of another program (StoreForeign). A 0-byte file is damage, not a new
        store (a new one is made whole under another name first): it is set aside like any damaged file."""
        path = Path(path)
        backups = Path(backup_dir) if backup_dir else path.parent / "backups"
        try:
            with owner_only():
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise translate(exc, path) from exc
        aside = setaside.read(path)
        if aside is not None:
            _log.warning("StoreSetAside: %s was set aside and nothing chosen since", path)
            raise StoreSetAside(path, aside[0], aside[1], backup.list_backups(backups))
        if not writable(path):
            _log.warning("StoreReadOnly: %s cannot be written", path)
            raise StoreReadOnly(path)
        try:
            crypto.recover(path, backups)  # an interrupted change of encryption, temporary copies left by a kill
        except OSError as exc:
            raise translate(exc, path) from exc
        if current_key() is None and crypto.is_enabled(path):
            crypto.lock()  # never read an encrypted file as plain: it would look damaged and be moved aside
            raise PassphraseNeeded(path)
        try:
            if path.is_file() and path.stat().st_size == 0:
                raise _set_aside(path, backups, title="The sessions file is empty (0 bytes)")
            _refuse_foreign(path)
            _remove_leftovers(path)
            if not path.exists():
                _create(cls, path, backups, busy_timeout_ms)
        except OSError as exc:
            raise translate(exc, path) from exc
        with owner_only():
            store = cls(database(connect(path, busy_timeout_ms)), path, backups)
            try:
                with store._guard():
                    store._prepare(check)
            except BaseException:
                store.close()
                raise
        _log.info("Sessions file opened: %s", path)
        return store

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # Writes: each validates first, then appends one revision in one transaction.

    def create(self, record: SessionRecord, author: str, kind: str = "save") -> int:
        """A new session; its first revision is a "save" (or an "autosave" for a draft). Returns the session id."""
        if kind not in ("save", "autosave"):
            raise ValueError(f"a session starts with a save or an autosave, not {kind!r}")
        self._check(record, author, draft=kind == "autosave")
        now = _now()
        with self._guard(record, transaction=True):
            session_id = self.db.execute(
                "INSERT INTO sessions (patient_ref, clinician, held_at, status, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [record.patient_ref, record.clinician, record.held_at, record.status, now, now]).lastrowid
            revision_id = self._append(session_id, kind, record, author, None, now)
        _log.log(logging.DEBUG if kind == "autosave" else logging.INFO,
                 "Saved revision %d of session %d (%s, new session)", revision_id, session_id, kind)
        return session_id

    def autosave(self, session_id: int, record: SessionRecord, author: str) -> int:
        """Keep work in progress (a draft); returns the revision id."""
        return self._write(session_id, "autosave", record, author)

    def save(self, session_id: int, record: SessionRecord, author: str) -> int:
        return self._write(session_id, "save", record, author)

    def amend(self, session_id: int, record: SessionRecord, author: str, reason: str) -> int:
        """Change a saved session after the fact; the reason is required and kept in the history."""
        check_text("reason", "Reason for the amendment", reason, required=True)
        return self._write(session_id, "amend", record, author, reason)

    def discard_draft(self, session_id: int, author: str) -> int:
        """Go back to the last saved record by appending a "revert" revision that copies it.
        Without a draft nothing is written and the latest revision id is returned."""
        check_text("author", "Author", author, required=True)
        with self._guard(transaction=True):
            saved, draft, latest = self._pointers(session_id)
            if saved is None:
                raise RecordError("draft", "This session was never saved, so there is no saved version to go back to.")
            if draft is None:
                return latest
            return self._append(session_id, "revert", self._record(saved), author, None, _now())

    # Follow-up visits: each write appends one row to `visits` (schema v4); a visit is never overwritten.

    def add_visit(self, session_id: int, visit: VisitRecord, author: str, **limits) -> int:
        """A new follow-up visit of a saved session; returns its number within the session (1, 2, 3 ...).
        `limits` (phq9_item_max, phq9_total_max, harm_ids) are passed to VisitRecord.validate."""
        check_text("author", "Author", author, required=True)
        visit.validate(**limits)
        with self._guard(transaction=True):
            self._pointers(session_id)  # raises NoSuchSession
            number = self.db.execute("SELECT coalesce(max(visit_no), 0) + 1 FROM visits WHERE session_id = ?",
                                     [session_id]).fetchone()[0]
            self.db.execute("INSERT INTO visits (session_id, visit_no, visit_date, kind, author, created_at, reason, "
                            "payload) VALUES (?, ?, ?, 'save', ?, ?, NULL, ?)",
                            [session_id, number, visit.visit_date, author, _now(), visit.to_json()])
        _log.info("Saved follow-up visit %d of session %d", number, session_id)
        return number

    def amend_visit(self, session_id: int, visit_no: int, visit: VisitRecord, author: str, reason: str,
                    **limits) -> int:
        """Change a visit after the fact: a new revision with the reason; the old one stays in the history."""
        check_text("author", "Author", author, required=True)
        check_text("reason", "Reason for the amendment", reason, required=True)
        visit.validate(**limits)
        with self._guard(transaction=True):
            if self.db.execute("SELECT 1 FROM visits WHERE session_id = ? AND visit_no = ?",
                               [session_id, visit_no]).fetchone() is None:
                self._pointers(session_id)
                raise NoSuchSession(self.path, f"follow-up visit {visit_no} of session {session_id}")
            row_id = self.db.execute(
                "INSERT INTO visits (session_id, visit_no, visit_date, kind, author, created_at, reason, payload) "
                "VALUES (?, ?, ?, 'amend', ?, ?, ?, ?)", [session_id, visit_no, visit.visit_date, author, _now(),
                                                          reason, visit.to_json()]).lastrowid
        _log.info("Amended follow-up visit %d of session %d", visit_no, session_id)
        return row_id

    def visits(self, session_id: int) -> list[StoredVisit]:
        """Each visit as it reads now (its latest revision), oldest visit first."""
        with self._guard():  # one statement: a consistent read without a transaction of its own
            rows = self.db.execute(
                "SELECT v.id, v.session_id, v.visit_no, v.kind, CAST(v.author AS BLOB), v.created_at, "
                "CAST(v.reason AS BLOB), CAST(v.payload AS BLOB), n.revisions FROM visits v JOIN (SELECT max(id) AS "
                "latest, count(*) AS revisions FROM visits WHERE session_id = ? GROUP BY visit_no) n "
                "ON v.id = n.latest ORDER BY v.visit_no", [session_id]).fetchall()
            if not rows:
                self._pointers(session_id)  # raises NoSuchSession
        return [_visit(self.path, row[:8], row[8]) for row in rows]

    def visit_revisions(self, session_id: int) -> list[StoredVisit]:
        """Every revision of every visit of the session, by visit then oldest first (`.revision` 1, 2, ...)."""
        with self._guard(transaction=True):
            self._pointers(session_id)
            rows = self.db.execute(f"{_VISIT} WHERE session_id = ? ORDER BY visit_no, id", [session_id]).fetchall()
        out, count = [], {}
        for row in rows:
            count[row[2]] = count.get(row[2], 0) + 1
            out.append(_visit(self.path, row, count[row[2]]))
        return out

    def visit_history(self, session_id: int, visit_no: int) -> list[StoredVisit]:
        """Every revision of one visit, oldest first (revision 1 is the visit as first saved)."""
        with self._guard(transaction=True):
            rows = self.db.execute(f"{_VISIT} WHERE session_id = ? AND visit_no = ? ORDER BY id",
                                   [session_id, visit_no]).fetchall()
            if not rows:
                self._pointers(session_id)
                raise NoSuchSession(self.path, f"follow-up visit {visit_no} of session {session_id}")
        return [_visit(self.path, row, n) for n, row in enumerate(rows, 1)]

    # Reads.

    def get(self, session_id: int) -> SessionView:
        with self._guard(transaction=True):  # one read transaction: a consistent view
            row = self.db.execute(
                "SELECT saved_revision, draft_revision, latest_revision, created_at, updated_at, "
                "(SELECT count(*) FROM revisions WHERE session_id = s.id) FROM sessions s WHERE id = ?",
                [session_id]).fetchone()
            if row is None:
                raise NoSuchSession(self.path, f"session {session_id}")
            saved, draft, latest, created_at, updated_at, count = row
            draft_record = self._record(draft) if draft is not None else None
            record = self._record(saved) if saved is not None else draft_record
        return SessionView(session_id, record, draft_record, saved, latest, count, created_at, updated_at)

    def history(self, session_id: int, include_autosaves: bool = False) -> list[Revision]:
        """Revisions newest first; each names what changed since the one listed before it."""
        kinds = KINDS if include_autosaves else KINDS[1:]
        with self._guard(transaction=True):
            rows = self.db.execute(
                f"{_REVISION} WHERE session_id = ? AND kind IN ({', '.join('?' * len(kinds))}) ORDER BY id",
                [session_id, *kinds]).fetchall()
            if not rows:
                self._pointers(session_id)  # raises NoSuchSession
            numbers = {rid: n for n, (rid,) in enumerate(self.db.execute(
                "SELECT id FROM revisions WHERE session_id = ? ORDER BY id", [session_id]), 1)}
        listed, previous = [], None
        for row in rows:
            revision = replace(_revision(self.path, row, previous), number=numbers.get(row[0]))
            listed.append(revision)
            previous = revision.record
        return listed[::-1]

    def revision(self, revision_id: int) -> Revision:
        """One revision; its changes are against the revision just before it (of any kind)."""
        with self._guard(transaction=True):
            row = self.db.execute(f"{_REVISION} WHERE id = ?", [revision_id]).fetchone()
            if row is None:
                raise NoSuchSession(self.path, f"revision {revision_id}")
            before = self.db.execute("SELECT id FROM revisions WHERE session_id = ? AND id < ? "
                                     "ORDER BY id DESC LIMIT 1", [row[1], revision_id]).fetchone()
            previous = self._record(before[0]) if before else None
        return _revision(self.path, row, previous)

    def list_page(self, after: tuple[str, int] | None = None, limit: int = 50,
                  filters: Filters | None = None) -> list[SessionSummary]:
        """Newest first by (held_at, id); pass the last summary's `key` as `after` for the next page."""
        with self._guard():
            return listing.page(self.db, after, limit, filters)

    def search(self, query: str, after: tuple[str, int] | None = None, limit: int = 50,
               filters: Filters | None = None) -> list[SessionSummary]:
        """Sessions whose patient reference, clinician or notes contain every word of `query` (the last word
        may be the start of a word), newest first. Any text is safe; a blank query lists everything."""
        fts = listing.fts_query(query)
        with self._guard(transaction=True):
            self._catch_up_index()
            return listing.page(self.db, after, limit, filters, fts or None)

    def patient_sessions(self, patient_ref: str) -> list[SessionSummary]:
        """Every session with exactly this patient reference, oldest first (first consultation, later ones)."""
        with self._guard(transaction=True):
            self._catch_up_index()
            return listing.same_patient(self.db, patient_ref)

    def patient_course(self, patient_ref: str) -> list[tuple[SessionSummary, int]]:
        """`patient_sessions` with each session's number of follow-up visits."""
        sessions = self.patient_sessions(patient_ref)
        with self._guard():
            return [(s, self.db.execute("SELECT count(DISTINCT visit_no) FROM visits WHERE session_id = ?",
                                        [s.session_id]).fetchone()[0]) for s in sessions]

    def count(self, filters: Filters | None = None) -> int:
        with self._guard():
            return listing.count(self.db, filters)

    def update_search_index(self) -> None:
        """Index the text of sessions autosaved since the last search, so that a `read_page` on another connection
        finds them (`search` does this itself). Cheap: only sessions whose index is behind are read."""
        with self._guard(transaction=True):
            self._catch_up_index()

    # Backups.

    def backup_to(self, path: Path | str) -> Path:
        from decisionaid.output_guard import check_output

        check_output(path, self.path, self.backup_dir)  # never the sessions file, another backup, the lock, ...
        with self._guard(target=Path(path)):
            return backup.backup_to(self.db.conn, Path(path))

    def automatic_backup(self, folder: Path | str | None = None) -> backup.Backup | None:
        """Back up to `folder` (default: the store's backup folder) if something changed; thin old backups."""
        folder = Path(folder or self.backup_dir)
        with self._guard(target=folder / self.path.name):
            return backup.automatic_backup(self.db.conn, self.path, folder)

    # Internals.

    def _prepare(self, check: bool = True) -> None:
        found = schema.version(self.db)
        if found > schema.CURRENT:
            _log.warning("StoreTooNew: %s has format %d; this version reads up to %d", self.path, found,
                         schema.CURRENT)
            raise StoreTooNew(self.path, found, schema.CURRENT)
        if (check or 0 < found < schema.CURRENT) and not _quick_check(self.db.conn):
            raise self._damaged()
        self.db.enable_wal()
        self.db.execute("PRAGMA synchronous = FULL")
        self.db.execute("PRAGMA foreign_keys = ON")
        schema.migrate(self.db, lambda old: backup.take(self.db.conn, self.path, self.backup_dir,
                                                        f"-before-v{schema.CURRENT}"))
        with self.db.atomic():
            self._catch_up_index()
        make_private(self.path)

    def _import_session(self, revisions, visits) -> int:
        """sessions/importing.py, inside its transaction: a new session from checked revisions (kind, author,
        created_at, reason, payload), keeping their times, and its visits' revisions."""
        first = revisions[0]
        r = first.payload
        session_id = self.db.execute(
            "INSERT INTO sessions (patient_ref, clinician, held_at, status, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?)", [r.patient_ref, r.clinician, r.held_at, r.status, first.created_at,
                                          first.created_at]).lastrowid
        for rev in revisions:
            self._append(session_id, rev.kind, rev.payload, rev.author, rev.reason, rev.created_at)
        for number, visit_revisions in visits:
            for rev in visit_revisions:
                self.db.execute(
                    "INSERT INTO visits (session_id, visit_no, visit_date, kind, author, created_at, reason, payload) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [session_id, number, rev.payload.visit_date, rev.kind,
                                                        rev.author, rev.created_at, rev.reason,
                                                        rev.payload.to_json()])
        return session_id

    def _check(self, record: SessionRecord, author: str, draft: bool = False) -> None:
        if not isinstance(record, SessionRecord):
            raise TypeError(f"expected a SessionRecord, not {type(record).__name__}")
        record.validate(draft=draft)
        check_text("author", "Author", author, required=True)

    def _write(self, session_id: int, kind: str, record: SessionRecord, author: str, reason: str | None = None) -> int:
        self._check(record, author, draft=kind == "autosave")
        with self._guard(record, transaction=True):
            revision_id = self._append(session_id, kind, record, author, reason, _now())
        _log.log(logging.DEBUG if kind == "autosave" else logging.INFO, "Saved revision %d of session %d (%s)",
                 revision_id, session_id, kind)
        return revision_id

    def _append(self, session_id: int, kind: str, record: SessionRecord, author: str, reason: str | None,
                now: str) -> int:
        """Add a revision and move the session's pointers to it. Only listing fields that changed are written,
        so an autosave touches as few pages (and indexes) as possible."""
        cached = self.db.execute(f"SELECT {', '.join(_LISTED)} FROM sessions WHERE id = ?", [session_id]).fetchone()
        if cached is None:
            raise NoSuchSession(self.path, f"session {session_id}")
        revision_id = self.db.execute(
            "INSERT INTO revisions (session_id, kind, author, created_at, reason, payload) VALUES (?, ?, ?, ?, ?, ?)",
            [session_id, kind, author, now, reason, record.to_json()]).lastrowid
        changed = {name: getattr(record, name) for name, old in zip(_LISTED, cached) if getattr(record, name) != old}
        changed.update(updated_at=now, latest_revision=revision_id,
                       draft_revision=revision_id if kind == "autosave" else None)
        if kind in _SAVED:
            changed["saved_revision"] = revision_id
        if kind != "autosave":
            self._index(session_id, record)
            changed["indexed_revision"] = revision_id
        self.db.execute(f"UPDATE sessions SET {', '.join(f'{name} = ?' for name in changed)} WHERE id = ?",
                        [*changed.values(), session_id])
        return revision_id

    def _catch_up_index(self) -> None:
        """Index the latest revision of sessions whose index is behind (autosaved since, or from schema v1)."""
        behind = self.db.execute("SELECT id, latest_revision FROM sessions "
                                 "WHERE indexed_revision IS NOT latest_revision").fetchall()
        for session_id, latest in behind:
            try:
                record = self._record(latest)
            except RecordDamaged as exc:
                # Found by its older text (or not at all) until the damage is dealt with; reported when opened.
                _log.info("Not indexed: session %s revision %s is damaged", exc.session_id, exc.revision_id)
                continue
            self._index(session_id, record)
            self.db.execute("UPDATE sessions SET indexed_revision = ? WHERE id = ?", [latest, session_id])

    def _index(self, session_id: int, record: SessionRecord) -> None:
        """Put this record's text in the search index (untouched when the text is already there), without the
        invisible characters that queries drop too (listing.searchable)."""
        text = tuple(listing.searchable(t) for t in (record.patient_ref, record.clinician, record.notes))
        indexed = self.db.execute("SELECT patient_ref, clinician, notes FROM sessions_fts WHERE rowid = ?",
                                  [session_id]).fetchone()
        if indexed == text:
            return
        if indexed is not None:
            self.db.execute("DELETE FROM sessions_fts WHERE rowid = ?", [session_id])
        self.db.execute("INSERT INTO sessions_fts (rowid, patient_ref, clinician, notes) VALUES (?, ?, ?, ?)",
                        [session_id, *text])

    def _pointers(self, session_id: int) -> tuple[int | None, int | None, int]:
        row = self.db.execute("SELECT saved_revision, draft_revision, latest_revision FROM sessions WHERE id = ?",
                              [session_id]).fetchone()
        if row is None:
            raise NoSuchSession(self.path, f"session {session_id}")
        return row

    def _record(self, revision_id: int) -> SessionRecord:
        """The record a revision holds; RecordDamaged (with its session and revision) if it cannot be read."""
        row = self.db.execute("SELECT session_id, CAST(payload AS BLOB) FROM revisions WHERE id = ?",
                              [revision_id]).fetchone()
        if row is None:
            owner = self.db.execute("SELECT id FROM sessions WHERE ? IN (latest_revision, saved_revision, "
                                    "draft_revision)", [revision_id]).fetchone()
            raise RecordDamaged(self.path, owner[0] if owner else None, revision_id, missing=True)
        return decode_record(self.path, row[0], revision_id, row[1])

    @contextmanager
    def _guard(self, record: SessionRecord | None = None, transaction: bool = False,
               target: Path | None = None) -> Iterator[None]:
        """Turn SQLite and file errors into StoreErrors carrying `record`, optionally in one transaction.
        File errors name `target` (an export or backup being written) when given, else the sessions file."""
        try:
            if transaction:
                with self.db.atomic():
                    yield
            else:
                yield
        except (*database_errors(), OSError) as exc:
            if is_corruption(exc):
                error = self._damaged()
            else:
                error = translate(exc, target if isinstance(exc, OSError) and target else self.path)
            error.record = record
            from decisionaid.log import describe

            _log.warning("%s: %s", type(error).__name__, describe(exc))
            raise error from exc

    def set_aside_damaged(self) -> StoreCorrupt:
        """After a failed `QuickCheck`: close the store, move the file and its -wal/-shm aside (never deleted) and
        return the error to show, with the backups newest first. The store cannot be used afterwards."""
        return self._damaged()

    def _damaged(self) -> StoreCorrupt:
        """Close, move the file and its -wal/-shm aside (never delete) and describe what to do. Only once: later
        calls return the same error (by then another file may be at `path`)."""
        if self.damage is not None:
            return self.damage
        self.close()
        self.damage = _set_aside(self.path, self.backup_dir)
        return self.damage


def _set_aside(path: Path, backup_dir: Path, title: str = "") -> StoreCorrupt:
    """Move a damaged file and its -wal/-shm aside (never delete) and leave the note that makes the next open say
    so (setaside.py). Returns the error to show, with the backups newest first."""
    try:
        moved = move_aside(path, "damaged")
    except OSError:
        moved = None
    if moved is not None:
        try:
            setaside.record(path, moved)
        except OSError as exc:  # the file is moved and this open says so; only the reminder is missing
            from decisionaid.log import describe

            _log.error("The set-aside note could not be written: %s", describe(exc))
    _log.error("Sessions file %s is damaged; moved aside to %s", path, moved)
    return StoreCorrupt(path, moved, backup.list_backups(backup_dir), title=title)


def _refuse_foreign(path: Path) -> None:
    """Raise StoreForeign if `path` is a plain SQLite file of another program. It is read through a read-only
    connection (immutable when it is in WAL mode with no -wal beside it, so that no -wal/-shm is made), so nothing
    in it or beside it changes. A file that cannot be read this way is left to the normal open, which reports it."""
    try:
        with open(path, "rb") as f:
            header = f.read(100)
    except OSError:
        return  # not there yet (or unreadable: the open reports it)
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        return  # encrypted, or damaged: the open decides
    uri = Path(os.path.abspath(path)).as_uri() + "?mode=ro"
    if header[18] == 2 and not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return
    if (tables or version) and not {"sessions", "revisions"} <= tables:
        _log.warning("StoreForeign: %s is a SQLite file of another program (format %d)", path, version)
        raise StoreForeign(path)


def _remove_leftovers(path: Path) -> None:
    """Temporary names `_create` left when killed: a second name of the sessions file itself (killed between the
    link and the unlink: removing it loses nothing, and leaves no extra name to outlive an encryption), or a new,
    empty file whose maker is gone (holding no consultation)."""
    for p in path.parent.glob(f".{path.name}.new-*"):
        stem = p.name[len(f".{path.name}.new-"):]
        pid = stem.split("-")[0]
        try:
            if path.exists() and os.path.samefile(p, path):
                p.unlink()
            elif pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
                p.unlink()
        except OSError:
            pass  # in use or already gone: the next start tries again


def _running(pid: int) -> bool:
    if os.name != "posix":
        return True  # cannot tell cheaply: keep it (it holds no consultation)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _create(cls, path: Path, backups: Path, busy_timeout_ms: int) -> None:
    """Make a new sessions file whole under a temporary name, then link it into place: a file at `path` is always
    one decisionaid finished making, so an empty one there is damage, never a new store. If another process made
    one meanwhile, that one is used."""
    tmp = path.with_name(f".{path.name}.new-{os.getpid()}")
    for p in with_sidecars(tmp):
        p.unlink(missing_ok=True)  # left by a crash while making one
    try:
        with owner_only():
            store = cls(database(connect(tmp, busy_timeout_ms)), tmp, backups)
            try:
                store._prepare(check=False)
            finally:
                store.close()  # the last connection: SQLite checkpoints and removes the -wal
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.rename(tmp, path)
        _fsync_folder(path.parent)
    finally:  # also when making it failed: a half-made file under the temporary name is of no use
        for p in with_sidecars(tmp):
            p.unlink(missing_ok=True)


def decode_record(path: Path, session_id: int, revision_id: int, payload: bytes | None) -> SessionRecord:
    """A revision's payload (bytes of its TEXT column) as a record, or RecordDamaged naming it."""
    try:
        if payload is None:
            raise RecordError("record", "no payload")
        return SessionRecord.from_json(payload)
    except RecordError:
        # info, not warning: on the command line, stderr is for the one line of error the user reads
        _log.info("Session %s revision %s is damaged", session_id, revision_id)
        raise RecordDamaged(path, session_id, revision_id) from None


def _revision(path: Path, row: tuple, previous: SessionRecord | None) -> Revision:
    revision_id, session_id, kind, author, created_at, reason, payload = row
    record = decode_record(path, session_id, revision_id, payload)
    try:
        author = bytes(author).decode("utf-8")
        reason = None if reason is None else bytes(reason).decode("utf-8")
    except (TypeError, UnicodeDecodeError):
        raise RecordDamaged(path, session_id, revision_id) from None
    changes = changed_fields(previous, record) if previous is not None else ()
    return Revision(revision_id, session_id, kind, author, created_at, reason, record, changes)


def _visit(path: Path, row: tuple, revision: int) -> StoredVisit:
    row_id, session_id, visit_no, kind, author, created_at, reason, payload = row
    try:
        author = bytes(author).decode("utf-8")
        reason = None if reason is None else bytes(reason).decode("utf-8")
        visit = VisitRecord.from_json(payload)
    except (TypeError, UnicodeDecodeError, RecordError):
        _log.info("Session %s visit %s is damaged", session_id, visit_no)
        raise RecordDamaged(path, session_id, row_id) from None
    return StoredVisit(row_id, session_id, visit_no, kind, author, created_at, reason, visit, revision)


class QuickCheck:
    """PRAGMA quick_check of a sessions file on its own read-only connection. `run()` reads the whole file (3 s for a
    million sessions in the OS cache, half a minute from disk), so call it on a worker thread; `stop()`, from any
    thread, ends it early. On False the UI calls its store's `set_aside_damaged()`."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._stopped = False

    def run(self) -> bool | None:
        """True when nothing is wrong, False when the file is damaged, None when stopped. Other failures (the file
        is gone, locked or unreadable) raise a StoreError."""
        try:
            with self._lock:
                if self._stopped:
                    return None
                self._conn = connect(self.path, read_only=True)
            try:
                return _quick_check(self._conn)
            finally:
                with self._lock:
                    self._conn.close()
                    self._conn = None
        except database_errors() as exc:
            if self._stopped:
                return None
            if is_corruption(exc):
                return False
            raise translate(exc, self.path) from exc

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._conn is not None:
                self._conn.interrupt()  # the one call SQLite allows from another thread


def quick_check(path: Path | str) -> bool:
    """`QuickCheck(path).run()`, for callers that never stop it."""
    return bool(QuickCheck(path).run())


def read_page(path: Path | str, query: str = "", after: tuple[str, int] | None = None, limit: int = 50,
              filters: Filters | None = None) -> list[SessionSummary]:
    """`list_page` (blank query) or `search` through a new read-only connection, for a worker thread: a slow search
    (a first letter matches most sessions) never holds up the UI or its writes. It never writes, so sessions
    autosaved since the writer's last `update_search_index()` are found by their older text."""
    path = Path(path)
    try:
        conn = connect(path, read_only=True)
        try:
            return listing.page(conn, after, limit, filters, listing.fts_query(query) or None)
        finally:
            conn.close()
    except database_errors() as exc:
        if is_corruption(exc):
            raise StoreCorrupt(path, None) from exc
        raise translate(exc, path) from exc


def _quick_check(conn) -> bool:
    return conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")
