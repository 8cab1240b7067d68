"""One window per data folder: an advisory lock on a file in the data folder, and "raise requests" from later launches.

The lock is a kernel lock (flock on POSIX, msvcrt.locking on Windows) on ``decisionaid.lock``, so it goes with
the process: a crash or kill -9 leaves the file behind but never a held lock, and no PID guessing is needed.
A later launch that finds the lock held drops a file into ``raise-requests/``; the running window watches that
folder (ui/single_instance.py, inotify through QFileSystemWatcher: no socket) and deletes the file once it has
come forward, which is how the later launch knows it was heard. Qt-free, so the CLI could use it too.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = "decisionaid.lock"
REQUESTS_NAME = "raise-requests"


@contextmanager
def owner_only() -> Iterator[None]:
    """files.owner_only without importing files.py, whose tempfile import costs ~10 ms before the first paint."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


class InstanceLock:
    """Hold with `acquire()`; released by `release()` or, whatever happens, when the process ends."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self.requests = self.folder / REQUESTS_NAME
        self._fd: int | None = None

    def acquire(self) -> bool:
        """False if another running process holds the lock; True otherwise. True without holding it when the folder
        cannot lock at all (read-only, or a share without locks): then open as before, and let the sessions file
        report any real problem."""
        try:
            with owner_only():
                self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return True
        try:
            locked = _try_lock(fd)
        except OSError:
            os.close(fd)
            return True
        if not locked:
            os.close(fd)
            return False
        self._fd = fd
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:
            pass  # the PID in the file is for people reading it; the kernel lock is what counts
        try:
            with owner_only():
                self.requests.mkdir(exist_ok=True, mode=0o700)
        except OSError:
            pass
        self.take_requests()  # left by launches while no window was running: nothing to bring forward
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the lock; the file stays (removing it would race)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def take_requests(self) -> int:
        """Delete the pending raise requests (telling their senders they were heard); how many there were."""
        taken = 0
        try:
            entries = list(self.requests.iterdir())
        except OSError:
            return 0
        for entry in entries:
            if entry.name.endswith(".request"):
                try:
                    entry.unlink()
                    taken += 1
                except OSError:
                    pass
        return taken

    def ask_to_raise(self, timeout: float = 5.0) -> bool:
        """From a later launch: ask the lock holder to come forward; True once it has answered within `timeout`.
        On no answer the request is withdrawn, so a window that recovers later does not jump up unasked."""
        request = self.requests / f"{os.getpid()}-{time.time_ns()}.request"
        try:
            with owner_only():
                self.requests.mkdir(parents=True, exist_ok=True, mode=0o700)
                request.write_text("raise\n")
        except OSError:
            return False  # cannot even ask: the caller still leaves the sessions file alone
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not request.exists():
                return True
            time.sleep(0.05)
        try:
            request.unlink()
        except FileNotFoundError:
            return True  # answered at the last moment
        return False


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:  # another process holds the byte (Windows reports no other cause apart)
            return False
        return True
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
