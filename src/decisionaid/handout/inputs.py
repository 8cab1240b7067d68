"""Everything a handout or a record needs, gathered in one place for the CLI and the app.

The evidence summary and the checklist are loaded from the bundled resources unless the caller passes them
(the app already holds both); `made_at` defaults to now, so builds are repeatable when the caller fixes it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from decisionaid.checklist.assessment import assess_record
from decisionaid.handout.patient import HandoutInput, Visit

if TYPE_CHECKING:
    from decisionaid.handout.clinician_record import RecordInput


def _defaults(summary, checklist, made_at):
    if summary is None:
        from decisionaid.evidence.pack import load_pack
        from decisionaid.evidence.summary import summarise

        summary = summarise(load_pack())
    if checklist is None:
        from decisionaid.checklist.items import load_checklist

        checklist = load_checklist()
    return summary, checklist, made_at or dt.datetime.now().replace(microsecond=0)


def _paper(settings, paper: str | None) -> str:
    """`paper` when given ("a4" or "letter"), else the settings' paper ("auto": the locale's region)."""
    if paper is not None:
        return paper
    from decisionaid.settings import resolve_paper

    return resolve_paper(getattr(settings, "paper", "auto"))


def handout_input(settings, session_id: int | None = None, record=None, large_print: bool = False,
                  made_at: dt.datetime | None = None, summary=None, checklist=None,
                  paper: str | None = None) -> HandoutInput:
    """A generic handout, or (given a session id and its record) a personal one; on `paper` ("a4", "letter"; by
    default the one the settings give)."""
    summary, checklist, made_at = _defaults(summary, checklist, made_at)
    visit = None if record is None else Visit(session_id, record, assess_record(checklist, record))
    return HandoutInput(summary, checklist, settings.crisis_text, made_at, settings.emergency_number,
                        (record.clinician if record is not None else "") or settings.clinician_name, visit,
                        large_print, getattr(settings, "clinic_contact", ""), _paper(settings, paper))


def record_input(settings, session_id: int, record, history=(), draft: bool = False,
                 revision_id: int | None = None, made_at: dt.datetime | None = None, summary=None,
                 checklist=None, visits=(), visit_revisions=(), patient_sessions=(),
                 paper: str | None = None) -> RecordInput:
    """The chart record of one session; `history` is the store's revisions (newest first) or (); `visits` and
    `visit_revisions` the store's follow-up visits (as they read now, and every revision of each)."""
    from decisionaid.handout.clinician_record import HistoryEntry, RecordInput  # not loaded for a handout (4 ms)

    summary, checklist, made_at = _defaults(summary, checklist, made_at)
    history = list(history)
    entries = []
    for i, h in enumerate(history):
        before = history[i + 1].record if i + 1 < len(history) and hasattr(h, "record") else None
        values = _values(before, h.record, h.changes) if before is not None else ()
        entries.append(HistoryEntry(h.revision_id, h.kind, h.author, h.created_at, h.reason, tuple(h.changes),
                                    values, getattr(h, "number", None) or len(history) - i))
    rules = None
    if visits:
        from decisionaid.checklist.followup import load_rules

        rules = load_rules()
    return RecordInput(summary, checklist, session_id, record, tuple(entries), made_at,
                       settings.clinician_name or record.clinician, draft, revision_id, tuple(visits),
                       tuple(visit_revisions), rules, tuple(patient_sessions), _paper(settings, paper))


def _values(before, after, changes) -> tuple[tuple[str, str, str], ...]:
    """(field, old, new) as text for each changed field ('answers.<id>' looked up in the answers)."""
    out = []
    for name in changes:
        if name.startswith("answers."):
            key = name[len("answers."):]
            old, new = before.answers.get(key), after.answers.get(key)
        else:
            old, new = getattr(before, name, None), getattr(after, name, None)
        out.append((name, _text(old), _text(new)))
    return tuple(out)


def _text(value) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, tuple):
        return ",".join("-" if v is None else str(v) for v in value)
    return str(value)
