"""How numbers are written everywhere (screen, CLI, later the handout), so they never disagree."""

from __future__ import annotations


def fmt_ratio(x: float) -> str:
    """2 decimals below 10, 1 decimal below 100, whole numbers above: 0.53, 8.27, 20.3, 863."""
    if x != x:  # NaN
        return "n/a"
    if x < 10:
        return f"{x:.2f}"
    if x < 100:
        return f"{x:.1f}"
    return f"{x:.0f}"


def fmt_ci(low: float, high: float) -> str:
    return f"95% CI {fmt_ratio(low)} to {fmt_ratio(high)}"


def fmt_per_100(x: float) -> str:
    """One decimal, so that no published or derived number is rounded away: 10.7, 44.4."""
    return f"{x:.1f}"


def whole_people(x: float) -> int:
    """People in an icon array of 100 (half up, not banker's rounding)."""
    return int(x + 0.5)
