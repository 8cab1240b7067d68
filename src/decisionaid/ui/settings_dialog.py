"""Settings a clinician sets once: their name, the crisis text shown to patients and the local emergency number."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QPlainTextEdit, QVBoxLayout

from decisionaid.ui.common import label


class SettingsDialog(QDialog):
    def __init__(self, settings, parent=None):
        super().__init__(parent)
        self._settings = settings
        self.setWindowTitle("decisionaid settings")
        self.resize(640, 420)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.clinician = QLineEdit(settings.clinician_name, objectName="settingsClinician")
        self.emergency = QLineEdit(settings.emergency_number, objectName="settingsEmergency")
        self.emergency.setPlaceholderText("e.g. the local emergency number and crisis team")
        self.crisis = QPlainTextEdit(settings.crisis_text, objectName="settingsCrisis")
        form.addRow("Your name (the default clinician)", self.clinician)
        form.addRow("Local emergency number", self.emergency)
        form.addRow("Crisis pathway text", self.crisis)
        lay.addLayout(form)
        lay.addWidget(label("The crisis text is shown whenever the checklist finds a safety stop, and printed on "
                            "handouts. Check the numbers for your area before use.", size=9))
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def result_settings(self):
        crisis = self.crisis.toPlainText().strip() or self._settings.crisis_text
        return dataclasses.replace(self._settings, clinician_name=self.clinician.text().strip(),
                                   emergency_number=self.emergency.text().strip(), crisis_text=crisis)
