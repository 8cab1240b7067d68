"""Screenshots of the keyboard work (focus ring, Alt+letters, dates), offscreen: run with
QT_QPA_PLATFORM=offscreen [QT_SCALE_FACTOR=2] .venv/bin/python tests/manual/kbd_screens.py OUT_DIR"""

import os
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("DECISIONAID_DATA_DIR", tempfile.mkdtemp(prefix="kbd-shots-"))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

out = sys.argv[1] if len(sys.argv) > 1 else "."
scale = os.environ.get("QT_SCALE_FACTOR", "1")
app = QApplication([])
from decisionaid.ui.main_window import MainWindow  # noqa: E402

w = MainWindow()
w.resize(1366, 768)
w.show()
w.load_evidence()
for _ in range(100):
    app.processEvents()


def settle():
    for _ in range(20):
        app.processEvents()


def shot(widget, name):
    settle()
    path = os.path.join(out, f"{name}-{scale}x.png")
    widget.grab().save(path)
    print(path)


c = w.screen("Consultation")
w.show_screen("Consultation")
c.patient.setFocus(Qt.TabFocusReason)
c.patient.setText("KB-42")
shot(w, "consultation-identifier")
c.save_button.setFocus(Qt.TabFocusReason)
shot(w, "consultation-save")
button = next(iter(c.form.answer_widget("safety_suicidal_thoughts").buttons.values()))
c.form_scroll.ensureWidgetVisible(button)
button.setFocus(Qt.TabFocusReason)
shot(w, "consultation-question")
c.has_follow_up.setChecked(True)
c.form_scroll.ensureWidgetVisible(c.follow_up)
c.follow_up.setFocus(Qt.TabFocusReason)
shot(w, "consultation-follow-up-date")
c.save()
w.show_screen("Sessions")
s = w.screen("Sessions")
for _ in range(50):
    settle()
s.table.setFocus(Qt.TabFocusReason)
s.table.selectRow(0)
shot(w, "sessions-table")
s.open_button.setFocus(Qt.TabFocusReason)
shot(w, "sessions-open")
from decisionaid.ui.settings_dialog import SettingsDialog  # noqa: E402

d = SettingsDialog(w.settings(), w)
d.show()
settle()
d.findChildren(type(c.save_button))[0].setFocus(Qt.TabFocusReason)
shot(d, "settings")
d.close()
pv = w.show_patient_view("options")
pv.resize(1280, 720)
pv.next_button.setFocus(Qt.TabFocusReason)
shot(pv, "patient-view")
