"""`decisionaid sessions ACTION`: list, search, show, export, import, back up and restore consultation records.

`_cmd_sessions` opens the store once (after the data folder, the numbers typed and the passphrase are checked) and
hands it to the action; every StoreError, RecordError, DataDirError and content error becomes one line on stderr.
The note and the FHIR export are in cli/handoff.py, the follow-up visits in cli/followup.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from decisionaid.cli.common import (EXPORT_INCOMPLETE, DataDirError, check_numbers, guard_output, plain,
                                    store_paths, unlock_if_encrypted)


def _cmd_sessions(args: argparse.Namespace) -> int:
    from decisionaid.sessions.errors import StoreCorrupt, StoreError
    from decisionaid.sessions.session_record import RecordError
    from decisionaid.sessions.store import SessionStore

    try:
        ids = getattr(args, "id", None)  # one for show, a list (or None) for export
        check_numbers([ids] if isinstance(ids, int) else ids or (), getattr(args, "limit", None))
        if getattr(args, "out", None) is not None:
            guard_output(args.out)
        database, backups = store_paths()
        unlock_if_encrypted()
        if args.sessions_handler in (_sessions_restore, _sessions_start_empty):  # these work without an open store
            return args.sessions_handler(database, args)
        with SessionStore.open(database, backup_dir=backups) as store:
            return args.sessions_handler(store, args)
    except (StoreError, RecordError, DataDirError, *_content_errors()) as exc:
        hint = _set_aside_hint(exc) if isinstance(exc, StoreCorrupt) and exc.moved_to is not None else ""
        print(f"decisionaid sessions: {exc}{hint}", file=sys.stderr)
        return 2


def _content_errors() -> tuple:
    """The content files the follow-up part reads (each error is one sentence naming the file)."""
    from decisionaid.checklist.followup import FollowUpRulesError
    from decisionaid.checklist.items import ChecklistError
    from decisionaid.evidence.pack import PackError

    return FollowUpRulesError, ChecklistError, PackError


def _set_aside_hint(exc) -> str:
    """What to type, after the message that the sessions file was set aside."""
    restore = (f"To restore the newest backup: decisionaid sessions restore {exc.backups[0].path}" if exc.backups
               else "To restore a backup: decisionaid sessions restore BACKUP-FILE")
    return f" {restore}; to go on with an empty file: decisionaid sessions start-empty."


def _sessions_restore(db_path, args: argparse.Namespace) -> int:
    from pathlib import Path

    from decisionaid.sessions.backup import restore

    moved = restore(Path(args.file), db_path)
    kept = f"; the file that was in place was kept as {moved.name}" if moved else ""
    print(f"Restored sessions from {args.file}{kept}")
    return 0


def _sessions_start_empty(db_path, args: argparse.Namespace) -> int:
    from decisionaid.sessions import setaside

    found = setaside.start_empty(db_path)
    if found is None:
        print("Nothing to do: no sessions file was set aside.")
        return 0
    moved, _when = found
    kept = f" {moved.name} is kept in {moved.parent} (nothing was deleted)." if moved else ""
    print(f"Going on with {'the file now in place' if db_path.exists() else 'an empty sessions file'}.{kept}")
    return 0


def _sessions_filters(args: argparse.Namespace):
    from decisionaid.sessions.listing import Filters

    decisions = None
    if args.decision is not None:  # already checked against the checklist's decisions (_Decisions)
        from decisionaid.checklist.items import NO_DECISION

        decisions = tuple(None if d == NO_DECISION else d for d in args.decision)
    follow_up = "due" if getattr(args, "due", False) else "overdue" if getattr(args, "overdue", False) else None
    window = 7
    if follow_up is not None:
        from decisionaid.checklist.followup import load_rules

        window = load_rules().due_window_days
    return Filters(date_from=args.date_from, date_to=args.date_to, decisions=decisions, follow_up=follow_up,
                   due_window_days=window)


def _sessions_list(store, args: argparse.Namespace) -> int:
    filters = _sessions_filters(args)
    if args.query is not None:
        rows = store.search(args.query, limit=args.limit, filters=filters)
    else:
        rows = store.list_page(limit=args.limit, filters=filters)
    if args.json:
        print(json.dumps([r._asdict() for r in rows], indent=2, ensure_ascii=False))
        return 0
    table = [("ID", "HELD AT", "PATIENT", "CLINICIAN", "DECISION", "STATUS", "FOLLOW-UP")]
    table += [(str(r.session_id), r.held_at.replace("T", " "), r.patient_ref, r.clinician, r.decision or "-",
               r.status + (" (draft)" if r.is_draft else ""), r.follow_up or "-") for r in rows]
    widths = [max(len(plain(row[i])) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(plain(cell).ljust(w) for cell, w in zip(row, widths)).rstrip())
    print(f"{len(rows)} found" if args.query is not None else f"{len(rows)} of {store.count(filters)} sessions",
          file=sys.stderr)
    return 0


def _sessions_show(store, args: argparse.Namespace) -> int:
    from decisionaid.cli.followup import KIND_LABELS, course_json, course_text

    view = store.get(args.id)
    history = store.history(args.id, include_autosaves=True) if args.history else []
    numbered = _numbered(store, args.id) if args.history else {}
    if args.json:
        print(json.dumps({"session_id": view.session_id, "saved_revision_id": view.saved_revision_id,
                          "revision_count": view.revision_count, "record": view.record.to_dict(),
                          "draft": view.draft.to_dict() if view.draft else None,
                          "history": [{"revision_id": h.revision_id, "revision": numbered[h.revision_id],
                                       "kind": h.kind, "author": h.author,
                                       "created_at": h.created_at, "reason": h.reason, "changes": list(h.changes)}
                                      for h in history],
                          **course_json(store, args.id, view.record)}, indent=2, ensure_ascii=False))
        return 0
    for name, value in view.record.to_dict().items():
        print(f"{name}: {plain(json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value)}")
    if view.draft is not None and view.saved_revision_id is not None:
        print("(an unsaved draft is newer than this saved record)")
    for line in course_text(store, args.id, view.record, plain):
        print(line)
    chronological = history[::-1]
    for previous, h in reversed(list(zip([None, *chronological], chronological))):
        reason = f" because {h.reason!r}" if h.reason else ""
        print(plain(f"revision {numbered[h.revision_id]} ({KIND_LABELS[h.kind]}) by {h.author} at {h.created_at}"
                     f"{reason}: {_changes(previous, h) if previous is not None else 'first version'}"))
    return 0


def _numbered(store, session_id: int) -> dict[int, int]:
    """Database revision id -> 1, 2, 3 within the session (every kind counted)."""
    return {h.revision_id: h.number for h in store.history(session_id, include_autosaves=True)}


def _changes(previous, h) -> str:
    """What changed, as old -> new values."""
    if not h.changes:
        return "no change"
    before, after = previous.record.to_dict(), h.record.to_dict()
    parts = []
    for name in h.changes:
        if name.startswith("answers."):
            key = name.split(".", 1)[1]
            old, new = before["answers"].get(key), after["answers"].get(key)
        else:
            old, new = before[name], after[name]
        parts.append(f"{name}: {_shown(old)} \u2192 {_shown(new)}")
    return "; ".join(parts)


def _shown(value) -> str:
    if value is None or value == "":
        return "(blank)"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _sessions_export(store, args: argparse.Namespace) -> int:
    from decisionaid.sessions.export import export_sessions

    if args.format == "fhir":
        from decisionaid.cli.handoff import export_fhir

        return export_fhir(store, args)
    count = export_sessions(store, args.id, args.format, args.out)
    for damage in count.damaged:
        print(f"decisionaid sessions: {damage.title}, left out of the export. {damage.advice}", file=sys.stderr)
    print(f"Exported {count} sessions to {args.out}")
    return EXPORT_INCOMPLETE if count.damaged else 0


def _sessions_import(store, args: argparse.Namespace) -> int:
    from decisionaid.sessions.importing import import_sessions

    result = import_sessions(store, args.file)
    for file_id in result.duplicates:
        print(f"decisionaid sessions: session {file_id} of {Path(args.file).name} is already in this sessions file: "
              "left out.", file=sys.stderr)
    print(f"Imported {len(result.created)} sessions from {args.file}"
          + (f" as sessions {', '.join(str(new) for _old, new in result.created)}" if result.created else ""))
    return EXPORT_INCOMPLETE if result.duplicates else 0


def _sessions_backup(store, args: argparse.Namespace) -> int:
    print(f"Backup written to {store.backup_to(args.out)}")
    return 0


def _day(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD") from None


class _Decisions:
    """The choices of --decision: the checklist's decisions (`Checklist.decisions`) in its order, then "none" (no
    decision yet). Read from the checklist only when first needed (a --decision to check, --help, an error), so
    that building the parser for another command does not load the checklist. A checklist that cannot be read is
    one line and exit code 2, as for the commands themselves."""

    def __init__(self) -> None:
        self._codes: tuple[str, ...] | None = None

    def _read(self) -> tuple[str, ...]:
        if self._codes is None:
            from decisionaid.checklist.items import NO_DECISION, ChecklistError, default_checklist
            from decisionaid.resources import ResourceError

            try:
                self._codes = (*default_checklist().decision_codes, NO_DECISION)
            except (ChecklistError, ResourceError, OSError) as exc:
                print(f"decisionaid sessions: {exc}", file=sys.stderr)
                raise SystemExit(2) from None
        return self._codes

    def __iter__(self):
        return iter(self._read())

    def __contains__(self, value: object) -> bool:
        return value in self._read()

    def __len__(self) -> int:
        return len(self._read())


def add_parser(sub) -> None:
    se = sub.add_parser("sessions", help="list, search, show, export and back up consultation records",
                        description="Consultation records in the data folder (see --data-dir).")
    se.set_defaults(handler=_cmd_sessions)
    ss = se.add_subparsers(dest="sessions_command", metavar="ACTION", required=True)
    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument("--limit", type=int, default=50, help="at most N sessions, newest first (default 50)")
    filters.add_argument("--from", dest="date_from", type=_day, metavar="DATE", help="held on or after DATE")
    filters.add_argument("--to", dest="date_to", type=_day, metavar="DATE", help="held on or before DATE")
    decision = filters.add_argument("--decision", nargs="+", help="only these decisions (none: no decision yet)")
    decision.choices = _Decisions()  # set after add_argument, which would otherwise read them at once to check them
    filters.add_argument("--json", action="store_true", help="machine-readable output")
    due = filters.add_mutually_exclusive_group()
    due.add_argument("--due", action="store_true", help="only sessions whose follow-up is due (this week)")
    due.add_argument("--overdue", action="store_true", help="only sessions whose follow-up date has passed "
                                                            "with no follow-up visit recorded")
    ss.add_parser("list", parents=[filters], help="newest sessions").set_defaults(sessions_handler=_sessions_list,
                                                                                query=None)
    se_search = ss.add_parser("search", parents=[filters], help="sessions whose patient, clinician or notes match")
    se_search.add_argument("query", help="words to find (the last may be the start of a word)")
    se_search.set_defaults(sessions_handler=_sessions_list)
    show = ss.add_parser("show", help="one session's record")
    show.add_argument("id", type=int)
    show.add_argument("--history", action="store_true", help="also list every revision and what it changed")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(sessions_handler=_sessions_show)
    ex = ss.add_parser("export", help="write sessions to a CSV or JSON file, or one session as a FHIR R4 document "
                                      "(owner-only)")
    ex.add_argument("--format", choices=("csv", "json", "fhir"), required=True)
    ex.add_argument("--out", required=True, metavar="FILE")
    ex.add_argument("--id", type=int, action="append", metavar="N", help="only session N (repeat for more)")
    ex.set_defaults(sessions_handler=_sessions_export)
    from decisionaid.cli.handoff import add_note_parser

    add_note_parser(ss)
    from decisionaid.cli.followup import add_followup_parser

    add_followup_parser(ss)
    im = ss.add_parser("import", help="read a JSON export back in, as new sessions with their revisions and "
                                      "follow-up visits (sessions already here are left out)")
    im.add_argument("file", metavar="FILE.json")
    im.set_defaults(sessions_handler=_sessions_import)
    bk = ss.add_parser("backup", help="copy all sessions to one file (owner-only)")
    bk.add_argument("--out", required=True, metavar="FILE")
    bk.set_defaults(sessions_handler=_sessions_backup)
    rs = ss.add_parser("restore", help="put a backup in place of the sessions file (the current one is kept)")
    rs.add_argument("file", metavar="BACKUP-FILE")
    rs.set_defaults(sessions_handler=_sessions_restore)
    ss.add_parser("start-empty", help="after the sessions file was set aside as damaged, go on with an empty one"
                  ).set_defaults(sessions_handler=_sessions_start_empty)
