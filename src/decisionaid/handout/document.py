"""The page frame every PDF shares: A4 or US Letter, embedded DejaVu fonts, metadata, page numbers, repeatable bytes.

`render()` is deterministic: reportlab's invariant mode, with the document's timestamp taken from the caller
(`made_at`), so the same inputs always give the same bytes and tests can compare builds.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache

import msgspec
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
from reportlab.platypus import Paragraph as _Paragraph
from reportlab.platypus.doctemplate import _FrameBreak

from decisionaid.handout import fonts
from decisionaid.handout.common import Keep, Paragraph
from decisionaid.handout.drawing import DrawingCanvas
from decisionaid.handout.markup import escape, plain

PAPERS = {"a4": A4, "letter": LETTER}  # points: 595.3 x 841.9 and 612 x 792
PAGE = A4
MARGIN = 18 * mm
# Letter is 50 pt shorter and 17 pt wider than A4: narrower margins there keep every document on as many pages.
MARGINS = {"a4": MARGIN, "letter": 14 * mm}


def page_size(paper: str = "a4") -> tuple[float, float]:
    """The page in points for "a4" or "letter". Raises ValueError for any other name."""
    try:
        return PAPERS[paper]
    except KeyError:
        raise ValueError(f"unknown paper {paper!r}: use a4 or letter") from None


# Value types are frozen msgspec Structs, not dataclasses: made in microseconds at import (see
# docs/design/architecture.md, "Value types").
class Meta(msgspec.Struct, frozen=True):
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


class _NumberedCanvas(DrawingCanvas):
    """Draws "Page n of N" and the footer once every page is known (pages are kept until save)."""

    footer = ""
    footer_size = 8.0
    margin = MARGIN

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
        style, right = _footer_styles(self.footer_size)
        margin = self.margin
        width = self._pagesize[0] - 2 * margin
        page = Paragraph(f"Page {self._pageNumber} of {total}", right)
        page.wrapOn(self, width, margin)
        page.drawOn(self, margin, margin / 2)
        if self.footer:
            left = self._footer_paragraph(style, width * 0.78)
            left.drawOn(self, margin, margin / 2)

    def _footer_paragraph(self, style, width: float) -> Paragraph:
        """The footer in at most two lines, so it stays in the bottom margin (see `_footer_markup`); one paragraph
        for every page of the document."""
        cached = getattr(self, "_footer_cache", None)
        if cached is not None and cached[0] == (style.fontSize, width):
            return cached[1]
        best = Paragraph(_footer_markup(self.footer, style.fontSize, width, self.margin), style)
        best.wrap(width, self.margin)
        self._footer_cache = ((style.fontSize, width), best)
        return best


@lru_cache(maxsize=8)
def _footer_styles(size: float) -> tuple[ParagraphStyle, ParagraphStyle]:
    """The footer's style and the page number's (right-aligned), the same objects for every page of a process, so
    their text is parsed and broken into lines once (common.Paragraph)."""
    style = ParagraphStyle("footer", fontName=fonts.REGULAR, fontSize=size, leading=size * 1.25,
                           textColor=HexColor("#444444"))  # a Color, as common.Paragraph.drawOn draws itself
    return style, ParagraphStyle("n", parent=style, alignment=2)


@lru_cache(maxsize=64)
def _footer_markup(footer: str, size: float, width: float, height: float) -> str:
    """The footer's markup in at most two lines of `width`: a longer footer (a patient reference of a thousand
    characters) is shortened, ending in "…"; the body of the document has it in full. Once per footer, size and
    width in a process: the same for every page and every document with that footer."""
    style = _footer_styles(size)[0]
    limit = 2 * style.leading + 0.01

    def fits(text: str) -> str | None:
        markup = escape(text)
        return markup if _Paragraph(markup, style).wrap(width, height)[1] <= limit else None

    best = fits(footer) if len(footer) <= 2000 else None  # two footer lines hold far fewer
    if best is None:
        low, high = 0, min(len(footer), 2000)  # footer[:low] + "…" fits; footer[:high] does not
        best = fits("…")
        while high - low > 1:
            mid = (low + high) // 2
            p = fits(footer[:mid].rstrip() + "…")
            low, high, best = (mid, high, p) if p is not None else (low, mid, best)
    return best


class _KeepWithNext(Keep):
    """A heading kept with what follows it, as reportlab does, except when what follows is taller than a whole
    page (a table with a long answer in it): that starts under its heading on the current page, where reportlab
    would leave the rest of the page empty and start on the next one, to split there anyway."""

    def split(self, aW, aH):
        parts = super().split(aW, aH)
        frame = getattr(self, "_frame", None)
        if (parts and isinstance(parts[0], _FrameBreak) and frame is not None and self._H > frame._height
                and aH > frame._height / 4):
            return parts[1:]
        return parts


class _Doc(BaseDocTemplate):
    def __init__(self, buf, made_at: dt.datetime, margin: float = MARGIN, **kw):
        kw.setdefault("keepTogetherClass", _KeepWithNext)
        super().__init__(buf, leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin, **kw)
        self._made_at = made_at
        width, height = self.pagesize
        frame = Frame(margin, margin, width - 2 * margin, height - 2 * margin, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def beforeDocument(self):
        self.canv._doc._timeStamp = _stamp(self._made_at)


@lru_cache(maxsize=1)
def _creator() -> str:
    from decisionaid import __version__  # reads the installed metadata: slow, so once per process

    return f"decisionaid {__version__}"


def frame_width(paper: str = "a4") -> float:
    return page_size(paper)[0] - 2 * MARGINS[paper]


def render(story: list, meta: Meta, made_at: dt.datetime, footer: str = "", footer_size: float = 8.0,
           paper: str = "a4") -> bytes:
    """The story as PDF bytes on `paper` ("a4" or "letter"). `footer` (plain text, escaped here) is printed at
    the foot of every page."""
    fonts.register()
    buf = io.BytesIO()
    doc = _Doc(buf, made_at, margin=MARGINS[paper], pagesize=page_size(paper), title=plain(meta.title), subject=plain(meta.subject), author=plain(meta.author),
               keywords=[plain(k) for k in meta.keywords], creator=_creator(), lang=meta.lang, invariant=1,
               initialFontName=fonts.REGULAR)
    canvas_class = type("PageCanvas", (_NumberedCanvas,), {"footer": footer, "footer_size": footer_size,
                                                        "margin": MARGINS[paper]})
    doc.build(story, canvasmaker=canvas_class)
    return buf.getvalue()
