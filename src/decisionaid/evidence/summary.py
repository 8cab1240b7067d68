"""Everything the Evidence screen and `decisionaid evidence` show, computed from the pack."""

from __future__ import annotations

import datetime as dt

import msgspec

from decisionaid.evidence import figures
from decisionaid.evidence.certainty import DOMAIN_NAMES, Certainty, rate
from decisionaid.evidence.formatting import fmt_ratio
from decisionaid.evidence.frequencies import NaturalFrequencies, natural_frequencies
from decisionaid.evidence.pack import Outcome, Pack, Trial
from decisionaid.evidence import pooling
from decisionaid.evidence.provenance import cite_line, provenance_label, provenance_phrase
from decisionaid.evidence.pooling import PoolResult, Study, pool, result_to_dict

MEASURES = tuple(pooling.MEASURES)  # the keys pooling accepts; names for display below
METHODS = tuple(pooling.METHODS)
MEASURE_NAMES = {key: name.capitalize() for key, name in pooling.MEASURES.items()}
METHOD_NAMES = {"dl": "random effects (DerSimonian-Laird)", "fixed": "fixed effect (inverse variance)"}


# Value types are frozen msgspec Structs, not dataclasses: made in microseconds at import (see
# docs/design/architecture.md, "Value types").
class Excluded(msgspec.Struct, frozen=True):
    trial: Trial
    reason: str


class OutcomeAnalysis(msgspec.Struct, frozen=True):
    outcome: Outcome
    included: tuple[Trial, ...]
    excluded: tuple[Excluded, ...]
    results: dict[tuple[str, str], PoolResult]    # (measure, method) -> result
    frequencies: NaturalFrequencies               # from the random-effects risk ratio
    certainty: Certainty

    def result(self, measure: str = "rr", method: str = "dl") -> PoolResult:
        return self.results[(measure, method)]


class EvidenceSummary(msgspec.Struct, frozen=True):
    pack: Pack
    outcomes: tuple[OutcomeAnalysis, ...]
    today: dt.date

    @property
    def stale(self) -> bool:
        return self.pack.is_stale(self.today)

    def outcome(self, outcome_id: str) -> OutcomeAnalysis:
        return next(o for o in self.outcomes if o.outcome.id == outcome_id)


def _study(trial: Trial, outcome_id: str) -> Study:
    o = trial.outcome(outcome_id)
    return Study(trial.short, o.treatment.events.value, o.treatment.total.value,
                 o.control.events.value, o.control.total.value)


def analyse(pack: Pack, outcome: Outcome) -> OutcomeAnalysis:
    included, excluded = [], []
    for trial in pack.trials:
        data = trial.outcome(outcome.id)
        if trial.id not in outcome.trials:
            reason = trial.not_pooled or "Not one of the placebo-controlled trials chosen for this outcome."
            excluded.append(Excluded(trial, reason))
        elif data is None:
            excluded.append(Excluded(trial, f"No {outcome.label.lower()} counts published in the sources checked."))
        elif data.missing():
            arms = " and ".join(data.missing())
            excluded.append(Excluded(trial, f"{arms.capitalize()}-arm {outcome.label.lower()} count not reported "
                                            "in any published source found."))
        else:
            included.append(trial)
    studies = [_study(t, outcome.id) for t in included]
    results = {(m, k): pool(studies, measure=m, method=k) for m in MEASURES for k in METHODS}
    rr = results[("rr", "dl")].pooled
    freq = natural_frequencies(sum(s.events_control for s in studies), sum(s.total_control for s in studies),
                               rr.estimate, rr.ci_low, rr.ci_high)
    return OutcomeAnalysis(outcome, tuple(included), tuple(excluded), results, freq, rate(outcome.downgrades))


def summarise(pack: Pack, today: dt.date | None = None) -> EvidenceSummary:
    return EvidenceSummary(pack, tuple(analyse(pack, o) for o in pack.outcomes), today or dt.date.today())


# --- output for the command line ---------------------------------------------------------------

_fmt = fmt_ratio


def summary_to_dict(s: EvidenceSummary) -> dict:
    pack = s.pack
    trials = []
    for t in pack.trials:
        entry = {"id": t.id, "study": t.short, "kind": t.kind, "citation": pack.sources[t.source].reference(),
                 "result_source": provenance_phrase(pack, t.primary_result),
                 "pmid": pack.sources[t.source].pmid, "doi": pack.sources[t.source].doi, "registry": t.registry,
                 "design": t.design.text, "randomized": t.randomized.value, "scale": t.scale.text,
                 "time_point": t.time_point.text, "primary_result": t.primary_result.text,
                 "funding_coi": t.funding_coi.text}
        for oid in ("response", "remission"):
            o = t.outcome(oid)
            entry[oid] = None if o is None else {
                "definition": o.definition,
                **{arm: {"events": c.events.value, "total": c.total.value,
                         "provenance": provenance_label(c.events.provenance),
                         "source": provenance_phrase(pack, c.events)}
                   for arm, c in (("treatment", o.treatment), ("control", o.control))}}
        trials.append(entry)
    outcomes = []
    for a in s.outcomes:
        f = a.frequencies
        b, sc = figures.benefit(a), figures.scope(a, pack)
        outcomes.append({
            "outcome": a.outcome.id, "label": a.outcome.label, "time_frame": a.outcome.time_frame,
            "trials": [t.short for t in a.included],
            "excluded": [{"study": e.trial.short, "reason": e.reason} for e in a.excluded],
            "pooled": {f"{m}_{k}": result_to_dict(r) for (m, k), r in a.results.items()},
            "per_100": {"comparison": round(f.control_per_100, 1), "botox": round(f.treatment_per_100, 1),
                        "botox_ci": [round(f.treatment_low, 1), round(f.treatment_high, 1)],
                        "nnt": None if f.nnt is None else round(f.nnt, 2),
                        "nnt_ci": None if f.nnt is None else [round(f.nnt_low, 2), round(f.nnt_high, 2)],
                        "provenance": provenance_label("derived"), "method": f.method,
                        "whole": {"comparison": b.comparison, "botox": b.botox, "botox_range": [b.botox_low, b.botox_high],
                                  "nnt": b.nnt, "nnt_range": None if b.nnt is None else [b.nnt_low, b.nnt_high]},
                        "published": {"botox_percent": b.published_botox, "comparison_percent": b.published_comparison}},
            "scope": {"trials": sc.trials, "people": sc.people, "left_out": sc.left_out,
                      "left_out_people": sc.left_out_people, "text": sc.text},
            "published_check": {"text": a.outcome.published_check.text, "value": a.outcome.published_check.value,
                                "measure": a.outcome.published_check.measure,
                                "source": cite_line(pack, a.outcome.published_check.sources)},
            "certainty": {"level": a.certainty.level, "plain": a.outcome.certainty_plain,
                          "downgrades": [{"domain": DOMAIN_NAMES[g.domain], "levels": g.levels,
                                          "caveat": pack.caveat(g.caveat).title, "reason": g.reason}
                                         for g in a.certainty.downgrades],
                          "note": "decisionaid's GRADE-style judgement; no published GRADE rating was found."},
        })
    return {"pack_version": pack.version, "last_reviewed": pack.last_reviewed.isoformat(),
            "review_due": pack.review_due().isoformat(), "stale": s.stale, "update_policy": pack.update_policy,
            "decision": pack.decision, "condition": pack.condition.text,
            "about": {"made_by": pack.about.made_by, "funding": pack.about.funding, "conflicts": pack.about.conflicts,
                      "evidence_method": pack.about.evidence_method, "user_testing": pack.about.user_testing},
            "trials": trials, "outcomes": outcomes}


def summary_to_text(s: EvidenceSummary) -> str:
    pack = s.pack
    lines = [f"Evidence pack {pack.version}, last reviewed {pack.last_reviewed.isoformat()} "
             f"(next review due {pack.review_due().isoformat()})"]
    if s.stale:
        lines.append("WARNING: this evidence pack is older than its update policy allows. " + pack.update_policy)
    lines.append("Botox (glabellar botulinum toxin A) for depression is an off-label use.")
    lines.append(f"The decision: {pack.decision}")
    lines.append("")
    lines.append("Trials:")
    for t in pack.trials:
        src = pack.sources[t.source]
        ident = f"PMID {src.pmid}" if src.pmid else (f"DOI {src.doi}" if src.doi else "no PMID/DOI")
        lines.append(f"  {t.short} [{ident}] - {t.design.text}")
        lines.append(f"      {t.primary_result.text}")
        lines.append(f"      {provenance_phrase(pack, t.primary_result)}")
    for a in s.outcomes:
        lines.append("")
        lines.append(f"{a.outcome.label} {a.outcome.time_frame} ({', '.join(t.short for t in a.included)}):")
        for m in MEASURES:
            for k in METHODS:
                r = a.result(m, k)
                p = r.pooled
                lines.append(f"  {MEASURE_NAMES[m]}, {METHOD_NAMES[k]}: {_fmt(p.estimate)} "
                             f"(95% CI {_fmt(p.ci_low)} to {_fmt(p.ci_high)}); I2 {r.heterogeneity.i2:.0f}%, "
                             f"tau2 {r.heterogeneity.tau2:.3f}")
        corrected = [st.label for st in a.result().studies if st.corrected]
        if corrected:
            lines.append(f"  0.5 added to every cell of {', '.join(corrected)} (a zero count).")
        b = figures.benefit(a)
        lines.append(f"  Out of 100 people {a.outcome.time_frame}: {b.headline}")
        lines.append(f"  {b.estimate_note}")
        lines.append(f"  {b.nnt_text}")
        lines.append(f"  {b.published_text} {b.why_different}")
        lines.append(f"  {figures.scope(a, pack).text}")
        lines.append(f"  {a.outcome.published_check.text} {cite_line(pack, a.outcome.published_check.sources)}")
        for e in a.excluded:
            lines.append(f"  Not pooled: {e.trial.short}: {e.reason}")
        lines.append(f"  Certainty: {a.certainty.level.upper()} (our GRADE-style judgement). {a.outcome.certainty_plain}")
        for g in a.certainty.downgrades:
            lines.append(f"    -{g.levels} {DOMAIN_NAMES[g.domain]} ({pack.caveat(g.caveat).title}): {g.reason}")
    return "\n".join(lines)
