"""Refuse an output path that is one of decisionaid's own files (every export, backup, PDF and screenshot asks here).

A file the clinician chooses to write (``--out``, a Save dialog) must never be the saved sessions or anything the
program keeps beside them: the sessions file and every file named after it in the data folder (its -wal, -shm and
-journal, its key check, a copy set aside as damaged, a temporary file), anything in the backups folder, the lock
file and the raise-requests folder, the settings, the log, and the program's own files (its resources and code).

The path is compared after resolving symbolic links (``os.path.realpath``), and an existing file is also compared by
device and inode with each of those files, so a symbolic or hard link to the sessions file is refused too.
Qt-free: the CLI, the storage package and the window all call `check_output`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from decisionaid.files import replacing


class ProtectedOutput(Exception):
    """The chosen output file is one of the program's own; the message is one line naming it and what it is."""

    title = "That file belongs to decisionaid"

    def __init__(self, target: str | os.PathLike, what: str):
        self.target, self.what = os.fspath(target), what
        self.advice = (f"{self.target} is {what}; writing there would destroy it. Nothing was written. "
                       "Choose another file name or folder.")
        super().__init__(self.advice)


def _real(path: str | os.PathLike) -> str:
    return os.path.normcase(os.path.realpath(os.fspath(path)))


def _inside(real: str, folder: str | os.PathLike) -> bool:
    top = _real(folder)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def _databases(database: Path | None) -> list[Path]:
    """The sessions files to protect: the open store's (if given), the chosen data folder's, and those of the
    environment's and the platform's default folders (a --data-dir run must not overwrite the everyday store)."""
    from decisionaid import paths

    found = [Path(database)] if database is not None else []
    found.append(paths.chosen_data_dir() / paths.DATABASE_NAME)
    if os.environ.get(paths.ENV_VAR):
        found.append(Path(os.environ[paths.ENV_VAR]).expanduser() / paths.DATABASE_NAME)
    try:
        from platformdirs import user_data_dir

        found.append(Path(user_data_dir("decisionaid", appauthor=False)) / paths.DATABASE_NAME)
    except Exception:  # noqa: BLE001 - no platform folder: nothing of ours there
        pass
    unique: dict[str, Path] = {}
    for db in found:
        unique.setdefault(_real(db), db)
    return list(unique.values())


def _places(databases: list[Path], backups: Path | None) -> list[tuple[str, Path, bool]]:
    """(what it is, path, whether it is a folder whose every file is protected). Nothing is created on the way."""
    from decisionaid import paths

    found = [("a backup of the saved sessions", Path(backups), True)] if backups is not None else []
    for database in databases:
        data = database.parent
        found += [("decisionaid's data folder", data, False),
                  ("a backup of the saved sessions", data / "backups", True),
                  ("decisionaid's settings file", data / "settings.json", False),
                  ("decisionaid's lock file", data / "decisionaid.lock", False),
                  ("a decisionaid working file", data / "raise-requests", True),
                  ("decisionaid's log", data / "logs", True)]
    try:
        found.append(("decisionaid's log", paths.chosen_log_dir(), True))
    except Exception:  # noqa: BLE001 - no platform log folder: nothing to protect there
        pass
    try:
        from decisionaid.resources import resources_dir

        found.append(("one of decisionaid's program files", resources_dir(), True))
    except Exception:  # noqa: BLE001 - a broken installation is reported where resources are read
        pass
    found.append(("one of decisionaid's program files", Path(__file__).resolve().parent, True))
    return found


def _named_after(real: str, database: Path) -> bool:
    """The sessions file or a file named after it in its folder (-wal, -shm, .keycheck, .damaged-..., .tmp)."""
    folder, name = os.path.split(real)
    base = os.path.normcase(database.name)
    return folder == _real(database.parent) and (name.startswith(base) or name.startswith("." + base))


def _files(path: Path, folder: bool) -> Iterator[Path]:
    if not folder:
        yield path
        return
    for root, _dirs, names in os.walk(path):
        for n in names:
            yield Path(root) / n


def _siblings(database: Path) -> list[tuple[str, Path, bool]]:
    try:
        names = os.listdir(database.parent)
    except OSError:
        return []
    return [("a file of the saved sessions", database.parent / n, False) for n in names
            if n.startswith(database.name) or n.startswith("." + database.name)]


def refusal(target: str | os.PathLike, database: Path | None = None,
            backups: Path | None = None) -> ProtectedOutput | None:
    """The reason `target` may not be written (a ProtectedOutput to raise or show), or None if it may."""
    databases = _databases(database)
    real = _real(target)
    if any(_named_after(real, db) for db in databases):
        return ProtectedOutput(target, "a file of the saved sessions")
    places = _places(databases, backups)
    for what, place, folder in places:
        if (folder and _inside(real, place)) or (not folder and real == _real(place)):
            return ProtectedOutput(target, what)
    try:
        st = os.stat(target)
    except OSError:
        return None  # a new file: its name was all there was to check
    if st.st_nlink <= 1:
        return None  # its only name is the one resolved above
    same = (st.st_dev, st.st_ino)
    for what, place, folder in [*(s for db in databases for s in _siblings(db)), *places]:
        for file in _files(place, folder):
            try:
                other = os.stat(file)
            except OSError:
                continue
            if (other.st_dev, other.st_ino) == same:
                return ProtectedOutput(target, f"{what} (a hard link to {file})")
    return None


def check_output(target: str | os.PathLike, database: Path | None = None, backups: Path | None = None) -> None:
    """Raise ProtectedOutput if `target` is one of the program's own files. `database` and `backups`: the open
    store's sessions file and backups folder (default: those of the chosen data folder)."""
    refused = refusal(target, database, backups)
    if refused is not None:
        raise refused


def write_private(final: Path, data: bytes) -> None:
    """Write `data` to `final` whole or not at all, owner-only (a half-written PDF never appears). Raises
    ProtectedOutput, writing nothing, if `final` is one of the program's own files."""
    final = Path(final)
    check_output(final)
    with replacing(final) as tmp:
        tmp.write_bytes(data)
