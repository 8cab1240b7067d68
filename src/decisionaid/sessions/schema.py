"""The sessions file's tables, version by version. `PRAGMA user_version` holds the version reached.

Each step runs in one transaction with the version bump, so a failed step leaves the file as it was.
Never edit a released step: add the next one (and a fixture file of the old version to test it on).
"""

from __future__ import annotations

from collections.abc import Callable

V1 = (
    """CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        patient_ref TEXT NOT NULL,
        clinician TEXT NOT NULL,
        held_at TEXT NOT NULL,
        decision TEXT,
        status TEXT NOT NULL,
        follow_up TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        latest_revision INTEGER,
        saved_revision INTEGER,
        draft_revision INTEGER
    )""",
    """CREATE TABLE revisions (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        kind TEXT NOT NULL CHECK (kind IN ('autosave', 'save', 'amend', 'revert')),
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        reason TEXT,
        payload TEXT NOT NULL
    )""",
    "CREATE INDEX revisions_by_session ON revisions(session_id, id)",
    "CREATE INDEX sessions_by_held_at ON sessions(held_at, id)",
)

# Full-text search over each session's latest revision (`indexed_revision` says which revision the index holds;
# sessions_to_index finds the ones behind), a decision index, and revisions made unchangeable by the file itself.
V2 = (
    """CREATE VIRTUAL TABLE sessions_fts USING fts5(
        patient_ref, clinician, notes, tokenize = 'unicode61 remove_diacritics 2')""",
    "ALTER TABLE sessions ADD COLUMN indexed_revision INTEGER",
    "CREATE INDEX sessions_to_index ON sessions(id) WHERE indexed_revision IS NOT latest_revision",
    "CREATE INDEX sessions_by_decision ON sessions(decision, held_at, id)",
    """CREATE TRIGGER revisions_never_change BEFORE UPDATE ON revisions
        BEGIN SELECT RAISE(ABORT, 'revisions are never changed'); END""",
    """CREATE TRIGGER revisions_never_deleted BEFORE DELETE ON revisions
        BEGIN SELECT RAISE(ABORT, 'revisions are never deleted'); END""",
    """CREATE TRIGGER sessions_never_deleted BEFORE DELETE ON sessions
        BEGIN SELECT RAISE(ABORT, 'sessions are never deleted'); END""",
)

# The search index drops invisible formatting characters (listing.searchable): index again the sessions whose
# indexed text holds one (the store does so when the file is opened). Data only; the tables do not change.
V3 = (
    "UPDATE sessions SET indexed_revision = NULL WHERE id IN (SELECT rowid FROM sessions_fts WHERE "
    "patient_ref || ' ' || clinician || ' ' || notes "
    "GLOB '*[\u00ad\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064"
    "\u2066\u2067\u2068\u2069\ufeff]*')",
)

# Follow-up visits: each row is one revision of one visit (numbered 1, 2, 3 within its session); a visit's latest
# row is what it says now. Like session revisions, rows are never changed or deleted.
V4 = (
    """CREATE TABLE visits (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        visit_no INTEGER NOT NULL,
        visit_date TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('save', 'amend')),
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        reason TEXT,
        payload TEXT NOT NULL
    )""",
    "CREATE INDEX visits_by_session ON visits(session_id, visit_no, id)",
    "CREATE INDEX sessions_by_follow_up ON sessions(follow_up, id) WHERE follow_up IS NOT NULL",
    """CREATE TRIGGER visits_never_change BEFORE UPDATE ON visits
        BEGIN SELECT RAISE(ABORT, 'visits are never changed'); END""",
    """CREATE TRIGGER visits_never_deleted BEFORE DELETE ON visits
        BEGIN SELECT RAISE(ABORT, 'visits are never deleted'); END""",
)

STEPS = (V1, V2, V3, V4)
CURRENT = len(STEPS)


def version(db) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db, before: Callable[[int], None]) -> None:
    """Bring `db` to CURRENT; `before(old_version)` runs first (a backup) when an existing file is upgraded."""
    found = version(db)
    if 0 < found < CURRENT:
        before(found)
    for target in range(found + 1, CURRENT + 1):
        with db.atomic():
            for statement in STEPS[target - 1]:
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {target}")
