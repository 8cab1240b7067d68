"""`decisionaid [--data-dir DIR] sessions ...`: what a user at the terminal sees."""

from __future__ import annotations

import csv
import json
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from decisionaid import paths
from decisionaid.cli import main
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "data"
    with SessionStore.open(folder / paths.DATABASE_NAME) as store:
        for i, (held, decision, notes) in enumerate([("2026-01-05T09:00", "proceed", "Partner present."),
                                                     ("2026-02-10T10:30", "defer", "Worried about cost."),
                                                     ("2026-03-15T14:00", None, "Bell\x07 and <b>tags</b>")]):
            record = SessionRecord(patient_ref=f"MRN-{i}", clinician="Dr Okafor", held_at=held, decision=decision,
                                   notes=notes, status="Incomplete", answers={"pregnancy": "no"})
            sid = store.create(record, "Dr Okafor")
        store.amend(sid, SessionRecord(**{**record.__dict__, "decision": "refer"}), "Dr Haddad", "Team meeting")
    yield folder
    paths.set_data_dir(None)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_newest_first(capsys, data_dir):
    code, out, err = run(capsys, "--data-dir", str(data_dir), "sessions", "list")
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[:3] == ["ID", "HELD", "AT"]
    assert [line.split()[0] for line in lines[1:]] == ["3", "2", "1"]
    assert "2026-03-15 14:00" in lines[1] and "refer" in lines[1]
    assert "\x07" not in out and "\\x07" not in out  # notes are not listed; nothing raw reaches the terminal
    assert "3 of 3 sessions" in err


def test_list_filters_and_json(capsys, data_dir):
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "sessions", "list", "--from", "2026-02-01",
                       "--to", "2026-03-15", "--decision", "defer", "refer", "--json")
    assert code == 0 and [r["patient_ref"] for r in json.loads(out)] == ["MRN-2", "MRN-1"]
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "sessions", "list", "--decision", "none", "--json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "sessions", "list", "--limit", "1", "--json")
    assert [r["session_id"] for r in json.loads(out)] == [3]


def test_search(capsys, data_dir):
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "sessions", "search", "worried cos", "--json")
    assert code == 0 and [r["patient_ref"] for r in json.loads(out)] == ["MRN-1"]
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "sessions", "search", '"AND* -', "--json")
    assert code == 0 and [r["session_id"] for r in json.loads(out)] == [3]  # "and" is a word here, not an operator


def test_show_with_history(capsys, data_dir):
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "sessions", "show", "3", "--history")
    assert code == 0
    assert "notes: Bell\\x07 and <b>tags</b>" in out
    # numbered within the session (not database ids), the amendment named, old -> new values
    assert "revision 2 (amendment) by Dr Haddad" in out and "'Team meeting': decision: (blank) \u2192 refer" in out
    assert "revision 1 (saved) by Dr Okafor" in out and "first version" in out
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "sessions", "show", "3", "--json")
    assert json.loads(out)["record"]["notes"] == "Bell\x07 and <b>tags</b>"


def test_export_and_backup(capsys, data_dir, tmp_path):
    out_csv, out_json, copy = tmp_path / "s.csv", tmp_path / "s.json", tmp_path / "copy.sqlite3"
    assert run(capsys, "--data-dir", str(data_dir), "sessions", "export", "--format", "csv", "--out",
               str(out_csv))[0] == 0
    with open(out_csv, encoding="utf-8-sig", newline="") as f:
        assert [r["patient_ref"] for r in csv.DictReader(f)] == ["MRN-2", "MRN-1", "MRN-0"]
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "sessions", "export", "--format", "json", "--out",
                       str(out_json), "--id", "1", "--id", "3")
    assert code == 0 and "Exported 2 sessions" in out
    assert [i["session_id"] for i in json.loads(out_json.read_text())] == [1, 3]
    assert run(capsys, "--data-dir", str(data_dir), "sessions", "backup", "--out", str(copy))[0] == 0
    with SessionStore.open(copy) as store:
        assert store.count() == 3
    for path in (out_csv, out_json, copy):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("argv,fragment", [
    (["sessions", "show", "99"], "There is no session 99"),
    (["sessions", "export", "--format", "csv", "--out", "/nonexistent-folder/x.csv"], "nonexistent-folder"),
])
def test_errors_are_one_line_with_exit_code_2(capsys, data_dir, argv, fragment):
    code, out, err = run(capsys, "--data-dir", str(data_dir), *argv)
    assert code == 2 and out == "" and fragment in err
    assert err.startswith("decisionaid sessions: ") and err.count("\n") == 1 and "Traceback" not in err


def test_a_damaged_file_is_reported_not_a_traceback(capsys, data_dir):
    (data_dir / paths.DATABASE_NAME).write_bytes(b"garbage" * 1000)
    code, _, err = run(capsys, "--data-dir", str(data_dir), "sessions", "list")
    assert code == 2 and "damaged" in err and "moved aside" in err
    assert list(data_dir.glob("sessions.sqlite3.damaged-*"))


def test_a_bad_date_is_an_argument_error(capsys, data_dir):
    with pytest.raises(SystemExit) as caught:
        main(["--data-dir", str(data_dir), "sessions", "list", "--from", "2026-02-30"])
    assert caught.value.code == 2 and "use YYYY-MM-DD" in capsys.readouterr().err


def test_the_data_dir_comes_from_the_environment_too(tmp_path):
    out = subprocess.run([sys.executable, "-m", "decisionaid", "sessions", "list", "--json"], capture_output=True,
                         text=True, env={"PYTHONPATH": str(SRC), "PATH": "", "DECISIONAID_DATA_DIR": str(tmp_path)})
    assert out.returncode == 0 and json.loads(out.stdout) == []
    assert (tmp_path / paths.DATABASE_NAME).exists() and (tmp_path / "backups").is_dir()


def test_sessions_commands_load_no_qt_reportlab_or_pandas(tmp_path):
    code = ("import sys, io, contextlib\nfrom decisionaid.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
            f"    main(['--data-dir', {str(tmp_path)!r}, 'sessions', 'list'])\n"
            "print([m for m in ('PySide6', 'reportlab', 'pandas', 'numpy') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PATH": ""})
    assert out.stdout.strip() == "[]"


def test_the_parser_reads_the_decisions_only_for_a_command_that_needs_them(tmp_path):
    """Building the parser (every command) leaves the checklist unread; `sessions list --decision` reads it."""
    code = ("import sys, io, contextlib\nfrom decisionaid.cli import build_parser, main\nbuild_parser()\n"
            "print('decisionaid.checklist.items' in sys.modules)\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
            f"    main(['--data-dir', {str(tmp_path)!r}, 'sessions', 'list', '--decision', 'proceed'])\n"
            "print('decisionaid.checklist.items' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PATH": ""})
    assert out.stdout.split() == ["False", "True"]


def test_an_unreadable_checklist_is_one_line_when_a_decision_is_checked(tmp_path, monkeypatch, capsys):
    shutil.copytree(SRC.parent / "resources", tmp_path / "resources")
    (tmp_path / "resources" / "checklist" / "checklist.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("DECISIONAID_RESOURCES", str(tmp_path / "resources"))
    with pytest.raises(SystemExit) as caught:
        main(["--data-dir", str(tmp_path / "data"), "sessions", "list", "--decision", "proceed"])
    err = capsys.readouterr().err
    assert caught.value.code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("decisionaid sessions: Checklist checklist.json: is not valid JSON")
