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
