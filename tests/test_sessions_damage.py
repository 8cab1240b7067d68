"""Damage that quick_check cannot see: a revision whose payload is not UTF-8, not JSON or not shaped like a record.

The file itself is sound, so nothing is moved aside; each command names the damaged session and revision in one
line (never quoting the stored bytes), and everything else still works: the list, search, other sessions, and an
export that writes every good session. Real SQLite files, damaged the way a disk or another program would.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from decisionaid import paths
from decisionaid.cli import main
from decisionaid.cli.common import EXPORT_INCOMPLETE
from decisionaid.sessions.errors import RecordDamaged, StoreError
from decisionaid.sessions.export import export_sessions
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore

SECRET = "SECRET-PATIENT-TEXT"
DAMAGE = {
    "not JSON": b'{"patient_ref": "MRN-',
    "not UTF-8": b'{"patient_ref":"' + SECRET.encode() + b'\xff\xfe","clinician":"Dr A","held_at":"2026-01-01T09:00"}',
    "a list": b"[1, 2, 3]",
    "wrong types": b'{"patient_ref": 5, "clinician": ["x"], "held_at": "2026-01-01T09:00", "answers": "yes"}',
    "scores not a list": b'{"patient_ref":"A","clinician":"B","held_at":"2026-01-01T09:00","phq9_items":7}',
    "answers an array": b'{"patient_ref":"A","clinician":"B","held_at":"2026-01-01T09:00","answers":["a","b"]}',
    "deeply nested": b"[" * 100000 + b"]" * 100000,
    "empty": b"",
}


def damage(path: Path, revision_id: int, payload: bytes, column: str = "payload") -> None:
    """Overwrite one revision's column with raw bytes, as a failing disk or another program could (the file's
    own trigger forbids changing a revision, so it is dropped and put back around the change)."""
    conn = sqlite3.connect(path)
    try:
        trigger = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'revisions_never_change'").fetchone()[0]
        conn.execute("DROP TRIGGER revisions_never_change")
        conn.execute(f"UPDATE revisions SET {column} = CAST(? AS TEXT) WHERE id = ?", [payload, revision_id])
        conn.execute(trigger)
        conn.commit()
    finally:
        conn.close()


def record(i: int, **changes) -> SessionRecord:
    return SessionRecord(**{**dict(patient_ref=f"MRN-{i}", clinician="Dr Okafor", held_at=f"2026-01-{i + 1:02d}T09:00",
                                   answers={"pregnancy": "no"}, notes=f"note {i}", status="Incomplete"), **changes})


@pytest.fixture
def five(data_dir) -> Path:
    """Five sessions, one revision each (session N is revision N)."""
    with SessionStore.open(data_dir / paths.DATABASE_NAME) as store:
        for i in range(5):
            store.create(record(i), "Dr Okafor")
    yield data_dir / paths.DATABASE_NAME
    paths.set_data_dir(None)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> None:
    assert err.count("\n") == 1 and "Traceback" not in err and SECRET not in err, err


@pytest.mark.parametrize("kind", DAMAGE)
def test_show_names_the_damaged_revision_in_one_line(capsys, five, kind):
    damage(five, 3, DAMAGE[kind])
    for argv in (["show", "3"], ["show", "3", "--history"], ["show", "3", "--json"]):
        code, out, err = run(capsys, "sessions", *argv)
        assert code == 2 and out == ""
        one_line(err)
        assert err.startswith("decisionaid sessions: Session 3 revision 3 is damaged.")
    code, out, _ = run(capsys, "sessions", "show", "2")
    assert code == 0 and "notes: note 1" in out  # the others are untouched


@pytest.mark.parametrize("kind", DAMAGE)
def test_list_and_search_still_work(capsys, five, kind):
    with SessionStore.open(five) as store:
        draft = store.autosave(3, record(2, notes="draft"), "Dr Okafor")  # a search catches the index up on it
    damage(five, draft, DAMAGE[kind])
    code, out, err = run(capsys, "sessions", "list", "--json")
    assert code == 0 and len(json.loads(out)) == 5
    code, out, err = run(capsys, "sessions", "search", "MRN", "--json")
    assert code == 0 and len(json.loads(out)) == 5 and "Traceback" not in err


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_writes_every_good_session_and_names_each_damaged_one(capsys, five, tmp_path, fmt):
    damage(five, 2, DAMAGE["not JSON"])
    damage(five, 4, DAMAGE["not UTF-8"])
    out_file = tmp_path / f"all.{fmt}"
    code, out, err = run(capsys, "sessions", "export", "--format", fmt, "--out", str(out_file))
    assert code == EXPORT_INCOMPLETE == 3
    assert out == f"Exported 3 sessions to {out_file}\n"
    lines = err.splitlines()
    assert [line.split(" is damaged")[0] for line in lines] == ["decisionaid sessions: Session 4 revision 4",
                                                                "decisionaid sessions: Session 2 revision 2"]
    assert all("left out of the export" in line for line in lines) and SECRET not in err and "Traceback" not in err
    if fmt == "json":
        written = [item["record"]["patient_ref"] for item in json.loads(out_file.read_text(encoding="utf-8"))]
    else:
        with open(out_file, encoding="utf-8-sig", newline="") as f:
            written = [row["patient_ref"] for row in csv.DictReader(f)]
    assert written == ["MRN-4", "MRN-2", "MRN-0"]


def test_export_of_chosen_sessions_leaves_out_only_the_damaged_one(capsys, five, tmp_path):
    damage(five, 3, DAMAGE["wrong types"])
    out_file = tmp_path / "some.json"
    code, out, err = run(capsys, "sessions", "export", "--format", "json", "--out", str(out_file),
                         "--id", "3", "--id", "1")
    assert code == 3 and "Exported 1 sessions" in out and err.count("\n") == 1 and "Session 3 revision 3" in err
    assert [item["session_id"] for item in json.loads(out_file.read_text())] == [1]


def test_a_session_whose_revision_is_missing(capsys, five, tmp_path):
    conn = sqlite3.connect(five)
    conn.execute("DROP TRIGGER sessions_never_deleted")
    conn.execute("UPDATE sessions SET saved_revision = 99, latest_revision = 99 WHERE id = 2")
    conn.commit()
    conn.close()
    code, _, err = run(capsys, "sessions", "show", "2")
    assert code == 2 and err == ("decisionaid sessions: Session 2 revision 99 is missing. That saved version cannot "
                                 "be read; the other sessions are not affected and nothing was changed. Restore a "
                                 "backup to get it back, or ask your IT support for help.\n")
    code, out, err = run(capsys, "sessions", "export", "--format", "csv", "--out", str(tmp_path / "x.csv"))
    assert code == 3 and "Exported 4 sessions" in out and "Session 2 revision 99 is missing" in err


@pytest.mark.parametrize("command", ["record", "handout"])
def test_pdfs_of_a_damaged_session_say_so_in_one_line(capsys, five, tmp_path, command):
    damage(five, 3, DAMAGE["not UTF-8"])
    target = tmp_path / "out.pdf"
    code, out, err = run(capsys, command, "--session", "3", "--out", str(target))
    assert code == 2 and not target.exists()
    one_line(err)
    assert err.startswith(f"decisionaid {command}: Session 3 revision 3 is damaged.")
    assert run(capsys, command, "--session", "2", "--out", str(target))[0] == 0


def test_invalid_utf8_in_a_text_column_is_never_quoted(capsys, five):
    damage(five, 3, SECRET.encode() + b"\xff", column="author")
    code, out, err = run(capsys, "sessions", "show", "3", "--history")
    assert code == 2
    one_line(err)
    assert "Session 3 revision 3 is damaged" in err
    conn = sqlite3.connect(five)
    conn.execute("UPDATE sessions SET clinician = CAST(? AS TEXT) WHERE id = 4", [SECRET.encode() + b"\xff"])
    conn.commit()
    conn.close()
    code, out, err = run(capsys, "sessions", "list", "--json")  # the listing shows the rest, and this row as it can
    assert code == 0 and "Traceback" not in err
    assert [r["clinician"] for r in json.loads(out)] == ["Dr Okafor", SECRET + "\ufffd"] + ["Dr Okafor"] * 3
    conn = sqlite3.connect(five)
    conn.execute("UPDATE sessions SET updated_at = CAST(? AS TEXT) WHERE id = 2", [SECRET.encode() + b"\xff"])
    conn.commit()
    conn.close()
    code, out, err = run(capsys, "sessions", "show", "2")  # read as text elsewhere: one line, nothing quoted
    assert code == 2
    one_line(err)
    assert err.startswith("decisionaid sessions: Some text in the sessions file is damaged.")


def test_the_store_reports_damage_with_ids_and_keeps_working(five):
    damage(five, 5, DAMAGE["a list"])
    with SessionStore.open(five) as store:  # the search index catch-up at open skips it
        with pytest.raises(RecordDamaged) as caught:
            store.get(5)
        assert (caught.value.session_id, caught.value.revision_id) == (5, 5)
        assert isinstance(caught.value, StoreError)
        with pytest.raises(RecordDamaged):
            store.revision(5)
        assert store.get(4).record.patient_ref == "MRN-3"
        store.save(4, record(3, notes="still writable"), "Dr Okafor")
        assert store.get(4).record.notes == "still writable"


def test_an_autosave_with_a_damaged_payload_does_not_stop_the_file_opening(five):
    with SessionStore.open(five) as store:
        draft = store.autosave(2, record(1, notes="draft"), "Dr Okafor")
    damage(five, draft, DAMAGE["not JSON"])  # the search index is behind on it: opening catches it up
    with SessionStore.open(five) as store:
        assert store.count() == 5 and len(store.search("MRN")) == 5
        with pytest.raises(RecordDamaged):
            store.get(2)


def test_the_export_function_says_what_it_left_out(five, tmp_path):
    damage(five, 1, DAMAGE["empty"])
    with SessionStore.open(five) as store:
        written = export_sessions(store, None, "json", tmp_path / "e.json")
    assert written == 4 and [(d.session_id, d.revision_id) for d in written.damaged] == [(1, 1)]


# --- the window ---------------------------------------------------------------------------------------------------

def test_the_window_lists_the_sessions_and_says_which_one_is_damaged(qtbot, five, tmp_path):
    from window import open_window  # tests/window.py

    damage(five, 3, DAMAGE["not UTF-8"])
    w = open_window(qtbot)
    w.show_screen("Sessions")
    sessions = w.screen("Sessions")
    qtbot.waitUntil(lambda: sessions.model.rowCount() == 5, timeout=10000)  # the list does not need the payload
    row = next(r for r in range(5) if sessions.model.session_at(r).session_id == 3)
    sessions.table.selectRow(row)
    w.open_session(3)  # as the Open button does
    consultation = w.screen("Consultation")
    qtbot.waitUntil(lambda: not consultation.opening(), timeout=5000)  # read on the owner thread, shown by signal
    banner = consultation.error_banner.text()
    assert consultation.error_banner.isVisibleTo(w) and SECRET not in banner
    assert banner.startswith("Session 3 revision 3 is damaged. That saved version cannot be read")
    assert consultation.patient.text() != f"{SECRET}"  # nothing of the damaged record was shown
    w.open_session(2)
    qtbot.waitUntil(lambda: not consultation.opening(), timeout=5000)  # read on the owner thread, shown by signal
    assert consultation.patient.text() == "MRN-1" and consultation.mode == "readonly"
    from decisionaid.ui.sessions_view import HistoryDialog

    history = HistoryDialog(w.store(), 3)
    qtbot.addWidget(history)
    qtbot.waitUntil(lambda: not history.reading(), timeout=5000)  # read on the owner thread, shown by signal
    assert history.revisions.count() == 0
    assert history.viewer.toPlainText().startswith("The history could not be read: Session 3 revision 3 is damaged.")
    target = tmp_path / "window.csv"
    w.show_screen("Sessions")
    worker = sessions.export_to(str(target), "csv")
    qtbot.waitUntil(lambda: target.exists() and "Exported" in sessions.message.text(), timeout=10000)
    assert sessions.message.text() == (f"Exported 4 session(s) to {target}. Left out because damaged: session 3 "
                                       "(revision 3); restore a backup to get it back.")
    del worker
