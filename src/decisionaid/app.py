"""Start the window: Qt first, everything heavy after the first paint."""

from __future__ import annotations

import os
import sys

QUIT_WHEN_READY = "DECISIONAID_QUIT_WHEN_READY"  # used by the start-up benchmark and smoke tests


def _excepthook(exc_type, exc, tb) -> None:
    """An unexpected error gets a plain dialog, not a silent exit."""
    import traceback

    traceback.print_exception(exc_type, exc, tb)
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


def run(screenshot: str | None = None, screen: str = "Evidence") -> int:
    """Open the window. With `screenshot`, save a picture of `screen` once it is painted, then quit."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("decisionaid")
    app.setApplicationDisplayName("decisionaid")
    app.setDesktopFileName("org.decisionaid.DecisionAid")  # packaging/linux/org.decisionaid.DecisionAid.desktop
    _set_icon(app)
    from decisionaid.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    if screenshot:
        def save() -> None:
            window.show_screen(screen)
            app.processEvents()
            ok = window.grab().save(screenshot)
            print(f"Saved {screenshot}" if ok else f"Could not save {screenshot}", file=sys.stdout if ok else sys.stderr)
            app.exit(0 if ok else 1)
        window.ready.connect(save)
    elif os.environ.get(QUIT_WHEN_READY):
        window.ready.connect(app.quit)
    sys.excepthook = _excepthook
    QTimer.singleShot(0, window.load_evidence)
    return app.exec()
