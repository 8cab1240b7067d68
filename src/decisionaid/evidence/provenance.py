"""How we know a figure, said in a clinician's words: one place for every screen, tooltip, CLI line and PDF.

    provenance_phrase(pack, fact)  ->  "Reported in Wollmer MA et al. ... PMID 22364892."
                                       "Reported in ... (secondary source: ClinicalTrials.gov registry record ...)."
                                       "Calculated by decisionaid from Magid M, Finzi E, ... How: ..."
                                       "Clinical judgement (not from a published source)."
                                       "Not known: no published figure was found."

A source's citation is `Source.reference()` (authors, title, journal or publisher, year, PMID/DOI/registry, and the web
address when there is no PMID or DOI). The pseudo-source that marks our own calculations is never listed as a reference.
No Qt, no reportlab.
"""

from __future__ import annotations

from typing import Iterable, Protocol

from decisionaid.evidence.pack import CALCULATION_SOURCE, PROVENANCE_LABELS, Pack
JUDGEMENT = "Clinical judgement (not from a published source)."
NOT_KNOWN = "Not known: no published figure was found."


class HasProvenance(Protocol):
    provenance: str
    sources: tuple[str, ...]


def provenance_label(kind: str) -> str:
    """A short label for a badge or a table cell: 'reported', 'calculated by decisionaid', 'not known', ..."""
    return PROVENANCE_LABELS[kind]


def reference_ids(pack: Pack, source_ids: Iterable[str]) -> tuple[str, ...]:
    """The ids worth listing as references, in order, without repeats and without the calculation pseudo-source."""
    return tuple(dict.fromkeys(s for s in source_ids if s != CALCULATION_SOURCE and s in pack.sources))


def citations(pack: Pack, source_ids: Iterable[str]) -> list[str]:
    """Each source as a clinician-readable citation (no trailing full stop, so they can be joined with '; ')."""
    return [pack.sources[s].reference().rstrip(".") for s in reference_ids(pack, source_ids)]


def _joined(refs: list[str]) -> str:
    return "; ".join(refs)


def provenance_phrase(pack: Pack, item: HasProvenance, method: str | None = None) -> str:
    """One or two sentences: where a fact or figure comes from. `method` overrides item.method (for derived figures)."""
    kind = item.provenance
    method = method if method is not None else getattr(item, "method", None)
    ids = reference_ids(pack, item.sources)
    if kind == "judgement":
        return JUDGEMENT
    if kind == "unverified":
        if ids:
            return f"{NOT_KNOWN[:-1]} in {_joined(citations(pack, ids))}."
        return NOT_KNOWN
    if kind == "derived":
        text = "Calculated by decisionaid"
        if ids:
            text += f" from {_joined(citations(pack, ids))}"
        text += "."
        if method:
            text += f" How: {method.rstrip('.')}."
        return text
    primary = [s for s in ids if not pack.sources[s].secondary]
    secondary = [s for s in ids if pack.sources[s].secondary]
    if kind == "secondary" and not secondary:   # the figure itself is second-hand even if the page is a paper
        primary, secondary = [], list(ids)
    if not ids:
        return "No published source."
    if not primary:
        return f"Reported in a secondary source (not the original paper): {_joined(citations(pack, secondary))}."
    text = f"Reported in {_joined(citations(pack, primary))}"
    if secondary:
        text += f" (secondary source: {_joined(citations(pack, secondary))})"
    return text + "."


def cite_line(pack: Pack, source_ids: Iterable[str], prefix: str = "Source: ") -> str:
    """'Source: <citation>; <citation>.' for a line under a paragraph; 'No published source.' when there is none."""
    refs = citations(pack, source_ids)
    if not refs:
        return "No published source."
    return prefix + _joined(refs) + "."
