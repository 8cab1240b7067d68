"""`decisionaid sessions followup add|amend ID ...`, and the follow-up part of `sessions show` and of the hand-offs.

Handlers are given the open store by cli/sessions.py (_cmd_sessions), which turns StoreError and RecordError into one line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json

KIND_LABELS = {"save": "saved", "amend": "amendment", "autosave": "autosave", "revert": "draft discarded"}


def _scores(text: str) -> tuple[int | None, ...]:
    """'1,0,2,,3,...': nine item scores, blank for an item not asked."""
    parts = [p.strip() for p in text.split(",")]
    try:
        return tuple(None if p == "" else int(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of item scores: give nine whole numbers "
                                         "separated by commas, e.g. 1,0,2,1,0,0,1,0,0") from None


def _day(text: str) -> str:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD") from None
    return text


def _rules_and_checklist():
    from decisionaid.checklist.followup import load_rules
    from decisionaid.checklist.items import load_checklist

    return load_rules(), load_checklist()


def harm_ids() -> tuple[str, ...]:
    """The side effects a visit may name: the evidence pack's harms (all but the 'any side effect' row)."""
    from decisionaid.evidence.pack import load_pack

    return tuple(h.id for h in load_pack().harms.items if h.id != "any")


def harm_labels() -> dict[str, str]:
    from decisionaid.evidence.pack import load_pack

    return {h.id: h.label for h in load_pack().harms.items}


def _visit_from(args, base=None):
    from dataclasses import replace

    from decisionaid.sessions.visits import VisitRecord

    visit = base or VisitRecord(args.date)
    changes = {"visit_date": args.date} if args.date else {}
    if args.phq9_items is not None:
        changes.update(phq9_items=args.phq9_items, phq9_total=None)
    if args.phq9_total is not None:
        changes.update(phq9_total=args.phq9_total, phq9_items=None)
    for name in ("notes", "impression", "next_step", "botox_date"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.side_effect is not None:
        changes["side_effects"] = tuple(args.side_effect)
    if args.other_side_effects is not None:
        changes["side_effects_other"] = args.other_side_effects
    if args.botox is not None:
        changes["botox_given"] = args.botox == "yes"
    return replace(visit, **changes)


def _limits(checklist) -> dict:
    return {"phq9_item_max": checklist.phq9.item_max, "phq9_total_max": checklist.phq9.total_max,
            "harm_ids": harm_ids()}


def followup_add(store, args: argparse.Namespace) -> int:

    rules, checklist = _rules_and_checklist()
    store.get(args.id)  # NoSuchSession before anything else
    number = store.add_visit(args.id, _visit_from(args), args.author, **_limits(checklist))
    print(f"Saved follow-up visit {number} of session {args.id}")
    _print_outcome(store, args.id, number, rules, checklist)
    return 0


def followup_amend(store, args: argparse.Namespace) -> int:
    from decisionaid.sessions.errors import NoSuchSession

    rules, checklist = _rules_and_checklist()
    current = {v.visit_no: v for v in store.visits(args.id)}
    if args.visit not in current:
        raise NoSuchSession(store.path, f"follow-up visit {args.visit} of session {args.id}")
    store.amend_visit(args.id, args.visit, _visit_from(args, current[args.visit].visit), args.author, args.reason,
                      **_limits(checklist))
    print(f"Amended follow-up visit {args.visit} of session {args.id}")
    _print_outcome(store, args.id, args.visit, rules, checklist)
    return 0


def _print_outcome(store, session_id, number, rules, checklist) -> None:
    from decisionaid.checklist.followup import course, outcome_lines

    c = course(checklist, rules, store.get(session_id).record, store.visits(session_id))
    for o in c.outcomes:
        if o.visit_no == number:
            for line in outcome_lines(rules, o):
                print(line)


def course_json(store, session_id: int, record) -> dict:
    """Visits (with every revision) and the computed outcomes, for `sessions show --json` and the JSON export."""
    from decisionaid.checklist.followup import course, definition_lines, outcome_dict
    from decisionaid.checklist.phq9 import Phq9, phq9_total

    rules, checklist = _rules_and_checklist()
    visits = store.visits(session_id)
    c = course(checklist, rules, record, visits)
    return {
        "patient_sessions": [{"session_id": s.session_id, "held_at": s.held_at, "decision": s.decision,
                              "follow_up": s.follow_up} for s in store.patient_sessions(record.patient_ref)],
        "visits": [{"visit": v.visit_no, **v.visit.to_dict(),
                    "phq9_total_computed": phq9_total(Phq9(v.visit.phq9_items, v.visit.phq9_total)),
                    "revisions": [{"revision": h.revision, "kind": KIND_LABELS[h.kind], "author": h.author,
                                   "created_at": h.created_at, "reason": h.reason}
                                  for h in store.visit_history(session_id, v.visit_no)]} for v in visits],
        "outcomes": [outcome_dict(o) for o in c.outcomes],
        "definitions": definition_lines(rules)}


def course_text(store, session_id: int, record, plain) -> list[str]:
    """The visits and their outcomes, for `sessions show`."""
    from decisionaid.checklist.followup import (course, definition_lines, outcome_lines, visit_change_words,
                                                visit_facts)

    rules, checklist = _rules_and_checklist()
    visits = store.visits(session_id)
    lines = [f"follow-up due: {record.follow_up or 'not set'}"]
    course_sessions = store.patient_sessions(record.patient_ref)
    if len(course_sessions) > 1:
        lines.append("this patient's sessions (oldest first):")
        for n, s in enumerate(course_sessions, 1):
            kind = "first consultation" if n == 1 else "later consultation"
            here = " (this one)" if s.session_id == session_id else ""
            lines.append(f"  session {s.session_id}, {s.held_at.replace('T', ' ')}: {kind}{here}, decision "
                         f"{s.decision or 'not decided'}, {len(store.visits(s.session_id))} follow-up visit(s)")
    if not visits:
        return lines + ["follow-up visits: none yet"]
    by_no = {v.visit_no: v for v in visits}
    c = course(checklist, rules, record, visits)
    lines.append(f"first consultation {c.baseline_date}: PHQ-9 total "
                 f"{c.baseline_total if c.baseline_total is not None else 'not recorded'}")
    for o in c.outcomes:
        v = by_no[o.visit_no].visit
        amended = f" (amended, {by_no[o.visit_no].revision} revisions)" if by_no[o.visit_no].revision > 1 else ""
        lines.append(f"follow-up visit {o.visit_no} on {o.visit_date}{amended}:")
        lines += [f"  {line}" for line in outcome_lines(rules, o)]
        labels = harm_labels()
        # the visit's facts as the Follow-up screen and the record word them, each line begun in lower case as the
        # CLI's other lines are ("Botox" keeps its capital)
        lines += [f"  {fact if fact.startswith('Botox') else fact[0].lower() + fact[1:]}"
                  for fact in visit_facts(rules, v, labels)]
        if v.notes:
            lines.append(f"  notes: {v.notes}")
        history = store.visit_history(session_id, o.visit_no)
        for before, after in zip(history, history[1:]):
            changes = visit_change_words(rules, before.visit, after.visit, labels)  # as on screen and paper
            lines.append(f"  revision {after.revision} (amendment) by {after.author} at {after.created_at} "
                         f"because {after.reason!r}: {changes}")
    lines.append("definitions:")
    lines += [f"  {line}" for line in definition_lines(rules)]
    return [plain(line) for line in lines]


def _visit_options(p, required_date: bool) -> None:
    p.add_argument("--date", type=_day, required=required_date, metavar="YYYY-MM-DD", help="the day of the visit")
    phq = p.add_mutually_exclusive_group(required=required_date)
    phq.add_argument("--phq9-total", type=int, metavar="N", help="the PHQ-9 total")
    phq.add_argument("--phq9-items", type=_scores, metavar="a,b,...", help="the nine PHQ-9 item scores")
    p.add_argument("--notes", help="notes")
    p.add_argument("--impression", help="the patient's own global impression, in their words")
    p.add_argument("--side-effect", action="append", metavar="ID",
                   help="a side effect experienced, by its id in the evidence (ptosis, eyelid_sensory, headache); "
                        "repeat for more")
    p.add_argument("--other-side-effects", metavar="TEXT", help="other side effects, in words")
    p.add_argument("--botox", choices=("yes", "no"), help="whether Botox was given")
    p.add_argument("--botox-date", type=_day, metavar="YYYY-MM-DD", help="the day Botox was given")
    p.add_argument("--next-step", choices=("repeat", "stop", "change", "review"),
                   help="repeat the injection, stop, change treatment or review again")
    p.add_argument("--author", default="clinician", help="who records it (default: clinician)")


def add_followup_parser(ss) -> None:
    fu = ss.add_parser("followup", help="record a follow-up visit of a session (PHQ-9, side effects, next step)")
    fs = fu.add_subparsers(dest="followup_command", required=True)
    add = fs.add_parser("add", help="a new follow-up visit")
    add.add_argument("id", type=int, help="the session number (decisionaid sessions list)")
    _visit_options(add, required_date=True)
    add.set_defaults(sessions_handler=followup_add)
    amend = fs.add_parser("amend", help="change a follow-up visit (the old one stays in the history)")
    amend.add_argument("id", type=int, help="the session number")
    amend.add_argument("visit", type=int, help="the visit number (1, 2, 3 ...)")
    amend.add_argument("--reason", required=True, help="why it is changed")
    _visit_options(amend, required_date=False)
    amend.set_defaults(sessions_handler=followup_amend)


__all__ = ["add_followup_parser", "course_json", "course_text", "json"]
