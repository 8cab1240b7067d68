"""The PHQ-9: item scores or a total, its severity band, and the item-9 safety rule.

The scale itself (item range, total range, bands, which item is the safety item) is data from
resources/checklist/checklist.json (`Phq9Scale`); nothing here holds a clinical number.
"""

from __future__ import annotations

import msgspec


# Value types are frozen msgspec Structs, not dataclasses: made in microseconds at import (see
# docs/design/architecture.md, "Value types").
class Band(msgspec.Struct, frozen=True):
    min: int
    max: int
    label: str


class Phq9Scale(msgspec.Struct, frozen=True):
    name: str
    period: str
    item_min: int
    item_max: int
    response_labels: tuple[str, ...]   # one per score, item_min..item_max
    item_labels: tuple[str, ...]       # the item wording of the standard form, item 1..9
    item_wording_note: str             # the copyright and permission-to-reproduce statement, shown with the items
    total_min: int
    total_max: int
    bands: tuple[Band, ...]
    safety_item: int                   # 1-based; a score above item_min is a safety stop
    safety_reason: str
    severity_item: str                 # checklist item answered from the band when left blank
    source: str
    stem: str = ""                     # "Over the last 2 weeks, how often ..."
    severity_mismatch_reason: str = "" # {answered}, {total}, {band}: the severity answer contradicts the total

    @property
    def n_items(self) -> int:
        return len(self.item_labels)


class Phq9(msgspec.Struct, frozen=True):
    """What was recorded: the item scores (None where not asked), a total, both, or neither."""

    items: tuple[int | None, ...] | None = None
    total: int | None = None


def phq9_total(phq9: Phq9 | None) -> int | None:
    """The total: the sum of the items when all are present, else the recorded total, else None.

    Never raises; whether items and total agree is validate_phq9's job.
    """
    if phq9 is None:
        return None
    items = phq9.items
    if items and all(_is_int(v) for v in items):
        return sum(items)
    return phq9.total if _is_int(phq9.total) else None


def phq9_band(scale: Phq9Scale, total: int) -> str:
    """The band label for a total, e.g. 'mild'. ValueError for a total outside the scale."""
    if not _is_int(total):
        raise ValueError(f"PHQ-9 total: {total!r} is not a whole number.")
    for band in scale.bands:
        if band.min <= total <= band.max:
            return band.label
    raise ValueError(f"PHQ-9 total: {total} is outside {scale.total_min}\u2013{scale.total_max}.")


def safety_score(scale: Phq9Scale, phq9: Phq9 | None) -> int | None:
    """The safety item's score (item 9), or None when it was not recorded or is not a valid score."""
    if phq9 is None or not phq9.items or len(phq9.items) < scale.safety_item:
        return None
    value = phq9.items[scale.safety_item - 1]
    return value if _is_int(value) and scale.item_min <= value <= scale.item_max else None


def validate_phq9(scale: Phq9Scale, items, total) -> Phq9:
    """Check recorded PHQ-9 values and return them as a Phq9.

    Raises ValueError naming the field (e.g. "PHQ-9 item 3: 4 is outside 0–3.") for a wrong number of
    items, a value that is not a whole number or out of range, or items and a total that disagree.
    """
    lo, hi = scale.item_min, scale.item_max
    if items is not None:
        try:
            items = tuple(items)
        except TypeError:
            raise ValueError(f"PHQ-9 items: expected {scale.n_items} scores, got {items!r}.") from None
        if len(items) != scale.n_items:
            raise ValueError(f"PHQ-9 items: expected {scale.n_items} scores, got {len(items)}.")
        for n, value in enumerate(items, start=1):
            if value is None:
                continue
            if not _is_int(value):
                raise ValueError(f"PHQ-9 item {n}: {value!r} is not a whole number.")
            if not lo <= value <= hi:
                raise ValueError(f"PHQ-9 item {n}: {value} is outside {lo}\u2013{hi}.")
        if all(v is None for v in items):
            items = None
    if total is not None:
        if not _is_int(total):
            raise ValueError(f"PHQ-9 total: {total!r} is not a whole number.")
        if not scale.total_min <= total <= scale.total_max:
            raise ValueError(f"PHQ-9 total: {total} is outside {scale.total_min}\u2013{scale.total_max}.")
    if items is not None and total is not None:
        given = [v for v in items if v is not None]
        blanks = len(items) - len(given)
        if blanks == 0 and sum(given) != total:
            raise ValueError(f"PHQ-9 total: {total} does not match the item scores, which add up to {sum(given)}.")
        if blanks and not sum(given) + blanks * lo <= total <= sum(given) + blanks * hi:
            raise ValueError(f"PHQ-9 total: {total} cannot be right: the {len(given)} item scores recorded add up "
                             f"to {sum(given)} and the {blanks} blank items can add {blanks * lo} to {blanks * hi}.")
    return Phq9(items=items, total=total)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
