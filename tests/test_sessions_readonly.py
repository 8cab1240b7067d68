"""A read-only folder or file, tried as an ordinary user even when the suite runs as root.

Root ignores file modes, so the permission tests in test_sessions_errors.py skip there; this file runs the same
cases in a child process as the unprivileged user `nobody` (uid 65534), which is how CI containers usually run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
NOBODY = 65534

CHILD = r"""
import os, sys
from decisionaid.sessions.errors import StoreReadOnly
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore

print("IMPORTED", flush=True)
case, root = sys.argv[1], sys.argv[2]
if case == "folder":
    folder = os.path.join(root, "locked")
    os.mkdir(folder)
    os.chmod(folder, 0o500)
    target = os.path.join(folder, "sessions.sqlite3")
else:
    target = os.path.join(root, "sessions.sqlite3")
    with SessionStore.open(target) as store:
        store.create(SessionRecord(patient_ref="MRN-1", clinician="Dr A", held_at="2026-03-14T09:30"), "Dr A")
    for name in os.listdir(root):
        os.chmod(os.path.join(root, name), 0o400)
    os.chmod(root, 0o500)
try:
    SessionStore.open(target)
except StoreReadOnly as exc:
    print("READONLY", exc.title, "|", exc.advice)
else:
    print("OPENED")
"""


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="covered by test_sessions_errors.py")
@pytest.mark.parametrize("case", ["folder", "file"])
def test_read_only_storage_is_reported_to_an_ordinary_user(case):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        root.mkdir()
        os.chown(root, NOBODY, NOBODY)
        os.chmod(tmp, 0o755)
        try:
            out = subprocess.run([sys.executable, "-c", CHILD, case, str(root)], capture_output=True, text=True,
                                 env={**os.environ, "PYTHONPATH": str(SRC)}, user=NOBODY, group=NOBODY,
                                 extra_groups=[], timeout=60)
        except (PermissionError, OSError) as exc:
            pytest.skip(f"cannot run a child as nobody here: {exc}")
        if not out.stdout.startswith("IMPORTED"):
            pytest.skip(f"the user nobody cannot load the checkout or its virtual environment: {out.stderr[-300:]}")
        assert "READONLY" in out.stdout, out.stdout + out.stderr
        assert "cannot be written" in out.stdout
