"""Finding `resources/` in a source checkout, an installed wheel and a PyInstaller bundle.

Search order:
1. the folder named by ``DECISIONAID_RESOURCES`` (for maintainers trying an edited pack);
2. ``resources/`` next to a PyInstaller bundle's executable (``sys._MEIPASS``);
3. ``decisionaid/resources`` inside the installed package (the wheel puts it there);
4. ``resources/`` at the top of the source tree (development and editable installs).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_VAR = "DECISIONAID_RESOURCES"
_MARKER = Path("evidence") / "pack.json"
_FOLDERS = ("evidence", "checklist", "fonts", "handout")


class ResourceError(Exception):
    """A resource file is missing or unreadable; the message says which and where we looked."""


def _candidates() -> list[Path]:
    found: list[Path] = []
    override = os.environ.get(ENV_VAR)
    if override:
        return [Path(override)]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        found.append(Path(bundle) / "resources")
    here = Path(__file__).resolve().parent
    found.append(here / "resources")
    found.append(here.parent.parent / "resources")
    return found


def resources_dir() -> Path:
    """The first candidate folder that holds the evidence pack; failing that, the first that holds any of the
    resource folders (so a missing pack is named as such and the checklist and fonts are still found)."""
    tried = _candidates()
    for folder in tried:
        if (folder / _MARKER).is_file():
            return folder
    for folder in tried:
        if any((folder / part).is_dir() for part in _FOLDERS):
            return folder
    where = ", ".join(str(p) for p in tried)
    raise ResourceError(f"The program's resource folder was not found (looked in: {where}). Reinstall decisionaid.")


def resource_path(*parts: str) -> Path:
    """Path of a file inside resources/; raises ResourceError naming it when it is missing."""
    path = resources_dir().joinpath(*parts)
    if not path.is_file():
        raise ResourceError(f"A resource file is missing: {path}. Reinstall decisionaid.")
    return path
