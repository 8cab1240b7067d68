"""The running window answers later launches: a raise request (instance_lock.py) brings it forward.

QFileSystemWatcher watches the raise-requests folder (inotify on Linux, no socket: the app never opens one).
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, Signal

from decisionaid.instance_lock import InstanceLock

RAISED_LINE = "decisionaid: another launch asked for this window; brought it forward."


class RaiseWatcher(QObject):
    """Brings `window` forward whenever a later launch leaves a request, and tells that launch it was heard."""

    raised = Signal()

    def __init__(self, lock: InstanceLock, window, parent: QObject | None = None):
        super().__init__(parent or window)
        self.lock, self.window = lock, window
        self._watcher = QFileSystemWatcher([str(lock.requests)], self)
        self._watcher.directoryChanged.connect(self._requests_changed)
        # A launch between taking the lock and starting to watch left its request unseen: answer it too.
        QTimer.singleShot(0, lambda: self._requests_changed(""))

    def _requests_changed(self, _path: str) -> None:
        if self.lock.take_requests():
            self.bring_forward()

    def bring_forward(self) -> None:
        """Un-minimise (keeping maximised or full screen as it was), show, raise and activate the window."""
        w = self.window
        w.setWindowState((w.windowState() & ~Qt.WindowMinimized) | Qt.WindowActive)
        w.show()
        w.raise_()
        w.activateWindow()
        print(RAISED_LINE, file=sys.stderr, flush=True)
        self.raised.emit()
