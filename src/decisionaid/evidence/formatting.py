"""How numbers are written everywhere (screen, CLI, handout, record), so they never disagree.

Every ratio, interval, percentage and "out of 100" number a person reads is formatted here, once.
"""

from __future__ import annotations

import math


def fmt_ratio(x: float) -> str:
    """2 decimals below 10, 1 decimal below 100, whole numbers above: 0.53, 8.27, 20.3, 863."""
    if not isinstance(x, (int, float)) or not math.isfinite(x):
        return "n/a"
    if 0 < x < 0.005:
        return "<0.01"
    if round(x, 2) < 10:
        return f"{x:.2f}"
    if round(x, 1) < 100:
        return f"{x:.1f}"
    return f"{x:.0f}"


def fmt_ci(low: float, high: float) -> str:
    return f"95% CI {fmt_ratio(low)} to {fmt_ratio(high)}"


def fmt_estimate_ci(estimate: float, low: float, high: float) -> str:
    """The forest plot's estimate column, on screen and on paper: '8.27 [3.57, 19.2]'."""
    return f"{fmt_ratio(estimate)} [{fmt_ratio(low)}, {fmt_ratio(high)}]"


def fmt_weight(weight: float) -> str:
    return f"{weight:.1f}%" if isinstance(weight, (int, float)) and math.isfinite(weight) else "\u2013"


def fmt_tick(t: float) -> str:
    """Axis tick labels: 0.1, 0.5, 1, 2, 10, 100."""
    return f"{t:g}"


def fmt_per_100(x: float) -> str:
    """One decimal, for clinicians' tables that reproduce a published rate: 10.7, 44.4."""
    return f"{x:.1f}"


def fmt_percent(x: float) -> str:
    """A published percentage as published: 54.2%."""
    return f"{x:g}%"


def whole_people(x: float) -> int:
    """People out of 100 (half up, not banker's rounding)."""
    return int(x + 0.5)


def whole_nnt(x: float) -> int:
    """A number needed to treat is rounded up to a whole person (the usual convention)."""
    return max(1, math.ceil(x - 1e-9))


def range_words(low: int, high: int) -> str:
    """'it could be as few as 23 or as many as 87' (lower case, no full stop: for use inside a sentence)."""
    if low == high:
        return f"it is unlikely to be far from {low}"
    return f"it could be as few as {low} or as many as {high}"


def about_in_100(n: int) -> str:
    return f"about {n} in 100"
