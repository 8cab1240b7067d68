"""The evidence pack: a versioned JSON file in resources/, decoded and validated in one pass into frozen Structs.

The Structs below are the pack's shape (resources/evidence/pack.schema.json says the same for authors, and a test
keeps the two in step); the references between its parts (sources, trials, caveats) are checked after decoding.
A malformed pack raises PackError whose message names the file, the field and the problem.
"""

# Annotations are objects here, not strings (no `from __future__ import annotations`): msgspec reads a Struct's
# annotations when it first decodes into it, and would compile and evaluate each string (a few ms of the first PDF).

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import msgspec
from msgspec import UNSET, UnsetType
from msgspec.structs import force_setattr

from decisionaid.content import CheckedFileError, Date, Id, Text, load_checked
from decisionaid.content import field_name as _field
from decisionaid.content.types import Model

CALCULATION_SOURCE = "team_derivation"  # pseudo-source marking decisionaid's own calculations; never listed as a reference

PROVENANCE_LABELS = {  # short labels a clinician reads; the full sentence is provenance.provenance_phrase()
    "reported": "reported",
    "secondary": "reported in a secondary source",
    "derived": "calculated by decisionaid",
    "unverified": "not known",
    "judgement": "clinical judgement",
}


class PackError(CheckedFileError):
    """The evidence pack cannot be used. str() is one sentence: file, field, problem."""

    what = "Evidence pack"


class Part(Model, frozen=True):
    """A part of the pack with fields the file may leave out. Left out, such a field reads as None; written as null
    it is refused, as the schema refuses it (declare it `X | UnsetType = UNSET`, never `X | None = None`)."""

    def __post_init__(self):
        for name in self.__struct_fields__:
            if getattr(self, name) is UNSET:
                force_setattr(self, name, None)


Provenance = Literal["reported", "secondary", "derived", "unverified", "judgement"]
SourceIds = tuple[Id, ...]
Count0 = Annotated[int, msgspec.Meta(ge=0)]


class Source(Part, frozen=True, dict=True):
    id: ClassVar[str]         # its key under "sources", set by the Pack
    citation: Text
    pmid: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{6,9}$")] | UnsetType = UNSET         # None when left out
    doi: Annotated[str, msgspec.Meta(pattern=r"^10\.[0-9]{4,9}/\S+$")] | UnsetType = UNSET   # None when left out
    registry: Annotated[str, msgspec.Meta(min_length=5)] | UnsetType = UNSET                # None when left out
    url: Annotated[str, msgspec.Meta(pattern=r"^https?://")] | UnsetType = UNSET            # None when left out
    secondary: bool = False   # a review, registry copy, news or company page rather than the original paper

    def reference(self, address_limit: int | None = None, one_id: bool = False) -> str:
        """The citation a clinician can look up: authors, title, journal or publisher, year, then PMID / DOI /
        registry number (only the first of them with `one_id`), and the web address when there is none of those. On paper (`address_limit`), an address
        longer than the limit is given as its site ('web page on mhra.gov.uk'): nobody types 170 characters."""
        ids = [f"PMID {self.pmid}" if self.pmid else "", f"DOI {self.doi}" if self.doi else "",
               self.registry or ""]
        if one_id:  # a patient's leaflet: one number to look the paper up by is enough (PMID, else DOI, else registry)
            ids = [next((i for i in ids if i), "")]
        if not (self.pmid or self.doi or self.registry) and self.url:
            if address_limit is not None and len(self.url) > address_limit:
                host = self.url.split("//", 1)[-1].split("/", 1)[0].removeprefix("www.")
                ids.append(f"Web page on {host}")
            else:
                ids.append(self.url)
        tail = ". ".join(i for i in ids if i and i not in self.citation)
        if not tail:
            return self.citation
        end = "" if tail.endswith(self.url or "\0") else "."  # no full stop glued to a web address
        return f"{self.citation.rstrip()}{'' if self.citation.rstrip().endswith('.') else '.'} {tail}{end}"



class Fact(Model, frozen=True):
    text: Text
    provenance: Provenance
    sources: SourceIds


class Figure(Part, frozen=True):
    value: Count0 | None
    provenance: Provenance
    sources: SourceIds
    method: Text | UnsetType = UNSET  # None when left out

    def __post_init__(self):
        super().__post_init__()
        if self.provenance == "derived" and self.method is None:
            raise ValueError("missing required field method (a calculated figure says how it was calculated)")
        if self.provenance == "unverified" and self.value is not None:
            raise ValueError(f"a figure that is not known holds no number (found {self.value})")
        if self.provenance != "unverified" and self.value is None:
            raise ValueError(f"value must be a whole number when the provenance is {self.provenance}")


class Count(Model, frozen=True):
    events: Figure
    total: Figure


class BinaryOutcome(Model, frozen=True):
    definition: Text
    treatment: Count
    control: Count

    def missing(self) -> list[str]:
        """Arms whose counts are unverified (never used in a calculation)."""
        arms = {"Botox": self.treatment, "comparison": self.control}
        return [name for name, c in arms.items() if c.events.value is None or c.total.value is None]


class Arm(Model, frozen=True):
    label: Text
    n: Figure


class Trial(Part, frozen=True):
    id: Id
    short: Text
    source: Id
    kind: Literal["rct_placebo", "rct_active", "active_comparison", "case_series"]
    registry: str | None
    design: Fact
    setting: Fact
    randomized: Figure
    arms: tuple[Arm, ...]
    women: Figure
    men: Figure
    antidepressants: Fact
    treatment_resistance: Fact
    dose: Fact
    scale: Fact
    time_point: Fact
    primary_result: Fact
    funding_coi: Fact
    adverse_events: Fact
    response: BinaryOutcome | None
    remission: BinaryOutcome | None
    analysed: Figure | UnsetType = UNSET  # each of these four None when left out
    enrolled: Figure | UnsetType = UNSET
    treated: Figure | UnsetType = UNSET
    not_pooled: Text | UnsetType = UNSET

    def outcome(self, outcome_id: str) -> BinaryOutcome | None:
        return {"response": self.response, "remission": self.remission}[outcome_id]


class Downgrade(Model, frozen=True):
    domain: Literal["risk_of_bias", "imprecision", "indirectness", "inconsistency", "publication_bias"]
    levels: Literal[1, 2]
    caveat: Id
    reason: Text


class PublishedCheck(Model, frozen=True):
    measure: Literal["or", "rr"]
    value: Annotated[float, msgspec.Meta(gt=0)]
    sources: SourceIds
    text: Text


Percent = Annotated[float, msgspec.Meta(ge=0, le=100)]


class ArmTotalsCheck(Part, frozen=True):
    """The published pooled percentages, with where they are reported."""
    text: Text
    sources: SourceIds
    botox_percent: Percent | UnsetType = UNSET       # None when left out
    comparison_percent: Percent | UnsetType = UNSET  # None when left out
    provenance: ClassVar[str] = "reported"


class Certainty(Model, frozen=True):
    downgrades: tuple[Downgrade, ...]
    plain: Text


class Outcome(Model, frozen=True):
    id: Literal["response", "remission"]
    label: Text
    plain: Text
    time_frame: Text
    trials: Annotated[tuple[Id, ...], msgspec.Meta(min_length=2)]
    published_check: PublishedCheck
    arm_totals_check: ArmTotalsCheck
    certainty: Certainty
    left_out_plain: Text = ""               # for patients: why the big trial is not in these numbers

    @property
    def downgrades(self) -> tuple[Downgrade, ...]:
        return self.certainty.downgrades

    @property
    def certainty_plain(self) -> str:
        return self.certainty.plain

    @property
    def published_botox(self) -> float | None:  # the published pooled percentages (arm_totals_check)
        return self.arm_totals_check.botox_percent

    @property
    def published_comparison(self) -> float | None:
        return self.arm_totals_check.comparison_percent


class PlainCount(Model, frozen=True):
    events: Count0
    total: Annotated[int, msgspec.Meta(ge=1)]


class Harm(Model, frozen=True):
    id: Id
    label: Text
    time_frame: Text
    treatment: PlainCount
    control: PlainCount
    provenance: Provenance
    sources: SourceIds
    icons: bool = False       # one of the main harms, drawn as icon arrays beside the benefits
    certainty: Certainty | None = None  # rated like a benefit (downgrades from high); absent: not rated

    @property
    def treatment_events(self) -> int:
        return self.treatment.events

    @property
    def treatment_total(self) -> int:
        return self.treatment.total

    @property
    def control_events(self) -> int:
        return self.control.events

    @property
    def control_total(self) -> int:
        return self.control.total


class HarmEvidence(Model, frozen=True):
    """One source of side-effect data, with the people it comes from and its time frame."""
    id: Id
    name: Text
    population: Text
    time_frame: Text
    finding: Text
    provenance: Provenance
    sources: SourceIds


class Harms(Model, frozen=True):
    intro: Text
    intro_sources: SourceIds
    items: Annotated[tuple[Harm, ...], msgspec.Meta(min_length=1)]
    depression_trials: Fact
    serious: Fact
    population: Text = ""
    evidence: tuple[HarmEvidence, ...] = ()


class OptionAnswer(Part, frozen=True):
    """One cell of the option grid: plain text, a practical fact, a harms fact, or a number computed from the pool."""
    text: Text | UnsetType = UNSET              # text, provenance, computed and harms: None when left out
    provenance: Provenance | UnsetType = UNSET
    sources: SourceIds = ()
    practical: Id | Annotated[tuple[Id, ...], msgspec.Meta(min_length=1)] = ()   # one key or several; read as a tuple
    computed: Literal["response", "remission", "certainty", "harms", "placebo_response"] | UnsetType = UNSET
    harms: Literal["serious", "depression_trials"] | UnsetType = UNSET

    def __post_init__(self):
        super().__post_init__()
        if isinstance(self.practical, str):
            force_setattr(self, "practical", (self.practical,))
        given = [n for n in ("text", "practical", "computed", "harms") if getattr(self, n)]
        if len(given) != 1:
            raise ValueError("needs exactly one of text, practical, computed or harms"
                             + (f" (found {', '.join(given)})" if given else ""))


class OptionRow(Model, frozen=True):
    id: Id
    question: Text
    botox: OptionAnswer
    current: OptionAnswer


class Columns(Model, frozen=True):
    botox: Text
    current: Text

    def get(self, key: str, default: str | None = None) -> str | None:
        return getattr(self, key, default)

    def __getitem__(self, key: str) -> str:
        return getattr(self, key)


class PlaceboResponse(Model, frozen=True):
    """How often people improved on placebo: said in words, with provenance and method (no number of its own)."""
    text: Text
    provenance: Provenance
    sources: SourceIds
    method: Text
    value: ClassVar[None] = None


class Options(Part, frozen=True):
    intro: Text
    intro_sources: SourceIds
    other_options: tuple[Text, ...]
    other_options_note: Text
    columns: Columns | UnsetType = UNSET                    # None when left out
    rows: tuple[OptionRow, ...] = ()
    placebo_response: PlaceboResponse | UnsetType = UNSET   # None when left out

    @property
    def placebo_text(self) -> str:
        return "" if self.placebo_response is None else self.placebo_response.text


class Caveat(Model, frozen=True):
    id: Id
    title: Text
    plain: Text
    detail: Text
    sources: SourceIds


class MediaClaim(Model, frozen=True):
    headline: Text
    outlet: Text
    date: Text
    reality: Text
    sources: SourceIds


class Review(Model, frozen=True):
    id: Id
    short: Text
    finding: Text
    sources: SourceIds


class AboutTool(Model, frozen=True):
    """Who made decisionaid, who paid, how the evidence was found and checked, user testing (IPDAS)."""
    made_by: Text
    funding: Text
    conflicts: Text
    evidence_method: Text
    user_testing: Text
    patient_summary: Text


class UpdatePolicy(Model, frozen=True):
    review_every_months: Annotated[int, msgspec.Meta(ge=1, le=60)]
    text: Text


class ProvenanceLegend(Model, frozen=True):
    """What each provenance means, in a clinician's words; read as legend[provenance]."""
    reported: Text
    secondary: Text
    derived: Text
    unverified: Text
    judgement: Text

    def __getitem__(self, provenance: str) -> str:
        return getattr(self, provenance)


PRACTICAL_KEYS = ("off_label", "involves", "onset", "duration", "repeats", "cost", "frown")
PackVersion = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{4}\.[0-9]{1,2}\.[0-9]+$")]


class Pack(Model, frozen=True, dict=True):
    """The evidence pack as decoded from pack.json (field names as in the file, except where said)."""
    path: ClassVar[Path]      # the file it was read from, set by load_pack
    format: Literal[1]
    version: PackVersion = msgspec.field(name="pack_version")
    last_reviewed: Date
    policy: UpdatePolicy = msgspec.field(name="update_policy")
    compiled_from: Text
    provenance_legend: ProvenanceLegend
    sources: Annotated[dict[str, Source], msgspec.Meta(min_length=1)]
    trials: Annotated[tuple[Trial, ...], msgspec.Meta(min_length=2)]
    outcomes: Annotated[tuple[Outcome, ...], msgspec.Meta(min_length=1)]
    harms: Harms
    practical: dict[str, Fact]
    options: Options
    caveats: Annotated[tuple[Caveat, ...], msgspec.Meta(min_length=1)]
    media_claims: tuple[MediaClaim, ...]
    reviews: tuple[Review, ...]
    next_review: Date
    condition: Fact          # depression in plain words
    decision: Text           # the decision this aid supports
    about: AboutTool = msgspec.field(name="about_tool")

    def __post_init__(self):
        missing = [k for k in PRACTICAL_KEYS if k not in self.practical]
        if missing:
            raise ValueError(f"field practical: missing required {'field' if len(missing) == 1 else 'fields'} "
                             f"{', '.join(missing)}")
        for key, source in self.sources.items():
            source.__dict__["id"] = key

    @property
    def review_every_months(self) -> int:
        return self.policy.review_every_months

    @property
    def update_policy(self) -> str:
        return self.policy.text

    def caveat(self, caveat_id: str) -> Caveat:
        return next(c for c in self.caveats if c.id == caveat_id)

    def cite(self, source_ids: tuple[str, ...] | list[str]) -> str:
        """References for a figure, joined; 'No source' when a figure has none."""
        return "\n".join(self.sources[s].reference() for s in dict.fromkeys(source_ids)
                         if s != CALCULATION_SOURCE) or "No published source."

    def review_due(self) -> dt.date:
        """The next review date the pack states (never later than its update policy allows)."""
        return min(self.next_review, self._policy_due())

    def _policy_due(self) -> dt.date:
        months = self.last_reviewed.month - 1 + self.review_every_months
        year, month = self.last_reviewed.year + months // 12, months % 12 + 1
        day = min(self.last_reviewed.day, 28)
        return dt.date(year, month, day)

    def is_stale(self, today: dt.date | None = None) -> bool:
        return (today or dt.date.today()) > self.review_due()


# --- loading ---------------------------------------------------------------------------------

def default_pack_path() -> Path:
    from decisionaid.resources import resource_path

    return resource_path("evidence", "pack.json")


def _walk_sources(node: Any, where: list[Any]):
    """Yield (field path, source id) for every 'sources'/'intro_sources'/'source' reference in the pack."""
    if isinstance(node, msgspec.Struct):
        cls = type(node)
        for name, key in zip(cls.__struct_fields__, cls.__struct_encode_fields__):
            value = getattr(node, name)
            if key in ("sources", "intro_sources") and isinstance(value, tuple):
                for i, sid in enumerate(value):
                    yield where + [key, i], sid
            elif key == "source" and isinstance(value, str):
                yield where + [key], value
            elif isinstance(value, (msgspec.Struct, dict, tuple)):
                yield from _walk_sources(value, where + [key])
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _walk_sources(value, where + [key])
    elif isinstance(node, tuple):
        for i, value in enumerate(node):
            if isinstance(value, (msgspec.Struct, dict, tuple)):
                yield from _walk_sources(value, where + [i])


def _complete(outcome: BinaryOutcome | None) -> bool:
    if not outcome:
        return False
    values = [c.value for arm in (outcome.treatment, outcome.control) for c in (arm.events, arm.total)]
    return all(v is not None for v in values) and not (values[0] == values[2] == 0)


def _check_references(pack: Pack, path: Path) -> None:
    for name, key in zip(Pack.__struct_fields__, Pack.__struct_encode_fields__):
        if name == "sources":
            continue
        for where, sid in _walk_sources(getattr(pack, name), [key]):
            if sid not in pack.sources:
                raise PackError(path, _field(where), f"source '{sid}' is not defined under 'sources'")
    for key in ("trials", "caveats", "outcomes"):
        ids = [x.id for x in getattr(pack, key)]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise PackError(path, key, f"duplicate id '{dupes[0]}'")
    trial_ids = {t.id for t in pack.trials}
    caveat_ids = {c.id for c in pack.caveats}
    for i, out in enumerate(pack.outcomes):
        for j, tid in enumerate(out.trials):
            if tid not in trial_ids:
                raise PackError(path, _field(["outcomes", i, "trials", j]), f"trial '{tid}' is not in 'trials'")
        for j, g in enumerate(out.downgrades):
            if g.caveat not in caveat_ids:
                raise PackError(path, _field(["outcomes", i, "certainty", "downgrades", j, "caveat"]),
                                f"caveat '{g.caveat}' is not in 'caveats'")
    for i, t in enumerate(pack.trials):
        for outcome in ("response", "remission"):
            counts = t.outcome(outcome)
            if counts is None:
                continue
            for arm in ("treatment", "control"):
                ev, tot = getattr(counts, arm).events.value, getattr(counts, arm).total.value
                if tot == 0:
                    raise PackError(path, _field(["trials", i, outcome, arm, "total", "value"]),
                                    "an arm total of 0 people cannot be right")
                if ev is not None and tot is not None and ev > tot:
                    raise PackError(path, _field(["trials", i, outcome, arm, "events", "value"]),
                                    f"{ev} events is more than the arm total of {tot}")
    trials = {t.id: t for t in pack.trials}
    for i, out in enumerate(pack.outcomes):
        complete = [tid for tid in out.trials if _complete(trials[tid].outcome(out.id))]
        if len(complete) < 2:
            raise PackError(path, _field(["outcomes", i, "trials"]),
                            f"only {len(complete)} of the listed trials have complete {out.id} counts; "
                            "pooling needs at least 2")
    for i, row in enumerate(pack.options.rows):
        for col in ("botox", "current"):
            for key in getattr(row, col).practical:
                if key not in pack.practical:
                    raise PackError(path, _field(["options", "rows", i, col, "practical"]),
                                    f"'{key}' is not in 'practical'")
    for i, h in enumerate(pack.harms.items):
        for j, g in enumerate(h.certainty.downgrades if h.certainty else ()):
            if g.caveat not in caveat_ids:
                raise PackError(path, _field(["harms", "items", i, "certainty", "downgrades", j, "caveat"]),
                                f"caveat '{g.caveat}' is not in 'caveats'")
        for arm in ("treatment", "control"):
            count = getattr(h, arm)
            if count.events > count.total:
                raise PackError(path, _field(["harms", "items", i, arm, "events"]),
                                f"{count.events} events is more than the total of {count.total}")


def load_pack(path: Path | str | None = None) -> Pack:
    """Read, validate and build the evidence pack. Raises PackError, never a bare traceback."""
    path, pack = load_checked("pack", path, default_pack_path, PackError, Pack)
    _check_references(pack, path)
    if pack.next_review <= pack.last_reviewed:
        raise PackError(path, "next_review", f"'{pack.next_review}' is not after last_reviewed")
    pack.__dict__["path"] = path
    return pack
