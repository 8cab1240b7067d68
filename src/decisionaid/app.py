"""Start the window: Qt first, everything heavy after the first paint."""

from __future__ import annotations

import logging
import os
import sys

QUIT_WHEN_READY = "DECISIONAID_QUIT_WHEN_READY"  # used by the start-up benchmark and smoke tests


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


def run(screenshot: str | None = None, screen: str = "Evidence") -> int:
    """Open the window. With `screenshot`, save a picture of `screen` once it is painted, then quit."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from decisionaid import __version__, log

    if log.start():
        logging.getLogger("decisionaid").info("decisionaid %s started", __version__)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("decisionaid")
    app.setApplicationDisplayName("decisionaid")
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
    code = app.exec()
    logging.getLogger("decisionaid").info("decisionaid quit (exit code %d)", code)
    log.stop()
    return code
