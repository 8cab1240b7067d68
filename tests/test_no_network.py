"""Nothing leaves the machine: a whole consultation (screens, checklist, notes, save, handout and record PDFs, CSV
and JSON exports, a backup, closing) opens no socket of any kind.

Three layers, because Qt and pdfium are C++ and never pass through Python's `socket` module:
1. in this process, a Python audit hook sees every socket Python code creates, connects, binds or resolves;
2. in a child process running the same session, /proc/self/fd is read after every step (any socket, from any
   library, is there);
3. the child again under `strace -f -e trace=socket,connect`, which sees every socket system call of every
   thread (skipped, saying why, where strace is not installed).
Each layer is shown to fail when the session does open a socket. PySide6.QtNetwork must never be imported.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import scripted_session
from decisionaid import paths

HERE = Path(__file__).resolve().parent
CHILD_TIMEOUT = 180
_EVENTS = ("socket.__new__", "socket.connect", "socket.connect_ex", "socket.bind", "socket.getaddrinfo",
           "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo", "socket.sendto", "urllib.Request")
_watching: list[list[str]] = []  # audit hooks cannot be removed: one hook, switched on by pushing a list here


def _hook(event: str, args) -> None:
    if _watching and event in _EVENTS:
        _watching[-1].append(f"{event}{args!r}"[:200])


sys.addaudithook(_hook)


@pytest.fixture
def socket_events():
    seen: list[str] = []
    _watching.append(seen)
    yield seen
    _watching.remove(seen)


def test_a_whole_session_makes_no_socket_call_from_python(qtbot, data_dir, tmp_path, socket_events):
    steps = []
    written = scripted_session.run(tmp_path / "chosen", lambda name: steps.append((name, list(socket_events))))
    assert [name for name, _ in steps] == list(scripted_session.STEPS)
    assert set(written) == {"handout", "record", "export csv", "export json", "backup"}
    assert socket_events == [], f"socket calls: {socket_events}"
    assert "PySide6.QtNetwork" not in sys.modules


def test_the_audit_hook_sees_a_socket_opened_during_the_session(qtbot, data_dir, tmp_path, socket_events):
    """The check above can fail: a session that opens a socket half-way is caught, at that step."""
    import socket

    opened = []

    def step(name: str) -> None:
        if name == "saved":
            opened.append(socket.socket(socket.AF_INET, socket.SOCK_STREAM))

    try:
        scripted_session.run(tmp_path / "chosen", step)
    finally:
        for s in opened:
            s.close()
    assert any(event.startswith("socket.__new__") for event in socket_events)


def _child(out: Path, *extra: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=os.pathsep.join(
        [str(HERE), str(HERE.parent / "src"), os.environ.get("PYTHONPATH", "")]))
    env.pop(paths.ENV_VAR, None)
    return subprocess.run([*prefix, sys.executable, str(HERE / "scripted_session.py"), str(out), *extra],
                          capture_output=True, text=True, timeout=CHILD_TIMEOUT, env=env)


def _ok(run: subprocess.CompletedProcess) -> str:
    assert run.returncode == 0, run.stderr[-3000:]
    steps = re.findall(r"^step (.+)$", run.stdout, re.M)
    assert steps == list(scripted_session.STEPS), run.stdout
    return run.stdout


def _strace() -> str | None:
    path = shutil.which("strace")
    if path is None:
        return None
    probe = subprocess.run([path, "-f", "-e", "trace=socket", "-o", os.devnull, "true"], capture_output=True)
    return path if probe.returncode == 0 else None  # in a container strace may be installed but not allowed


STRACE = _strace()
linux_only = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="/proc/self/fd is Linux-only")
strace_only = pytest.mark.skipif(STRACE is None, reason="strace is not installed or not permitted here "
                                 "(apt-get install strace); the audit hook and /proc checks still ran")


def _socket_calls(trace: Path) -> list[str]:
    return [line.strip() for line in trace.read_text(errors="replace").splitlines()
            if re.search(r"\b(socket|connect)\(", line)]


def _session_in_a_child(out: Path, *extra: str) -> tuple[str, list[str] | None]:
    """The child's output (its per-step /proc scan) and, under strace when available, its socket system calls
    from every thread. One child run serves both checks."""
    trace = out / "trace"
    prefix = (STRACE, "-f", "-e", "trace=socket,connect", "-o", str(trace)) if STRACE else ()
    out.mkdir(parents=True, exist_ok=True)
    stdout = _ok(_child(out / "run", *extra, prefix=prefix))
    return stdout, (_socket_calls(trace) if STRACE else None)


@pytest.fixture(scope="module")
def clean_child(tmp_path_factory):
    return _session_in_a_child(tmp_path_factory.mktemp("clean"))


@pytest.fixture(scope="module")
def socket_child(tmp_path_factory):
    return _session_in_a_child(tmp_path_factory.mktemp("socket"), "--open-socket")


@linux_only
def test_no_socket_is_ever_open_in_a_child_running_the_session(clean_child):
    out, _calls = clean_child
    assert "SOCKETS: none" in out
    assert "QTNETWORK: never imported" in out


@linux_only
def test_the_fd_scan_sees_a_socket_opened_during_the_session(socket_child):
    out, _calls = socket_child
    assert re.search(r"SOCKETS: saved: fd \d+ -> socket:", out), out


@strace_only
def test_strace_sees_no_socket_system_call_in_any_thread(clean_child):
    assert clean_child[1] == []


@strace_only
def test_strace_sees_a_socket_opened_during_the_session(socket_child):
    calls = socket_child[1]
    assert any("AF_INET" in call for call in calls), calls
