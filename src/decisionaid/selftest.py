"""`decisionaid --self-test`: check, without a screen and without touching the clinician's data, that this
installation can do its work.

Each step prints one line, ``ok`` or ``FAIL`` with what went wrong; the exit status is 0 only if every step
passed. The steps use the same code as the app: the bundled content is loaded and validated, the trials are
pooled, a session is written to and read back from a store in a temporary folder, a handout is built in
memory and its text read back, and the main window is opened and closed on Qt's offscreen platform.
Used by installers and by the bundle's smoke test (packaging/smoke_test.py).
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

# A name a clinician might type, with markup and scripts that have broken PDF and SQLite code before.
PROBE_TEXT = "Self-test <Zoë & Łukasz> \u05e9\u05dc\u05d5\u05dd \u4e2d\u6587 \U0001F600"
WINDOW_TIMEOUT_S = 30.0


def _content() -> str:
    from decisionaid.checklist.items import load_checklist
    from decisionaid.evidence.pack import load_pack
    from decisionaid.handout.wording import load_wording
    from decisionaid.resources import resource_path, resources_dir

    pack = load_pack()
    checklist = load_checklist()
    wording = load_wording()
    from decisionaid.about import third_party

    components, _ = third_party()
    for name in ("decisionaid.svg", "decisionaid-256.png"):
        resource_path("icons", name)  # the fonts are checked by the handout step, which embeds them
    return (f"evidence pack {pack.version} (reviewed {pack.last_reviewed.isoformat()}), "
            f"checklist {checklist.version}, handout wording {wording.version}, {len(components)} licences listed; "
            f"from {resources_dir()}")


def _pooling() -> str:
    from decisionaid.evidence.pack import load_pack
    from decisionaid.evidence.summary import summarise

    summary = summarise(load_pack())
    parts = []
    for analysis in summary.outcomes:
        for (measure, method), result in analysis.results.items():
            p = result.pooled
            if not (math.isfinite(p.estimate) and p.ci_low <= p.estimate <= p.ci_high):
                raise AssertionError(f"{analysis.outcome.id} {measure}/{method}: estimate {p.estimate} "
                                     f"outside its interval [{p.ci_low}, {p.ci_high}]")
            weights = sum(s.weight for s in result.studies)
            if abs(weights - 100.0) > 1e-6:
                raise AssertionError(f"{analysis.outcome.id} {measure}/{method}: weights add up to {weights}%")
        rr = analysis.result("rr", "dl").pooled
        parts.append(f"{analysis.outcome.id} RR {rr.estimate:.2f} [{rr.ci_low:.2f}, {rr.ci_high:.2f}] "
                     f"from {analysis.result('rr', 'dl').k} trials")
    response = summary.outcome("response")
    check = response.outcome.published_check
    ours = response.result(check.measure, "dl").pooled.estimate
    if round(ours, 1) != check.value:
        raise AssertionError(f"pooled response {check.measure.upper()} {ours:.2f} does not match the published "
                             f"{check.value}")
    return "; ".join(parts) + f"; response {check.measure.upper()} {ours:.1f} matches the published {check.value}"


def _store(folder: Path) -> str:
    from decisionaid.sessions.session_record import SessionRecord
    from decisionaid.sessions.store import SessionStore

    record = SessionRecord(patient_ref="SELFTEST-1", clinician=PROBE_TEXT, held_at="2026-01-02T09:30",
                           phq9_total=12, notes=PROBE_TEXT + "\n" + "x" * 10_000, decision="defer")
    path = folder / "self-test.sqlite3"
    with SessionStore.open(path, backup_dir=folder / "backups") as store:
        session_id = store.create(record, author="self-test")
    with SessionStore.open(path, backup_dir=folder / "backups") as store:
        back = store.get(session_id).record
        found = [row.session_id for row in store.search("Łukasz")]
    if back != record:
        raise AssertionError("the session read back differs from the one written")
    if session_id not in found:
        raise AssertionError("search did not find the session just written")
    encrypted = _encrypted_store(path, folder / "backups", record, session_id)
    return f"wrote and read back session {session_id} in {path.name}; search found it; {encrypted}"


def _encrypted_store(path: Path, backups: Path, record, session_id: int) -> str:
    """Encryption at rest (SQLCipher) on the same temporary file: converted, unreadable as plain, read back."""
    from decisionaid.sessions import crypto
    from decisionaid.sessions.store import SessionStore

    try:
        crypto.enable(path, backups, "self-test passphrase")
        if b"SELFTEST-1" in path.read_bytes():
            raise AssertionError("the encrypted sessions file still holds plain text")
        with SessionStore.open(path, backup_dir=backups) as store:
            if store.get(session_id).record != record:
                raise AssertionError("the session read back from the encrypted file differs")
    finally:
        crypto.lock()
    return "encrypted it with SQLCipher and read it back"


def _handout() -> str:
    import pypdfium2

    from decisionaid.handout.inputs import handout_input
    from decisionaid.handout.patient import build_handout
    from decisionaid.settings import Settings

    settings = Settings(clinician_name=PROBE_TEXT)
    started = time.perf_counter()
    data = build_handout(handout_input(settings))
    took = time.perf_counter() - started
    pdf = pypdfium2.PdfDocument(data)
    try:
        pages = len(pdf)
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(pages))
    finally:
        pdf.close()
    for needed in ("off-label", "out of 100"):
        if needed not in text:
            raise AssertionError(f"the handout's text lacks {needed!r}")
    return f"{len(data):,} bytes, {pages} pages, built in {took * 1000:.0f} ms; text read back"


def _window() -> str:
    from PySide6.QtCore import QEventLoop, QTimer, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    def quiet(_mode, _context, message: str) -> None:  # the offscreen platform's chatter is not a failure
        if "propagateSizeHints" not in message:
            print(f"qt: {message}", file=sys.stderr)

    qInstallMessageHandler(quiet)
    app = QApplication.instance() or QApplication(["decisionaid", "-platform", "offscreen"])
    from decisionaid.ui.main_window import MainWindow

    window = MainWindow()
    loop = QEventLoop()
    window.ready.connect(loop.quit)
    timer = QTimer(singleShot=True)
    timer.timeout.connect(loop.quit)
    timer.start(int(WINDOW_TIMEOUT_S * 1000))
    window.show()
    QTimer.singleShot(0, window.load_evidence)
    loop.exec()
    if not timer.isActive():
        raise AssertionError(f"the window was not ready within {WINDOW_TIMEOUT_S:.0f} s")
    if window.summary is None:
        raise AssertionError("the window could not load the evidence")
    screens = []
    for name in ("Evidence", "Caveats", "Consultation", "Sessions"):
        window.show_screen(name)
        app.processEvents()
        screens.append(name)
    window.close()
    app.processEvents()
    return f"{app.platformName()} platform; opened {', '.join(screens)}; closed"


def run(out=None) -> int:
    """Run every step; print one line each; 0 if all passed."""
    out = out or sys.stdout
    from decisionaid import __version__, paths

    # Never touch the clinician's real data or settings, and never need a display.
    scratch = tempfile.TemporaryDirectory(prefix="decisionaid-self-test-")
    folder = Path(scratch.name)
    paths.set_data_dir(folder / "data")
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    steps: list[tuple[str, Callable[[], str]]] = [
        ("content", _content), ("pooling", _pooling), ("store", lambda: _store(folder)),
        ("handout", _handout), ("window", _window)]
    print(f"decisionaid {__version__} self-test ({'bundle' if getattr(sys, 'frozen', False) else 'python'} "
          f"{sys.version.split()[0]})", file=out, flush=True)
    failed = 0
    for name, step in steps:
        started = time.perf_counter()
        try:
            detail = step()
        except Exception as exc:  # report every failure, keep going, exit non-zero
            failed += 1
            print(f"FAIL {name}: {type(exc).__name__}: {exc}", file=out, flush=True)
        else:
            print(f"ok   {name} ({time.perf_counter() - started:.2f} s): {detail}", file=out, flush=True)
    try:
        scratch.cleanup()
    except OSError:
        pass
    print("self-test passed" if not failed else f"self-test FAILED: {failed} of {len(steps)} steps",
          file=out, flush=True)
    return 0 if not failed else 1
