"""`decisionaid sessions import FILE.json`: read a JSON export (sessions/export.py) back into a store, for moving to
a new computer. Each session becomes a new session with its revisions and its follow-up visits' revisions, with
their authors, times and reasons as exported. Everything is checked before anything is written, and written in one
transaction: a malformed file changes nothing, and the message names the record. A session already in the store
(the same first revision, made at the same moment) is left out and named.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from decisionaid.sessions.session_record import RecordError, SessionRecord
from decisionaid.sessions.visits import VisitRecord

KINDS = ("autosave", "save", "amend", "revert")
VISIT_KINDS = ("save", "amend")
MAX_BYTES = 2 * 1024 ** 3


@dataclass
class Imported:
    created: list[tuple[int, int]] = field(default_factory=list)  # (session id in the file, new session id)
    duplicates: list[int] = field(default_factory=list)            # session ids in the file already in the store


@dataclass(frozen=True)
class _Revision:
    kind: str
    author: str
    created_at: str
    reason: str | None
    payload: object  # SessionRecord or VisitRecord


@dataclass(frozen=True)
class _Session:
    file_id: object
    revisions: tuple[_Revision, ...]
    visits: tuple[tuple[int, tuple[_Revision, ...]], ...]


def read_export(path: Path | str) -> list[_Session]:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise RecordError("file", f"{path.name} is larger than any export decisionaid writes: nothing imported.")
        data = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise RecordError("file", f"{path} cannot be read ({exc.strerror or type(exc).__name__}): nothing "
                                  "imported.") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RecordError("file", f"{path.name} is not a JSON export of decisionaid sessions (not valid JSON): "
                                  "nothing imported.") from None
    if not isinstance(data, list):
        raise RecordError("file", f"{path.name} is not a JSON export of decisionaid sessions (not a list of "
                                  "sessions): nothing imported.")
    return [_session(path.name, n, item) for n, item in enumerate(data, 1)]


def _session(name: str, n: int, item: object) -> _Session:
    where = f"{name}, record {n}"
    if isinstance(item, dict) and "session_id" in item:
        where += f" (session {item['session_id']})"

    def fail(what: str) -> RecordError:
        return RecordError("file", f"{where}: {what}. Nothing imported.")

    if not isinstance(item, dict):
        raise fail("not a session")
    revisions = item.get("revisions")
    if not isinstance(revisions, list) or not revisions:
        raise fail("has no revisions (exports made before follow-up visits hold only the latest record: export "
                   "again with this version)")
    parsed = tuple(_revision(fail, f"revision {i}", r, KINDS, "record", SessionRecord)
                   for i, r in enumerate(revisions, 1))
    if parsed[0].kind not in ("save", "autosave"):
        raise fail(f"revision 1 is a {parsed[0].kind!r}, but a session starts with a save or an autosave")
    visits = item.get("visits", [])
    if not isinstance(visits, list):
        raise fail("its visits are not a list")
    out, seen = [], set()
    for visit in visits:
        number = visit.get("visit") if isinstance(visit, dict) else None
        if not isinstance(number, int) or isinstance(number, bool) or number < 1 or number in seen:
            raise fail("a follow-up visit has no number, or the same number twice")
        seen.add(number)
        revs = visit.get("revisions")
        if not isinstance(revs, list) or not revs:
            raise fail(f"follow-up visit {number} has no revisions")
        out.append((number, tuple(_revision(fail, f"follow-up visit {number} revision {i}", r, VISIT_KINDS,
                                            "visit", VisitRecord) for i, r in enumerate(revs, 1))))
        if out[-1][1][0].kind != "save":
            raise fail(f"follow-up visit {number} does not start with a save")
    return _Session(item.get("session_id"), parsed, tuple(out))


def _revision(fail, what: str, r: object, kinds, key: str, cls) -> _Revision:
    if not isinstance(r, dict):
        raise fail(f"{what} is not an object")
    if r.get("damaged") or r.get(key) is None:
        raise fail(f"{what} could not be read when it was exported (damaged)")
    if r.get("kind") not in kinds:
        raise fail(f"{what} has the kind {r.get('kind')!r}, not one of {', '.join(kinds)}")
    for name in ("author", "created_at"):
        if not isinstance(r.get(name), str) or not r[name].strip():
            raise fail(f"{what} has no {name.replace('_', ' ')}")
    reason = r.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise fail(f"{what} has a reason that is not text")
    if r["kind"] == "amend" and not (reason or "").strip():
        raise fail(f"{what} is an amendment without its reason")
    try:
        payload = cls.from_dict(r[key])
        if cls is SessionRecord:
            from decisionaid.sessions.session_record import _shape

            _shape(payload)
            payload.validate(draft=r["kind"] == "autosave")
        else:
            payload.validate()
    except RecordError as exc:
        raise fail(f"{what}: {str(exc).rstrip('.')}") from None
    return _Revision(r["kind"], r["author"], r["created_at"], reason, payload)


def import_sessions(store, path: Path | str) -> Imported:
    """Check the whole file, then write its new sessions in one transaction."""
    sessions = read_export(path)
    result = Imported()
    with store._guard(transaction=True):
        starts = {}
        for created_at, first in store.db.execute(
                "SELECT s.created_at, CAST(r.payload AS BLOB) FROM sessions s JOIN revisions r ON r.id = "
                "(SELECT min(id) FROM revisions WHERE session_id = s.id)"):
            starts.setdefault(created_at, set()).add(bytes(first))
        for s in sessions:
            first = s.revisions[0]
            if first.payload.to_json().encode("utf-8") in starts.get(first.created_at, ()):
                result.duplicates.append(s.file_id)
                continue
            new_id = store._import_session(s.revisions, s.visits)
            starts.setdefault(first.created_at, set()).add(first.payload.to_json().encode("utf-8"))
            result.created.append((s.file_id, new_id))
    return result
