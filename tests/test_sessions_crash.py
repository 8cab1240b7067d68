"""Kill -9 while autosaving: every revision the program was told was saved must still be there, unchanged.

A child process autosaves (and now and then saves) in a loop and prints each returned revision id with a hash of
its payload, flushing after each commit. It is killed with SIGKILL at random moments (also while opening), then the
file is opened, integrity-checked and every printed revision compared. DECISIONAID_CRASH_KILLS sets how many kills
(default 25).
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

from decisionaid.sessions.store import SessionStore

SRC = Path(__file__).resolve().parents[1] / "src"
CHILD = r"""
import hashlib, random, sys
from decisionaid.sessions.record import SessionRecord
from decisionaid.sessions.store import SessionStore

path, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
store = SessionStore.open(path)
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


def run_and_kill(path: Path, seed: int, delay: float) -> list[str]:
    """Start the child, SIGKILL it after `delay` seconds, and return the complete lines it printed."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(seed)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, encoding="utf-8",
                             env={**os.environ, "PYTHONPATH": str(SRC)})
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(child.stdout), daemon=True)
    reader.start()
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait()
    reader.join(10)
    stderr = child.stderr.read()
    assert "Traceback" not in stderr, stderr
    return [line for line in lines if line.endswith("\n")]


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
def test_kill_during_autosave_loses_nothing_that_was_reported_saved(tmp_path, capsys):
    kills = int(os.environ.get("DECISIONAID_CRASH_KILLS", "25"))
    rng = random.Random(os.environ.get("DECISIONAID_CRASH_SEED", "2026"))
    path = tmp_path / "sessions.sqlite3"
    checked, failures, reported = 0, [], {}
    for kill in range(kills):
        for line in run_and_kill(path, kill, rng.uniform(0.05, 0.35)):
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
        print(f"\ncrash test: {kills} kills, {len(reported)} reported revisions, {checked} checks, "
              f"{len(failures)} failures")
    assert not failures
    assert len(reported) > kills  # the kills did land while autosaving, not only during start-up
