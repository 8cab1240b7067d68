"""The consultation checklist: a versioned JSON file in resources/, checked on load and built into frozen Structs.

A malformed checklist raises ChecklistError whose message names the file, the field and the problem.
The clinical content (questions, reasons, sources, the PHQ-9 scale, the SURE test, the crisis text) is all data,
and so are the concepts every screen and document shares: the answers each kind of question takes with the words
shown for them (on screen and on paper alike), and the decisions a consultation can end in with their labels.
The rules that judge answers are in assessment.py.
"""

# Annotations are objects here, not strings (no `from __future__ import annotations`): msgspec reads a Struct's
# annotations when it first decodes into it, and would compile and evaluate each string (a few ms of the first PDF).

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from decisionaid.checklist.phq9 import Band, Phq9Scale
from decisionaid.content import CheckedFileError, Id, field_name, load_checked
from decisionaid.content.types import Model

UNSURE = "unsure"
YES = "yes"                      # a SURE item's "yes" scores 1
NO_DECISION = "none"             # how filters and the command line name "not decided yet"; never a decision's code
SEVERITIES = ("stop", "caution", "info")
JUDGEMENT_WORDS = "clinical judgement"


class ChecklistError(CheckedFileError):
    """The checklist cannot be used. str() is one sentence: file, field, problem."""

    what = "Checklist"


# Value types are frozen msgspec Structs, not dataclasses: made in microseconds at import (see
# docs/design/architecture.md, "Value types").
class Answer(msgspec.Struct, frozen=True):
    value: str                   # what is stored, e.g. "yes"
    label: str                   # what the clinician and the patient read, on screen and on paper, e.g. "Yes"


class Decision(msgspec.Struct, frozen=True):
    code: str                    # what is stored, e.g. "proceed"
    label: str                   # what the clinician reads, e.g. "Proceed"


class Item(msgspec.Struct, frozen=True):
    id: str
    section: str                 # the id of the section it belongs to
    question: str                # for the clinician
    patient_text: str            # plain language for the patient
    answer_type: str             # yes_no, yes_no_unsure, discussed, choice, text
    choices: tuple[str, ...]     # for answer_type "choice" only; empty otherwise
    severity: str                # stop, caution, info: applies when the answer is in flag_when
    flag_when: tuple[str, ...]
    why: str
    source: str
    sourced: bool                # False: the facts sheet does not cover it; `why` says it is clinical judgement
    required: bool
    reason: str | None = None    # the assessment's reason when flagged, after "Not a candidate now: " etc.
    crisis: bool = False         # a flagged answer opens the crisis pathway
    caution_when: tuple[str, ...] = ()   # answers that raise a caution (not the item's own severity)
    caution_reason: str | None = None    # the reason for such an answer, after "Caution: "
    options: tuple[Answer, ...] = ()     # the possible answers with their labels (a choice's label is its text)

    def allowed_answers(self) -> tuple[str, ...] | None:
        """The answer values this item accepts; None for free text."""
        if self.answer_type == "text":
            return None
        return tuple(o.value for o in self.options)

    def answer_label(self, value: str) -> str:
        """The words for an answer, the same on screen and on paper ("yes" -> "Yes"). Free text, and a value this
        checklist does not offer (a record saved under an older one), come back as they are."""
        return next((o.label for o in self.options if o.value == value), value)


class Section(msgspec.Struct, frozen=True):
    id: str
    title: str
    intro: str
    items: tuple[Item, ...]


class SureItem(msgspec.Struct, frozen=True):
    item: str       # checklist item id
    letter: str     # S, U, R, E
    meaning: str


class SureTest(msgspec.Struct, frozen=True):
    name: str
    items: tuple[SureItem, ...]
    pass_score: int              # fewer "yes" answers than this is a caution
    caution_reason: str
    citation: str
    pmid: str
    wording_verified: bool       # False: show wording_note beside the items
    wording_note: str
    terms_of_use: str
    source: str


class Crisis(msgspec.Struct, frozen=True):
    default_text: str            # the default for Settings.crisis_text: patient wording, one line per bullet
    default_text_status: str     # who wrote it and that it needs re-checking before release
    default_text_sources: tuple[str, ...]
    not_covered: str
    clinician_guidance: str      # what the clinician does now (screen and record only, never the handout)
    clinician_guidance_source: str
    clinician_handout_line: str = ""  # tells the clinician the handout carries the crisis lines
    record_note: str = ""        # the record's line for a consultation that stopped at the safety check


class Checklist(msgspec.Struct, frozen=True):
    version: str
    sections: tuple[Section, ...]
    phq9: Phq9Scale
    crisis: Crisis
    sure: SureTest
    last_reviewed: dt.date
    compiled_from: str
    path: Path
    decisions: tuple[Decision, ...] = ()  # what a consultation can end in, in the order offered
    undecided: str = ""                  # the label for no decision yet

    @property
    def decision_codes(self) -> tuple[str, ...]:
        """The decisions a record may hold, e.g. ("proceed", "defer", ...)."""
        return tuple(d.code for d in self.decisions)

    def decision_label(self, code: str | None) -> str:
        """The words for a decision ("proceed" -> "Proceed"; none -> "Not decided yet"), on screen and on paper.
        A code this checklist does not offer (a record saved under an older one) comes back as it is."""
        if not code:
            return self.undecided
        return next((d.label for d in self.decisions if d.code == code), code)

    def answer_label(self, item_id: str, value: str) -> str:
        """The words for an answer to the item with this id; the value itself for an item this checklist lacks."""
        try:
            return self.item(item_id).answer_label(value)
        except KeyError:
            return value

    @property
    def items(self) -> tuple[Item, ...]:
        """Every item, in checklist order."""
        return tuple(i for s in self.sections for i in s.items)

    def item(self, item_id: str) -> Item:
        """The item with this id; KeyError if there is none."""
        for i in self.items:
            if i.id == item_id:
                return i
        raise KeyError(item_id)


# --- loading ---------------------------------------------------------------------------------

def default_checklist_path() -> Path:
    from decisionaid.resources import resource_path

    return resource_path("checklist", "checklist.json")


# --- the file's shape (resources/checklist/checklist.schema.json says the same for authors; a test keeps them in
# step). Decoding checks it; the dataclasses above are then built from the checked data, with the rules between
# items, the PHQ-9 scale and the SURE test that a schema cannot state. A field left out stays left out (UNSET).

Text = Annotated[str, msgspec.Meta(min_length=1, pattern=r"\S")]   # here also never only spaces
Texts = Annotated[list[Text], msgspec.Meta(min_length=1)]
Version = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{4}\.[0-9]{1,2}\.[0-9]+$")]
IsoDate = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]  # a real day: _check_references
Whole = Annotated[int, msgspec.Meta(ge=0)]
Positive = Annotated[int, msgspec.Meta(ge=1)]


def _unique(values, name: str) -> None:
    if values is not UNSET and len(set(values)) != len(values):
        repeated = next(v for i, v in enumerate(values) if v in values[:i])
        raise ValueError(f"field {name}: '{repeated}' is given twice")


class AnswerFile(Model, frozen=True):
    value: Text
    label: Text


Answers = Annotated[list[AnswerFile], msgspec.Meta(min_length=2)]


class AnswerTypesFile(Model, frozen=True):
    yes_no: Answers
    yes_no_unsure: Answers
    discussed: Answers


class DecisionFile(Model, frozen=True):
    code: Id
    label: Text


class DecisionsFile(Model, frozen=True):
    undecided: Text
    options: Annotated[list[DecisionFile], msgspec.Meta(min_length=1)]


class ItemFile(Model, frozen=True):
    id: Id
    question: Text
    patient_text: Text
    answer_type: Literal["yes_no", "yes_no_unsure", "discussed", "choice", "text"]
    severity: Literal["stop", "caution", "info"]
    flag_when: list[Text]
    why: Text
    source: Text
    sourced: bool
    required: bool
    choices: Annotated[list[Text], msgspec.Meta(min_length=2)] | UnsetType = UNSET
    reason: Text | UnsetType = UNSET
    caution_when: Annotated[list[Text], msgspec.Meta(min_length=1)] | UnsetType = UNSET
    caution_reason: Text | UnsetType = UNSET
    crisis: bool | UnsetType = UNSET

    def __post_init__(self):
        for name in ("choices", "flag_when", "caution_when"):
            _unique(getattr(self, name), name)


class SectionFile(Model, frozen=True):
    id: Id
    title: Text
    intro: Text
    items: Annotated[list[ItemFile], msgspec.Meta(min_length=1)]


class BandFile(Model, frozen=True):
    min: Whole
    max: Whole
    label: Text


class Phq9File(Model, frozen=True):
    name: Text
    period: Text
    item_min: Whole
    item_max: Positive
    response_labels: Texts
    item_labels: Texts
    item_wording_note: Text
    stem: Text
    total_min: Whole
    total_max: Positive
    bands: Annotated[list[BandFile], msgspec.Meta(min_length=1)]
    safety_item: Positive
    safety_reason: Text
    severity_item: Id
    severity_mismatch_reason: Text
    source: Text


class SureItemFile(Model, frozen=True):
    item: Id
    letter: Annotated[str, msgspec.Meta(pattern="^[A-Z]$")]
    meaning: Text


class SureFile(Model, frozen=True):
    name: Text
    items: Annotated[list[SureItemFile], msgspec.Meta(min_length=1)]
    pass_score: Positive
    caution_reason: Text
    citation: Text
    pmid: Annotated[str, msgspec.Meta(pattern="^[0-9]{6,9}$")]
    wording_verified: bool
    wording_note: Text
    terms_of_use: Text
    source: Text


class CrisisFile(Model, frozen=True):
    default_text: Text
    default_text_status: Text
    default_text_sources: Texts
    not_covered: Text
    clinician_guidance: Text
    clinician_guidance_source: Text
    clinician_handout_line: Text
    record_note: Text


class ChecklistFile(Model, frozen=True):
    format: Literal[1]
    version: Version
    last_reviewed: IsoDate
    compiled_from: Text
    answer_types: AnswerTypesFile
    decisions: DecisionsFile
    sections: Annotated[list[SectionFile], msgspec.Meta(min_length=1)]
    phq9: Phq9File
    sure: SureFile
    crisis: CrisisFile


def _options(data: dict, item: dict) -> tuple[Answer, ...]:
    if item["answer_type"] == "choice":
        return tuple(Answer(c, c) for c in item["choices"])
    return tuple(Answer(a["value"], a["label"]) for a in data["answer_types"].get(item["answer_type"], ()))


def _build(data: dict, path: Path) -> Checklist:
    sections = tuple(
        Section(s["id"], s["title"], s["intro"], tuple(
            Item(id=i["id"], section=s["id"], question=i["question"], patient_text=i["patient_text"],
                 answer_type=i["answer_type"], choices=tuple(i.get("choices", ())), severity=i["severity"],
                 flag_when=tuple(i["flag_when"]), why=i["why"], source=i["source"], sourced=i["sourced"],
                 required=i["required"], reason=i.get("reason"), crisis=i.get("crisis", False),
                 caution_when=tuple(i.get("caution_when", ())), caution_reason=i.get("caution_reason"),
                 options=_options(data, i))
            for i in s["items"]))
        for s in data["sections"])
    p, su, c = data["phq9"], data["sure"], data["crisis"]
    phq9 = Phq9Scale(
        name=p["name"], period=p["period"], item_min=p["item_min"], item_max=p["item_max"],
        response_labels=tuple(p["response_labels"]), item_labels=tuple(p["item_labels"]),
        item_wording_note=p["item_wording_note"], total_min=p["total_min"], total_max=p["total_max"],
        bands=tuple(Band(b["min"], b["max"], b["label"]) for b in p["bands"]), safety_item=p["safety_item"],
        safety_reason=p["safety_reason"], severity_item=p["severity_item"], source=p["source"], stem=p["stem"],
        severity_mismatch_reason=p["severity_mismatch_reason"])
    sure = SureTest(
        name=su["name"], items=tuple(SureItem(x["item"], x["letter"], x["meaning"]) for x in su["items"]),
        pass_score=su["pass_score"], caution_reason=su["caution_reason"], citation=su["citation"], pmid=su["pmid"],
        wording_verified=su["wording_verified"], wording_note=su["wording_note"], terms_of_use=su["terms_of_use"],
        source=su["source"])
    crisis = Crisis(
        default_text=c["default_text"], default_text_status=c["default_text_status"],
        default_text_sources=tuple(c["default_text_sources"]), not_covered=c["not_covered"],
        clinician_guidance=c["clinician_guidance"], clinician_guidance_source=c["clinician_guidance_source"],
        clinician_handout_line=c["clinician_handout_line"], record_note=c["record_note"])
    decisions = tuple(Decision(d["code"], d["label"]) for d in data["decisions"]["options"])
    return Checklist(version=data["version"], sections=sections, phq9=phq9, crisis=crisis, sure=sure,
                     last_reviewed=dt.date.fromisoformat(data["last_reviewed"]),
                     compiled_from=data["compiled_from"], path=path, decisions=decisions,
                     undecided=data["decisions"]["undecided"])


def _check_items(data: dict, fail) -> dict[str, tuple[list[Any], dict]]:
    """Per-item rules a JSON Schema cannot express. Returns id -> (field path, raw item)."""
    seen_sections: set[str] = set()
    items: dict[str, tuple[list[Any], dict]] = {}
    for si, section in enumerate(data["sections"]):
        if section["id"] in seen_sections:
            fail(["sections", si, "id"], f"duplicate section id '{section['id']}'")
        seen_sections.add(section["id"])
        for ii, item in enumerate(section["items"]):
            where = ["sections", si, "items", ii]
            if item["id"] in items:
                fail(where + ["id"], f"duplicate item id '{item['id']}'")
            items[item["id"]] = (where, item)
            if (item["answer_type"] == "choice") != ("choices" in item):
                fail(where + ["choices"], "a choice item needs 'choices'" if item["answer_type"] == "choice"
                     else f"only a choice item can have 'choices' (this one is {item['answer_type']})")
            allowed = (item.get("choices") if item["answer_type"] == "choice"
                       else [a["value"] for a in data["answer_types"].get(item["answer_type"], ())] or None)
            for fi, value in enumerate(item["flag_when"]):
                if allowed is None:
                    fail(where + ["flag_when", fi], "a free-text item cannot raise a flag")
                if value not in allowed:
                    fail(where + ["flag_when", fi],
                         f"'{value}' is not a possible answer (possible: {', '.join(allowed)})")
            if item["severity"] in ("stop", "caution") and not item["flag_when"]:
                fail(where + ["flag_when"], f"a {item['severity']} item needs at least one answer that raises it")
            if item["flag_when"] and "reason" not in item:
                fail(where, "an item that can be flagged needs a 'reason'")
            for fi, value in enumerate(item.get("caution_when", ())):
                if allowed is None or value not in allowed:
                    fail(where + ["caution_when", fi], f"'{value}' is not a possible answer")
                if value in item["flag_when"]:
                    fail(where + ["caution_when", fi], f"'{value}' is already in flag_when")
            if ("caution_when" in item) != ("caution_reason" in item):
                fail(where, "'caution_when' and 'caution_reason' go together")
            if item.get("crisis") and (item["severity"] != "stop" or not item["flag_when"]):
                fail(where + ["crisis"], "only a stop item can open the crisis pathway")
            if not item["sourced"] and JUDGEMENT_WORDS not in item["why"].lower():
                fail(where + ["why"], "an item marked sourced: false must say in 'why' that it is "
                                      "clinical judgement, not from our sources")
    return items


def _check_concepts(data: dict, fail) -> None:
    """The answer types and the decisions: no value, label or code twice."""
    for kind, answers in data["answer_types"].items():
        for key in ("value", "label"):
            seen: set[str] = set()
            for ai, answer in enumerate(answers):
                if answer[key] in seen:
                    fail(["answer_types", kind, ai, key], f"'{answer[key]}' comes twice")
                seen.add(answer[key])
    for kind, value, why in (("yes_no_unsure", UNSURE, "it counts as a caution until checked"),
                             ("yes_no", YES, "the SURE test counts it")):
        if value not in [a["value"] for a in data["answer_types"][kind]]:
            fail(["answer_types", kind], f"needs the answer '{value}' ({why})")
    seen_codes: set[str] = set()
    for di, decision in enumerate(data["decisions"]["options"]):
        if decision["code"] in seen_codes or decision["code"] == NO_DECISION:
            fail(["decisions", "options", di, "code"], f"'{decision['code']}' "
                 + ("comes twice" if decision["code"] in seen_codes else "stands for no decision and cannot be one"))
        seen_codes.add(decision["code"])


def _check_phq9(data: dict, items: dict, fail) -> None:
    p = data["phq9"]
    n = len(p["item_labels"])
    if p["item_max"] <= p["item_min"]:
        fail(["phq9", "item_max"], f"{p['item_max']} is not above item_min {p['item_min']}")
    if len(p["response_labels"]) != p["item_max"] - p["item_min"] + 1:
        fail(["phq9", "response_labels"],
             f"{len(p['response_labels'])} labels for the {p['item_max'] - p['item_min'] + 1} possible scores")
    if (p["total_min"], p["total_max"]) != (n * p["item_min"], n * p["item_max"]):
        fail(["phq9", "total_max"], f"total {p['total_min']}\u2013{p['total_max']} does not match {n} items scored "
                                    f"{p['item_min']}\u2013{p['item_max']}")
    if not 1 <= p["safety_item"] <= n:
        fail(["phq9", "safety_item"], f"item {p['safety_item']} does not exist (items 1\u2013{n})")
    expected = p["total_min"]
    for bi, band in enumerate(p["bands"]):
        if band["min"] != expected or band["max"] < band["min"]:
            fail(["phq9", "bands", bi], f"bands must run without gaps or overlaps from {p['total_min']}; "
                                        f"this band should start at {expected}")
        expected = band["max"] + 1
    if expected != p["total_max"] + 1:
        fail(["phq9", "bands"], f"the bands end at {expected - 1}, not at the total maximum {p['total_max']}")
    target = items.get(p["severity_item"])
    if target is None:
        fail(["phq9", "severity_item"], f"item '{p['severity_item']}' is not in the checklist")
    labels = [b["label"] for b in p["bands"]]
    if target[1]["answer_type"] != "choice" or list(target[1].get("choices", [])) != labels:
        fail(target[0] + ["choices"], f"the choices must be the PHQ-9 band labels ({', '.join(labels)})")


def _check_sure(data: dict, items: dict, fail) -> None:
    s = data["sure"]
    for k, entry in enumerate(s["items"]):
        target = items.get(entry["item"])
        if target is None:
            fail(["sure", "items", k, "item"], f"item '{entry['item']}' is not in the checklist")
        if target[1]["answer_type"] != "yes_no":
            fail(target[0] + ["answer_type"], "a SURE item must be answered yes or no")
    if s["pass_score"] > len(s["items"]):
        fail(["sure", "pass_score"], f"{s['pass_score']} is more than the {len(s['items'])} items can score")


def _check_references(data: dict, path: Path) -> None:
    def fail(where: list[Any], problem: str):
        raise ChecklistError(path, field_name(where), problem)

    _check_concepts(data, fail)
    items = _check_items(data, fail)
    _check_phq9(data, items, fail)
    _check_sure(data, items, fail)
    try:
        dt.date.fromisoformat(data["last_reviewed"])
    except ValueError:
        fail(["last_reviewed"], f"'{data['last_reviewed']}' is not a real date")


def load_checklist(path: Path | str | None = None) -> Checklist:
    """Read, validate and build the checklist. Raises ChecklistError, never a bare traceback."""
    path, file = load_checked("checklist", path, default_checklist_path, ChecklistError, ChecklistFile)
    data = msgspec.to_builtins(file)  # checked; the rules between its parts read it as plain data
    _check_references(data, path)
    return _build(data, path)


def default_checklist() -> Checklist:
    """The bundled checklist (the one load_checklist() reads), read again only when its file changes: for code that
    checks records against it many times (sessions/). Raises ChecklistError, or ResourceError when it is missing."""
    path = default_checklist_path()
    return _load_once(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=2)
def _load_once(path: Path, _stamp: int) -> Checklist:
    return load_checklist(path)
