#!/usr/bin/env python3
"""Set-up-and-run for developers and CI: needs only Python 3.11+.

    python3 dev.py app [ARGS...]    start decisionaid (creates .venv on first use)
    python3 dev.py test [ARGS...]   run the whole test suite (likewise)
    python3 dev.py bench [ARGS...]  run the benchmarks in benchmarks/; each gets ARGS (--quick: smoke runs)

The virtual environment lives in .venv next to this file. It is (re)installed
whenever pyproject.toml changes, so a fresh clone and an old checkout behave alike.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("DECISIONAID_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".decisionaid-installed"


def _fingerprint() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def _run(cmd: list[str], **kw) -> int:
    return subprocess.call([str(c) for c in cmd], **kw)


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"decisionaid needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        try:
            venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        except Exception as exc:  # Debian without python3-venv lands here
            sys.exit(f"Could not create a virtual environment ({exc}).\n"
                     "On Debian or Ubuntu install it with: sudo apt-get install python3-venv")
    if STAMP.exists() and STAMP.read_text() == _fingerprint():
        return
    print("Installing decisionaid and its test tools into .venv (first run only) ...", flush=True)
    pip = [PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    if _run(pip + ["--upgrade", "pip"]) != 0 or _run(pip + ["-e", f"{ROOT}[test]"]) != 0:
        sys.exit("Installing dependencies failed; see the pip output above.")
    STAMP.write_text(_fingerprint())


def _test_environment(environ) -> dict[str, str]:
    """The environment the tests run in: the caller's, except that Python may keep its compiled files (in the
    __pycache__ folders git ignores). With PYTHONDONTWRITEBYTECODE set, each test worker rewrote the asserts of
    every test file on every run (about 4 s of CPU each), and the programs the tests start could not keep theirs."""
    return {k: v for k, v in environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"app", "test", "bench"}:
        print(__doc__)
        return 2
    ensure_venv()
    cmd, rest = argv[0], argv[1:]
    if cmd == "app":
        return _run([PYTHON, "-m", "decisionaid", *rest])
    if cmd == "test":
        return _run([PYTHON, "-m", "pytest", *rest], cwd=ROOT, env=_test_environment(os.environ))
    status = 0
    for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        status |= _run([PYTHON, script, *rest], cwd=ROOT)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
