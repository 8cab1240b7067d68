"""One figure model for screen and paper: the screen's painted labels, the PDF's text and the model agree.

The forest plot and the icon arrays are computed once in evidence/figures.py; ui/ and handout/ only paint them.
These tests paint the real widgets, build the real record and handout PDFs, read them back, and compare.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtGui import QColor

sys.path.insert(0, str(Path(__file__).parent))
from handout_data import MADE, checklist, record, summary  # noqa: E402
from pdf_text import reader, squash, text  # noqa: E402

from decisionaid.evidence import figures  # noqa: E402
from decisionaid.evidence.formatting import fmt_ratio, range_words, whole_nnt, whole_people  # noqa: E402
from decisionaid.handout.patient import HandoutInput, build_handout  # noqa: E402
from decisionaid.handout.clinician_record import RecordInput, build_record  # noqa: E402
from decisionaid.ui.forest_plot import ForestPlot  # noqa: E402
from decisionaid.ui.icon_array import IconArray  # noqa: E402


def lines(strings) -> list[str]:
    return [line for s in strings for line in s.split("\n") if line]


@pytest.fixture(scope="module")
def record_pdf() -> bytes:
    return build_record(RecordInput(summary(), checklist(), 7, record(), (), MADE, made_by="Dr X"))


@pytest.fixture(scope="module")
def handout_pdf() -> bytes:
    return build_handout(HandoutInput(summary(), checklist(), "In a crisis call 999.", MADE, emergency_number="999"))


def painted(qtbot, fig, width=1000) -> list[str]:
    plot = ForestPlot()
    qtbot.addWidget(plot)
    plot.set_data(fig)
    plot.resize(width, plot.heightForWidth(width))
    plot.show()
    plot.grab()  # paints
    return plot.painted_texts()


@pytest.mark.parametrize("measure", ["rr", "or"])
@pytest.mark.parametrize("outcome", ["response", "remission"])
def test_screen_paints_exactly_the_model_labels(qtbot, outcome, measure):
    fig = figures.forest_figure(summary().outcome(outcome), measure, "dl")
    assert Counter(lines(painted(qtbot, fig))) == Counter(lines(fig.texts()))


def test_record_pdf_prints_the_same_forest_labels_as_the_screen(qtbot, record_pdf):
    fig = figures.forest_figure(summary().outcome("response"), "rr", "dl")
    screen = lines(painted(qtbot, fig))
    pdf = squash(text(record_pdf))
    for label in screen:
        assert squash(label) in pdf, label
    # the rows in the same order on paper as on screen
    positions = [pdf.index(squash(fig.label(r) + r.detail)) for r in fig.rows]
    assert positions == sorted(positions)
    # one ratio format everywhere: no 2-decimal "10.00"-style variant of a value shown as "10.0"
    for r in (*fig.rows, fig.pooled):
        for v in (r.estimate, r.ci_low, r.ci_high):
            assert fmt_ratio(v) in r.ci_text
    assert "17.4" in fig.rows[0].ci_text and "17.44" not in pdf


def test_derived_counts_in_the_record_forest_plot_say_so(record_pdf):
    fig = figures.forest_figure(summary().outcome("response"), "rr", "dl")
    body = squash(text(record_pdf))
    assert squash("Finzi & Rosenthal 2014 17/33* vs 6/41*") in body
    assert squash(figures.DERIVED_NOTE) in body
    assert fig.footnote == figures.DERIVED_NOTE


def test_axis_ticks_are_the_models_on_screen_and_paper(qtbot, record_pdf):
    fig = figures.forest_figure(summary().outcome("response"), "rr", "dl")
    plot = ForestPlot()
    qtbot.addWidget(plot)
    plot.set_data(fig)
    plot.resize(1000, plot.heightForWidth(1000))
    assert plot.axis_ticks() == list(fig.ticks)
    assert fig.tick_labels == ("0.5", "1", "10", "100", "500")
    assert squash(" ".join(fig.tick_labels)) in squash(text(record_pdf))


def test_headline_numbers_are_whole_people_with_their_range():
    a = summary().outcome("response")
    b = figures.benefit(a)
    f = a.frequencies
    assert (b.botox, b.botox_low, b.botox_high, b.comparison) == tuple(
        whole_people(x) for x in (f.treatment_per_100, f.treatment_low, f.treatment_high, f.control_per_100))
    assert b.range_text == range_words(23, 87) == "it could be as few as 23 or as many as 87"
    assert (b.nnt, b.nnt_low, b.nnt_high) == (whole_nnt(f.nnt), whole_nnt(f.nnt_low), whole_nnt(f.nnt_high)) == (3, 2, 9)
    assert b.published_short == "54.2% vs 10.7%"
    s = figures.scope(a, summary().pack)
    assert (s.trials, s.people, s.botox_people, s.comparison_people) == (3, 134, 59, 75)
    assert s.left_out == "Brin 2020 (Allergan)"


def test_record_and_handout_carry_the_headline_with_certainty_and_scope(record_pdf, handout_pdf):
    a = summary().outcome("response")
    b = figures.benefit(a)
    body = squash(text(record_pdf))
    assert squash(b.headline) in body
    assert squash(figures.certainty_line(a)) in body
    assert squash(figures.scope(a, summary().pack).text) in body
    assert squash(b.published_text) in body and squash(b.why_different) in body
    assert not re.search(r"\b\d+\.\d in 100\b", text(record_pdf))  # no "44.4 in 100" false precision
    assert "Botox added to care" not in text(handout_pdf) + text(record_pdf)


def test_icon_arrays_on_screen_follow_the_model(qtbot):
    for placebo, botox in [figures.benefit_arrays(summary().outcome("response"))] + [
            (p, b) for _, p, b in figures.harm_arrays(summary().pack)]:
        for fig in (placebo, botox):
            w = IconArray()
            qtbot.addWidget(w)
            w.set_figure(fig)
            w.resize(320, w.heightForWidth(320))
            w.show()
            img = w.grab().toImage()
            centres = [img.pixelColor(w.icon_rect(i).center()).name() for i in range(100)]
            filled = QColor(fig.filled).name()
            assert [c == filled for c in centres] == [fig.is_filled(i) for i in range(100)]
            assert w.caption() == fig.caption


def _filled_forms_per_page(data: bytes) -> list[int]:
    out = []
    for page in reader(data).pages:
        xobjects = page["/Resources"].get("/XObject", {})
        names = {str(k): str(k) for k in xobjects}
        content = page.get_contents().get_data().decode("latin-1")
        used = re.findall(r"(/\S+)\s+Do", content)
        out.append(sum(1 for u in used if u in names and "filled" in u))
    return out


def test_handout_arrays_fill_the_same_people_as_the_screen(handout_pdf):
    """The PDF draws each person as a form; the filled ones on paper add up to the model's counts."""
    placebo, botox = figures.benefit_arrays(summary().outcome("response"))
    harms = [x for _, p, b in figures.harm_arrays(summary().pack) for x in (p, b)]
    expected = placebo.count + botox.count + sum(h.count for h in harms)
    assert sum(_filled_forms_per_page(handout_pdf)) == expected


def test_record_gives_harms_in_the_same_detail_as_the_benefit(record_pdf):
    pack = summary().pack
    # a paragraph may break across pages: leave out the running footer that pypdf reads between its halves
    body = squash("\n".join(line for line in text(record_pdf).splitlines() if "· clinician record" not in line))
    assert squash("Side effects (out of 100 people)") in body
    for h in figures.harm_figures(pack):
        assert squash(f"{h.botox_words} ({h.botox_count})") in body
        assert squash(f"{h.comparison_words} ({h.comparison_count})") in body
        assert squash(h.time_frame) in body
    for e in pack.harms.evidence[1:]:
        assert squash(e.name) in body


# --- how sure a side-effect figure is: next to it, as a benefit's certainty is ----------------------------------

def _pack_with_rated_ptosis(tmp_path):
    """The shipped pack with a (made-up, test-only) rating for drooping eyelid: two downgrades from high."""
    import json

    from decisionaid.evidence.pack import default_pack_path, load_pack
    data = json.loads(default_pack_path().read_text(encoding="utf-8"))
    caveat = data["caveats"][0]["id"]
    ptosis = next(h for h in data["harms"]["items"] if h["id"] == "ptosis")
    ptosis["certainty"] = {"plain": "Test sentence on this rating.", "downgrades": [
        {"domain": "indirectness", "levels": 1, "caveat": caveat, "reason": "Frown-line trials, lower dose."},
        {"domain": "imprecision", "levels": 1, "caveat": caveat, "reason": "No events with placebo."}]}
    path = tmp_path / "pack.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return load_pack(path)


def test_a_harm_the_pack_does_not_rate_is_said_to_be_not_rated_never_given_a_level():
    pack = summary().pack
    assert all(item.certainty is None for item in pack.harms.items)  # the facts give no rating for any harm
    for h in figures.harm_figures(pack):
        assert h.certainty is None
        assert h.certainty_line == figures.HARM_NOT_RATED and "NOT RATED" in h.certainty_line
        assert h.patient_sure == "The studies did not rate how sure we can be of these numbers."
    for h, placebo, botox in figures.harm_arrays(pack):
        for fig in (placebo, botox):  # the picture in words says it too, as a benefit picture says its level
            assert fig.certainty == "certainty not rated"
            assert fig.text_alternative.endswith("Certainty not rated.")
    assert figures.harms_sure(figures.harm_figures(pack)) == figures.HARM_NOT_RATED  # said once, not four times


def test_a_harm_the_pack_rates_gets_its_level_the_way_a_benefit_does(tmp_path):
    pack = _pack_with_rated_ptosis(tmp_path)
    harms = {h.id: h for h in figures.harm_figures(pack)}
    ptosis = harms["ptosis"]
    assert ptosis.certainty == "low"  # high, less two levels: certainty.rate, as for the benefits
    assert ptosis.certainty_line == "LOW certainty. Test sentence on this rating."
    assert ptosis.patient_sure == "We are unsure of these numbers."
    arrays = {h.id: (p, b) for h, p, b in figures.harm_arrays(pack)}
    assert arrays["ptosis"][1].text_alternative.endswith("Low certainty.")
    assert arrays["any"][1].text_alternative.endswith("Certainty not rated.")
    mixed = figures.harms_sure([ptosis, harms["any"]])  # ratings differ: each harm says its own
    assert mixed == (f"{ptosis.label}: LOW certainty. Test sentence on this rating. "
                     f"{harms['any'].label}: {figures.HARM_NOT_RATED}")


def test_patient_words_for_how_sure_read_plainly():
    import textstat
    body = " ".join(figures.PATIENT_SURE.values())
    assert textstat.smog_index(body) <= 8 and textstat.flesch_kincaid_grade(body) <= 7


def test_handout_and_record_say_how_sure_the_side_effect_figures_are(record_pdf, handout_pdf):
    harms = figures.harm_figures(summary().pack)
    handout = squash(text(handout_pdf))
    assert squash("no numbers like these. " + figures.harms_sure(harms, patient=True)) in handout
    record = squash("\n".join(line for line in text(record_pdf).splitlines() if "· clinician record" not in line))
    assert squash(figures.HARM_NOT_RATED) in record
