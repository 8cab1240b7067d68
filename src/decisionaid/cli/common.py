"""What the commands share: the data folder and its checks, the passphrase prompt, one-line errors and exit codes.

A command prints one line on stderr for a problem it knows, named "decisionaid COMMAND: ...", and exits 2 (1 when
the file it was writing could not be written; EXPORT_INCOMPLETE, 3, when an export or import was done without the
sessions named on stderr). Nothing here imports more than the standard library until a command runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

EXPORT_INCOMPLETE = 3  # the export was written, without the damaged sessions named on stderr
MAX_ID = 2**63 - 1  # SQLite's largest integer
MAX_LIMIT = 1_000_000_000


class DataDirError(Exception):
    """The data folder (or a number typed for it) cannot be used; the message is one line."""


def check_numbers(ids=(), limit=None) -> None:
    """Session IDs and --limit within what the store can take, before anything is opened. Raises DataDirError."""
    for n in ids:
        if n is not None and not 1 <= n <= MAX_ID:
            raise DataDirError(f"there is no session {n}: session IDs are whole numbers from 1 to {MAX_ID}")
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise DataDirError(f"--limit must be a whole number from 1 to {MAX_LIMIT}, not {limit}")


def store_paths():
    """(sessions file, backups folder) of the chosen data folder, created owner-only where possible. A data folder
    that is a file, lies inside a file, or holds a folder under the sessions file's name raises DataDirError; a
    folder that cannot be written is left for the store to report (reading still works)."""
    from decisionaid import paths

    database = check_data_dir(strict=True)
    try:
        backups = paths.backup_dir()
    except OSError:
        backups = database.parent / "backups"  # a read-only folder: made when a backup is first written
    return database, backups


def check_data_dir(strict: bool) -> Path:
    """The chosen data folder's sessions file path, the folder made if need be. Raises DataDirError when the folder
    is a file, lies inside a file or holds a folder under the sessions file's name; when it cannot be made for
    another reason (permissions, a read-only disk) too if `strict`, else the window says what is wrong."""
    from decisionaid import paths

    chosen = paths.chosen_data_dir()
    try:
        data = paths.data_dir()
    except FileExistsError:
        raise DataDirError(f"the data folder {chosen} is a file, not a folder; choose a folder with --data-dir") \
            from None
    except NotADirectoryError:
        raise DataDirError(f"the data folder {chosen} cannot be made: part of its path is a file, not a folder; "
                           "choose a folder with --data-dir") from None
    except OSError as exc:
        if strict:
            raise DataDirError(f"the data folder {chosen} cannot be made ({exc.strerror or exc}); "
                               "choose a folder with --data-dir") from None
        data = chosen
    database = data / paths.DATABASE_NAME
    if database.is_dir() or (database.exists() and not database.is_file()):
        raise DataDirError(f"{database} is a folder or a special file, not the sessions file; move it away or "
                           "choose another folder with --data-dir. Nothing was changed.")
    return database


def guard_output(out) -> None:
    """Refuse an --out that is one of the program's own files (output_guard). Raises DataDirError."""
    from decisionaid.output_guard import refusal

    refused = refusal(out)
    if refused is not None:
        raise DataDirError(refused.advice)


def unlock_if_encrypted() -> None:
    """An encrypted sessions file: ask for the passphrase on the terminal (never echoed, never an argument or an
    environment variable, which other programs can read). Raises WrongPassphrase, or StoreError when none was
    typed (no terminal, Ctrl-D, Ctrl-C)."""
    from decisionaid import paths
    from decisionaid.sessions import crypto
    from decisionaid.sessions.errors import StoreError

    if crypto.needs_passphrase(paths.database_path()):
        try:
            passphrase = _ask_passphrase("Passphrase for the saved sessions: ")
        except (EOFError, KeyboardInterrupt):
            print(file=sys.stderr)  # end the prompt's line
            raise StoreError("No passphrase was typed", "The saved sessions are encrypted: run the command in a "
                             "terminal and type the passphrase when asked. Nothing was changed.") from None
        crypto.unlock(paths.database_path(), passphrase)


def _ask_passphrase(prompt: str) -> str:
    """getpass on a terminal; without one (a pipe, /dev/null), one line of standard input, without getpass's
    "may be echoed" warning (nothing is echoed from a pipe). Raises EOFError when there is nothing to read."""
    import getpass
    import os

    try:
        os.close(os.open("/dev/tty", os.O_RDWR | getattr(os, "O_NOCTTY", 0)))
        terminal = True
    except OSError:
        terminal = sys.stdin is not None and sys.stdin.isatty()  # Windows: getpass reads the console itself
    if terminal:
        return getpass.getpass(prompt)
    print(prompt, end="", file=sys.stderr, flush=True)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise EOFError
    print(file=sys.stderr)  # what follows starts on its own line
    return line.rstrip("\r\n")


def no_log_on_stderr() -> None:
    """A headless command starts no log file; without a handler Python's last-resort handler would print records on
    stderr beside the one line of error the command writes. (Not on the window's path: logging loads after the first
    paint there.)"""
    import logging

    logger = logging.getLogger("decisionaid")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())


def plain(text: str) -> str:
    """Text safe for a terminal: control and other invisible characters shown as escapes."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)
