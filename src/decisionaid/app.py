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


def run() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("decisionaid")
    app.setApplicationDisplayName("decisionaid")
    from decisionaid.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    if os.environ.get(QUIT_WHEN_READY):
        window.ready.connect(app.quit)
    sys.excepthook = _excepthook
    QTimer.singleShot(0, window.load_evidence)
    return app.exec()
