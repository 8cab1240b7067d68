"""Files decisionaid writes (database, backups, exports, settings): owner-only, written under a temporary name
then renamed, moved aside (never deleted)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SIDECARS = ("-wal", "-shm")


@contextmanager
def owner_only() -> Iterator[None]:
    """Files created inside the block get mode 0600 (umask 077)."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def with_sidecars(path: Path) -> list[Path]:
    """The database file and its -wal/-shm companions."""
    return [path] + [Path(f"{path}{suffix}") for suffix in SIDECARS]


def make_private(path: Path) -> None:
    for p in with_sidecars(path):
        if p.exists() and p.stat().st_mode & 0o077:
            p.chmod(0o600)


@contextmanager
def replacing(final: Path) -> Iterator[Path]:
    """Yield a new empty owner-only file beside `final`; it becomes `final` on success, and goes on failure."""
    with owner_only():
        import tempfile  # imported here: the start-up path (instance_lock) uses owner_only, tempfile costs ~10 ms

        fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        tmp.chmod(0o600)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(final.parent)


def move_aside(path: Path, label: str) -> Path | None:
    """Rename `path` and its -wal/-shm to `<name>.<label>-<UTC time>` (sidecars first, so a crash part-way never
    leaves an old -wal beside a new file). Returns the new name of the main file, or None if there was none."""
    if not any(p.exists() for p in with_sidecars(path)):
        return None
    from datetime import datetime, timezone  # here: the window's start (instance_lock) does not need it

    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target, n = path.with_name(f"{path.name}.{label}-{stamp}"), 1
    while any(p.exists() for p in with_sidecars(target)):
        n += 1
        target = path.with_name(f"{path.name}.{label}-{stamp}-{n}")
    for src, dst in reversed(list(zip(with_sidecars(path), with_sidecars(target)))):
        if src.exists():
            os.rename(src, dst)
    return target


def _fsync_folder(path: Path) -> None:
    """Make a rename durable where the platform allows it (Windows cannot open folders)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
