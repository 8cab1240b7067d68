"""What a consultation record may hold, as the checklist file says: the decisions' codes, and the PHQ-9's number of
items and score ranges.

The sessions store checks every write against these. It reads them straight from resources/checklist/checklist.json
with the json module (a few milliseconds), not through the whole checklist loader (items.py, which validates every
question, reason and source): a process that only writes records, and the first save of a session, stay as quick as
before. The full loader validates the same fields when the program loads the checklist. No Qt, no SQLite.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


class RecordRulesError(ValueError):
    """The checklist file cannot give the record rules. str() is one sentence naming the file."""


@dataclass(frozen=True)
class RecordRules:
    decision_codes: tuple[str, ...]
    phq9_items: int
    item_min: int
    item_max: int
    total_min: int
    total_max: int


def rules_of(checklist) -> RecordRules:
    """The rules of a loaded checklist (checklist.items.Checklist)."""
    s = checklist.phq9
    return RecordRules(checklist.decision_codes, s.n_items, s.item_min, s.item_max, s.total_min, s.total_max)


def rules_from(data: dict) -> RecordRules:
    """The rules from the checklist file's JSON. Raises KeyError, TypeError or ValueError when it is not shaped so."""
    p = data["phq9"]
    codes = tuple(d["code"] for d in data["decisions"]["options"])
    numbers = (p["item_min"], p["item_max"], p["total_min"], p["total_max"])
    if not all(isinstance(c, str) and c for c in codes) or not codes:
        raise ValueError("decisions")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers) or not p["item_labels"]:
        raise ValueError("phq9")
    return RecordRules(codes, len(p["item_labels"]), *numbers)


def bundled_rules() -> RecordRules:
    """The rules of the bundled checklist file, read again only when the file changes. Raises ResourceError when it
    is missing, RecordRulesError when it cannot give them."""
    from decisionaid.resources import resource_path

    path = resource_path("checklist", "checklist.json")  # the file checklist.items.load_checklist() reads
    return _read(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=2)
def _read(path: Path, _stamp: int) -> RecordRules:
    try:
        return rules_from(json.loads(path.read_bytes().decode("utf-8")))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, IndexError):
        raise RecordRulesError(f"The decisions and the PHQ-9 scale cannot be read from {path}. "
                               "Reinstall decisionaid.") from None
