"""The clinician's settings: their name, the crisis text, the local emergency number, the clinic's own contact
(printed on handouts: "Who do I call?"), after how many idle minutes an encrypted set-up locks, the paper, and the
window's appearance (light, dark, high contrast or the system's) and text size, in a small JSON file.

The file is ``paths.settings_path()`` (``data_dir()/settings.json``), owner-only (0600), written atomically
(temporary file in the same folder, then rename). A missing file gives the defaults; so does a damaged one,
and a damaged file is never overwritten silently: before the next save it is renamed to
``settings.json.damaged-<n>``. The default crisis text comes from resources/checklist/checklist.json; a crisis
text equal to the default is not written, so a reviewed default reaches every clinician who never changed it.
No Qt here.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

from decisionaid.look import APPEARANCES, TEXT_SIZES  # the window's look: look.py, read alone at start

FORMAT = 1
IDLE_LOCK_DEFAULT = 10  # minutes; applies only while the sessions file is encrypted (a passphrase to ask for)
IDLE_LOCK_MAX = 240
NOTE_STYLES = ("full", "short")  # the same as handoff.note.NOTE_STYLES
PAPERS = ("auto", "a4", "letter")  # "auto": the default printer's paper, else the region's usual paper
# Regions whose usual paper is US Letter (CLDR's paperSize data); A4 everywhere else.
LETTER_TERRITORIES = frozenset("BZ CA CL CO CR GT MX NI PA PH PR SV US VE".split())
_log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def default_crisis_text() -> str:
    """The checklist file's default crisis text (resources/checklist/checklist.json, crisis.default_text).

    Only that one field is read, with the resources module: settings sit below the domain and import none of it
    (the checklist package validates the same text when it loads the whole file). Raises ResourceError, naming the
    file, when the file is missing or the text cannot be read."""
    from decisionaid.resources import ResourceError, resource_path

    path = resource_path("checklist", "checklist.json")
    try:
        text = json.loads(path.read_bytes().decode("utf-8"))["crisis"]["default_text"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        text = None
    if not isinstance(text, str) or not text.strip():
        raise ResourceError(f"The default crisis text cannot be read from {path}. Reinstall decisionaid.")
    return text


@dataclass(frozen=True)
class Settings:
    clinician_name: str = ""
    crisis_text: str = field(default_factory=default_crisis_text)
    emergency_number: str = ""
    idle_lock_minutes: int = IDLE_LOCK_DEFAULT  # 0: never lock
    clinic_contact: str = ""    # who a patient calls about this treatment (not in a crisis), e.g. "Riverside clinic, 0123 456"
    note_style: str = "full"  # the note for the health record: "full" or "short"
    paper: str = "auto"       # handouts and records: "auto", "a4" or "letter" (see resolve_paper)
    appearance: str = "system"  # the window's colours: APPEARANCES
    text_size: int = 100        # per cent: TEXT_SIZES


def region_paper(territory: str) -> str:
    """The usual paper of a region given as a two-letter code ("US", "DE"): "letter" or "a4"."""
    return "letter" if (territory or "").upper() in LETTER_TERRITORIES else "a4"


def environment_territory() -> str:
    """The region of the process's locale (LC_ALL, LC_PAPER, LANG: "en_US.UTF-8" gives "US"), or ""."""
    for name in ("LC_ALL", "LC_PAPER", "LANG"):
        value = os.environ.get(name, "")
        if value:
            code = value.split(".")[0].split("@")[0]
            return code.split("_")[1].upper() if "_" in code else ""
    return ""


def resolve_paper(setting: str, printer_paper: str | None = None, territory: str | None = None) -> str:
    """The paper to lay documents out on: the setting when it names one; for "auto", the default printer's paper
    when it is A4 or Letter, else the region's usual paper (`territory`, or the locale's when None)."""
    if setting in ("a4", "letter"):
        return setting
    if printer_paper in ("a4", "letter"):
        return printer_paper
    return region_paper(environment_territory() if territory is None else territory)


def _settings_path(path: str | os.PathLike | None) -> Path:
    if path is not None:
        return Path(path)
    from decisionaid import paths

    return paths.settings_path()


def _parse(raw: bytes) -> tuple[Settings, bool]:
    """Settings from the file's bytes, and whether the file was damaged (unreadable fields become defaults)."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return Settings(), True
    if not isinstance(data, dict):
        return Settings(), True
    values, damaged = {}, False
    for f in fields(Settings):
        if f.name not in data or data[f.name] is None:
            continue
        if f.name in ("appearance", "text_size"):
            if data[f.name] in (APPEARANCES if f.name == "appearance" else TEXT_SIZES) and \
                    not isinstance(data[f.name], bool):
                values[f.name] = data[f.name]
            else:
                damaged = True
        elif f.name == "idle_lock_minutes":
            minutes = data[f.name]
            if isinstance(minutes, int) and not isinstance(minutes, bool) and 0 <= minutes <= IDLE_LOCK_MAX:
                values[f.name] = minutes
            else:
                damaged = True
        elif f.name in ("note_style", "paper"):
            if data[f.name] in (NOTE_STYLES if f.name == "note_style" else PAPERS):
                values[f.name] = data[f.name]
            else:
                damaged = True
        elif isinstance(data[f.name], str):
            values[f.name] = data[f.name]
        else:
            damaged = True
    if not (values.get("crisis_text") or "").strip():
        values.pop("crisis_text", None)  # an empty crisis text would leave a patient in crisis with nothing
    return Settings(**values), damaged


def _read(path: Path) -> tuple[Settings, bool]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings(), False
    except OSError as exc:
        _log.warning("Settings file %s cannot be read (%s); using the defaults.", path, exc)
        return Settings(), False
    settings, damaged = _parse(raw)
    if damaged:
        _log.warning("Settings file %s is damaged; using the defaults. It is kept and moved aside on the next save.",
                     path)
    return settings, damaged


def load(path: str | os.PathLike | None = None) -> Settings:
    """The saved settings; the defaults when the file is missing, unreadable or damaged."""
    return _read(_settings_path(path))[0]


def load_look(path: str | os.PathLike | None = None) -> tuple[str, int]:
    """Only the appearance and the text size (look.load_look, which the window's start calls without loading this
    module)."""
    from decisionaid.look import load_look as read_look

    return read_look(_settings_path(path))


def _move_aside(path: Path) -> Path:
    n = 1
    while (aside := path.with_name(f"{path.name}.damaged-{n}")).exists():
        n += 1
    os.replace(path, aside)
    return aside


def save(settings: Settings, path: str | os.PathLike | None = None) -> Path:
    """Write the settings atomically with mode 0600; returns the file's path. Raises OSError if it cannot.

    A damaged settings file already there is first renamed to settings.json.damaged-<n>, never overwritten.
    """
    from decisionaid.files import replacing

    path = _settings_path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.exists() and _read(path)[1]:
        aside = _move_aside(path)
        _log.warning("Damaged settings file moved aside to %s.", aside)
    data: dict[str, object] = {"format": FORMAT, "clinician_name": settings.clinician_name,
                               "emergency_number": settings.emergency_number,
                               "clinic_contact": settings.clinic_contact,
                               "idle_lock_minutes": settings.idle_lock_minutes, "note_style": settings.note_style,
                               "paper": settings.paper, "appearance": settings.appearance,
                               "text_size": settings.text_size}
    if settings.crisis_text.strip() and settings.crisis_text != default_crisis_text():
        data["crisis_text"] = settings.crisis_text
    payload = (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    with replacing(path) as tmp:  # owner-only, fsynced, renamed into place
        tmp.write_bytes(payload)
    return path


