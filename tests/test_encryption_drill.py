"""The encryption drill: kill -9 at every step of turning encryption on, off and to a new passphrase, then start again
as a clinician would (the passphrase when asked) and check every revision is there, byte for byte, and the store is
never silently empty, never called damaged, and never left with a plain copy while encryption is on.

Three layers find the moments to kill at:
- hook: `DECISIONAID_KILL_AT_STEP=K` makes crypto.py SIGKILL itself at its Kth named step (every step is visited);
- calls: the child's os.replace / os.rename / os.link / os.unlink / os.fsync are wrapped to die at their Nth call
  (no clean-up runs, as with SIGKILL); this layer needs nothing from the code under test;
- strace: `strace -f -e inject=<syscall>:signal=SIGKILL:when=N` kills at the Nth rename, fsync, unlink or link the
  process makes, SQLite's own included (skipped when strace is not installed; the other two layers always run).

CI runs a sample (about 30 kills, well under a minute). The full drill visits every call and every syscall:

    DECISIONAID_ENCRYPTION_DRILL=full python3 dev.py test tests/test_encryption_drill.py -s
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from decisionaid.sessions import backup, connection, crypto
from decisionaid.sessions.errors import WrongPassphrase
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore

FULL = os.environ.get("DECISIONAID_ENCRYPTION_DRILL") == "full"
SRC = Path(__file__).resolve().parents[1] / "src"
PASS, NEW = "correct horse battery", "a much newer phrase"
MARK = "Zanzibar-quokka"
OPS = ("enable", "disable", "rekey")
FIGURES: dict[str, int] = {}


@pytest.fixture
def tmp_path(tmp_path_factory):  # noqa: F811  (the drill's own, see below)
    """The folders live in memory (/dev/shm) where there is one: a SIGKILL leaves the page cache as it was, so
    this tests the same thing as a disk, and a loaded disk's fsyncs (seconds each on a shared machine) no longer
    set the drill's pace. DECISIONAID_ENCRYPTION_DRILL_DIR chooses another folder (e.g. one on the real disk)."""
    base = os.environ.get("DECISIONAID_ENCRYPTION_DRILL_DIR") or ("/dev/shm" if os.path.isdir("/dev/shm") else None)
    if base is None:
        return tmp_path_factory.mktemp("drill")
    import tempfile

    made = Path(tempfile.mkdtemp(prefix="decisionaid-drill-", dir=base))
    yield made
    shutil.rmtree(made, ignore_errors=True)


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch):
    monkeypatch.setattr(crypto, "KDF_ITERATIONS", 2000)
    yield
    connection.forget_key(locked=False)


def rec(n: int) -> SessionRecord:
    return SessionRecord(patient_ref=f"MRN-{n}", clinician="Dr Okafor", held_at=f"2026-03-{10 + n:02d}T09:30",
                         answers={"pregnancy": "no"}, notes=f"{MARK} note {n} " + "x" * 3000, status="Incomplete")


def revisions_digest(db: Path) -> tuple[int, str]:
    with SessionStore.open(db) as store:
        rows = store.db.execute("SELECT id, session_id, kind, author, created_at, reason, payload FROM revisions "
                                "ORDER BY id").fetchall()
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """A plain data folder (database, three backups, a copy set aside) and the same folder encrypted."""
    crypto.KDF_ITERATIONS, saved = 2000, crypto.KDF_ITERATIONS
    import tempfile

    base = os.environ.get("DECISIONAID_ENCRYPTION_DRILL_DIR") or ("/dev/shm" if os.path.isdir("/dev/shm") else None)
    root = Path(tempfile.mkdtemp(prefix="decisionaid-templates-", dir=base)) if base else tmp_path_factory.mktemp("t")
    plain = root / "plain"
    db = plain / "sessions.sqlite3"
    with SessionStore.open(db) as store:
        for n in range(1, 9):
            sid = store.create(rec(n), "Dr Okafor")
            store.amend(sid, rec(n), "Dr Okafor", "Corrected")
            if n % 3 == 2:
                backup.take(store.db.conn, db, store.backup_dir, f"-before-v{n}")
        store.autosave(1, rec(9), "Dr Okafor")
    shutil.copy(db, plain / "sessions.sqlite3.replaced-20260101T000000Z")  # a copy set aside by a restore
    expected = revisions_digest(db)
    encrypted = root / "encrypted"
    shutil.copytree(plain, encrypted)
    crypto.enable(encrypted / "sessions.sqlite3", encrypted / "backups", PASS)
    connection.forget_key(locked=False)
    crypto.KDF_ITERATIONS = saved
    yield {"plain": plain, "encrypted": encrypted, "expected": expected}
    if base:
        shutil.rmtree(root, ignore_errors=True)


def start_folder(templates, op: str, where: Path) -> Path:
    if where.exists():
        shutil.rmtree(where)
    shutil.copytree(templates["plain" if op == "enable" else "encrypted"], where)
    return where


def run_op(op: str, folder: Path) -> None:
    db, backups = folder / "sessions.sqlite3", folder / "backups"
    if op == "enable":
        crypto.enable(db, backups, PASS)
    elif op == "disable":
        crypto.disable(db, backups, PASS)
    else:
        crypto.change_passphrase(db, backups, PASS, NEW)


def in_child(op: str, folder: Path, kill_at_step: int | None = None, kill_at_call: int | None = None) -> int:
    """Run `op` in a forked child; returns its exit status (0: finished; -9 / 137: killed)."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            if kill_at_step is not None:
                os.environ[crypto.FAULT_ENV] = str(kill_at_step)
                crypto._step_count = 0
            if kill_at_call is not None:
                _die_at_call(kill_at_call)
            run_op(op, folder)
        except BaseException:
            code = 3
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def _die_at_call(n: int) -> None:
    count = [0]

    def wrap(real):
        def call(*args, **kwargs):
            count[0] += 1
            if count[0] == n:
                os._exit(137)
            return real(*args, **kwargs)
        return call

    for name in ("replace", "rename", "link", "unlink", "fsync"):
        setattr(os, name, wrap(getattr(os, name)))


def check_after_kill(templates, folder: Path, op: str, what: str) -> None:
    """Start again as a new process would: the passphrase when asked (either one after a killed change), then every
    revision must be there, the store not empty, nothing called damaged, and no plain copy while encrypted."""
    connection.forget_key(locked=False)
    db, backups = folder / "sessions.sqlite3", folder / "backups"
    if crypto.needs_passphrase(db):
        for phrase in (NEW, PASS) if op == "rekey" else (PASS,):
            try:
                crypto.unlock(db, phrase)
                break
            except WrongPassphrase:
                continue
        else:
            pytest.fail(f"{what}: no passphrase opens the sessions file")
    assert revisions_digest(db) == templates["expected"], f"{what}: revisions lost or changed"
    assert not list(folder.rglob("*damaged*")), f"{what}: a file was called damaged"
    encrypted = crypto.is_enabled(db)
    assert encrypted == (not connection.path_is_plain(db)), f"{what}: key check and file disagree"
    assert not crypto.pending_change(db), f"{what}: the interrupted change was not finished"
    assert not [p for p in folder.rglob("*") if p.name.endswith((".tmp", ".old", ".converting"))], \
        f"{what}: temporary copies left"
    for b in backup.list_backups(backups):
        backup.check_file(b.path)  # every backup opens with the set-up's key (or plain)
        assert connection.path_is_plain(b.path) != encrypted, f"{what}: {b.name} in the wrong form"
    if encrypted:
        leaks = [p.name for p in folder.rglob("*") if p.is_file() and MARK.encode() in p.read_bytes()]
        assert not leaks, f"{what}: plain copies while encrypted: {leaks}"
    connection.forget_key(locked=False)


def sweep(templates, tmp_path, op: str, layer: str, every: int = 1) -> int:
    """Kill at step/call 1, 1 + every, ... until the child finishes without being killed; returns the kills."""
    kills, n = 0, 1
    while True:
        folder = start_folder(templates, op, tmp_path / f"{op}-{layer}")
        status = in_child(op, folder, **({"kill_at_step": n} if layer == "hook" else {"kill_at_call": n}))
        assert status in (0, -signal.SIGKILL, 137), f"{op} {layer} {n}: the child failed ({status})"
        if status == 0:
            check_after_kill(templates, folder, op, f"{op}, finished")
            return kills
        kills += 1
        check_after_kill(templates, folder, op, f"{op} killed at {layer} {n}")
        n += every


@pytest.mark.parametrize("op", OPS)
def test_a_kill_at_every_named_step_loses_nothing(templates, tmp_path, op):
    kills = sweep(templates, tmp_path, op, "hook")
    FIGURES[f"hook {op}"] = kills
    assert kills >= 4  # the steps are there and each was visited


@pytest.mark.parametrize("op", OPS)
def test_a_kill_at_file_system_calls_loses_nothing(templates, tmp_path, op):
    kills = sweep(templates, tmp_path, op, "calls", every=1 if FULL else 7)
    FIGURES[f"calls {op}"] = kills
    assert kills >= 2


def reopen(op: str, folder: Path) -> None:
    """What the next start does: recover, then the passphrase when asked (either one after a killed change)."""
    db = folder / "sessions.sqlite3"
    if crypto.needs_passphrase(db):
        for phrase in (NEW, PASS) if op == "rekey" else (PASS,):
            try:
                crypto.unlock(db, phrase)
                return
            except WrongPassphrase:
                continue


def in_child_reopen(op: str, folder: Path, kill_at_step: int) -> int:
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            connection.forget_key(locked=False)
            os.environ[crypto.FAULT_ENV] = str(kill_at_step)
            crypto._step_count = 0
            reopen(op, folder)
        except BaseException:
            code = 3
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


@pytest.mark.parametrize("op", OPS)
def test_a_second_kill_while_the_next_start_finishes_the_change_loses_nothing(templates, tmp_path, op):
    """Killed during the change, then killed again while the next start finishes or undoes it (at each of the
    recovery's own steps), then started a third time."""
    kills, step = 0, 1
    while True:
        folder = start_folder(templates, op, tmp_path / f"{op}-twice")
        if in_child(op, folder, kill_at_step=step) == 0:
            break
        kills += 1
        again = 1
        while in_child_reopen(op, folder, again) == -signal.SIGKILL:
            kills += 1
            again += 1
        check_after_kill(templates, folder, op, f"{op} killed at step {step}, then {again - 1} times at recovery")
        step += 1 if FULL else 3
    FIGURES[f"second kill {op}"] = kills
    assert kills >= 2


STRACE_CHILD = r"""
import sys
from pathlib import Path
from decisionaid.sessions import crypto
crypto.KDF_ITERATIONS = 2000
op, folder = sys.argv[1], Path(sys.argv[2])
db, backups = folder / "sessions.sqlite3", folder / "backups"
if op == "enable":
    crypto.enable(db, backups, "correct horse battery")
elif op == "disable":
    crypto.disable(db, backups, "correct horse battery")
else:
    crypto.change_passphrase(db, backups, "correct horse battery", "a much newer phrase")
"""
SYSCALLS = {"rename": "rename,renameat,renameat2", "fsync": "fsync,fdatasync", "unlink": "unlink,unlinkat",
            "link": "link,linkat"}


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed (apt-get install strace)")
@pytest.mark.parametrize("op", OPS)
def test_a_kill_at_each_rename_fsync_unlink_and_link_loses_nothing(templates, tmp_path, op):
    kills = 0
    for group, calls in SYSCALLS.items():
        n = 1
        while True:
            folder = start_folder(templates, op, tmp_path / f"{op}-strace")
            child = subprocess.run(
                ["strace", "-f", "-o", os.devnull, "-e", f"trace={calls}",
                 "-e", f"inject={calls}:signal=SIGKILL:when={n}", sys.executable, "-c", STRACE_CHILD, op,
                 str(folder)],
                capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(SRC)}, timeout=120)
            killed = child.returncode in (-signal.SIGKILL, 128 + signal.SIGKILL)
            assert killed or child.returncode == 0, f"{op} {group} {n}: {child.returncode} {child.stderr[-500:]}"
            check_after_kill(templates, folder, op, f"{op} killed at {group} call {n}" if killed else op)
            if not killed:
                break
            kills += 1
            if not FULL and n >= 3:
                break  # CI: the first three of each kind
            n += 1 if FULL or n < 3 else 5
    FIGURES[f"strace {op}"] = kills
    assert kills >= 3


def test_zz_print_figures():
    """Printed with -s: the kills per layer and operation (for docs/drills.md)."""
    print("\nencryption drill kills:", FIGURES, "total", sum(FIGURES.values()))
