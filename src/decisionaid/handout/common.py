"""Small pieces both PDFs use: citations, boxes, bullet lists, dates and people out of 100."""

from __future__ import annotations

import copy
import datetime as dt

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.platypus import KeepTogether, ListFlowable, ListItem, Spacer, Table
from reportlab.platypus import Paragraph as _Paragraph
from reportlab.platypus.flowables import CondPageBreak
from reportlab.platypus import TableStyle as _TableStyle
from reportlab.platypus.paragraph import _centerDrawParaLine, _leftDrawParaLine, _rightDrawParaLine
from reportlab.rl_config import paraFontSizeHeightOffset

from decisionaid.handout import fonts
from decisionaid.handout.drawing import numbers

from decisionaid.evidence.formatting import whole_people
from decisionaid.evidence.pack import Pack
from decisionaid.handout.markup import escape
from decisionaid.handout.styles import SOFT, Styles, TEAL
from decisionaid.handout.wording import SourceNumbers, long_date


class Paragraph(_Paragraph):
    """reportlab's Paragraph, its lines broken once per width and text. reportlab breaks them again at every wrap,
    and a paragraph is wrapped two or three times at the same width (a table measures its cells, then draws them;
    a heading kept with what follows is measured with it, then placed): a third of a record's build time. And the
    same markup in the same style at the same width breaks into the same lines in every document of a process
    (most of a handout is the same text for every patient), so the lines are kept with the parse (`_PARSED`), for
    each width, as a fresh paragraph of that text breaks them, and shared by the paragraphs that have that text; a
    paragraph breaks lines of its own before it is split (reportlab's split changes the pieces it cuts)."""

    keeps_parse = True  # False: the text is printed once (TypedText), keeping its parse would only cost time

    def wrap(self, availWidth, availHeight):
        if self.__dict__.get("_wrapped_at") == availWidth:  # the lines, width and height are those of that wrap
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        if size == (self.width, self.height):
            self._wrapped_at = availWidth
        return size

    def split(self, availWidth, availHeight):
        self.__dict__.pop("_wrapped_at", None)  # split may drop or change the lines: the next wrap breaks again
        kept = self.__dict__.pop("_breaks", None)  # from here on its lines are its own
        if self.__dict__.pop("_shared", False):
            # the lines of the last wrap (reportlab splits those, whatever width it is given), broken afresh from
            # copies of the parse's pieces as a fresh paragraph breaks them: a tenth of the time of a deep copy of
            # the kept lines (a page-long note chunk: about 2 ms against 20)
            self.frags = [copy.copy(f) for f in kept[None]]
            if "blPara" in self.__dict__:
                height = self.height
                self.blPara = _Paragraph.breakLines(self, self._wrapWidths)
                self.height = height
        pieces = super().split(availWidth, availHeight)
        if "blPara" not in self.__dict__:  # split dropped the lines (no room here): the next wrap breaks them again
            self.__dict__.pop("_wrapped_at", None)
        return pieces

    def breakLines(self, width):
        kept = self.__dict__.get("_breaks")
        if kept is None:  # not a kept parse, or one split since (split gives it pieces of its own)
            return super().breakLines(width)
        key = tuple(width) if isinstance(width, (list, tuple)) else (width,)
        lines = kept.get(key)
        if lines is None:  # broken as a fresh paragraph of this text is, from the parse's own pieces
            self.__dict__.pop("_shared", None)
            self.frags = [copy.copy(f) for f in kept[None]]
            made = super().breakLines(width)
            lines = kept[key] = (made, self.frags, self._width_max, self._splitLongWordCount, self._hyphenations)
            _kept_text(len(self.text))
        made, self.frags, self._width_max, self._splitLongWordCount, self._hyphenations = lines
        self._shared = True
        self.height = 0  # as reportlab's breakLines leaves it (wrap sets it from the lines)
        return made

    def drawOn(self, canvas, x, y, _sW=0):
        """reportlab's drawOn, for a paragraph in one font and colour or an empty one (most of a record: its table
        cells, and the page footers), without saving and restoring the canvas's whole state twice (drawOn, then
        drawPara) and moving its origin or its fill colour: the same marks written straight to the page, the
        canvas's state left as it was (as restoring it would leave it), in half the time (8 against 17 microseconds
        a one-line cell). Anything else (several fonts, a bullet, a border, a link, justified lines) is drawn by
        reportlab."""
        dpl = self._plain_drawer(canvas)
        if dpl is None:
            return super().drawOn(canvas, x, y, _sW)
        x = self._hAlignAdjust(x, _sW)
        style, blPara = self.style, self.blPara
        code = canvas._code
        code.append("q")
        code.append("1 0 0 1 %s cm" % numbers(x, y))  # canvas.translate, as the first mark after "q"
        if dpl is NO_LINES:  # reportlab's drawPara draws nothing
            code.append("Q")
            return None
        colour = blPara.textColor
        code.append("q")
        code.append("%s rg" % numbers(colour.red, colour.green, colour.blue))  # what canvas.setFillColor writes
        if colour.alpha is not None:  # and what setting its opacity does besides (the page's opacity already)
            canvas._doc.ensureMinPdfVersion("transparency")
        cur_y = self.height - (blPara.fontSize if paraFontSizeHeightOffset
                               else getattr(blPara, "ascent", blPara.fontSize))
        tx = canvas.beginText(style.leftIndent, cur_y)
        tx.preformatted = False
        tx.direction = style.wordWrap
        tx.setFont(blPara.fontName, blPara.fontSize, style.leading)
        offset = style.firstLineIndent
        for ws, words in blPara.lines:
            dpl(tx, offset, ws, words)
            offset = 0
        canvas.drawText(tx)
        code.append("Q")
        code.append("Q")
        return None

    def _plain_drawer(self, canvas):
        """reportlab's function for drawing this paragraph's lines when `drawOn` can draw it itself (see there),
        NO_LINES for a paragraph without lines (an empty cell), else None. Drawn here: no background, border or
        boundary, and lines (if any) in one font and colour, left, centred or right, without a bullet, underline,
        link, extra offsets or automatic leading, in a text direction reportlab takes as given, in a fill colour
        whose opacity is the page's already."""
        blPara = self.__dict__.get("blPara")
        style = self.style
        if (blPara is None or self.debug or style.backColor or (style.borderColor and style.borderWidth)
                or getattr(self, "_showBoundary", None)):
            return None
        if not blPara.lines:
            return NO_LINES
        if (blPara.kind != 0 or self.bulletText is not None or blPara.us_lines or blPara.link
                or "_offsets" in self.__dict__ or "autoLeading" in self.__dict__ or getattr(style, "autoLeading", "")
                or style.wordWrap in ("LTR", "RTL")
                or type(blPara.textColor) is not Color or canvas._enforceColorSpace
                or canvas._extgstate.getValue("ca") != blPara.textColor.alpha
                or not getFont(blPara.fontName)._dynamicFont):
            return None
        return _DRAWERS.get(style.alignment)

    def _setup(self, text, style, bulletText, frags, cleaner):
        """reportlab parses the markup of every paragraph (an HTML parser per paragraph); the same markup in the
        same style (styles.styles() are made once per process) parses the same, so the parse is kept, its pieces
        shared until a paragraph breaks or splits them. A face registered only on demand (the oblique, for <i>) is
        registered once a parse asks for it."""
        if frags is not None or bulletText is not None or not isinstance(text, str):
            super()._setup(text, style, bulletText, frags, cleaner)
            fonts.require_used(self.frags)
            return None
        key = (text, id(style), self.caseSensitive)
        kept = _PARSED.get(key)
        if kept is not None and kept[0] is style:  # parsed before in this process: its faces are registered
            _style, parsed_style, parsed, cleaned, self._breaks = kept
            super()._setup(cleaned, parsed_style, None, parsed, cleaner)
            self._shared = True  # the parse's own pieces: copied before anything changes them (breakLines, split)
            return None
        super()._setup(text, style, bulletText, None, cleaner)
        fonts.require_used(self.frags)
        if self.bulletText is None and self.keeps_parse:
            if len(_PARSED) >= PARSED_LIMIT:
                _PARSED.clear()
            parsed = [copy.copy(f) for f in self.frags]
            self._breaks = {None: parsed}  # None: the parse's pieces; (first width, width): the lines
            _PARSED[key] = (style, self.style, parsed, self.text, self._breaks)
        return None


_DRAWERS = {TA_LEFT: _leftDrawParaLine, TA_CENTER: _centerDrawParaLine, TA_RIGHT: _rightDrawParaLine}
NO_LINES = object()  # Paragraph._plain_drawer's answer for a paragraph with no lines to draw


class TypedText(Paragraph):
    """What a clinician typed (a session's notes, a visit's notes): one session's text, printed once, so its parse
    and lines are not kept for other paragraphs (for a long note, keeping them took a quarter of the build)."""

    keeps_parse = False


PARSED_LIMIT = 4096
# Characters of text whose lines are kept, at most: lines hold several times their text's size, and a process
# that prints many records keeps each patient's notes. Past this, everything kept is let go and kept anew.
LINES_BUDGET = 1_000_000
_lines_kept = 0


def _kept_text(characters: int) -> None:
    global _lines_kept
    _lines_kept += characters
    if _lines_kept > LINES_BUDGET:
        _PARSED.clear()
        _lines_kept = 0
# (markup, id(style), caseSensitive) -> (style, parsed style, pieces, cleaned text, lines broken at each width)
_PARSED: dict = {}


def _measured_frameless(flowable, wrap, aW, aH):
    """`wrap(aW, aH)` (reportlab's measure of a KeepTogether or a list) without the copy of the page's frame that
    reportlab makes (deepcopy) at every such measure, so that a flowable inside that adds content to the frame (a
    conditional page break) adds it to the copy. Only for content that adds none (`_adds_nothing`)."""
    doc = getattr(flowable.canv, "_doctemplate", None)
    frame = getattr(doc, "frame", None)
    if frame is None:
        return wrap(aW, aH)
    doc.frame = None  # reportlab's measure then makes no copy; nothing inside looks for the frame
    try:
        return wrap(aW, aH)
    finally:
        doc.frame = frame


class Keep(KeepTogether):
    """reportlab's KeepTogether, measured without a copy of the page's frame when it holds only paragraphs,
    tables, spacers and our bullet lists (a heading and what follows it, a box)."""

    def wrap(self, aW, aH):
        if not _adds_nothing(self._content):
            return super().wrap(aW, aH)
        return _measured_frameless(self, super().wrap, aW, aH)


class Bullets(ListFlowable):
    """reportlab's ListFlowable of paragraphs, measured without a copy of the page's frame."""

    def __init__(self, flowables, **kw):
        self._plain = _adds_nothing(f._flowables if isinstance(f, ListItem) else [f] for f in flowables)
        super().__init__(flowables, **kw)

    def wrap(self, aW, aH):
        if not self._plain:
            return super().wrap(aW, aH)
        return _measured_frameless(self, super().wrap, aW, aH)


def _adds_nothing(flowables) -> bool:
    """Whether measuring these flowables (lists of them are looked into) adds nothing to the frame: each is a
    paragraph, a table, a spacer (not a conditional page break), our bullet list of such, or a KeepTogether of
    such."""
    for f in flowables:
        if isinstance(f, (list, tuple)):
            if not _adds_nothing(f):
                return False
        elif isinstance(f, Bullets):
            if not f._plain:
                return False
        elif isinstance(f, KeepTogether):
            if not _adds_nothing(f._content):
                return False
        elif not isinstance(f, (_Paragraph, Table, Spacer)) or isinstance(f, CondPageBreak):
            return False
    return True


def cite_mark(numbers: list[int], st: Styles) -> str:
    """' [1, 2]' in small grey type after a sentence; empty when nothing is cited."""
    if not numbers:
        return ""
    return f' <font size="{st.size * 0.75:.1f}" color="#555555">[{", ".join(map(str, numbers))}]</font>'


def para(text: str, style, cites: list[int] | None = None, st: Styles | None = None) -> Paragraph:
    """A paragraph of plain text (escaped here), with its citation numbers."""
    return Paragraph(escape(text) + (cite_mark(cites, st) if cites and st else ""), style)


def bullets(paragraphs: list[Paragraph], st: Styles) -> ListFlowable:
    return Bullets([ListItem(p, leftIndent=st.size * 1.2, value="\u2022") for p in paragraphs],
                   bulletType="bullet", bulletFontName=st.body.fontName, bulletFontSize=st.size,
                   leftIndent=st.size * 1.2, spaceAfter=st.size * 0.3)


def TableStyle(commands) -> _TableStyle:
    """reportlab's TableStyle with the cells' font set to our embedded one: reportlab otherwise sets Helvetica
    for every cell, even one that holds only paragraphs, and the PDF names a font it does not embed."""
    return _TableStyle([("FONT", (0, 0), (-1, -1), fonts.REGULAR)] + list(commands))


def box(flowables: list, width: float, st: Styles, border=TEAL, keep: bool = True):
    """Flowables in a tinted box with a coloured border (kept on one page when `keep`)."""
    t = Table([[f] for f in flowables], colWidths=[width], splitInRow=1)
    t.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2, border), ("BACKGROUND", (0, 0), (-1, -1), SOFT),
                           ("LEFTPADDING", (0, 0), (-1, -1), st.size * 0.7),
                           ("RIGHTPADDING", (0, 0), (-1, -1), st.size * 0.7),
                           ("TOPPADDING", (0, 0), (-1, -1), st.size * 0.25),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), st.size * 0.25)]))
    return Keep([t]) if keep else t


CELL_CHARS_PER_POINT = 6  # a cell's text is cut into pieces of about 30 lines of its column: 6 characters a point


def pieces(text: str, size: int) -> list[str]:
    """`text` in pieces of at most `size` characters, cut after a line break where possible, else after a space
    (a word is cut only when it is longer than `size`). Joined again, the pieces give `text` back."""
    out = []
    while len(text) > size:
        cut = text.rfind("\n", 0, size) + 1 or text.rfind(" ", 0, size) + 1 or size
        out.append(text[:cut])
        text = text[cut:]
    return out + [text]


def cell(text: str, style, width: float):
    """A table cell's text as a paragraph; a long text as a list of paragraphs, which grid() sets in rows of
    their own under one another (no rule between them), so a page can end between any two of them."""
    size = max(200, int(width * CELL_CHARS_PER_POINT))
    if len(text) <= size:
        return Paragraph(escape(text), style)
    return [Paragraph(escape(p[:-1] if p.endswith("\n") else p) or "&nbsp;", style) for p in pieces(text, size)]


def grid(rows: list[list], widths: list[float], st: Styles, header: bool = True, top: float | None = None,
         bottom: float | None = None) -> Table:
    """A ruled table; the header row repeats on each page. A cell may be a list of flowables (see `cell`): its
    row then continues in as many rows as the list has, ruled as one, so a long answer flows over pages.

    Reportlab cannot split a row between pages, only between rows, and computes every row again for each
    page: one row taller than a page stopped the PDF (LayoutError), and one very long row took minutes. Rows that
    are still taller than a page split inside (splitInRow)."""
    top = st.size * 0.2 if top is None else top
    bottom = st.size * 0.25 if bottom is None else bottom
    table_rows, starts = [], []
    for row in rows:
        parts = [c if isinstance(c, list) else [c] for c in row]
        starts.append(len(table_rows))
        for i in range(max((len(p) for p in parts), default=1)):
            table_rows.append([p[i] if i < len(p) else "" for p in parts])
    t = Table(table_rows, colWidths=widths, repeatRows=1 if header else 0, splitInRow=1, longTableOptimize=1)
    line = (0.4, "#9a9a9a")
    style = [("BOX", (0, 0), (-1, -1), *line), ("LINEAFTER", (0, 0), (-2, -1), *line),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), st.size * 0.35), ("RIGHTPADDING", (0, 0), (-1, -1), st.size * 0.35),
             ("TOPPADDING", (0, 0), (-1, -1), top), ("BOTTOMPADDING", (0, 0), (-1, -1), bottom)]
    style += [("LINEABOVE", (0, s), (-1, s), *line) for s in starts[1:]]
    first = set(starts)
    for r in range(len(table_rows)):
        if r not in first:
            style.append(("TOPPADDING", (0, r), (-1, r), 0))
        if r + 1 < len(table_rows) and r + 1 not in first:
            style.append(("BOTTOMPADDING", (0, r), (-1, r), 0))
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), SOFT))
    t.setStyle(TableStyle(style))
    return t


def moment(held_at: str) -> str:
    """'2026-11-21T14:30' -> '21 November 2026, 14:30'; anything unparsable is shown as stored."""
    try:
        when = dt.datetime.fromisoformat(held_at)
    except (TypeError, ValueError):
        return str(held_at)
    return f"{long_date(when.date())}, {when:%H:%M}"


def day(text: str | None) -> str | None:
    try:
        return long_date(dt.date.fromisoformat(text)) if text else None
    except ValueError:
        return text


def in_100(events: int, total: int) -> str:
    """'about 2 in 100 (16 of 665)': whole people, with the exact counts beside them."""
    per_100 = 100.0 * events / total
    if events == 0:
        words = "0 in 100"
    elif per_100 < 0.5:
        words = "fewer than 1 in 100"
    else:
        words = f"about {whole_people(per_100)} in 100"
    return f"{words} ({events} of {total})"


def source_list(pack: Pack, numbers: SourceNumbers, st: Styles, one_id: bool = False) -> Paragraph:
    """The numbered references (PMID/DOI included; with `one_id`, the first of them only) run together in one small
    paragraph, to save paper."""
    refs = [f"<b>[{i}]</b> {escape(pack.sources[sid].reference(address_limit=50, one_id=one_id))}"
            for i, sid in enumerate(numbers.order, 1)]
    return Paragraph("\u2003".join(refs), st.small)
