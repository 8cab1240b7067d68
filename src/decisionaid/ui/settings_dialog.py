"""Settings a clinician sets once: their name, the crisis text shown to patients, the local emergency number, the
clinic's own contact for the handout, the note style, the paper (Automatic, A4 or US Letter), the window's
appearance (light, dark, high contrast or the system's) and text size, applied when Save is pressed, and
encryption of the saved sessions (turn on, change the passphrase, turn off; lock after idle minutes)."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QFrame, QGroupBox, QHBoxLayout,
                               QLineEdit, QPlainTextEdit, QPushButton, QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from decisionaid.settings import APPEARANCES, IDLE_LOCK_MAX, TEXT_SIZES
from decisionaid.ui import appearance
from decisionaid.ui.common import label, qt_text, typed_text


class SettingsDialog(QDialog):
    encryption_requested = Signal(str)  # "enable", "change" or "disable": the main window converts the files

    def __init__(self, settings, parent=None, encrypted: bool = False):
        super().__init__(parent)
        self._settings = settings
        self.setWindowTitle("Settings")  # Qt adds " \u2014 decisionaid"
        outer = QVBoxLayout(self)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.clinician = QLineEdit(settings.clinician_name, objectName="settingsClinician")
        self.emergency = QLineEdit(settings.emergency_number, objectName="settingsEmergency")
        self.emergency.setPlaceholderText("e.g. the local emergency number and crisis team")
        self.clinic = QLineEdit(qt_text(settings.clinic_contact), objectName="settingsClinicContact")
        self.clinic.setPlaceholderText("e.g. Riverside clinic, 0123 456 789, weekdays 9 to 5")
        self.crisis = QPlainTextEdit(qt_text(settings.crisis_text), objectName="settingsCrisis")
        form.addRow("Your name (the default clinician)", self.clinician)
        form.addRow("Local emergency number", self.emergency)
        form.addRow("Clinic contact (for patients)", self.clinic)
        form.addRow("Crisis lines for patients", self.crisis)
        lay.addLayout(form)
        lay.addWidget(label("The handout tells patients to call the clinic contact if they feel worse or get a side "
                            "effect, and prints the crisis lines (one per line, shown as a list) with the local "
                            "emergency number. The crisis lines are patient wording: your own guidance on the crisis "
                            "pathway is shown on screen and in the record, never on the handout. Check the numbers "
                            "for your area before use.", size=9))
        self.note_style = QComboBox(objectName="settingsNoteStyle")
        self.note_style.addItem("Full note (every section and answer)", "full")
        self.note_style.addItem("Short note (the essentials)", "short")
        self.note_style.setCurrentIndex(max(0, self.note_style.findData(settings.note_style)))
        self.paper = QComboBox(objectName="settingsPaper")
        self.paper.addItem("Automatic (the printer's paper, else your region's)", "auto")
        self.paper.addItem("A4", "a4")
        self.paper.addItem("US Letter", "letter")
        self.paper.setCurrentIndex(max(0, self.paper.findData(getattr(settings, "paper", "auto"))))
        note_form = QFormLayout()
        note_form.addRow("Note for the health record", self.note_style)
        note_form.addRow("&Paper for handouts and records", self.paper)
        self.appearance = QComboBox(objectName="settingsAppearance")
        for key in APPEARANCES:
            self.appearance.addItem(appearance.THEME_LABELS[key], key)
        self.appearance.setCurrentIndex(max(0, self.appearance.findData(getattr(settings, "appearance", "system"))))
        self.text_size = QComboBox(objectName="settingsTextSize")
        for percent in TEXT_SIZES:
            self.text_size.addItem(f"{percent} %", percent)
        self.text_size.setCurrentIndex(max(0, self.text_size.findData(getattr(settings, "text_size", 100))))
        note_form.addRow("&Appearance", self.appearance)
        note_form.addRow("&Text size", self.text_size)
        lay.addLayout(note_form)
        lay.addWidget(self._encryption_box(settings))
        lay.addStretch(1)
        scroll = QScrollArea()  # a small screen or large text: the settings scroll, Save and Cancel stay in view
        scroll.setFocusPolicy(Qt.NoFocus)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self.set_encrypted(encrypted)
        from decisionaid.ui.keyboard import add_mnemonics

        add_mnemonics(self)  # Alt+letter for every button; the field labels' letters (&Paper) are kept
        self.resize(self._fitting_size(body, buttons))

    def _fitting_size(self, body, buttons) -> QSize:
        """640 wide and tall enough for every setting, or less: inside the screen's available area."""
        want = QSize(640, body.sizeHint().height() + buttons.sizeHint().height() + 40)
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return want
        room = screen.availableGeometry().size() - QSize(16, 48)  # the frame and title bar
        return want.boundedTo(room)

    def accept(self) -> None:
        """Save: the appearance and text size change at once (and are saved with the rest for the next start)."""
        from PySide6.QtWidgets import QApplication

        appearance.apply(QApplication.instance(), self.appearance.currentData(), self.text_size.currentData())
        super().accept()

    def _encryption_box(self, settings) -> QGroupBox:
        box = QGroupBox("Encryption of saved sessions", objectName="encryptionBox")
        v = QVBoxLayout(box)
        self.encryption_state = label("", name="encryptionState")
        v.addWidget(self.encryption_state)
        row = QHBoxLayout()
        self.enable_button = QPushButton("Turn on encryption\u2026", objectName="enableEncryption")
        self.change_button = QPushButton("Change passphrase\u2026", objectName="changePassphrase")
        self.disable_button = QPushButton("Turn off encryption\u2026", objectName="disableEncryption")
        for button, action in ((self.enable_button, "enable"), (self.change_button, "change"),
                               (self.disable_button, "disable")):
            button.clicked.connect(lambda _=False, a=action: self.encryption_requested.emit(a))
            row.addWidget(button)
        row.addStretch(1)
        v.addLayout(row)
        idle = QHBoxLayout()
        self.idle_minutes = QSpinBox(objectName="idleLockMinutes")
        self.idle_minutes.setRange(0, IDLE_LOCK_MAX)
        self.idle_minutes.setSuffix(" min")
        self.idle_minutes.setSpecialValueText("never")
        self.idle_minutes.setValue(settings.idle_lock_minutes)
        idle.addWidget(label("Lock after this long without use", wrap=False, selectable=False))
        idle.addWidget(self.idle_minutes)
        idle.addStretch(1)
        v.addLayout(idle)
        v.addWidget(label("The passphrase is never stored: if it is forgotten, encrypted sessions and backups "
                          "cannot be read by anyone. Locking hides the window and asks for the passphrase again; "
                          "what you were typing is kept.", size=9))
        return box

    def set_encrypted(self, encrypted: bool) -> None:
        self.encryption_state.setText(
            "On: the sessions file and its backups are encrypted with your passphrase." if encrypted else
            "Off: sessions are saved unencrypted (rely on your computer's disk encryption and login).")
        self.enable_button.setVisible(not encrypted)
        self.change_button.setVisible(encrypted)
        self.disable_button.setVisible(encrypted)
        self.idle_minutes.setEnabled(encrypted)

    def result_settings(self):
        crisis = typed_text(self.crisis).strip() or self._settings.crisis_text
        return dataclasses.replace(self._settings, clinician_name=self.clinician.text().strip(),
                                   emergency_number=self.emergency.text().strip(), crisis_text=crisis,
                                   clinic_contact=self.clinic.text().strip(),
                                   idle_lock_minutes=self.idle_minutes.value(),
                                   note_style=self.note_style.currentData(), paper=self.paper.currentData(),
                                   appearance=self.appearance.currentData(), text_size=self.text_size.currentData())
