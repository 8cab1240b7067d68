"""GRADE-style certainty: randomized trials start high; each downgrade (tied to a named caveat) lowers it."""

from __future__ import annotations

import msgspec

from decisionaid.evidence.pack import Downgrade

LEVELS = ("very low", "low", "moderate", "high")
PLAIN = {
    "high": "We are confident the true effect is close to this.",
    "moderate": "The true effect is probably close to this, but it could be quite different.",
    "low": "The true effect may be quite different from this.",
    "very low": "We are very unsure: the true effect is likely to be quite different from this.",
}
DOMAIN_NAMES = {
    "risk_of_bias": "Risk of bias",
    "imprecision": "Imprecision",
    "indirectness": "Indirectness",
    "inconsistency": "Inconsistency",
    "publication_bias": "Publication bias and other concerns",
}


# Value types are frozen msgspec Structs, not dataclasses: made in microseconds at import (see
# docs/design/architecture.md, "Value types").
class Certainty(msgspec.Struct, frozen=True):
    level: str                       # one of LEVELS
    downgrades: tuple[Downgrade, ...]
    levels_removed: int              # may exceed what the floor allows; shown so nothing is hidden

    @property
    def plain(self) -> str:
        return PLAIN[self.level]


def rate(downgrades: tuple[Downgrade, ...], start: str = "high") -> Certainty:
    """Start at `start` (randomized trials: high) and go down one level per downgrade level, floor 'very low'."""
    removed = sum(g.levels for g in downgrades)
    index = max(0, LEVELS.index(start) - removed)
    return Certainty(LEVELS[index], tuple(downgrades), removed)
