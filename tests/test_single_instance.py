"""One window per data folder: a second launch brings the first window forward instead of opening the sessions file.

The process tests start the real program (`python -m decisionaid`, offscreen) and launch it again; the lock is a
kernel lock, so a kill -9 must not leave the folder blocked. The pytest-qt test raises a real minimised MainWindow.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from decisionaid.app import ALREADY_OPEN
from decisionaid.instance_lock import LOCK_NAME, InstanceLock
from decisionaid.ui.single_instance import RAISED_LINE

SRC = Path(__file__).resolve().parents[1] / "src"
posix_only = pytest.mark.skipif(os.name != "posix", reason="signals and kill -9 are POSIX")


def _env(data_dir: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DECISIONAID_")}
    env.update(QT_QPA_PLATFORM="offscreen", DECISIONAID_DATA_DIR=str(data_dir), PYTHONPATH=str(SRC), **extra)
    return env


def _start(data_dir: Path) -> subprocess.Popen:
    """The first window, left running; returns once it holds the lock of `data_dir`."""
    proc = subprocess.Popen([sys.executable, "-m", "decisionaid"], env=_env(data_dir), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lock = data_dir / LOCK_NAME
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the first window ended early: {proc.communicate()}")
        if lock.exists() and lock.read_text().strip() == str(proc.pid) and _watching(proc.pid):
            return proc
        time.sleep(0.05)
    proc.kill()
    pytest.fail("the first window never took the lock")


def _watching(pid: int) -> bool:
    """On Linux: the process has its inotify watch (QFileSystemWatcher), so its window is about to answer."""
    fds = Path(f"/proc/{pid}/fd")
    if not fds.is_dir():
        return True  # elsewhere the second launch's 5 s of waiting covers the rest of start-up
    try:
        return any(os.readlink(fd) == "anon_inode:inotify" for fd in fds.iterdir())
    except OSError:
        return False


def _launch(data_dir: Path, timeout: float = 30, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "decisionaid"], env=_env(data_dir, **extra), capture_output=True,
                          text=True, timeout=timeout)


def _stop(proc: subprocess.Popen) -> str:
    """End the first window; its stderr."""
    proc.kill()
    return proc.communicate(timeout=30)[1]


@pytest.fixture
def first(tmp_path):
    proc = _start(tmp_path / "data")
    yield proc
    if proc.poll() is None:
        _stop(proc)  # SIGKILL ends a stopped process too


def test_second_launch_brings_the_first_window_forward_and_exits(tmp_path, first):
    data = tmp_path / "data"
    start = time.monotonic()
    second = _launch(data, timeout=20)  # without the guard it would open a window and never end
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == ALREADY_OPEN
    assert time.monotonic() - start < 15
    assert first.poll() is None  # the first window is still open
    assert RAISED_LINE in _stop(first)  # and it heard the request and came forward
    assert list((data / "raise-requests").iterdir()) == []  # nothing left behind
    assert not (data / "sessions.sqlite3").exists()  # the second launch did not open the sessions file


def test_another_data_folder_opens_its_own_window(tmp_path, first):
    other = _launch(tmp_path / "other", DECISIONAID_QUIT_WHEN_READY="1")
    assert other.returncode == 0, other.stderr
    assert ALREADY_OPEN not in other.stdout
    assert (tmp_path / "other" / LOCK_NAME).exists()
    assert RAISED_LINE not in _stop(first)


def test_read_only_commands_still_work_while_the_window_is_open(tmp_path, first):
    out = subprocess.run([sys.executable, "-m", "decisionaid", "sessions", "list"], env=_env(tmp_path / "data"),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "0 of 0 sessions" in out.stderr


@posix_only
def test_a_stuck_first_window_is_reported_and_the_file_stays_closed(tmp_path, first):
    data = tmp_path / "data"
    first.send_signal(signal.SIGSTOP)  # hung: holds the lock, answers nothing
    try:
        second = _launch(data, timeout=30)
    finally:
        first.send_signal(signal.SIGCONT)
    assert second.returncode == 1
    assert "did not answer" in second.stderr and str(data) in second.stderr
    assert ALREADY_OPEN not in second.stdout
    assert list((data / "raise-requests").iterdir()) == []  # the request was withdrawn
    assert not (data / "sessions.sqlite3").exists()
    assert RAISED_LINE not in _stop(first)  # woken later, it does not jump up unasked


@posix_only
def test_kill_9_leaves_no_lock_that_blocks_the_next_start(tmp_path):
    data = tmp_path / "data"
    proc = _start(data)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert (data / LOCK_NAME).read_text().strip() == str(proc.pid)  # the crashed window's lock file is still there
    again = _launch(data, DECISIONAID_QUIT_WHEN_READY="1")
    assert again.returncode == 0, again.stderr
    assert ALREADY_OPEN not in again.stdout
    assert (data / LOCK_NAME).read_text().strip() != str(proc.pid)


def test_lock_is_owner_only_and_exclusive(tmp_path):
    a, b = InstanceLock(tmp_path / "d"), InstanceLock(tmp_path / "d")
    assert a.acquire()
    assert not b.acquire()
    if os.name == "posix":
        assert (a.path.stat().st_mode & 0o777) == 0o600
        assert (a.requests.stat().st_mode & 0o777) == 0o700
    a.release()
    assert b.acquire()
    b.release()


def test_an_unanswered_request_is_withdrawn(tmp_path):
    a, b = InstanceLock(tmp_path), InstanceLock(tmp_path)
    assert a.acquire() and not b.acquire()
    assert b.ask_to_raise(timeout=0.3) is False
    assert a.take_requests() == 0
    a.release()


def test_watcher_brings_a_minimised_main_window_forward(qtbot, tmp_path):
    from decisionaid.ui.main_window import MainWindow
    from decisionaid.ui.single_instance import RaiseWatcher

    lock = InstanceLock(tmp_path)
    assert lock.acquire()
    window = MainWindow()
    qtbot.addWidget(window)
    watcher = RaiseWatcher(lock, window)
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    answered = []
    second = InstanceLock(tmp_path)
    assert not second.acquire()
    with qtbot.waitSignal(watcher.raised, timeout=5000):
        asker = threading.Thread(target=lambda: answered.append(second.ask_to_raise(timeout=5)))
        asker.start()
    asker.join(10)
    assert answered == [True]
    assert window.isVisible() and not window.isMinimized()
    lock.release()


def test_lock_helper_and_a_second_launch_need_no_qt(tmp_path):
    """The lock is Qt-free, so a launch that only asks the open window to come forward stays quick."""
    code = ("import sys\nfrom decisionaid.instance_lock import InstanceLock\n"
            f"InstanceLock({str(tmp_path)!r}).acquire()\n"
            "print('PySide6' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PATH": ""})
    assert out.stdout.strip() == "False"
