"""Print, save as PDF and preview: the patient handout (general, or for one session) and the clinician record.

The PDF is always built by `handout/` on a worker thread; the window stays usable and the actions are disabled
until the build is over, so a double click cannot start two. Then:

- Save as PDF writes the bytes owner-only, whole or not at all (`output_guard.write_private`).
- Print asks for the printer (QPrintDialog, page range and copies). "Print to file" (a PDF printer with a file
  name) gets our own vector PDF, with its text; a real printer gets each page rendered by pypdfium2 at its
  resolution (at most 300 dpi), one page at a time on a worker thread, painted on the UI thread.
- Preview shows the pages (pdf_preview), with Print and Save for the same bytes.

Anything that goes wrong is one plain message box saying what happened and what to do; never a traceback.
Default file names never contain the patient's identifier.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, QRectF, QStandardPaths, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QHBoxLayout, QLabel, QMenu, QMessageBox, QProgressBar,
                               QPushButton, QWidget)

from decisionaid.ui.common import label

MAX_PRINT_DPI = 300
STATUS_MS = 10000
HANDOUT, RECORD = "handout", "record"
UNEXPECTED = "Something unexpected went wrong"


@dataclass(frozen=True)
class Subject:
    """What a handout or record is about: nothing (the general handout) or one session as it stands."""
    session_id: int | None = None
    record: Any = None              # sessions.record.SessionRecord, or None for the general handout
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
    paper: str | None = None       # "a4" or "letter"; None: from the settings (ui.paper.paper_for)

    def __post_init__(self):
        if self.kind == RECORD and self.subject.session_id is None:
            raise ValueError("a record needs a session")
        if self.paper is None:  # resolved here, on the UI thread: build() runs on a worker
            from decisionaid.ui.paper import paper_for

            object.__setattr__(self, "paper", paper_for(self.settings))

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
        from decisionaid.handout.record import build_record

        return build_record(record_input(self.settings, s.session_id, s.record, s.history, s.draft, s.revision_id,
                                         self.made_at, summary, checklist, s.visits, s.visit_revisions,
                                         s.patient_sessions, paper=self.paper))


def explain(exc: BaseException, path: str | None = None) -> str:
    """What happened and what to do, for a clinician: never a traceback."""
    from decisionaid.checklist.items import ChecklistError
    from decisionaid.evidence.pack import PackError
    from decisionaid.resources import ResourceError
    from decisionaid.sessions.errors import StoreError

    bundled = (PackError, ChecklistError, ResourceError)
    try:
        from decisionaid.handout.fonts import FontError
        from decisionaid.handout.wording import WordingError

        bundled += (FontError, WordingError)
    except ImportError:  # pragma: no cover - reportlab missing: the import error below says so
        pass
    if isinstance(exc, StoreError):
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


def _while_alive(method):
    """For results that arrive from a worker: ignored once the window (and so this object) has gone."""
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        from shiboken6 import isValid

        if isValid(self):
            return method(self, *args, **kwargs)
        return None
    return call


class PrintActions(QObject):
    """Builds, saves, prints and previews documents for the whole window: one job at a time."""

    busy_changed = Signal(bool)
    progress = Signal(str, int, int)  # message, done, total (total 0: no measure yet)
    finished = Signal(str)            # what was done, for the status bar
    failed = Signal(str)              # the message shown to the clinician

    def __init__(self, parent: QWidget, context: Callable[[], tuple] = lambda: (None, None, None)):
        """`context()` returns (settings, evidence summary or None, checklist or None), all read at click time."""
        super().__init__(parent)
        self._window, self._context = parent, context
        self.busy = False
        self.printer = None       # one QPrinter kept between prints, so the chosen printer is remembered
        self.folder: str | None = None
        self.error_box: QMessageBox | None = None
        self.last_message = ""
        self.last_preview = None
        self.large_print = QAction("&Large print handout", self, checkable=True)
        self.large_print.setStatusTip("Handouts in 14 pt type with larger pictures")
        self._raster = None

    # --- documents ----------------------------------------------------------------------------------

    def document(self, kind: str, subject: Subject) -> Document:
        settings = self._context()[0]
        return Document(kind, subject, settings, large_print=kind == HANDOUT and self.large_print.isChecked())

    def action_set(self, subject: Callable[[], Subject], has_session: Callable[[], bool], **texts) -> "ActionSet":
        return ActionSet(self, subject, has_session, **texts)

    # --- state --------------------------------------------------------------------------------------

    def _set_busy(self, busy: bool, message: str = "") -> None:
        self.busy = busy
        if message:
            self._progress(message)
        self.busy_changed.emit(busy)

    def _progress(self, message: str, done: int = 0, total: int = 0) -> None:
        self.last_message = message
        self.progress.emit(message, done, total)

    @_while_alive
    def _done(self, message: str) -> None:
        self._set_busy(False)
        self.last_message = message
        self.finished.emit(message)

    @_while_alive
    def _fail(self, doc: Document, exc: BaseException, outcome: str, path: str | None = None) -> None:
        """`outcome`: "saved", "printed" or "shown", for the title ("The handout was not saved")."""
        import logging

        from decisionaid import log

        text = explain(exc, path)
        unexpected = text.startswith(UNEXPECTED)
        if unexpected:  # a bug: the details go to stderr for a report, never on screen
            import traceback

            traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
        log.error(f"{doc.kind.capitalize()} not {outcome}", exc, logging.ERROR if unexpected else logging.WARNING,
                  logger=__name__)
        self.show_error(f"{doc.noun.capitalize()} was not {outcome}", text)

    def show_error(self, title: str, text: str) -> None:
        """A plain-text warning (never rich text: paths and identifiers are shown as typed), not blocking."""
        self._set_busy(False)
        self.last_message = title
        box = QMessageBox(QMessageBox.Warning, "decisionaid", f"{title}.\n\n{text}", QMessageBox.Ok,
                          self._window)
        box.setTextFormat(Qt.PlainText)
        box.setAttribute(Qt.WA_DeleteOnClose)
        self.error_box = box
        self.failed.emit(text)
        box.open()

    def _start(self, doc: Document, message: str) -> bool:
        if self.busy:
            return False
        self._set_busy(True, message)
        return True

    def _run(self, fn, *args, on_done, on_error):
        from decisionaid.ui.tasks import run_in_background

        return run_in_background(fn, *args, on_done=on_done, on_error=on_error)

    def _build_and_measure(self, doc: Document):
        from decisionaid.ui.pdf_preview import measure

        _settings, summary, checklist = self._context()
        return functools.partial(lambda d, s, c: measure(d.build(s, c)), doc, summary, checklist)

    # --- save -----------------------------------------------------------------------------------------

    def _ask_path(self, doc: Document) -> str | None:
        folder = self.folder or QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation) or str(Path.home())
        path, _ = QFileDialog.getSaveFileName(self._window, f"Save {doc.noun} as PDF",
                                              str(Path(folder) / doc.file_name()), "PDF (*.pdf)")
        if not path:
            return None
        if not Path(path).suffix and not Path(path).exists():
            path += ".pdf"
        self.folder = str(Path(path).parent)
        from decisionaid.output_guard import refusal

        refused = refusal(path)
        if refused is not None:
            self.show_error(f"{doc.noun.capitalize()} was not saved", refused.advice)
            return None
        return path

    def save_pdf(self, doc: Document, path: str | None = None, pages=None) -> None:
        """Ask where (unless `path`), then build (unless `pages` is already built) and write, off the UI thread."""
        if self.busy:
            return
        path = path or self._ask_path(doc)
        if not path:
            return
        self._start(doc, f"Saving {doc.noun} as PDF\u2026")
        _settings, summary, checklist = self._context()

        def work(data=pages.data if pages is not None else None):
            from decisionaid.output_guard import write_private

            data = data if data is not None else doc.build(summary, checklist)
            write_private(Path(path), data)
            return path

        self._run(work, on_done=lambda p: self._done(f"Saved {doc.noun} as {p}"),
                  on_error=lambda exc: self._fail(doc, exc, "saved", path))

    # --- print ----------------------------------------------------------------------------------------

    def _printer(self):
        from PySide6.QtPrintSupport import QPrinter

        if self.printer is None:
            self.printer = QPrinter(QPrinter.HighResolution)
        return self.printer

    def print_document(self, doc: Document, ask: bool = True, raster: bool | None = None, pages=None) -> None:
        """Build, then ask for the printer (page range and copies), then print. `ask=False` uses `self.printer`
        as it is; `raster=True` renders pages even for a PDF file (tests)."""
        if pages is None and getattr(doc.settings, "paper", "auto") == "auto":
            import dataclasses

            from decisionaid.ui.paper import paper_for

            doc = dataclasses.replace(doc, paper=paper_for(doc.settings, printing=True))  # the printer's paper
        if not self._start(doc, f"Preparing {doc.noun} for printing\u2026"):
            return
        if pages is not None:
            self._print_built(doc, pages, ask, raster)
            return
        self._run(self._build_and_measure(doc), on_done=lambda p: self._print_built(doc, p, ask, raster),
                  on_error=lambda exc: self._fail(doc, exc, "printed"))

    @_while_alive
    def _print_built(self, doc: Document, pages, ask: bool, raster: bool | None) -> None:
        from PySide6.QtCore import QSizeF
        from PySide6.QtGui import QPageLayout, QPageSize
        from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter

        printer = self._printer()
        printer.setDocName(f"decisionaid {doc.kind}")  # print queues are visible to others: no identifier
        w, h = pages.sizes[0]
        printer.setPageSize(QPageSize(QSizeF(w, h), QPageSize.Point, "", QPageSize.FuzzyMatch))
        printer.setPageOrientation(QPageLayout.Landscape if w > h else QPageLayout.Portrait)
        printer.setPrintRange(QPrinter.AllPages)
        printer.setFromTo(0, 0)
        self._progress(f"Choose a printer for {doc.noun}")
        if ask:
            dialog = QPrintDialog(printer, self._window)
            dialog.setWindowTitle(f"Print {doc.noun}")
            dialog.setMinMax(1, pages.count)
            dialog.setOption(QAbstractPrintDialog.PrintPageRange, True)
            dialog.setOption(QAbstractPrintDialog.PrintCurrentPage, False)
            dialog.setOption(QAbstractPrintDialog.PrintSelection, False)
            accepted = dialog.exec() == QPrintDialog.Accepted
            dialog.deleteLater()
            if not accepted:
                self._done("Printing cancelled.")
                return
        indexes = chosen_pages(printer, pages.count)
        if not indexes:
            self.show_error("Nothing was printed", "The pages chosen are not in this document "
                            f"(it has {pages.count}). Choose a page range within it and print again.")
            return
        to_file = printer.outputFormat() == QPrinter.PdfFormat
        if to_file and not printer.outputFileName():
            self.show_error("Nothing was printed", "No printer or file was chosen. Print again and choose one.")
            return
        if to_file and not raster:
            self._print_to_file(doc, pages, indexes, printer.outputFileName())
        else:
            self._raster = RasterJob(self, doc, pages, printer, indexes)
            self._raster.start()

    def _print_to_file(self, doc: Document, pages, indexes: list[int], path: str) -> None:
        """"Print to file": our own PDF (vector, searchable), only the chosen pages, written whole or not at all."""
        from decisionaid.ui.pdf_preview import select_pages

        self._progress(f"Saving {doc.noun} as PDF\u2026")
        all_pages = indexes == list(range(pages.count))

        def work():
            from decisionaid.output_guard import write_private

            write_private(Path(path), pages.data if all_pages else select_pages(pages.data, indexes))
            return path

        self._run(work, on_done=lambda p: self._done(f"Printed {doc.noun} to {p}"),
                  on_error=lambda exc: self._fail(doc, exc, "printed", path))

    # --- preview --------------------------------------------------------------------------------------

    def preview(self, doc: Document, pages=None):
        """Build, then show the pages in a window with Print and Save (for the same bytes)."""
        if pages is not None:
            return self._show_preview(doc, pages)
        if not self._start(doc, f"Preparing the preview of {doc.noun}\u2026"):
            return None
        self._run(self._build_and_measure(doc), on_done=lambda p: self._show_preview(doc, p),
                  on_error=lambda exc: self._fail(doc, exc, "shown"))
        return None

    @_while_alive
    def _show_preview(self, doc: Document, pages):
        from decisionaid.ui.pdf_preview import PdfPreviewDialog

        if self.busy:
            self._done(f"Preview of {doc.noun} ready")
        draft = doc.kind == RECORD and doc.subject.draft
        note = "Unsaved changes: the record is marked as a draft." if draft else ""
        dialog = PdfPreviewDialog(doc.title, pages, note, self._window)
        dialog.print_requested.connect(lambda: self.print_document(doc, pages=pages))
        dialog.save_requested.connect(lambda: self.save_pdf(doc, pages=pages))
        self.busy_changed.connect(dialog.set_busy)  # a slot of the dialog: let go when the dialog is deleted
        self.last_preview = dialog
        dialog.show()
        dialog.start()
        return dialog


def chosen_pages(printer, count: int) -> list[int]:
    """The 0-based pages to print, in order, from the printer's page range (all when none was given)."""
    from PySide6.QtPrintSupport import QPrinter

    ranges = printer.pageRanges()
    if not ranges.isEmpty():
        pages = [i for i in range(count) if ranges.contains(i + 1)]
    elif printer.printRange() == QPrinter.PageRange and printer.fromPage() > 0:
        pages = list(range(printer.fromPage() - 1, min(printer.toPage() or count, count)))
    else:
        pages = list(range(count))
    if printer.pageOrder() == QPrinter.LastPageFirst:
        pages.reverse()
    return pages


class RasterJob(QObject):
    """Paint the pages on a printer that cannot take our PDF: each page is rendered on a worker thread, then
    painted here; one page image is held at a time."""

    def __init__(self, actions: PrintActions, doc: Document, pages, printer, indexes: list[int]):
        super().__init__(actions)
        self.actions, self.doc, self.pages, self.printer = actions, doc, pages, printer
        copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
        if printer.collateCopies():
            self.sequence = indexes * copies
        else:
            self.sequence = [i for i in indexes for _ in range(copies)]
        self.dpi = min(printer.resolution(), MAX_PRINT_DPI)
        self.painter = None
        self.step = 0
        self._last: tuple[int, Any] | None = None

    def start(self) -> None:
        from PySide6.QtGui import QPainter

        self.printer.setFullPage(True)  # the PDF page carries its own margins: map it onto the whole sheet
        self.painter = QPainter()
        if not self.painter.begin(self.printer):
            self.painter = None
            name = self.printer.printerName() or self.printer.outputFileName() or "the printer"
            self.actions.show_error("Nothing was printed", f"{name} could not be started. Check that it is "
                                    "switched on and connected, or choose another printer, then print again.")
            return
        self._next()

    def _next(self) -> None:
        from decisionaid.ui.pdf_preview import render_page

        if self.step >= len(self.sequence):
            self._finish()
            return
        index = self.sequence[self.step]
        self.actions._progress(f"Printing page {self.step + 1} of {len(self.sequence)}\u2026", self.step,
                               len(self.sequence))
        if self._last is not None and self._last[0] == index:
            self._paint(self._last[1])
            return
        self.actions._run(render_page, self.pages.data, index, self.dpi,
                          on_done=lambda image, i=index: self._rendered(i, image), on_error=self._failed)

    @_while_alive
    def _rendered(self, index: int, image) -> None:
        self._last = (index, image)
        self._paint(image)

    def _paint(self, image) -> None:
        if self.step > 0 and not self.printer.newPage():
            self._failed(OSError("the printer did not accept the next page"))
            return
        from PySide6.QtPrintSupport import QPrinter

        sheet = self.printer.paperRect(QPrinter.DevicePixel)
        scale = min(sheet.width() / image.width(), sheet.height() / image.height())
        w, h = image.width() * scale, image.height() * scale
        target = QRectF((sheet.width() - w) / 2, (sheet.height() - h) / 2, w, h)
        self.painter.setRenderHint(self.painter.RenderHint.SmoothPixmapTransform)
        self.painter.drawImage(target, image)
        self.step += 1
        self._next()

    def _finish(self) -> None:
        from PySide6.QtPrintSupport import QPrinter

        self.painter.end()
        self.painter = None
        self._last = None
        self.deleteLater()
        where = self.printer.outputFileName() if self.printer.outputFormat() == QPrinter.PdfFormat \
            else self.printer.printerName()
        n = len(self.sequence)
        self.actions._done(f"Sent {n} page{'s' if n != 1 else ''} of {self.doc.noun} to {where}")

    @_while_alive
    def _failed(self, exc) -> None:
        if self.painter is not None:
            self.painter.end()
            self.painter = None
        self._last = None
        self.deleteLater()
        self.actions._fail(self.doc, exc, "printed")


class ActionSet(QObject):
    """Preview, print and save actions for the handout and the record of one subject (the consultation on screen,
    or the session selected in a list). The record needs a session; every action is off while a job runs."""

    def __init__(self, actions: PrintActions, subject: Callable[[], Subject], has_session: Callable[[], bool],
                 needs_session: str, handout_tip: str, record_tip: str, handout_needs_session: bool = False):
        """`needs_session`: the tooltip of an action that cannot run yet, saying why; `handout_tip`, `record_tip`:
        what the handout and record actions act on."""
        super().__init__(actions)
        self.actions, self._subject, self._has_session = actions, subject, has_session
        self._needs_session, self._tips = needs_session, {HANDOUT: handout_tip, RECORD: record_tip}
        self._handout_needs_session = handout_needs_session
        make = functools.partial(QAction, parent=self)
        self.preview_handout = make("Pre&view handout\u2026")
        self.print_handout = make("&Print handout\u2026")
        self.save_handout = make("Save handout as P&DF\u2026")
        self.preview_record = make("Previe&w record\u2026")
        self.print_record = make("Print &record\u2026")
        self.save_record = make("Save record as PD&F\u2026")
        for action, kind, op in ((self.preview_handout, HANDOUT, actions.preview),
                                 (self.print_handout, HANDOUT, actions.print_document),
                                 (self.save_handout, HANDOUT, actions.save_pdf),
                                 (self.preview_record, RECORD, actions.preview),
                                 (self.print_record, RECORD, actions.print_document),
                                 (self.save_record, RECORD, actions.save_pdf)):
            action.triggered.connect(functools.partial(self._trigger, kind, op))
        actions.busy_changed.connect(self.refresh)
        self.refresh()

    @property
    def handout_actions(self) -> tuple[QAction, ...]:
        return self.preview_handout, self.print_handout, self.save_handout

    @property
    def record_actions(self) -> tuple[QAction, ...]:
        return self.preview_record, self.print_record, self.save_record

    def refresh(self, *_) -> None:
        """Enable what can run now; a disabled action's tooltip says why."""
        busy, has_session = self.actions.busy, self._has_session()
        for kind, group in ((HANDOUT, self.handout_actions), (RECORD, self.record_actions)):
            missing = (kind == RECORD or self._handout_needs_session) and not has_session
            tip = self._needs_session if missing else "Wait: a document is being made." if busy else self._tips[kind]
            for a in group:
                a.setEnabled(not busy and not missing)
                a.setToolTip(tip)
                a.setStatusTip(tip)

    def _trigger(self, kind: str, op, *_) -> None:
        from decisionaid.sessions.errors import StoreError

        if self.actions.busy:
            return
        try:
            subject = self._subject()
        except StoreError as exc:
            self.actions.show_error("The session could not be read", f"{exc.title}. {exc.advice}")
            return
        if subject is None:
            self.actions.show_error("The session could not be read", "The sessions file is not available (see the "
                                    "message shown when it was opened).")
            return
        if kind == RECORD and subject.session_id is None:  # typed, but the sessions file would not take it
            self.actions.show_error("The record was not made", "A record is made from a session in the sessions "
                                    "file, and this consultation could not be written there yet (the message on "
                                    "the Consultation screen says why). The handout can still be printed.")
            return
        op(self.actions.document(kind, subject))

    def add_to_menu(self, menu: QMenu) -> None:
        menu.setToolTipsVisible(True)  # a disabled record action says why
        for a in self.handout_actions:
            menu.addAction(a)
        menu.addAction(self.actions.large_print)
        menu.addSeparator()
        for a in self.record_actions:
            menu.addAction(a)
        menu.aboutToShow.connect(self.refresh)


def _button(action: QAction, text: str, name: str) -> QPushButton:
    """A push button that runs `action` and follows its enabled state and tooltip."""
    b = QPushButton(text, objectName=name)
    b.setAccessibleName(action.text().replace("&", ""))  # "Preview handout…", not two buttons called "Preview…"
    b.clicked.connect(action.trigger)

    def follow() -> None:
        b.setEnabled(action.isEnabled())
        b.setToolTip(action.toolTip())
    action.changed.connect(follow)
    follow()
    return b


class PrintBar(QWidget):
    """The row of buttons on the Consultation screen: handout (preview, print, save, large print) and record."""

    def __init__(self, actions: ActionSet, parent=None):
        super().__init__(parent)
        self.actions = actions
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label("Handout for the patient:", wrap=False, selectable=False))
        self.preview_handout = _button(actions.preview_handout, "P&review\u2026", "previewHandout")
        self.print_handout = _button(actions.print_handout, "Pr&int\u2026", "printHandout")
        self.save_handout = _button(actions.save_handout, "Save as P&DF\u2026", "saveHandout")
        for b in (self.preview_handout, self.print_handout, self.save_handout):
            row.addWidget(b)
        self.large_print = QCheckBox("&Large print", objectName="largePrint")
        lp = actions.actions.large_print
        self.large_print.setChecked(lp.isChecked())
        self.large_print.setToolTip(lp.statusTip())
        self.large_print.toggled.connect(lp.setChecked)
        lp.toggled.connect(self.large_print.setChecked)
        row.addWidget(self.large_print)
        row.addSpacing(24)
        row.addWidget(label("Record for the chart:", wrap=False, selectable=False))
        self.preview_record = _button(actions.preview_record, "Previe&w\u2026", "previewRecord")
        self.print_record = _button(actions.print_record, "Prin&t\u2026", "printRecord")
        self.save_record = _button(actions.save_record, "Sa&ve as PDF\u2026", "saveRecord")
        for b in (self.preview_record, self.print_record, self.save_record):
            row.addWidget(b)
        row.addStretch(1)


def session_buttons(actions: ActionSet) -> QWidget:
    """"Handout" and "Record" buttons with menus (preview, print, save), for a list of sessions."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    for text, name, group in (("Ha&ndout", "sessionHandout", actions.handout_actions),
                              ("&Record", "sessionRecord", actions.record_actions)):
        b = QPushButton(text, objectName=name)  # with a menu: it opens on click and shows an arrow
        menu = QMenu(b)
        for a in group:
            menu.addAction(a)
        if group is actions.handout_actions:
            menu.addAction(actions.actions.large_print)
        menu.aboutToShow.connect(actions.refresh)
        b.setMenu(menu)
        row.addWidget(b)
    return box


class PrintProgress(QWidget):
    """For the status bar: what is being made, with a busy bar (or pages done of pages to print)."""

    def __init__(self, actions: PrintActions, status_bar):
        super().__init__()
        self.status_bar = status_bar
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 4, 0)
        self.text = QLabel(objectName="printProgressText")
        self.text.setTextFormat(Qt.PlainText)
        self.bar = QProgressBar(objectName="printProgress")
        self.bar.setMaximumWidth(140)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        row.addWidget(self.text)
        row.addWidget(self.bar)
        self.hide()
        actions.progress.connect(self._progress)
        actions.busy_changed.connect(self._busy)
        actions.finished.connect(lambda m: status_bar.showMessage(m, STATUS_MS))
        status_bar.addPermanentWidget(self)

    def _progress(self, message: str, done: int, total: int) -> None:
        self.text.setText(message)
        self.bar.setRange(0, total)  # 0, 0: a busy indicator
        self.bar.setValue(done)

    def _busy(self, busy: bool) -> None:
        self.setVisible(busy)
        if not busy:
            self.bar.setRange(0, 1)
