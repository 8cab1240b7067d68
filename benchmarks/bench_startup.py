"""Cold start of decisionaid against a bare PySide6 window, same run, interleaved: to the window's first paint (its
menus, keys and the Evidence screen's question; the target is <= 1.3x) and to the Evidence screen built in full.

    python3 dev.py bench [--quick]   (or: .venv/bin/python benchmarks/bench_startup.py [--runs N] [--quick])

All are whole new processes (interpreter start, imports, window, paint, quit), timed with their peak memory (the
target is <= 1.5x). Prints medians and the ratios. Uses the offscreen platform unless a DISPLAY is set. --quick: 3
runs, a smoke run. Options meant for the other benchmarks (dev.py passes its arguments to each) are ignored.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

BARE = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
w = QWidget(); w.resize(1280, 860); w.show()
def done():
    w.repaint(); app.quit()
QTimer.singleShot(0, done)
app.exec()
"""


def timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if hasattr(os, "wait4"):
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    else:  # Windows: no rusage; the time alone
        proc.wait()
        peak = float("nan")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} ended with exit code {proc.returncode}")
    return time.perf_counter() - start, peak


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="3 runs: a smoke run")
    args, _others = parser.parse_known_args()
    if args.quick:
        args.runs = 3
    # A folder of its own: with the clinician's window open on the default folder, a launch would only bring
    # that window forward (one window per data folder) and the timing would mean nothing.
    env = dict(os.environ, DECISIONAID_QUIT_WHEN_READY="1", DECISIONAID_DATA_DIR=tempfile.mkdtemp(prefix="bench-"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed program has its bytecode cached; measure that
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    bare_cmd = [sys.executable, "-c", BARE]
    app_cmd = [sys.executable, "-m", "decisionaid"]
    first_env = dict(env)  # quits at the first paint
    built_env = dict(env, DECISIONAID_QUIT_WHEN_READY="built")  # quits once the Evidence screen is built in full
    runs = {"bare": (bare_cmd, env), "first": (app_cmd, first_env), "built": (app_cmd, built_env)}
    for cmd, cmd_env in runs.values():  # warm the file cache for each
        timed(cmd, cmd_env)
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for _ in range(args.runs):  # interleaved, so drift hits all alike
        for name, (cmd, cmd_env) in runs.items():
            results[name].append(timed(cmd, cmd_env))
    wall = {name: statistics.median(r[0] for r in rs) for name, rs in results.items()}
    peak = {name: statistics.median(r[1] for r in rs) for name, rs in results.items()}
    print(f"startup (median of {args.runs}): bare PySide6 window {wall['bare'] * 1000:.0f} ms, {peak['bare']:.0f} MB")
    for name, what, target in (("first", "decisionaid to its first paint", " (target <= 1.3x)"),
                               ("built", "decisionaid to the Evidence screen built in full", "")):
        print(f"  {what}: {wall[name] * 1000:.0f} ms, ratio {wall[name] / wall['bare']:.2f}x{target}; "
              f"peak memory {peak[name]:.0f} MB, ratio {peak[name] / peak['bare']:.2f}x{target and ' (target <= 1.5x)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
