"""`decisionaid handout` and `decisionaid record`: the patient handout and the clinician record as PDF files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _session(session_id: int):
    """(view, history) of one stored session; raises the store's errors. Its follow-up visits are kept in
    `_session.visits` (visits, visit revisions) for the record."""
    from decisionaid.cli.common import store_paths, unlock_if_encrypted
    from decisionaid.sessions.store import SessionStore

    database, backups = store_paths()
    unlock_if_encrypted()
    with SessionStore.open(database, backup_dir=backups) as store:
        view, history = store.get(session_id), store.history(session_id)
        _session.visits = (store.visits(session_id), store.visit_revisions(session_id),
                           store.patient_course(view.record.patient_ref))
        return view, history


def _write(out: str, data: bytes, what: str) -> int:
    from decisionaid.output_guard import write_private
    from decisionaid.output_guard import ProtectedOutput

    try:
        write_private(Path(out), data)
    except ProtectedOutput as exc:  # checked before building too; this catches a link made meanwhile
        print(f"decisionaid {what}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"decisionaid {what}: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"Wrote {out}")
    return 0


def _run(args: argparse.Namespace, build) -> int:
    from decisionaid.checklist.items import ChecklistError
    from decisionaid.cli.common import DataDirError, check_numbers, guard_output, store_paths
    from decisionaid.evidence.pack import PackError
    from decisionaid.handout.fonts import FontError
    from decisionaid.handout.wording import WordingError
    from decisionaid.sessions.errors import StoreError
    from decisionaid.settings import load as load_settings

    try:
        check_numbers([args.session])
        guard_output(args.out)
        store_paths()  # the data folder (settings, sessions) usable, or one line saying why
        return _write(args.out, build(load_settings(), args), args.command)
    except (StoreError, PackError, ChecklistError, WordingError, FontError, DataDirError) as exc:
        print(f"decisionaid {args.command}: {exc}", file=sys.stderr)
        return 2


def _handout(settings, args) -> bytes:
    from decisionaid.handout.inputs import handout_input
    from decisionaid.handout.patient import build_handout

    record = None
    if args.session is not None:
        view, _history = _session(args.session)
        record = view.record
    return build_handout(handout_input(settings, args.session, record, large_print=args.large_print,
                                       paper=args.paper))


def _record(settings, args) -> bytes:
    from decisionaid.handout.inputs import record_input
    from decisionaid.handout.clinician_record import build_record

    view, history = _session(args.session)
    visits, visit_revisions, patient_sessions = _session.visits
    draft = view.saved_revision_id is None
    return build_record(record_input(settings, args.session, view.record, history, draft=draft,
                                     revision_id=view.saved_revision_id, visits=visits,
                                     visit_revisions=visit_revisions, patient_sessions=patient_sessions,
                                     paper=args.paper))


def _paper_option(parser) -> None:
    parser.add_argument("--paper", choices=("a4", "letter"), default=None,
                        help="paper size (default: the Paper setting; Automatic uses the region's usual paper)")


def add_parsers(sub) -> None:
    ho = sub.add_parser("handout", help="write the patient handout as PDF (generic, or for one session)")
    ho.add_argument("--out", required=True, metavar="FILE.pdf", help="PDF file to write (owner-only)")
    ho.add_argument("--session", type=int, metavar="ID", help="personalise it with this session's answers")
    ho.add_argument("--large-print", action="store_true", help="14 pt text and larger pictures")
    _paper_option(ho)
    ho.set_defaults(handler=lambda args: _run(args, _handout))
    rc = sub.add_parser("record", help="write the clinician record of one session as PDF, for the chart")
    rc.add_argument("--session", type=int, required=True, metavar="ID", help="the session to file")
    rc.add_argument("--out", required=True, metavar="FILE.pdf", help="PDF file to write (owner-only)")
    _paper_option(rc)
    rc.set_defaults(handler=lambda args: _run(args, _record))
