"""A whole consultation driven through the real window, for the privacy tests (no socket, owner-only files, a log
without patient text). Used in-process by pytest and in a child process (``python scripted_session.py OUT``) so
that the child can be watched from outside (strace) and checked at the file-descriptor level.

Steps: every screen shown and painted (evidence, options, caveats), a consultation typed (identifier, clinician,
PHQ-9, every checklist answer, notes), saved, the handout and the record saved as PDFs, sessions exported as CSV
and JSON, a backup written, the window closed (which takes the automatic backup). `step(name)` is called after
each step; the caller checks there what it needs.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Callable

PATIENT = "ZQX-PATIENT-7731"
CLINICIAN = "Dr Quillfeather-Vantongeren"
NOTES = "Notes: the patient mentioned a hidden phrase, marmalade-zeppelin-4471, and <b>bold</b> & more."
ANSWER_TEXT = "answer text sapphire-walrus-9902"
PATIENT_TEXT = (PATIENT, CLINICIAN, "marmalade-zeppelin-4471", "sapphire-walrus-9902")
STEPS = ("screens", "typed", "saved", "handout", "record", "export csv", "export json", "backup", "closed")


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the window did not finish in time")
        QApplication.processEvents()
        time.sleep(0.01)


def fill_checklist(view) -> None:
    from decisionaid.ui.checklist_form import answer_options

    for section in view.checklist.sections:
        for item in section.items:
            widget = view.form.answer_widget(item.id)
            if widget.text is not None:
                widget.text.setText(ANSWER_TEXT)
                continue
            values = [v for v, _ in answer_options(item) if v not in item.flag_when and v != "unsure"]
            widget.buttons[values[0]].click()


def run(out: Path, step: Callable[[str], None] = lambda name: None, window_hook=None) -> dict[str, Path]:
    """Run the session with the data folder already chosen (paths); files the clinician picks go to `out`.
    `window_hook(window)` is called once the window is ready. Returns the files written, by step."""
    from PySide6.QtWidgets import QApplication

    from decisionaid.ui.main_window import SCREENS, MainWindow
    from decisionaid.handout.print_job import HANDOUT, RECORD

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    w = MainWindow()
    w.show()
    w.load_evidence()
    wait_until(lambda: w.summary is not None)
    if window_hook is not None:
        window_hook(w)
    for name in SCREENS[:3]:
        w.show_screen(name)
        app.processEvents()
        w.grab()  # painted: the forest plot, icon arrays and fonts are drawn
    step("screens")

    w.show_screen("Consultation")
    view = w.screen("Consultation")
    view.patient.setText(PATIENT)
    view.clinician.setText(CLINICIAN)
    for spin, score in zip(view.phq9.items, (1, 1, 2, 1, 0, 1, 1, 0, 0)):
        spin.setValue(score)
    fill_checklist(view)
    view.notes.setPlainText(NOTES)
    view.decision.setCurrentIndex(view.decision.findData("defer"))
    w.grab()
    step("typed")
    if not view.save():
        raise RuntimeError(f"the consultation was not saved: {view.last_error}")
    step("saved")

    for kind, name in ((HANDOUT, "handout.pdf"), (RECORD, "record.pdf")):
        target = out / name
        w.printing.save_pdf(w.printing.document(kind, w._print_subject()), str(target))
        wait_until(lambda: not w.printing.busy, timeout=60)
        if not target.exists():
            raise RuntimeError(f"{name} was not written: {w.printing.last_message}")
        written[kind] = target
        step(kind)

    w.show_screen("Sessions")
    sessions = w.screen("Sessions")
    for fmt in ("csv", "json"):
        target = out / f"sessions.{fmt}"
        sessions.export_to(str(target), fmt, None)
        wait_until(lambda: sessions.message.text().startswith(("Exported", "Export failed")))
        if not target.exists():
            raise RuntimeError(sessions.message.text())
        written[f"export {fmt}"] = target
        step(f"export {fmt}")
    target = out / "backup.sqlite3"
    sessions.back_up_to(str(target))
    wait_until(lambda: sessions.message.text().startswith(("Backed up", "Backup failed")))
    if not target.exists():
        raise RuntimeError(sessions.message.text())
    written["backup"] = target
    step("backup")

    w.close()
    w.deleteLater()
    app.processEvents()
    step("closed")
    return written


def socket_fds() -> list[str]:
    """This process's open sockets, as /proc lists them (Linux): what a C++ library opened is there too."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:"):
            found.append(f"fd {fd} -> {target}")
    return found


def main(argv: list[str]) -> int:
    """Child process: `scripted_session.py OUT [--open-socket]`. Prints one line per step and, at the end,
    "SOCKETS: none" or "SOCKETS: <step>: <fds>" for the sockets /proc showed after any step."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
    out = Path(argv[0])
    os.environ["DECISIONAID_DATA_DIR"] = str(out / "data")
    seen: list[str] = []
    baseline = set(socket_fds())

    def step(name: str) -> None:
        if "--open-socket" in argv and name == "saved":
            import socket

            step.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # the failure this check must catch
        new = [fd for fd in socket_fds() if fd not in baseline]
        if new:
            seen.append(f"{name}: {', '.join(new)}")
        print(f"step {name}", flush=True)

    run(out / "chosen", step)
    print("SOCKETS: " + ("; ".join(seen) if seen else "none"), flush=True)
    print("QTNETWORK: " + ("imported" if "PySide6.QtNetwork" in sys.modules else "never imported"), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
