"""The print job (handout/print_job.py) is domain code: it loads neither Qt nor SQLite, so the PDF a window prints
is the PDF the command line writes, and its error wording reads the same wherever it is shown."""

import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PATH": ""})
    return out.stdout.strip()


def test_the_print_job_and_its_messages_load_neither_qt_nor_sqlite():
    code = ("import sys\n"
            "from decisionaid.handout.print_job import HANDOUT, Document, Subject, explain\n"
            "from decisionaid.settings import Settings\n"
            "doc = Document(HANDOUT, Subject(), Settings(paper='a4'))\n"
            "assert doc.file_name().startswith('handout-'), doc.file_name()\n"
            "assert 'Reason: Disk full.' in explain(OSError(28, 'Disk full'), '/x/handout.pdf')\n"
            "print(sorted(m for m in ('PySide6', 'sqlite3', 'shiboken6') if m in sys.modules))")
    assert run(code) == "[]"


def test_a_sessions_file_error_is_told_in_its_own_words():
    from decisionaid.handout.print_job import explain
    from decisionaid.sessions.errors import StoreLocked

    exc = StoreLocked(Path("/tmp/sessions.db"))
    assert explain(exc) == f"{exc.title}. {exc.advice}"
    assert explain(exc).startswith("The sessions file is in use. Another copy of decisionaid")
