"""The three screens as a clinician sees them, driven through real widgets.

Expected numbers are computed from the evidence pack and the domain summary (``summarise(load_pack())``),
never copied from the screen; the only fixed figures are the published ones the screen must reproduce
(the pooled odds ratio for response, 8.27, and the VERY LOW certainty rating).

Set DECISIONAID_SHOTS=1 to also save a screenshot of each screen to /tmp/ui-shots/.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel

from decisionaid.evidence.formatting import fmt_ci, fmt_per_100, fmt_ratio, whole_people
from decisionaid.evidence.pack import default_pack_path, load_pack
from decisionaid.evidence.summary import MEASURE_NAMES, METHOD_NAMES, summarise
from decisionaid.ui.caveats_view import CaveatsView
from decisionaid.ui.evidence_view import STUDY_COLUMNS, EvidenceView
from decisionaid.ui.forest_plot import ForestRow, ci_text
from decisionaid.ui.main_window import MainWindow
from decisionaid.ui.options_view import COLUMNS, OptionsView
from window import open_window  # noqa: E402  tests/window.py

HOSTILE = "<b>Bold</b> & <i>x</i> \u202eRTL \U0001F600"
SHOTS_DIR = Path("/tmp/ui-shots")


# --- fixtures ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pack():
    return load_pack()


@pytest.fixture(scope="module")
def fresh_day(pack):
    """A day well inside the review period, so the tests do not depend on the calendar."""
    return pack.last_reviewed + dt.timedelta(days=30)


@pytest.fixture(scope="module")
def summary(pack, fresh_day):
    return summarise(pack, fresh_day)


@pytest.fixture
def window(qtbot, fresh_day) -> MainWindow:
    return open_window(qtbot, today=fresh_day)


@pytest.fixture
def evidence(window) -> EvidenceView:
    view = window.screen("Evidence")
    assert isinstance(view, EvidenceView)
    return view


def pack_copy(tmp_path: Path, change) -> Path:
    """A copy of the real pack, changed by `change(data)`, saved as tmp_path/pack.json."""
    data = json.loads(default_pack_path().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "pack.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def labels(widget) -> list[QLabel]:
    return widget.findChildren(QLabel)


def select(box, data) -> None:
    index = box.findData(data)
    assert index >= 0, f"{data!r} is not offered in the combo box"
    box.setCurrentIndex(index)


def click_cell(qtbot, view: EvidenceView, row: int, col: int) -> None:
    """Scroll the cell into view (the click goes to whatever is on screen there), then click it."""
    table = view.studies_table
    rect = table.visualItemRect(table.item(row, col))
    at_body = table.viewport().mapTo(view.widget(), rect.center())
    view.ensureVisible(at_body.x(), at_body.y(), 20, rect.height())
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=rect.center())


def grid_row(table, question_start: str) -> tuple[str, str, str]:
    for r in range(table.rowCount()):
        if table.item(r, 0).text().startswith(question_start):
            return tuple(table.item(r, c).text() for c in range(3))
    raise AssertionError(f"no option-grid row starts with {question_start!r}: "
                         f"{[table.item(r, 0).text() for r in range(table.rowCount())]}")


# --- 1. main window and navigation --------------------------------------------------------------

def test_window_opens_on_evidence_and_signals_ready(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.ready, timeout=5000):
        w.load_evidence()
    assert [w.nav.item(i).text() for i in range(w.nav.count())] == ["Evidence", "Options", "Caveats", "Consultation", "Sessions"]
    assert w.nav.currentRow() == 0
    assert isinstance(w.stack.currentWidget(), EvidenceView)
    assert w.stack.currentWidget() is w.screen("Evidence")
    assert w.summary is not None


def test_navigation_switches_screens(qtbot, window):
    nav = window.nav
    for row, kind in ((1, OptionsView), (2, CaveatsView), (0, EvidenceView)):
        qtbot.mouseClick(nav.viewport(), Qt.LeftButton, pos=nav.visualItemRect(nav.item(row)).center())
        assert nav.currentRow() == row
        assert isinstance(window.stack.currentWidget(), kind)
        assert window.stack.currentWidget().isVisibleTo(window)
    nav.setCurrentRow(2)
    assert isinstance(window.stack.currentWidget(), CaveatsView)
    window.show_screen("Options")
    assert nav.currentRow() == 1 and window.stack.currentWidget() is window.screen("Options")
    assert not window.screen("Evidence").isVisibleTo(window)


# --- 2. evidence screen -------------------------------------------------------------------------

def test_pooled_odds_ratio_for_response(evidence, summary):
    result = summary.outcome("response").result("or", "dl")
    p = result.pooled
    assert fmt_ratio(p.estimate) == "8.27"  # the published pool (Parsaik 2016: 8.3) reproduced
    text = evidence.pooled_label.text()
    assert f"{fmt_ratio(p.estimate)} ({fmt_ci(p.ci_low, p.ci_high)})" in text
    assert "odds ratio for response" in text
    assert METHOD_NAMES["dl"] in text
    assert f"{result.k} trials" in text


def test_outcome_switch_to_remission_updates_pool_forest_and_icons(evidence, summary):
    response, remission = summary.outcome("response"), summary.outcome("remission")
    before_label, before_forest = evidence.pooled_label.text(), evidence.forest.accessibleDescription()

    select(evidence.outcome_box, "remission")

    p = remission.result("or", "dl").pooled
    label_text = evidence.pooled_label.text()
    assert label_text != before_label
    assert f"{fmt_ratio(p.estimate)} ({fmt_ci(p.ci_low, p.ci_high)})" in label_text
    assert "for remission" in label_text

    forest = evidence.forest.accessibleDescription()
    assert forest != before_forest
    pooled_row = ForestRow("", p.estimate, p.ci_low, p.ci_high, 100.0)
    assert ci_text(pooled_row) in evidence.forest.accessibleName()
    for trial in remission.included:
        o = trial.remission
        assert f"{trial.short} ({o.treatment.events.value}/{o.treatment.total.value}" in forest
    for trial in set(response.included) - set(remission.included):  # in the response pool only
        assert f"{trial.short} (" not in forest

    f = remission.frequencies
    assert evidence.botox_icons.count() == whole_people(f.treatment_per_100)
    assert evidence.placebo_icons.count() == whole_people(f.control_per_100)
    g = response.frequencies
    assert (evidence.botox_icons.count(), evidence.placebo_icons.count()) != (
        whole_people(g.treatment_per_100), whole_people(g.control_per_100))
    assert f"about {fmt_per_100(f.treatment_per_100)} in 100" in evidence.freq_text.text()


def test_measure_and_method_switches(evidence, summary):
    analysis = summary.outcome("response")
    select(evidence.measure_box, "rr")
    p = analysis.result("rr", "dl").pooled
    text = evidence.pooled_label.text()
    assert text.startswith(f"Pooled {MEASURE_NAMES['rr'].lower()} for response")
    assert f"{fmt_ratio(p.estimate)} ({fmt_ci(p.ci_low, p.ci_high)})" in text
    assert "Risk ratio" in evidence.forest.accessibleDescription()
    assert evidence.forest._data.estimate_label.startswith("RR")  # the plot's column header

    select(evidence.method_box, "fixed")
    p = analysis.result("rr", "fixed").pooled
    text = evidence.pooled_label.text()
    assert METHOD_NAMES["fixed"] in text and METHOD_NAMES["dl"] not in text
    assert f"{fmt_ratio(p.estimate)} ({fmt_ci(p.ci_low, p.ci_high)})" in text
    assert "Pooled (fixed effect)" in evidence.forest.accessibleDescription()


def test_icon_arrays_and_natural_frequencies(evidence, summary):
    f = summary.outcome("response").frequencies
    assert evidence.botox_icons.count() == whole_people(f.treatment_per_100)
    assert evidence.placebo_icons.count() == whole_people(f.control_per_100)
    assert evidence.botox_icons.count() > evidence.placebo_icons.count()
    assert f"{whole_people(f.treatment_per_100)} in 100" in evidence.botox_icons.caption()
    assert "Out of 100" in evidence.freq_heading.text()
    text = evidence.freq_text.text()
    assert f"about {fmt_per_100(f.treatment_per_100)} in 100" in text
    assert f"about {fmt_per_100(f.control_per_100)} in 100" in text
    assert "derived" in text
    if f.nnt is not None:
        assert f"about {whole_people(f.nnt)} people need Botox" in text


def test_certainty_block_names_every_downgrade(evidence, summary, pack):
    for outcome_id in ("response", "remission"):
        select(evidence.outcome_box, outcome_id)
        analysis = summary.outcome(outcome_id)
        heading = evidence.certainty_heading.text()
        assert "VERY LOW" in heading
        assert analysis.certainty.level.upper() in heading
        text = evidence.certainty_text.text()
        assert analysis.certainty.downgrades
        for g in analysis.certainty.downgrades:
            assert pack.caveat(g.caveat).title in text
            assert g.reason in text


def test_date_label_and_no_stale_banner_for_a_fresh_pack(window, evidence, pack):
    text = evidence.date_label.text()
    d = pack.last_reviewed
    assert pack.version in text
    assert f"{d.day} {d.strftime('%B')} {d.year}" in text
    assert evidence.stale_banner.isHidden()
    assert not evidence.stale_banner.isVisibleTo(window)
    assert "OVERDUE" not in window.statusBar().currentMessage()


def test_stale_pack_shows_a_warning(qtbot, pack):
    two_years_on = pack.last_reviewed + dt.timedelta(days=2 * 365 + 1)
    w = open_window(qtbot, today=two_years_on)
    view = w.screen("Evidence")
    assert not view.stale_banner.isHidden() and view.stale_banner.isVisibleTo(w)
    banner = view.stale_banner.text()
    assert banner.startswith("Warning")
    assert f"{pack.review_every_months} months" in banner
    assert str(pack.last_reviewed.year) in banner
    assert "REVIEW OVERDUE" in w.statusBar().currentMessage()


@pytest.mark.parametrize("screen", ["Evidence", "Options", "Caveats"])
def test_off_label_statement_visible_on_every_screen(window, screen):
    window.show_screen(screen)
    shown = [lab.text() for lab in labels(window.screen(screen))
             if "off-label" in lab.text().lower() and lab.isVisibleTo(window)]
    assert shown, f"no visible off-label statement on the {screen} screen"


# --- 3. studies table ---------------------------------------------------------------------------

def test_studies_table_one_row_per_trial_with_tooltips(evidence, pack):
    table = evidence.studies_table
    assert table.rowCount() == len(pack.trials)
    assert table.columnCount() == len(STUDY_COLUMNS)
    study_col = STUDY_COLUMNS.index("Study")
    for row, trial in enumerate(pack.trials):
        assert table.item(row, study_col).text() == trial.short
        for col in range(table.columnCount()):
            item = table.item(row, col)
            assert item.text().strip(), (trial.short, STUDY_COLUMNS[col])
            assert item.toolTip().strip(), (trial.short, STUDY_COLUMNS[col])


def test_derived_counts_are_marked_with_their_method(evidence, pack):
    table = evidence.studies_table
    seen_derived = 0
    for row, trial in enumerate(pack.trials):
        for name, outcome in (("Response", trial.response),
                              ("Remission", trial.remission)):
            item = table.item(row, STUDY_COLUMNS.index(name))
            figures = [] if outcome is None else [outcome.treatment.events, outcome.treatment.total,
                                                  outcome.control.events, outcome.control.total]
            derived = [fig for fig in figures if fig.provenance == "derived" and fig.value is not None]
            if derived:
                seen_derived += 1
                assert "(derived)" in item.text(), (trial.short, name)
                assert "Calculated by decisionaid" in item.toolTip()
                for fig in derived:
                    assert fig.method in item.toolTip()
            else:
                assert "(derived)" not in item.text(), (trial.short, name)
    assert seen_derived, "the pack has derived counts (Finzi & Rosenthal 2014), so some cell must show one"
    finzi = next(i for i, t in enumerate(pack.trials) if t.short.startswith("Finzi & Rosenthal"))
    assert "(derived)" in table.item(finzi, STUDY_COLUMNS.index("Response")).text()


def test_clicking_a_cell_shows_its_source_and_the_trial_detail(qtbot, evidence, pack):
    table = evidence.studies_table
    col = STUDY_COLUMNS.index("Response")
    finzi = next(i for i, t in enumerate(pack.trials) if t.short.startswith("Finzi & Rosenthal"))
    method = pack.trials[finzi].response.treatment.events.method
    before = evidence.source_detail.text()
    click_cell(qtbot, evidence, finzi, col)
    assert table.currentRow() == finzi
    detail = evidence.source_detail.text()
    assert detail != before
    assert pack.trials[finzi].short in detail and "Calculated by decisionaid" in detail and method in detail

    study_col = STUDY_COLUMNS.index("Study")
    for row in reversed(range(len(pack.trials))):  # row 0 is shown at start, so end there
        trial = pack.trials[row]
        src = pack.sources[trial.source]
        click_cell(qtbot, evidence, row, study_col)
        detail = evidence.source_detail.text()
        assert detail.startswith(f"{trial.short}, Study:")
        assert src.citation in detail
        if src.pmid:
            assert f"PMID {src.pmid}" in detail
        assert evidence.detail_title.text().startswith(trial.short)
        assert src.citation in evidence.detail_values["Citation"].text()
        assert evidence.detail_values["Main result"].text() == trial.primary_result.text
        assert evidence.detail_values["Design"].text() == trial.design.text


def test_reference_column_shows_pmid_or_doi(evidence, pack):
    table = evidence.studies_table
    col = STUDY_COLUMNS.index("Reference")
    for row, trial in enumerate(pack.trials):
        src = pack.sources[trial.source]
        text = table.item(row, col).text()
        if src.pmid:
            assert f"PMID {src.pmid}" in text
        if src.doi:
            assert f"DOI {src.doi}" in text
        if not (src.pmid or src.doi):
            assert "no PMID or DOI" in text or (trial.registry and trial.registry in text)
        assert src.citation in table.item(row, col).toolTip()


# --- 4. options screen --------------------------------------------------------------------------

def test_option_grid(window, summary, pack):
    table = window.screen("Options").table
    assert table.objectName() == "optionGrid"
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == list(COLUMNS)
    assert "Botox added to current care" in headers and "Carrying on with current care" in headers

    for analysis in summary.outcomes:
        f = analysis.frequencies
        _, botox, usual = grid_row(table, f"How many {analysis.outcome.plain} {analysis.outcome.time_frame}")
        assert f"About {fmt_per_100(f.treatment_per_100)} in 100" in botox
        assert f"{fmt_per_100(f.treatment_low)} to {fmt_per_100(f.treatment_high)}" in botox
        assert f"About {fmt_per_100(f.control_per_100)} in 100" in usual

    _, botox, usual = grid_row(table, "Side effects")
    for h in pack.harms.items:
        assert f"{h.label}: {fmt_per_100(100 * h.treatment_events / h.treatment_total)} in 100" in botox
        assert f"{h.label}: {fmt_per_100(100 * h.control_events / h.control_total)} in 100" in usual

    _, botox, _ = grid_row(table, "Is it licensed for depression?")
    assert botox == pack.practical["off_label"].text and "off-label" in botox.lower()

    cost_row = grid_row(table, "Cost")
    assert pack.practical["cost"].text in cost_row[1]
    prices = re.findall(r"\$[0-9][0-9,]*", cost_row[1])
    assert "$408" in prices  # the sourced US average fee (ASPS 2019, as quoted)
    for price in prices:  # no price that the pack's sourced cost text does not give
        assert price in pack.practical["cost"].text, price
    for cell in (cost_row[0], cost_row[2]):
        assert not re.search(r"[£$€¥]|\b(?:GBP|USD|EUR|pounds?|dollars?|euros?)\b", cell, re.I), cell

    _, botox, _ = grid_row(table, "How sure are we?")
    for analysis in summary.outcomes:
        assert f"{analysis.outcome.label.lower()}: {analysis.certainty.level}" in botox


# --- 5. caveats screen --------------------------------------------------------------------------

def test_caveats_show_every_title(window, pack):
    view = window.screen("Caveats")
    titles = [lab.text() for lab in view.caveat_titles]
    assert titles == [c.title for c in pack.caveats]
    ids = {c.id for c in pack.caveats}
    for needed in ("unblinding", "mostly_women", "short_follow_up", "few_groups", "industry_trial_missed",
                   "outcome_switching", "late_registration", "vs_antidepressant"):
        assert needed in ids, f"the pack lost the {needed!r} caveat"
        assert pack.caveat(needed).title in titles


def test_caveat_sources_are_numbers_into_one_full_reference_list(window, pack):
    """Each card names its sources by number; the list at the end gives each one as a full citation, once."""
    view = window.screen("Caveats")
    refs = [lab.text() for lab in view.reference_labels]
    assert len(refs) == len(set(refs)) > 10
    cards = [lab for lab in view.findChildren(QLabel, "sourceNumbers")]
    assert len(cards) == 1 + len(pack.caveats) + len(pack.media_claims)
    unblinding = pack.caveat("unblinding")
    box = next(lab for lab in view.caveat_titles if lab.text() == unblinding.title).parentWidget()
    line = box.findChild(QLabel, "sourceNumbers").text()
    nums = [int(n) for n in re.findall(r"\d+", line.split("(")[0])]
    assert len(nums) == len(unblinding.sources)
    for n, sid in zip(nums, unblinding.sources):
        assert refs[n - 1].startswith(f"{n}. {pack.sources[sid].reference().rstrip('.')}")
    assert any("PMID 40226647" in r for r in refs)  # OnaDEP, cited by the unblinding caveat


def test_off_label_is_said_once_on_the_caveats_screen(window, pack):
    """One off-label card with the pack's wording; no second 'Off-label use' caveat with other text."""
    view = window.screen("Caveats")
    texts = [lab.text() for lab in view.findChildren(QLabel)]
    assert texts.count("Off-label use") == 1
    assert pack.practical["off_label"].text in texts
    assert "off_label" not in {c.id for c in pack.caveats}


def test_media_headlines_sit_beside_their_reality(window, pack):
    view = window.screen("Caveats")
    assert len(view.headline_labels) == len(pack.media_claims)
    for head, claim in zip(view.headline_labels, pack.media_claims):
        assert claim.headline in head.text()
        grid = next(g for g in view.findChildren(QGridLayout) if g.indexOf(head) >= 0)
        row, col, *_ = grid.getItemPosition(grid.indexOf(head))
        beside = grid.itemAtPosition(row, col + 1).widget()
        assert isinstance(beside, QLabel) and beside.text() == claim.reality


# --- 6. a broken or missing pack ----------------------------------------------------------------

def test_malformed_pack_gives_a_readable_message(qtbot, tmp_path):
    def break_it(data):
        data["trials"][0]["randomized"]["value"] = "thirty"

    w = open_window(qtbot, pack_path=pack_copy(tmp_path, break_it))  # no exception escapes
    screen = w.stack.currentWidget()
    assert screen is w.screen("Evidence") and not isinstance(screen, EvidenceView)
    err = screen.findChild(QLabel, "packError")
    assert err is not None and err.isVisibleTo(w)
    text = err.text()
    assert "pack.json" in text
    assert "trials[0].randomized.value" in text
    assert "'thirty'" in text and "integer" in text  # the problem: found 'thirty', wanted a whole number
    assert "Traceback" not in text
    assert w.summary is None


def test_missing_pack_gives_a_readable_message(qtbot, tmp_path):
    w = open_window(qtbot, pack_path=tmp_path / "nowhere" / "pack.json")
    err = w.screen("Evidence").findChild(QLabel, "packError")
    assert err is not None
    assert err.text().startswith("Evidence pack pack.json")
    assert "cannot be read" in err.text()


def test_pack_error_is_in_the_status_bar(qtbot, tmp_path):
    w = open_window(qtbot, pack_path=tmp_path / "nowhere" / "pack.json")
    assert "could not be loaded" in w.statusBar().currentMessage()


def test_pack_with_an_empty_arm_gives_a_message(qtbot, tmp_path):
    def empty_arm(data):
        control = data["trials"][0]["response"]["control"]
        control["events"]["value"] = control["total"]["value"] = 0

    w = open_window(qtbot, pack_path=pack_copy(tmp_path, empty_arm))
    assert w.screen("Evidence").findChild(QLabel, "packError") is not None


# --- 7. hostile text ----------------------------------------------------------------------------

def test_hostile_caveat_title_is_shown_literally(qtbot, tmp_path):
    def hostile(data):
        next(c for c in data["caveats"] if c["id"] == "unblinding")["title"] = HOSTILE

    w = open_window(qtbot, pack_path=pack_copy(tmp_path, hostile))
    titles = [lab for lab in w.screen("Caveats").caveat_titles if lab.text() == HOSTILE]
    assert len(titles) == 1
    assert titles[0].textFormat() == Qt.PlainText
    certainty = w.screen("Evidence").certainty_text  # the downgrade for unblinding names the caveat
    assert HOSTILE in certainty.text() and certainty.textFormat() == Qt.PlainText
    for lab in labels(w.screen("Caveats")) + labels(w.screen("Evidence")):
        assert lab.textFormat() == Qt.PlainText, lab.text()[:60]


# --- 8. screenshots -----------------------------------------------------------------------------

def test_every_screen_renders(window):
    save = bool(os.environ.get("DECISIONAID_SHOTS"))
    if save:
        SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    for name in ("Evidence", "Options", "Caveats"):
        window.show_screen(name)
        shot = window.grab()
        assert not shot.isNull()
        img = shot.toImage()
        colours = {img.pixel(x, y) for x in range(0, img.width(), 23) for y in range(0, img.height(), 23)}
        assert len(colours) > 3, f"the {name} screen looks blank"
        if save:
            assert shot.save(str(SHOTS_DIR / f"{name.lower()}.png"))


def test_tooltips_show_markup_in_pack_text_literally(qtbot, tmp_path):
    from PySide6.QtGui import QTextDocument

    def hostile(data):
        data["sources"]["finzi2014"]["citation"] = "<b>Finzi</b> & Rosenthal <img src=x>"

    w = open_window(qtbot, pack_path=pack_copy(tmp_path, hostile))
    table = w.screen("Evidence").studies_table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text().startswith("Finzi & Rosenthal"))
    doc = QTextDocument()
    doc.setHtml(table.item(row, 0).toolTip())
    assert "<b>Finzi</b> & Rosenthal <img src=x>" in doc.toPlainText()
