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

from decisionaid.evidence.formatting import fmt_ci, fmt_ratio, whole_people
from decisionaid.evidence.pack import default_pack_path, load_pack
from decisionaid.evidence.summary import MEASURE_NAMES, METHOD_NAMES, summarise
from decisionaid.ui.caveats_view import CaveatsView
from decisionaid.ui.evidence_view import STUDY_COLUMNS, EvidenceView
from decisionaid.evidence import figures
from decisionaid.evidence.figures import ForestRow
from decisionaid.ui.main_window import MainWindow
from decisionaid.ui.options_view import OptionsView
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

def test_risk_ratio_is_the_default_and_the_odds_ratio_one_click_away(evidence, summary):
    assert evidence.measure_box.currentData() == "rr" and evidence.measure_box.currentText() == "Risk ratio"
    rr = summary.outcome("response").result("rr", "dl").pooled
    text = evidence.pooled_label.text()
    assert text.startswith("Pooled risk ratio for response")
    assert f"{fmt_ratio(rr.estimate)} ({fmt_ci(rr.ci_low, rr.ci_high)})" in text
    assert evidence.forest._data.estimate_label == "RR [95% CI]"

    select(evidence.measure_box, "or")
    result = summary.outcome("response").result("or", "dl")
    p = result.pooled
    assert fmt_ratio(p.estimate) == "8.27"  # the published pool (Parsaik 2016: 8.3) reproduced
    text = evidence.pooled_label.text()
    assert f"{fmt_ratio(p.estimate)} ({fmt_ci(p.ci_low, p.ci_high)})" in text
    assert "odds ratio for response" in text  # always labelled
    assert METHOD_NAMES["dl"] in text
    assert f"{result.k} trials" in text
    assert evidence.forest._data.estimate_label == "OR [95% CI]"
    assert "Odds ratio" in evidence.forest.accessibleDescription()


def test_outcome_switch_to_remission_updates_pool_forest_and_icons(evidence, summary):
    response, remission = summary.outcome("response"), summary.outcome("remission")
    before_label, before_forest = evidence.pooled_label.text(), evidence.forest.accessibleDescription()

    select(evidence.outcome_box, "remission")

    p = remission.result("rr", "dl").pooled
    label_text = evidence.pooled_label.text()
    assert label_text != before_label
    assert f"{fmt_ratio(p.estimate)} ({fmt_ci(p.ci_low, p.ci_high)})" in label_text
    assert "for remission" in label_text

    forest = evidence.forest.accessibleDescription()
    assert forest != before_forest
    pooled_row = ForestRow("", p.estimate, p.ci_low, p.ci_high, 100.0)
    assert pooled_row.ci_text in evidence.forest.accessibleName()
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
    assert f"about {whole_people(f.treatment_per_100)} in 100 with Botox" in evidence.headline.text()
    assert "2 small trials with 104 people" in evidence.scope_label.text()


def test_measure_and_method_switches(evidence, summary):
    analysis = summary.outcome("response")
    select(evidence.measure_box, "or")
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


def test_headline_is_whole_numbers_with_range_certainty_scope_and_published_figures(evidence, summary):
    a = summary.outcome("response")
    f = a.frequencies
    botox, low, high = (whole_people(x) for x in (f.treatment_per_100, f.treatment_low, f.treatment_high))
    control = whole_people(f.control_per_100)
    assert (botox, low, high, control) == (44, 23, 87, 11)  # 44.4 (22.6 to 87.1) vs 10.7, as whole people
    headline = evidence.headline.text()
    assert headline.startswith(f"Our estimate: about {botox} in 100 with Botox; it could be as few as {low} or as many as "
                               f"{high}.")  # an estimate says it is one
    assert f"About {control} in 100 after a dummy injection" in headline
    assert "54.2% vs 10.7%" in headline  # the published pooled figures, beside ours
    assert not re.search(r"\b\d+\.\d\b in 100", headline)  # no false precision
    assert evidence.headline_certainty.text().startswith("How sure are we? VERY LOW certainty. We are very unsure")
    scope = evidence.scope_label.text()
    assert "3 small trials with 134 people" in scope and "Brin 2020" in scope and "not in this pool" in scope
    # the three sit together at the top of the card, above the arrays
    ys = [w.mapTo(evidence.widget(), w.rect().topLeft()).y()
          for w in (evidence.headline, evidence.headline_certainty, evidence.scope_label, evidence.botox_icons)]
    assert ys == sorted(ys)

    assert evidence.botox_icons.count() == botox and evidence.placebo_icons.count() == control
    assert "Botox: about 44 in 100 (could be 23 to 87)" == evidence.botox_icons.caption()
    assert "added to care" not in evidence.botox_icons.caption()
    text = evidence.freq_text.text()
    assert "Our estimate, calculated by decisionaid" in text and "pooled risk ratio" in text
    assert "8 of 75 people" in text
    if f.nnt is not None:
        assert "Number needed to treat: about 3 (it could be from 2 to 9)" in text
        assert "2.97" not in text and "2.96" not in text
    published = evidence.published_label.text()
    assert "54.2%" in published and "10.7%" in published and "Why the numbers differ" in published


def test_harms_have_icon_arrays_the_same_size_as_the_benefits(qtbot, evidence, summary, pack):
    arrays = figures.harm_arrays(pack)
    assert [h.id for h, _, _ in arrays] == ["ptosis", "any"]
    assert len(evidence.harm_icons) == 2 * len(arrays)
    counts = [w.count() for w in evidence.harm_icons]
    assert counts == [0, 2, 36, 42]  # 0/236, 16/665, 85/236, 282/665 as whole people out of 100
    benefit = evidence.botox_icons
    for w in evidence.harm_icons:
        assert w.minimumSize() == benefit.minimumSize()
        assert abs(w.width() - benefit.width()) <= benefit.width() * 0.15
    assert "within 90 days of one treatment" in evidence.findChild(QLabel, "harmTimeFrame").text()
    table = evidence.harm_sources
    names = [table.item(r, 0).text() for r in range(table.rowCount())]
    for name in ("Manufacturer's pooled", "Carruthers 2002", "Jia 2016", "Gostimir 2023", "depression trials",
                 "antidepressant", "Lewis 2018", "Lewis & Bowler 2009", "label"):
        assert any(name in n for n in names), name
    for r in range(table.rowCount()):  # every source says who it is about and over what time
        assert table.item(r, 1).text() and table.item(r, 2).text()


def test_harm_pictures_say_how_sure_they_are_next_to_them_as_the_benefits_do(qtbot, evidence, pack):
    """IPDAS balance: certainty next to the number for harms as for benefits. The pack rates no harm (the facts give
    no rating), so the screen says so in words instead of showing nothing or a made-up level."""
    from PySide6.QtGui import QPalette
    harms = [h for h, _p, _b in figures.harm_arrays(pack)]
    sure = evidence.findChild(QLabel, "harmCertainty")
    assert sure is not None and sure.isVisible()
    assert sure.text() == "How sure are we? " + figures.HARM_NOT_RATED == "How sure are we? " + figures.harms_sure(harms)
    benefit = evidence.headline_certainty
    assert sure.text().startswith("How sure are we? ") and benefit.text().startswith("How sure are we? ")
    for role in (QPalette.Window, QPalette.WindowText):  # the same tint and weight as the benefits' line
        assert sure.palette().color(role) == benefit.palette().color(role)
    assert sure.font().bold() == benefit.font().bold()
    first_picture = min(w.mapTo(evidence.widget(), w.rect().topLeft()).y() for w in evidence.harm_icons)
    assert sure.mapTo(evidence.widget(), sure.rect().topLeft()).y() < first_picture  # above the pictures, not below
    for w in evidence.harm_icons:
        assert "NOT RATED" in w.toolTip() and w.accessibleDescription().endswith("Certainty not rated.")
    texts = [lab.text() for lab in evidence.harm_labels]
    assert texts.count("certainty not rated") == len(pack.harms.items)  # every harm in the table, one per row
    assert "How sure" in [lab.text() for lab in labels(evidence)]


def test_options_say_how_sure_each_pair_of_pictures_is(window, summary, pack):
    view = window.screen("Options")
    level = summary.outcome("response").certainty.level
    assert [lab.text() for lab in view.glance_certainty] == (
        [f"{level.capitalize()} certainty"] + ["Certainty not rated"] * len(figures.harm_arrays(pack)))
    _, botox, _ = grid_row(view.table, "What side effects")
    assert figures.HARM_NOT_RATED in botox


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
                assert "*" in item.text(), (trial.short, name)
                assert "Calculated by decisionaid" in item.toolTip()
                for fig in derived:
                    assert fig.method in item.toolTip()
            else:
                assert "*" not in item.text(), (trial.short, name)
    assert seen_derived, "the pack has derived counts (Finzi & Rosenthal 2014), so some cell must show one"
    finzi = next(i for i, t in enumerate(pack.trials) if t.short.startswith("Finzi & Rosenthal"))
    assert "17/33* vs 6/41*" in table.item(finzi, STUDY_COLUMNS.index("Response")).text()


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
    assert headers[1] == "Botox injections (off-label) alongside current care"
    assert headers[2] == "Carrying on with current care"

    for analysis in summary.outcomes:
        b = figures.benefit(analysis)
        question = {"response": "How many people feel much better", "remission": "How many have few or no"}
        _, botox, usual = grid_row(table, question[analysis.outcome.id])
        assert f"About {b.botox} in 100 ({b.range_text})" in botox
        assert b.published_short in botox
        assert usual.startswith(f"About {b.comparison} in 100") and "dummy" in usual

    _, botox, usual = grid_row(table, "What side effects")
    assert "about 2 in 100" in botox and "about 42 in 100" in botox and "within 90 days" in botox
    assert usual.startswith("No injection, so no injection side effects")
    for row in range(table.rowCount()):  # carrying on gets no injection, so no injection side effects listed
        cell = table.item(row, 2).text()
        assert "in 100 with a dummy injection" not in cell and "Drooping eyelid" not in cell

    _, botox, usual = grid_row(table, "Would I get better anyway?")
    assert "35 to 40 in 100" in usual and "about 11 in 100" in usual and "No published study explains" in usual

    _, botox, _ = grid_row(table, "Is it approved for depression?")
    assert botox == pack.practical["off_label"].text and "off-label" in botox.lower()

    _, botox, usual = grid_row(table, "What does it cost?")
    assert botox == pack.practical["cost"].text  # any price comes only from the pack's sourced cost fact
    assert not re.search(r"[£$€¥]|\b(?:GBP|USD|EUR|pounds?|dollars?|euros?)\b", usual, re.I), usual
    assert "$408" in re.findall(r"\$[0-9][0-9,]*", botox)  # the sourced US average fee (ASPS 2019, as quoted)

    _, botox, _ = grid_row(table, "How sure can we be?")
    assert "VERY LOW certainty" in botox and "134 people" in botox
    for r in range(table.rowCount()):  # Option Grid form: short questions, answers of a sentence or two
        assert table.item(r, 0).text().endswith("?") and len(table.item(r, 0).text()) <= 60
        for c in (1, 2):
            assert len(re.findall(r"[.!?](?:\s|$)", table.item(r, c).text())) <= 4, table.item(r, c).text()
    others = [lab.text() for lab in labels(window.screen("Options"))]
    assert "\u2022 Talking therapy (psychotherapy)" in others


def test_options_show_benefit_and_main_harms_as_icon_arrays_of_one_size(window):
    view = window.screen("Options")
    counts = [w.count() for w in view.glance]
    assert counts == [11, 44, 0, 2, 36, 42]  # felt much better; drooping eyelid; any unwanted event (dummy, Botox)
    assert len({(w.minimumSize().width(), w.minimumSize().height()) for w in view.glance}) == 1
    titles = [lab.text() for lab in labels(view)]
    assert "Felt much better after 6 weeks" in titles
    assert "Drooping eyelid (ptosis), within 90 days of one treatment" in titles


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
