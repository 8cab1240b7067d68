"""A second document of a process does not redo what the first already did (handout/common.Paragraph keeps the
lines of each text, style and width; handout/document keeps the page footers), and what it prints is still
exactly what reportlab's own Paragraph prints: the same bytes, built cold, warm, and after other documents whose
paragraphs were split over pages. PDFs are compared as bytes and read back with pypdf."""

import io

import pytest
from pypdf import PdfReader
from reportlab.platypus import Paragraph as ReportlabParagraph

from decisionaid.handout import clinician_record as record_module, common, patient
from decisionaid.handout.inputs import handout_input, record_input
from decisionaid.handout.styles import styles

from handout_data import MADE, checklist, record, settings, summary

LONG_NOTE = "\n".join(f"Line {i}: discussed the options, the evidence and what to watch for at home." * 3
                      for i in range(120))


def documents():
    """Six documents: the general handout, a personal one, large print, Letter, and two records with a note long
    enough to split over pages (A4 and Letter)."""
    rec = record(notes=LONG_NOTE)
    common_args = dict(made_at=MADE, summary=summary(), checklist=checklist())
    return {
        "handout": lambda: patient.build_handout(handout_input(settings(), **common_args)),
        "personal": lambda: patient.build_handout(handout_input(settings(), 7, rec, **common_args)),
        "large": lambda: patient.build_handout(handout_input(settings(), large_print=True, **common_args)),
        "letter": lambda: patient.build_handout(handout_input(settings(), paper="letter", **common_args)),
        "record": lambda: record_module.build_record(record_input(settings(), 7, rec, **common_args)),
        "record letter": lambda: record_module.build_record(record_input(settings(), 7, rec, paper="letter",
                                                                         **common_args)),
    }


def with_paragraph(monkeypatch, cls):
    for module in (common, patient, record_module):
        monkeypatch.setattr(module, "Paragraph", cls)


def test_warm_builds_give_the_bytes_reportlab_paragraphs_give(monkeypatch):
    with_paragraph(monkeypatch, ReportlabParagraph)
    reference = {name: build() for name, build in documents().items()}
    with_paragraph(monkeypatch, common.Paragraph)
    common._PARSED.clear()
    for order in (list(reference), list(reference)[::-1], list(reference)):  # cold, then warm in both orders
        for name in order:
            assert documents()[name]() == reference[name], name
    pages = len(PdfReader(io.BytesIO(reference["record"])).pages)
    assert pages >= 6  # the long note really flows over pages: paragraphs were split


def test_a_second_build_breaks_no_line_again(monkeypatch):
    """Every paragraph of the general handout is broken into lines once per process, not once per document."""
    build = documents()["handout"]
    build()
    broken = []
    original = ReportlabParagraph.breakLines

    def counting(self, width):
        broken.append(self.text if hasattr(self, "text") else "")
        return original(self, width)

    monkeypatch.setattr(ReportlabParagraph, "breakLines", counting)
    again = build()
    assert again.startswith(b"%PDF")
    assert broken == []


def test_a_split_paragraph_does_not_change_the_lines_others_share():
    st = styles()
    text = "Seeing my <b>grandchildren</b> smile, and walking to the shops on my own again. " * 6
    fresh = ReportlabParagraph(text, st.body)
    fresh.wrap(150, 1000)
    expected = [[(w.fontName, w.text) for w in line.words] for line in fresh.blPara.lines]
    first = common.Paragraph(text, st.body)
    first.wrap(150, 1000)
    head, tail = first.split(150, 30)  # reportlab adds a space to the last piece of each line it cuts
    assert head.wrap(150, 1000)[1] + tail.wrap(150, 1000)[1] == pytest.approx(fresh.height)
    second = common.Paragraph(text, st.body)  # shares the lines kept from the first
    assert second.wrap(150, 1000) == (150, fresh.height)
    assert [[(w.fontName, w.text) for w in line.words] for line in second.blPara.lines] == expected


def test_a_second_record_makes_no_new_forest_plot_shapes(monkeypatch):
    from reportlab.graphics import shapes

    build = documents()["record"]
    first = build()
    made = []
    init = shapes.Drawing.__init__

    def counting(self, *args, **kwargs):
        made.append(args)
        init(self, *args, **kwargs)

    monkeypatch.setattr(shapes.Drawing, "__init__", counting)
    assert build() == first
    assert made == []


def test_each_record_gets_a_forest_plot_drawing_of_its_own():
    from decisionaid.evidence import figures
    from decisionaid.handout import charts

    analysis = summary().outcome("response")
    fig = figures.forest_figure(analysis, "rr", "dl")
    one, two = charts.forest_plot(fig, 400), charts.forest_plot(fig, 400)
    assert one is not two  # a drawing holds the canvas it is being drawn on: two PDFs at once must not share one
    assert len(one.contents) == len(two.contents) > 10 and one.wrap(500, 500) == two.wrap(500, 500)


def test_keeping_a_heading_with_what_follows_copies_no_frame(monkeypatch):
    """reportlab copies the page's frame (deepcopy) every time it measures a KeepTogether: 16 copies a handout."""
    from reportlab.platypus import flowables

    build = documents()["handout"]
    first = build()
    copied = []
    deepcopy = flowables.deepcopy

    def counting(x, *args):
        copied.append(type(x).__name__)
        return deepcopy(x, *args)

    monkeypatch.setattr(flowables, "deepcopy", counting)
    assert build() == first
    assert "Frame" not in copied


def test_a_conditional_page_break_inside_is_still_measured_in_a_copy_of_the_frame():
    from reportlab.platypus import ListFlowable, ListItem, Spacer
    from reportlab.platypus.flowables import CondPageBreak

    st = styles()
    plain = [common.Paragraph("a", st.body), Spacer(1, 2), common.bullets([common.Paragraph("b", st.body)], st)]
    assert common._adds_nothing(plain)
    assert not common._adds_nothing([common.Paragraph("a", st.body), CondPageBreak(20)])
    assert not common._adds_nothing([ListFlowable([ListItem(common.Paragraph("b", st.body))])])  # not ours
    assert not common._adds_nothing([common.Bullets([ListItem([CondPageBreak(20)])])])


def test_what_is_kept_is_let_go_past_its_budget(monkeypatch):
    """Lines hold several times their text: a process that prints many long notes lets them go and starts again."""
    st = styles()
    monkeypatch.setattr(common, "LINES_BUDGET", 3000)
    monkeypatch.setattr(common, "_lines_kept", 0)
    notes = [f"Note {i}: discussed the options and what to watch for at home. " * 20 for i in range(4)]  # 1.3k each
    for note in notes[:2]:
        common.Paragraph(note, st.body).wrap(300, 1000)
    assert all((note, id(st.body), 1) in common._PARSED for note in notes[:2])
    common.Paragraph(notes[2], st.body).wrap(300, 1000)  # past 3000 characters: everything let go
    assert not any((note, id(st.body), 1) in common._PARSED for note in notes[:3])
    again, fresh = common.Paragraph(notes[0], st.body), ReportlabParagraph(notes[0], st.body)
    assert again.wrap(300, 1000) == fresh.wrap(300, 1000)
    assert [line[1] for line in again.blPara.lines] == [line[1] for line in fresh.blPara.lines]
