"""Hand-offs to the health record in the app: "Copy note for the health record" (the clipboard) and
"Export FHIR document…" (a FHIR R4 document file, owner-only, written whole or not at all).

One pair of actions for the window (File menu, Ctrl+Shift+C and Ctrl+Shift+E), acting on what is on screen: the
session selected on the Sessions screen, otherwise the consultation on the Consultation screen. Both screens show
them as buttons. The note style (full or short) is a setting. Default file names never carry the patient's
identifier. The documents carry the follow-up visits' PHQ-9 scores too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QMessageBox, QWidget

from decisionaid.ui.common import label
from decisionaid.ui.keyboard import COPY_SHORTCUT, EXPORT_SHORTCUT  # the keys work from the first paint
STATUS_MS = 10000
_ON_SCREEN = object()  # no subject given: what is on screen


def handoff_input(subject, context, made_at: dt.datetime | None = None):
    """A HandoffInput for a print_job.Subject; `context` is (settings, summary, checklist)."""
    from decisionaid import __version__
    from decisionaid.handoff.visits import HandoffError, HandoffInput, check_ready, from_stored

    _settings, summary, checklist = context
    if subject is None or subject.record is None:
        raise HandoffError("There is no consultation to hand off yet: start one, or select a saved session.")
    if summary is None or checklist is None:
        raise HandoffError("The evidence or the checklist could not be loaded, so the note cannot say what was "
                           "discussed. Reinstalling decisionaid restores its bundled files.")
    if subject.session_id is None:
        raise HandoffError("The consultation is not saved yet (the sessions file is not available): the note and "
                           "the FHIR document are made from a saved session.")
    data = HandoffInput(subject.session_id, subject.record, checklist, summary.pack,
                        made_at or dt.datetime.now().replace(microsecond=0), revision_id=subject.revision_id,
                        draft=subject.draft, follow_ups=from_stored(getattr(subject, "visits", ())),
                        app_version=__version__)
    check_ready(data)
    return data


def _write_fhir(data, history, settings, summary, path: str, visits=(), visit_revisions=(),
                patient_sessions=()) -> str:
    """Worker thread: the record PDF, the Bundle, and the file (owner-only, temporary name then rename)."""
    from decisionaid.handout.attachment import record_pdf
    from decisionaid.output_guard import write_private
    from decisionaid.handoff.fhir import build_bundle, bundle_bytes

    payload = bundle_bytes(build_bundle(data, record_pdf(settings, data, history, summary=summary, visits=visits,
                                                         visit_revisions=visit_revisions,
                                                         patient_sessions=patient_sessions)))
    write_private(Path(path), payload)
    return path


class HandoffActions(QObject):
    copied = Signal(str)     # the note put on the clipboard
    exported = Signal(str)   # the path written
    failed = Signal(str)     # the message shown

    def __init__(self, window, subject: Callable, has_session: Callable[[], bool], context: Callable,
                 status: Callable[[str], None] | None = None):
        """`subject()`: the print_job.Subject to hand off (store errors reach the caller); `context()`:
        (settings, summary, checklist); `status(text)`: where short confirmations go (the status bar)."""
        super().__init__(window)
        self.window, self._subject, self._has_session, self._context = window, subject, has_session, context
        self._status = status or (lambda text: None)
        self.busy = False
        self._reads = None  # store_owner.Reads: a saved session to hand off, read on the sessions file's owner thread
        self.copy_note = QAction("Copy note for the health record", window, objectName="copyNote")
        self.copy_note.setShortcut(QKeySequence(COPY_SHORTCUT))
        self.copy_note.setStatusTip("Put a plain-text note of this consultation on the clipboard, ready to paste "
                                    "into the health record (full or short: Edit > Settings)")
        self.copy_note.triggered.connect(self.copy)
        self.export_fhir = QAction("Export FHIR document\u2026", window, objectName="exportFhir")
        self.export_fhir.setShortcut(QKeySequence(EXPORT_SHORTCUT))
        self.export_fhir.setStatusTip("Save this consultation as a FHIR R4 document (JSON) for a health record "
                                      "system, with the clinician record PDF inside")
        self.export_fhir.triggered.connect(self.choose_and_export)
        for action in (self.copy_note, self.export_fhir):
            window.addAction(action)
        self.refresh()

    def add_to_menu(self, menu) -> None:
        menu.addSeparator()
        menu.addAction(self.copy_note)
        menu.addAction(self.export_fhir)

    def bar(self) -> QWidget:
        """"Health record:" and the two buttons, following the actions' state."""
        from decisionaid.ui.print_actions import action_button

        w = QWidget(objectName="handoffBar")
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label("Health record:", wrap=False, selectable=False))
        row.addWidget(action_button(self.copy_note, "&Copy note", "copyNoteButton"))
        row.addWidget(action_button(self.export_fhir, "E&xport FHIR\u2026", "exportFhirButton"))
        row.addStretch(1)
        return w

    def refresh(self, *_) -> None:
        ok = bool(self._has_session())
        tip = ("Wait: a document is being made." if self.busy else "" if ok else
               "Start the consultation (it is saved as you type), or select one saved session.")
        for action in (self.copy_note, self.export_fhir):
            action.setEnabled(ok and not self.busy)
            action.setToolTip(tip or action.statusTip())

    # --- the actions ---------------------------------------------------------------------------------------

    def _with_subject(self, title: str, then: Callable) -> None:
        """`then(subject)` with what is on screen. A saved session (a store_owner.Pending) is read on the sessions
        file's owner thread first, busy meanwhile ("Reading the session…"): the window never waits behind a backup.
        A problem is one message titled `title`."""
        from decisionaid.ui.store_owner import Pending, Reads

        if self.busy:
            return
        try:
            subject = self._subject()
        except Exception as exc:  # noqa: BLE001 - every failure is one message, never a traceback
            self._tell(title, exc)
            return
        if not isinstance(subject, Pending):
            then(subject)
            return
        if self._reads is None:
            self._reads = Reads(self)
        self.busy = True
        self.refresh()
        self._status("Reading the session\u2026")

        def idle() -> None:
            self.busy = False
            self.refresh()

        def failed(exc) -> None:
            idle()
            self._tell(title, exc)

        self._reads.read(subject.store, subject.fn, on_done=lambda read: (idle(), then(read)), on_error=failed)

    def _input(self, subject=_ON_SCREEN):
        """(HandoffInput, subject) for `subject`, by default what is on screen (a saved session is read at once:
        the caller waits)."""
        from decisionaid.ui.store_owner import Pending

        if subject is _ON_SCREEN:
            subject = self._subject()
            if isinstance(subject, Pending):
                subject = subject.wait()
        return handoff_input(subject, self._context()), subject

    def note_text(self, subject=_ON_SCREEN) -> str:
        """The note for `subject` (what is on screen by default), in the style chosen in Settings. Raises what
        `_input` raises."""
        from decisionaid.handoff.note import build_note

        data, _subject = self._input(subject)
        style = getattr(self._context()[0], "note_style", "full")
        return build_note(data, "short" if style == "short" else "full")

    def copy(self) -> None:
        self._with_subject("The note could not be made", self._copy)

    def _copy(self, subject) -> None:
        try:
            text = self.note_text(subject)
        except Exception as exc:  # noqa: BLE001 - every failure is one message, never a traceback
            self._tell("The note could not be made", exc)
            return
        QGuiApplication.clipboard().setText(text)
        style = "short" if "\nNotes\n" not in text else "full"
        self._status(f"The {style} note for the health record is on the clipboard: paste it into the chart.")
        self.copied.emit(text)

    def default_path(self) -> str:
        from decisionaid.handoff.fhir import DEFAULT_FILE_NAME

        from decisionaid.ui.print_controller import documents_folder

        return str(Path(documents_folder()) / DEFAULT_FILE_NAME)

    def choose_and_export(self) -> None:
        self._with_subject("The FHIR document could not be made", self._choose_and_export)

    def _choose_and_export(self, subject) -> None:
        try:
            self._input(subject)  # a session that cannot be exported is told before a file is chosen
        except Exception as exc:  # noqa: BLE001
            self._tell("The FHIR document could not be made", exc)
            return
        path, _ = QFileDialog.getSaveFileName(self.window, "Export FHIR document", self.default_path(),
                                              "FHIR document (*.json)")
        if path:
            self.export_to(path, subject)

    def export_to(self, path: str, subject=_ON_SCREEN) -> None:
        from decisionaid.ui.tasks import run_in_background

        try:
            data, subject = self._input(subject)
        except Exception as exc:  # noqa: BLE001
            self._tell("The FHIR document could not be made", exc)
            return
        settings, summary, _checklist = self._context()
        self.busy = True
        self.refresh()
        self._status("Making the FHIR document\u2026")
        run_in_background(_write_fhir, data, subject.history, settings, summary, path,
                          getattr(subject, "visits", ()), getattr(subject, "visit_revisions", ()),
                          getattr(subject, "patient_sessions", ()), on_done=self._exported, on_error=lambda exc: self._export_failed(exc, path))

    def _exported(self, path: str) -> None:
        self.busy = False
        self.refresh()
        self._status(f"FHIR document written to {path}")
        self.exported.emit(path)

    def _export_failed(self, exc, path: str) -> None:
        self.busy = False
        self.refresh()
        self._tell("The FHIR document could not be written", exc, path)

    def _tell(self, title: str, exc: BaseException, path: str | None = None) -> None:
        from decisionaid.handoff.visits import HandoffError
        from decisionaid.handout.print_job import explain

        message = str(exc) if isinstance(exc, HandoffError) else explain(exc, path)
        self.failed.emit(message)
        QMessageBox.warning(self.window, title, message)
