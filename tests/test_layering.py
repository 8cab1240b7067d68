"""The domain never imports Qt (STYLE.md): checked in a fresh interpreter for each package."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
DOMAIN = ["decisionaid.evidence.pack", "decisionaid.evidence.pooling", "decisionaid.evidence.summary",
          "decisionaid.evidence.trials_csv", "decisionaid.cli", "decisionaid.resources", "decisionaid.paths",
          "decisionaid.settings", "decisionaid.checklist.items", "decisionaid.checklist.assessment",
          "decisionaid.checklist.phq9", "decisionaid.sessions.store", "decisionaid.sessions.export",
          "decisionaid.sessions.backup", "decisionaid.handoff.note", "decisionaid.handoff.fhir",
          "decisionaid.cli_handoff", "decisionaid.patient_view.wording", "decisionaid.content"]
# Only sessions/ talks to SQLite (STYLE.md): the rest of the domain must not even load the module.
NO_SQLITE = ["decisionaid.evidence.summary", "decisionaid.checklist.assessment", "decisionaid.settings",
             "decisionaid.paths", "decisionaid.handoff.note", "decisionaid.handoff.fhir", "decisionaid.content"]
HEAVY = ("PySide6", "numpy", "statsmodels", "reportlab", "scipy", "pandas")


@pytest.mark.parametrize("module", DOMAIN)
def test_domain_module_loads_without_qt_or_heavy_libraries(module):
    code = (f"import sys, {module}\n"
            f"bad = [m for m in {HEAVY!r} if m in sys.modules]\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PATH": ""})
    assert out.stdout.strip() == ""


def test_evidence_command_runs_without_qt():
    code = ("import sys, io, contextlib\nfrom decisionaid.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()): main(['evidence'])\n"
            "print('PySide6' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PATH": ""})
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("module", NO_SQLITE)
def test_only_sessions_loads_sqlite(module):
    code = f"import sys, {module}\nprint('sqlite3' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PATH": ""})
    assert out.stdout.strip() == "False"


HANDOUT = ["decisionaid.handout.patient", "decisionaid.handout.record", "decisionaid.handout.inputs",
           "decisionaid.handout.wording"]


@pytest.mark.parametrize("module", HANDOUT)
def test_handout_loads_neither_qt_nor_sqlite(module):
    code = f"import sys, {module}\nprint(sorted(m for m in ('PySide6', 'sqlite3', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PATH": ""})
    assert out.stdout.strip() == "[]"


def test_only_handout_imports_reportlab():
    """STYLE.md: reportlab stays behind handout/, so start-up and the other packages never pay for it."""
    offenders = [str(p.relative_to(SRC)) for p in (SRC / "decisionaid").rglob("*.py")
                 if "handout" not in p.parts
                 and re.search(r"^\s*(from|import) reportlab", p.read_text(encoding="utf-8"), re.M)]
    assert offenders == []


def test_only_sessions_imports_sqlite_or_sqlcipher():
    """STYLE.md: only sessions/ talks to SQLite, so every connection (plain or encrypted) goes through connection.py."""
    offenders = [str(p.relative_to(SRC)) for p in (SRC / "decisionaid").rglob("*.py")
                 if "sessions" not in p.parts
                 and re.search(r"^\s*(from|import) (sqlite3|sqlcipher3|sqlite_utils)\b", p.read_text(encoding="utf-8"),
                               re.M)]
    assert offenders == []
