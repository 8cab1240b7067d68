"""A note beside the sessions file saying it was set aside as damaged: `sessions.sqlite3.set-aside`, owner-only JSON
naming the moved file and when (UTC).

While the note is there, opening the sessions file refuses (StoreSetAside) and says where the old file went, so an
empty file never silently takes the place of one that held consultations. It goes when a backup is restored
(`backup.restore`) or the clinician chooses to start with an empty file (`start_empty`: the window's choice after
the damage message, or `decisionaid sessions start-empty`).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

SUFFIX = ".set-aside"


def note_path(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + SUFFIX)


def record(db_path: Path, moved_to: Path | None) -> None:
    """Write the note (replacing an older one: the file set aside last is the one to name; earlier ones stay in the
    folder under their own names)."""
    from decisionaid.files import replacing

    note = {"moved_to": moved_to.name if moved_to else None,
            "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    with replacing(note_path(db_path)) as tmp:  # our own file: not through the guard that keeps users' output off it
        tmp.write_bytes(json.dumps(note).encode("utf-8"))


def read(db_path: Path) -> tuple[Path | None, str] | None:
    """(where the file went, when) if the note is there, else None. A note that cannot be read still counts: the
    file was set aside, only its new name is unknown."""
    path = note_path(db_path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        return None, ""
    try:
        note = json.loads(data.decode("utf-8"))
        moved, when = note.get("moved_to"), note.get("at")
    except (UnicodeDecodeError, ValueError, AttributeError):
        return None, ""
    moved = Path(db_path).with_name(Path(moved).name) if isinstance(moved, str) and moved else None
    return moved, when if isinstance(when, str) else ""


def clear(db_path: Path) -> bool:
    """Remove the note (a backup was restored, or an empty file chosen). Returns whether there was one."""
    from decisionaid.files import _fsync_folder

    path = note_path(db_path)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    _fsync_folder(path.parent)
    return True


def start_empty(db_path: Path) -> tuple[Path | None, str] | None:
    """The clinician chose to go on with an empty sessions file: clear the note. Returns what it said (None if
    there was none). The file set aside stays where it is."""
    found = read(db_path)
    clear(db_path)
    return found
