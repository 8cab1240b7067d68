"""Encryption at rest (opt-in): turning it on, off or to a new passphrase, crash-safe, and unlocking the sessions.

The passphrase's key and its key check are keys.py; the copy of one file under another key is keyed_copy.py. This
module changes whole files: turning encryption on copies the plain database into a new encrypted file
(sqlcipher_export), checks the copy holds every session and revision, swaps it in with one rename, then overwrites
the plain original with zeros and deletes it (a plain copy left behind would defeat the point; on SSDs and
copy-on-write file systems old blocks may survive an overwrite, so full-disk encryption is still advised). Backups
are converted the same way. Turning it off is the same in reverse; a new passphrase re-encrypts the database and
each backup the same way (a checked copy renamed over the file; the salt stays). Each of the three is crash-safe:
see "converting files" below. `unlock` checks the passphrase and finishes what an interrupted change left;
`recover` puts right, without the key, what it can.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from decisionaid.files import _fsync_folder as fsync_folder
from decisionaid.files import owner_only, replacing
from decisionaid.sessions import backup as backups_module
from decisionaid.sessions.connection import (Key, connect, current_key, forget_key, is_encrypted, path_is_plain,
                                            set_key)
from decisionaid.sessions.errors import (StoreCorrupt, StoreError, WrongPassphrase, database_errors,
                                         is_corruption, translate)
from decisionaid.sessions.keyed_copy import export_file
from decisionaid.sessions.keys import (KDF_ITERATIONS, check_passphrase, check_value, derive, keycheck_path, opens,
                                       pending_path, read_keycheck, read_previous, seal, unseal, write_keycheck)

# What the window, the command line and the self-test use. KDF_ITERATIONS is read here at each `enable` (tests
# lower it on this module); check_passphrase, derive and keycheck_path are keys.py's, offered here too.
__all__ = ["FAULT_ENV", "KDF_ITERATIONS", "change_passphrase", "check_passphrase", "derive", "disable", "enable",
           "is_enabled", "keycheck_path", "lock", "needs_passphrase", "pending_change", "plain_leftovers",
           "recover", "unlock"]
_write_keycheck, _pending_path = write_keycheck, pending_path  # tests fake an interrupted change of passphrase


def is_enabled(db_path: Path) -> bool:
    """Whether encryption is on for `db_path`: its key check is there and the file is not plain SQLite (a missing
    file will be created encrypted), or the key check is lost but the file looks encrypted (`lost_keycheck`)."""
    db_path = Path(db_path)
    if keycheck_path(db_path).is_file():
        return not path_is_plain(db_path)
    return lost_keycheck(db_path)


def lost_keycheck(db_path: Path) -> bool:
    """The file is not plain SQLite and has no key check beside it: an encrypted file whose check was lost (or a
    file damaged at its very start). It is never opened as plain, which would call it damaged and move it aside:
    the passphrase is asked for and tried on it (`unlock`), and the check written again. Unless every backup
    is plain: encryption was never on, so the file is damaged and the usual message follows."""
    db_path = Path(db_path)
    if keycheck_path(db_path).is_file() or not is_encrypted(db_path) or _damaged_plain_header(db_path):
        return False
    if journal_path(db_path).exists() or pending_path(db_path).exists():
        return True
    backups = _backup_files(db_path.parent / "backups")
    return not backups or not all(path_is_plain(b) for b in backups)


def needs_passphrase(db_path: Path) -> bool:
    """Whether the passphrase must be asked before the sessions can be used. What an interrupted change of
    encryption left is put right first (`recover`), so the answer is about the file as it will be opened."""
    recover(db_path)
    return is_enabled(db_path) and current_key() is None


def lock() -> None:
    """Forget the key: encrypted files are refused (PassphraseNeeded) until `unlock`."""
    forget_key(locked=True)


def unlock(db_path: Path, passphrase: str) -> Key:
    """Check `passphrase` against the key check (slow on purpose: about a third of a second) and keep the key in
    memory for every connection. Raises WrongPassphrase, or StoreError if the key check itself is unreadable.

    A passphrase change interrupted part-way leaves `<keycheck>.pending` (the new passphrase's check): the previous
    passphrase undoes the change while the database is still on it; the new one finishes it (backups included).
    Without any key check (lost) the passphrase is tried on the database and on the newest backup, and the key check
    is written again. An interrupted "on" or "off" is finished once the passphrase is right."""
    db_path = Path(db_path)
    if not keycheck_path(db_path).exists() and not path_is_plain(db_path):
        key = _unlock_without_keycheck(db_path, passphrase)
        _finish_with_key(db_path, key)
        return key
    salt, iterations, expected = read_keycheck(db_path)
    key = derive(passphrase, salt, iterations)
    current = hmac.compare_digest(check_value(key), expected)
    pending = pending_path(db_path)
    if pending.exists():
        with _converting(db_path) as ours:  # never beside a conversion or recovery in another thread/process
            if not ours:
                raise _busy(db_path)
            try:
                _salt, _iterations, pending_check = read_keycheck(db_path, pending)
                is_new = hmac.compare_digest(check_value(key), pending_check)
            except StoreError:
                is_new = False
            if is_new:
                previous = read_previous(pending)
                if previous is not None:
                    _rekey_files(db_path, _journal_backup_dir(db_path, _read_journal(db_path) or {}, None),
                                 unseal(previous, key), key)
                if not opens(db_path, key):
                    raise WrongPassphrase(db_path, "A change of passphrase was interrupted and the sessions file "
                                                   "is still on the previous passphrase: enter that one.")
                _settle_rekey(db_path, key, iterations)
                _log.warning("Sessions file recovery: a change of passphrase was interrupted: finished")
                current = True
            elif current and opens(db_path, key):
                _remove(pending)  # the database was never re-encrypted (it goes first): the change is undone
                _remove(journal_path(db_path))
                _log.warning("Sessions file recovery: a change of passphrase was interrupted before the sessions "
                             "file changed: undone")
            elif current:
                raise WrongPassphrase(db_path, "A change of passphrase was interrupted and the sessions file is "
                                               "still on the new passphrase: enter that one.")
    if not current:
        raise WrongPassphrase(db_path)
    set_key(key)
    _finish_with_key(db_path, key)
    return key


def _unlock_without_keycheck(db_path: Path, passphrase: str) -> Key:
    """The key check is gone: try the passphrase on the database, then on the newest backup (both carry the salt).
    If only the backup opens, the passphrase is right and the database is damaged (the caller's open reports it)."""
    candidates = [db_path] + _backup_files(db_path.parent / "backups")[:1]
    for path in candidates:
        if not path.is_file() or path_is_plain(path):
            continue
        with open(path, "rb") as f:
            salt = f.read(16)
        key = derive(passphrase, salt, KDF_ITERATIONS)
        if opens(path, key):
            write_keycheck(db_path, key, KDF_ITERATIONS)
            set_key(key)
            return key
    raise WrongPassphrase(db_path, f"The small file that confirms the passphrase ({keycheck_path(db_path).name}) "
                                   "is missing, so the passphrase was tried on the sessions file and its newest "
                                   "backup, and neither opened. Check Caps Lock and the keyboard layout and try "
                                   "again; if you are sure the passphrase is right, ask your IT support for help. "
                                   "Nothing was changed.")


def _damaged_plain_header(path: Path) -> bool:
    """Whether `path` is not an encrypted file but a damaged one. An encrypted file's first page is ciphertext:
    4 KB in which nearly every byte value occurs (at least 200 of 256; random data: 256). A plain SQLite file whose
    first 16 bytes were damaged still has SQLite's fixed header bytes 21-23 (64, 32, 32) and much repetition;
    text, zeros or a short file are not encrypted either."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return len(head) < 1024 or head[21:24] == b"\x40\x20\x20" or len(set(head)) < 200


# --- converting files -----------------------------------------------------------------------------------------
#
# Turning encryption on, off or to a new passphrase is a sequence of steps, each one atomic, recorded in a journal
# (`.<database>.encryption-journal`, written and flushed to disk before the first file changes). Every file is
# converted into a checked copy beside it and swapped in with ONE rename over the old name, so at every instant each
# name holds one complete file, in its old form or its new one; the key check for the new key is on disk before the
# database is swapped. A run that is killed part-way is finished or undone at the next start (`recover`, no key
# needed; `unlock`, with the key) as the journal says:
#
#   on:  key check written -> database swapped -> backups swapped -> journal removed. Killed before the database was
#        swapped: undone (the key check goes; nothing else was touched). After: finished once the passphrase is given
#        (backups still plain until then are named by `plain_leftovers`).
#   off: backups swapped -> database swapped -> key check removed -> journal removed. Killed before the database was
#        swapped: finished once the passphrase is given. After: finished at once (only the key check is left).
#   new passphrase: the new key check is written beside the current one (`.keycheck-pending`, with the previous key
#        sealed under the new one) -> database swapped -> backups swapped -> key check replaced -> journal removed.
#        Killed before the database was swapped: the previous passphrase still opens it and undoes the change. After:
#        the new passphrase opens it and finishes the change, backups included (the previous key is unsealed for
#        them); the previous passphrase is then told to give the new one.

JOURNAL_SUFFIX = ".encryption-journal"
FAULT_ENV = "DECISIONAID_KILL_AT_STEP"  # drills only: SIGKILL this process at the Nth named step (see docs/drills.md)
_step_count = 0
_log = logging.getLogger(__name__)  # file names and step names only, never patient text


def _step(name: str) -> None:
    """A named point between two durable changes: the drills kill the process here (`FAULT_ENV`)."""
    global _step_count
    _step_count += 1
    wanted = os.environ.get(FAULT_ENV)
    if wanted and wanted.isdigit() and int(wanted) == _step_count:
        sys.stderr.flush()
        if hasattr(signal, "SIGKILL"):
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(137)


def journal_path(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(f".{db_path.name}{JOURNAL_SUFFIX}")


def _read_journal(db_path: Path) -> dict | None:
    try:
        data = json.loads(journal_path(db_path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {"op": "unknown"}
    return data if isinstance(data, dict) else {"op": "unknown"}


def _write_journal(db_path: Path, op: str, backup_dir: Path | None, step: str) -> None:
    data = {"format": 1, "op": op, "step": step, "backup_dir": os.fspath(backup_dir) if backup_dir else None}
    with replacing(journal_path(db_path)) as tmp:  # flushed, renamed, folder flushed
        tmp.write_text(json.dumps(data) + "\n", encoding="utf-8")


def _remove(path: Path) -> None:
    """Unlink and make it durable (the folder is flushed)."""
    try:
        path.unlink()
    except FileNotFoundError:
        return
    fsync_folder(path.parent)


def _journal_backup_dir(db_path: Path, journal: dict, backup_dir: Path | None) -> Path | None:
    if backup_dir is not None:
        return Path(backup_dir)
    named = journal.get("backup_dir")
    return Path(named) if isinstance(named, str) and named else db_path.parent / "backups"


@contextmanager
def _converting(db_path: Path) -> Iterator[bool]:
    """Hold `.<database>.encryption-lock` while converting or recovering: yields False (do nothing) when another
    process holds it, i.e. is converting right now."""
    path = Path(db_path).with_name(f".{Path(db_path).name}.encryption-lock")
    try:
        with owner_only():
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield True  # a folder that cannot hold the lock file: its other errors are reported elsewhere
        return
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:
            pass
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def _converting_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.converting")


def _old_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.old")


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _convert_in_place(path: Path, source_key: Key | None, target_key: Key | None) -> None:
    """Replace `path` by a converted, checked copy with one rename, so `path` always names a complete file. A plain
    original is overwritten with zeros afterwards through a second name (hard link) kept for that."""
    _checkpoint(path, source_key)
    tmp = _converting_path(path)
    _discard_temp(tmp)
    try:
        with owner_only():
            export_file(path, source_key, tmp, target_key)
        _fsync_file(tmp)
    except BaseException:
        _discard_temp(tmp)
        raise
    _step(f"copy written: {path.name}")
    old = _old_path(path) if source_key is None else None
    if old is not None:
        _discard_old(path)
        try:
            os.link(path, old)
        except OSError:
            old = None  # a file system without hard links: the old blocks are freed, not overwritten
    _step(f"before swap: {path.name}")
    os.replace(tmp, path)
    fsync_folder(path.parent)
    _step(f"swapped: {path.name}")
    if old is not None:
        wipe(old)
        fsync_folder(path.parent)


def _checkpoint(path: Path, key: Key | None) -> None:
    """Fold the -wal into the file and leave no -wal/-shm (they belong to the old file, not the converted one)."""
    try:
        conn = connect(path, key=key)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()
    except database_errors() as exc:
        if is_corruption(exc):
            raise StoreCorrupt(path, None, title="The sessions file could not be converted") from exc
        raise translate(exc, path) from exc


def wipe(path: Path) -> None:
    """Overwrite a file with zeros, flush it to disk and delete it (best effort: see the module's note)."""
    try:
        size = path.stat().st_size
        with open(path, "r+b") as f:
            block = b"\0" * 65536
            for _ in range(0, size, len(block)):
                f.write(block)
            f.flush()
            os.fsync(f.fileno())
    except FileNotFoundError:
        return
    path.unlink(missing_ok=True)


def _discard_temp(path: Path) -> bool:
    """Remove a temporary copy and its SQLite companions: overwritten first if it is plain. True if one was there."""
    found = False
    for p in [path, *(Path(f"{path}{s}") for s in ("-journal", "-wal", "-shm"))]:
        if p.exists():
            found = True
            wipe(p) if path_is_plain(p) or p != path else p.unlink(missing_ok=True)
    return found


def _discard_old(path: Path) -> None:
    """`.<name>.old`: the second name of a plain original (to be overwritten), or, written by decisionaid before
    this version, the original itself while `path` is missing: then it is put back."""
    old = _old_path(path)
    if not old.exists():
        return
    if not path.exists():
        os.replace(old, path)
        fsync_folder(path.parent)
        _log.warning("Encryption change interrupted: %s put back from %s", path.name, old.name)
        return
    if os.path.samefile(old, path):
        old.unlink()  # the same file under two names: the swap never happened, nothing to overwrite
    else:
        wipe(old)
    fsync_folder(path.parent)


def _backup_files(backup_dir: Path | None) -> list[Path]:
    return [b.path for b in backups_module.list_backups(backup_dir)] if backup_dir else []


def _leftovers_of_conversions(db_path: Path, folder: Path) -> list[Path]:
    """`.<name>.old` / `.<name>.converting` in `folder` for the database, a copy of it set aside, or a backup: what
    a killed conversion leaves."""
    if not folder.is_dir():
        return []
    found = []
    for p in folder.glob(".*"):
        if p.name.endswith((".old", ".converting")):
            name = p.name[1:].rsplit(".", 1)[0]
            if name.startswith(db_path.name) or backups_module.is_backup_name(name):
                found.append(p)
    return sorted(found)


def set_aside_files(db_path: Path) -> list[Path]:
    """Earlier copies of the database moved aside (damaged, or replaced by a restore) that are still plain."""
    db_path = Path(db_path)
    found = []
    for path in sorted(db_path.parent.glob(f"{db_path.name}.*")):
        if not path.name.endswith((".keycheck", ".keycheck-pending", "-wal", "-shm")) and path_is_plain(path):
            found.append(path)
    return found


def encrypt_set_aside(db_path: Path, key: Key) -> list[Path]:
    """Encrypt the healthy copies moved aside earlier; returns those left plain (damaged ones cannot be converted,
    and are kept for recovery: the clinician is told to delete them once they are not needed)."""
    left = []
    for path in set_aside_files(db_path):
        try:
            _convert_in_place(path, None, key)
        except StoreError:
            left.append(path)
    return left


def recover(db_path: Path, backup_dir: Path | None = None) -> list[str]:
    """At every open, before anything reads the sessions file (no key needed): put back or clear what a killed
    conversion left, remove stale temporary copies (backups.clean_temporary_files), and finish or undo a change of
    encryption that the journal says was interrupted, where that needs no key (`unlock` does the rest). Returns
    what was done, in words for the log (file names only)."""
    db_path = Path(db_path)
    done: list[str] = []
    if not _anything_to_recover(db_path, backup_dir):
        return done  # the usual case: nothing is created or changed
    with _converting(db_path) as ours:
        if not ours:
            return done  # another process is converting right now
        journal = _read_journal(db_path)
        folder = _journal_backup_dir(db_path, journal or {}, backup_dir)
        for where in (db_path.parent, folder):
            for leftover in _leftovers_of_conversions(db_path, where):
                original = leftover.with_name(leftover.name[1:].rsplit(".", 1)[0])
                if leftover.name.endswith(".old"):
                    _discard_old(original)
                elif _discard_temp(leftover):
                    fsync_folder(where)
                done.append(f"cleared {leftover.name}")
        done += [f"removed {p.name}" for p in backups_module.clean_temporary_files(db_path, folder)]
        for tmp in [*db_path.parent.glob(f".{keycheck_path(db_path).name}*.tmp"),
                    *db_path.parent.glob(f".{journal_path(db_path).name}.*.tmp")]:
            _remove(tmp)  # a key check or journal being written (under this lock): no patient text in it
            done.append(f"removed {tmp.name}")
        if journal is not None:
            done += _recover_without_key(db_path, journal)
    for line in done:
        _log.warning("Sessions file recovery: %s", line)
    return done


def _anything_to_recover(db_path: Path, backup_dir: Path | None) -> bool:
    folder = Path(backup_dir) if backup_dir is not None else db_path.parent / "backups"
    if journal_path(db_path).exists():
        return True
    for where in (db_path.parent, folder):
        if where.is_dir() and any(p.name.endswith((".old", ".converting", ".tmp", "-journal", "-wal", "-shm"))
                                  for p in where.glob(".*")):
            return True
    return False


def _recover_without_key(db_path: Path, journal: dict) -> list[str]:
    op = journal.get("op")
    encrypted = db_path.exists() and db_path.stat().st_size > 0 and not path_is_plain(db_path)
    if op == "enable" and not encrypted:
        _remove(keycheck_path(db_path))
        _remove(journal_path(db_path))
        return ["turning encryption on was interrupted before the sessions file changed: undone"]
    if op == "disable" and not encrypted:
        _remove(keycheck_path(db_path))
        _remove(pending_path(db_path))
        _remove(journal_path(db_path))
        return ["turning encryption off was interrupted after the sessions file was decrypted: finished"]
    if op == "rekey" and not pending_path(db_path).exists():
        _remove(journal_path(db_path))  # killed before the new key check was written: nothing else changed
        return ["a change of passphrase was interrupted before anything changed: undone"]
    if op not in ("enable", "disable", "rekey"):
        _remove(journal_path(db_path))  # unreadable: every file is whole anyway; the key check decides the rest
        return ["an unreadable encryption journal was removed"]
    return []  # needs the key: `unlock` finishes it


def pending_change(db_path: Path) -> str | None:
    """The change of encryption ("enable", "disable", "rekey") still to finish once the passphrase is given."""
    journal = _read_journal(Path(db_path))
    return journal.get("op") if journal else None


def _finish_with_key(db_path: Path, key: Key, backup_dir: Path | None = None) -> None:
    """After the passphrase was checked: finish an interrupted "on" or "off" (a new passphrase is settled by
    `unlock` itself)."""
    with _converting(db_path) as ours:
        journal = _read_journal(db_path) if ours else None
        if journal is None:
            return
        folder = _journal_backup_dir(db_path, journal, backup_dir)
        if journal.get("op") == "enable":
            _enable_backups(db_path, folder, key)
            _remove(journal_path(db_path))
            _log.warning("Sessions file recovery: turning encryption on was interrupted: finished")
        elif journal.get("op") == "disable":
            _disable_files(db_path, folder, key)
            _log.warning("Sessions file recovery: turning encryption off was interrupted: finished")


def _enable_backups(db_path: Path, backup_dir: Path | None, key: Key) -> None:
    for path in _backup_files(backup_dir):
        if path_is_plain(path):
            try:
                _convert_in_place(path, None, key)
            except StoreError:
                _log.warning("Backup %s could not be encrypted (damaged); it stays as it is", path.name)
    encrypt_set_aside(db_path, key)


def enable(db_path: Path, backup_dir: Path | None, passphrase: str, iterations: int | None = None) -> Key:
    """Encrypt the (closed) plain database and its backups with a new passphrase; the key stays unlocked.
    Copies moved aside earlier are encrypted too where they can be (see `encrypt_set_aside`)."""
    db_path = Path(db_path)
    iterations = iterations or KDF_ITERATIONS
    recover(db_path, backup_dir)
    if journal_path(db_path).exists():
        raise _unfinished(db_path)
    if db_path.exists() and db_path.stat().st_size and not path_is_plain(db_path):
        raise StoreError("The sessions file cannot be encrypted",
                         f"{db_path.name} is not a plain sessions file (already encrypted, or damaged); nothing was "
                         "changed.", db_path)
    key = derive(passphrase, os.urandom(16), iterations)
    with _converting(db_path) as ours:
        if not ours:
            raise _busy(db_path)
        _write_journal(db_path, "enable", backup_dir, "key check")
        _step("journal written")
        try:
            write_keycheck(db_path, key, iterations)  # before the swap: an encrypted file always has its check
            _step("key check written")
            if db_path.exists() and path_is_plain(db_path):
                _convert_in_place(db_path, None, key)
        except BaseException:
            if not (db_path.exists() and db_path.stat().st_size and not path_is_plain(db_path)):
                _remove(keycheck_path(db_path))  # nothing changed: undo at once
                _remove(journal_path(db_path))
            raise
        set_key(key)
        _enable_backups(db_path, backup_dir, key)
        _step("backups converted")
        _remove(journal_path(db_path))
    return key


def plain_leftovers(db_path: Path, backup_dir: Path | None) -> list[Path]:
    """After `enable`: files that are still plain because they are damaged (the clinician is told to delete them)."""
    return set_aside_files(db_path) + [p for p in _backup_files(backup_dir) if path_is_plain(p)]


def _disable_files(db_path: Path, backup_dir: Path | None, key: Key) -> None:
    for path in _backup_files(backup_dir):
        if path.stat().st_size and not path_is_plain(path) and opens(path, key):
            try:
                _convert_in_place(path, key, None)
            except StoreError:
                _log.warning("Backup %s could not be decrypted (damaged); it stays as it is", path.name)
    _step("backups converted")
    if db_path.exists() and db_path.stat().st_size and not path_is_plain(db_path):
        _convert_in_place(db_path, key, None)
    _remove(keycheck_path(db_path))
    _step("key check removed")
    _remove(pending_path(db_path))
    _remove(journal_path(db_path))
    forget_key(locked=False)


def disable(db_path: Path, backup_dir: Path | None, passphrase: str) -> None:
    """Decrypt the (closed) database and its backups back to plain files; the key check goes."""
    db_path = Path(db_path)
    recover(db_path, backup_dir)
    key = unlock(db_path, passphrase)  # also finishes an interrupted change
    if not is_enabled(db_path):
        forget_key(locked=False)
        return
    _check_whole(db_path, key)
    with _converting(db_path) as ours:
        if not ours:
            raise _busy(db_path)
        _write_journal(db_path, "disable", backup_dir, "backups")
        _step("journal written")
        _disable_files(db_path, backup_dir, key)


def _check_whole(path: Path, key: Key) -> None:
    """Refuse to start a conversion on a damaged file (nothing is changed)."""
    if not path.exists() or not path.stat().st_size:
        return
    try:
        conn = connect(path, key=key)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        finally:
            conn.close()
    except database_errors() as exc:
        if not is_corruption(exc):
            raise translate(exc, path) from exc
        ok = False
    if not ok:
        raise StoreCorrupt(path, None, title="The sessions file could not be converted")


def _rekey_files(db_path: Path, backup_dir: Path | None, old_key: Key, new_key: Key) -> None:
    """Each encrypted file still on `old_key` is swapped for a copy on `new_key` (database first)."""
    for path in [db_path, *_backup_files(backup_dir)]:
        if path.exists() and path.stat().st_size and not path_is_plain(path) and not opens(path, new_key):
            if not opens(path, old_key):
                _log.warning("%s opens with neither passphrase (damaged?); it stays as it is", path.name)
                continue
            try:
                _convert_in_place(path, old_key, new_key)
            except StoreError:
                if path == db_path:
                    raise
                _log.warning("Backup %s could not be re-encrypted (damaged); it stays as it is", path.name)


def _settle_rekey(db_path: Path, new_key: Key, iterations: int) -> None:
    write_keycheck(db_path, new_key, iterations)
    _step("key check replaced")
    _remove(pending_path(db_path))
    _remove(journal_path(db_path))


def change_passphrase(db_path: Path, backup_dir: Path | None, old: str, new: str) -> Key:
    """Re-encrypt the (closed) database and each encrypted backup with a key from `new` (same salt), each as a
    checked copy swapped in with one rename (see the steps above)."""
    db_path = Path(db_path)
    recover(db_path, backup_dir)
    old_key = unlock(db_path, old)
    _salt, iterations, _check = read_keycheck(db_path)
    new_key = derive(new, old_key.salt, iterations)
    _check_whole(db_path, old_key)
    with _converting(db_path) as ours:
        if not ours:
            raise _busy(db_path)
        _write_journal(db_path, "rekey", backup_dir, "pending key check")
        _step("journal written")
        write_keycheck(db_path, new_key, iterations, pending_path(db_path), previous=seal(old_key, new_key))
        _step("pending key check written")
        _rekey_files(db_path, backup_dir, old_key, new_key)
        _settle_rekey(db_path, new_key, iterations)
    set_key(new_key)
    return new_key


def _unfinished(db_path: Path) -> StoreError:
    return StoreError("An earlier change of encryption is not finished",
                      "Unlock the sessions with the passphrase first: the change is then finished; nothing was "
                      "changed now.", db_path)


def _busy(db_path: Path) -> StoreError:
    return StoreError("The sessions file is being converted",
                      "Another copy of decisionaid is changing its encryption; wait for it to finish and try again.",
                      db_path)
