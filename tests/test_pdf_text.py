"""Reading our PDFs back (pdf_text.py) is quick and gives exactly what pypdf alone gives.

pypdf parses every font's character map again each time a form XObject is drawn; a handout's icon arrays draw one
per icon, so reading a handout took a second. pdf_text parses each font of a file once: the text and every piece
a visitor sees (text, matrices, font, size) must stay the same as with pypdf's own parsing.
"""

import pytest
from pypdf.generic import _font

import pdf_text
from decisionaid.handout.clinician_record import build_record
from decisionaid.handout.inputs import handout_input, record_input
from decisionaid.handout.patient import build_handout

from handout_data import MADE, checklist, record, settings, summary


@pytest.fixture(scope="module")
def pdfs():
    st, rec = settings(), record()  # the patient's name needs a second face (CJK)
    return (build_handout(handout_input(st, 12, rec, made_at=MADE, summary=summary(), checklist=checklist())),
            build_record(record_input(st, 7, rec, (), made_at=MADE, summary=summary(), checklist=checklist())))


def read(data: bytes):
    pages, pieces = [], []

    def visit(t, cm, tm, font, size):
        pieces.append((t, tuple(cm), tuple(tm), None if font is None else str(font.get("/BaseFont")), size))

    for page in pdf_text.reader(data).pages:
        pages.append(page.extract_text(visitor_text=visit))
    return pages, pieces


def font_dicts(data: bytes) -> int:
    found = set()

    def walk(resources):
        resources = resources.get_object()
        for ref in resources["/Font"].get_object().values() if "/Font" in resources else ():
            found.add(ref.idnum)
        for xobject in resources["/XObject"].get_object().values() if "/XObject" in resources else ():
            xobject = xobject.get_object()
            if "/Resources" in xobject:
                walk(xobject["/Resources"])

    for page in pdf_text.reader(data).pages:
        walk(page["/Resources"])
    return len(found)


def test_reading_back_gives_what_pypdf_alone_gives(pdfs, monkeypatch):
    ours = [read(data) for data in pdfs]
    shared = _font.Font.from_font_resource.__func__
    monkeypatch.setattr(_font.Font, "from_font_resource", classmethod(getattr(shared, "original", shared)))
    theirs = [read(data) for data in pdfs]
    assert ours == theirs
    assert all(pieces for _pages, pieces in ours) and "Botox" in ours[0][0][0]


def test_each_font_of_a_handout_is_parsed_once(pdfs, monkeypatch):
    parsed = []
    real = _font.get_encoding
    monkeypatch.setattr(_font, "get_encoding", lambda font: (parsed.append(font), real(font))[1])
    handout = pdfs[0]
    assert all(page.extract_text() for page in pdf_text.reader(handout).pages) and font_dicts(handout) >= 2
    assert len(parsed) <= font_dicts(handout), f"{len(parsed)} parses of {font_dicts(handout)} fonts"


def test_a_file_read_again_gives_the_same_text_with_page_numbers_left_out_or_kept(pdfs):
    chart = pdfs[1]
    first = pdf_text.text(chart)
    assert pdf_text.text(chart) == first == pdf_text.text(bytes(bytearray(chart)))
    assert "Page 1 of" in pdf_text.text(chart, page_numbers=True) and "Page 1 of" not in first
