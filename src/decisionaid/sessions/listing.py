"""Listing and searching sessions: newest first, one page at a time (keyset pagination), with filters.

A page is found through the index on (held_at, id), so the first page costs the same with 50 or 500,000 sessions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from decisionaid.sessions.errors import database_errors, is_undecodable

_COLUMNS = ("s.id, s.patient_ref, s.clinician, s.held_at, s.decision, s.status, s.follow_up, "
            "s.draft_revision IS NOT NULL, s.updated_at")
# The same as bytes, decoded here: when a page holds a value that is not UTF-8 (damage quick_check cannot see), it
# is read again this way and that value shows with U+FFFD in its place on its own row, instead of sqlite3 refusing
# the whole page with an error that quotes the bytes. (Only then: decoding in Python makes a page 5x slower.)
_COLUMNS_AS_BYTES = ("s.id, CAST(s.patient_ref AS BLOB), CAST(s.clinician AS BLOB), CAST(s.held_at AS BLOB), "
                     "CAST(s.decision AS BLOB), CAST(s.status AS BLOB), CAST(s.follow_up AS BLOB), "
                     "s.draft_revision IS NOT NULL, CAST(s.updated_at AS BLOB)")


@dataclass(frozen=True)
class Filters:
    """Dates are `date`s or "YYYY-MM-DD" text; `date_to` is inclusive. `decisions` empty or None means any
    decision; include None in it for "no decision yet"."""

    date_from: date | str | None = None
    date_to: date | str | None = None
    decisions: tuple[str | None, ...] | None = None
    # "due" (the follow-up date is today or within `due_window_days`) or "overdue" (it has passed), in both cases
    # with no follow-up visit recorded from `due_window_days` before that date on. `today` defaults to date.today().
    follow_up: str | None = None
    today: date | str | None = None
    due_window_days: int = 7

    def __post_init__(self):
        if self.follow_up not in (None, "due", "overdue"):
            raise ValueError(f"follow_up filter {self.follow_up!r} is not 'due' or 'overdue'")
        if isinstance(self.today, str):
            object.__setattr__(self, "today", date.fromisoformat(self.today))
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, date.fromisoformat(value))
        if self.decisions is not None:
            object.__setattr__(self, "decisions", tuple(self.decisions))


class SessionSummary(NamedTuple):
    """One row of the list, from the session's latest revision (`is_draft`: an autosave newer than the save).
    A NamedTuple: a third of the cost of a frozen dataclass per row, and as immutable (`._asdict()` for JSON)."""

    session_id: int
    patient_ref: str
    clinician: str
    held_at: str
    decision: str | None
    status: str
    follow_up: str | None
    is_draft: bool
    updated_at: str

    @property
    def key(self) -> tuple[str, int]:
        """Pass the last summary's key as `after` to get the next page."""
        return (self.held_at, self.session_id)


def page(db, after: tuple[str, int] | None, limit: int, filters: Filters | None,
         fts_query: str | None = None) -> list[SessionSummary]:
    clauses, params = _where(filters)
    table = "sessions s"
    if fts_query is not None:
        clauses.append("s.id IN (SELECT rowid FROM sessions_fts WHERE sessions_fts MATCH ?)")
        params.append(fts_query)
        if _matches_at_least(db, fts_query, MANY):
            # Many matches: walk the sessions newest first and stop at a page, instead of sorting every match.
            table = "sessions s INDEXED BY sessions_by_held_at"
    if after is not None:
        clauses.append("(s.held_at, s.id) < (?, ?)")
        params += [after[0], after[1]]
    sql = (f"SELECT {{}} FROM {table} WHERE {' AND '.join(clauses)} "
           "ORDER BY s.held_at DESC, s.id DESC LIMIT ?")
    params.append(max(0, int(limit)))
    try:
        rows = db.execute(sql.format(_COLUMNS), params).fetchall()
    except database_errors() as exc:
        if not is_undecodable(exc):
            raise
        rows = [(row[0], *map(_text, row[1:7]), row[7], _text(row[8]))
                for row in db.execute(sql.format(_COLUMNS_AS_BYTES), params).fetchall()]
    return [SessionSummary(*row[:7], bool(row[7]), row[8]) for row in rows]


def same_patient(db, patient_ref: str, limit: int = 500) -> list[SessionSummary]:
    """Sessions whose patient reference is exactly `patient_ref`, oldest first: one patient's course. Found through
    the search index's patient column (every word of the reference), then compared exactly."""
    words = fts_query(patient_ref).removesuffix("*")
    if not patient_ref.strip():
        return []
    if words and any(c.isalnum() for c in patient_ref):  # the index holds words of letters and digits only
        sql = (f"SELECT {_COLUMNS} FROM sessions s WHERE s.id IN (SELECT rowid FROM sessions_fts WHERE "
               "sessions_fts MATCH ?) AND s.patient_ref = ? ORDER BY s.held_at, s.id LIMIT ?")
        params = [f"patient_ref : ({words})", patient_ref, limit]
    else:  # no word to look up (only signs): every session is read
        sql = f"SELECT {_COLUMNS} FROM sessions s WHERE s.patient_ref = ? ORDER BY s.held_at, s.id LIMIT ?"
        params = [patient_ref, limit]
    return [SessionSummary(*row[:7], bool(row[7]), row[8]) for row in db.execute(sql, params).fetchall()]


def _text(value: bytes | None) -> str | None:
    return None if value is None else bytes(value).decode("utf-8", errors="replace")


MANY = 5000


def _matches_at_least(db, fts_query: str, n: int) -> bool:
    sql = "SELECT count(*) FROM (SELECT 1 FROM sessions_fts WHERE sessions_fts MATCH ? LIMIT ?)"
    return db.execute(sql, [fts_query, n]).fetchone()[0] >= n


def count(db, filters: Filters | None) -> int:
    clauses, params = _where(filters)
    return db.execute(f"SELECT count(*) FROM sessions s WHERE {' AND '.join(clauses)}", params).fetchone()[0]


_SPACES = re.compile("[\x00\ud800-\udfff]")
# Invisible characters that change how text is shown, not what it says: direction marks, embeddings, overrides and
# isolates (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), joiners and the word joiner (U+200C, U+200D,
# U+2060-U+2064), the byte-order mark / zero-width no-break space (U+FEFF) and the soft hyphen (U+00AD). SQLite's
# tokenizer keeps some of them inside a word ("\u2068word\u2069" is not "word") and splits at others, so they are
# dropped from the indexed text and from the query alike. A zero-width space (U+200B) marks where a word ends: it
# counts as a space.
_INVISIBLE = re.compile("[\u00ad\u200c-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_ZERO_WIDTH_SPACE = "\u200b"


def searchable(text: str) -> str:
    """Text as the search index holds it and queries are matched: the same for both (see _INVISIBLE)."""
    return _INVISIBLE.sub("", text).replace(_ZERO_WIDTH_SPACE, " ")


def fts_query(text: str) -> str:
    """User text as an FTS5 query that cannot fail: every word quoted (so ", *, -, AND, <b> are plain text),
    all words required, the last one matched as a prefix so results appear while typing. NUL, which would end
    the query early, counts as a space; so does a lone surrogate (half a character, from a broken paste), which
    SQLite cannot be sent and no stored text holds. Invisible formatting characters go, as in the index."""
    terms = ['"' + word.replace('"', '""') + '"' for word in searchable(_SPACES.sub(" ", text)).split()]
    if terms:
        terms[-1] += "*"
    return " ".join(terms)


def _where(filters: Filters | None) -> tuple[list[str], list]:
    clauses, params = ["1"], []
    if filters is None:
        return clauses, params
    if filters.date_from is not None:
        clauses.append("s.held_at >= ?")
        params.append(filters.date_from.isoformat())
    if filters.date_to is not None:
        clauses.append("s.held_at < ?")
        params.append((filters.date_to + timedelta(days=1)).isoformat())
    if filters.follow_up is not None:
        today = filters.today or date.today()
        window = f"-{int(filters.due_window_days)} days"
        if filters.follow_up == "due":
            clauses.append("s.follow_up >= ? AND s.follow_up <= ?")
            params += [today.isoformat(), (today + timedelta(days=filters.due_window_days)).isoformat()]
        else:
            clauses.append("s.follow_up < ?")
            params.append(today.isoformat())
        # outstanding: no visit (as it reads now, its latest row) dated from the window before the follow-up on
        clauses.append("NOT EXISTS (SELECT 1 FROM visits v WHERE v.session_id = s.id AND v.visit_date >= "
                       "date(s.follow_up, ?) AND NOT EXISTS (SELECT 1 FROM visits w WHERE w.session_id = v.session_id "
                       "AND w.visit_no = v.visit_no AND w.id > v.id))")
        params.append(window)
    if filters.decisions:
        # "No decision" is NULL; coalesce keeps it one IN list, which SQLite walks newest first
        # instead of collecting every match of an OR to sort them.
        wanted = sorted({d if d is not None else "" for d in filters.decisions})
        if wanted == [""]:
            clauses.append("s.decision IS NULL")  # through sessions_by_decision, like one chosen decision
            return clauses, params
        column = "coalesce(s.decision, '')" if "" in wanted else "s.decision"
        clauses.append(f"{column} IN ({', '.join('?' * len(wanted))})")
        params += wanted
    return clauses, params
