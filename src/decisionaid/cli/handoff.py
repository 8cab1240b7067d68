"""`decisionaid sessions note ID [--short]` and `decisionaid sessions export --format fhir --id N --out FILE.json`.

Both are given the open store by cli/sessions.py (_cmd_sessions), which turns StoreError and RecordError into one line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path


def handoff_for(store, session_id: int, made_at: dt.datetime | None = None, pack=None, checklist=None,
                follow_ups=None):
    """(HandoffInput, view, history) for one stored session, with its stored follow-up visits unless given."""
    from decisionaid import __version__
    from decisionaid.handoff.visits import HandoffInput, from_stored

    if pack is None:
        from decisionaid.evidence.pack import load_pack

        pack = load_pack()
    if checklist is None:
        from decisionaid.checklist.items import load_checklist

        checklist = load_checklist()
    view = store.get(session_id)
    history = store.history(session_id)
    if follow_ups is None:
        follow_ups = from_stored(store.visits(session_id))
    data = HandoffInput(session_id, view.record, checklist, pack,
                        made_at or dt.datetime.now().replace(microsecond=0), revision_id=view.saved_revision_id,
                        draft=view.saved_revision_id is None, follow_ups=tuple(follow_ups), app_version=__version__)
    return data, view, history


def _known_errors():
    from decisionaid.checklist.items import ChecklistError
    from decisionaid.evidence.pack import PackError
    from decisionaid.handoff.visits import HandoffError
    from decisionaid.handout.fonts import FontError
    from decisionaid.handout.wording import WordingError

    return HandoffError, PackError, ChecklistError, WordingError, FontError


def sessions_note(store, args: argparse.Namespace) -> int:
    from decisionaid.handoff.note import build_note

    try:
        data, _view, _history = handoff_for(store, args.id)
        text = build_note(data, "short" if args.short else "full")
    except _known_errors() as exc:
        print(f"decisionaid sessions note: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


def export_fhir(store, args: argparse.Namespace) -> int:
    from decisionaid.output_guard import write_private
    from decisionaid.handout.attachment import record_pdf
    from decisionaid.handoff.fhir import build_bundle, bundle_bytes
    from decisionaid.settings import load as load_settings

    if not args.id or len(args.id) != 1:
        print("decisionaid sessions export: a FHIR document holds one session: give exactly one --id N.",
              file=sys.stderr)
        return 2
    try:
        data, _view, history = handoff_for(store, args.id[0])
        from decisionaid.handoff.visits import check_ready

        check_ready(data)
        pdf = record_pdf(load_settings(), data, history, visits=store.visits(args.id[0]),
                         visit_revisions=store.visit_revisions(args.id[0]),
                         patient_sessions=store.patient_course(data.record.patient_ref))
        payload = bundle_bytes(build_bundle(data, pdf))
    except _known_errors() as exc:
        print(f"decisionaid sessions export: {exc}", file=sys.stderr)
        return 2
    try:
        write_private(Path(args.out), payload)
    except OSError as exc:
        print(f"decisionaid sessions export: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"Exported session {args.id[0]} as a FHIR R4 document to {args.out}")
    return 0


def add_note_parser(ss) -> None:
    note = ss.add_parser("note", help="print the note for the health record (plain text to paste)")
    note.add_argument("id", type=int)
    note.add_argument("--short", action="store_true", help="the short note instead of the full one")
    note.set_defaults(sessions_handler=sessions_note)
