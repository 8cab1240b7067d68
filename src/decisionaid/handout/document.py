"""The page frame every PDF shares: A4, embedded DejaVu fonts, metadata, page numbers, repeatable bytes.

`render()` is deterministic: reportlab's invariant mode, with the document's timestamp taken from the caller
(`made_at`), so the same inputs always give the same bytes and tests can compare builds.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph
from reportlab.pdfgen.canvas import Canvas

from decisionaid.handout import fonts
from decisionaid.handout.markup import escape, plain

PAGE = A4
MARGIN = 18 * mm


@dataclass(frozen=True)
class Meta:
    title: str
    subject: str
    author: str
    keywords: tuple[str, ...] = ()
    lang: str = "en-GB"


def _stamp(made_at: dt.datetime):
    """reportlab's TimeStamp for `made_at` (UTC), instead of the invariant mode's 1 January 2000."""
    from reportlab.lib.utils import TimeStamp

    ts = TimeStamp(invariant=1)
    utc = made_at.astimezone(dt.timezone.utc) if made_at.tzinfo else made_at
    lt = utc.timetuple()
    ts.t, ts.lt, ts.YMDhms, ts.dhh, ts.dmm, ts.tzname = utc.timestamp(), lt, tuple(lt)[:6], 0, 0, "UTC"
    return ts


class _NumberedCanvas(Canvas):
    """Draws "Page n of N" and the footer once every page is known (pages are kept until save)."""

    footer = ""
    footer_size = 8.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        style = ParagraphStyle("footer", fontName=fonts.REGULAR, fontSize=self.footer_size,
                               leading=self.footer_size * 1.25, textColor="#444444")
        width = PAGE[0] - 2 * MARGIN
        page = Paragraph(f"Page {self._pageNumber} of {total}", ParagraphStyle("n", parent=style, alignment=2))
        page.wrapOn(self, width, MARGIN)
        page.drawOn(self, MARGIN, MARGIN / 2)
        if self.footer:
            left = Paragraph(escape(self.footer), style)
            left.wrapOn(self, width * 0.78, MARGIN)
            left.drawOn(self, MARGIN, MARGIN / 2)


class _Doc(BaseDocTemplate):
    def __init__(self, buf, made_at: dt.datetime, **kw):
        super().__init__(buf, **kw)
        self._made_at = made_at
        frame = Frame(MARGIN, MARGIN, PAGE[0] - 2 * MARGIN, PAGE[1] - 2 * MARGIN, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def beforeDocument(self):
        self.canv._doc._timeStamp = _stamp(self._made_at)


@lru_cache(maxsize=1)
def _creator() -> str:
    from decisionaid import __version__  # reads the installed metadata: slow, so once per process

    return f"decisionaid {__version__}"


def frame_width() -> float:
    return PAGE[0] - 2 * MARGIN


def render(story: list, meta: Meta, made_at: dt.datetime, footer: str = "", footer_size: float = 8.0) -> bytes:
    """The story as PDF bytes. `footer` (plain text, escaped here) is printed at the foot of every page."""
    fonts.register()
    buf = io.BytesIO()
    doc = _Doc(buf, made_at, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
               bottomMargin=MARGIN, title=plain(meta.title), subject=plain(meta.subject), author=plain(meta.author),
               keywords=[plain(k) for k in meta.keywords], creator=_creator(), lang=meta.lang, invariant=1,
               initialFontName=fonts.REGULAR)
    canvas_class = type("PageCanvas", (_NumberedCanvas,), {"footer": footer, "footer_size": footer_size})
    doc.build(story, canvasmaker=canvas_class)
    return buf.getvalue()
