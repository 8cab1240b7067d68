"""No internal wording reaches a user: every screen's texts and tooltips, the dialogs, both PDFs (generic, personal,
crisis-path and large-print handout; the record) read back, and the command-line output, including --json and --help.

The deny-list is the issue's list plus our own.
"""

from __future__ import annotations

import html
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QComboBox, QGroupBox, QLabel, QLineEdit,
                               QPlainTextEdit, QTabWidget, QTextEdit, QWidget)

from decisionaid.cli import main
from decisionaid.handout.inputs import handout_input, record_input
from decisionaid.handout.patient import build_handout
from decisionaid.handout.clinician_record import build_record
from decisionaid.ui.main_window import SCREENS

from handout_data import MADE, checklist, record, settings, summary
from pdf_text import text as pdf_text
from window import open_window

ISSUE_TERMS = ("facts sheet", "fact sheet", "§", "compiler", "team derivation", "UNVERIFIED", "not seen",
               "sources seen", "not confirmed", "Secondary page")
OUR_TERMS = ("[V]", "[V2]", "[D]", "[derived]", "derived by us", "facts-sheet", "fact-sheet", "team fact", "TODO",
             "FIXME", "XXX", "provenance tag", "pack.json", "checklist.json", "handout.json", ".schema.json",
             "sheet section", "sheet's", "evidence pass", "second pass", "third pass", "open question",
             "not reached", "for review", "lorem ipsum", "Traceback")
TERMS = ISSUE_TERMS + OUR_TERMS
_PATTERN = re.compile("|".join(re.escape(t) for t in TERMS), re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{[a-z][a-z0-9_]*\}")  # a handout placeholder left unfilled


def hits(where: str, text: str) -> list[str]:
    found = [f"{where}: {m.group(0)!r} in ...{text[max(0, m.start() - 40):m.end() + 40]!r}..."
             for m in _PATTERN.finditer(text)]
    found += [f"{where}: unfilled {m.group(0)}" for m in _PLACEHOLDER.finditer(text)]
    return found


def plain(text: str) -> str:
    """Tooltips and rich labels as a person reads them: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", text or ""))


def widget_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for everything a person can read or hear on `root` and its children."""
    out = []
    for w in [root, *root.findChildren(QWidget)]:
        name = f"{type(w).__name__}({w.objectName() or '-'})"
        for what, value in (("toolTip", w.toolTip()), ("whatsThis", w.whatsThis()),
                            ("accessibleName", w.accessibleName()),
                            ("accessibleDescription", w.accessibleDescription()), ("windowTitle", w.windowTitle())):
            if value:
                out.append((f"{name}.{what}", plain(value)))
        if isinstance(w, QLabel):
            out.append((f"{name}.text", plain(w.text()) if w.textFormat() != Qt.PlainText else w.text()))
        elif isinstance(w, QAbstractButton):
            out.append((f"{name}.text", w.text()))
        elif isinstance(w, (QTextEdit, QPlainTextEdit)):
            out.append((f"{name}.text", w.toPlainText()))
        elif isinstance(w, QLineEdit):
            out.append((f"{name}.text", w.text() + " " + w.placeholderText()))
        elif isinstance(w, QComboBox):
            out += [(f"{name}.item", w.itemText(i)) for i in range(w.count())]
        elif isinstance(w, QGroupBox):
            out.append((f"{name}.title", w.title()))
        elif isinstance(w, QTabWidget):
            out += [(f"{name}.tab", w.tabText(i) + " " + w.tabToolTip(i)) for i in range(w.count())]
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            for col in range(model.columnCount()):
                for role in (Qt.DisplayRole, Qt.ToolTipRole):
                    head = model.headerData(col, Qt.Horizontal, role)
                    if head:
                        out.append((f"{name}.header", plain(str(head))))
            for row in range(model.rowCount()):
                for col in range(model.columnCount()):
                    index = model.index(row, col)
                    for role in (Qt.DisplayRole, Qt.ToolTipRole, Qt.WhatsThisRole, Qt.AccessibleTextRole):
                        value = model.data(index, role)
                        if isinstance(value, str) and value:
                            out.append((f"{name}[{row},{col}]", plain(value)))
    return out


def all_hits(root: QWidget) -> list[str]:
    return [h for where, text in widget_texts(root) for h in hits(where, text)]


def test_the_check_finds_internal_words():
    """The check itself can fail: each term, in any case, inside HTML, is caught; clean text is not."""
    for term in TERMS:
        assert hits("x", plain(f"<qt>Source: {html.escape(term.lower())} 3</qt>")), term
    assert hits("x", "Dear {patient_name},")
    assert not hits("x", "Reported in Wollmer MA et al. J Psychiatr Res 2012. Calculated by decisionaid from ...")


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("DECISIONAID_DATA_DIR", str(tmp_path))
    return open_window(qtbot)


@pytest.mark.parametrize("name", ["Evidence", "Options", "Caveats"])
def test_evidence_screens(window, name):
    assert all_hits(window.screen(name)) == []


def test_menus_and_window(window):
    found = []
    for menu_action in window.menuBar().actions():
        found += hits("menu", menu_action.text())
        for action in menu_action.menu().actions():
            found += hits(f"menu {menu_action.text()}", f"{action.text()} {action.toolTip()} {action.statusTip()}")
    found += hits("window title", window.windowTitle()) + hits("status bar", window.statusBar().currentMessage())
    nav = window.nav
    found += [h for i in range(nav.count()) for h in hits("nav", nav.item(i).text() + " " + nav.item(i).toolTip())]
    assert found == []


def test_consultation_screen_with_and_without_crisis(window):
    view = window.screen("Consultation")
    found = all_hits(view)
    view.show_record(record(phq9_items=(2, 2, 1, 2, 1, 1, 2, 1, 1)))  # item 9 above 0: the crisis pathway
    found += all_hits(view)
    assert found == []


def test_patient_view_every_step_and_the_crisis_page(window):
    """The Patient view's texts (wording file, figure captions, option rows): every step, topic and part."""
    from decisionaid.ui.patient_view import TOPICS

    view = window.show_patient_view("team")
    found = all_hits(view)
    view.show_step("options")
    for topic in TOPICS:
        view.show_topic(topic)
        found += all_hits(view)
    view.show_step("decision")
    for part in ("values", "sure"):
        view.show_part(part)
        found += all_hits(view)
    window.screen("Consultation").show_record(record(phq9_items=(2, 2, 1, 2, 1, 1, 2, 1, 1)))  # crisis: help first
    assert view.current_step() == "crisis"
    found += all_hits(view)
    assert found == []


def test_sessions_screen(window):
    assert all_hits(window.screen("Sessions")) == []


def test_about_dialogs(qtbot, window):
    from decisionaid.ui.about_dialog import AboutDialog, DecisionAidDialog

    found = []
    for dialog in (AboutDialog(window.summary, window), DecisionAidDialog(window.summary, window)):
        qtbot.addWidget(dialog)
        found += all_hits(dialog)
    assert found == []


def test_settings_dialog(qtbot, window):
    from decisionaid.settings import Settings
    from decisionaid.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    assert all_hits(dialog) == []


def test_every_screen_was_walked():
    assert set(SCREENS) == {"Evidence", "Options", "Caveats", "Consultation", "Sessions"}


def test_every_text_in_the_evidence_pack_is_clean():
    """All of pack.json a person may read (not ids or web addresses), including parts no screen shows yet."""
    import json

    from decisionaid.evidence.pack import default_pack_path

    def walk(node, where):
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in ("url", "id", "source", "sources", "intro_sources", "caveat", "trials", "kind",
                             "provenance", "domain", "measure"):
                    yield from walk(v, f"{where}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, f"{where}[{i}]")
        elif isinstance(node, str):
            yield where, node

    data = json.loads(default_pack_path().read_text(encoding="utf-8"))
    assert [h for where, t in walk(data, "pack") for h in hits(where, t)] == []


# --- PDFs -----------------------------------------------------------------------------------------

def handout(rec=None, **kw) -> bytes:
    return build_handout(handout_input(settings(emergency_number="999"), 12 if rec else None, rec, made_at=MADE,
                                       summary=summary(), checklist=checklist(), **kw))


CRISIS = dict(phq9_items=(2, 2, 1, 2, 1, 1, 2, 1, 1))
PDFS = {
    "generic handout": lambda: handout(),
    "personal handout": lambda: handout(record()),
    "crisis-path handout": lambda: handout(record(**CRISIS)),
    "large-print handout": lambda: handout(large_print=True),
    "record": lambda: build_record(record_input(settings(), 7, record(), (), made_at=MADE, summary=summary(),
                                                checklist=checklist())),
    "crisis-path record": lambda: build_record(record_input(settings(), 7, record(**CRISIS), (), made_at=MADE,
                                                            summary=summary(), checklist=checklist())),
}


@pytest.mark.parametrize("which", list(PDFS))
def test_pdf(which):
    assert hits(which, pdf_text(PDFS[which]()).replace("\n", " ")) == []


def test_pdf_reference_lists_use_clinician_citations():
    """The part of the PDFs branch content owns: the numbered references carry real citations and no marker."""
    body = pdf_text(PDFS["generic handout"]()).replace("\n", " ")
    refs = body[body.index("[1] "):]
    assert "PMID 24345483" in refs and "decisionaid team derivation" not in refs
    assert hits("references", refs) == []


# --- command line ---------------------------------------------------------------------------------

@pytest.fixture
def data_dir(tmp_path):
    from decisionaid import paths
    from decisionaid.sessions.store import SessionStore

    folder = tmp_path / "data"
    with SessionStore.open(folder / paths.DATABASE_NAME) as store:
        store.create(record(), "Dr Okafor")
    yield folder
    paths.set_data_dir(None)


def run(capsys, *argv) -> str:
    try:
        main(list(argv))
    except SystemExit:  # --help exits
        pass
    out, err = capsys.readouterr()
    return out + err


@pytest.mark.parametrize("argv", [["evidence"], ["evidence", "--json"], ["--help"], ["evidence", "--help"],
                                  ["pool", "--help"], ["sessions", "--help"], ["sessions", "show", "--help"],
                                  ["handout", "--help"], ["record", "--help"], ["screenshot", "--help"]])
def test_cli(capsys, argv):
    assert hits(" ".join(argv), run(capsys, *argv)) == []


def test_cli_pool(capsys, tmp_path):
    csv = tmp_path / "trials.csv"
    csv.write_text("study,events_treatment,total_treatment,events_control,total_control\n"
                   "Wollmer 2012,9,15,2,15\nFinzi 2014,17,33,6,41\nMagid 2014,6,11,0,19\n", encoding="utf-8")
    out = run(capsys, "pool", str(csv)) + run(capsys, "pool", str(csv), "--json")
    assert "Wollmer 2012" in out
    assert hits("pool", out) == []


def test_cli_sessions_show(capsys, data_dir):
    out = run(capsys, "--data-dir", str(data_dir), "sessions", "list")
    sid = re.search(r"\b(\d+)\b", out).group(1)
    shown = run(capsys, "--data-dir", str(data_dir), "sessions", "show", sid)
    assert "Dr" in shown
    assert hits("sessions show", shown) == []
