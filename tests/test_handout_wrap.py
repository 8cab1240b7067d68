"""Lines are broken once per width and markup is parsed once per text and style (handout/common.Paragraph): the
PDFs are the very bytes reportlab's own Paragraph gives, for a record with a note long enough to split over
pages; a paragraph wrapped at another width, or split, breaks its lines again; a paragraph whose text was parsed
before breaks like a fresh one."""

import pytest
from reportlab.platypus import Paragraph as ReportlabParagraph

from decisionaid.handout import clinician_record as record_module, common, patient
from decisionaid.handout.inputs import handout_input, record_input
from decisionaid.handout.styles import styles

from handout_data import MADE, checklist, record, settings, summary

LONG_NOTE = "\n".join(f"Line {i}: discussed the options, the evidence and what to watch for at home." * 3
                      for i in range(120))


def words(paragraph) -> list:
    """The words of each line of the paragraph's last wrap."""
    return [line[1] if isinstance(line, tuple) else [(w.fontName, w.text) for w in line.words]
            for line in paragraph.blPara.lines]


def build_both(monkeypatch):
    made = []
    for cls in (common.Paragraph, ReportlabParagraph):
        for module in (common, patient, record_module):
            monkeypatch.setattr(module, "Paragraph", cls)
        rec = record_module.build_record(record_input(settings(), 7, record(notes=LONG_NOTE), made_at=MADE,
                                                      summary=summary(), checklist=checklist()))
        handout = patient.build_handout(handout_input(settings(), 7, record(notes=LONG_NOTE), made_at=MADE,
                                                      summary=summary(), checklist=checklist()))
        made.append((rec, handout))
    return made


def test_the_pdfs_are_the_bytes_reportlab_paragraphs_give(monkeypatch):
    ours, theirs = build_both(monkeypatch)
    assert ours == theirs


@pytest.mark.parametrize("widths", [(300, 120), (120, 300), (300, 120, 300)])
def test_a_paragraph_wrapped_at_another_width_breaks_its_lines_again(widths):
    st = styles()
    text = "Out of 100 people like those in the studies, about 44 felt much better after 6 weeks. " * 4
    p = common.Paragraph(text, st.body)
    for w in widths:
        size = p.wrap(w, 1000)
    fresh = ReportlabParagraph(text, st.body)
    assert size == fresh.wrap(widths[-1], 1000)
    assert words(p) == words(fresh) and len(words(p)) > 1


def test_a_split_paragraph_breaks_its_lines_again():
    st = styles()
    text = "A long answer that does not fit in the room left at the foot of the page. " * 12
    p = common.Paragraph(text, st.body)
    _w, h = p.wrap(200, 1000)
    first, rest = p.split(200, h / 2)
    assert first.wrap(200, 1000)[1] + rest.wrap(200, 1000)[1] == pytest.approx(h)
    assert p.wrap(200, 1000) == (200, h)  # wrapped again after the split: all its lines
    assert len(p.blPara.lines) == len(ReportlabParagraph(text, st.body).breakLines([200, 200]).lines)


def test_a_paragraph_parsed_before_breaks_like_a_fresh_one_after_others_were_split():
    st = styles()
    text = "Seeing my <b>grandchildren</b> smile, and walking to the shops on my own again. " * 6
    made = [common.Paragraph(text, st.body) for _ in range(3)]  # the first parses, the others reuse its parse
    for p in made[:2]:
        p.wrap(150, 1000)
        p.split(150, 30)  # reportlab may change a split paragraph's pieces
    last = made[2]
    fresh = ReportlabParagraph(text, st.body)
    assert last.wrap(150, 1000) == fresh.wrap(150, 1000)
    assert words(last) == words(fresh)
