"""The passphrase's key and the key check: what tells a wrong passphrase from a damaged file.

The key is PBKDF2-HMAC-SHA512 of the passphrase with a random 16-byte salt and 256,000 iterations (SQLCipher 4's own
key derivation, so every file also opens with the passphrase in the sqlcipher shell). The database and all its
backups share that salt and key. The passphrase is never stored: `<database>.keycheck` beside the database holds
the salt, the iteration count and an HMAC of a fixed text under the key. That check is what tells "wrong passphrase"
(the check fails) from "damaged file" (the check passes, the file still cannot be read): SQLCipher reports "file is
not a database" for both. A change of passphrase writes the new key's check beside it first (`pending_path`), with
the previous key sealed under the new one.

Nothing here converts a file: turning encryption on, off or to a new passphrase is crypto.py; the key in memory and
the SQLCipher key pragma are connection.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

from decisionaid.files import replacing
from decisionaid.sessions.connection import Key, connect
from decisionaid.sessions.errors import StoreError, database_errors

KDF_ITERATIONS = 256_000  # SQLCipher 4's default; tests lower it only for files they make themselves
_CHECK_TEXT = b"decisionaid key check v1"
_FORMAT = 1
MIN_PASSPHRASE = 8


def keycheck_path(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".keycheck")


def pending_path(db_path: Path) -> Path:
    return keycheck_path(db_path).with_suffix(".keycheck-pending")


def derive(passphrase: str, salt: bytes, iterations: int) -> Key:
    raw = hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, iterations, 32)
    return Key(raw, salt)


def check_value(key: Key) -> str:
    return hmac.new(key.raw, _CHECK_TEXT, hashlib.sha256).hexdigest()


def check_passphrase(db_path: Path, passphrase: str) -> bool:
    """Whether `passphrase` is the current one (the key in memory is left as it is)."""
    salt, iterations, expected = read_keycheck(Path(db_path))
    return hmac.compare_digest(check_value(derive(passphrase, salt, iterations)), expected)


def read_keycheck(db_path: Path, path: Path | None = None) -> tuple[bytes, int, str]:
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


def read_previous(pending: Path) -> str | None:
    try:
        value = json.loads(pending.read_text(encoding="utf-8")).get("previous")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and len(value) == 64 else None


def write_keycheck(db_path: Path, key: Key, iterations: int, path: Path | None = None,
                    previous: str | None = None) -> None:
    """Written whole, flushed to disk and renamed into place (the folder flushed too) before the caller goes on."""
    data = {"format": _FORMAT, "kdf": "PBKDF2-HMAC-SHA512", "iterations": iterations, "salt": key.salt.hex(),
            "check": check_value(key)}
    if previous is not None:
        data["previous"] = previous  # the previous key, sealed under this one: see change_passphrase
    with replacing(path or keycheck_path(db_path)) as tmp:
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def opens(path: Path, key: Key) -> bool:
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


def seal(previous: Key, new: Key) -> str:
    """The previous raw key, sealed under the new one (only the new passphrase unseals it)."""
    pad = hmac.new(new.raw, b"decisionaid previous key v1", hashlib.sha256).digest()
    return bytes(a ^ b for a, b in zip(previous.raw, pad)).hex()


def unseal(sealed: str, new: Key) -> Key:
    pad = hmac.new(new.raw, b"decisionaid previous key v1", hashlib.sha256).digest()
    return Key(bytes(a ^ b for a, b in zip(bytes.fromhex(sealed), pad)), new.salt)
