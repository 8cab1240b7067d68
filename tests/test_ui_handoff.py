"""In the app: "Copy note for the health record" and "Export FHIR document…" on the Consultation and Sessions screens
(buttons, File menu, shortcuts); the pasted note keeps its lines in a plain and a rich-text field."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPlainTextEdit, QPushButton, QTextEdit

from decisionaid import paths
from decisionaid import settings as settings_module
from decisionaid.handoff.fhir import DEFAULT_FILE_NAME
from decisionaid.sessions.store import SessionStore
from decisionaid.ui.handoff_actions import COPY_SHORTCUT, EXPORT_SHORTCUT

import handout_data as hd
from fhir_checks import assert_valid, resources
from pdf_text import text as pdf_text
from window import open_window

PATIENT = "<Smith> & Co \u4e2d\u6587"


@pytest.fixture
def save_dialog(monkeypatch):
    answer: dict = {"asked": 0}

    def fake(parent, caption, start, filters):
        answer.update(caption=caption, start=start, filters=filters, asked=answer["asked"] + 1)
        return str(answer["path"]), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return answer


@pytest.fixture
def warnings(monkeypatch):
    seen: list = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a: seen.append((title, text))))
    return seen


def consultation(qtbot):
    w = open_window(qtbot)
    w.show_screen("Consultation")
    return w, w.screen("Consultation")


def sessions(qtbot, select_patient: str):
    w = open_window(qtbot)
    w.show_screen("Sessions")
    view = w.screen("Sessions")

    def selected() -> bool:
        """Select the row (again, if a reload after the sessions file check cleared the selection)."""
        if view.model.is_loading():
            return False
        rows = [r for r in range(view.model.rowCount()) if view.model.session_at(r).patient_ref == select_patient]
        if rows and view.selected_ids() != [view.model.session_at(rows[0]).session_id]:
            flags = QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows  # whatever keys are held
            view.table.selectionModel().select(view.model.index(rows[0], 0), flags)
        return len(view.selected_ids()) == 1 and w.handoff.copy_note.isEnabled()

    qtbot.waitUntil(selected, timeout=5000)
    qtbot.wait(300)
    qtbot.waitUntil(selected, timeout=5000)
    return w, view


def bar_button(view, name: str) -> QPushButton:
    return view.findChild(QPushButton, name)


def pasted(note: str, qtbot):
    """The note pasted into a plain-text field and into a rich-text field, read back."""
    plain, rich = QPlainTextEdit(), QTextEdit()
    rich.setAcceptRichText(True)
    for edit in (plain, rich):
        qtbot.addWidget(edit)
        edit.paste()
    return plain.toPlainText(), rich.toPlainText()


def test_copy_note_on_the_consultation_screen_pastes_with_its_lines(qtbot, data_dir):
    w, view = consultation(qtbot)
    button = bar_button(view, "copyNoteButton")
    assert not button.isEnabled() and "Start the consultation" in button.toolTip()
    view.patient.setText(PATIENT)
    view.decision.setCurrentIndex(view.decision.findData("defer"))
    assert button.isEnabled()
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not w.handoff.busy, timeout=5000)  # the session is read on the owner thread first
    note = QGuiApplication.clipboard().text()
    assert note.startswith("Discussion of off-label botulinum toxin A (Botox) for depression\n")
    assert f"Patient reference: {PATIENT}\n" in note and "- Decision: Defer.\n" in note
    assert "\nNotes\n" in note  # the full note by default
    assert view.session_id is not None and f"decisionaid session {view.session_id} (unsaved draft)" in note
    plain, rich = pasted(note, qtbot)
    assert plain.split("\n") == note.split("\n")
    assert rich.rstrip("\n").split("\n") == note.rstrip("\n").split("\n")
    assert "on the clipboard" in w.statusBar().currentMessage()


def test_the_file_menu_has_both_actions_with_shortcuts_and_the_setting_picks_the_short_note(qtbot, data_dir):
    w, view = consultation(qtbot)
    file_menu = w.menuBar().actions()[0].menu()
    texts = {a.text(): a.shortcut().toString() for a in file_menu.actions()}
    assert texts["Copy note for the health record"] == COPY_SHORTCUT
    assert texts["Export FHIR document\u2026"] == EXPORT_SHORTCUT
    view.patient.setText(PATIENT)
    w._settings = settings_module.Settings(note_style="short")
    view.patient.setFocus()
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(view.patient, Qt.Key_C, Qt.ControlModifier | Qt.ShiftModifier)
    qtbot.keyRelease(view.patient, Qt.Key_Shift, Qt.NoModifier)  # let go of the keys for the tests after this
    qtbot.waitUntil(lambda: not w.handoff.busy, timeout=5000)  # the session is read on the owner thread first
    short = QGuiApplication.clipboard().text()
    assert short.startswith("Discussion of off-label") and "\nNotes\n" not in short
    assert "- All 4 safety questions were answered no." not in short  # nothing answered yet
    assert "Safety screen\n- Does the patient have any current thoughts" in short


def test_copy_and_export_on_the_sessions_screen_act_on_the_selected_session(qtbot, data_dir, tmp_path, save_dialog):
    with SessionStore.open(paths.database_path()) as store:
        store.create(hd.record(patient_ref="MRN-other"), "Dr A")
        sid = store.create(hd.record(), "Dr Łukasz Nowak")
    w, view = sessions(qtbot, hd.PATIENT)
    copy = bar_button(view, "copyNoteButton")
    assert copy.isEnabled()
    qtbot.mouseClick(copy, Qt.LeftButton)
    qtbot.waitUntil(lambda: not w.handoff.busy, timeout=5000)  # the session is read on the owner thread first
    note = QGuiApplication.clipboard().text()
    assert f"Patient reference: {hd.PATIENT}\n" in note and f"decisionaid session {sid} (saved revision" in note
    assert "- Total score 12 of 27: moderate." in note

    out = save_dialog["path"] = tmp_path / "chosen.json"
    export = bar_button(view, "exportFhirButton")
    with qtbot.waitSignal(w.handoff.exported, timeout=20000):
        qtbot.mouseClick(export, Qt.LeftButton)
    assert Path(save_dialog["start"]).name == DEFAULT_FILE_NAME and "Şükrü" not in save_dialog["start"]
    assert out.stat().st_mode & 0o777 == 0o600
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert_valid(bundle)
    assert resources(bundle, "Patient")[0]["identifier"] == [{"value": hd.PATIENT}]
    (doc,) = resources(bundle, "DocumentReference")
    assert "Şükrü" in pdf_text(base64.b64decode(doc["content"][0]["attachment"]["data"]))
    assert f"FHIR document written to {out}" in w.statusBar().currentMessage()
    assert export.isEnabled()


def test_a_draft_without_identifier_gets_one_message_and_no_file(qtbot, data_dir, tmp_path, save_dialog, warnings):
    with SessionStore.open(paths.database_path()) as store:
        store.create(hd.record(patient_ref="MRN-1"), "Dr A")
        draft = store.create(hd.record(patient_ref=""), "Dr A", kind="autosave")
    w, view = sessions(qtbot, "")
    save_dialog["path"] = tmp_path / "never.json"
    qtbot.mouseClick(bar_button(view, "exportFhirButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: not w.handoff.busy, timeout=5000)  # the session is read on the owner thread first
    qtbot.mouseClick(bar_button(view, "copyNoteButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: not w.handoff.busy, timeout=5000)  # the session is read on the owner thread first
    expected = (f"Session {draft} is an unsaved draft without a patient reference: open it, enter the patient's "
                "identifier and save it, then try again.")
    assert warnings == [("The FHIR document could not be made", expected), ("The note could not be made", expected)]
    assert save_dialog["asked"] == 0 and not (tmp_path / "never.json").exists()


def test_a_write_that_fails_says_why_and_leaves_nothing(qtbot, data_dir, tmp_path, warnings):
    with SessionStore.open(paths.database_path()) as store:
        store.create(hd.record(), "Dr A")
    w, view = sessions(qtbot, hd.PATIENT)
    target = tmp_path / "missing-folder" / "doc.json"
    w.handoff.export_to(str(target))
    qtbot.waitUntil(lambda: not w.handoff.busy, timeout=20000)
    assert len(warnings) == 1 and warnings[0][0] == "The FHIR document could not be written"
    assert str(target) in warnings[0][1] and "Traceback" not in warnings[0][1]
    assert not target.parent.exists()


def test_the_note_style_is_a_setting_kept_in_the_settings_file(qtbot, tmp_path):
    from decisionaid.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(settings_module.Settings())
    qtbot.addWidget(dialog)
    assert dialog.note_style.currentData() == "full"
    dialog.note_style.setCurrentIndex(dialog.note_style.findData("short"))
    chosen = dialog.result_settings()
    assert chosen.note_style == "short"
    path = settings_module.save(chosen, tmp_path / "settings.json")
    assert settings_module.load(path).note_style == "short"
    path.write_text('{"format": 1, "note_style": "everything"}', encoding="utf-8")
    assert settings_module.load(path).note_style == "full"  # an unknown style falls back to the full note
