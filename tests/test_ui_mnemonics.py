"""Every button has an Alt+letter (mnemonic), and no two share a letter in one window: each screen of the main
window (with the menu bar's letters), each dialog, and the patient view. A letter used twice does nothing in Qt
(the shortcut is ambiguous), so a clash is as bad as no mnemonic."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtTest import QTest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QPushButton, QWidget

from decisionaid.sessions.session_record import SessionRecord
from decisionaid.ui.keyboard import mnemonic, with_mnemonic
from decisionaid.ui.main_window import SCREENS
from window import open_window


def problems(root: QWidget, extra: dict[str, str] | None = None) -> list[str]:
    """Push buttons without a mnemonic, and letters used twice, among what is on screen in `root`."""
    shown = [w for w in root.findChildren(QPushButton) + root.findChildren(QCheckBox) if w.isVisibleTo(root)
             and w.text()]
    labels = [lab for lab in root.findChildren(QLabel) if lab.buddy() is not None and lab.isVisibleTo(root)]
    bare = [f"button {b.text()!r} has no Alt+letter" for b in shown if isinstance(b, QPushButton)
            and mnemonic(b.text()) is None]
    used = dict(extra or {})
    letters = Counter(used.values())
    for w in shown + labels:
        if (letter := mnemonic(w.text())) is not None:
            letters[letter] += 1
            used[w.text()] = letter
    twice = [f"Alt+{k.upper()} for {sorted(t for t, v in used.items() if v == k)}" for k, n in letters.items() if n > 1]
    return bare + twice


def menu_letters(window) -> dict[str, str]:
    return {a.text(): mnemonic(a.text()) for a in window.menuBar().actions() if mnemonic(a.text())}


@pytest.mark.parametrize("screen", SCREENS)
def test_every_button_on_every_screen_has_its_own_alt_letter(qtbot, data_dir, screen):
    w = open_window(qtbot)
    w.show_screen(screen)
    QApplication.processEvents()
    assert problems(w.screen(screen), menu_letters(w)) == []


def test_amending_keeps_the_save_letter(qtbot, data_dir):
    w = open_window(qtbot)
    view = w.screen("Consultation")
    view.patient.setText("MN-1")
    assert view.save()
    w.open_session(view.session_id)
    qtbot.waitUntil(lambda: not view.opening(), timeout=5000)  # read on the owner thread, shown by signal
    view.amend_button.click()
    assert mnemonic(view.save_button.text()) == "s"
    assert problems(view, menu_letters(w)) == []


def test_alt_letter_presses_the_button(qtbot, data_dir):
    w = open_window(qtbot)
    w.show_screen("Sessions")
    sessions = w.screen("Sessions")
    before = sessions.use_dates.isChecked()
    sessions.search.setFocus()
    QTest.keyClick(w, Qt.Key_M, Qt.AltModifier)  # Fro&m
    qtbot.waitUntil(lambda: sessions.use_dates.isChecked() != before)  # Qt animates the click
    assert sessions.date_from.isEnabled() == sessions.use_dates.isChecked()


def dialogs(qtbot, w):
    """Every dialog a clinician can open, built as the window builds it."""
    from decisionaid.checklist.items import load_checklist
    from decisionaid.evidence.pack import load_pack
    from decisionaid.ui.about_dialog import AboutDialog, DecisionAidDialog
    from decisionaid.ui.followup_view import FollowUpDialog
    from decisionaid.ui.keyboard import show_shortcuts
    from decisionaid.ui.passphrase import NewPassphraseDialog, UnlockDialog
    from decisionaid.ui.pdf_preview import PdfPages, PdfPreviewDialog
    from decisionaid.ui.sessions_view import HistoryDialog
    from decisionaid.ui.settings_dialog import SettingsDialog

    store = w.store()
    sid = store.create(SessionRecord("MN-2", "Dr A", "2026-10-05T09:30", phq9_total=16), "Dr A")
    yield "settings", SettingsDialog(w.settings(), w, encrypted=False)
    yield "settings (encrypted)", SettingsDialog(w.settings(), w, encrypted=True)
    yield "history", HistoryDialog(store, sid, w)
    yield "follow-up", FollowUpDialog(store, sid, load_checklist(), load_pack(), parent=w)
    yield "unlock", UnlockDialog(lambda passphrase: "", w)
    yield "new passphrase", NewPassphraseDialog("Change passphrase", "Choose one.", current=True, parent=w)
    yield "preview", PdfPreviewDialog("Preview", PdfPages(b"", ()), parent=w)
    yield "about", AboutDialog(w.summary, w)
    yield "about the decision aid", DecisionAidDialog(w.summary, w)
    yield "keyboard shortcuts", show_shortcuts(w)


def test_every_button_in_every_dialog_has_its_own_alt_letter(qtbot, data_dir):
    w = open_window(qtbot)
    found = {}
    for name, dialog in dialogs(qtbot, w):
        dialog.show()
        QApplication.processEvents()
        found[name] = problems(dialog)
        dialog.close()
    assert found == {name: [] for name in found}


def test_every_button_in_the_patient_view_has_its_own_alt_letter(qtbot, data_dir):
    w = open_window(qtbot)
    view = w.show_patient_view("team")
    qtbot.waitExposed(view)
    found = {}
    for step in ("team", "options", "decision"):
        view.show_step(step)
        QApplication.processEvents()
        found[step] = problems(view)
    assert found == {"team": [], "options": [], "decision": []}


def test_a_letter_is_given_once():
    taken = {"f", "e"}
    assert with_mnemonic("Export all", taken) == "Export &all" and "a" in taken  # a word's first letter first
    assert with_mnemonic("Save", taken) == "&Save"
    assert with_mnemonic("Save as PDF", taken) == "Save as &PDF"
    assert with_mnemonic("Sea", taken) == "Sea"  # every letter taken: left without one
    assert with_mnemonic("&Keep", taken) == "&Keep" and "k" in taken
    assert mnemonic("Q&&A") is None and mnemonic("Q&&A &now") == "n"
