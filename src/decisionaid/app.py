"""Start the window: Qt first, everything heavy after the first paint."""

from __future__ import annotations

import os
import sys

# Used by the start-up benchmark and smoke tests: quit once the window's first view is painted (before the icon
# and the log, which come in the next event-loop turn), or with the value "built" once the Evidence screen is built
# in full.
QUIT_WHEN_READY = "DECISIONAID_QUIT_WHEN_READY"
ALREADY_OPEN = "decisionaid is already open; bringing its window forward."
NOT_ANSWERING = ("decisionaid is already open with this data folder ({folder}), but its window did not answer.\n"
                 "It may be busy or stuck. Switch to it, or close it (or end it in the task manager) and start "
                 "decisionaid again. This launch has not opened the sessions file.")


def _excepthook(exc_type, exc, tb) -> None:
    """An unexpected error gets a plain dialog, not a silent exit; the log gets its class and where it happened
    (never its message, which may quote patient text)."""
    import traceback

    from decisionaid import log

    traceback.print_exception(exc_type, exc, tb)
    if exc is not None and exc.__traceback__ is None:
        exc = exc.with_traceback(tb)
    log.error("Unexpected error", exc)
    try:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "decisionaid: unexpected error",
                             f"Something went wrong: {exc}\n\nYour work on screen has not been cleared. "
                             "Please report this message.")
    except Exception:  # pragma: no cover - the dialog itself failed
        pass


def _set_icon(app) -> None:
    """The window and task-bar icon; a missing icon file costs the picture, never the start."""
    from PySide6.QtGui import QIcon

    from decisionaid.resources import ResourceError, resource_path

    icon = QIcon()
    try:
        for size in (16, 32, 48, 64, 128, 256):
            icon.addFile(str(resource_path("icons", f"decisionaid-{size}.png")))
    except ResourceError as exc:
        print(f"decisionaid: {exc}", file=sys.stderr)
    app.setWindowIcon(icon)


def _tell_not_answering(message: str) -> None:
    """On the terminal, and in a dialog when started from a desktop icon (where no terminal shows it)."""
    print(message, file=sys.stderr, flush=True)
    if sys.stderr.isatty() or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication(sys.argv[:1])  # the dialog needs one, alive until it closes
    box = QMessageBox(QMessageBox.Warning, "decisionaid is already open", message)
    box.setTextFormat(Qt.PlainText)
    box.exec()
    del app


def run(screenshot: str | None = None, screen: str = "Evidence") -> int:
    """Open the window. With `screenshot`, save a picture of `screen` once it is painted, then quit.

    One window per data folder: if another is running, ask it to come forward and return without opening the
    sessions file (0 once it answered, 1 if it did not). A screenshot (documentation) is not guarded."""
    lock = None
    if not screenshot:
        from decisionaid import paths
        from decisionaid.instance_lock import InstanceLock

        try:
            lock = InstanceLock(paths.data_dir())
        except OSError:
            lock = None  # no folder to guard: the window opens and the sessions screen says what is wrong
        if lock is not None and not lock.acquire():
            if lock.ask_to_raise():
                print(ALREADY_OPEN, flush=True)
                return 0
            _tell_not_answering(NOT_ANSWERING.format(folder=lock.folder))
            return 1
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("decisionaid")
    app.setApplicationDisplayName("decisionaid")
    app.setDesktopFileName("org.decisionaid.DecisionAid")  # packaging/linux/org.decisionaid.DecisionAid.desktop
    from decisionaid import look
    from decisionaid.ui import appearance

    chosen = look.load_look()  # light, dark, high contrast or the system's; the text size
    appearance.apply_first(app, *chosen, seen_system=look.load_seen_system())  # the system is asked after the paint
    from decisionaid.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    if screenshot:
        def save() -> None:
            shot = window
            if screen.startswith("patient-"):  # the Patient view, one step (team, options, decision)
                shot = window.show_patient_view(screen.removeprefix("patient-"))
                shot.showNormal()
                shot.resize(1280, 720)
            else:
                window.show_screen(screen)
            app.processEvents()
            ok = shot is not None and shot.grab().save(screenshot)
            print(f"Saved {screenshot}" if ok else f"Could not save {screenshot}", file=sys.stdout if ok else sys.stderr)
            app.exit(0 if ok else 1)
        window.ready.connect(save)
    def after_first_paint() -> None:
        """The next event-loop turn after the first paint (before the evidence is loaded): the system's colour
        scheme is asked (ui.appearance.apply_first), the icons are six PNG files to read, and logging costs about
        12 ms to import."""
        look.save_seen_system(appearance.apply(app, *chosen))  # the system's own choice, for the next first paint
        if lock is not None and lock.held:  # answer later launches (one that came meanwhile is answered now)
            from decisionaid.ui.single_instance import RaiseWatcher

            window.raise_watcher = RaiseWatcher(lock, window)
        _set_icon(app)
        _start_log()
    window.first_painted.connect(lambda: QTimer.singleShot(0, after_first_paint))
    quit_when = os.environ.get(QUIT_WHEN_READY)
    if not screenshot and quit_when:
        (window.ready if quit_when == "built" else window.first_painted).connect(app.quit)
    sys.excepthook = _excepthook
    QTimer.singleShot(0, window.load_evidence)
    code = app.exec()
    if "decisionaid.log" in sys.modules:  # the log was started (not when a test quits at the first paint)
        import logging

        from decisionaid import log

        logging.getLogger("decisionaid").info("decisionaid quit (exit code %d)", code)
        log.stop()
    return code


def _start_log() -> None:
    import logging

    from decisionaid import __version__, log

    if log.path() is None and log.start():
        logging.getLogger("decisionaid").info("decisionaid %s started", __version__)
