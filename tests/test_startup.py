"""Start-up as the clinician meets it: the window paints its first view (the Evidence screen's question, menus and
keys) before the evidence, PDF or database code is even loaded; the Evidence screen then fills in, numbers first,
and once built it is the same screen as one built in a single go. Real widgets (offscreen), a real child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from decisionaid.ui.main_window import MainWindow

QUESTION = "Does Botox help depression, and how sure are we?"

FIRST_PAINT = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from decisionaid.ui.main_window import MainWindow
w = MainWindow()
w.show()
def painted():
    print(json.dumps(sorted(sys.modules)))
    app.quit()
w.first_painted.connect(painted)
QTimer.singleShot(0, w.load_evidence)
app.exec()
"""


def _labels(widget: QWidget) -> list[str]:
    return [lab.text() for lab in widget.findChildren(QLabel) if lab.isVisibleTo(widget)]


def test_the_first_paint_waits_for_no_evidence_pdf_or_database_code(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DECISIONAID_DATA_DIR=str(tmp_path))
    run = subprocess.run([sys.executable, "-c", FIRST_PAINT], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    loaded = set(json.loads(run.stdout.strip().splitlines()[-1]))
    assert "decisionaid.ui.main_window" in loaded  # the window itself was painted
    heavy = {"decisionaid.evidence.pack", "decisionaid.evidence.summary", "decisionaid.evidence.pooling",
             "decisionaid.ui.evidence_view", "fastjsonschema", "msgspec", "reportlab", "pypdfium2", "sqlite3",
             "decisionaid.sessions.store", "decisionaid.handout.patient", "decisionaid.handout.clinician_record",
             "decisionaid.handout.document", "decisionaid.handout.fonts"}  # handout.print_job (what to print, no
    # PDF code: dataclasses only) is what the print actions are made of, so it may come with the window
    assert sorted(loaded & heavy) == []


def test_the_window_shows_the_question_first_and_the_numbers_follow(qtbot, data_dir):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.first_painted, timeout=5000):
        w.load_evidence()
    first = w.stack.currentWidget()
    assert w.summary is None  # painted before the evidence was loaded
    assert _labels(first) == [QUESTION, "Loading the evidence\u2026"]
    question_at = first.findChild(QLabel).mapTo(w, first.findChild(QLabel).rect().topLeft())
    with qtbot.waitSignal(w.ready, timeout=10000):
        pass
    evidence = w.stack.currentWidget()
    assert evidence is w.screen("Evidence") and evidence is not first
    heading = next(lab for lab in evidence.findChildren(QLabel) if lab.text() == QUESTION)
    assert heading.mapTo(w, heading.rect().topLeft()) == question_at  # the question does not jump
    assert evidence.headline.text().startswith("Our estimate: about ")
    assert evidence.headline_certainty.text().startswith("How sure are we? ")
    assert evidence.studies_table is not None and evidence.harm_sources is not None


def _first_painted(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    with qtbot.waitSignal(w.first_painted, timeout=5000):
        w.load_evidence()
    assert w.summary is None  # still loading
    return w


def test_the_keys_work_while_the_evidence_loads(qtbot, data_dir):
    w = _first_painted(qtbot)  # (asserts the evidence is still loading)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=3000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_3, Qt.ControlModifier)  # Ctrl+3: Caveats
    assert w.stack.currentIndex() == 2 and w.nav.currentItem().text() == "Caveats"
    with qtbot.waitSignal(w.ready, timeout=10000):
        pass
    assert w.stack.currentWidget() is w.screen("Caveats")  # built once the evidence came


def test_the_screen_built_in_stages_is_the_screen_built_at_once(qtbot, data_dir):
    from decisionaid.evidence.pack import load_pack
    from decisionaid.evidence.summary import summarise
    from decisionaid.ui.evidence_view import EvidenceView

    summary = summarise(load_pack())
    staged = EvidenceView(summary, staged=True)
    at_once = EvidenceView(summary)
    for view in (staged, at_once):
        qtbot.addWidget(view)
        view.resize(1100, 800)
        view.show()
        qtbot.waitExposed(view)
    assert staged.studies_table is None  # only the top so far: what the evidence says and how sure we are
    assert staged.headline.text() == at_once.headline.text()
    assert staged.headline_certainty.text() == at_once.headline_certainty.text()
    staged.finish_building()
    body = staged.widget()
    qtbot.waitUntil(lambda: body.width() < staged.width()  # the scroll bar has come
                    and body.height() == body.layout().totalHeightForWidth(body.width()), timeout=3000)  # no slack
    # The screen built at once can keep a stale height for its side-effects block (a Qt layout cache) until its
    # layout is next recomputed, as a resize does; recomputed, it must be the staged screen pixel for pixel.
    at_once.widget().layout().invalidate()
    if QApplication.focusWidget() is not None:  # the focus ring (focus_ring.install, app-wide) is drawn in one only
        QApplication.focusWidget().clearFocus()
    QApplication.processEvents()
    assert _labels(staged) == _labels(at_once)
    assert staged.widget().height() == at_once.widget().height()
    assert staged.grab().toImage() == at_once.grab().toImage()
    for n in range(staged.verticalScrollBar().maximum() // 700 + 1):  # the whole screen, a page at a time
        for view in (staged, at_once):
            view.verticalScrollBar().setValue(n * 700)
        QApplication.processEvents()
        assert staged.grab().toImage() == at_once.grab().toImage(), f"page {n}"


def test_without_an_idle_lock_the_program_does_not_watch_every_event(qtbot):
    """The idle lock restarts its clock on every key and click anywhere in the program; with no lock set (no
    encryption, or unlocked with the lock off) nothing may pay for watching: before, every event of the start-up
    went through Python, about a fifth of the time to the first paint."""
    from decisionaid.ui.passphrase import IdleWatch

    seen = []

    class Watch(IdleWatch):
        def eventFilter(self, obj, event):
            seen.append(event.type())
            return super().eventFilter(obj, event)

    watch = Watch(QApplication.instance())
    field = QLabel("x")
    qtbot.addWidget(field)
    field.show()
    qtbot.waitExposed(field)
    qtbot.keyClick(field, Qt.Key_A)
    assert seen == []
    idle = []
    watch.idle.connect(lambda: idle.append(True))
    watch.set_interval_ms(600)  # a lock after 0.6 s without input: every key now restarts its clock
    for _ in range(5):  # typing on for 1.5 s: no lock
        qtbot.wait(300)
        qtbot.keyClick(field, Qt.Key_A)
    assert seen and idle == []
    qtbot.waitUntil(lambda: idle == [True], timeout=3000)  # then a pause: it locks
    watch.set_interval_ms(0)
    seen.clear()
    qtbot.keyClick(field, Qt.Key_A)
    assert seen == [] and not watch.timer.isActive()
    watch.stop()


def test_the_evidence_screen_is_completed_when_first_visited_after_the_start(qtbot, data_dir):
    """On another screen while the evidence loads, the Evidence screen is built on the first visit: in full, not
    just its top."""
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.first_painted, timeout=5000):
        w.load_evidence()
    w.show_screen("Caveats")
    with qtbot.waitSignal(w.ready, timeout=10000):
        pass
    w.show_screen("Evidence")
    evidence = w.stack.currentWidget()
    qtbot.waitUntil(lambda: "Reviews and pooled analyses" in _labels(evidence), timeout=3000)  # the last section
    assert evidence.studies_table is not None and evidence.harm_sources is not None


APP_FIRST_PAINT = """
import json, runpy, sys
import decisionaid.ui.main_window as main_window
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

def painted(window):
    first = window.stack.currentWidget()
    print(json.dumps({"modules": sorted(sys.modules), "window": QApplication.palette().color(QPalette.Window).name(),
                      "points": first.findChild(main_window.QWidget, "loadingEvidence").font().pointSizeF()}),
          flush=True)

class Window(main_window.MainWindow):  # app.run() makes the window: what is loaded when it is first painted
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_painted.connect(lambda: painted(self))

main_window.MainWindow = Window
sys.argv = ["decisionaid"]
runpy.run_module("decisionaid", run_name="__main__")
"""


def _program_at_first_paint(data_dir) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DECISIONAID_DATA_DIR=str(data_dir),
               DECISIONAID_QUIT_WHEN_READY="1")
    run = subprocess.run([sys.executable, "-c", APP_FIRST_PAINT], env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout.strip().splitlines()[0])


def test_the_first_paint_of_the_program_waits_for_no_printing_sessions_or_command_code(tmp_path):
    """`decisionaid` with no arguments, to its first paint: the print and hand-off actions, the sessions file's
    keeper and lock, the settings (beyond the look) and the command line's commands are made or loaded only later
    (the keys work meanwhile)."""
    loaded = set(_program_at_first_paint(tmp_path)["modules"])
    assert "decisionaid.ui.keyboard" in loaded  # the keys are there
    later = {"decisionaid.ui.print_actions", "decisionaid.ui.print_controller", "decisionaid.ui.handoff_actions",
             "decisionaid.handout.print_job", "decisionaid.ui.store_keeper", "decisionaid.ui.store_owner",
             "decisionaid.ui.session_lock", "decisionaid.ui.passphrase", "decisionaid.sessions.connection",
             "decisionaid.cli.evidence", "decisionaid.cli.pdf", "decisionaid.cli.sessions", "decisionaid.settings"}
    assert sorted(loaded & later) == []


def test_the_first_paint_has_the_look_saved_in_settings(tmp_path):
    from PySide6.QtGui import QPalette

    from decisionaid import settings
    from decisionaid.ui import appearance

    plain = _program_at_first_paint(tmp_path / "plain")
    settings.save(settings.Settings(appearance="dark", text_size=150), tmp_path / "saved" / "settings.json")
    saved = _program_at_first_paint(tmp_path / "saved")
    assert saved["window"] == appearance.palette("dark").color(QPalette.Window).name() != plain["window"]
    assert saved["points"] == 1.5 * plain["points"]
    assert "decisionaid.settings" not in saved["modules"]  # only the look was read


ENUMS_AT_FIRST_PAINT = """
import enum, json, runpy, sys
made = []
create = enum.EnumType._create_
def recording(cls, class_name, *args, **kwargs):
    made.append(class_name)
    return create(cls, class_name, *args, **kwargs)
enum.EnumType._create_ = recording
import decisionaid.ui.main_window as main_window

class Window(main_window.MainWindow):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_painted.connect(lambda: print(json.dumps(made), flush=True))

main_window.MainWindow = Window
sys.argv = ["decisionaid"]
runpy.run_module("decisionaid", run_name="__main__")
"""


def test_the_first_paint_waits_neither_for_the_qt_namespace_nor_for_the_style(tmp_path):
    """PySide6 makes a class's Python enums on the class's first use from Python: the Qt namespace's 93 (about
    20 ms) and the style's (about 8 ms) were most of what the first paint waited for beyond a bare window. The
    window paints without them; they come in the next turn (the focus ring, the system's colour scheme)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DECISIONAID_DATA_DIR=str(tmp_path),
               DECISIONAID_QUIT_WHEN_READY="1")
    run = subprocess.run([sys.executable, "-c", ENUMS_AT_FIRST_PAINT], env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    made = set(json.loads(run.stdout.strip().splitlines()[0]))
    assert "ColorRole" in made  # (the palette was given: the hook saw the enums made)
    assert sorted(made & {"AlignmentFlag", "Key", "ColorScheme", "TextFormat",  # the Qt namespace
                          "PrimitiveElement", "PixelMetric", "ControlElement"}) == []  # QStyle


SYSTEM_LOOK_AFTER_START = """
import json, sys
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
import decisionaid.ui.main_window as main_window
from decisionaid import look, paths

def window_colour():
    return QApplication.palette().color(QPalette.Window).name()

class Window(main_window.MainWindow):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_painted.connect(lambda: print(json.dumps(["painted", window_colour()]), flush=True))
        self.ready.connect(lambda: print(json.dumps(["ready", window_colour(), look.load_seen_system(),
                                                     (paths.data_dir() / look.SEEN_SYSTEM_NAME).exists()]),
                                         flush=True))

main_window.MainWindow = Window
from decisionaid.cli import main
sys.exit(main([]))
"""


def test_the_first_paint_is_drawn_in_the_system_look_seen_at_the_last_start(tmp_path):
    """Asking the system for its colour scheme waits for the Qt namespace, so the first paint is drawn in what
    "Follow the system" meant at the last start (dark here), and the system is asked in the next turn: this one
    (offscreen) says nothing, so its own palette comes and is remembered for the next start."""
    from PySide6.QtGui import QPalette

    from decisionaid import look
    from decisionaid.ui import appearance

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DECISIONAID_DATA_DIR=str(tmp_path),
               DECISIONAID_QUIT_WHEN_READY="built")

    def start() -> dict:
        run = subprocess.run([sys.executable, "-c", SYSTEM_LOOK_AFTER_START], env=env, capture_output=True,
                             text=True, timeout=120)
        assert run.returncode == 0, run.stderr[-2000:]
        return {line[0]: line[1:] for line in map(json.loads, run.stdout.strip().splitlines())}

    plain = start()  # nothing remembered: the system's own palette throughout
    assert plain["painted"][0] == plain["ready"][0] and plain["ready"][1:] == ["system", False]
    look.save_seen_system("dark", tmp_path)
    seen_dark = start()
    assert seen_dark["painted"][0] == appearance.palette("dark").color(QPalette.Window).name()
    assert seen_dark["ready"] == plain["ready"]  # then the system's own, and nothing remembered for next time


def test_the_system_look_seen_is_remembered_owner_only_and_a_bad_file_means_none(tmp_path):
    from decisionaid import look

    assert look.load_seen_system(tmp_path) == "system"
    look.save_seen_system("contrast", tmp_path)
    path = tmp_path / look.SEEN_SYSTEM_NAME
    assert look.load_seen_system(tmp_path) == "contrast" and path.stat().st_mode & 0o777 == 0o600
    path.write_bytes(b"\xff\xfe<script>")
    assert look.load_seen_system(tmp_path) == "system"
    path.write_text("light\n")  # never remembered: a named theme is the clinician's own choice, not the system's
    assert look.load_seen_system(tmp_path) == "system"
    path.chmod(0o600)
    look.save_seen_system("system", tmp_path)
    assert not path.exists()
    look.save_seen_system("dark", tmp_path / "no such folder")  # cannot be written: no error, nothing made
    assert not (tmp_path / "no such folder").exists()


FILE_MENU = ["&New session", "&Save session", "&Find a session\u2026", "", "Pre&view handout\u2026",
             "&Print handout\u2026", "Save handout as P&DF\u2026", "&Large print handout", "",
             "Previe&w record\u2026", "Print &record\u2026", "Save record as PD&F\u2026", "",
             "Copy note for the health record", "Export FHIR document\u2026", "", "&Quit"]


def test_the_file_menu_opened_at_the_first_paint_is_the_whole_menu(qtbot, data_dir):
    w = _first_painted(qtbot)
    menu = w.menuBar().actions()[0].menu()
    menu.popup(w.mapToGlobal(w.rect().center()))
    qtbot.waitUntil(menu.isVisible, timeout=3000)
    assert [a.text() for a in menu.actions()] == FILE_MENU
    assert menu.toolTipsVisible()
    menu.hide()
    with qtbot.waitSignal(w.ready, timeout=10000):
        pass
    assert [a.text() for a in menu.actions()] == FILE_MENU  # the same once the window is ready


def test_the_print_and_hand_off_keys_work_from_the_first_paint(qtbot, data_dir, monkeypatch):
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QDialog, QMessageBox

    asked, warned = [], []
    monkeypatch.setattr(QPrintDialog, "exec", lambda dialog: asked.append(dialog.windowTitle())
                        or QDialog.DialogCode.Rejected)
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a: warned.append(a[1:])))
    w = _first_painted(qtbot)
    ready = qtbot.waitSignal(w.ready, timeout=20000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=3000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_P, Qt.ControlModifier)  # the general handout
    qtbot.waitUntil(lambda: w.printing.last_message == "Printing cancelled.", timeout=20000)
    assert asked == ["Print the handout"]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_P, Qt.ControlModifier | Qt.AltModifier)  # no session yet
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_C, Qt.ControlModifier | Qt.ShiftModifier)  # nor here
    assert asked == ["Print the handout"] and warned == []
    assert not w.print_current.print_record.isEnabled() and not w.handoff.copy_note.isEnabled()
    keys = [k.toString() for a in w.findChildren(QAction) for k in a.shortcuts()]
    assert len(keys) == len(set(keys)), keys  # each key is on one action: the real one
    assert w.print_current.print_handout.shortcuts() == QKeySequence.keyBindings(QKeySequence.Print)[:1]
    ready.wait()


def test_a_second_launch_while_the_first_window_starts_is_answered(tmp_path):
    """The first window watches for later launches from the turn after its first paint; a launch that asked
    before (its request waiting in the folder) is answered then: it brings the window forward and exits."""
    from decisionaid.app import ALREADY_OPEN
    from decisionaid.instance_lock import LOCK_NAME

    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DECISIONAID_")}
    env.update(QT_QPA_PLATFORM="offscreen", DECISIONAID_DATA_DIR=str(data))
    first = subprocess.Popen([sys.executable, "-m", "decisionaid"], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not ((data / LOCK_NAME).exists() and (data / LOCK_NAME).read_text().strip() == str(first.pid)):
            assert first.poll() is None and time.monotonic() < deadline, "the first window never took the lock"
            time.sleep(0.01)
        second = subprocess.run([sys.executable, "-m", "decisionaid"], env=env, capture_output=True, text=True,
                                timeout=60)  # at once: the first window may not have painted yet
        assert second.returncode == 0, second.stderr
        assert second.stdout.strip() == ALREADY_OPEN
        assert first.poll() is None
    finally:
        first.kill()
        first.communicate(timeout=30)
