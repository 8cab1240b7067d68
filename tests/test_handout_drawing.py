"""handout/drawing writes a page as reportlab's own canvas, text object and TrueType font write it, and
handout/common.Paragraph draws a paragraph as reportlab's Paragraph draws it: the same bytes, for our six documents
and for text that needs more than one subset of a font, a character the font lacks, a no-break space, and two
documents built at once. PDFs are compared as bytes and read back with pypdf."""

import io

from pypdf import PdfReader
from reportlab.lib.colors import CMYKColor, Color
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph as ReportlabParagraph

from decisionaid.handout import clinician_record, common, document, drawing, fonts, markup, patient

from test_handout_speed import documents

REPORTLAB = {"beginText": Canvas.beginText, "_escape": Canvas._escape, "transform": Canvas.transform,
             "line": Canvas.line, "setFillColor": Canvas.setFillColor}


def reportlab_only(monkeypatch):
    """Our canvas, text object, font and paragraph drawing doing exactly what reportlab's do."""
    monkeypatch.setattr(common.Paragraph, "drawOn", ReportlabParagraph.drawOn)
    for name, method in REPORTLAB.items():
        monkeypatch.setattr(drawing.DrawingCanvas, name, method)
    for name in ("setTextOrigin", "_formatText", "setFillColor"):
        monkeypatch.setattr(drawing.TextObject, name, getattr(PDFTextObject, name))
    monkeypatch.setattr(drawing.SubsetFont, "splitString", TTFont.splitString)
    monkeypatch.setattr(drawing.SubsetFont, "addObjects", TTFont.addObjects)
    monkeypatch.setattr(drawing.SubsetFont, "stringWidth", TTFont.stringWidth)
    monkeypatch.setattr(markup, "escape", markup._markup)
    for module in (common, document, patient, clinician_record):
        monkeypatch.setattr(module, "escape", markup._markup)
    for name in ("makeSubset", "addSubsetObjects"):
        monkeypatch.setattr(drawing.KeptSubsetsFace, name, getattr(TTFontFace, name))


def test_the_documents_are_the_bytes_reportlab_draws(monkeypatch):
    builds = documents()
    ours = {name: build() for name, build in builds.items()}
    ours_warm = {name: build() for name, build in builds.items()}
    with monkeypatch.context() as m:
        reportlab_only(m)
        reference = {name: build() for name, build in builds.items()}
    assert ours == reference
    assert ours_warm == reference
    assert len(PdfReader(io.BytesIO(ours["record"])).pages) >= 6


# Over 256 different characters (so a second subset), a no-break space, a character DejaVu Sans lacks (U+4E2D),
# markup's escapes and PDF's ( ) \ .
TEXTS = ["Plain text (with brackets) and a back\\slash",
         "no\u00a0break\u00a0space", "\u4e2d missing glyph", "",
         "".join(chr(c) for c in range(0x100, 0x100 + 300) if fonts.has_glyph(chr(c))),
         "Plain text (with brackets) and a back\\slash", "\u0141ukasz \u015e\u00fckr\u00fc \u2022 \u2264 1.5\u00d7"]


def draw(canvas_class, path=None):
    buf = io.BytesIO()
    c = canvas_class(buf, invariant=1)
    c.setFont(fonts.REGULAR, 10)
    for i, text in enumerate(TEXTS):
        c.saveState()
        c.translate(20 + i * 0.123456, 700 - i * 17.5)
        c.translate(1e-9, 3)  # joined with the one before, as reportlab does
        c.setFillColor(Color(0.1, 0.2, 0.3))
        c.setFillColor(Color(0.5, 0.25, 0.125, alpha=0.5))
        c.setFillColor(CMYKColor(0.1, 0.2, 0.3, 0.4))
        c.setFillColor("#444444")
        c.setFillColor((0.2, 0.4, 0.6), alpha=0.75)
        c.line(0, 0, 100.5, 1 / 3)
        tx = c.beginText(2.5, -1.25)
        tx.setFont(fonts.REGULAR, 9.5, 11.875)
        tx.setFillColor(Color(0.3, 0.3, 0.3))
        tx.textLine(text)
        tx.textOut(text[:5])
        tx.setFont(fonts.BOLD, 8)
        tx.textLine(text[::-1])
        c.drawText(tx)
        c.restoreState()
    c.showPage()
    c.save()
    return buf.getvalue()


def test_text_numbers_and_colours_are_written_as_reportlab_writes_them(monkeypatch):
    fonts.register()
    ours = [draw(drawing.DrawingCanvas), draw(drawing.DrawingCanvas)]
    with monkeypatch.context() as m:
        reportlab_only(m)
        reference = draw(drawing.DrawingCanvas)
    assert ours == [reference, reference]
    assert draw(Canvas) == reference  # reportlab's own canvas (our font registered) gives them too
    text = PdfReader(io.BytesIO(reference)).pages[0].extract_text()
    assert "no\u00a0break" in text or "no break" in text
    assert "\u0141ukasz" in text


def test_a_font_splits_text_into_the_subsets_reportlab_gives():
    """Two documents at once, each giving the characters codes in its own order."""
    fonts.register()
    ours = pdfmetrics.getFont(fonts.REGULAR)
    data = fonts._bytes[fonts.REGULAR]
    data.seek(0)
    plain = TTFont("DejaVuSans-reportlab", data)
    assert isinstance(ours, drawing.SubsetFont)
    docs = [object.__new__(type("Doc", (), {})) for _ in range(4)]  # any object reportlab can key a state on
    for texts, (mine, theirs) in ((TEXTS, docs[:2]), (TEXTS[::-1], docs[2:])):
        for text in texts + texts:
            assert ours.splitString(text, mine) == plain.splitString(text, theirs), text
    assert [len(ours.state[d].subsets) for d in docs[::2]] == [len(plain.state[d].subsets) for d in docs[1::2]]
    assert len(ours.state[docs[0]].subsets) == 2


def test_a_second_document_embeds_its_fonts_without_making_or_compressing_them_again(monkeypatch):
    """Each document embeds the subsets of DejaVu Sans it uses; the same subsets are made and compressed once per
    process (a second general handout, or the same handout for another patient)."""
    import zlib

    build = documents()["handout"]
    first = build()
    made, compressed = [], []
    make, compress = TTFontFace.makeSubset, zlib.compress
    monkeypatch.setattr(TTFontFace, "makeSubset", lambda self, subset: made.append(subset) or make(self, subset))
    monkeypatch.setattr(zlib, "compress", lambda data, *a: compressed.append(data) or compress(data, *a))
    assert build() == first
    assert made == []
    assert compressed  # the pages' drawings (and the icon arrays'), made for each document
    assert not [d[:8] for d in compressed if d.startswith((b"\x00\x01\x00\x00", b"/CIDInit"))]  # fonts, maps


def test_widths_are_reportlab_s_and_kept_per_font_and_size():
    fonts.register()
    regular, bold = pdfmetrics.getFont(fonts.REGULAR), pdfmetrics.getFont(fonts.BOLD)
    for text in TEXTS + ["x" * 300]:
        for size in (8, 9.5, 12):
            for font in (regular, bold):
                assert font.stringWidth(text, size) == TTFont.stringWidth(font, text, size)
                assert font.stringWidth(text, size) == TTFont.stringWidth(font, text, size)  # kept
    assert regular.stringWidth("Botox", 10) != bold.stringWidth("Botox", 10)


def test_a_text_is_escaped_once_and_kept_as_it_was_escaped(monkeypatch):
    made = []
    fresh = markup._markup
    monkeypatch.setattr(markup, "_markup", lambda text: made.append(text) or fresh(text))
    monkeypatch.setattr(markup, "_ESCAPED", {})
    texts = ["a <b>bold</b> & \u4e2d\u6587  two spaces\nnew line", "\u0007 bell", "n" * 1001]
    first = [markup.escape(t) for t in texts]
    assert [markup.escape(t) for t in texts] == first == [fresh(t) for t in texts]
    assert made == texts + texts[2:]  # the long text is escaped each time, not kept


def test_what_is_kept_stays_bounded(monkeypatch):
    """A process that prints many records keeps at most KEPT_LIMIT formatted numbers and escaped strings."""
    from reportlab.lib.rl_accel import escapePDF, fp_str

    monkeypatch.setattr(drawing, "KEPT_LIMIT", 5)
    monkeypatch.setattr(drawing, "_numbers", {})
    monkeypatch.setattr(drawing, "_escaped", {})
    for i in range(12):
        assert drawing.numbers(i / 7, 3) == fp_str(i / 7, 3)
        assert drawing.escaped(b"(%d)" % i) == escapePDF(b"(%d)" % i)
        assert len(drawing._numbers) <= 5 and len(drawing._escaped) <= 5


def paragraphs_drawn(cls, cases):
    """A page with each case's paragraph (markup, style, width, canvas set-up) drawn as `cls` draws it, and the
    canvas's state after each, as reportlab's restoreState leaves it."""
    buf = io.BytesIO()
    c = drawing.DrawingCanvas(buf, invariant=1)
    states = []
    for i, (text, style, width, before, extra) in enumerate(cases):
        c.saveState()
        before(c)
        p = cls(text, style)
        for name, value in extra.items():
            setattr(p, name, value)
        p.wrapOn(c, width, 800)
        p.drawOn(c, 30 + i * 0.5, 780 - i * 25, _sW=7)
        states.append((c._fillColorObj, c._currentMatrix, dict(c._extgstate._d), len(c.state_stack), c._fontname))
        c.restoreState()
    c.showPage()
    c.save()
    return buf.getvalue(), states


def test_a_paragraph_is_drawn_as_reportlab_draws_it(monkeypatch):
    """Paragraphs in one font and colour (drawn by Paragraph.drawOn itself) and others (left to reportlab): the same
    page and the same canvas state after each."""
    fonts.register()
    body = ParagraphStyle("t", fontName=fonts.REGULAR, fontSize=9, leading=11.5, textColor=Color(0.1, 0.2, 0.3))
    translucent = Color(0.5, 0.25, 0.125, alpha=0.5)
    nothing = lambda c: None  # noqa: E731

    def half_opaque(c):
        c.setFillAlpha(0.5)

    def moved(c):
        c.translate(3, 4)
        c.setFillColor(Color(0.9, 0.1, 0.1))

    text = "Out of 100 people like those in the studies, about 44 felt much better (after 6 weeks) \\ \u0141ukasz"
    cases = [
        (text, body, 200, nothing, {}),
        (text, body, 200, moved, {}),
        (text, ParagraphStyle("r", parent=body, alignment=2), 150, nothing, {}),
        (text, ParagraphStyle("c", parent=body, alignment=1, leftIndent=4, rightIndent=6), 150, nothing, {}),
        (text, ParagraphStyle("i", parent=body, firstLineIndent=12), 150, nothing, {}),
        (text, ParagraphStyle("j", parent=body, alignment=4), 150, nothing, {}),
        ("Averyveryverylongwordthatdoesnotfit in a narrow column", body, 40, nothing, {}),
        ("one line", body, 200, nothing, {"hAlign": "RIGHT"}),
        ("one line", ParagraphStyle("a", parent=body, textColor=translucent), 200, nothing, {}),
        ("one line", ParagraphStyle("a", parent=body, textColor=translucent), 200, half_opaque, {}),
        ("one line", ParagraphStyle("k", parent=body, textColor=CMYKColor(0.1, 0.2, 0.3, 0.4)), 200, nothing, {}),
        ("one line", ParagraphStyle("b", parent=body, backColor=Color(0.9, 0.9, 0.9)), 200, nothing, {}),
        ("one line", ParagraphStyle("s", parent=body, autoLeading="max"), 200, nothing, {}),
        ("one <b>bold</b> word", body, 200, nothing, {}),
        ("a bullet", ParagraphStyle("u", parent=body, bulletText="\u2022"), 200, nothing, {}),
        ("a <u>line</u> under", body, 200, nothing, {}),
        ("\u4e2d missing glyph", body, 200, nothing, {}),
        ("", body, 200, nothing, {}),  # an empty cell
        ("", ParagraphStyle("e", parent=body, backColor=Color(0.9, 0.9, 0.9)), 200, nothing, {}),
    ]
    drawn_itself = []
    plain_drawer = common.Paragraph._plain_drawer
    monkeypatch.setattr(common.Paragraph, "_plain_drawer",
                        lambda self, canvas: drawn_itself.append(plain_drawer(self, canvas)) or drawn_itself[-1])
    ours = paragraphs_drawn(common.Paragraph, cases)
    assert ours == paragraphs_drawn(ReportlabParagraph, cases)
    assert [d is not None for d in drawn_itself] == [True] * 5 + [False, True, True, False, True] + [False] * 6 + [True, True, False]
    assert "\u0141ukasz" in PdfReader(io.BytesIO(ours[0])).pages[0].extract_text()


def face_tables(face):
    """A face's attributes as reportlab's reading leaves them (its scale as the widths it gives)."""
    tables = dict(face.__dict__)
    scale = tables.pop("_pdfScale")
    return tables, [scale(x) for x in (0, 1, 1000, 2048, 1234)]


def test_a_face_is_read_as_reportlab_reads_it(monkeypatch):
    """Every face we ship (font_tables.QuickFace reads its tables whole) has reportlab's tables, in reportlab's
    order; a face it does not read is read by reportlab; our font has the attributes reportlab's TTFont has."""
    from decisionaid.handout import font_tables
    from decisionaid.resources import resource_path

    for name, filename in fonts._FILES.items():
        data = fonts._unpacked(resource_path("fonts", filename))
        theirs = face_tables(TTFontFace(data))
        data.seek(0)
        ours = face_tables(font_tables.QuickFace(data))
        assert ours == theirs, name
        for table in ("charToGlyph", "glyphToChar", "charWidths"):
            assert list(ours[0][table].items()) == list(theirs[0][table].items()), (name, table)
        if name == fonts.REGULAR:
            data.seek(0)
            with monkeypatch.context() as m:
                m.setattr(font_tables, "_char_to_glyph", lambda data, cmap: None)  # a format it does not read
                assert face_tables(font_tables.QuickFace(data)) == theirs
            data.seek(0)
            font = drawing.SubsetFont("decisionaid-test", data)
            data.seek(0)
            plain = TTFont("decisionaid-test", data)
            assert type(font.face) is drawing.KeptSubsetsFace
            assert sorted(font.__dict__) == sorted(plain.__dict__)
            assert ([font.fontName, font._asciiReadable, font.shapable, type(font.encoding), dict(font.state)]
                    == [plain.fontName, plain._asciiReadable, plain.shapable, type(plain.encoding), dict(plain.state)])
