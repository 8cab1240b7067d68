"""One version (pyproject.toml) everywhere; the About dialog's statement, content versions and licences;
the Linux menu entry and AppStream metadata agree with them."""

import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from decisionaid.about import third_party
from decisionaid.evidence.pack import load_pack
from decisionaid.evidence.summary import summarise
from decisionaid.ui.about_dialog import AboutDialog

ROOT = Path(__file__).resolve().parent.parent
LINUX = ROOT / "packaging" / "linux"
APP_ID = "org.decisionaid.DecisionAid"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_version_comes_from_pyproject():
    result = subprocess.run([sys.executable, "-m", "decisionaid", "--version"], capture_output=True, text=True)
    assert result.stdout.strip() == f"decisionaid {VERSION}"


def test_about_dialog_says_version_content_statement_and_licences(qtbot):
    summary = summarise(load_pack())
    dialog = AboutDialog(summary)
    qtbot.addWidget(dialog)
    text = " ".join(dialog.text.toPlainText().split())
    pack = summary.pack
    assert f"decisionaid {VERSION}" in text
    assert f"Evidence pack {pack.version}, last reviewed {pack.last_reviewed.isoformat()}" in text
    assert "Checklist 2026.12.1, last reviewed" in text and "Handout wording" in text
    from decisionaid.patient_view.wording import default_wording

    pv = default_wording()
    assert f"Patient view wording {pv.version}, last reviewed {pv.last_reviewed.isoformat()}" in text
    assert "supports, and does not replace, clinical judgement" in text
    assert "off-label" in text and "no network connection" in text
    for shipped, licence in (("Qt 6", "LGPL-3.0"), ("ReportLab", "BSD-3-Clause"), ("DejaVu Sans fonts", "Bitstream Vera"),
                             ("python-bidi", "LGPL-3.0"), ("Droid Sans Fallback", "Apache-2.0")):
        assert shipped in text and licence in text, shipped


def test_help_menu_opens_the_about_dialog(qtbot, tmp_path, monkeypatch):
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
    action = next(a for m in window.menuBar().actions() if m.text() == "&Help" for a in m.menu().actions()
                  if a.text() == "&About decisionaid")
    action.trigger()
    assert isinstance(seen[0], AboutDialog)
    assert "not loaded" in seen[0].text.toPlainText()  # evidence not loaded yet: said, not hidden


def _runtime_dependencies() -> set[str]:
    seen, todo = set(), ["decisionaid"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for spec in metadata.distribution(name).requires or []:
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(canonicalize_name(req.name))
    return seen - {"decisionaid"}


def test_every_runtime_dependency_has_its_licence_listed():
    components, not_shipped = third_party()
    listed = {p for c in components for p in c.packages} | set(not_shipped)
    missing = _runtime_dependencies() - listed
    assert not missing, f"add these to resources/about/third-party.json: {sorted(missing)}"


def test_qt_licence_texts_ship_with_the_program():
    licences = ROOT / "resources" / "about" / "licences"
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in (licences / "LGPL-3.0.txt").read_text()
    assert "GNU GENERAL PUBLIC LICENSE" in (licences / "GPL-3.0.txt").read_text()


def test_linux_menu_entry_names_the_program_and_an_existing_icon():
    entry = dict(line.split("=", 1) for line in (LINUX / f"{APP_ID}.desktop").read_text().splitlines()
                 if "=" in line)
    assert entry["Exec"] == "decisionaid" and entry["Icon"] == APP_ID and entry["Type"] == "Application"
    assert (LINUX / "icons" / f"{APP_ID}.svg").read_bytes().startswith(b"<?xml")
    for size in (16, 32, 48, 64, 128, 256, 512):
        png = (LINUX / "icons" / f"{APP_ID}-{size}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(png[16:20], "big") == size  # IHDR width


def test_appstream_release_is_the_pyproject_version():
    root = ET.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == f"{APP_ID}.desktop"
    assert root.find("releases/release").get("version") == VERSION
    assert "off-label" in ET.tostring(root.find("description"), encoding="unicode")


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstreamcli is not installed here")
def test_appstream_metadata_validates():
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(LINUX / f"{APP_ID}.metainfo.xml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-validate is not installed")
def test_desktop_entry_validates():
    result = subprocess.run(["desktop-file-validate", str(LINUX / f"{APP_ID}.desktop")], capture_output=True,
                            text=True)
    assert result.returncode == 0 and "error" not in result.stdout, result.stdout
