"""The print controller: builds, saves, prints and previews the patient handout (general, or for one session) and
the clinician record, one job at a time, for the whole window.

The PDF is always built by `handout/` (handout/print_job.py) on a worker thread; the window stays usable and the
actions are disabled until the build is over, so a double click cannot start two. Then:

- Save as PDF writes the bytes owner-only, whole or not at all (`output_guard.write_private`).
- Print asks for the printer (QPrintDialog, page range and copies). "Print to file" (a PDF printer with a file
  name) gets our own vector PDF, with its text; a real printer gets each page rendered by pypdfium2
  (ui/raster_print.py).
- Preview shows the pages (ui/pdf_preview.py), with Print and Save for the same bytes.

Anything that goes wrong is one plain message box saying what happened and what to do (`print_job.explain`);
never a traceback. The actions and widgets that call this controller are in ui/print_actions.py.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from decisionaid.handout.print_job import HANDOUT, RECORD, UNEXPECTED, Document, Subject, explain
from decisionaid.ui.tasks import while_alive


def documents_folder() -> str:
    """Where a save dialog starts the first time: the user's Documents folder, else the home folder."""
    return QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation) or str(Path.home())


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
        self._reads = None  # store_owner.Reads: a session to print, read on the sessions file's owner thread

    # --- documents ----------------------------------------------------------------------------------

    def document(self, kind: str, subject: Subject) -> Document:
        """The paper is resolved here, on the UI thread (Qt is asked the locale): build() runs on a worker. A
        subject still to be read (a store_owner.Pending) is read now, the caller waiting: the actions read it first
        (`read_then`), so only tests and scripts wait here."""
        from decisionaid.ui.paper import paper_for
        from decisionaid.ui.store_owner import Pending

        if isinstance(subject, Pending):
            subject = subject.wait()
        settings = self._context()[0]
        return Document(kind, subject, settings, large_print=kind == HANDOUT and self.large_print.isChecked(),
                        paper=paper_for(settings))

    # --- state --------------------------------------------------------------------------------------

    def _set_busy(self, busy: bool, message: str = "") -> None:
        self.busy = busy
        if message:
            self._progress(message)
        self.busy_changed.emit(busy)

    def _progress(self, message: str, done: int = 0, total: int = 0) -> None:
        self.last_message = message
        self.progress.emit(message, done, total)

    @while_alive
    def _done(self, message: str) -> None:
        self._set_busy(False)
        self.last_message = message
        self.finished.emit(message)

    @while_alive
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

    def read_then(self, pending, then: Callable) -> None:
        """Read what is to be printed (a store_owner.Pending) on the sessions file's owner thread, busy meanwhile
        (the actions off, "Reading the session…" in the status bar); then `then(subject)` on the UI thread. The
        window never waits behind a backup; a read that fails is one message."""
        from decisionaid.ui.store_owner import Reads

        if self.busy:
            return
        if self._reads is None:
            self._reads = Reads(self)
        self._set_busy(True, "Reading the session\u2026")

        def done(subject) -> None:
            self._set_busy(False)
            then(subject)

        def failed(exc) -> None:
            from decisionaid.sessions.errors import StoreError

            if not isinstance(exc, StoreError):
                self._set_busy(False)
                raise exc
            self.show_error("The session could not be read", f"{exc.title}. {exc.advice}")

        self._reads.read(pending.store, pending.fn, on_done=done, on_error=failed)

    # --- save -----------------------------------------------------------------------------------------

    def _ask_path(self, doc: Document) -> str | None:
        folder = self.folder or documents_folder()
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

    @while_alive
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
        from decisionaid.ui.raster_print import chosen_pages

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
            from decisionaid.ui.raster_print import RasterJob

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

    @while_alive
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
