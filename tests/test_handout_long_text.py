"""Long text in any field of either PDF: the document is made, with every word of it, over as many pages as needed.

A table row used to be unsplittable: a cell taller than a page (about 1,570 characters in the "other values"
answer, 1,920 in the identifier) stopped the handout and the record with reportlab's LayoutError.

Each field gets LONG_TEXT characters of numbered words (default 6,000: several pages in a narrow column; set
DECISIONAID_DRILL_LONG_TEXT=100000 for the full drill, 112 s on a loaded machine), and every number must come back from
the PDF; one field also gets a single word as long as that, with nothing to break it at.
"""

import os
import re
import time
from types import SimpleNamespace

import pytest

from decisionaid.handout.inputs import handout_input, record_input
from decisionaid.handout.patient import build_handout
from decisionaid.handout.clinician_record import build_record

from handout_data import MADE, answered, checklist, record, settings, summary
from pdf_text import reader, squash, text

LONG_TEXT = int(os.environ.get("DECISIONAID_DRILL_LONG_TEXT", "6000"))


def numbered(tag: str, size: int = LONG_TEXT) -> str:
    """'tagS w00001 w00002 ... tagE': about `size` characters whose every word can be found again."""
    words = [f"w{n:05d}" for n in range(1, size // 7 + 1)]
    return f"{tag}S " + " ".join(words) + f" {tag}E"


def words_back(pdf: bytes, tag: str, typed: str) -> None:
    got = text(pdf)
    assert f"{tag}S" in got and f"{tag}E" in got, f"the start or end of the long {tag} is missing"
    want = set(re.findall(r"w\d{5}", typed))
    missing = want - set(re.findall(r"w\d{5}", got))
    assert not missing, f"{len(missing)} of {len(want)} words of the long {tag} are missing, e.g. {sorted(missing)[:3]}"


def revision(**kw):
    values = dict(revision_id=2, kind="amend", author="Dr Łukasz Nowak", created_at="2026-11-21T14:40:00+00:00",
                  reason="Corrected the follow-up date", changes=("follow_up",))
    values.update(kw)
    return SimpleNamespace(**values)


def build_both(rec_kw=None, settings_kw=None, history_kw=None) -> tuple[bytes, bytes]:
    rec = record(**(rec_kw or {}))
    st = settings(**(settings_kw or {}))
    history = (revision(**(history_kw or {})), revision(revision_id=1, kind="save", reason=None, changes=()))
    handout = build_handout(handout_input(st, 12, rec, made_at=MADE, summary=summary(), checklist=checklist()))
    chart = build_record(record_input(st, 7, rec, history, made_at=MADE, summary=summary(), checklist=checklist()))
    return handout, chart


# field -> (where it goes: record / settings / history, which PDFs print it)
FIELDS = {
    "patient_ref": ("record", "handout record"),
    "clinician": ("record", "handout record"),
    "held_at": ("record", "handout record"),
    "follow_up": ("record", "handout record"),
    "decision": ("record", "record"),
    "status": ("record", "record"),
    "notes": ("record", "record"),
    "values_other": ("answer", "handout record"),   # the one free-text answer
    "sure_sure": ("answer", "handout record"),      # a yes/no answer as stored, whatever it holds
    "fit_severity": ("answer", "record"),           # a choice answer as stored
    "clinician_name": ("settings", "record"),       # "Printed ... by"
    "crisis_text": ("settings", "handout"),
    "emergency_number": ("settings", "handout"),
    "author": ("history", "record"),
    "reason": ("history", "record"),                # an amendment's reason
}


@pytest.mark.parametrize("field", FIELDS)
def test_long_text_in_any_field_gives_both_pdfs_with_all_of_it(field):
    where, shown = FIELDS[field]
    typed = numbered(field.replace("_", ""))
    kw = {"record": {}, "settings": {}, "history": {}}
    if where == "answer":
        kw["record"]["answers"] = answered(**{field: typed})
    else:
        kw[where][field] = typed
    handout, chart = build_both(kw["record"], kw["settings"], kw["history"])
    for name, pdf in (("handout", handout), ("record", chart)):
        if name in shown:
            words_back(pdf, field.replace("_", ""), typed)


def test_one_unbroken_word_longer_than_a_page_is_printed_whole():
    typed = "S" + "x" * LONG_TEXT + "E"
    handout, chart = build_both({"patient_ref": typed, "answers": answered(values_other=typed)},
                                history_kw={"author": typed})
    for pdf in (handout, chart):
        got = squash(text(pdf))
        assert got.count("S" + "x" * 20) >= 1 and got.count("x" * 20 + "E") >= 1
        assert got.count("x") >= LONG_TEXT


def test_every_field_long_at_once():
    """The worst case: all of them long in one consultation (a patient who writes a lot, a clinician who too)."""
    size = min(LONG_TEXT, 3000)
    rec_kw = {f: numbered(f.replace("_", ""), size) for f, (w, _) in FIELDS.items() if w == "record"}
    rec_kw["answers"] = answered(**{f: numbered(f.replace("_", ""), size) for f, (w, _) in FIELDS.items()
                                    if w == "answer"})
    settings_kw = {f: numbered(f.replace("_", ""), size) for f, (w, _) in FIELDS.items() if w == "settings"}
    history_kw = {f: numbered(f.replace("_", ""), size) for f, (w, _) in FIELDS.items() if w == "history"}
    start = time.perf_counter()
    handout, chart = build_both(rec_kw, settings_kw, history_kw)
    print(f"every field {size} characters: handout {len(reader(handout).pages)} pages, record "
          f"{len(reader(chart).pages)} pages, {time.perf_counter() - start:.1f} s")
    texts = {"handout": text(handout), "record": text(chart)}
    for field, (_, shown) in FIELDS.items():
        for name in shown.split():
            tag = field.replace("_", "")
            assert f"{tag}S" in texts[name] and f"{tag}E" in texts[name], (field, name)


def footer_lines(pdf: bytes, size: float) -> list[list[tuple[float, str]]]:
    """Per page, (height above the page's foot, text) of each line drawn at the footer's size."""
    pages = []
    for page in reader(pdf).pages:
        lines = []

        def visit(t, cm, tm, font, font_size):
            if t.strip() and abs(font_size * tm[0] - size) < 0.05:
                lines.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], t))

        page.extract_text(visitor_text=visit)
        pages.append(lines)
    return pages


def test_a_long_identifier_in_the_footer_is_shortened_to_two_lines_in_the_margin():
    from decisionaid.handout.document import MARGIN

    typed = numbered("footer", 3000)
    _, chart = build_both({"patient_ref": typed})
    for lines in footer_lines(chart, 7.5):
        heights = {round(y, 1) for y, _ in lines}
        assert len(heights) <= 2 and max(heights) < MARGIN, f"the footer runs into the page: {sorted(heights)}"
        assert any("\u2026" in t for _, t in lines) and any("Page" in t for _, t in lines)
    words_back(chart, "footer", typed)  # in full in the record itself


def test_a_table_taller_than_a_page_starts_under_its_heading_not_after_an_empty_page():
    typed = numbered("first", 3000)
    handout, _ = build_both({"patient_ref": typed})
    first_page = reader(handout).pages[0].extract_text()
    assert "firstS" in first_page and "w00100" in first_page
