"""The raster print engine: prints a built PDF on a printer that cannot take the PDF itself, by rendering each
page with pypdfium2 (ui/pdf_preview.render_page, at the printer's resolution, at most 300 dpi) on a worker thread
and painting it through Qt (QPainter on the QPrinter) on the UI thread, one page image at a time.

`RasterJob` reports to the print controller (ui/print_controller.PrintActions): progress per page, then done, or
one plain message when the printer fails. `chosen_pages` turns the print dialog's page range into page indexes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QRectF

from decisionaid.ui.tasks import while_alive

MAX_PRINT_DPI = 300


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

    def __init__(self, actions, doc, pages, printer, indexes: list[int]):
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

    @while_alive
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

    @while_alive
    def _failed(self, exc) -> None:
        if self.painter is not None:
            self.painter.end()
            self.painter = None
        self._last = None
        self.deleteLater()
        self.actions._fail(self.doc, exc, "printed")
