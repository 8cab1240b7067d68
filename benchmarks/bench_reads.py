"""The longest the UI thread stalls when the clinician opens a session from the Sessions list (or, `--action save`,
presses Save on the Consultation screen) while "Back up now" runs on a 1,000,000-session file (the backup holds the
sessions file's owner thread for seconds).

    .venv/bin/python benchmarks/bench_reads.py [--action open|save] [--sessions N] [--dir DIR] [--repeat N | --quick]

The file is the one benchmarks/bench_typing.py builds and caches (default /tmp/decisionaid-1m; built there if
missing). The window opens it under offscreen Qt (its data folder is a temporary one holding hard links), the
Sessions screen lists it, the first row is selected, Back up now is started to a temporary file, and 200 ms later
the Open button is clicked. Measured: how long the click itself keeps the UI thread (the stall the clinician
feels: the window cannot repaint or take a key meanwhile), the largest gap between the ticks of a 1 ms QTimer from
the click until the session is on screen, and how long until the session is on screen (about the backup's
length, since the read waits its turn behind it). With `--action save` a new consultation is typed and its Save
button clicked instead; "on screen" is then the screen saying it was saved; the file is a copy of the cached one
(a Save writes into it, and the cache stays as it was). To compare with older code, run this file with PYTHONPATH
pointing at that code's src/ (it uses only the window's public parts).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))


def wait(app, until, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if until():
            return True
        app.processEvents()
        time.sleep(0.001)
    return until()


def measure(path: Path, repeat: int, action: str = "open") -> list[dict]:
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    data = Path(tempfile.mkdtemp(prefix="decisionaid-bench-reads-"))
    os.environ["DECISIONAID_DATA_DIR"] = str(data / "data")
    from decisionaid import paths
    from decisionaid.ui.main_window import MainWindow

    paths.set_data_dir(None)
    db = paths.database_path()
    db.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{path}{suffix}").exists():
            (shutil.copyfile if action == "save" else os.link)(f"{path}{suffix}", f"{db}{suffix}")
    w = MainWindow()
    ready = []
    w.ready.connect(lambda: ready.append(True))
    w.show()
    w.load_evidence()
    wait(app, lambda: ready, 120)
    checked = []
    w.store_checked.connect(checked.append)
    wait(app, lambda: w.store() is not None, 300)
    wait(app, lambda: checked, 600)  # the background quick_check reads the whole file: let it end first
    w.show_screen("Consultation")  # built now, so the measured click only opens the session
    w.show_screen("Sessions")
    sessions = w.screen("Sessions")
    wait(app, lambda: sessions.model.rowCount() > 0 and not sessions.model.is_loading(), 120)
    consultation = w.screen("Consultation")
    results = []
    try:
        for run in range(repeat):
            w.show_screen("Sessions")
            row = run % sessions.model.rowCount()
            sessions.table.selectRow(row)
            target = sessions.model.session_at(row).session_id
            out = data / f"backup-{run}.sqlite3"
            sessions.back_up_to(str(out))
            wait(app, lambda: False, 0.2)  # the backup is under way on the owner thread
            gaps: list[float] = []
            clock, tick = QElapsedTimer(), QTimer()
            tick.setInterval(1)
            tick.setTimerType(Qt.PreciseTimer)
            last, long_gaps, marks = [0], [], {}

            def ticked():
                now = clock.nsecsElapsed()
                gaps.append((now - last[0]) / 1e6)
                if gaps[-1] > 50:
                    long_gaps.append((round(last[0] / 1e6), round(gaps[-1])))  # (started at ms, lasted ms)
                if "opened_at_ms" not in marks and done():
                    marks["opened_at_ms"] = round(now / 1e6)
                if "backed_up_at_ms" not in marks and sessions.message.text().startswith("Backed up"):
                    marks["backed_up_at_ms"] = round(now / 1e6)
                last[0] = now

            if action == "save":
                w.show_screen("Consultation")
                consultation.new_session()
                consultation.patient.setText(f"BENCH-{run}")
                consultation.notes.setPlainText(f"saved while Back up now runs ({run})")

                def done():
                    return consultation.save_state.text().startswith("Saved at")
                button = consultation.save_button
            else:
                def done():
                    return consultation.session_id == target \
                        and not consultation.save_state.text().startswith("Opening")
                button = sessions.open_button
            tick.timeout.connect(ticked)
            clock.start()
            tick.start()
            begin, cpu = time.perf_counter(), time.thread_time()
            button.click()
            click_ms = (time.perf_counter() - begin) * 1e3
            click_cpu_ms = (time.thread_time() - cpu) * 1e3
            opened = wait(app, done, 120)
            if not opened and action == "save":
                print(f"not saved: {consultation.save_state.text()!r} {consultation.last_error!r}", flush=True)
            elif not opened:
                print(f"not opened: on screen session {consultation.session_id} (asked {target}), "
                      f"{consultation.save_state.text()!r} {consultation.last_error!r}", flush=True)
            open_ms = (time.perf_counter() - begin) * 1e3
            tick.stop()
            gaps.append((clock.nsecsElapsed() - last[0]) / 1e6)  # since the last tick (all of it, if none came)
            wait(app, lambda: sessions.message.text().startswith(("Backed up", "Backup failed")), 120)
            backed_up = sessions.message.text()
            for p in data.glob(f"backup-{run}.sqlite3*"):
                p.unlink()
            results.append({"click_ms": click_ms, "click_cpu_ms": click_cpu_ms,
                            "max_gap_ms": max(gaps),
                            "median_gap_ms": statistics.median(gaps), "open_ms": open_ms, "opened": opened,
                            "backup": backed_up.split(" to ")[0], "gaps_over_50_ms": long_gaps, **marks})
    finally:
        w.close()
        shutil.rmtree(data, ignore_errors=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--action", choices=("open", "save"), default="open",
                        help="open a session from the list (default), or press Save on the Consultation screen")
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/decisionaid-1m"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run (python3 dev.py bench --quick): 20,000 sessions, one open")
    args = parser.parse_args()
    if args.quick:
        args.sessions, args.repeat = min(args.sessions, 20_000), 1
        if args.dir == Path("/tmp/decisionaid-1m"):
            args.dir = Path(tempfile.gettempdir()) / "decisionaid-typing-quick"
    from bench_typing import cached_file

    path = cached_file(args.dir, args.sessions)
    results = measure(path, args.repeat, args.action)
    what = "press Save on a new consultation" if args.action == "save" else "open a session"
    for r in results:
        print(f"{what} while Back up now runs over {args.sessions:,} sessions: the click held the UI thread "
              f"{r['click_ms']:.1f} ms (CPU {r['click_cpu_ms']:.1f} ms), longest gap between 1 ms ticks "
              f"{r['max_gap_ms']:.1f} ms, {'saved' if args.action == 'save' else 'session on screen'} after "
              f"{r['open_ms']:.0f} ms (done: {r['opened']}; {r['backup']})")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
