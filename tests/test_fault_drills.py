"""Fault drills against the real window: a corrupt sessions file, a read-only data folder, a full disk while saving,
a sessions file from a newer version, and damaged or missing resource files (evidence pack, checklist, a font).

Each drill checks what a clinician would: the message shown, that what they typed is still on screen (and is
saved once the fault is gone), and that the program goes on working. Real SQLite files in tmp_path; resources are
damaged in a copy named by DECISIONAID_RESOURCES. Only the dialogs are answered by the test (QMessageBox.exec and
.open record their text). Each drill prints one summary line.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox

from decisionaid import paths, resources, settings
from decisionaid.sessions import schema
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore
from decisionaid.ui import consultation_view
from decisionaid.ui.main_window import MainWindow
from decisionaid.handout.print_job import HANDOUT
from window import open_window  # noqa: E402  tests/window.py

FIRST = SessionRecord(patient_ref="DRILL-0", clinician="Dr Drill", held_at="2026-03-14T09:30",
                      notes="saved before the fault", status="Incomplete")
TYPED = "typed during the fault: <b>not bold</b> & \u05e9\u05dc\u05d5\u05dd \U0001F600"
WAIT_MS = 15000
REAL_RESOURCES = resources.resources_dir()


@pytest.fixture
def data_dir(data_dir, monkeypatch):
    monkeypatch.setattr(consultation_view, "RETRY_MS", 200)  # the autosave retries every 5 s; the drills wait less
    return data_dir


@pytest.fixture
def dialogs(monkeypatch):
    """The text of every message box shown; modal ones are answered Yes (or OK)."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or QMessageBox.Yes)
    monkeypatch.setattr(QMessageBox, "open", lambda box: shown.append(box.text()))
    return shown


@pytest.fixture
def report(capsys):
    def say(drill: str, **outcome) -> None:
        with capsys.disabled():
            print(f"\nDRILL {drill}: " + " | ".join(f"{k.replace('_', ' ')}: {v}" for k, v in outcome.items()))
    return say


@pytest.fixture
def damaged_resources(tmp_path, monkeypatch):
    """A copy of resources/ named by DECISIONAID_RESOURCES; the test damages it."""
    copy = tmp_path / "resources"
    shutil.copytree(REAL_RESOURCES, copy)
    monkeypatch.setenv(resources.ENV_VAR, str(copy))
    settings.default_crisis_text.cache_clear()
    yield copy
    settings.default_crisis_text.cache_clear()


def type_consultation(w: MainWindow, patient: str = "DRILL-1"):
    w.show_screen("Consultation")
    view = w.screen("Consultation")
    view.patient.setText(patient)
    view.notes.setPlainText(TYPED)
    return view


def save_handout(qtbot, w: MainWindow, target: Path) -> bool:
    w.printing.save_pdf(w.printing.document(HANDOUT, w._print_subject()), str(target))
    qtbot.waitUntil(lambda: not w.printing.busy, timeout=60000)
    return target.exists()


def stored_notes(path: Path) -> list[str]:
    with SessionStore.open(path) as store:
        return [store.get(s.session_id).record.notes for s in store.list_page(limit=20)]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sessions_listed(qtbot, w: MainWindow) -> int:
    w.show_screen("Sessions")
    view = w.screen("Sessions")
    view.refresh()
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=WAIT_MS)
    return view.model.rowCount()


# --- the sessions file --------------------------------------------------------------------------------------------

def test_drill_corrupt_database(qtbot, data_dir, dialogs, report):
    path = paths.database_path()
    with SessionStore.open(path) as store:
        store.create(FIRST, "Dr Drill")
        store.automatic_backup()
    with open(path, "r+b") as f:
        f.write(b"\x00not a database\xff" * 400)  # the header and first pages overwritten, as a failing disk would
    w = open_window(qtbot)
    view = type_consultation(w)
    with qtbot.waitSignal(w.store_replaced, timeout=WAIT_MS):
        assert not view.autosave()  # opening finds the damage; the newest backup is offered and restored
    assert "damaged" in dialogs[0] and "moved aside" in dialogs[0] and "Restore the latest backup" in dialogs[0]
    assert view.notes.toPlainText() == TYPED and "Your text is still here" in view.error_banner.text()
    qtbot.waitUntil(lambda: not view.dirty, timeout=WAIT_MS)  # the retry writes it into the restored file
    assert not view.error_banner.isVisible()
    assert view.save()
    assert sorted(stored_notes(path)) == sorted([FIRST.notes, TYPED])
    moved = [p for p in data_dir.glob("sessions.sqlite3.damaged-*")]
    assert moved  # kept, never deleted
    assert sessions_listed(qtbot, w) == 2
    report("corrupt database", message=dialogs[0].splitlines()[0], damaged_file=moved[0].name,
           typed_text="kept on screen, then saved", usable="backup restored, 2 sessions listed")


def _make_read_only(folder: Path) -> tuple[str, list] | None:
    """Make `folder` and what is in it unwritable for this process: modes for an ordinary user, the immutable flag
    for root (which ignores modes). Returns (how, undo steps), or None when neither works here."""
    if os.geteuid() != 0:
        for p in [*folder.iterdir(), folder]:
            p.chmod(0o500 if p.is_dir() else 0o400)
        return "chmod 0500/0400", [lambda: [p.chmod(0o700 if p.is_dir() else 0o600) for p in [folder, *folder.iterdir()]]]
    chattr = shutil.which("chattr")
    if chattr is None:
        return None
    targets = [str(p) for p in [*folder.iterdir(), folder]]
    if subprocess.run([chattr, "+i", *targets], capture_output=True).returncode != 0:
        subprocess.run([chattr, "-i", *targets], capture_output=True)
        return None
    return "chattr +i (running as root)", [lambda: subprocess.run([chattr, "-i", *targets], check=True)]


def test_drill_read_only_data_folder(qtbot, data_dir, dialogs, report, tmp_path):
    path = paths.database_path()
    with SessionStore.open(path) as store:
        store.create(FIRST, "Dr Drill")
    made = _make_read_only(data_dir)
    if made is None:
        pytest.skip("cannot make a folder read-only here (root without chattr, or a filesystem without it)")
    how, undo = made
    try:
        w = open_window(qtbot)
        view = type_consultation(w)
        assert not view.autosave()
        assert "sessions.sqlite3 cannot be written" in dialogs[0] and "write access" in dialogs[0]
        assert view.error_banner.isVisible() and "Your text is still here" in view.error_banner.text()
        qtbot.wait(600)  # retries meanwhile: quietly, one dialog in all
        assert len(dialogs) == 1 and view.notes.toPlainText() == TYPED and view.dirty
        assert save_handout(qtbot, w, tmp_path / "handout.pdf")  # still usable: a handout from the screen
    finally:
        for step in undo:
            step()
    qtbot.waitUntil(lambda: not view.dirty, timeout=WAIT_MS)  # write access back: the retry saves it
    assert not view.error_banner.isVisible()
    assert sorted(stored_notes(path)) == sorted([FIRST.notes, TYPED])
    report("read-only data folder", made_with=how, message=dialogs[0].splitlines()[0],
           typed_text="kept on screen, saved when writable again", usable="handout saved meanwhile")


def test_drill_disk_full_while_saving(qtbot, data_dir, dialogs, report):
    w = open_window(qtbot)
    view = type_consultation(w)
    assert view.save()
    store = w.store()
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + 1}")  # SQLite reports SQLITE_FULL, as on a full disk
    big = TYPED + "\n" + "A long note typed while the disk was full. " * 4000
    view.notes.setPlainText(big)
    assert not view.save()
    shown = view.error_banner.text()
    assert "The disk is full" in shown and "Your text is still here" in shown
    assert view.notes.toPlainText() == big and view.dirty
    qtbot.wait(500)  # the retries fail too, and keep the text
    assert view.dirty and view.notes.toPlainText() == big
    store.db.execute("PRAGMA max_page_count = 1073741823")  # space comes back
    qtbot.waitUntil(lambda: not view.dirty, timeout=WAIT_MS)  # the retry autosaves it
    assert not view.error_banner.isVisible()
    assert view.save()
    assert stored_notes(paths.database_path()) == [big]
    assert dialogs == []  # shown in the banner above the form, not in a dialog that hides it
    report("disk full while saving", message=shown[:60] + "...",
           typed_text=f"{len(big)} characters kept, retried and saved when space returned", usable="saved again")


def test_drill_database_from_a_newer_version(qtbot, data_dir, dialogs, report, tmp_path):
    path = paths.database_path()
    with SessionStore.open(path) as store:
        store.create(FIRST, "Dr Drill")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.CURRENT + 1}")
    conn.close()
    before = digest(path)
    w = open_window(qtbot)
    view = type_consultation(w)
    assert not view.autosave()
    assert "from a newer decisionaid" in dialogs[0] and "install the newer decisionaid" in dialogs[0]
    assert view.notes.toPlainText() == TYPED and view.error_banner.isVisible()
    assert save_handout(qtbot, w, tmp_path / "handout.pdf")  # usable: a handout from what is on screen
    assert view.notes.toPlainText() == TYPED
    w.show_screen("Evidence")
    assert digest(path) == before and not list(data_dir.glob("*-wal"))  # the newer file is left exactly as it was
    report("database from a newer version", message=dialogs[0].splitlines()[0],
           typed_text="kept on screen (the file is never changed)", usable="handout saved, evidence shown")


# --- resources ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["missing", "invalid JSON"])
def test_drill_checklist_resource(qtbot, data_dir, dialogs, report, damaged_resources, damage):
    checklist = damaged_resources / "checklist" / "checklist.json"
    if damage == "missing":
        checklist.unlink()
    else:
        checklist.write_text('{"items": [ not json', encoding="utf-8")
    w = open_window(qtbot)
    w.show_screen("Consultation")
    shown = w.screen("Consultation").findChild(QLabel, "checklistError")
    assert shown is not None and "checklist" in shown.text().lower()
    assert "Reinstall" in shown.text() or "not valid JSON" in shown.text()
    w.show_screen("Evidence")
    assert w.summary is not None  # the evidence is unaffected
    report(f"checklist {damage}", message=shown.text().splitlines()[0][:100], typed_text="nothing could be typed",
           usable="evidence screens work")


@pytest.mark.parametrize("damage", ["missing", "invalid JSON"])
def test_drill_evidence_pack_resource(qtbot, data_dir, dialogs, report, damaged_resources, damage, tmp_path):
    pack = damaged_resources / "evidence" / "pack.json"
    if damage == "missing":
        pack.unlink()
    else:
        pack.write_text('{"trials": [', encoding="utf-8")
    w = open_window(qtbot)
    shown = w.screen("Evidence").findChild(QLabel, "packError")
    assert shown is not None and "pack" in shown.text().lower()
    view = type_consultation(w)  # a consultation can still be recorded
    assert view.save()
    assert stored_notes(paths.database_path()) == [TYPED]
    report(f"evidence pack {damage}", message=shown.text().splitlines()[0][:100],
           typed_text="consultation typed and saved", usable="consultation and sessions work")


def test_drill_missing_font_when_making_a_pdf(qtbot, data_dir, dialogs, report, damaged_resources, monkeypatch,
                                              tmp_path):
    from decisionaid.handout import fonts

    (damaged_resources / "fonts" / "DejaVuSans.ttf.gz").unlink()  # DejaVu ships gzip-compressed (handout/fonts.py)
    monkeypatch.setattr(fonts, "_done", False)  # fonts are registered once per process: look for them again
    w = open_window(qtbot)
    view = type_consultation(w)
    assert not save_handout(qtbot, w, tmp_path / "handout.pdf")
    assert "DejaVuSans.ttf.gz" in dialogs[-1] and "Reinstall" in dialogs[-1]
    assert "unexpected" not in dialogs[-1].lower()
    assert view.notes.toPlainText() == TYPED
    assert w.printing.large_print.isEnabled() and not w.printing.busy
    monkeypatch.setenv(resources.ENV_VAR, str(REAL_RESOURCES))  # the font is back (reinstalled)
    assert save_handout(qtbot, w, tmp_path / "handout.pdf")
    assert view.autosave() and stored_notes(paths.database_path()) == [TYPED]
    report("missing font when making a PDF", message=dialogs[-1].splitlines()[0] + " "
           + dialogs[-1].splitlines()[2][:80], typed_text="kept and saved", usable="handout made once restored")
