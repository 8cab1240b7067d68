"""Our PDFs as page images, through pypdfium2 (PySide6-Essentials has no QtPdf): the page preview dialog, and the
pages a printer is given when it cannot take the PDF itself.

PDFium is not thread-safe, so every call into it holds `PDFIUM`; pages are rendered on worker threads into
`QImage`s (safe off the UI thread) and only shown or painted on the UI thread.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFrame, QLabel, QProgressBar, QPushButton, QScrollArea,
                               QVBoxLayout, QWidget)

from decisionaid.ui.common import label, tint

PDFIUM = threading.Lock()
POINTS_PER_INCH = 72.0
PREVIEW_WIDTH = 760  # logical pixels of one page on screen: an A4 page at about 92 dpi


@dataclass(frozen=True)
class PdfPages:
    """A built PDF and the size of each page in points (width, height)."""
    data: bytes
    sizes: tuple[tuple[float, float], ...]

    @property
    def count(self) -> int:
        return len(self.sizes)


def measure(data: bytes) -> PdfPages:
    """Open the PDF once to learn its pages (worker thread)."""
    import pypdfium2 as pdfium

    with PDFIUM:
        pdf = pdfium.PdfDocument(data)
        try:
            sizes = tuple(tuple(pdf.get_page_size(i)) for i in range(len(pdf)))
        finally:
            pdf.close()
    return PdfPages(data, sizes)


def render_page(data: bytes, index: int, dpi: float) -> QImage:
    """Page `index` (0-based) as an RGB image at `dpi` (worker thread)."""
    import pypdfium2 as pdfium

    with PDFIUM:
        pdf = pdfium.PdfDocument(data)
        try:
            page = pdf[index]
            try:
                bitmap = page.render(scale=dpi / POINTS_PER_INCH, rev_byteorder=True,
                                     fill_color=(255, 255, 255, 255), may_draw_forms=False)
                try:
                    # RGB bytes; copy() gives the image its own memory before the bitmap is freed
                    return QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                                  QImage.Format_RGB888).copy()
                finally:
                    bitmap.close()
            finally:
                page.close()
        finally:
            pdf.close()


def select_pages(data: bytes, indexes: list[int]) -> bytes:
    """A new PDF with only these pages (0-based), still vector with its text: for "print to file" with a page
    range (worker thread)."""
    import pypdfium2 as pdfium

    with PDFIUM:
        src = pdfium.PdfDocument(data)
        out = pdfium.PdfDocument.new()
        try:
            out.import_pages(src, list(indexes))
            buf = io.BytesIO()
            out.save(buf)
            return buf.getvalue()
        finally:
            out.close()
            src.close()


class PdfPreviewDialog(QDialog):
    """The pages of a built handout or record, rendered one after another off the UI thread, with Print and Save.

    `print_requested` and `save_requested` ask the owner (PrintActions) to print or save these same bytes."""

    print_requested = Signal()
    save_requested = Signal()
    rendered = Signal()  # every page is on screen

    def __init__(self, title: str, pages: PdfPages, note: str = "", parent=None):
        super().__init__(parent)
        self.pages = pages
        self.setWindowTitle(f"Preview: {title}")
        self.setAttribute(Qt.WA_DeleteOnClose)
        self._closed = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 10, 10, 8)
        summary = f"{title} \u2014 {pages.count} page{'s' if pages.count != 1 else ''}"
        lay.addWidget(label(summary + (f". {note}" if note else ""), bold=True, name="previewTitle"))
        self.progress = QProgressBar(objectName="previewProgress")
        self.progress.setRange(0, pages.count)
        self.progress.setFormat("Showing page %v of %m\u2026")
        self.progress.setMaximumHeight(18)
        lay.addWidget(self.progress)

        self.scroll = QScrollArea(objectName="previewPages")
        self.scroll.setWidgetResizable(True)
        self.scroll.setAlignment(Qt.AlignHCenter)
        body = QWidget()
        tint(body, "#d5d8dc", margin=0)
        self.column = QVBoxLayout(body)
        self.column.setContentsMargins(16, 16, 16, 16)
        self.column.setSpacing(14)
        self.page_labels: list[QLabel] = []
        for i, (w, h) in enumerate(pages.sizes):
            page = QLabel(f"Page {i + 1}\u2026")
            page.setObjectName(f"previewPage{i + 1}")
            page.setAlignment(Qt.AlignCenter)
            page.setFixedSize(PREVIEW_WIDTH, round(PREVIEW_WIDTH * h / w))
            page.setFrameShape(QFrame.Box)
            tint(page, "#ffffff", "#555555", margin=0)
            self.page_labels.append(page)
            self.column.addWidget(page, 0, Qt.AlignHCenter)
        self.column.addStretch(1)
        self.scroll.setWidget(body)
        lay.addWidget(self.scroll, 1)

        buttons = QDialogButtonBox()
        self.print_button = QPushButton("&Print\u2026", objectName="previewPrint")
        self.save_button = QPushButton("&Save as PDF\u2026", objectName="previewSave")
        buttons.addButton(self.print_button, QDialogButtonBox.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ActionRole)
        buttons.addButton(QDialogButtonBox.Close)
        buttons.rejected.connect(self.close)
        self.print_button.clicked.connect(self.print_requested)
        self.save_button.clicked.connect(self.save_requested)
        lay.addWidget(buttons)
        from decisionaid.ui.keyboard import add_mnemonics

        add_mnemonics(self)
        self.resize(PREVIEW_WIDTH + 80, 900)
        self._next = 0

    def set_busy(self, busy: bool) -> None:
        self.print_button.setEnabled(not busy)
        self.save_button.setEnabled(not busy)

    def start(self) -> None:
        """Render the pages one by one, each on a worker thread, so the first page shows at once."""
        self._render_next()

    def _render_next(self) -> None:
        from decisionaid.ui.tasks import run_in_background

        if self._closed or self._next >= self.pages.count:
            return
        ratio = self.devicePixelRatioF() or 1.0
        w, _h = self.pages.sizes[self._next]
        dpi = PREVIEW_WIDTH / w * POINTS_PER_INCH * ratio
        run_in_background(render_page, self.pages.data, self._next, dpi, on_done=self._show_page,
                          on_error=self._page_failed)

    def _show_page(self, image: QImage) -> None:
        if self._closed:
            return
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self.devicePixelRatioF() or 1.0)
        self.page_labels[self._next].setPixmap(pixmap)
        self._next += 1
        self.progress.setValue(self._next)
        if self._next >= self.pages.count:
            self.progress.hide()
            self.rendered.emit()
        else:
            self._render_next()

    def _page_failed(self, exc) -> None:
        if self._closed:
            return
        self.progress.hide()
        self.page_labels[self._next].setText(f"This page could not be shown ({exc}).\n"
                                             "Saving or printing may still work.")

    def closeEvent(self, event) -> None:
        self._closed = True
        super().closeEvent(event)
