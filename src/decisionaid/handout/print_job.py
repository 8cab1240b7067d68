"""The print job, without Qt or SQLite: what a handout or record is about (`Subject`), the document to make of it
(`Document`: its title, default file name and the PDF bytes), and what to tell the clinician when making, saving
or printing it fails (`explain`).

The window (ui/print_controller.py) makes a `Document` on the UI thread and calls `Document.build()` on a worker
thread; `build()` touches no widget and no store. Default file names never contain the patient's identifier.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from typing import Any

HANDOUT, RECORD = "handout", "record"
UNEXPECTED = "Something unexpected went wrong"


@dataclass(frozen=True)
class Subject:
    """What a handout or record is about: nothing (the general handout) or one session as it stands."""
    session_id: int | None = None
    record: Any = None              # sessions.session_record.SessionRecord, or None for the general handout
    history: tuple = ()             # the store's revisions, newest first (for the record)
    draft: bool = False             # the record has changes not saved as a revision
    revision_id: int | None = None  # the saved revision being filed, when not a draft
    visits: tuple = ()              # the store's follow-up visits (StoredVisit), oldest first
    visit_revisions: tuple = ()     # every revision of those visits (for the record's amendments)
    patient_sessions: tuple = ()    # (SessionSummary, visit count) of every session of this patient


def stored_subject(store, session_id: int) -> Subject | None:
    """A saved session as the Sessions screen lists it: its latest saved version (or the draft if never saved),
    like `decisionaid record --session`. None when the sessions file is not available."""
    if store is None:
        return None
    view = store.get(session_id)
    draft = view.saved_revision_id is None
    return Subject(session_id, view.record, tuple(store.history(session_id)), draft,
                   None if draft else view.saved_revision_id, tuple(store.visits(session_id)),
                   tuple(store.visit_revisions(session_id)), tuple(store.patient_course(view.record.patient_ref)))


@dataclass(frozen=True)
class Document:
    kind: str                      # HANDOUT or RECORD
    subject: Subject
    settings: Any                  # settings.Settings
    large_print: bool = False
    made_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    paper: str | None = None       # "a4" or "letter"; None: from the settings (the window passes ui.paper.paper_for)

    def __post_init__(self):
        if self.kind == RECORD and self.subject.session_id is None:
            raise ValueError("a record needs a session")

    @property
    def title(self) -> str:
        """For window titles and messages; never the patient's identifier."""
        s = self.subject
        if self.kind == RECORD:
            return f"Clinician record, session {s.session_id}" + (" (draft)" if s.draft else "")
        text = ("Patient handout (general)" if s.record is None else "Patient handout (this consultation)"
                if s.session_id is None else f"Patient handout, session {s.session_id}")
        return text + (", large print" if self.large_print else "")

    @property
    def noun(self) -> str:
        return "the handout" if self.kind == HANDOUT else "the record"

    def file_name(self) -> str:
        """handout-2026-11-21.pdf, handout-session-12-large-print-2026-11-21.pdf, record-session-12-2026-11-21.pdf"""
        parts = [self.kind]
        sid = self.subject.session_id
        if sid is not None and (self.kind == RECORD or self.subject.record is not None):
            parts.append(f"session-{sid}")
        if self.kind == RECORD and self.subject.draft:
            parts.append("draft")
        if self.kind == HANDOUT and self.large_print:
            parts.append("large-print")
        return "-".join(parts + [self.made_at.date().isoformat()]) + ".pdf"

    def build(self, summary=None, checklist=None) -> bytes:
        """The PDF (worker thread: touches no widget and no store)."""
        s = self.subject
        if self.kind == HANDOUT:
            from decisionaid.handout.inputs import handout_input
            from decisionaid.handout.patient import build_handout

            return build_handout(handout_input(self.settings, s.session_id, s.record, self.large_print,
                                               self.made_at, summary, checklist, paper=self.paper))
        from decisionaid.handout.inputs import record_input
        from decisionaid.handout.clinician_record import build_record

        return build_record(record_input(self.settings, s.session_id, s.record, s.history, s.draft, s.revision_id,
                                         self.made_at, summary, checklist, s.visits, s.visit_revisions,
                                         s.patient_sessions, paper=self.paper))


def explain(exc: BaseException, path: str | None = None) -> str:
    """What happened and what to do, for a clinician: never a traceback."""
    from decisionaid.checklist.items import ChecklistError
    from decisionaid.evidence.pack import PackError
    from decisionaid.resources import ResourceError

    bundled = (PackError, ChecklistError, ResourceError)
    try:
        from decisionaid.handout.fonts import FontError
        from decisionaid.handout.wording import WordingError

        bundled += (FontError, WordingError)
    except ImportError:  # pragma: no cover - reportlab missing: the import error below says so
        pass
    # A StoreError can only exist once sessions/ is loaded: asking sys.modules keeps SQLite out of this module.
    store_errors = sys.modules.get("decisionaid.sessions.errors")
    if store_errors is not None and isinstance(exc, store_errors.StoreError):
        return f"{exc.title}. {exc.advice}"
    from decisionaid.output_guard import ProtectedOutput

    if isinstance(exc, ProtectedOutput):
        return exc.advice
    if isinstance(exc, bundled):
        return (f"{exc}\n\nNothing was saved or printed. Reinstalling decisionaid restores its bundled files; "
                "if this keeps happening, please report this message.")
    reason = (exc.strerror or str(exc)) if isinstance(exc, OSError) else ""
    if isinstance(exc, OSError) and path:
        return (f"It could not be written to\n{path}\n\nReason: {reason}.\n\nNothing was written there. "
                "Choose a folder you can write to, with free space, and try again.")
    if isinstance(exc, OSError):
        return f"Reason: {reason}.\n\nCheck the printer (or choose another) and print again."
    return (f"{UNEXPECTED}: {type(exc).__name__}: {exc}\n\n"
            "Nothing was saved or printed. Please report this message.")
