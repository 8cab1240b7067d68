"""No name prints as an empty box: every character drawn in either PDF is one its face has a glyph for.

Walks all the text drawn in a handout and a record made with hostile names in every field (read back with pypdf,
with the font each piece was drawn in) and checks each character against that embedded face's character map.
Characters that no face draws (most emoji, control characters, lone surrogates) print as their code point.
"""

import unicodedata
from types import SimpleNamespace

import pytest
from reportlab.pdfbase import pdfmetrics

from decisionaid.handout import fonts
from decisionaid.handout.inputs import handout_input, record_input
from decisionaid.handout.markup import escape
from decisionaid.handout.patient import build_handout
from decisionaid.handout.clinician_record import build_record

from handout_data import MADE, answered, checklist, record, settings, summary
from pdf_text import reader, squash, text

ALLAH = "\u0639\u0628\u062f \u0627\u0644\u0644\u0647"  # عبد الله, as in Abdullah
HOSTILE = {
    "allah": ALLAH,
    "arabic_more": "\u0645\u062d\u0645\u062f \u0639\u0644\u064a\u0647 \u0627\u0644\u0633\u0644\u0627\u0645",
    "urdu": "\u06cc \u06d2 \u0688",                     # ے: a letter neither face has
    "emoji": "\U0001f9e0 \U0001f600 \U0001f44d\U0001f3fd \U0001f1ec\U0001f1e7",
    "zwj": "\U0001f468\u200d\U0001f469\u200d\U0001f467 family",
    "controls": "a\x00b\x07c\x1bd\x7fe\x85f\x0bg",
    "cjk": "\u4e2d\u6587 \ud55c\uad6d\uc5b4 \u65e5\u672c\u8a9e",
    "combining": "e\u0301 Z\u0336a\u0489l\u20ddg\u0338o",
    "isolates": "\u2066Smith\u2069 \u202eevil\u202c \ufeffbom",
    "surrogate": "lone \ud800 half",
    "math_letters": "\U0001d5a0\U0001d5c5\U0001d5c2 \U0001d5d4\U0001d5f9",  # in DejaVu Sans or its bold only
}


def drawn(pdf: bytes) -> list[tuple[str, str]]:
    """(face, text) for every piece of text drawn, face as registered with reportlab (subset prefix removed)."""
    out = []

    def visit(t, cm, tm, font, size):
        if font is not None and t.strip(" \n"):  # pypdf adds spaces of its own, in a Helvetica it makes up
            out.append((str(font["/BaseFont"]).split("+")[-1], t))

    for page in reader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return out


def boxes(pdf: bytes) -> list[str]:
    """Each character drawn with no glyph in its face (or an invisible control character), as 'face U+XXXX'."""
    fonts.register()
    bad = []
    for face, t in drawn(pdf):
        glyphs = pdfmetrics.getFont(face).face.charToGlyph
        bad += [f"{face} U+{ord(c):04X}" for c in t if c not in " \n"
                and (not glyphs.get(ord(c)) or unicodedata.category(c) in ("Cc", "Cs"))]
    return bad


def revision(**kw):
    values = dict(revision_id=2, kind="amend", author="Dr A", created_at="2026-11-21T14:40:00+00:00",
                  reason="typo", changes=("notes",))
    values.update(kw)
    return SimpleNamespace(**values)


@pytest.fixture(scope="module", params=list(HOSTILE))
def pdfs(request):
    """A handout and a record with the hostile name in every field a person types."""
    name = HOSTILE[request.param]
    rec = record(patient_ref=name, clinician=name, notes=f"{name}\n{name}",
                 answers=answered(values_other=name, sure_sure=name))
    st = settings(clinician_name=name, crisis_text=name, emergency_number=name)
    history = (revision(author=name, reason=name), revision(revision_id=1, kind="save", reason=None, changes=()))
    handout = build_handout(handout_input(st, 12, rec, made_at=MADE, summary=summary(), checklist=checklist()))
    chart = build_record(record_input(st, 7, rec, history, made_at=MADE, summary=summary(), checklist=checklist()))
    return request.param, handout, chart


def test_every_drawn_character_has_a_glyph_in_its_face(pdfs):
    which, handout, chart = pdfs
    for doc, pdf in (("handout", handout), ("record", chart)):
        bad = boxes(pdf)
        assert not bad, f"{which}: the {doc} draws {len(bad)} empty boxes, e.g. {sorted(set(bad))[:6]}"


def test_allah_is_drawn_as_its_joined_letters():
    """arabic-reshaper's U+FDF2 ligature is in neither face: the four letters are drawn instead, joined."""
    pdf = build_record(record_input(settings(), 7, record(patient_ref=ALLAH), (), made_at=MADE, summary=summary(),
                                    checklist=checklist()))
    got = unicodedata.normalize("NFKC", squash(text(pdf)))
    assert "\ufdf2" not in squash(text(pdf))
    assert "\u0627\u0644\u0644\u0647" in got or "\u0647\u0644\u0644\u0627" in got  # logical or drawing order


def test_characters_no_face_has_print_as_their_code_points():
    pdf = build_record(record_input(settings(), 7, record(patient_ref=HOSTILE["zwj"], notes=HOSTILE["controls"]
                                                          + " \U0001f9e0 " + HOSTILE["surrogate"]),
                                    (), made_at=MADE, summary=summary(), checklist=checklist()))
    got = text(pdf)
    assert "[U+1F468 U+200D U+1F469 U+200D U+1F467]" in got
    assert "[U+0000]" in got and "[U+0007]" in got and "[U+001B]" in got and "[U+007F]" in got
    assert "[U+0085]" in got and "[U+000B]" in got
    assert "[U+1F9E0]" in got and "[U+D800]" in got


def test_a_code_keeps_its_typed_order_in_a_right_to_left_line():
    pdf = build_record(record_input(settings(), 7, record(patient_ref=f"{ALLAH} {HOSTILE['zwj']}"), (), made_at=MADE,
                                    summary=summary(), checklist=checklist()))
    assert "[U+1F468 U+200D U+1F469 U+200D U+1F467]" in text(pdf)


def test_control_characters_are_shown_not_swallowed():
    assert escape("a\x00b") == 'a<font color="#555555">[U+0000]</font>b'
    assert escape("line\nnext\tcol") == "line<br/>next \u00a0\u00a0\u00a0col"  # line breaks and tabs still work
