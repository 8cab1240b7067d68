"""Paper: handouts and records on A4 or US Letter (setting, CLI --paper, printing preset), every font embedded.

PDFs are read back with pypdf; the settings file is a real file; the printing test drives the real window."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QLocale, Qt

from decisionaid import settings
from decisionaid.cli import main
from decisionaid.handout.inputs import handout_input, record_input
from decisionaid.handout.patient import build_handout
from decisionaid.handout.clinician_record import build_record
from decisionaid.settings import Settings, region_paper, resolve_paper
from decisionaid.sessions.store import SessionStore

from handout_data import MADE, checklist, record, summary
from handout_data import settings as make_settings
from pdf_text import reader

SIZES = {"a4": (595, 842), "letter": (612, 792)}  # points, as pdfinfo rounds them


def page_sizes(data: bytes) -> set[tuple[int, int]]:
    return {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader(data).pages}


def fonts_without_a_program(data: bytes) -> set[str]:
    """Every font dictionary in the file (pages, forms, descendants) that has no embedded TrueType program."""
    pdf = reader(data)
    missing = set()
    for num in range(1, int(pdf.trailer["/Size"])):
        try:
            obj = pdf.get_object(num)
        except Exception:  # a free entry in the cross-reference table
            continue
        if not hasattr(obj, "get") or obj.get("/Type") != "/Font" or obj.get("/Subtype") == "/Type0":
            continue
        desc = obj.get("/FontDescriptor")
        if desc is None or "/FontFile2" not in desc.get_object():
            missing.add(str(obj.get("/BaseFont")))
    return missing


def handout(paper, **kw) -> bytes:
    return build_handout(handout_input(make_settings(), made_at=MADE, summary=summary(), checklist=checklist(),
                                       paper=paper, **kw))


def chart_record(paper) -> bytes:
    return build_record(record_input(make_settings(), 7, record(), made_at=MADE, summary=summary(),
                                     checklist=checklist(), paper=paper))


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_handout_and_record_are_laid_out_on_the_chosen_paper(paper):
    for data in (handout(paper), handout(paper, large_print=True), chart_record(paper)):
        assert page_sizes(data) == {SIZES[paper]}


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_every_font_a_pdf_names_is_embedded(paper):
    personal = build_handout(handout_input(make_settings(), 12, record(), made_at=MADE, summary=summary(),
                                           checklist=checklist(), paper=paper))
    for data in (handout(paper), personal, chart_record(paper)):
        assert fonts_without_a_program(data) == set()  # was {"/Helvetica"}: table cells and charts named it


def test_the_paper_setting_is_kept_and_a_bad_one_gives_the_default(data_dir):
    path = settings.save(Settings(paper="letter"))
    assert json.loads(path.read_text(encoding="utf-8"))["paper"] == "letter"
    assert settings.load().paper == "letter"
    path.write_text(json.dumps({"format": 1, "paper": "A5"}), encoding="utf-8")
    assert settings.load().paper == "auto"


def test_automatic_paper_is_the_printers_else_the_regions():
    assert resolve_paper("letter", "a4", "DE") == "letter" and resolve_paper("a4", "letter", "US") == "a4"
    assert resolve_paper("auto", "a4", "US") == "a4"            # the default printer's paper first
    assert resolve_paper("auto", None, "US") == "letter"
    assert resolve_paper("auto", None, "GB") == "a4"
    for code in "BZ CA CL CO CR GT MX NI PA PH PR SV US VE".split():
        assert region_paper(code) == "letter", code
    for code in ("GB", "DE", "FR", "AU", "IN", "BR", "JP", ""):
        assert region_paper(code) == "a4", code


def test_automatic_paper_in_the_app_follows_the_locale(qapp, monkeypatch):
    from decisionaid.ui import paper as ui_paper

    monkeypatch.setattr(ui_paper, "printer_paper", lambda: None)  # no printer here: the region decides
    old = QLocale()
    try:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        assert ui_paper.paper_for(Settings()) == "letter"
        assert ui_paper.paper_for(Settings(paper="a4")) == "a4"
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
        assert ui_paper.paper_for(Settings()) == "a4"
        QLocale.setDefault(QLocale(QLocale.Language.Spanish, QLocale.Country.Mexico))
        assert ui_paper.paper_for(Settings()) == "letter"
        asked = []
        monkeypatch.setattr(ui_paper, "printer_paper", lambda: asked.append(1) or "a4")  # an A4 printer
        assert ui_paper.paper_for(Settings()) == "letter" and asked == []  # saving a PDF asks no print system
        assert ui_paper.paper_for(Settings(), printing=True) == "a4" and asked == [1]
    finally:
        QLocale.setDefault(old)


def test_settings_dialog_offers_the_paper(qtbot):
    from decisionaid.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings(paper="letter"))
    qtbot.addWidget(dialog)
    assert dialog.paper.currentText() == "US Letter"
    dialog.paper.setFocus()
    qtbot.keyClick(dialog.paper, Qt.Key_Up)
    assert dialog.paper.currentText() == "A4" and dialog.result_settings().paper == "a4"


def test_cli_paper_option_on_handout_and_record(tmp_path, capsys):
    folder = tmp_path / "data"
    from decisionaid import paths

    try:
        with SessionStore.open(folder / paths.DATABASE_NAME) as store:
            sid = store.create(record(), "Dr Łukasz Nowak")
        for paper in ("a4", "letter"):
            h, r = tmp_path / f"h-{paper}.pdf", tmp_path / f"r-{paper}.pdf"
            assert main(["--data-dir", str(folder), "handout", "--paper", paper, "--out", str(h)]) == 0
            assert main(["--data-dir", str(folder), "record", "--session", str(sid), "--paper", paper,
                         "--out", str(r)]) == 0
            assert page_sizes(h.read_bytes()) == page_sizes(r.read_bytes()) == {SIZES[paper]}
        capsys.readouterr()
        with pytest.raises(SystemExit) as exit_:
            main(["--data-dir", str(folder), "handout", "--paper", "A5", "--out", str(tmp_path / "x.pdf")])
        assert exit_.value.code == 2 and "--paper" in capsys.readouterr().err
        assert not (tmp_path / "x.pdf").exists()
    finally:
        paths.set_data_dir(None)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_printing_presets_the_chosen_paper(qtbot, data_dir, tmp_path, monkeypatch, paper):
    """The Paper setting reaches the print dialog: the printer is preset to that paper, and the PDF it prints is."""
    from PySide6.QtGui import QPageSize
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    from PySide6.QtWidgets import QDialog

    from window import open_window

    settings.save(Settings(paper=paper))
    seen = {}

    def fake_exec(dialog):
        seen["size"] = dialog.printer().pageLayout().pageSize().id()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", fake_exec)
    w = open_window(qtbot)
    w.show_screen("Consultation")
    out = tmp_path / "printed.pdf"
    printer = w.printing._printer()
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(out))
    w.print_current.print_handout.trigger()
    qtbot.waitUntil(lambda: not w.printing.busy and out.exists(), timeout=20000)
    assert seen["size"] == {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}[paper]
    assert page_sizes(out.read_bytes()) == {SIZES[paper]}
