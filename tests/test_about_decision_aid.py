"""Help > About this decision aid: who made it, who paid, how the evidence was found, and every IPDAS criterion with
where decisionaid meets it, generated from resources/about/ipdas.json; a criterion that loses its content fails here."""

import copy

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from decisionaid.about import content_documents, load_ipdas, missing_evidence, resolve
from decisionaid.evidence.pack import load_pack
from decisionaid.evidence.summary import summarise
from decisionaid.ui.about_dialog import DecisionAidDialog


@pytest.fixture(scope="module")
def docs():
    return content_documents()


@pytest.fixture(scope="module")
def ipdas():
    return load_ipdas()


def test_every_met_criterion_still_leads_to_its_content(ipdas, docs):
    assert missing_evidence(ipdas, docs) == []


def test_the_list_has_each_group_and_unique_ids(ipdas):
    assert len(ipdas.group("qualifying")) == 6
    assert len(ipdas.group("certification")) == 10
    assert len(ipdas.group("quality")) >= 20
    ids = [c.id for c in ipdas.criteria]
    assert len(ids) == len(set(ids))
    assert {c.status for c in ipdas.criteria} <= set(ipdas.statuses)
    assert all(c.status in ("met", "partly") for c in ipdas.group("qualifying"))


@pytest.mark.parametrize("lose, criterion", [
    (lambda d: d["pack"].__setitem__("decision", " "), "Q2"),
    (lambda d: d["pack"].pop("condition"), "Q1"),
    (lambda d: d["pack"]["about_tool"].__setitem__("funding", ""), "C6"),
    (lambda d: d["pack"].__setitem__("sources", {}), "C2"),
    (lambda d: d["handout"].__setitem__("sections", [s for s in d["handout"]["sections"] if s["id"] != "keep"]),
     "QL11"),
    (lambda d: d["checklist"]["sections"][4].__setitem__("id", "renamed"), "QL9"),
])
def test_a_criterion_that_loses_its_content_is_named(ipdas, docs, lose, criterion):
    broken = copy.deepcopy(docs)
    lose(broken)
    problems = missing_evidence(ipdas, broken)
    assert any(p.startswith(f"{criterion}:") for p in problems), problems


def test_pointers_select_list_entries_by_id(docs):
    assert resolve("pack:caveats[id=unblinding].title", docs) == "People can tell they had Botox"
    with pytest.raises(LookupError, match="no entry with id = nosuch"):
        resolve("pack:caveats[id=nosuch].title", docs)


def page_text(dialog) -> str:
    return " ".join(dialog.text.toPlainText().split())


def test_page_states_decision_condition_funding_testing_and_every_criterion(qtbot, ipdas):
    pack = load_pack()
    dialog = DecisionAidDialog(summarise(pack))
    qtbot.addWidget(dialog)
    text = page_text(dialog)
    assert dialog.windowTitle() == "About this decision aid"
    for needed in (pack.decision, pack.condition.text, pack.about.funding, pack.about.conflicts,
                   pack.about.evidence_method, pack.about.user_testing, "next review due by 1 December 2027"):
        assert " ".join(needed.split()) in text, needed
    for c in ipdas.criteria:
        assert f"{c.id} {c.text}" in text and c.where in text, c.id
    assert "Not yet" in text and "Met" in text


def test_help_menu_opens_the_page(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("DECISIONAID_DATA_DIR", str(tmp_path))
    from decisionaid.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    seen = []

    def close_it():
        dialog = QApplication.activeModalWidget()
        seen.append(dialog)
        dialog.reject()

    QTimer.singleShot(200, close_it)
    help_menu = next(m.menu() for m in window.menuBar().actions() if m.text() == "&Help")
    next(a for a in help_menu.actions() if a.text() == "About this &decision aid").trigger()
    assert isinstance(seen[0], DecisionAidDialog)
    assert "IPDAS" in page_text(seen[0])
