"""Export sessions to CSV (one flat row each) or JSON (the full record), streamed and owner-only.

Each session's record is its latest saved one (a session never saved exports its draft, with no saved revision id).
Both formats carry every PHQ-9 item and the total computed from the items (or the total entered), the reasons given
for amendments and the follow-up visits. JSON also carries every revision and every visit revision, so that
`decisionaid sessions import` (sessions/importing.py) can read an export back into another store.
The file is written under a temporary name and renamed, so a failed export never leaves half a file.

CSV is UTF-8 with a byte-order mark (so spreadsheets detect the encoding). To stop a spreadsheet running a cell as
a formula, a text cell starting with =, +, -, @, tab, carriage return or ' gets a leading ' (the last two so that
removing one leading ' always gives the text back). JSON is never altered.

A session whose record cannot be read (damage that quick_check does not see: a payload that is not UTF-8, not
JSON or not a record) is left out and named in the result's `damaged`; every other session is written.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from decisionaid.files import replacing
from decisionaid.output_guard import check_output
from decisionaid.sessions.errors import NoSuchSession, RecordDamaged
from decisionaid.sessions.session_record import SessionRecord

FORMATS = ("csv", "json")
_QUOTE_FIRST = ("=", "+", "-", "@", "\t", "\r", "'")
_ROWS = ("SELECT s.id, s.saved_revision, (SELECT count(*) FROM revisions WHERE session_id = s.id), "
         "coalesce(s.saved_revision, s.latest_revision), CAST(r.payload AS BLOB) "
         "FROM sessions s LEFT JOIN revisions r ON r.id = coalesce(s.saved_revision, s.latest_revision)")


class Exported(int):
    """How many sessions were written; `.damaged` lists the RecordDamaged of each session left out."""

    damaged: tuple[RecordDamaged, ...] = ()


def export_sessions(store, session_ids: Iterable[int] | None, fmt: str, out_path: Path | str) -> Exported:
    """Write the given sessions (None: all, newest first, streamed) to `out_path`. Returns how many were written,
    with the sessions left out because their record is damaged (`.damaged`)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    out_path = Path(out_path)
    check_output(out_path, store.path, store.backup_dir)  # never the sessions file, a backup, the lock, ...
    ids = None if session_ids is None else list(session_ids)
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    with (store._guard(transaction=True, target=out_path), replacing(out_path) as tmp,
          open(tmp, "w", encoding=encoding, newline="") as out):
        damaged: list[RecordDamaged] = []
        rows = _complete(store, _rows(store, ids, damaged), damaged)
        written = (_write_csv(out, rows, _answer_ids(store, ids), store) if fmt == "csv"
                   else _write_json(out, rows, store))
    result = Exported(written)
    result.damaged = tuple(damaged)
    return result


def _rows(store, ids: list[int] | None, damaged: list) -> Iterator[tuple[int, int | None, int, SessionRecord]]:
    from decisionaid.sessions.store import decode_record

    if ids is None:
        cursor = store.db.execute(_ROWS + " ORDER BY s.held_at DESC, s.id DESC")
    else:
        cursor = (_one(store, session_id) for session_id in ids)
    for session_id, saved, count, revision_id, payload in cursor:
        try:
            if payload is None:
                raise RecordDamaged(store.path, session_id, revision_id, missing=True)
            record = decode_record(store.path, session_id, revision_id, payload)
        except RecordDamaged as exc:
            damaged.append(exc)
            continue
        yield session_id, saved, count, record


def _complete(store, rows, damaged: list):
    """The rows with their revisions and visit revisions read (a damaged one leaves the session out, named)."""
    for session_id, saved, count, record in rows:
        try:
            yield session_id, saved, count, record, _revision_dicts(store, session_id), _visit_rows(store, session_id)
        except RecordDamaged as exc:
            damaged.append(exc)


def _one(store, session_id: int) -> tuple:
    row = store.db.execute(_ROWS + " WHERE s.id = ?", [session_id]).fetchone()
    if row is None:
        raise NoSuchSession(store.path, f"session {session_id}")
    return row


def _answer_ids(store, ids: list[int] | None) -> list[str]:
    """Every checklist item answered in the exported sessions, for the CSV header (found by SQLite's JSON)."""
    # A damaged payload (not JSON, or answers not an object) adds no column: it is left out of the export anyway.
    sql = ("SELECT DISTINCT CAST(j.key AS BLOB) FROM sessions s JOIN revisions r "
           "ON r.id = coalesce(s.saved_revision, s.latest_revision), json_each(CASE WHEN json_valid(r.payload) "
           "THEN CASE WHEN json_type(r.payload, '$.answers') = 'object' THEN r.payload END END, '$.answers') j")
    if ids is None:
        found = store.db.execute(sql).fetchall()
    else:
        found = [row for chunk in range(0, len(ids), 500) for row in store.db.execute(
            f"{sql} WHERE s.id IN ({', '.join('?' * len(ids[chunk:chunk + 500]))})", ids[chunk:chunk + 500])]
    keys = set()
    for (key,) in found:
        try:
            keys.add(bytes(key).decode("utf-8"))
        except (TypeError, UnicodeDecodeError):
            pass  # only in a damaged payload, which is left out
    return sorted(keys)


def _computed_total(items, total) -> int | None:
    from decisionaid.checklist.phq9 import Phq9, phq9_total

    return phq9_total(Phq9(items, total))


def _visit_rows(store, session_id: int) -> list[tuple]:
    """(visit_no, kind, author, created_at, reason, VisitRecord) of every visit revision, oldest first."""
    from decisionaid.sessions.visits import VisitRecord
    from decisionaid.sessions.session_record import RecordError

    rows = []
    for row_id, visit_no, kind, author, created_at, reason, payload in store.db.execute(
            "SELECT id, visit_no, CAST(kind AS BLOB), CAST(author AS BLOB), CAST(created_at AS BLOB), "
            "CAST(reason AS BLOB), CAST(payload AS BLOB) FROM visits WHERE session_id = ? ORDER BY visit_no, id",
            [session_id]):
        try:
            kind, author, created_at = (bytes(v).decode("utf-8") for v in (kind, author, created_at))
            reason = None if reason is None else bytes(reason).decode("utf-8")
            rows.append((visit_no, kind, author, created_at, reason, VisitRecord.from_json(payload)))
        except (RecordError, TypeError, UnicodeDecodeError):
            raise RecordDamaged(store.path, session_id, row_id) from None
    return rows


def _write_csv(out, rows, answer_ids: list[str], store) -> int:
    from decisionaid.sessions.session_record import record_rules_for

    n_items = record_rules_for().phq9_items  # one column per item of the checklist's PHQ-9
    writer = csv.writer(out)
    writer.writerow(["session_id", "patient_ref", "held_at", "clinician", "decision", "status", "follow_up",
                     "phq9_total"] + [f"answer.{item}" for item in answer_ids]
                    + ["notes", "saved_revision_id", "revision_count"]
                    + [f"phq9_item{n}" for n in range(1, n_items + 1)]
                    + ["phq9_total_computed", "amendment_reasons", "follow_up_visits"])
    written = 0
    for session_id, saved, count, r, revisions, visit_rows in rows:
        text = [r.patient_ref, r.held_at, r.clinician, r.decision, r.status, r.follow_up]
        items = (list(r.phq9_items) if r.phq9_items is not None else [])[:n_items]
        items += [None] * (n_items - len(items))
        latest = {}
        for visit_no, *_rest, visit in visit_rows:
            latest[visit_no] = visit
        visits = "; ".join(f"{v.visit_date}: PHQ-9 {_blank(_computed_total(v.phq9_items, v.phq9_total))}"
                           for v in sorted(latest.values(), key=lambda v: v.visit_date))
        writer.writerow([session_id, *map(_cell, text), r.phq9_total,
                         *(_cell(r.answers.get(item)) for item in answer_ids), _cell(r.notes), saved, count,
                         *(_blank(i) for i in items), _blank(_computed_total(r.phq9_items, r.phq9_total)),
                         _cell(" | ".join(v["reason"] for v in revisions if v["kind"] == "amend" and v["reason"])),
                         _cell(visits)])
        written += 1
    return written


def _blank(value) -> str:
    return "" if value is None else str(value)


def _revision_dicts(store, session_id: int) -> list[dict]:
    from decisionaid.sessions.store import decode_record

    out = []
    for n, (row_id, kind, author, created_at, reason, payload) in enumerate(store.db.execute(
            "SELECT id, CAST(kind AS BLOB), CAST(author AS BLOB), CAST(created_at AS BLOB), CAST(reason AS BLOB), "
            "CAST(payload AS BLOB) FROM revisions WHERE session_id = ? ORDER BY id", [session_id]).fetchall(), 1):
        try:
            kind, author, created_at = (bytes(v).decode("utf-8") for v in (kind, author, created_at))
            reason = None if reason is None else bytes(reason).decode("utf-8")
            record = decode_record(store.path, session_id, row_id, payload).to_dict()
        except (RecordDamaged, TypeError, UnicodeDecodeError):
            # an older revision that cannot be read: marked, the session still exported
            kind, author, created_at, reason, record = (_lenient(v) for v in (kind, author, created_at, reason,
                                                                               None))
        out.append({"revision": n, "kind": kind, "author": author, "created_at": created_at, "reason": reason,
                    "record": record, **({"damaged": True} if record is None else {})})
    return out


def _lenient(value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", errors="replace")
    return value


def _write_json(out, rows, store) -> int:
    out.write("[")
    written = 0
    for session_id, saved, count, record, revisions, visit_rows in rows:
        visits: dict[int, list] = {}
        for visit_no, kind, author, created_at, reason, visit in visit_rows:
            visits.setdefault(visit_no, []).append({"kind": kind, "author": author, "created_at": created_at,
                                                    "reason": reason, "visit": visit.to_dict()})
        item = {"session_id": session_id, "saved_revision_id": saved, "revision_count": count,
                "record": record.to_dict(),
                "phq9_total_computed": _computed_total(record.phq9_items, record.phq9_total),
                "revisions": revisions,
                "visits": [{"visit": n, "visit_date": revs[-1]["visit"]["visit_date"],
                            "phq9_total_computed": _computed_total(revs[-1]["visit"]["phq9_items"],
                                                                   revs[-1]["visit"]["phq9_total"]),
                            "revisions": [{"revision": i, **r} for i, r in enumerate(revs, 1)]}
                           for n, revs in sorted(visits.items())]}
        out.write(("," if written else "") + "\n" + json.dumps(item, ensure_ascii=False))
        written += 1
    out.write("\n]\n")
    return written


def _cell(text: str | None) -> str:
    if text is None:
        return ""
    return "'" + text if text.startswith(_QUOTE_FIRST) else text
