"""Pool two-arm trials into one risk ratio or odds ratio.

Log ratios with their large-sample variances, then inverse-variance fixed effect or
DerSimonian-Laird random effects. Plain Python on purpose (see STYLE.md): the tests check
these few lines against statsmodels and against published metafor output.

Zero cells: a study with a zero in any of its four cells gets `correction` (0.5) added to
all four cells; no other study is touched. A study with no events in either arm (or, for
the odds ratio, events in every patient of both arms) says nothing about the ratio and is
left out; its label is listed in `PoolResult.excluded`.
"""

from __future__ import annotations

import math
from typing import Sequence

import msgspec

from decisionaid.evidence.formatting import fmt_ratio

Z95 = 1.959963984540054
# The largest count accepted in an arm: far above any trial arm, and small enough that every variance below is a
# positive float (around 10**20 patients, 1/a - 1/n rounds to 0 and the weights divide by zero).
MAX_COUNT = 10_000_000
MEASURES = {"rr": "risk ratio", "or": "odds ratio"}
METHODS = {"dl": "DerSimonian-Laird random effects", "fixed": "inverse-variance fixed effect"}


class PoolingError(ValueError):
    """The trials cannot be pooled; the message is one line a clinician can act on."""


# Value types are frozen msgspec Structs, not dataclasses: made in microseconds at import (see
# docs/design/architecture.md, "Value types").
class Study(msgspec.Struct, frozen=True):
    label: str
    events_treatment: int
    total_treatment: int
    events_control: int
    total_control: int


class StudyEffect(msgspec.Struct, frozen=True):
    label: str
    estimate: float  # ratio scale
    ci_low: float
    ci_high: float
    log_estimate: float
    se: float  # of the log ratio
    weight: float  # percent (0-100) under the chosen method
    corrected: bool  # True if the correction was added to every cell of this study


class Pooled(msgspec.Struct, frozen=True):
    estimate: float
    ci_low: float
    ci_high: float
    log_estimate: float
    se: float
    z: float
    p: float  # two-sided


class Heterogeneity(msgspec.Struct, frozen=True):
    tau2: float  # DerSimonian-Laird moment estimate; the fixed-effect model takes it as 0
    i2: float  # percent, 0-100
    q: float  # Cochran's Q around the fixed-effect mean
    df: int
    p: float  # chi-square test of Q


class PoolResult(msgspec.Struct, frozen=True):
    measure: str  # 'rr' | 'or'
    method: str  # 'dl' | 'fixed'
    k: int  # studies pooled (excluded ones not counted)
    pooled: Pooled
    heterogeneity: Heterogeneity
    studies: tuple[StudyEffect, ...]
    correction: float
    excluded: tuple[str, ...]  # no events in either arm (or, for 'or', all events in both arms)

    @property
    def significant(self) -> bool:
        """True when the 95% CI of the pooled ratio excludes 1."""
        return self.pooled.ci_low > 1.0 or self.pooled.ci_high < 1.0


def _check(study: Study) -> None:
    arms = (("treatment", study.events_treatment, study.total_treatment),
            ("control", study.events_control, study.total_control))
    for arm, events, total in arms:
        for value in (events, total):
            if isinstance(value, bool) or not hasattr(value, "__index__"):  # ints, numpy ints
                raise PoolingError(f"{study.label}: counts must be whole numbers, got {value!r} in the {arm} arm")
        if events < 0 or total < 0:
            raise PoolingError(f"{study.label}: counts cannot be negative ({events} of {total} in the {arm} arm)")
        if total > MAX_COUNT:
            raise PoolingError(f"{study.label}: {total} patients in the {arm} arm is more than the {MAX_COUNT:,} "
                               "accepted; check the counts")
        if total == 0:
            raise PoolingError(f"{study.label}: the {arm} arm has no patients")
        if events > total:
            raise PoolingError(f"{study.label}: {events} events but only {total} patients in the {arm} arm")


def _exclusion_reason(measure: str) -> str:
    return "no events in either arm" + (", or events in every patient of both arms" if measure == "or" else "")


def _uninformative(study: Study, measure: str) -> bool:
    none = study.events_treatment == 0 and study.events_control == 0
    every = study.events_treatment == study.total_treatment and study.events_control == study.total_control
    return none or (measure == "or" and every)


def study_effect(study: Study, measure: str, correction: float = 0.5) -> tuple[float, float, bool]:
    """(log ratio, its standard error, whether the zero-cell correction was applied)."""
    a, c = study.events_treatment, study.events_control
    b, d = study.total_treatment - a, study.total_control - c
    corrected = 0 in (a, b, c, d)
    if corrected:
        a, b, c, d = (x + correction for x in (a, b, c, d))
    if measure == "rr":
        n1, n2 = a + b, c + d
        return math.log((a / n1) / (c / n2)), math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2), corrected
    return math.log((a * d) / (b * c)), math.sqrt(1 / a + 1 / b + 1 / c + 1 / d), corrected


def chi2_sf(x: float, df: int) -> float:
    """P(chi-square with df degrees of freedom > x), from the closed forms for whole-number df."""
    if x <= 0:
        return 1.0
    t = x / 2
    if df % 2 == 0:  # exp(-t) * sum of t^k / k! for k < df/2
        term = total = math.exp(-t)
        for k in range(1, df // 2):
            term *= t / k
            total += term
        return min(1.0, total)
    total = math.erfc(math.sqrt(t))  # plus exp(-t) * sum of t^(k-1/2) / Gamma(k+1/2) for 1 <= k <= (df-1)/2
    term = math.exp(-t) * math.sqrt(t) / math.gamma(1.5)
    for k in range(1, (df - 1) // 2 + 1):
        total += term
        term *= t / (k + 0.5)
    return min(1.0, total)


def _ci(log_est: float, se: float) -> tuple[float, float]:
    return math.exp(log_est - Z95 * se), math.exp(log_est + Z95 * se)


def pool(studies: Sequence[Study], measure: str = "rr", method: str = "dl",
         correction: float = 0.5) -> PoolResult:
    if measure not in MEASURES:
        raise PoolingError(f"unknown measure {measure!r}; use 'rr' (risk ratio) or 'or' (odds ratio)")
    if method not in METHODS:
        raise PoolingError(f"unknown method {method!r}; use 'dl' (random effects) or 'fixed' (fixed effect)")
    if not (isinstance(correction, (int, float)) and math.isfinite(correction) and correction > 0):
        raise PoolingError(f"the zero-cell correction must be a positive number, got {correction!r}")
    for study in studies:
        _check(study)
    excluded = tuple(s.label for s in studies if _uninformative(s, measure))
    usable = [s for s in studies if not _uninformative(s, measure)]
    if len(usable) < 2:
        why = f"; left out ({_exclusion_reason(measure)}): {', '.join(excluded)}" if excluded else ""
        raise PoolingError(f"at least 2 studies are needed to pool, found {len(usable)} usable{why}")

    effects = [study_effect(s, measure, correction) for s in usable]
    ys = [y for y, _, _ in effects]
    vs = [se * se for _, se, _ in effects]
    for s, v in zip(usable, vs):
        if not (math.isfinite(v) and v > 0):  # cannot happen within MAX_COUNT; never a ZeroDivisionError
            raise PoolingError(f"{s.label}: its counts give no usable variance; check the counts")
    w = [1 / v for v in vs]
    sw = sum(w)
    mean_fe = sum(wi * y for wi, y in zip(w, ys)) / sw
    q = sum(wi * (y - mean_fe) ** 2 for wi, y in zip(w, ys))
    df = len(usable) - 1
    tau2 = max(0.0, (q - df) / (sw - sum(wi * wi for wi in w) / sw))
    i2 = max(0.0, (q - df) / q) * 100 if q > 0 else 0.0

    wm = [1 / (v + tau2) for v in vs] if method == "dl" else w
    swm = sum(wm)
    mean = sum(wi * y for wi, y in zip(wm, ys)) / swm
    se = math.sqrt(1 / swm)
    z = mean / se
    pooled = Pooled(math.exp(mean), *_ci(mean, se), mean, se, z, math.erfc(abs(z) / math.sqrt(2)))
    study_effects = tuple(
        StudyEffect(s.label, math.exp(y), *_ci(y, s_e), y, s_e, 100 * wi / swm, corr)
        for s, (y, s_e, corr), wi in zip(usable, effects, wm))
    return PoolResult(measure, method, len(usable), pooled, Heterogeneity(tau2, i2, q, df, chi2_sf(q, df)),
                      study_effects, float(correction), excluded)


def result_to_dict(result: PoolResult) -> dict:
    p, h = result.pooled, result.heterogeneity
    return {
        "measure": result.measure,
        "method": result.method,
        "k": result.k,
        "pooled": {"estimate": p.estimate, "ci_low": p.ci_low, "ci_high": p.ci_high,
                   "log_estimate": p.log_estimate, "se": p.se, "z": p.z, "p": p.p},
        "significant": result.significant,
        "heterogeneity": {"tau2": h.tau2, "i2": h.i2, "q": h.q, "df": h.df, "p": h.p},
        "studies": [{"study": s.label, "estimate": s.estimate, "ci_low": s.ci_low, "ci_high": s.ci_high,
                     "log_estimate": s.log_estimate, "se": s.se, "weight": s.weight, "corrected": s.corrected}
                    for s in result.studies],
        "continuity_correction": result.correction,
        "corrected_studies": [s.label for s in result.studies if s.corrected],
        "excluded": list(result.excluded),
    }


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def result_to_text(result: PoolResult) -> str:
    p, h = result.pooled, result.heterogeneity
    width = max([len("Pooled")] + [len(s.label) + 2 for s in result.studies])

    def row(label: str, est: float, low: float, high: float, weight: float) -> str:
        return f"{label:<{width}}  {fmt_ratio(est):>8}  {f'{fmt_ratio(low)} to {fmt_ratio(high)}':>18}  {weight:>6.1f}%"

    lines = [f"Pooled {MEASURES[result.measure]}, {METHODS[result.method]}, {result.k} studies", "",
             f"{'Study':<{width}}  {result.measure.upper():>8}  {'95% CI':>18}  {'Weight':>7}"]
    lines += [row(s.label + (" *" if s.corrected else ""), s.estimate, s.ci_low, s.ci_high, s.weight)
              for s in result.studies]
    lines.append(row("Pooled", p.estimate, p.ci_low, p.ci_high, 100.0))
    lines += ["", f"Test of overall effect: z = {p.z:.2f}, {_p_text(p.p)}"
                  + ("" if result.significant else " (95% CI includes 1)"),
              f"Heterogeneity: tau^2 = {h.tau2:.4f}, I^2 = {h.i2:.1f}%, Q = {h.q:.2f} on {h.df} df, {_p_text(h.p)}"]
    if any(s.corrected for s in result.studies):
        lines.append(f"* has a zero cell, so {result.correction:g} was added to each of its four cells")
    if result.excluded:
        lines.append(f"Left out ({_exclusion_reason(result.measure)}): {', '.join(result.excluded)}")
    return "\n".join(lines)
