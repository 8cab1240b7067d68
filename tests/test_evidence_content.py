"""What the evidence pack says agrees with the third-pass evidence review (2026-12-01): the claims issue 13 found wrong."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from decisionaid.evidence.pack import default_pack_path, load_pack

SEEDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds"


@pytest.fixture(scope="module")
def pack():
    return load_pack()


def all_text(pack) -> str:
    return json.dumps(json.loads(default_pack_path().read_text(encoding="utf-8")), ensure_ascii=False)


def test_version_and_review_dates(pack):
    assert pack.version == "2026.12.1"
    assert pack.last_reviewed == dt.date(2026, 12, 1)
    assert pack.review_due() == dt.date(2027, 12, 1)
    assert "1 December 2027" in pack.update_policy


def test_repeat_treatment_mentions_the_uncontrolled_repeated_cycle_data(pack):
    text = all_text(pack)
    assert not re.search(r"no (study|trial)[^.]*tested repeat", text, re.I)
    assert "Lehnert 2023" in pack.practical["repeats"].text
    assert "lehnert2023" in pack.practical["repeats"].sources
    assert pack.sources["lehnert2023"].pmid == "37368686"


def test_patents_are_given_with_their_expiry(pack):
    text = all_text(pack)
    assert "holds patents" not in text and "holds US patents" not in text
    assert "2023" in pack.caveat("few_groups").plain and "expired" in pack.caveat("few_groups").plain


def test_the_mechanism_is_not_stated_as_fact(pack):
    text = all_text(pack)
    assert "how the treatment works" not in text.lower()
    assert "unproven" in pack.practical["frown"].text


def test_first_mood_rating_was_at_week_2_in_one_trial(pack):
    assert "first measured at 3 weeks" not in all_text(pack)
    assert "week 2 (Zamanian 2017)" in pack.practical["onset"].text


def test_finzi_wasserman_2006_has_its_real_title_and_pmid(pack):
    src = pack.sources["finzi2006"]
    assert "Treatment of depression with botulinum toxin A: a case series" in src.citation
    assert src.pmid == "16706759" and "Dermatol Surg 2006;32(5):645-9" in src.citation


def test_parsaik_odds_ratio_is_not_called_times_higher(pack):
    finding = next(r for r in pack.reviews if r.id == "parsaik2016").finding
    assert "times" not in finding and "odds ratio" in finding
    assert pack.sources["parsaik2016"].pmid == "27138078"


def test_brin_counts_are_enrolled_and_treated_not_randomized(pack):
    brin = next(t for t in pack.trials if t.id == "brin2020")
    assert brin.randomized.value is None
    assert brin.enrolled.value == 258 and brin.treated.value == 255
    assert "258 randomized" not in all_text(pack)


def test_outcome_switching_caveat_names_the_switches_not_a_late_posting(pack):
    detail = pack.caveat("outcome_switching").detail
    assert "posted" not in detail
    assert "Magid" in detail and "HDRS-21 response" in detail and "Finzi" in detail
    assert "5 years" in pack.caveat("late_registration").detail


def test_the_only_comparison_with_an_antidepressant_is_a_trial(pack):
    trial = next(t for t in pack.trials if t.id == "brainbehav2021")
    assert "sertraline" in trial.design.text and trial.not_pooled
    assert pack.sources["brainbehav2021"].pmid == "34423572"


def test_off_label_is_one_text(pack):
    assert "off_label" not in {c.id for c in pack.caveats}
    assert sum("Off-label" in c.title for c in pack.caveats) == 0
    assert "off-label" in pack.practical["off_label"].text


def test_cost_comes_from_the_review_not_silence(pack):
    cost = pack.practical["cost"]
    assert "$408" in cost.text and "2019" in cost.text and cost.sources


def test_ipdas_keys_are_present_and_plain(pack):
    assert "Depression is a common illness" in pack.condition.text and pack.condition.sources
    assert pack.decision == "Whether to try Botox shots for depression, alongside your current care, or not."
    about = pack.about
    assert "not yet been tested with patients" in about.user_testing
    for text in (about.made_by, about.funding, about.conflicts, about.evidence_method, about.patient_summary):
        assert len(text) > 40


def test_both_seed_headlines_sit_beside_what_the_studies_showed(pack):
    if not SEEDS.is_dir():
        pytest.skip("the two seed articles are kept beside the repository, in ../shared/seeds")
    heads = {m.headline: m for m in pack.media_claims}
    for seed in sorted(SEEDS.glob("*.txt")):
        first = next(line for line in seed.read_text(encoding="utf-8").splitlines()
                     if line.strip() and line.strip() != "hit counter")
        match = [h for h in heads if h.lower().replace("\u2019", "'") == first.strip().lower().replace("\u2019", "'")]
        assert match, first
        claim = heads[match[0]]
        assert claim.reality and any(s in pack.sources for s in claim.sources)
