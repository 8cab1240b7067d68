"""Kill -9 while autosaving: every revision the program was told was saved must still be there, unchanged.

A child process autosaves (and now and then saves) in a loop and prints each returned revision id with a hash of
its payload, flushing after each commit. It is killed with SIGKILL at random moments (most while it writes, some
while it starts or opens the file), then the file is opened, integrity-checked and every printed revision compared.
DECISIONAID_CRASH_KILLS sets how many kills (default 25; CI runs those).

The full drill (500 kills, about ten minutes), with its figures printed at the end:

    DECISIONAID_CRASH_KILLS=500 python3 dev.py test tests/test_sessions_crash.py -s
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # the CI-sized drill; the long one runs on demand (docs/drills.md)

from decisionaid.sessions.store import SessionStore

SRC = Path(__file__).resolve().parents[1] / "src"
CHILD = r"""
import hashlib, random, sys
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore

path, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
store = SessionStore.open(path)
sys.stdout.write("open\n")
sys.stdout.flush()
base = dict(patient_ref=f"MRN-{seed}", clinician="Dr Crash", held_at="2026-03-14T09:30", status="Incomplete")
session_id = store.create(SessionRecord(**base), "Dr Crash", kind="autosave")
for n in range(1, 10**9):
    notes = "".join(rng.choice("abc déf 😊\n<b>&amp;\x00") for _ in range(rng.choice([10, 500, 20_000])))
    record = SessionRecord(**base, notes=notes, answers={f"item_{k}": rng.choice(["yes", "no"]) for k in range(20)})
    write = store.save if n % 7 == 0 else store.autosave
    revision_id = write(session_id, record, "Dr Crash")
    sys.stdout.write(f"{revision_id} {hashlib.sha256(record.to_json().encode()).hexdigest()}\n")
    sys.stdout.flush()
"""


def run_and_kill(path: Path, seed: int, delay: float, when_open: bool) -> tuple[list[str], bool]:
    """Start the child, SIGKILL it `delay` seconds after it started (or, `when_open`, after it opened the file), and
    return the complete revision lines it printed and whether the kill came after the file was open."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(seed)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, encoding="utf-8",
                             env={**os.environ, "PYTHONPATH": str(SRC)})
    lines: list[str] = []
    opened = threading.Event()

    def read():
        for line in child.stdout:
            if line == "open\n":
                opened.set()
            else:
                lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if when_open:
        opened.wait(30)  # start-up takes longer on a busy machine: the kill still lands while autosaving
    time.sleep(delay)
    was_open = opened.is_set()
    child.send_signal(signal.SIGKILL)
    child.wait()
    reader.join(10)
    stderr = child.stderr.read()
    assert "Traceback" not in stderr, stderr
    return [line for line in lines if line.endswith("\n")], was_open


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
def test_kill_during_autosave_loses_nothing_that_was_reported_saved(tmp_path, capsys):
    kills = int(os.environ.get("DECISIONAID_CRASH_KILLS", "25"))
    rng = random.Random(os.environ.get("DECISIONAID_CRASH_SEED", "2026"))
    path = tmp_path / "sessions.sqlite3"
    checked, failures, reported, started, while_writing = 0, [], {}, time.monotonic(), 0
    for kill in range(kills):
        when_open = rng.random() < 0.8  # the rest land at any moment from start-up on, often while opening
        lines, was_open = run_and_kill(path, kill, rng.uniform(0.0, 0.3) if when_open else rng.uniform(0.05, 0.5),
                                       when_open)
        while_writing += was_open
        for line in lines:
            revision_id, digest = line.split()
            reported[int(revision_id)] = digest
        with SessionStore.open(path) as store:
            assert store.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            for revision_id, digest in reported.items():
                row = store.db.execute("SELECT payload FROM revisions WHERE id = ?", [revision_id]).fetchone()
                if row is None or hashlib.sha256(row[0].encode()).hexdigest() != digest:
                    failures.append(revision_id)
                checked += 1
    with capsys.disabled():
        print(f"\ncrash drill: {kills} kills ({while_writing} after the file was open), {len(reported)} revisions "
              f"reported saved, {checked} revision checks "
              f"after the kills, {len(failures)} failures, {time.monotonic() - started:.0f} s")
    assert not failures
    assert len(reported) > kills and while_writing > kills // 2  # most kills landed while autosaving
