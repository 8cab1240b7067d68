"""Encryption at rest (opt-in): the passphrase, its key check, and turning encryption on, off or to a new passphrase.

The key is PBKDF2-HMAC-SHA512 of the passphrase with a random 16-byte salt and 256,000 iterations (SQLCipher 4's own
key derivation, so every file also opens with the passphrase in the sqlcipher shell). The database and all its
backups share that salt and key. The passphrase is never stored: `<database>.keycheck` beside the database holds
the salt, the iteration count and an HMAC of a fixed text under the key. That check is what tells "wrong passphrase"
(the check fails) from "damaged file" (the check passes, the file still cannot be read): SQLCipher reports "file is
not a database" for both.

Turning encryption on copies the plain database into a new encrypted file (sqlcipher_export), checks the copy holds
every session and revision, swaps it in with a rename, then overwrites the plain original with zeros and deletes it
(a plain copy left behind would defeat the point; on SSDs and copy-on-write file systems old blocks may survive an
overwrite, so full-disk encryption is still advised). Backups are converted the same way. Turning it off is the
same in reverse; a new passphrase is PRAGMA rekey of the database and each backup (the salt stays).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path

from decisionaid.files import owner_only, replacing
from decisionaid.sessions import backup as backups_module
from decisionaid.sessions.connection import Key, connect, current_key, forget_key, path_is_plain, set_key
from decisionaid.sessions.errors import (StoreCorrupt, StoreError, WrongPassphrase, database_errors,
                                         is_corruption, translate)

KDF_ITERATIONS = 256_000  # SQLCipher 4's default; tests lower it only for files they make themselves
_CHECK_TEXT = b"decisionaid key check v1"
_FORMAT = 1
MIN_PASSPHRASE = 8


def keycheck_path(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".keycheck")


def derive(passphrase: str, salt: bytes, iterations: int) -> Key:
    raw = hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, iterations, 32)
    return Key(raw, salt)


def _check_value(key: Key) -> str:
    return hmac.new(key.raw, _CHECK_TEXT, hashlib.sha256).hexdigest()


def is_enabled(db_path: Path) -> bool:
    """Whether encryption is on for `db_path`: its key check is there and the file is not plain SQLite (a missing
    file will be created encrypted)."""
    db_path = Path(db_path)
    return keycheck_path(db_path).is_file() and not path_is_plain(db_path)


def needs_passphrase(db_path: Path) -> bool:
    return is_enabled(db_path) and current_key() is None


def lock() -> None:
    """Forget the key: encrypted files are refused (PassphraseNeeded) until `unlock`."""
    forget_key(locked=True)


def unlock(db_path: Path, passphrase: str) -> Key:
    """Check `passphrase` against the key check (slow on purpose: about a third of a second) and keep the key in
    memory for every connection. Raises WrongPassphrase, or StoreError if the key check itself is unreadable.

    A passphrase change interrupted part-way leaves `<keycheck>.pending` (the new passphrase's check): either
    passphrase is then accepted if it opens the database, and the change is settled. Without any key check (lost)
    the passphrase is tried on the database and on the newest backup, and the key check is written again."""
    db_path = Path(db_path)
    if not keycheck_path(db_path).exists() and not path_is_plain(db_path):
        return _unlock_without_keycheck(db_path, passphrase)
    salt, iterations, expected = _read_keycheck(db_path)
    key = derive(passphrase, salt, iterations)
    current = hmac.compare_digest(_check_value(key), expected)
    pending = _pending_path(db_path)
    if pending.exists():
        try:
            is_new = hmac.compare_digest(_check_value(key), _read_keycheck(db_path, pending)[2])
        except StoreError:
            is_new = False
        if (current or is_new) and _opens(db_path, key):
            if is_new:
                os.replace(pending, keycheck_path(db_path))
            else:
                pending.unlink()
            current = True
        elif current or is_new:
            raise WrongPassphrase(db_path, "A change of passphrase was interrupted and the sessions file is still "
                                           f"on the {'new' if current else 'previous'} passphrase: enter that one.")
    if not current:
        raise WrongPassphrase(db_path)
    set_key(key)
    return key


def _pending_path(db_path: Path) -> Path:
    return keycheck_path(db_path).with_suffix(".keycheck-pending")


def _opens(path: Path, key: Key) -> bool:
    """Whether `key` reads `path` (its first page: instant). False also for a file damaged at its start."""
    try:
        conn = connect(path, key=key)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except database_errors():
        return False
    return True


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
        if _opens(path, key):
            _write_keycheck(db_path, key, KDF_ITERATIONS)
            set_key(key)
            return key
    raise WrongPassphrase(db_path, "The key check beside the sessions file is missing, so a wrong passphrase "
                                   "cannot be told from a damaged file: check the passphrase, then restore a "
                                   "backup if it is right.")


def check_passphrase(db_path: Path, passphrase: str) -> bool:
    """Whether `passphrase` is the current one (the key in memory is left as it is)."""
    salt, iterations, expected = _read_keycheck(Path(db_path))
    return hmac.compare_digest(_check_value(derive(passphrase, salt, iterations)), expected)


def _read_keycheck(db_path: Path, path: Path | None = None) -> tuple[bytes, int, str]:
    path = path or keycheck_path(db_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return bytes.fromhex(data["salt"]), int(data["iterations"]), str(data["check"])
    except FileNotFoundError as exc:
        raise StoreError("The key check is missing",
                         f"{path.name} should be beside the encrypted sessions file; restore it from your computer's "
                         "backup (without it a wrong passphrase cannot be told from a damaged file).", path) from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError("The key check cannot be read",
                         f"{path.name} is damaged; restore it from your computer's backup.", path) from exc


def _write_keycheck(db_path: Path, key: Key, iterations: int, path: Path | None = None) -> None:
    data = {"format": _FORMAT, "kdf": "PBKDF2-HMAC-SHA512", "iterations": iterations, "salt": key.salt.hex(),
            "check": _check_value(key)}
    with replacing(path or keycheck_path(db_path)) as tmp:
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


# --- converting files -----------------------------------------------------------------------------------------

def export_file(source: Path, source_key: Key | None, target: Path, target_key: Key | None) -> None:
    """Copy the sessions file `source` into the new file `target` with another key (None: plain), with
    sqlcipher_export, then check the copy holds the same sessions and revisions. Raises StoreError."""
    from sqlcipher3 import dbapi2 as sqlcipher

    try:
        conn = sqlcipher.connect(os.fspath(source))
        try:
            if source_key is not None:
                conn.execute(f"PRAGMA key = {source_key.pragma()}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            target_pragma = target_key.pragma() if target_key is not None else "''"
            conn.execute(f"ATTACH DATABASE ? AS target KEY {target_pragma}", [os.fspath(target)])
            conn.execute("SELECT sqlcipher_export('target')")
            conn.execute(f"PRAGMA target.user_version = {int(version)}")
            conn.commit()
            conn.execute("DETACH DATABASE target")
            expected = _fingerprint(conn)
        finally:
            conn.close()
        copy = connect(target, key=target_key)
        try:
            copy.execute("PRAGMA journal_mode = DELETE")
            ok = (copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                  and _fingerprint(copy) == expected)
        finally:
            copy.close()
    except database_errors() as exc:
        if is_corruption(exc):
            raise StoreCorrupt(Path(source), None, title="The sessions file could not be converted") from exc
        raise translate(exc, Path(source)) from exc
    if not ok:
        raise StoreError("The converted copy did not match",
                         "Nothing was changed; try again, and ask your IT support if it happens again.", Path(source))


def _fingerprint(conn) -> tuple:
    """What must survive a conversion: the format version, every session row and every revision."""
    digest = hashlib.sha256()
    for row in conn.execute("SELECT id, session_id, kind, author, created_at, reason, payload FROM revisions "
                            "ORDER BY id"):
        digest.update(repr(row).encode("utf-8"))
    sessions = conn.execute("SELECT count(*), total(latest_revision) FROM sessions").fetchone()
    return conn.execute("PRAGMA user_version").fetchone()[0], tuple(sessions), digest.hexdigest()


def _convert_in_place(path: Path, source_key: Key | None, target_key: Key | None) -> None:
    """Replace `path` by a converted, checked copy; the old file is wiped (plain) or deleted (encrypted)."""
    _checkpoint(path, source_key)
    with owner_only():
        tmp = path.with_name(f".{path.name}.converting")
        tmp.unlink(missing_ok=True)
        try:
            export_file(path, source_key, tmp, target_key)
            old = path.with_name(f".{path.name}.old")
            os.replace(path, old)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    if source_key is None:
        wipe(old)
    else:
        old.unlink(missing_ok=True)


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


def _backup_files(backup_dir: Path | None) -> list[Path]:
    return [b.path for b in backups_module.list_backups(backup_dir)] if backup_dir else []


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


def enable(db_path: Path, backup_dir: Path | None, passphrase: str, iterations: int | None = None) -> Key:
    """Encrypt the (closed) plain database and its backups with a new passphrase; the key stays unlocked.
    Copies moved aside earlier are encrypted too where they can be (see `encrypt_set_aside`)."""
    db_path = Path(db_path)
    iterations = iterations or KDF_ITERATIONS
    if db_path.exists() and db_path.stat().st_size and not path_is_plain(db_path):
        raise StoreError("The sessions file cannot be encrypted",
                         f"{db_path.name} is not a plain sessions file (already encrypted, or damaged); nothing was "
                         "changed.", db_path)
    key = derive(passphrase, os.urandom(16), iterations)
    if db_path.exists() and path_is_plain(db_path):
        _convert_in_place(db_path, None, key)
    _write_keycheck(db_path, key, iterations)
    set_key(key)
    for path in _backup_files(backup_dir):
        if path_is_plain(path):
            try:
                _convert_in_place(path, None, key)
            except StoreError:
                pass  # a damaged backup stays as it is; `plain_leftovers` names it
    encrypt_set_aside(db_path, key)
    return key


def plain_leftovers(db_path: Path, backup_dir: Path | None) -> list[Path]:
    """After `enable`: files that are still plain because they are damaged (the clinician is told to delete them)."""
    return set_aside_files(db_path) + [p for p in _backup_files(backup_dir) if path_is_plain(p)]


def disable(db_path: Path, backup_dir: Path | None, passphrase: str) -> None:
    """Decrypt the (closed) database and its backups back to plain files; the key check goes."""
    db_path = Path(db_path)
    key = unlock(db_path, passphrase)
    for path in _backup_files(backup_dir):
        if not path_is_plain(path):
            _convert_in_place(path, key, None)
    if db_path.exists() and not path_is_plain(db_path):
        _convert_in_place(db_path, key, None)
    keycheck_path(db_path).unlink(missing_ok=True)
    forget_key(locked=False)


def change_passphrase(db_path: Path, backup_dir: Path | None, old: str, new: str) -> Key:
    """PRAGMA rekey the (closed) database and each encrypted backup to a key from `new` (same salt)."""
    db_path = Path(db_path)
    old_key = unlock(db_path, old)
    _salt, iterations, _check = _read_keycheck(db_path)
    new_key = derive(new, old_key.salt, iterations)
    _write_keycheck(db_path, new_key, iterations, _pending_path(db_path))  # settles a change cut short: see unlock
    for path in [db_path, *_backup_files(backup_dir)]:
        if path.exists() and not path_is_plain(path) and not _opens(path, new_key):
            conn = connect(path, key=old_key)
            try:
                conn.execute(f"PRAGMA rekey = {new_key.pragma()}")
            except database_errors() as exc:
                raise translate(exc, path) from exc
            finally:
                conn.close()
    os.replace(_pending_path(db_path), keycheck_path(db_path))
    set_key(new_key)
    return new_key
