"""The program's log: what happened, never whom it happened to.

One file, ``decisionaid.log`` in ``paths.log_dir()`` (the platform's user log folder, overridable like the data
folder), owner-only (0600 in a 0700 folder), rotated at ``MAX_BYTES`` with ``KEEP`` older files. Modules log through
the standard ``logging`` module under the "decisionaid" logger; ``start()`` sends those records to the file.

What goes in: events (start, store opened, saved revision N of session S) and errors by class, code and where in
decisionaid they happened (``describe``). What never goes in: patient identifiers, notes, answers, clinician names,
or an exception's message, which can quote any of them (a RecordError names the field's text, SQLite can echo a
value). File paths are allowed: the program chooses them, and default file names never hold an identifier.
"""

from __future__ import annotations

import errno
import logging
import logging.handlers
import os
import sys
import traceback
from pathlib import Path

LOG_NAME = "decisionaid.log"
MAX_BYTES = 256 * 1024
KEEP = 3
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_handler: logging.Handler | None = None


class _PrivateRotatingHandler(logging.handlers.RotatingFileHandler):
    """A rotating file whose every generation is created 0600, whatever the umask."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            if os.fstat(fd).st_mode & 0o077 and hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)  # a file left by an older version, or copied in
        except OSError:
            pass
        return open(fd, "a", encoding="utf-8", errors="backslashreplace")


def start(folder: str | os.PathLike | None = None) -> Path | None:
    """Send decisionaid's log records to the log file (replacing an earlier `start`). Returns its path, or None
    when it cannot be written: the program runs on without a log rather than refusing to start."""
    global _handler
    stop()
    try:
        if folder is None:
            from decisionaid import paths

            folder = paths.log_dir()
        else:
            folder = Path(folder)
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handler = _PrivateRotatingHandler(Path(folder) / LOG_NAME, maxBytes=MAX_BYTES, backupCount=KEEP,
                                          encoding="utf-8")
    except OSError as exc:
        print(f"decisionaid: no log file ({describe(exc)})", file=sys.stderr)
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    logger = logging.getLogger("decisionaid")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    _handler = handler
    return Path(handler.baseFilename)


def stop() -> None:
    """Close the log file (tests, and before the program quits)."""
    global _handler
    if _handler is not None:
        logging.getLogger("decisionaid").removeHandler(_handler)
        _handler.close()
        _handler = None


def path() -> Path | None:
    return Path(_handler.baseFilename) if _handler is not None else None


def describe(exc: BaseException) -> str:
    """An error as the log may hold it: its class, its OS or SQLite code, the class of what caused it, and the
    innermost line of decisionaid it passed through. Never the message, which may quote patient text."""
    parts = [_kind(exc)]
    cause = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    if cause is not None:
        parts.append(f"(from {_kind(cause)})")
    where = _where(exc) or (_where(cause) if cause is not None else None)
    if where:
        parts.append(f"at {where}")
    return " ".join(parts)


def error(what: str, exc: BaseException, level: int = logging.ERROR, logger: str = "decisionaid") -> None:
    """Log `what` (a fixed phrase from the code, never user text) with `describe(exc)`."""
    logging.getLogger(logger).log(level, "%s: %s", what, describe(exc))


def _kind(exc: BaseException) -> str:
    name = type(exc).__name__
    if isinstance(exc, OSError) and exc.errno:
        return f"{name} {errno.errorcode.get(exc.errno, exc.errno)}"
    code = getattr(exc, "sqlite_errorname", None)
    return f"{name} {code}" if isinstance(code, str) else name


def _where(exc: BaseException) -> str | None:
    """`decisionaid/ui/x.py:12 in f` for the deepest frame inside the decisionaid package."""
    package = str(Path(__file__).resolve().parent)
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        filename = str(Path(frame.filename).resolve()) if frame.filename else ""
        if filename.startswith(package):
            relative = Path(filename).relative_to(Path(package).parent).as_posix()
            found = f"{relative}:{frame.lineno} in {frame.name}"
    return found
