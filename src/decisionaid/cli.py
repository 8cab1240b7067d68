"""Command line: with no command it opens the window; the headless commands share the domain code.

Imports are deferred into each command so `decisionaid` with no arguments reaches the window fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path



def _cmd_pool(args: argparse.Namespace) -> int:
    from decisionaid.evidence.pooling import PoolingError, pool, result_to_dict, result_to_text
    from decisionaid.evidence.trials_csv import TrialsFileError, read_trials_csv

    try:
        studies = read_trials_csv(args.file)
        result = pool(studies, measure=args.measure, method=args.method)
    except (TrialsFileError, PoolingError) as exc:
        print(f"decisionaid pool: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result_to_dict(result), indent=2) if args.json else result_to_text(result))
    return 0


def _cmd_evidence(args: argparse.Namespace) -> int:
    from decisionaid.evidence.pack import PackError, load_pack
    from decisionaid.evidence.summary import summary_to_dict, summary_to_text, summarise

    try:
        summary = summarise(load_pack())
    except PackError as exc:
        print(f"decisionaid evidence: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary_to_dict(summary), indent=2, ensure_ascii=False) if args.json
          else summary_to_text(summary))
    return 0


def unlock_if_encrypted() -> None:
    """An encrypted sessions file: ask for the passphrase on the terminal (never echoed, never an argument or an
    environment variable, which other programs can read). Raises WrongPassphrase, or StoreError when none was
    typed (no terminal, Ctrl-D, Ctrl-C)."""
    from decisionaid import paths
    from decisionaid.sessions import crypto
    from decisionaid.sessions.errors import StoreError

    if crypto.needs_passphrase(paths.database_path()):
        try:
            passphrase = _ask_passphrase("Passphrase for the saved sessions: ")
        except (EOFError, KeyboardInterrupt):
            print(file=sys.stderr)  # end the prompt's line
            raise StoreError("No passphrase was typed", "The saved sessions are encrypted: run the command in a "
                             "terminal and type the passphrase when asked. Nothing was changed.") from None
        crypto.unlock(paths.database_path(), passphrase)


def _ask_passphrase(prompt: str) -> str:
    """getpass on a terminal; without one (a pipe, /dev/null), one line of standard input, without getpass's
    "may be echoed" warning (nothing is echoed from a pipe). Raises EOFError when there is nothing to read."""
    import getpass
    import os

    try:
        os.close(os.open("/dev/tty", os.O_RDWR | getattr(os, "O_NOCTTY", 0)))
        terminal = True
    except OSError:
        terminal = sys.stdin is not None and sys.stdin.isatty()  # Windows: getpass reads the console itself
    if terminal:
        return getpass.getpass(prompt)
    print(prompt, end="", file=sys.stderr, flush=True)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise EOFError
    print(file=sys.stderr)  # what follows starts on its own line
    return line.rstrip("\r\n")


MAX_ID = 2**63 - 1  # SQLite's largest integer
MAX_LIMIT = 1_000_000_000


class DataDirError(Exception):
    """The data folder (or a number typed for it) cannot be used; the message is one line."""


def check_numbers(ids=(), limit=None) -> None:
    """Session IDs and --limit within what the store can take, before anything is opened. Raises DataDirError."""
    for n in ids:
        if n is not None and not 1 <= n <= MAX_ID:
            raise DataDirError(f"there is no session {n}: session IDs are whole numbers from 1 to {MAX_ID}")
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise DataDirError(f"--limit must be a whole number from 1 to {MAX_LIMIT}, not {limit}")


def store_paths():
    """(sessions file, backups folder) of the chosen data folder, created owner-only where possible. A data folder
    that is a file, lies inside a file, or holds a folder under the sessions file's name raises DataDirError; a
    folder that cannot be written is left for the store to report (reading still works)."""
    from decisionaid import paths

    database = check_data_dir(strict=True)
    try:
        backups = paths.backup_dir()
    except OSError:
        backups = database.parent / "backups"  # a read-only folder: made when a backup is first written
    return database, backups


def check_data_dir(strict: bool) -> Path:
    """The chosen data folder's sessions file path, the folder made if need be. Raises DataDirError when the folder
    is a file, lies inside a file or holds a folder under the sessions file's name; when it cannot be made for
    another reason (permissions, a read-only disk) too if `strict`, else the window says what is wrong."""
    from decisionaid import paths

    chosen = paths.chosen_data_dir()
    try:
        data = paths.data_dir()
    except FileExistsError:
        raise DataDirError(f"the data folder {chosen} is a file, not a folder; choose a folder with --data-dir") \
            from None
    except NotADirectoryError:
        raise DataDirError(f"the data folder {chosen} cannot be made: part of its path is a file, not a folder; "
                           "choose a folder with --data-dir") from None
    except OSError as exc:
        if strict:
            raise DataDirError(f"the data folder {chosen} cannot be made ({exc.strerror or exc}); "
                               "choose a folder with --data-dir") from None
        data = chosen
    database = data / paths.DATABASE_NAME
    if database.is_dir() or (database.exists() and not database.is_file()):
        raise DataDirError(f"{database} is a folder or a special file, not the sessions file; move it away or "
                           "choose another folder with --data-dir. Nothing was changed.")
    return database


def guard_output(out) -> None:
    """Refuse an --out that is one of the program's own files (output_guard). Raises DataDirError."""
    from decisionaid.output_guard import refusal

    refused = refusal(out)
    if refused is not None:
        raise DataDirError(refused.advice)


def _cmd_sessions(args: argparse.Namespace) -> int:
    from decisionaid import paths
    from decisionaid.sessions.errors import StoreCorrupt, StoreError
    from decisionaid.sessions.record import RecordError
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


def _no_log_on_stderr() -> None:
    """A headless command starts no log file; without a handler Python's last-resort handler would print records on
    stderr beside the one line of error the command writes. (Not on the window's path: logging loads after the first
    paint there.)"""
    import logging

    logger = logging.getLogger("decisionaid")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())


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

    decisions = None if args.decision is None else tuple(None if d == "none" else d for d in args.decision)
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
    widths = [max(len(_plain(row[i])) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(_plain(cell).ljust(w) for cell, w in zip(row, widths)).rstrip())
    print(f"{len(rows)} found" if args.query is not None else f"{len(rows)} of {store.count(filters)} sessions",
          file=sys.stderr)
    return 0


def _sessions_show(store, args: argparse.Namespace) -> int:
    from decisionaid.cli_followup import KIND_LABELS, course_json, course_text

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
        print(f"{name}: {_plain(json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value)}")
    if view.draft is not None and view.saved_revision_id is not None:
        print("(an unsaved draft is newer than this saved record)")
    for line in course_text(store, args.id, view.record, _plain):
        print(line)
    chronological = history[::-1]
    for previous, h in reversed(list(zip([None, *chronological], chronological))):
        reason = f" because {h.reason!r}" if h.reason else ""
        print(_plain(f"revision {numbered[h.revision_id]} ({KIND_LABELS[h.kind]}) by {h.author} at {h.created_at}"
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
        from decisionaid.cli_handoff import export_fhir

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


EXPORT_INCOMPLETE = 3  # the export was written, without the damaged sessions named on stderr


def _sessions_backup(store, args: argparse.Namespace) -> int:
    print(f"Backup written to {store.backup_to(args.out)}")
    return 0


def _plain(text: str) -> str:
    """Text safe for a terminal: control and other invisible characters shown as escapes."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def _day(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD") from None


def _add_sessions_parser(sub) -> None:
    se = sub.add_parser("sessions", help="list, search, show, export and back up consultation records",
                        description="Consultation records in the data folder (see --data-dir).")
    se.set_defaults(handler=_cmd_sessions)
    ss = se.add_subparsers(dest="sessions_command", metavar="ACTION", required=True)
    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument("--limit", type=int, default=50, help="at most N sessions, newest first (default 50)")
    filters.add_argument("--from", dest="date_from", type=_day, metavar="DATE", help="held on or after DATE")
    filters.add_argument("--to", dest="date_to", type=_day, metavar="DATE", help="held on or before DATE")
    filters.add_argument("--decision", nargs="+", choices=("proceed", "defer", "decline", "refer", "none"),
                         help="only these decisions (none: no decision yet)")
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
    from decisionaid.cli_handoff import add_note_parser

    add_note_parser(ss)
    from decisionaid.cli_followup import add_followup_parser

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


def _cmd_screenshot(args: argparse.Namespace) -> int:
    from decisionaid.app import run

    try:
        guard_output(args.out)
    except DataDirError as exc:
        print(f"decisionaid screenshot: {exc}", file=sys.stderr)
        return 2
    return run(screenshot=args.out, screen=args.screen)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="decisionaid",
        description="Decision aid for glabellar botulinum toxin A (Botox) in depression (off-label). "
                    "With no command, opens the window.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation headlessly (content, pooling, storage, handout, window); "
                             "uses a temporary folder, never your data; exit 0 if all is well")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="keep consultation records in DIR (default: DECISIONAID_DATA_DIR or the user data folder)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    ev = sub.add_parser("evidence", help="print the trials, pooled estimates and certainty")
    ev.add_argument("--json", action="store_true", help="machine-readable output")
    ev.set_defaults(handler=_cmd_evidence)

    po = sub.add_parser("pool", help="pool a CSV of two-arm trials (risk or odds ratio)",
                        description="Pool trials from a CSV with the header "
                                    "study,events_treatment,total_treatment,events_control,total_control")
    po.add_argument("file", help="CSV file of trials")
    po.add_argument("--measure", choices=("rr", "or"), default="rr", help="risk ratio or odds ratio (default rr)")
    po.add_argument("--method", choices=("dl", "fixed"), default="dl",
                    help="DerSimonian-Laird random effects or inverse-variance fixed effect (default dl)")
    po.add_argument("--json", action="store_true", help="machine-readable output")
    po.set_defaults(handler=_cmd_pool)
    sh = sub.add_parser("screenshot", help="save a picture of the main window (for documentation)")
    sh.add_argument("out", help="PNG file to write")
    sh.add_argument("--screen", choices=("Evidence", "Options", "Caveats", "Consultation", "Sessions",
                                         "patient-team", "patient-options", "patient-decision"),
                    default="Evidence")
    sh.set_defaults(handler=_cmd_screenshot)
    _add_sessions_parser(sub)
    from decisionaid.cli_pdf import add_parsers

    add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    if not (sys.argv[1:] if argv is None else argv):  # the window: no parser to build (about 12 ms at start-up)
        return _open_window(data_dir=None)
    args = build_parser().parse_args(argv)
    if args.version:
        from decisionaid import __version__

        print(f"decisionaid {__version__}")
        return 0
    if args.self_test:
        from decisionaid.selftest import run as self_test

        return self_test()
    if args.data_dir:
        from decisionaid import paths

        paths.set_data_dir(args.data_dir)
    if args.command is None:
        return _open_window(args.data_dir)
    _no_log_on_stderr()
    return args.handler(args)


def _open_window(data_dir: str | None) -> int:
    import os

    from decisionaid import paths
    from decisionaid.app import run

    if data_dir or os.environ.get(paths.ENV_VAR):  # a folder chosen by hand: one line if it cannot be one
        try:                                       # (a read-only folder opens, and says so)
            check_data_dir(strict=False)
        except DataDirError as exc:
            print(f"decisionaid: {exc}", file=sys.stderr)
            return 2
    return run()
