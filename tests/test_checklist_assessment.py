"""The checklist rules: every stop, caution and 'unsure', the PHQ-9 safety item, the SURE test, what is missing,
and the precedence stop > incomplete > caution > no concerns. Expected items come from the bundled data."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from decisionaid.checklist.assessment import (CHECKED_REASON, INCOMPLETE_REASON, PHQ9_REASON, SURE_REASON,
                                              Assessment, Status, assess)
from decisionaid.checklist.items import load_checklist
from decisionaid.checklist.phq9 import Phq9

CHECKLIST = load_checklist()
ITEMS = CHECKLIST.items
STOPS = [i for i in ITEMS if i.severity == "stop"]
CAUTIONS = [i for i in ITEMS if i.severity == "caution"]
UNSURE_STOPS = [i for i in STOPS if i.answer_type == "yes_no_unsure"]
UNSURE_CAUTIONS = [i for i in CAUTIONS if i.answer_type == "yes_no_unsure"]
SURE_IDS = [s.item for s in CHECKLIST.sure.items]


def benign() -> dict[str, str]:
    """For every item an answer that raises nothing: what a patient with no concerns would give."""
    answers = {}
    for item in ITEMS:
        if item.answer_type == "text":
            answers[item.id] = "nothing else"
        else:
            answers[item.id] = next(v for v in item.allowed_answers() if v not in item.flag_when and v != "unsure")
    return answers


def ids(assessment: Assessment) -> list[str]:
    return [r.item_id for r in assessment.reasons]


def test_status_texts_are_the_contracts():
    assert [s.value for s in Status] == ["Not a candidate now", "Candidate with cautions", "No concerns found",
                                         "Incomplete"]
    assert Status.CAUTIONS == "Candidate with cautions"


# --- no concerns -------------------------------------------------------------------------------

def test_all_clear_is_no_concerns_and_says_what_was_checked():
    result = assess(CHECKLIST, benign(), Phq9(items=(1, 1, 2, 1, 1, 1, 2, 1, 0)))
    assert result.status == Status.NO_CONCERNS
    assert not result.crisis and result.missing == () and result.sure_score == 4
    (reason,) = result.reasons
    assert reason.item_id == CHECKED_REASON and reason.severity == "info"
    for section in CHECKLIST.sections:
        assert section.title in reason.text
    assert "PHQ-9 item 9 scored 0" in reason.text and "10 (moderate)" in reason.text
    assert "SURE test 4 of 4" in reason.text


def test_all_clear_without_a_phq9_says_it_was_not_recorded():
    result = assess(CHECKLIST, benign(), None)
    assert result.status == Status.NO_CONCERNS
    assert "PHQ-9 not recorded" in result.reasons[0].text


def test_optional_free_text_may_be_left_blank():
    answers = {k: v for k, v in benign().items() if CHECKLIST.item(k).answer_type != "text"}
    assert assess(CHECKLIST, answers, None).status == Status.NO_CONCERNS


# --- stops -------------------------------------------------------------------------------------

@pytest.mark.parametrize("item", STOPS, ids=lambda i: i.id)
def test_each_stop_item_makes_not_a_candidate_with_its_reason(item):
    result = assess(CHECKLIST, {**benign(), item.id: item.flag_when[0]}, None)
    assert result.status == Status.NOT_CANDIDATE
    (reason,) = [r for r in result.reasons if r.item_id == item.id]
    assert reason.severity == "stop"
    assert reason.text == f"Not a candidate now: {item.reason}"
    assert result.crisis == item.crisis


@pytest.mark.parametrize("item", STOPS, ids=lambda i: i.id)
def test_stop_beats_incomplete(item):
    result = assess(CHECKLIST, {item.id: item.flag_when[0]}, None)
    assert result.status == Status.NOT_CANDIDATE
    assert len(result.missing) == len([i for i in ITEMS if i.required]) - 1
    assert INCOMPLETE_REASON not in ids(result)


def test_stop_reasons_say_why_plainly():
    result = assess(CHECKLIST, {"ci_hypersensitivity": "yes", "ci_neuromuscular": "yes", "safety_bipolar": "yes"})
    texts = {r.item_id: r.text for r in result.reasons}
    assert texts["ci_hypersensitivity"] == (
        "Not a candidate now: hypersensitivity to any botulinum toxin product or to a component of its formulation "
        "is a contraindication on the BOTOX Cosmetic label.")
    assert "higher risk of serious systemic effects" in texts["ci_neuromuscular"]
    assert "Brin" in texts["ci_neuromuscular"]
    assert "Wollmer trial excluded bipolar disorder" in texts["safety_bipolar"]
    assert "only person who did not remit had bipolar depression" in texts["safety_bipolar"]


def test_psychotic_features_reason_states_only_what_the_sheet_has():
    text = assess(CHECKLIST, {"safety_psychotic_features": "yes"}).reasons[0].text
    assert "Wollmer trial registry excluded psychiatric comorbidity" in text
    assert "clinical judgement" in text


def test_injection_site_infection_is_not_now_rather_than_never():
    text = assess(CHECKLIST, {"ci_injection_site_infection": "yes"}).reasons[0].text
    assert "contraindication" in text and "not now" in text


def test_suicidal_thoughts_open_the_crisis_pathway():
    result = assess(CHECKLIST, {**benign(), "safety_suicidal_thoughts": "yes"}, None)
    assert result.status == Status.NOT_CANDIDATE and result.crisis
    assert "full suicide risk assessment" in result.reasons[0].text


def test_no_crisis_for_other_stops():
    for item in STOPS:
        if not item.crisis:
            assert not assess(CHECKLIST, {**benign(), item.id: "yes"}).crisis, item.id


# --- PHQ-9 item 9 ------------------------------------------------------------------------------

@pytest.mark.parametrize("score", [1, 2, 3])
def test_phq9_item9_above_zero_is_a_stop_and_a_crisis(score):
    result = assess(CHECKLIST, benign(), Phq9(items=(0,) * 8 + (score,)))
    assert result.status == Status.NOT_CANDIDATE and result.crisis
    (reason,) = [r for r in result.reasons if r.item_id == "phq9_item9"]
    assert reason.severity == "stop"
    assert "item 9" in reason.text and "immediate follow-up" in reason.text


def test_phq9_item9_alone_is_enough_even_with_nothing_else_answered():
    result = assess(CHECKLIST, {}, Phq9(items=(None,) * 8 + (1,)))
    assert result.status == Status.NOT_CANDIDATE and result.crisis
    assert result.reasons[0].item_id == "phq9_item9"


def test_phq9_item9_zero_is_no_crisis():
    result = assess(CHECKLIST, {**benign(), "fit_severity": "severe"}, Phq9(items=(3,) * 8 + (0,)))
    assert not result.crisis and result.status == Status.NO_CONCERNS


def test_phq9_item9_still_counts_when_the_total_disagrees():
    result = assess(CHECKLIST, benign(), Phq9(items=(0,) * 8 + (2,), total=20))
    assert result.status == Status.NOT_CANDIDATE and result.crisis
    assert PHQ9_REASON in ids(result)


def test_safety_item_is_read_from_the_scale_data():
    from msgspec.structs import replace

    scale = replace(CHECKLIST.phq9, safety_item=1)
    moved = replace(CHECKLIST, phq9=scale)
    assert assess(moved, benign(), Phq9(items=(1,) + (0,) * 8)).crisis
    assert not assess(moved, benign(), Phq9(items=(0,) * 8 + (1,))).crisis


# --- unsure ------------------------------------------------------------------------------------

@pytest.mark.parametrize("item", UNSURE_STOPS, ids=lambda i: i.id)
def test_unsure_to_a_stop_item_is_a_caution_that_needs_checking(item):
    result = assess(CHECKLIST, {**benign(), item.id: "unsure"}, None)
    assert result.status == Status.CAUTIONS and not result.crisis
    (reason,) = [r for r in result.reasons if r.item_id == item.id]
    assert reason.severity == "caution"
    assert reason.text.startswith("Needs checking before going ahead:")
    assert item.question in reason.text and item.reason in reason.text


@pytest.mark.parametrize("item", UNSURE_CAUTIONS, ids=lambda i: i.id)
def test_unsure_to_a_caution_item_is_also_a_caution(item):
    result = assess(CHECKLIST, {**benign(), item.id: "unsure"}, None)
    assert result.status == Status.CAUTIONS
    assert "Needs checking before going ahead" in result.reasons[0].text


# --- cautions ----------------------------------------------------------------------------------

@pytest.mark.parametrize("item, value", [(i, v) for i in CAUTIONS for v in i.flag_when],
                         ids=lambda x: getattr(x, "id", x))
def test_each_caution_gives_candidate_with_cautions_and_its_reason(item, value):
    result = assess(CHECKLIST, {**benign(), item.id: value}, None)
    assert result.status == Status.CAUTIONS and not result.crisis
    (reason,) = result.reasons
    assert (reason.item_id, reason.severity) == (item.id, "caution")
    assert reason.text == f"Caution: {item.reason}"


def test_fit_cautions_say_how_the_evidence_may_apply_less_well():
    reasons = {r.item_id: r.text for r in assess(CHECKLIST, {**benign(), "fit_sex": "man", "age_group": "over 65",
                                                             "fit_antidepressant": "no"}).reasons}
    assert "23/7" in reasons["fit_sex"] and "apply less well" in reasons["fit_sex"]
    assert reasons["age_group"].startswith("Caution: ")  # over 65: a caution from the one age question
    assert "Wollmer 25-65" in reasons["age_group"] and "apply less well" in reasons["age_group"]
    assert "P=0.053" in reasons["fit_antidepressant"]


def test_not_yet_discussed_is_a_caution_per_topic():
    answers = {**benign(), "understand_side_effects": "not yet", "understand_off_label": "not yet"}
    result = assess(CHECKLIST, answers, None)
    assert result.status == Status.CAUTIONS
    assert ids(result) == ["understand_off_label", "understand_side_effects"]  # checklist order
    assert "2.4 in 100" in result.reasons[1].text


def test_reasons_follow_checklist_order_with_phq9_first():
    answers = {**benign(), "sure_sure": "no", "fit_sex": "man", "ci_bleeding": "yes", "safety_bipolar": "unsure"}
    result = assess(CHECKLIST, answers, Phq9(items=(1, 1, 2, 1, 1, 1, 2, 0, 1)))
    assert ids(result) == ["phq9_item9", "safety_bipolar", "ci_bleeding", "fit_sex", SURE_REASON]


# --- severity from the PHQ-9 -------------------------------------------------------------------

def without(*item_ids):
    return {k: v for k, v in benign().items() if k not in item_ids}


@pytest.mark.parametrize("total, caution", [(0, True), (4, True), (5, True), (9, True), (10, False), (27, False)])
def test_blank_severity_is_taken_from_the_phq9_band(total, caution):
    result = assess(CHECKLIST, without("fit_severity"), Phq9(total=total))
    assert result.missing == ()
    assert (result.status == Status.CAUTIONS) == caution
    if caution:
        assert f"Severity taken from the PHQ-9 total of {total}" in result.reasons[0].text


def test_a_severity_that_contradicts_the_phq9_is_flagged():
    result = assess(CHECKLIST, {**benign(), "fit_severity": "severe"}, Phq9(total=3))
    assert result.status == Status.CAUTIONS
    (reason,) = result.reasons
    assert reason.item_id == "fit_severity" and reason.severity == "caution"
    assert "severe" in reason.text and "PHQ-9 total of 3 (minimal or none)" in reason.text


def test_a_severity_that_matches_the_phq9_raises_nothing():
    result = assess(CHECKLIST, {**benign(), "fit_severity": "severe"}, Phq9(total=22))
    assert result.status == Status.NO_CONCERNS


def test_an_under_18_answer_to_the_age_question_is_a_stop():
    result = assess(CHECKLIST, {**benign(), "age_group": "under 18"})
    assert result.status == Status.NOT_CANDIDATE and not result.crisis
    assert "approved for adults" in result.reasons[0].text


@pytest.mark.parametrize("old, expected", [
    ({"safety_under_18": "yes"}, Status.NOT_CANDIDATE),
    ({"safety_under_18": "no", "fit_age": "over 65"}, Status.CAUTIONS),
    ({"safety_under_18": "no", "fit_age": "18 to 65"}, Status.NO_CONCERNS)])
def test_a_record_saved_when_age_was_asked_twice_keeps_its_meaning(old, expected):
    answers = {k: v for k, v in benign().items() if k != "age_group"} | old
    result = assess(CHECKLIST, answers)
    assert result.status == expected and result.missing == ()


def test_missing_summary_is_a_few_lines_not_every_question():
    from decisionaid.checklist.assessment import missing_summary

    result = assess(CHECKLIST, {})
    lines = missing_summary(CHECKLIST, result)
    assert len(result.missing) > 25 and len(lines) <= 5
    assert lines[0] == "Safety first: 4 of 4 to answer"
    assert lines[-1].startswith("Next: \u201cDoes the patient have any current thoughts of suicide")
    assert missing_summary(CHECKLIST, assess(CHECKLIST, benign())) == ()


def test_blank_severity_without_a_phq9_is_missing():
    result = assess(CHECKLIST, without("fit_severity"), None)
    assert result.status == Status.INCOMPLETE and result.missing_ids == ("fit_severity",)


def test_inconsistent_phq9_is_a_caution_not_a_crash():
    result = assess(CHECKLIST, benign(), Phq9(items=(1,) * 8 + (0,), total=20))
    assert result.status == Status.CAUTIONS
    (reason,) = result.reasons
    assert reason.item_id == PHQ9_REASON
    assert "PHQ-9 total: 20 does not match the item scores, which add up to 8." in reason.text


@pytest.mark.parametrize("phq9", [Phq9(items=(4,) * 9), Phq9(total=99), Phq9(items=(0,) * 5),
                                  Phq9(total="12"), Phq9(items=("a",) * 9)])
def test_out_of_range_phq9_is_reported_by_field(phq9):
    result = assess(CHECKLIST, benign(), phq9)
    assert result.status == Status.CAUTIONS
    assert "PHQ-9" in result.reasons[0].text and "needs checking" in result.reasons[0].text


# --- incomplete --------------------------------------------------------------------------------

def test_nothing_answered_is_incomplete_and_names_every_required_question():
    result = assess(CHECKLIST, {}, None)
    assert result.status == Status.INCOMPLETE
    required = [i for i in ITEMS if i.required]
    assert result.missing == tuple(i.question for i in required)
    assert result.missing_ids == tuple(i.id for i in required)
    assert result.reasons[-1].item_id == INCOMPLETE_REASON
    assert f"{len(result.missing)} required questions are not answered yet" in result.reasons[-1].text


def test_missing_items_are_named_by_question():
    result = assess(CHECKLIST, without("ci_pregnancy", "understand_cost"), None)
    assert result.status == Status.INCOMPLETE
    assert result.missing == (CHECKLIST.item("ci_pregnancy").question, CHECKLIST.item("understand_cost").question)
    assert CHECKLIST.item("ci_pregnancy").question in result.reasons[-1].text


def test_incomplete_beats_caution_but_keeps_the_caution_reason():
    answers = {**without("values_cost"), "ci_bleeding": "yes"}
    result = assess(CHECKLIST, answers, None)
    assert result.status == Status.INCOMPLETE
    assert ids(result) == ["ci_bleeding", INCOMPLETE_REASON]
    assert "1 required question is not answered yet" in result.reasons[-1].text


@pytest.mark.parametrize("bad", ["maybe", "", "YES", " yes", 1, None, True, ["yes"]])
def test_answers_an_item_does_not_accept_count_as_unanswered(bad):
    result = assess(CHECKLIST, {**benign(), "ci_pregnancy": bad}, None)
    assert result.status == Status.INCOMPLETE and result.missing_ids == ("ci_pregnancy",)


def test_unknown_item_ids_are_ignored():
    assert assess(CHECKLIST, {**benign(), "no_such_item": "yes"}, None).status == Status.NO_CONCERNS


# --- SURE test ---------------------------------------------------------------------------------

@pytest.mark.parametrize("no_to, score", [((), 4), (("sure_sure",), 3), (("sure_understand", "sure_risk_benefit"), 2),
                                         (tuple(SURE_IDS), 0)])
def test_sure_score_and_caution_below_four(no_to, score):
    result = assess(CHECKLIST, {**benign(), **{i: "no" for i in no_to}}, None)
    assert result.sure_score == score
    if score == 4:
        assert result.status == Status.NO_CONCERNS and SURE_REASON not in ids(result)
    else:
        assert result.status == Status.CAUTIONS
        (reason,) = result.reasons
        assert reason.item_id == SURE_REASON and reason.severity == "caution"
        assert "not ready to decide today" in reason.text and f"Score {score} of 4" in reason.text


def test_sure_reason_names_the_letters_answered_no():
    text = assess(CHECKLIST, {**benign(), "sure_understand": "no"}, None).reasons[0].text
    assert "'no' to U (Understand information)" in text


def test_sure_score_is_none_until_all_four_are_answered():
    result = assess(CHECKLIST, without("sure_encouragement"), None)
    assert result.sure_score is None
    assert result.status == Status.INCOMPLETE and result.missing_ids == ("sure_encouragement",)


# --- never crashes -----------------------------------------------------------------------------

ITEM_IDS = [i.id for i in ITEMS]
VALUES = sorted({v for i in ITEMS for v in (i.allowed_answers() or ())} | {"", "unsure", "maybe"})
answer_dicts = st.dictionaries(
    st.one_of(st.sampled_from(ITEM_IDS), st.text(max_size=8)),
    st.one_of(st.sampled_from(VALUES), st.text(max_size=20), st.none(), st.integers()),
    max_size=len(ITEM_IDS) + 5)
phq9s = st.one_of(
    st.none(),
    st.builds(Phq9, st.one_of(st.none(), st.tuples(*[st.one_of(st.none(), st.integers(-1, 4))] * 9)),
              st.one_of(st.none(), st.integers(-2, 30))))


@settings(max_examples=300, deadline=None)
@given(answer_dicts, phq9s)
def test_random_answers_never_crash_and_always_give_a_status_with_reasons(answers, phq9):
    result = assess(CHECKLIST, answers, phq9)
    assert result.status in set(Status)
    assert result.reasons and all(r.text.strip() for r in result.reasons)
    assert all(r.severity in ("stop", "caution", "info") for r in result.reasons)
    has_stop = any(r.severity == "stop" for r in result.reasons)
    assert (result.status == Status.NOT_CANDIDATE) == has_stop
    if result.status == Status.INCOMPLETE:
        assert result.missing
    if result.status in (Status.CAUTIONS, Status.NO_CONCERNS):
        assert result.missing == ()
    assert result.sure_score is None or 0 <= result.sure_score <= 4
    if result.crisis:
        assert result.status == Status.NOT_CANDIDATE


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({i.id: st.sampled_from(i.allowed_answers()) for i in ITEMS if i.allowed_answers()}))
def test_complete_answers_are_never_incomplete(answers):
    result = assess(CHECKLIST, answers, None)
    assert result.status != Status.INCOMPLETE and result.missing == ()
