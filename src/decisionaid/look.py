"""The window's look as the clinician chose it in Settings: the appearance (light, dark, high contrast or the
system's) and the text size, and `load_look`, which reads only those two from the settings file for the start of
the window. Apart from settings.py so that the window's first paint waits neither for the `Settings` dataclass (and
the dataclasses module) nor for its default crisis text, which is read from the checklist. No Qt here."""

from __future__ import annotations

import os
from pathlib import Path

APPEARANCES = ("system", "light", "dark", "contrast")  # "system": follow the system's dark / high-contrast choice
TEXT_SIZES = (100, 125, 150, 200)  # per cent of the system's text size
DEFAULT_LOOK = ("system", 100)


def load_look(path: str | os.PathLike | None = None) -> tuple[str, int]:
    """(appearance, text size) from the settings file (`paths.settings_path()` unless `path`); the defaults for a
    missing or unreadable file and for a value that is not one of the choices."""
    if path is None:
        from decisionaid import paths

        path = paths.settings_path()
    try:
        raw = Path(path).read_bytes()
    except OSError:
        return DEFAULT_LOOK
    import json  # only when there is a file to read

    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return DEFAULT_LOOK
    if not isinstance(data, dict):
        return DEFAULT_LOOK
    look, size = data.get("appearance"), data.get("text_size")
    return (look if look in APPEARANCES else "system",
            size if size in TEXT_SIZES and not isinstance(size, bool) else 100)


SEEN_SYSTEM_NAME = "system-look"  # in the data folder: what "system" meant at the last start
_SEEN = ("dark", "contrast")  # "system" (the system's own palette) is what a missing file means


def load_seen_system(folder: str | os.PathLike | None = None) -> str:
    """What the system's choice was at the last start ("dark", "contrast" or "system"), so that the first paint
    is drawn in it before the system is asked (ui.appearance.apply_first); "system" when not known."""
    if folder is None:
        from decisionaid import paths

        folder = paths.chosen_data_dir()
    try:
        seen = (Path(folder) / SEEN_SYSTEM_NAME).read_bytes()[:16].decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return "system"
    return seen if seen in _SEEN else "system"


def save_seen_system(seen: str, folder: str | os.PathLike | None = None) -> None:
    """Remember what the system's choice is now (owner-only, written whole); a folder that cannot be written only
    costs the next start's first paint its certainty (it is corrected a moment later)."""
    seen = seen if seen in _SEEN else "system"
    try:
        if folder is None:
            from decisionaid import paths

            folder = paths.data_dir()
        path = Path(folder) / SEEN_SYSTEM_NAME
        if seen == "system":  # (a damaged file goes too)
            path.unlink(missing_ok=True)
            return
        if load_seen_system(folder) == seen:
            return
        from decisionaid.files import replacing

        with replacing(path) as tmp:
            tmp.write_bytes(seen.encode("ascii") + b"\n")
    except OSError:
        pass
