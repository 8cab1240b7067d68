"""The Patient view's plain-language wording (resources/patient_view/patient_view.json): loaded and checked.

The wording holds no clinical number: every figure on the Patient view comes from the figure model
(evidence/figures.py) and the evidence pack, the same as the Evidence and Options screens. No Qt here, so tests can
measure the reading level without a window.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from decisionaid.content import CheckedFileError, Date, Text, load_checked
from decisionaid.content import strings as content_strings
from decisionaid.content.types import Model

_DIGIT = re.compile(r"\d")


class PatientViewWordingError(CheckedFileError):
    """The Patient view wording cannot be used. str() is one sentence: file, field, problem."""

    what = "Patient view wording"


@dataclass(frozen=True)
class PatientViewWording:
    version: str
    last_reviewed: dt.date
    data: dict[str, Any]
    path: Path

    def __getitem__(self, key: str) -> Any:
        return self.data[key]


# --- the file's shape (resources/patient_view/patient_view.schema.json says the same for authors) ---

class Steps(Model, frozen=True):
    team: Text
    options: Text
    decision: Text


class Team(Model, frozen=True):
    heading: Text
    decision: Text
    off_label: Text
    current_care: Text
    together: Text
    sure_heading: Text


class Topics(Model, frozen=True):
    help: Text
    harms: Text
    serious: Text
    sure: Text
    involves: Text
    repeats: Text
    cost: Text


class OptionsWording(Model, frozen=True):
    heading: Text
    pick: Text
    botox: Text
    current: Text
    topics: Topics
    help_title: Text
    harms_title: Text
    people_note: Text
    dummy_note: Text


class DecisionWording(Model, frozen=True):
    heading: Text
    values_intro: Text
    other_hint: Text
    sure_heading: Text  # the SURE test's Yes and No are the checklist's answer labels, not words of this file
    questions_heading: Text
    questions: Annotated[list[Text], msgspec.Meta(min_length=1)]
    handout: Text
    sure_again: Text


class CrisisWording(Model, frozen=True):
    heading: Text
    lead: Text
    emergency: Text
    clinic: Text
    wait: Text


class PatientViewFile(Model, frozen=True):
    format: Literal["decisionaid-patient-view"]
    version: Annotated[str, msgspec.Meta(pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$")]
    last_reviewed: Date
    window_title: Text
    steps: Steps
    next: Text
    back: Text
    team: Team
    options: OptionsWording
    decision: DecisionWording
    crisis: CrisisWording


def default_path() -> Path:
    from decisionaid.resources import resource_path

    return resource_path("patient_view", "patient_view.json")


def strings(node: Any, where: str = ""):
    """(field, text) for every string in the wording, the metadata left out."""
    return content_strings(node, where, skip=("format", "version", "last_reviewed"))


def _check(data: dict, path: Path) -> None:
    for where, text in strings(data):
        if where.startswith("steps."):  # "1. A choice": the step's own number, not a figure
            text = text.split(".", 1)[-1]
        if _DIGIT.search(text):
            raise PatientViewWordingError(path, where, "holds a number: figures come from the evidence, never the "
                                                       "wording")


def load_wording(path: Path | str | None = None) -> PatientViewWording:
    """Read, validate and build the wording. Raises PatientViewWordingError, never a bare traceback."""
    path, file = load_checked("patient_view", path, default_path, PatientViewWordingError, PatientViewFile)
    data = msgspec.to_builtins(file)  # the screens read the wording as plain mappings
    _check(data, path)
    return PatientViewWording(file.version, file.last_reviewed, data, path)


@lru_cache(maxsize=1)
def default_wording() -> PatientViewWording:
    return load_wording()
