"""Absolute numbers out of 100 and the number needed to treat, from a pooled risk ratio.

The usual GRADE summary-of-findings method: the comparison arm's risk (all comparison-arm events
over all comparison-arm people in the pooled trials) times the pooled risk ratio and its CI.
"""

from __future__ import annotations

import msgspec


# Value types are frozen msgspec Structs, not dataclasses: made in microseconds at import (see
# docs/design/architecture.md, "Value types").
class NaturalFrequencies(msgspec.Struct, frozen=True):
    control_events: int
    control_total: int
    control_per_100: float
    treatment_per_100: float
    treatment_low: float
    treatment_high: float
    nnt: float | None          # None when the risk ratio's CI includes 1
    nnt_low: float | None
    nnt_high: float | None

    @property
    def method(self) -> str:
        return (f"Derived: comparison-arm risk {self.control_events}/{self.control_total} "
                f"({self.control_per_100:.1f} in 100) times the pooled risk ratio and its 95% CI.")


def natural_frequencies(control_events: int, control_total: int,
                        rr: float, rr_low: float, rr_high: float) -> NaturalFrequencies:
    if control_total <= 0:
        raise ValueError("comparison arms hold nobody")
    base = control_events / control_total

    def per_100(ratio: float) -> float:
        return min(100.0, 100.0 * base * ratio)

    significant = rr_low > 1.0 or rr_high < 1.0
    nnt = nnt_low = nnt_high = None
    if significant and base > 0:
        def nnt_for(ratio: float) -> float:
            return abs(1.0 / (min(1.0, base * ratio) - base))
        nnt = nnt_for(rr)
        a, b = nnt_for(rr_low), nnt_for(rr_high)
        nnt_low, nnt_high = min(a, b), max(a, b)
    return NaturalFrequencies(control_events, control_total, 100.0 * base, per_100(rr),
                              per_100(rr_low), per_100(rr_high), nnt, nnt_low, nnt_high)
