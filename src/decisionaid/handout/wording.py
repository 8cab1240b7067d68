"""The handout's plain-language wording (resources/handout/handout.json): loaded, schema-checked, filled in.

The wording holds no clinical number. Figures are placeholders such as ``{response_botox}``, filled from the
evidence pack and our pooled estimates by `numbers()`, so the handout can never disagree with the Evidence
screen. No reportlab here, so tests can check the wording without building a PDF.
"""

from __future__ import annotations

import datetime as dt
import string
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from decisionaid.checklist.assessment import Status
from decisionaid.evidence import figures
from decisionaid.evidence.formatting import whole_people
from decisionaid.evidence.schema_codegen import CheckedFileError, load_checked
from decisionaid.evidence.summary import EvidenceSummary
from decisionaid.evidence.pack import CALCULATION_SOURCE

PLACEHOLDERS = frozenset({
    "response_botox", "response_placebo", "response_more", "response_botox_not", "response_placebo_not",
    "response_time", "remission_botox", "remission_placebo", "emergency_number",
    "pack_version", "pack_reviewed", "handout_version", "made_on",
    # the clinic's own contact and the review dates (issue 13); the figures' names come from the figure model
    "clinic_contact", "review_due", "handout_reviewed"}) | figures.PLACEHOLDERS


class WordingError(CheckedFileError):
    """The handout wording cannot be used. str() is one sentence: file, field, problem."""

    what = "Handout wording"


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    blocks: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Wording:
    version: str
    last_reviewed: dt.date
    title: str
    subtitle: str
    sections: tuple[Section, ...]
    visit: dict[str, Any]
    footer: dict[str, str]
    path: Path


def default_wording_path() -> Path:
    from decisionaid.resources import resource_path

    return resource_path("handout", "handout.json")


def _strings(node: Any, where: str):
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{where}.{key}" if where else key)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{where}[{i}]")


def _check(data: dict, path: Path) -> None:
    for where, text in _strings(data, ""):
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        except ValueError as exc:
            raise WordingError(path, where, f"has a stray brace ({exc})") from None
        unknown = names - PLACEHOLDERS
        if unknown:
            raise WordingError(path, where, f"uses unknown placeholder {{{sorted(unknown)[0]}}}")
    statuses = set(data["visit"]["status"])
    if statuses != {s.value for s in Status}:
        raise WordingError(path, "visit.status", f"must word exactly the statuses {', '.join(s.value for s in Status)}")


def load_wording(path: Path | str | None = None) -> Wording:
    """Read, validate and build the wording. Raises WordingError, never a bare traceback."""
    path, data = load_checked("handout", path, default_wording_path, WordingError)
    _check(data, path)
    sections = tuple(Section(s["id"], s["heading"], tuple(s["blocks"])) for s in data["sections"])
    return Wording(data["version"], dt.date.fromisoformat(data["last_reviewed"]), data["title"], data["subtitle"],
                   sections, data["visit"], data["footer"], path)


@lru_cache(maxsize=1)
def default_wording() -> Wording:
    """The bundled wording, read once per process (it is checked data and never changes while running)."""
    return load_wording()


def long_date(day: dt.date) -> str:
    """21 November 2026: no digits-only dates a reader could take the wrong way round."""
    return f"{day.day} {day:%B %Y}"


def numbers(summary: EvidenceSummary, made_on: dt.date, wording: Wording, emergency_number: str = "",
            clinic_contact: str = "") -> dict:
    """The value of every placeholder, as the handout prints it (whole people out of 100)."""
    response = summary.outcome("response").frequencies
    remission = summary.outcome("remission").frequencies
    botox, placebo = whole_people(response.treatment_per_100), whole_people(response.control_per_100)
    return figures.handout_values(summary) | {
        "clinic_contact": clinic_contact, "review_due": long_date(summary.pack.review_due()),
        "handout_reviewed": long_date(wording.last_reviewed),
        "response_botox": botox, "response_placebo": placebo, "response_more": botox - placebo,
        "response_botox_not": 100 - botox, "response_placebo_not": 100 - placebo,
        "response_time": summary.outcome("response").outcome.time_frame,
        "remission_botox": whole_people(remission.treatment_per_100),
        "remission_placebo": whole_people(remission.control_per_100),
        "emergency_number": emergency_number,
        "pack_version": summary.pack.version, "pack_reviewed": long_date(summary.pack.last_reviewed),
        "handout_version": wording.version, "made_on": long_date(made_on),
    }


def fill(text: str, values: dict) -> str:
    """The wording with its placeholders filled; the values are ours, never user text with braces in it."""
    return text.format_map(values)


class SourceNumbers:
    """Numbers sources in order of first citation, as the handout's reference list prints them."""

    def __init__(self):
        self.order: list[str] = []

    def cite(self, source_ids) -> list[int]:
        out = []
        for sid in source_ids:
            if sid == CALCULATION_SOURCE:  # our own calculation is said in words, never a numbered reference
                continue
            if sid not in self.order:
                self.order.append(sid)
            out.append(self.order.index(sid) + 1)
        return out
