"""A sessions file that refuses to open is never replaced silently, and someone else's database is never changed.

After a damaged (or 0-byte) file is moved aside, every later command and the window say so, and where it went,
until the clinician restores a backup or chooses to start with an empty file. A SQLite file of another program at
the sessions path is refused without a byte of it (or beside it) changing. Real files in tmp_path throughout.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from decisionaid import paths
from decisionaid.cli import main
from decisionaid.sessions import setaside
from decisionaid.sessions.errors import StoreCorrupt, StoreForeign, StoreSetAside
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore

REC = SessionRecord(patient_ref="MRN-1", clinician="Dr Okafor", held_at="2026-03-14T09:30", notes="kept")


@pytest.fixture
def db(data_dir) -> Path:
    yield data_dir / paths.DATABASE_NAME
    paths.set_data_dir(None)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def with_a_backup(db: Path) -> Path:
    with SessionStore.open(db) as store:
        store.create(REC, "Dr Okafor")
        return store.automatic_backup().path


def overwrite_header(db: Path) -> None:
    with open(db, "r+b") as f:
        f.write(b"not a database, a failing disk wrote here" * 50)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- set aside: the next command says so -----------------------------------------------------------------------

def test_after_a_damaged_file_is_set_aside_every_command_says_so_until_the_clinician_chooses(capsys, db):
    with_a_backup(db)
    overwrite_header(db)
    code, out, err = run(capsys, "sessions", "list")
    assert code == 2 and out == "" and "damaged" in one_line(err)
    moved = next(db.parent.glob("sessions.sqlite3.damaged-*"))
    assert f"moved aside to {moved.name}" in err and "sessions start-empty" in err
    for argv in (["sessions", "list"], ["sessions", "search", "kept"], ["sessions", "export", "--format", "csv",
                                                                       "--out", str(db.parent / "x.csv")]):
        code, out, err = run(capsys, *argv)  # before: exit 0 and "0 of 0 sessions" from a new empty file
        assert code == 2 and out == "" and "0 of 0" not in err
        assert err.startswith("decisionaid sessions: The sessions file was set aside.")
        assert f"moved aside to {moved.name} on " in one_line(err) and "nothing was deleted" in err
        assert "decisionaid sessions restore " + str(db.parent / "backups") in err
        assert "decisionaid sessions start-empty" in err
    assert not db.exists() and not (db.parent / "x.csv").exists()
    code, out, err = run(capsys, "record", "--session", "1", "--out", str(db.parent / "r.pdf"))
    assert code == 2 and "The sessions file was set aside" in one_line(err)
    code, out, err = run(capsys, "sessions", "start-empty")
    assert code == 0 and out == (f"Going on with an empty sessions file. {moved.name} is kept in {db.parent} "
                                 "(nothing was deleted).\n")
    code, out, err = run(capsys, "sessions", "list")
    assert code == 0 and "0 of 0 sessions" in err  # now by choice
    assert moved.exists()


def test_restoring_a_backup_ends_the_reminder(capsys, db):
    backup = with_a_backup(db)
    overwrite_header(db)
    with pytest.raises(StoreCorrupt):
        SessionStore.open(db)
    with pytest.raises(StoreSetAside) as caught:
        SessionStore.open(db)
    assert [b.path for b in caught.value.backups] == [backup]
    code, out, err = run(capsys, "sessions", "restore", str(backup))
    assert code == 0 and out == f"Restored sessions from {backup}\n"
    code, out, _ = run(capsys, "sessions", "show", "1", "--json")
    assert code == 0 and json.loads(out)["record"]["notes"] == "kept"
    assert not setaside.note_path(db).exists()


def test_the_note_is_owner_only_and_names_the_moved_file(db):
    with_a_backup(db)
    overwrite_header(db)
    with pytest.raises(StoreCorrupt) as caught:
        SessionStore.open(db)
    note = setaside.note_path(db)
    assert stat.S_IMODE(note.stat().st_mode) == 0o600
    data = json.loads(note.read_text())
    assert data["moved_to"] == caught.value.moved_to.name and data["at"].endswith("+00:00")


def test_a_note_that_cannot_be_read_still_stops_the_silent_empty_store(db):
    db.parent.mkdir(parents=True)
    setaside.note_path(db).write_bytes(b"\xff not json")
    with pytest.raises(StoreSetAside) as caught:
        SessionStore.open(db)
    assert caught.value.moved_to is None and "moved aside" in str(caught.value)
    assert not db.exists()


def test_a_zero_byte_file_is_damage_not_a_new_store(capsys, db):
    db.parent.mkdir(parents=True)
    db.write_bytes(b"")
    code, out, err = run(capsys, "sessions", "list")
    assert code == 2 and "The sessions file is empty (0 bytes)" in one_line(err) and "moved aside" in err
    moved = next(db.parent.glob("sessions.sqlite3.damaged-*"))
    assert moved.stat().st_size == 0 and not db.exists()
    code, out, err = run(capsys, "sessions", "list")
    assert code == 2 and "set aside" in one_line(err)


def test_a_new_store_is_never_left_as_an_empty_file(db, monkeypatch):
    """The file appears only once made whole: a crash while making it leaves no 0-byte sessions file."""
    from decisionaid.sessions import store as store_module

    def crash(self, check=True):
        raise KeyboardInterrupt  # as if killed before the first write
    monkeypatch.setattr(store_module.SessionStore, "_prepare", crash)
    with pytest.raises(KeyboardInterrupt):
        SessionStore.open(db)
    assert not db.exists() and not [p for p in db.parent.iterdir() if p.is_file()]  # nor a half-made one
    monkeypatch.undo()
    with SessionStore.open(db) as store:  # the next start makes it (and cleans what the crash left)
        assert store.count() == 0
    assert [p.name for p in db.parent.iterdir() if p.is_file()] == [db.name]


def test_at_the_terminal_each_command_prints_one_line_and_no_log_records(db):
    """Run as a clinician would (no test logging set up): Python would print decisionaid's warnings to stderr."""
    with_a_backup(db)
    overwrite_header(db)
    src = str(Path(__file__).resolve().parents[1] / "src")
    for argv in (["sessions", "list"], ["sessions", "list"], ["record", "--session", "1", "--out", str(db.parent / "r.pdf")],
                 ["handout", "--session", "1", "--out", str(db.parent / "h.pdf")]):
        done = subprocess.run([sys.executable, "-m", "decisionaid", "--data-dir", str(db.parent), *argv],
                              capture_output=True, text=True, env={"PYTHONPATH": src, "PATH": ""})
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr.startswith(f"decisionaid {argv[0]}: The sessions file ") and one_line(done.stderr)


# --- the window ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["restore", "start empty"])
def test_the_window_says_the_file_was_set_aside_and_offers_the_choice(qtbot, db, monkeypatch, answer):
    from PySide6.QtWidgets import QMessageBox

    from window import open_window  # tests/window.py

    backup = with_a_backup(db)
    overwrite_header(db)
    with pytest.raises(StoreCorrupt):
        SessionStore.open(db)  # e.g. a command run earlier, or a window killed before the clinician chose
    shown = []
    reply = QMessageBox.Yes if answer == "restore" else QMessageBox.No
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or reply)
    w = open_window(qtbot)
    with qtbot.waitSignal(w.store_replaced, timeout=15000):
        w.store()
    moved = next(db.parent.glob("sessions.sqlite3.damaged-*"))
    assert shown[0].startswith("The sessions file was set aside")
    assert f"moved aside to {moved.name}" in shown[0] and f"Restore the latest backup ({backup.name})?" in shown[0]
    if answer == "restore":
        qtbot.waitUntil(lambda: w.store() is not None, timeout=15000)
        assert w.store().get(1).record.notes == "kept"
    else:
        assert w.store().count() == 0
    assert not setaside.note_path(db).exists() and len(shown) == 1


# --- someone else's database -----------------------------------------------------------------------------------

@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_a_foreign_sqlite_file_is_refused_without_changing_a_byte(capsys, db, journal):
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    conn.execute("INSERT INTO invoices (amount) VALUES (12.5)")
    conn.commit()
    conn.close()
    before = digest(db)
    listing = sorted(p.name for p in db.parent.iterdir())
    code, out, err = run(capsys, "sessions", "list")
    assert code == 2 and out == ""
    assert one_line(err) == ("decisionaid sessions: sessions.sqlite3 is not a decisionaid sessions file. It is a "
                             f"database of another program and was not changed; move it out of {db.parent} or "
                             "choose another data folder.\n")
    with pytest.raises(StoreForeign):
        SessionStore.open(db, check=False)  # as the window opens it
    assert digest(db) == before  # before: switched to WAL (header bytes 18, 19, 27, 95) and our tables added
    assert sorted(p.name for p in db.parent.iterdir() if p.name != "backups") == listing  # no -wal, -shm, note
    assert not setaside.note_path(db).exists()


def test_an_empty_database_and_our_own_files_still_open(db):
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.executescript("CREATE TABLE t (x); DROP TABLE t;")  # a header and no tables (as a crash could leave)
    conn.close()
    assert db.stat().st_size > 0
    with SessionStore.open(db) as store:
        store.create(REC, "Dr Okafor")
    with SessionStore.open(db) as store:
        assert store.count() == 1


def test_a_second_name_left_by_a_kill_while_making_the_file_is_removed(db):
    """Killed between linking the new file into place and removing its temporary name: both names are one file,
    and the temporary one must not outlive it (for instance as a plain copy after encryption)."""
    import os

    with SessionStore.open(db) as store:
        store.create(REC, "Dr Okafor")
    second = db.with_name(f".{db.name}.new-999999999")
    os.link(db, second)
    gone = db.with_name(f".{db.name}.new-999999998-wal")  # half made by a process that is no longer running
    gone.write_bytes(b"")
    with SessionStore.open(db) as store:
        assert store.count() == 1
    assert not second.exists() and not gone.exists()
    assert os.stat(db).st_nlink == 1
