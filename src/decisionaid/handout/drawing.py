"""The page drawing of our PDFs at less cost per build, the bytes unchanged: a canvas, text object and TrueType font
that write what reportlab's write, keeping what a process writes again and again.

A handout or a record draws the same paragraphs at the same places in every build of a process, and reportlab
formats every number it writes anew (`fp_str`, a fifth of a record's build), escapes every string of text anew,
and looks every character of a text up in the font's subset one by one. Here:

- `numbers(...)` is `fp_str(...)` kept per argument tuple (the same numbers give the same text);
- the canvas's translations, lines and fill colours and the text object's origins and font sizes are written
  with it, by methods that otherwise do what reportlab's do (each falls back to reportlab's for a case it does
  not cover);
- a text's escaped string is kept per string of subset codes, and a text's width per font, text and size;
- a font subset's embedded file (`makeSubset`), its compressed bytes and those of its ToUnicode map, and its
  widths as PDF writes them, are kept per font and subset (every handout of a process has the same subsets);
- a face's character map, widths and glyph places are read in whole arrays (`font_tables.QuickFace`), once per
  face and process, where reportlab reads them one number at a time;
- `SubsetFont.splitString` turns a text whose characters all have a code in the document's first subset into
  that code string in one step (`str.translate`), which is what reportlab's character-by-character loop gives;
  a text with a character new to the document, or beyond the first subset, goes through reportlab's loop.

tests/test_handout_drawing.py checks each against reportlab's own output.
"""

from __future__ import annotations

from fnmatch import fnmatch
from itertools import islice
from weakref import WeakKeyDictionary

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab import rl_config
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfbase.ttfonts import TTEncoding, TTFont, unShapedFontGlob
from reportlab.pdfgen import canvas as _canvas_module
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from decisionaid.handout.font_tables import QuickFace

try:  # text shaping (reportlab 4.1 and later): a shaped text is left to reportlab
    from reportlab.pdfbase.ttfonts import ShapedStr
except ImportError:
    ShapedStr = ()

KEPT_LIMIT = 20_000  # entries in each of the kept tables below; past it, a table is emptied and filled anew
_numbers: dict = {}
_escaped: dict = {}


def numbers(*values) -> str:
    """reportlab's fp_str(*values) (numbers as PDF writes them, space-separated), kept per tuple of values."""
    text = _numbers.get(values)
    if text is None:
        if len(_numbers) >= KEPT_LIMIT:
            _numbers.clear()
        text = _numbers[values] = fp_str(*values)
    return text


def escaped(data) -> str:
    """reportlab's escapePDF(data), kept per string."""
    text = _escaped.get(data)
    if text is None:
        if len(_escaped) >= KEPT_LIMIT:
            _escaped.clear()
        text = _escaped[data] = escapePDF(data)
    return text


class _Colours:
    """setFillColor for a plain RGB colour (reportlab's Color, no colour space enforced), as reportlab writes it."""

    def setFillColor(self, aColor, alpha=None):
        if type(aColor) is not Color or self._enforceColorSpace:
            return super().setFillColor(aColor, alpha)
        self._fillColorObj = aColor
        self._code.append("%s rg" % numbers(aColor.red, aColor.green, aColor.blue))
        if alpha is not None:
            self.setFillAlpha(alpha)
        elif aColor.alpha is not None:
            self.setFillAlpha(aColor.alpha)
        return None


class TextObject(_Colours, PDFTextObject):
    """reportlab's text object; the origin, the font size and the text of a TrueType font written with kept
    numbers and strings."""

    def setTextOrigin(self, x, y):
        if not self._canvas.bottomup:
            return super().setTextOrigin(x, y)
        self._code.append("1 0 0 1 %s Tm" % numbers(x, y))
        self._x0 = self._x = x
        self._y0 = self._y = y
        return None

    def _formatText(self, text):
        font = getFont(self._fontname)
        if not font._dynamicFont or (getattr(font, "shapable", False) and isinstance(text, ShapedStr)):
            return super()._formatText(text)
        doc = self._canvas._doc
        out = []
        head = None
        for subset, codes in font.splitString(text, doc):
            if subset != self._curSubset:
                if head is None:
                    head = f"{numbers(self._fontsize)} Tf {numbers(self._leading)} TL"
                out.append(f"{font.getSubsetInternalName(subset, doc)} {head}")
                self._curSubset = subset
            out.append(f"({escaped(codes)}) Tj")
        return " ".join(out)


class DrawingCanvas(_Colours, Canvas):
    """reportlab's canvas; translations, lines, fill colours and text objects as above."""

    def beginText(self, x=0, y=0, direction=None):
        return TextObject(self, x, y, direction=direction)

    def _escape(self, s):
        return escaped(s)

    def transform(self, a, b, c, d, e, f):
        code = self._code
        if code and code[-1][-3:] == " cm":  # reportlab joins it with the transform before: its own way
            return super().transform(a, b, c, d, e, f)
        if _canvas_module.ENABLE_TRACKING:
            a0, b0, c0, d0, e0, f0 = self._currentMatrix
            self._currentMatrix = (a0 * a + c0 * b, b0 * a + d0 * b, a0 * c + c0 * d, b0 * c + d0 * d,
                                   a0 * e + c0 * f + e0, b0 * e + d0 * f + f0)
        code.append("%s cm" % numbers(a, b, c, d, e, f))
        return None

    def line(self, x1, y1, x2, y2):
        self._code.append("n %s m %s l S" % (numbers(x1, y1), numbers(x2, y2)))


class SubsetFont(TTFont):
    """reportlab's TrueType font; a text whose characters the document has all given a code in the first subset
    is turned into its codes in one step."""

    def splitString(self, text, doc, encoding="utf-8"):
        state = self.state.get(doc) if isinstance(text, str) else None
        if state is None:
            return super().splitString(text, doc, encoding)
        assignments = state.assignments
        kept = state.__dict__.get("_decisionaid_codes")
        if kept is None:
            kept = state._decisionaid_codes = [0, set(), {}]  # codes seen, their characters, character -> code
        if kept[0] != len(assignments):  # codes are only ever added, in order: take the new ones
            seen, chars, table = kept
            for char, n in islice(assignments.items(), seen, None):
                if n < 256:
                    table[char] = n
                    chars.add(chr(char))
                    if char == 32:  # reportlab sets a no-break space as a space
                        table[0xA0] = n
                        chars.add("\u00a0")
            kept[0] = len(assignments)
        if not kept[1].issuperset(text):
            return super().splitString(text, doc, encoding)
        return [(0, text.translate(kept[2]).encode("latin-1"))] if text else []

    _widths: dict = {}

    def stringWidth(self, text, size, encoding="utf8"):
        """reportlab's width of `text` at `size`, kept per font, text (up to 200 characters), size and encoding."""
        if len(text) > 200:
            return super().stringWidth(text, size, encoding)
        key = (self, text, size, encoding)
        width = self._widths.get(key)
        if width is None:
            if len(self._widths) >= KEPT_LIMIT:
                self._widths.clear()
            width = self._widths[key] = super().stringWidth(text, size, encoding)
        return width

    def __init__(self, name, filename, validate=0, subfontIndex=0, asciiReadable=None, shapable=True):
        """reportlab's TTFont.__init__ (these lines are its own), the face read as a KeptSubsetsFace: its tables
        read whole (font_tables.QuickFace), its subsets kept. tests/test_handout_drawing.py checks that the font
        has the attributes, and the face the tables, that reportlab's TTFont gives."""
        self.fontName = name
        self.face = KeptSubsetsFace(filename, validate=validate, subfontIndex=subfontIndex)
        self.encoding = TTEncoding()
        self.state = WeakKeyDictionary()
        if asciiReadable is None:
            asciiReadable = rl_config.ttfAsciiReadable
        self._asciiReadable = asciiReadable
        self.shapable = shapable and not any(fnmatch(name, _) for _ in unShapedFontGlob)

    def addObjects(self, doc):
        """reportlab's TTFont.addObjects (the document's font and ToUnicode objects for each subset); then each
        subset's widths are written once per process and its ToUnicode map compressed once. Objects found
        under other names than reportlab 5's are left as reportlab made them."""
        state = self.state.get(doc)
        count = len(state.subsets) if state is not None else 0
        super().addObjects(doc)
        internal = doc.fontMapping.get(self.fontName, "")[1:]
        made = getattr(doc.idToObject.get("BasicFonts"), "dict", {})
        for n in range(count):
            font = made.get(f"{internal}+{n}")
            widths = getattr(font, "Widths", None)
            if type(widths) is pdfdoc.PDFArray:
                font.Widths = NumberArray(widths.sequence)
            _compress_once(doc, getattr(getattr(font, "ToUnicode", None), "name", None))


def _compress_once(doc, name) -> None:
    """The stream reportlab registered under `name`, compressed once per process for its content."""
    stream = doc.idToObject.get(name) if name else None
    filters = getattr(stream, "filters", None)
    if isinstance(stream, pdfdoc.PDFStream) and filters:
        stream.filters = [KEPT_FLATE if f is pdfdoc.PDFZCompress else f for f in filters]


SUBSETS_KEPT = 16  # subsets of each face whose file is kept (a few tens of kilobytes each)


class KeptSubsetsFace(QuickFace):
    """reportlab's TrueType face (read by font_tables.QuickFace); the file of each subset made once per process,
    and compressed once."""

    def makeSubset(self, subset):
        kept = self.__dict__.setdefault("_decisionaid_subsets", {})
        key = tuple(subset)
        data = kept.get(key)
        if data is None:
            if len(kept) >= SUBSETS_KEPT:
                kept.clear()
            data = kept[key] = super().makeSubset(subset)
        return data

    def addSubsetObjects(self, doc, fontname, subset):
        """reportlab's TTFontFace.addSubsetObjects (the subset's file, kept by makeSubset), the file compressed once
        per process."""
        ref = super().addSubsetObjects(doc, fontname, subset)
        _compress_once(doc, "fontFile:%s(%s)" % (self.filename, fontname))
        return ref


class _KeptFlate(pdfdoc.PDFStreamFilterZCompress):
    """reportlab's Flate filter, each content compressed once per process (kept for the last few contents: the
    font files and ToUnicode maps every document of a process embeds)."""

    LIMIT = 32

    def __init__(self):
        self._kept: dict = {}

    def encode(self, text):
        data = self._kept.get(text)
        if data is None:
            if len(self._kept) >= self.LIMIT:
                self._kept.clear()
            data = self._kept[text] = super().encode(text)
        return data


KEPT_FLATE = _KeptFlate()


class NumberArray(pdfdoc.PDFArray):
    """reportlab's PDFArray of plain numbers, written once per process for each sequence of numbers."""

    _written: dict = {}

    def format(self, document, IND=b"\n "):
        key = (tuple(self.sequence), self.multiline, rl_config.pdfMultiLine, IND)
        data = self._written.get(key)
        if data is None:
            if len(self._written) >= SUBSETS_KEPT * 8:
                self._written.clear()
            data = self._written[key] = super().format(document, IND)
        return data
