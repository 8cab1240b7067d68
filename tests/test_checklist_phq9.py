"""PHQ-9: totals, bands at every boundary (bands are data), the item-9 safety score and field-level validation."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from decisionaid.checklist.items import load_checklist
from decisionaid.checklist.phq9 import Phq9, phq9_band, phq9_total, safety_score, validate_phq9

SCALE = load_checklist().phq9


def test_scale_is_nine_items_scored_0_to_3_with_total_0_to_27():
    assert SCALE.n_items == 9
    assert (SCALE.item_min, SCALE.item_max, SCALE.total_min, SCALE.total_max) == (0, 3, 0, 27)
    assert len(SCALE.response_labels) == 4
    assert SCALE.safety_item == 9


def test_item_labels_are_the_questionnaire_wording_with_its_permission_statement():
    assert SCALE.item_labels[0] == "Little interest or pleasure in doing things"
    assert SCALE.item_labels[8] == "Thoughts that you would be better off dead or of hurting yourself in some way"
    assert SCALE.stem.startswith("Over the last 2 weeks")
    assert "No permission required to reproduce" in SCALE.item_wording_note


@pytest.mark.parametrize("total, band", [
    (0, "minimal or none"), (4, "minimal or none"),
    (5, "mild"), (9, "mild"),
    (10, "moderate"), (14, "moderate"),
    (15, "moderately severe"), (19, "moderately severe"),
    (20, "severe"), (27, "severe"),
])
def test_band_boundaries(total, band):
    assert phq9_band(SCALE, total) == band


@pytest.mark.parametrize("total", [-1, 28, 100])
def test_band_refuses_totals_outside_the_scale(total):
    with pytest.raises(ValueError, match=rf"PHQ-9 total: {total} is outside 0\u201327"):
        phq9_band(SCALE, total)


@pytest.mark.parametrize("total", [4.5, "7", None, True])
def test_band_refuses_non_integers(total):
    with pytest.raises(ValueError, match="not a whole number"):
        phq9_band(SCALE, total)


@given(st.integers(0, 27))
def test_every_total_has_exactly_one_band(total):
    assert sum(b.min <= total <= b.max for b in SCALE.bands) == 1


def test_total_from_items_from_total_or_none():
    assert phq9_total(Phq9(items=(1, 2, 3, 0, 1, 2, 3, 0, 1))) == 13
    assert phq9_total(Phq9(total=11)) == 11
    assert phq9_total(Phq9(items=(1, None, 3, 0, 1, 2, 3, 0, 1), total=14)) == 14
    assert phq9_total(Phq9(items=(1, None, 3, 0, 1, 2, 3, 0, 1))) is None
    assert phq9_total(Phq9()) is None
    assert phq9_total(None) is None


def test_total_prefers_complete_items_and_never_raises():
    assert phq9_total(Phq9(items=(1,) * 9, total=20)) == 9  # disagreement is validate_phq9's job


def test_safety_score_reads_item_9_only_when_valid():
    assert safety_score(SCALE, Phq9(items=(0,) * 8 + (2,))) == 2
    assert safety_score(SCALE, Phq9(items=(None,) * 8 + (1,))) == 1
    assert safety_score(SCALE, Phq9(items=(3,) * 8 + (None,))) is None
    assert safety_score(SCALE, Phq9(items=(0,) * 8 + (7,))) is None
    assert safety_score(SCALE, Phq9(total=20)) is None
    assert safety_score(SCALE, None) is None


def test_valid_values_are_returned_as_phq9():
    assert validate_phq9(SCALE, [0, 1, 2, 3, 0, 1, 2, 3, 0], None) == Phq9(items=(0, 1, 2, 3, 0, 1, 2, 3, 0))
    assert validate_phq9(SCALE, None, 27) == Phq9(total=27)
    assert validate_phq9(SCALE, (1,) * 9, 9) == Phq9(items=(1,) * 9, total=9)
    assert validate_phq9(SCALE, (None,) * 9, 5) == Phq9(items=None, total=5)
    assert validate_phq9(SCALE, (1, None, 1, 1, 1, 1, 1, 1, 1), 10) == Phq9((1, None, 1, 1, 1, 1, 1, 1, 1), 10)
    assert validate_phq9(SCALE, None, None) == Phq9()


@pytest.mark.parametrize("items, total, message", [
    ((0, 0, 4, 0, 0, 0, 0, 0, 0), None, "PHQ-9 item 3: 4 is outside 0\u20133."),
    ((0, 0, 0, 0, 0, 0, 0, 0, -1), None, "PHQ-9 item 9: -1 is outside 0\u20133."),
    ((0, 1.5, 0, 0, 0, 0, 0, 0, 0), None, "PHQ-9 item 2: 1.5 is not a whole number."),
    (("1", 0, 0, 0, 0, 0, 0, 0, 0), None, "PHQ-9 item 1: '1' is not a whole number."),
    ((True, 0, 0, 0, 0, 0, 0, 0, 0), None, "PHQ-9 item 1: True is not a whole number."),
    ((0,) * 8, None, "PHQ-9 items: expected 9 scores, got 8."),
    ((0,) * 10, None, "PHQ-9 items: expected 9 scores, got 10."),
    (5, None, "PHQ-9 items: expected 9 scores"),
    (None, 28, "PHQ-9 total: 28 is outside 0\u201327."),
    (None, -1, "PHQ-9 total: -1 is outside 0\u201327."),
    (None, 12.0, "PHQ-9 total: 12.0 is not a whole number."),
    (None, "12", "PHQ-9 total: '12' is not a whole number."),
    ((1,) * 9, 10, "PHQ-9 total: 10 does not match the item scores, which add up to 9."),
    ((3, None, 3, 3, 3, 3, 3, 3, 3), 10, "PHQ-9 total: 10 cannot be right"),
    ((0, None, 0, 0, 0, 0, 0, 0, 0), 4, "PHQ-9 total: 4 cannot be right"),
])
def test_validation_errors_name_the_field(items, total, message):
    with pytest.raises(ValueError) as info:
        validate_phq9(SCALE, items, total)
    assert str(info.value).startswith(message)


@given(st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=9, max_size=9), st.integers(0, 27))
def test_partial_items_accept_exactly_the_totals_they_allow(items, total):
    given_sum = sum(v for v in items if v is not None)
    blanks = items.count(None)
    ok = given_sum <= total <= given_sum + 3 * blanks
    if ok:
        validate_phq9(SCALE, items, total)
    else:
        with pytest.raises(ValueError, match="PHQ-9 total"):
            validate_phq9(SCALE, items, total)
