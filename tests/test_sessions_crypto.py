"""Encryption at rest: no plaintext on disk (database, -wal, backups), the passphrase opens it and nothing else does,
a wrong passphrase is told apart from a damaged file, and turning encryption on, off or to a new passphrase keeps
every session, revision and search hit. Real files throughout."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from decisionaid.sessions import backup, connection, crypto
from decisionaid.sessions.errors import PassphraseNeeded, StoreCorrupt, StoreError, WrongPassphrase
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import QuickCheck, SessionStore, read_page

NOTE = "Zanzibar-quokka sertraline 50mg"  # distinctive text to look for in the raw bytes
PASS = "correct horse battery"


def rec(**changes) -> SessionRecord:
    base = SessionRecord(patient_ref="MRN-7731", clinician="Dr Okafor", held_at="2026-03-14T09:30",
                         answers={"pregnancy": "no"}, notes=NOTE, status="Incomplete")
    return dataclasses.replace(base, **changes)


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch):
    """Files made by these tests use 2,000 iterations (production: SQLCipher's 256,000, tested once below)."""
    monkeypatch.setattr(crypto, "KDF_ITERATIONS", 2000)
    yield
    connection.forget_key(locked=False)


def fill(path: Path) -> tuple[int, int]:
    with SessionStore.open(path) as store:
        a = store.create(rec(), "Dr Okafor")
        store.amend(a, rec(decision="proceed"), "Dr Okafor", "Decided on the phone")
        b = store.create(rec(patient_ref="MRN-2", held_at="2026-03-15T10:00", notes="second visit"), "Dr Okafor")
        store.autosave(b, rec(patient_ref="MRN-2", held_at="2026-03-15T10:00", notes="draft ibex"), "Dr Okafor")
        store.automatic_backup()
    return a, b


def everything(path: Path) -> list:
    with SessionStore.open(path) as store:
        return [(s, store.get(s.session_id), store.history(s.session_id, include_autosaves=True))
                for s in store.list_page(limit=100)]


def files_on_disk(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def assert_no_plaintext(folder: Path) -> None:
    leaks = [p.name for p in files_on_disk(folder) if b"quokka" in p.read_bytes() or b"MRN-7731" in p.read_bytes()]
    assert not leaks


def test_encrypting_keeps_everything_and_leaves_no_plaintext_anywhere(tmp_path):
    db = tmp_path / "sessions.sqlite3"
    fill(db)
    before = everything(db)
    assert b"quokka" in db.read_bytes()  # the test can see a leak
    crypto.enable(db, tmp_path / "backups", PASS)
    with SessionStore.open(db) as store:  # while open, the -wal holds new text too
        store.create(rec(patient_ref="MRN-7731", notes=NOTE + " again"), "Dr Okafor")
        assert Path(f"{db}-wal").exists()
        assert_no_plaintext(tmp_path)
        assert [s.session_id for s in store.search("quokka")] == [3, 1]
        store.backup_to(tmp_path / "manual.sqlite3")
        store.automatic_backup()
    assert_no_plaintext(tmp_path)
    assert len(backup.list_backups(tmp_path / "backups")) == 2
    after = everything(db)
    assert [item for item in after if item[0].session_id != 3] == before


def test_the_right_passphrase_opens_it_a_wrong_one_is_named_and_changes_nothing(tmp_path):
    db = tmp_path / "sessions.sqlite3"
    fill(db)
    crypto.enable(db, tmp_path / "backups", PASS)
    crypto.lock()
    with pytest.raises(PassphraseNeeded):
        SessionStore.open(db)
    with pytest.raises(PassphraseNeeded):  # workers too: locked, never "damaged"
        read_page(db, "ibex")
    with pytest.raises(PassphraseNeeded):
        QuickCheck(db).run()
    raw = db.read_bytes()
    with pytest.raises(WrongPassphrase, match="Wrong passphrase"):
        crypto.unlock(db, "correct horse battery staple")
    assert db.read_bytes() == raw and not list(tmp_path.glob("*damaged*"))
    crypto.unlock(db, PASS)
    with SessionStore.open(db) as store:
        assert store.get(1).record.notes == NOTE
    assert read_page(db, "ibex")[0].patient_ref == "MRN-2"  # a worker's read-only connection uses the key too
    assert QuickCheck(db).run() is True


def test_a_damaged_encrypted_file_is_called_damaged_not_a_wrong_passphrase(tmp_path):
    db = tmp_path / "sessions.sqlite3"
    fill(db)
    crypto.enable(db, tmp_path / "backups", PASS)
    crypto.lock()
    data = bytearray(db.read_bytes())
    data[16:4096] = os.urandom(4096 - 16)  # page 1 garbled, salt intact
    db.write_bytes(bytes(data))
    crypto.unlock(db, PASS)  # the key check still says the passphrase is right
    with pytest.raises(StoreCorrupt, match="The sessions file is damaged") as caught:
        SessionStore.open(db)
    assert caught.value.moved_to.exists() and caught.value.backups  # the existing flow: moved aside, backups offered
    backup.restore(caught.value.backups[0], db)
    assert everything(db)[0][1].draft.notes == "draft ibex"


def test_the_encrypted_file_opens_with_the_passphrase_in_plain_sqlcipher(tmp_path, monkeypatch):
    """The production key derivation is SQLCipher's own: the clinician's IT can open the file with the sqlcipher
    shell and the passphrase, without decisionaid."""
    from sqlcipher3 import dbapi2 as sqlcipher

    monkeypatch.setattr(crypto, "KDF_ITERATIONS", 256_000)
    db = tmp_path / "sessions.sqlite3"
    fill(db)
    crypto.enable(db, None, PASS)
    conn = sqlcipher.connect(str(db))
    conn.execute(f"PRAGMA key = '{PASS}'")
    assert conn.execute("SELECT count(*) FROM revisions").fetchone() == (4,)
    conn.close()


def test_turning_encryption_off_gives_back_plain_files_with_everything(tmp_path):
    db = tmp_path / "sessions.sqlite3"
    fill(db)
    before = everything(db)
    crypto.enable(db, tmp_path / "backups", PASS)
    with pytest.raises(WrongPassphrase):
        crypto.disable(db, tmp_path / "backups", "not it at all")
    crypto.disable(db, tmp_path / "backups", PASS)
    assert not crypto.keycheck_path(db).exists() and not crypto.is_enabled(db)
    assert connection.path_is_plain(db)
    assert all(connection.path_is_plain(b.path) for b in backup.list_backups(tmp_path / "backups"))
    assert everything(db) == before
    with SessionStore.open(db) as store:
        assert [s.session_id for s in store.search("ibex")] == [2]


def test_a_new_passphrase_rekeys_the_file_and_its_backups(tmp_path):
    db, folder = tmp_path / "sessions.sqlite3", tmp_path / "backups"
    fill(db)
    crypto.enable(db, folder, PASS)
    before = everything(db)
    crypto.change_passphrase(db, folder, PASS, "a much newer phrase")
    crypto.lock()
    with pytest.raises(WrongPassphrase):
        crypto.unlock(db, PASS)
    crypto.unlock(db, "a much newer phrase")
    assert everything(db) == before
    newest = backup.list_backups(folder)[0]
    backup.check_file(newest.path)  # the backup opens with the new key
    assert_no_plaintext(tmp_path)


def test_backups_are_encrypted_and_restore_with_the_key(tmp_path):
    db, folder = tmp_path / "sessions.sqlite3", tmp_path / "backups"
    crypto.enable(db, folder, PASS)  # encryption on before any session: the new file is created encrypted
    fill(db)
    assert not connection.path_is_plain(db)
    made = backup.list_backups(folder)[0]
    assert not connection.path_is_plain(made.path)
    with SessionStore.open(db) as store:
        store.create(rec(patient_ref="MRN-after"), "Dr Okafor")
    backup.restore(made, db)
    assert [s.patient_ref for s in read_page(db)] == ["MRN-2", "MRN-7731"]
    assert not connection.path_is_plain(db)
    assert_no_plaintext(tmp_path)


def test_restoring_an_old_plain_backup_into_an_encrypted_setup_encrypts_it(tmp_path):
    db, folder = tmp_path / "sessions.sqlite3", tmp_path / "backups"
    fill(db)
    shutil.copy(backup.list_backups(folder)[0].path, tmp_path / "old-plain.sqlite3")
    crypto.enable(db, folder, PASS)
    backup.restore(tmp_path / "old-plain.sqlite3", db)
    assert not connection.path_is_plain(db)
    assert len(read_page(db)) == 2


def test_the_command_line_asks_for_the_passphrase_and_names_a_wrong_one(tmp_path, monkeypatch, capsys):
    import getpass

    from decisionaid import paths
    from decisionaid.cli import common as cli
    from decisionaid.cli import main

    db = tmp_path / "data" / paths.DATABASE_NAME
    fill(db)
    crypto.enable(db, tmp_path / "data" / "backups", PASS)
    connection.forget_key(locked=False)  # a new process
    answers = iter(["wrong passphrase here", PASS])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    monkeypatch.setattr(cli, "_ask_passphrase", lambda prompt="": getpass.getpass(prompt))  # a terminal or not
    try:
        assert main(["--data-dir", str(tmp_path / "data"), "sessions", "list"]) == 2
        assert "Wrong passphrase" in capsys.readouterr().err
        assert main(["--data-dir", str(tmp_path / "data"), "sessions", "search", "ibex"]) == 0
        assert "MRN-2" in capsys.readouterr().out
    finally:
        paths.set_data_dir(None)


def test_an_interrupted_passphrase_change_is_settled_by_whichever_passphrase_opens_the_file(tmp_path):
    db = tmp_path / "sessions.sqlite3"
    fill(db)
    key = crypto.enable(db, None, PASS)
    new_key = crypto.derive("the new one!", key.salt, crypto.KDF_ITERATIONS)
    crypto._write_keycheck(db, new_key, crypto.KDF_ITERATIONS, crypto._pending_path(db))
    conn = connection.connect(db, key=key)
    conn.execute(f"PRAGMA rekey = {new_key.pragma()}")  # the file was rekeyed, then the power went
    conn.close()
    crypto.lock()
    with pytest.raises(WrongPassphrase, match="still on the new passphrase"):
        crypto.unlock(db, PASS)  # the old passphrase matches the old key check, but no longer opens the file
    crypto.unlock(db, "the new one!")
    assert not crypto._pending_path(db).exists()
    assert len(everything(db)) == 2
    crypto.lock()
    with pytest.raises(WrongPassphrase):
        crypto.unlock(db, PASS)


def test_without_its_key_check_the_passphrase_is_tried_on_the_file_and_the_newest_backup(tmp_path):
    db, folder = tmp_path / "sessions.sqlite3", tmp_path / "backups"
    fill(db)
    crypto.enable(db, folder, PASS)
    crypto.keycheck_path(db).unlink()
    crypto.lock()
    with pytest.raises(WrongPassphrase, match=r"confirms the passphrase \(sessions.sqlite3.keycheck\) is missing"):
        crypto.unlock(db, "not the passphrase")
    data = bytearray(db.read_bytes())
    data[16:4096] = os.urandom(4096 - 16)
    db.write_bytes(bytes(data))
    crypto.unlock(db, PASS)  # the file does not open, the backup does: the passphrase is right
    assert crypto.keycheck_path(db).exists()
    with pytest.raises(StoreCorrupt, match="damaged"):
        SessionStore.open(db)


def test_copies_set_aside_earlier_are_encrypted_too_and_damaged_ones_are_named(tmp_path):
    db = tmp_path / "sessions.sqlite3"
    fill(db)
    shutil.copy(db, tmp_path / "sessions.sqlite3.replaced-20260101T000000Z")
    damaged = tmp_path / "sessions.sqlite3.damaged-20260102T000000Z"
    damaged.write_bytes(connection.SQLITE_HEADER + b"quokka" + os.urandom(5000))
    folder = tmp_path / "backups"
    bad_backup = folder / "sessions-20260103T000000Z-r9.sqlite3"
    bad_backup.write_bytes(connection.SQLITE_HEADER + os.urandom(5000))
    crypto.enable(db, folder, PASS)
    assert not connection.path_is_plain(tmp_path / "sessions.sqlite3.replaced-20260101T000000Z")
    assert not connection.path_is_plain(backup.list_backups(folder)[0].path)
    assert crypto.plain_leftovers(db, folder) == [damaged, bad_backup]  # told to the clinician; kept for recovery


def test_an_encrypted_backup_from_elsewhere_is_named_as_such_not_restored(tmp_path):
    other, db = tmp_path / "other" / "sessions.sqlite3", tmp_path / "mine" / "sessions.sqlite3"
    fill(other)
    crypto.enable(other, other.parent / "backups", "someone else's phrase")
    foreign = backup.list_backups(other.parent / "backups")[0].path
    connection.forget_key(locked=False)  # encryption off here
    fill(db)
    with pytest.raises(StoreError, match="That backup is encrypted"):
        backup.restore(foreign, db)
    crypto.enable(db, db.parent / "backups", PASS)
    with pytest.raises(StoreError, match="encrypted with another passphrase"):
        backup.restore(foreign, db)
    assert len(read_page(db)) == 2  # nothing changed


def test_sqlcipher_errors_map_to_the_same_messages_as_sqlite_ones(tmp_path):
    """SQLCipher raises its own exception classes: busy, full, read-only and too-new must still be told apart."""
    from decisionaid.sessions.errors import StoreFull, StoreLocked, StoreReadOnly, StoreTooNew

    path = tmp_path / "sessions.sqlite3"
    crypto.enable(path, None, PASS)
    store = SessionStore.open(path, busy_timeout_ms=100)
    assert type(store.db.conn).__module__.startswith("sqlcipher3")
    sid = store.create(rec(), "Dr Okafor")
    other = connection.connect(path)
    other.isolation_level = None
    other.execute("BEGIN EXCLUSIVE")
    with pytest.raises(StoreLocked) as caught:
        store.save(sid, rec(notes="keep me"), "Dr Okafor")
    assert caught.value.record == rec(notes="keep me")
    other.execute("ROLLBACK")
    other.close()
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(StoreFull):
        store.autosave(sid, rec(notes="x" * 200_000), "Dr Okafor")
    store.db.execute("PRAGMA max_page_count = 1073741823")
    store.db.execute("PRAGMA query_only = ON")
    with pytest.raises(StoreReadOnly):
        store.save(sid, rec(notes="later"), "Dr Okafor")
    store.db.execute("PRAGMA query_only = OFF")
    store.db.execute("PRAGMA user_version = 7")
    store.close()
    with pytest.raises(StoreTooNew):
        SessionStore.open(path)
    assert not list(tmp_path.glob("*damaged*"))


# --- issue 12: no path through encryption loses a note ----------------------------------------------------------

def test_a_lost_key_check_asks_for_the_passphrase_instead_of_setting_the_store_aside(tmp_path, monkeypatch, capsys):
    import getpass

    from decisionaid import paths
    from decisionaid.cli import common as cli
    from decisionaid.cli import main

    data = tmp_path / "data"
    db = data / paths.DATABASE_NAME
    fill(db)
    crypto.enable(db, data / "backups", PASS)
    crypto.keycheck_path(db).unlink()
    connection.forget_key(locked=False)  # a new process
    asked = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": asked.append(prompt) or PASS)
    monkeypatch.setattr(cli, "_ask_passphrase", lambda prompt="": getpass.getpass(prompt))  # a terminal or not
    try:
        assert main(["--data-dir", str(data), "sessions", "list"]) == 0
        captured = capsys.readouterr()
        assert "MRN-2" in captured.out and "2 of 2 sessions" in captured.err
    finally:
        paths.set_data_dir(None)
    assert asked and crypto.keycheck_path(db).exists()  # asked once, and the check is written again
    assert not list(data.glob("*damaged*"))
    connection.forget_key(locked=False)
    with pytest.raises(PassphraseNeeded):  # opening without the passphrase never reads it as plain
        SessionStore.open(db)
    assert not list(data.glob("*damaged*"))


def test_a_damaged_encrypted_page_is_called_damaged_not_an_sql_logic_error(tmp_path):
    db = tmp_path / "sessions.sqlite3"
    with SessionStore.open(db) as store:
        for n in range(30):
            store.create(rec(notes=f"{NOTE} {n} " + "x" * 3000), "Dr Okafor")
    crypto.enable(db, tmp_path / "backups", PASS)
    crypto.lock()
    data = db.read_bytes()
    db.write_bytes(data[:-4096] + os.urandom(4096))  # the last page fails its HMAC check
    crypto.unlock(db, PASS)
    with pytest.raises(StoreCorrupt) as caught:
        SessionStore.open(db)
    assert "SQL logic error" not in str(caught.value)
    assert caught.value.title == "The sessions file is damaged" and caught.value.moved_to.exists()


def test_a_database_left_aside_by_a_killed_conversion_is_put_back_not_replaced_by_an_empty_one(tmp_path):
    """What decisionaid before this version left when killed between its two renames: no sessions file, the data in
    a hidden `.old` (and the copy in `.converting`)."""
    db = tmp_path / "sessions.sqlite3"
    fill(db)
    os.replace(db, tmp_path / ".sessions.sqlite3.old")
    shutil.copy(tmp_path / ".sessions.sqlite3.old", tmp_path / ".sessions.sqlite3.converting")
    with SessionStore.open(db) as store:
        assert store.count() == 2
    assert not (tmp_path / ".sessions.sqlite3.old").exists()
    assert not (tmp_path / ".sessions.sqlite3.converting").exists()


def killed_backup(db: Path, folder: Path) -> None:
    """A child takes a backup and is killed (os._exit, no clean-up) just before its temporary file is renamed."""
    pid = os.fork()
    if pid == 0:
        try:
            store = SessionStore.open(db, backup_dir=folder)
            os.replace = lambda *a, **k: os._exit(137)
            backup.take(store.db.conn, db, folder, "-before-v9")
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 137


def test_a_backup_killed_part_way_leaves_no_copy_behind_at_the_next_open(tmp_path, caplog):
    import logging

    db, folder = tmp_path / "sessions.sqlite3", tmp_path / "backups"
    fill(db)
    with SessionStore.open(db) as store:
        store.create(rec(patient_ref="MRN-3"), "Dr Okafor")
    killed_backup(db, folder)
    left = [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1 and b"quokka" in left[0].read_bytes()  # a plain copy of every session
    with caplog.at_level(logging.INFO):
        SessionStore.open(db, backup_dir=folder).close()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
    assert left[0].name in caplog.text and "quokka" not in caplog.text and "MRN" not in caplog.text
    assert len(read_page(db)) == 3


def test_a_backup_being_written_by_another_process_is_left_alone(tmp_path):
    import fcntl

    db, folder = tmp_path / "sessions.sqlite3", tmp_path / "backups"
    fill(db)
    writing = folder / ".sessions-20260101T000000Z-r9.sqlite3.abc123.tmp"
    shutil.copy(db, writing)
    fd = os.open(writing, os.O_RDONLY)
    pid = os.fork()
    if pid == 0:  # the other process holds the writer's lock
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.read(os.open(os.devnull, os.O_RDONLY), 1)
        import time
        time.sleep(30)
        os._exit(0)
    try:
        import time
        time.sleep(0.3)
        SessionStore.open(db, backup_dir=folder).close()
        assert writing.exists()
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)
    SessionStore.open(db, backup_dir=folder).close()
    assert not writing.exists()  # its writer is gone: removed


def test_turning_encryption_on_removes_the_plain_copies_a_killed_backup_left(tmp_path):
    db, folder = tmp_path / "sessions.sqlite3", tmp_path / "backups"
    fill(db)
    killed_backup(db, folder)
    crypto.enable(db, folder, PASS)
    assert_no_plaintext(tmp_path)


def test_encryption_killed_after_the_swap_finishes_the_backups_once_the_passphrase_is_given(tmp_path, monkeypatch):
    """Killed after the database was encrypted, before its backups: they are named as plain until the passphrase is
    given at the next start, then encrypted; the database is never called damaged."""
    db, folder = tmp_path / "sessions.sqlite3", tmp_path / "backups"
    fill(db)
    before = everything(db)
    pid = os.fork()
    if pid == 0:
        monkeypatch.setenv(crypto.FAULT_ENV, "5")  # journal, key check, copy written, before swap, swapped
        crypto._step_count = 0
        try:
            crypto.enable(db, folder, PASS)
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WTERMSIG(status) == 9
    assert not connection.path_is_plain(db) and crypto.pending_change(db) == "enable"
    assert crypto.plain_leftovers(db, folder) == [b.path for b in backup.list_backups(folder)]
    assert crypto.needs_passphrase(db)
    crypto.unlock(db, PASS)
    assert crypto.pending_change(db) is None and crypto.plain_leftovers(db, folder) == []
    assert everything(db) == before
    assert_no_plaintext(tmp_path)


def test_a_plain_file_damaged_at_its_first_bytes_is_still_called_damaged_not_locked(tmp_path):
    db = tmp_path / "sessions.sqlite3"
    fill(db)
    shutil.rmtree(tmp_path / "backups")  # no backup tells encryption was never on
    data = bytearray(db.read_bytes())
    data[:16] = os.urandom(16)
    db.write_bytes(bytes(data))
    assert not crypto.needs_passphrase(db)
    with pytest.raises(StoreCorrupt):
        SessionStore.open(db)


@pytest.mark.parametrize("nth_rename", [1, 2, 3, 4])
def test_the_command_line_after_a_killed_encryption_shows_every_session(tmp_path, monkeypatch, capsys, nth_rename):
    """Killed (no clean-up) at the Nth rename of turning encryption on; the next command recovers by itself, asks
    for the passphrase only if the file is encrypted by then, and lists both sessions (never "0 of 0")."""
    import getpass

    from decisionaid import paths
    from decisionaid.cli import common as cli
    from decisionaid.cli import main

    data = tmp_path / "data"
    db = data / paths.DATABASE_NAME
    fill(db)
    pid = os.fork()
    if pid == 0:
        real, count = os.replace, [0]

        def dying(*args, **kwargs):
            count[0] += 1
            if count[0] == nth_rename:
                os._exit(137)
            return real(*args, **kwargs)

        os.replace = dying
        try:
            crypto.enable(db, data / "backups", PASS)
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 137
    connection.forget_key(locked=False)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": PASS)
    monkeypatch.setattr(cli, "_ask_passphrase", lambda prompt="": getpass.getpass(prompt))  # a terminal or not
    try:
        assert main(["--data-dir", str(data), "sessions", "list"]) == 0
        assert "2 of 2 sessions" in capsys.readouterr().err
    finally:
        paths.set_data_dir(None)
    assert not list(data.glob("*damaged*")) and not list(data.glob(".*.old"))
