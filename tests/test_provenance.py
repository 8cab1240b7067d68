"""Provenance in a clinician's words: every figure says where it comes from as a citation someone can look up."""

import re

import pytest

from decisionaid.evidence.pack import Fact, Figure, load_pack
from decisionaid.evidence.provenance import (JUDGEMENT, NOT_KNOWN, cite_line, provenance_label, provenance_phrase,
                                             reference_ids)


@pytest.fixture(scope="module")
def pack():
    return load_pack()


def test_reported_fact_names_the_paper_with_its_pmid(pack):
    text = provenance_phrase(pack, Fact("x", "reported", ("wollmer2012",)))
    assert text.startswith("Reported in Wollmer MA et al. Facing depression with botulinum toxin")
    assert "PMID 22364892" in text and "DOI 10.1016/j.jpsychires.2012.01.027" in text


def test_secondary_source_is_named_as_such_beside_the_paper(pack):
    text = provenance_phrase(pack, Fact("x", "secondary", ("wollmer2012", "wollmer2012_registry")))
    assert text.startswith("Reported in Wollmer MA et al.")
    assert "(secondary source: ClinicalTrials.gov record NCT00934687" in text


def test_secondary_only_says_it_is_not_the_original_paper(pack):
    text = provenance_phrase(pack, Fact("x", "secondary", ("toxins2022_table1",)))
    assert text.startswith("Reported in a secondary source (not the original paper): ")
    assert "Toxins (Basel) 2022;14(6):383" in text


def test_derived_figure_says_calculated_by_decisionaid_from_and_how(pack):
    fig = Figure(2, "derived", ("magid2015", "team_derivation"), "Pooled total 8/75 minus 6/41 and 0/19")
    text = provenance_phrase(pack, fig)
    assert text.startswith("Calculated by decisionaid from Magid M, Finzi E")
    assert "How: Pooled total 8/75 minus 6/41 and 0/19." in text
    assert "decisionaid from the published figures" not in text  # the pseudo-source is not a reference


def test_judgement_and_unknown(pack):
    assert provenance_phrase(pack, Fact("x", "judgement", ())) == JUDGEMENT
    assert JUDGEMENT == "Clinical judgement (not from a published source)."
    assert provenance_phrase(pack, Figure(None, "unverified", ())) == NOT_KNOWN
    assert provenance_label("derived") == "calculated by decisionaid"


def test_every_source_is_a_citation_a_clinician_can_look_up(pack):
    """Authors or publisher, a title, a year, and a PMID, DOI, registry number or web address."""
    for sid, src in pack.sources.items():
        if sid == "team_derivation":
            continue
        ref = src.reference()
        assert re.search(r"\b(19|20)\d\d\b", ref) or "undated" in ref or "date not recorded" in ref, (sid, ref)
        assert src.pmid or src.doi or src.registry or src.url or "address and date not recorded" in ref, sid
        assert src.pmid is None or f"PMID {src.pmid}" in ref
        if not (src.pmid or src.doi):
            assert (src.url or "\0") in ref or (src.registry or "\0") in ref or "not recorded" in ref, (sid, ref)


def test_reference_lists_leave_out_the_calculation_marker(pack):
    assert reference_ids(pack, ["magid2015", "team_derivation", "magid2015"]) == ("magid2015",)
    assert cite_line(pack, ["team_derivation"]) == "No published source."
    assert "calculated" not in pack.cite(["team_derivation"]).lower()


def test_every_pack_figure_gets_a_phrase_without_internal_words(pack):
    """Walk every fact and figure in the pack and render its provenance: nothing internal leaks."""
    items = [pack.condition, *pack.practical.values(), pack.harms.depression_trials, pack.harms.serious]
    for t in pack.trials:
        items += [t.design, t.setting, t.randomized, t.women, t.men, t.antidepressants, t.treatment_resistance, t.dose,
                  t.scale, t.time_point, t.primary_result, t.funding_coi, t.adverse_events, *(a.n for a in t.arms)]
        items += [f for f in (t.analysed, t.enrolled, t.treated) if f is not None]
        for o in filter(None, (t.response, t.remission)):
            items += [o.treatment.events, o.treatment.total, o.control.events, o.control.total]
    for item in items:
        text = provenance_phrase(pack, item)
        assert text and not re.search(r"team derivation|fact ?sheet|not seen|UNVERIFIED|\[V2?\]|\[D\]", text), text
