"""The handout's plain-language wording (resources/handout/handout.json): loaded, checked, filled in.

The wording holds no clinical number. Figures are placeholders such as ``{response_botox}``, filled from the
evidence pack and our pooled estimates by `numbers()`, so the handout can never disagree with the Evidence
screen. No reportlab here, so tests can check the wording without building a PDF.
"""

# Annotations are objects here, not strings (no `from __future__ import annotations`): msgspec reads a Struct's
# annotations when it first decodes into it, and would compile and evaluate each string (a few ms of the first PDF).

import datetime as dt
import string
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from decisionaid.checklist.assessment import Status
from decisionaid.evidence import figures
from decisionaid.evidence.formatting import whole_people
from decisionaid.content import CheckedFileError, Date, Text, load_checked, strings
from decisionaid.content.types import Model
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


# Value types are frozen msgspec Structs, not dataclasses: made in microseconds at import (see
# docs/design/architecture.md, "Value types").
class Section(msgspec.Struct, frozen=True):
    id: str
    heading: str
    blocks: tuple[dict[str, Any], ...]


class Wording(msgspec.Struct, frozen=True):
    version: str
    last_reviewed: dt.date
    title: str
    subtitle: str
    sections: tuple[Section, ...]
    visit: dict[str, Any]
    footer: dict[str, str]
    path: Path


# --- the file's shape (resources/handout/handout.schema.json says the same for authors; a test keeps them in step) ---

Sources = list[Annotated[str, msgspec.Meta(min_length=1)]]
Version = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{4}\.[0-9]{1,2}\.[0-9]+$")]


class _Block(Model, frozen=True, tag_field="kind"):
    """One block of a section; its "kind" says which fields it has."""


class TextBlock(_Block, frozen=True, tag="text"):
    text: Text
    sources: Sources
    emphasis: bool | UnsetType = UNSET


class Sourced(Model, frozen=True):
    text: Text
    sources: Sources


class BulletsBlock(_Block, frozen=True, tag="bullets"):
    items: Annotated[list[Sourced], msgspec.Meta(min_length=1)]


class IconsBlock(_Block, frozen=True, tag="icons"):
    outcome: Text
    caption_botox: Text
    caption_placebo: Text


class HarmsBlock(_Block, frozen=True, tag="harms"):
    heading_effect: Text
    heading_botox: Text
    heading_placebo: Text


class CrisisBlock(_Block, frozen=True, tag="crisis"):
    lead: Text
    emergency: Text
    clinic: Text
    clinic_unset: Text


class WarningBlock(_Block, frozen=True, tag="warning"):
    text: Text
    sources: Sources


class ContactBlock(_Block, frozen=True, tag="contact"):
    text: Text
    unset: Text


Block = TextBlock | BulletsBlock | IconsBlock | HarmsBlock | CrisisBlock | WarningBlock | ContactBlock


class SectionFile(Model, frozen=True):
    id: Annotated[str, msgspec.Meta(pattern=r"^[a-z_]+$")]
    heading: Text
    blocks: Annotated[list[Block], msgspec.Meta(min_length=1)]


class Labels(Model, frozen=True):
    patient: Text
    date: Text
    clinician: Text
    follow_up: Text
    no_follow_up: Text


class DecisionWording(Model, frozen=True):
    text: Text
    next: Text


class Visit(Model, frozen=True):
    heading: Text
    labels: Labels
    status_heading: Text
    status: dict[str, Text]
    crisis_status: Text
    values_heading: Text
    sure_heading: Text
    sure_note: Text
    not_answered: Text
    decision_heading: Text
    decision: dict[str, DecisionWording]
    next_heading: Text
    crisis_first: Text

    def __post_init__(self):
        if "none" not in self.decision:
            raise ValueError("field decision: missing required field none")


class Footer(Model, frozen=True):
    sources_heading: Text
    brackets: Text
    about: Text
    review: Text
    pack: Text
    numbers: Text


class HandoutFile(Model, frozen=True):
    format: Literal[1]
    version: Version
    last_reviewed: Date
    compiled_from: Text
    title: Text
    subtitle: Text
    sections: Annotated[list[SectionFile], msgspec.Meta(min_length=1)]
    visit: Visit
    footer: Footer


def default_wording_path() -> Path:
    from decisionaid.resources import resource_path

    return resource_path("handout", "handout.json")


def _check(data: dict, path: Path) -> None:
    for where, text in strings(data):
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
    path, file = load_checked("handout", path, default_wording_path, WordingError, HandoutFile)
    data = msgspec.to_builtins(file)  # the blocks, visit and footer are read as plain mappings
    _check(data, path)
    sections = tuple(Section(s["id"], s["heading"], tuple(s["blocks"])) for s in data["sections"])
    return Wording(file.version, file.last_reviewed, file.title, file.subtitle, sections, data["visit"],
                   data["footer"], path)


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
