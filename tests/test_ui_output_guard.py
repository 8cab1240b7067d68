"""The window refuses to write an export, a backup or a PDF over the program's own files (issue 12, item 1).

Only the file dialog is replaced (it returns the path a clinician might pick by mistake); the refusal is a
message box, nothing is written, and the sessions file is byte-identical and still opens.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from decisionaid import paths
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore
from decisionaid.handout.print_job import HANDOUT
from window import open_window  # noqa: E402  tests/window.py

RECORD = SessionRecord(patient_ref="GUARD-1", clinician="Dr Guard", held_at="2026-03-14T09:30",
                       notes="kept whatever is chosen", status="Incomplete")


@pytest.fixture
def stored(data_dir):
    with SessionStore.open(paths.database_path()) as store:
        store.create(RECORD, "Dr Guard")
    return paths.database_path()


@pytest.fixture
def boxes(monkeypatch):
    """The text of each message box opened (not shown, so the test needs no one to press OK)."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "open", lambda box: shown.append(box.text()))
    return shown


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def still_opens(db: Path) -> bool:
    with SessionStore.open(db) as store:
        return [r.patient_ref for r in store.list_page()] == ["GUARD-1"]


def sessions_screen(qtbot):
    w = open_window(qtbot)
    w.show_screen("Sessions")
    view = w.screen("Sessions")
    qtbot.waitUntil(lambda: not view.model.is_loading(), timeout=5000)
    return w, view


def test_sessions_export_and_backup_refuse_the_sessions_file(qtbot, stored, boxes, tmp_path):
    _w, view = sessions_screen(qtbot)
    link = tmp_path / "looks-harmless.csv"
    link.symlink_to(stored)
    before = digest(stored)
    assert view.export_to(str(stored), "json") is None
    assert view.export_to(str(link), "csv") is None
    assert view.back_up_to(str(stored.with_name(stored.name + "-wal"))) is None
    assert len(boxes) == 3 and all("writing there would destroy it" in b and "Nothing was written" in b
                                   for b in boxes)
    assert view.message.text() == "That file belongs to decisionaid: nothing was written."
    assert view.export_button.isEnabled() or not view.selected_ids()  # not left busy
    qtbot.wait(200)
    assert digest(stored) == before and link.is_symlink()  # the link itself was not replaced either
    assert still_opens(stored)


def test_save_as_pdf_refuses_a_backup_chosen_in_the_dialog(qtbot, stored, boxes, tmp_path, monkeypatch):
    with SessionStore.open(stored) as store:
        backup = store.automatic_backup().path
    before = digest(backup)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: (str(backup), "PDF (*.pdf)")))
    w = open_window(qtbot)
    w.printing.save_pdf(w.printing.document(HANDOUT, w._print_subject()))
    assert not w.printing.busy  # refused before anything was built
    assert w.printing.last_message == "The handout was not saved"
    assert len(boxes) == 1 and "is a backup of the saved sessions" in boxes[0]
    assert digest(backup) == before and still_opens(stored)


def test_a_pdf_written_straight_to_the_sessions_file_is_refused_by_the_writer(qtbot, stored, boxes, capfd):
    """A path that does not come from the dialog (print to file, later callers): write_private refuses it."""
    before = digest(stored)
    w = open_window(qtbot)
    w.printing.save_pdf(w.printing.document(HANDOUT, w._print_subject()), str(stored))
    qtbot.waitUntil(lambda: not w.printing.busy, timeout=30000)
    assert len(boxes) == 1 and "is a file of the saved sessions" in boxes[0]
    assert "unexpected" not in boxes[0].lower() and "Traceback" not in capfd.readouterr().err
    assert digest(stored) == before and still_opens(stored)


def test_refusal_box_reads_plainly(qtbot, stored, tmp_path):
    """Screenshot helper, also run as a test: the box's text is plain and names the file."""
    from decisionaid.output_guard import refusal

    refused = refusal(stored)
    box = QMessageBox(QMessageBox.Warning, "decisionaid", f"{refused.title}.\n\n{refused.advice}")
    box.setTextFormat(Qt.PlainText)
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    out = Path(__import__("os").environ.get("DECISIONAID_SHOT_DIR", tmp_path)) / "refusal-box.png"
    assert box.grab().save(str(out))
    assert str(stored) in box.text() and "<" not in box.text()
