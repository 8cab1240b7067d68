"""The evidence pack: a versioned JSON file in resources/, validated on load into frozen dataclasses.

A malformed pack raises PackError whose message names the file, the field and the problem.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from decisionaid.evidence.schema_codegen import field_name as _field
from decisionaid.evidence.schema_codegen import CheckedFileError, load_checked

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


@dataclass(frozen=True)
class Source:
    id: str
    citation: str
    pmid: str | None = None
    doi: str | None = None
    registry: str | None = None
    url: str | None = None
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


@dataclass(frozen=True)
class Fact:
    text: str
    provenance: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Figure:
    value: int | None
    provenance: str
    sources: tuple[str, ...]
    method: str | None = None


@dataclass(frozen=True)
class Count:
    events: Figure
    total: Figure


@dataclass(frozen=True)
class BinaryOutcome:
    definition: str
    treatment: Count
    control: Count

    def missing(self) -> list[str]:
        """Arms whose counts are unverified (never used in a calculation)."""
        arms = {"Botox": self.treatment, "comparison": self.control}
        return [name for name, c in arms.items() if c.events.value is None or c.total.value is None]


@dataclass(frozen=True)
class Arm:
    label: str
    n: Figure


@dataclass(frozen=True)
class Trial:
    id: str
    short: str
    source: str
    kind: str
    registry: str | None
    design: Fact
    setting: Fact
    randomized: Figure
    analysed: Figure | None
    enrolled: Figure | None
    treated: Figure | None
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
    not_pooled: str | None

    def outcome(self, outcome_id: str) -> BinaryOutcome | None:
        return {"response": self.response, "remission": self.remission}[outcome_id]


@dataclass(frozen=True)
class Downgrade:
    domain: str
    levels: int
    caveat: str
    reason: str


@dataclass(frozen=True)
class PublishedCheck:
    measure: str
    value: float
    sources: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Outcome:
    id: str
    label: str
    plain: str
    time_frame: str
    trials: tuple[str, ...]
    published_check: PublishedCheck
    arm_totals_check: Fact
    downgrades: tuple[Downgrade, ...]
    certainty_plain: str
    published_botox: float | None = None      # the published pooled percentages (arm_totals_check)
    published_comparison: float | None = None
    left_out_plain: str = ""                  # for patients: why the big trial is not in these numbers


@dataclass(frozen=True)
class Harm:
    id: str
    label: str
    time_frame: str
    treatment_events: int
    treatment_total: int
    control_events: int
    control_total: int
    provenance: str
    sources: tuple[str, ...]
    icons: bool = False       # one of the main harms, drawn as icon arrays beside the benefits


@dataclass(frozen=True)
class HarmEvidence:
    """One source of side-effect data, with the people it comes from and its time frame."""
    id: str
    name: str
    population: str
    time_frame: str
    finding: str
    provenance: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Harms:
    intro: str
    intro_sources: tuple[str, ...]
    items: tuple[Harm, ...]
    depression_trials: Fact
    serious: Fact
    population: str = ""
    evidence: tuple[HarmEvidence, ...] = ()


@dataclass(frozen=True)
class OptionAnswer:
    """One cell of the option grid: plain text, a practical fact, a harms fact, or a number computed from the pool."""
    text: str | None = None
    provenance: str | None = None
    sources: tuple[str, ...] = ()
    practical: tuple[str, ...] = ()
    computed: str | None = None
    harms: str | None = None


@dataclass(frozen=True)
class OptionRow:
    id: str
    question: str
    botox: OptionAnswer
    current: OptionAnswer


@dataclass(frozen=True)
class Options:
    intro: str
    intro_sources: tuple[str, ...]
    other_options: tuple[str, ...]
    other_options_note: str
    columns: dict[str, str] | None = None
    rows: tuple[OptionRow, ...] = ()
    placebo_response: Figure | None = None   # provenance, sources and method of placebo_text (value unused)
    placebo_text: str = ""


@dataclass(frozen=True)
class Caveat:
    id: str
    title: str
    plain: str
    detail: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class MediaClaim:
    headline: str
    outlet: str
    date: str
    reality: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Review:
    id: str
    short: str
    finding: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class AboutTool:
    """Who made decisionaid, who paid, how the evidence was found and checked, user testing (IPDAS)."""
    made_by: str
    funding: str
    conflicts: str
    evidence_method: str
    user_testing: str
    patient_summary: str


@dataclass(frozen=True)
class Pack:
    path: Path
    version: str
    last_reviewed: dt.date
    review_every_months: int
    update_policy: str
    compiled_from: str
    provenance_legend: dict[str, str]
    sources: dict[str, Source]
    trials: tuple[Trial, ...]
    outcomes: tuple[Outcome, ...]
    harms: Harms
    practical: dict[str, Fact]
    options: Options
    caveats: tuple[Caveat, ...]
    media_claims: tuple[MediaClaim, ...]
    reviews: tuple[Review, ...]
    next_review: dt.date
    condition: Fact          # depression in plain words
    decision: str            # the decision this aid supports
    about: AboutTool

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


def _fact(d: dict) -> Fact:
    return Fact(d["text"], d["provenance"], tuple(d["sources"]))


def _figure(d: dict | None) -> Figure | None:
    if d is None:
        return None
    return Figure(d["value"], d["provenance"], tuple(d["sources"]), d.get("method"))


def _count(d: dict) -> Count:
    return Count(_figure(d["events"]), _figure(d["total"]))


def _binary(d: dict | None) -> BinaryOutcome | None:
    if d is None:
        return None
    return BinaryOutcome(d["definition"], _count(d["treatment"]), _count(d["control"]))


def _trial(d: dict) -> Trial:
    facts = {k: _fact(d[k]) for k in ("design", "setting", "antidepressants", "treatment_resistance", "dose", "scale",
                                      "time_point", "primary_result", "funding_coi", "adverse_events")}
    return Trial(
        id=d["id"], short=d["short"], source=d["source"], kind=d["kind"], registry=d["registry"],
        randomized=_figure(d["randomized"]), analysed=_figure(d.get("analysed")),
        enrolled=_figure(d.get("enrolled")), treated=_figure(d.get("treated")),
        arms=tuple(Arm(a["label"], _figure(a["n"])) for a in d["arms"]),
        women=_figure(d["women"]), men=_figure(d["men"]),
        response=_binary(d["response"]), remission=_binary(d["remission"]), not_pooled=d.get("not_pooled"),
        **facts)


def _outcome(d: dict) -> Outcome:
    pc = d["published_check"]
    return Outcome(
        id=d["id"], label=d["label"], plain=d["plain"], time_frame=d["time_frame"], trials=tuple(d["trials"]),
        published_check=PublishedCheck(pc["measure"], float(pc["value"]), tuple(pc["sources"]), pc["text"]),
        arm_totals_check=Fact(d["arm_totals_check"]["text"], "reported", tuple(d["arm_totals_check"]["sources"])),
        downgrades=tuple(Downgrade(**g) for g in d["certainty"]["downgrades"]),
        certainty_plain=d["certainty"]["plain"],
        published_botox=d["arm_totals_check"].get("botox_percent"),
        published_comparison=d["arm_totals_check"].get("comparison_percent"),
        left_out_plain=d.get("left_out_plain", ""))


def _answer(d: dict) -> OptionAnswer:
    practical = d.get("practical", ())
    return OptionAnswer(d.get("text"), d.get("provenance"), tuple(d.get("sources", ())),
                        (practical,) if isinstance(practical, str) else tuple(practical), d.get("computed"),
                        d.get("harms"))


def _options(o: dict) -> Options:
    pr = o.get("placebo_response")
    return Options(o["intro"], tuple(o["intro_sources"]), tuple(o["other_options"]), o["other_options_note"],
                   dict(o["columns"]) if "columns" in o else None,
                   tuple(OptionRow(r["id"], r["question"], _answer(r["botox"]), _answer(r["current"]))
                         for r in o.get("rows", ())),
                   None if pr is None else Figure(None, pr["provenance"], tuple(pr["sources"]), pr["method"]),
                   "" if pr is None else pr["text"])


def _build(data: dict, path: Path) -> Pack:
    h, o = data["harms"], data["options"]
    harms = Harms(
        intro=h["intro"], intro_sources=tuple(h["intro_sources"]),
        items=tuple(Harm(i["id"], i["label"], i["time_frame"], i["treatment"]["events"], i["treatment"]["total"],
                         i["control"]["events"], i["control"]["total"], i["provenance"], tuple(i["sources"]),
                         bool(i.get("icons", False)))
                    for i in h["items"]),
        depression_trials=_fact(h["depression_trials"]), serious=_fact(h["serious"]),
        population=h.get("population", ""),
        evidence=tuple(HarmEvidence(e["id"], e["name"], e["population"], e["time_frame"], e["finding"],
                                    e["provenance"], tuple(e["sources"])) for e in h.get("evidence", ())))
    return Pack(
        path=path, version=data["pack_version"], last_reviewed=dt.date.fromisoformat(data["last_reviewed"]),
        review_every_months=data["update_policy"]["review_every_months"], update_policy=data["update_policy"]["text"],
        compiled_from=data["compiled_from"], provenance_legend=dict(data["provenance_legend"]),
        sources={k: Source(id=k, **v) for k, v in data["sources"].items()},
        trials=tuple(_trial(t) for t in data["trials"]),
        outcomes=tuple(_outcome(x) for x in data["outcomes"]),
        harms=harms, practical={k: _fact(v) for k, v in data["practical"].items()},
        options=_options(o),
        caveats=tuple(Caveat(c["id"], c["title"], c["plain"], c["detail"], tuple(c["sources"])) for c in data["caveats"]),
        media_claims=tuple(MediaClaim(m["headline"], m["outlet"], m["date"], m["reality"], tuple(m["sources"]))
                           for m in data["media_claims"]),
        reviews=tuple(Review(r["id"], r["short"], r["finding"], tuple(r["sources"])) for r in data["reviews"]),
        next_review=dt.date.fromisoformat(data["next_review"]), condition=_fact(data["condition"]),
        decision=data["decision"], about=AboutTool(**data["about_tool"]))


def _walk_sources(node: Any, where: list[Any]):
    """Yield (field path, source id) for every 'sources'/'source' reference in the raw data."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("sources", "intro_sources") and isinstance(value, list):
                for i, sid in enumerate(value):
                    yield where + [key, i], sid
            elif key == "source" and isinstance(value, str):
                yield where + [key], value
            else:
                yield from _walk_sources(value, where + [key])
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk_sources(value, where + [i])


def _complete(outcome: dict | None) -> bool:
    if not outcome:
        return False
    values = [outcome[a][k]["value"] for a in ("treatment", "control") for k in ("events", "total")]
    return all(v is not None for v in values) and not (values[0] == values[2] == 0)


def _check_references(data: dict, path: Path) -> None:
    for where, sid in _walk_sources({k: v for k, v in data.items() if k != "sources"}, []):
        if sid not in data["sources"]:
            raise PackError(path, _field(where), f"source '{sid}' is not defined under 'sources'")
    for key in ("trials", "caveats", "outcomes"):
        ids = [x["id"] for x in data[key]]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise PackError(path, key, f"duplicate id '{dupes[0]}'")
    trial_ids = {t["id"] for t in data["trials"]}
    caveat_ids = {c["id"] for c in data["caveats"]}
    for i, out in enumerate(data["outcomes"]):
        for j, tid in enumerate(out["trials"]):
            if tid not in trial_ids:
                raise PackError(path, _field(["outcomes", i, "trials", j]), f"trial '{tid}' is not in 'trials'")
        for j, g in enumerate(out["certainty"]["downgrades"]):
            if g["caveat"] not in caveat_ids:
                raise PackError(path, _field(["outcomes", i, "certainty", "downgrades", j, "caveat"]),
                                f"caveat '{g['caveat']}' is not in 'caveats'")
    for i, t in enumerate(data["trials"]):
        for outcome in ("response", "remission"):
            arms = t.get(outcome) or {}
            for arm in ("treatment", "control"):
                if arm not in arms:
                    continue
                ev, tot = arms[arm]["events"]["value"], arms[arm]["total"]["value"]
                if tot == 0:
                    raise PackError(path, _field(["trials", i, outcome, arm, "total", "value"]),
                                    "an arm total of 0 people cannot be right")
                if ev is not None and tot is not None and ev > tot:
                    raise PackError(path, _field(["trials", i, outcome, arm, "events", "value"]),
                                    f"{ev} events is more than the arm total of {tot}")
    trials = {t["id"]: t for t in data["trials"]}
    for i, out in enumerate(data["outcomes"]):
        complete = [tid for tid in out["trials"] if _complete(trials[tid].get(out["id"]))]
        if len(complete) < 2:
            raise PackError(path, _field(["outcomes", i, "trials"]),
                            f"only {len(complete)} of the listed trials have complete {out['id']} counts; "
                            "pooling needs at least 2")
    for i, row in enumerate(data["options"].get("rows", ())):
        for col in ("botox", "current"):
            keys = row[col].get("practical", ())
            for key in (keys,) if isinstance(keys, str) else keys:
                if key not in data["practical"]:
                    raise PackError(path, _field(["options", "rows", i, col, "practical"]),
                                    f"'{key}' is not in 'practical'")
    for i, h in enumerate(data["harms"]["items"]):
        for arm in ("treatment", "control"):
            if h[arm]["events"] > h[arm]["total"]:
                raise PackError(path, _field(["harms", "items", i, arm, "events"]),
                                f"{h[arm]['events']} events is more than the total of {h[arm]['total']}")


def load_pack(path: Path | str | None = None) -> Pack:
    """Read, validate and build the evidence pack. Raises PackError, never a bare traceback."""
    path, data = load_checked("pack", path, default_pack_path, PackError)
    _check_references(data, path)
    for key in ("last_reviewed", "next_review"):
        try:
            dt.date.fromisoformat(data[key])
        except ValueError:
            raise PackError(path, key, f"'{data[key]}' is not a real date") from None
    if data["next_review"] <= data["last_reviewed"]:
        raise PackError(path, "next_review", f"'{data['next_review']}' is not after last_reviewed")
    return _build(data, path)
