"""Cold start of decisionaid to the painted Evidence screen, against a bare PySide6 window, same run.

    python3 dev.py bench [--quick]   (or: .venv/bin/python benchmarks/bench_startup.py [--runs N] [--quick])

Both are whole new processes (interpreter start, imports, window, first paint, quit). Prints medians and the ratio;
the target is <= 1.3x. Uses the offscreen platform unless a DISPLAY is set. --quick: 3 runs, a smoke run. Options meant
for the other benchmarks (dev.py passes its arguments to each) are ignored.
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


def timed(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


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
    timed(bare_cmd, env), timed(app_cmd, env)  # warm the file cache for both
    bare, app = [], []
    for _ in range(args.runs):  # interleaved, so drift hits both alike
        bare.append(timed(bare_cmd, env))
        app.append(timed(app_cmd, env))
    b, a = statistics.median(bare), statistics.median(app)
    print(f"startup: bare PySide6 window {b * 1000:.0f} ms, decisionaid to painted Evidence screen {a * 1000:.0f} ms "
          f"(median of {args.runs}); ratio {a / b:.2f}x (target <= 1.3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
