"""The log records what happened (start, store opened, revisions saved, errors by class and place) and never patient
text: not the identifier, the clinician's name, notes, answers, nor an error message that quotes them."""

from __future__ import annotations

import logging
import re
import sqlite3
import os
import stat
import subprocess
import sys

import pytest

import scripted_session
from decisionaid import app, log, paths
from decisionaid.sessions.store import SessionStore

SECRET = " ".join(scripted_session.PATIENT_TEXT)


@pytest.fixture
def data_dir(data_dir, monkeypatch):
    monkeypatch.delenv(paths.LOG_ENV_VAR, raising=False)
    return data_dir


@pytest.fixture
def logged(data_dir):
    where = log.start()
    yield where
    log.stop()


def _log_text(where) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(where.parent.glob(where.name + "*")))


def _leaks(text: str) -> list[str]:
    return [word for word in scripted_session.PATIENT_TEXT if word.lower() in text.lower()]


def test_a_session_with_errors_logs_events_and_no_patient_text(qtbot, data_dir, logged, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from decisionaid.handout.print_job import Document

    dialogs = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda *a: dialogs.append(a[2])))
    monkeypatch.setattr(QMessageBox, "open", lambda box: dialogs.append(box.text()))

    def step(name: str) -> None:
        if name == "record":
            # an unexpected error (a bug) whose message quotes the patient, caught by the excepthook
            try:
                raise ValueError(f"could not handle {SECRET}")
            except ValueError as exc:
                app._excepthook(type(exc), exc, exc.__traceback__)
            # a PDF that fails with patient text in the message
            real = Document.build
            monkeypatch.setattr(Document, "build", lambda self, *a: (_ for _ in ()).throw(KeyError(SECRET)))
            w = step.window
            w.printing.save_pdf(w.printing.document("handout", w._print_subject()), str(tmp_path / "x.pdf"))
            scripted_session.wait_until(lambda: not w.printing.busy)
            monkeypatch.setattr(Document, "build", real)
            # a storage error whose SQLite message quotes the note being written
            view = w.screen("Consultation")
            real_append = SessionStore._append
            monkeypatch.setattr(SessionStore, "_append", lambda *a: (_ for _ in ()).throw(
                sqlite3.OperationalError(f"cannot store {SECRET}")))
            view.notes.setPlainText(scripted_session.NOTES + " and more")
            assert not view.autosave()
            monkeypatch.setattr(SessionStore, "_append", real_append)
            assert view.autosave()

    scripted_session.run(tmp_path / "chosen", step, window_hook=lambda w: setattr(step, "window", w))
    assert any(SECRET in text for text in dialogs)  # the clinician still sees the whole message on screen
    assert logged.exists()
    assert stat.S_IMODE(logged.stat().st_mode) == 0o600
    text = _log_text(logged)
    assert _leaks(text) == []
    assert "Sessions file opened" in text
    assert re.search(r"Saved revision \d+ of session \d+ \(save", text)
    assert "Unexpected error: ValueError at tests/" not in text  # only decisionaid's own frames are named
    assert "Unexpected error: ValueError" in text
    assert "Handout not saved: KeyError at decisionaid/" in text
    assert "StoreError: OperationalError at decisionaid/sessions/store.py" in text
    assert "Backup written" in text


def test_the_test_above_can_fail_when_text_reaches_the_log(data_dir, logged):
    logging.getLogger("decisionaid.test").warning("oops: %s", scripted_session.NOTES)
    assert _leaks(_log_text(logged)) == ["marmalade-zeppelin-4471"]


def test_describe_names_the_class_code_cause_and_place_but_not_the_message(tmp_path):
    from decisionaid.sessions.errors import translate

    try:
        try:
            open(tmp_path / "missing" / f"{scripted_session.PATIENT}.pdf")
        except OSError as exc:
            raise translate(exc, tmp_path) from exc
    except Exception as exc:  # noqa: BLE001
        text = log.describe(exc)
    assert text.startswith("StoreError (from FileNotFoundError ENOENT)")
    assert scripted_session.PATIENT not in text


def test_starting_the_app_logs_start_and_quit(tmp_path):
    """The real program, in a child process (its QApplication must not be this suite's)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{app.QUIT_WHEN_READY: "built", paths.ENV_VAR: str(tmp_path)})
    env.pop(paths.LOG_ENV_VAR, None)
    run = subprocess.run([sys.executable, "-m", "decisionaid"], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    text = (tmp_path / "logs" / log.LOG_NAME).read_text(encoding="utf-8")
    assert " started" in text and "quit (exit code 0)" in text


def test_an_unwritable_log_folder_does_not_stop_the_program(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert log.start(blocker / "logs") is None
    assert "no log file" in capsys.readouterr().err
