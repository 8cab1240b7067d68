"""Follow-up outcomes at their boundaries: response (a 50% drop exactly), remission (5 vs 4), a baseline of 0,
missing items, the 5-point change, and the item-9 safety stop at a follow-up visit."""

from __future__ import annotations

import pytest

from decisionaid.checklist.followup import course, load_rules, outcome, outcome_lines, percent_text, visit_facts
from decisionaid.checklist.items import load_checklist
from decisionaid.checklist.phq9 import Phq9


@pytest.fixture(scope="module")
def checklist():
    return load_checklist()


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def at(checklist, rules, baseline, now):
    return outcome(checklist, rules, Phq9(total=baseline), 1, "2026-02-01", now if isinstance(now, Phq9)
                   else Phq9(total=now))


def test_the_rules_come_from_the_content_file(rules):
    assert (rules.response_drop_percent, rules.remission_below, rules.meaningful_points) == (50, 5, 5)
    assert rules.interval_weeks == 6
    assert "HEDIS" in rules.response.source and "L\u00f6we" in rules.meaningful.source
    assert "HAMD, MADRS or BDI" in rules.not_comparable and "not the PHQ-9" in rules.not_comparable


@pytest.mark.parametrize("baseline, now, response", [
    (20, 10, True),   # exactly 50%
    (20, 11, False),  # 45%
    (15, 7, True),    # 53.3%: half of 15 is 7.5, so 7 is a response
    (15, 8, False),   # 46.7%
    (1, 0, True),
])
def test_response_is_a_drop_of_half_or_more(checklist, rules, baseline, now, response):
    assert at(checklist, rules, baseline, now).response is response


@pytest.mark.parametrize("now, remission", [(4, True), (5, False), (0, True)])
def test_remission_is_a_total_below_5(checklist, rules, now, remission):
    assert at(checklist, rules, 18, now).remission is remission


def test_a_baseline_of_0_has_no_percent_and_no_response(checklist, rules):
    o = at(checklist, rules, 0, 3)
    assert (o.change_points, o.change_percent, o.response, o.remission) == (3, None, None, True)
    assert "first PHQ-9 was 0" in o.why_not
    assert percent_text(o.change_percent) == "not calculable"


@pytest.mark.parametrize("baseline, now, meaningful", [(15, 10, "improvement"), (15, 11, ""), (10, 15, "worsening"),
                                                       (10, 14, "")])
def test_a_5_point_change_is_flagged_as_clinically_meaningful(checklist, rules, baseline, now, meaningful):
    assert at(checklist, rules, baseline, now).meaningful == meaningful


def test_change_in_points_and_per_cent_is_not_rounded_to_a_whole_number(checklist, rules):
    o = at(checklist, rules, 15, 7)
    assert o.change_points == -8 and percent_text(o.change_percent) == "-53.3%"
    assert "Change from the first consultation: -8 points, -53.3%" in outcome_lines(rules, o)


def test_missing_items_without_a_total_compute_nothing_and_say_why(checklist, rules):
    o = at(checklist, rules, 15, Phq9(items=(1, 1, 1, None, 1, 1, 1, 1, 0)))
    assert (o.total, o.response, o.remission, o.meaningful) == (None, None, None, None)
    assert "1 of 9 items missing" in o.why_not
    complete = at(checklist, rules, 15, Phq9(items=(1, 1, 1, 0, 1, 1, 1, 1, 0)))
    assert complete.total == 7 and complete.response is True  # the computed total is used


def test_item_9_above_0_at_follow_up_opens_the_crisis_pathway(checklist, rules):
    o = at(checklist, rules, 15, Phq9(items=(0, 0, 0, 0, 0, 0, 0, 0, 1)))
    assert o.crisis and o.item9 == 1 and o.remission is True  # in remission by the total, and still a stop
    lines = outcome_lines(rules, o)
    assert lines[0].startswith("PHQ-9 item 9 is above 0: follow the crisis pathway")
    assert any("Follow the crisis pathway" in line for line in lines[1:])
    assert not at(checklist, rules, 15, Phq9(items=(0,) * 9)).crisis


def test_a_course_orders_visits_by_date(checklist, rules):
    from types import SimpleNamespace as NS
    from decisionaid.sessions.session_record import SessionRecord
    from decisionaid.sessions.visits import VisitRecord
    record = SessionRecord("MRN-1", "Dr A", "2026-01-05T09:00", phq9_total=16)
    visits = [NS(visit_no=1, visit=VisitRecord("2026-03-01", phq9_total=6)),
              NS(visit_no=2, visit=VisitRecord("2026-01-26", phq9_total=12))]
    c = course(checklist, rules, record, visits)
    assert [o.visit_date for o in c.outcomes] == ["2026-01-26", "2026-03-01"]
    assert c.baseline_total == 16 and [o.response for o in c.outcomes] == [False, True]
    assert rules.default_follow_up(record.held_at) == "2026-02-16"


def test_a_visits_facts_are_one_wording_with_the_botox_date_written_two_ways(rules):
    from decisionaid.sessions.visits import VisitRecord

    v = VisitRecord("2026-10-26", side_effects=("headache", "gone_from_pack"), side_effects_other="tired eyes",
                    botox_given=True, botox_date="2026-10-05", impression="a little better", notes="not here",
                    next_step="stop")
    labels = {"headache": "Headache"}
    screen = visit_facts(rules, v, labels)
    assert screen == ["Side effects: Headache; gone_from_pack; tired eyes", "Botox given: yes, on 2026-10-05",
                      "Patient's impression: a little better", f"Next step: {rules.next_steps['stop']}"]
    paper = visit_facts(rules, v, labels, date_style="brackets", date_text=lambda d: d[::-1])
    assert paper[1] == "Botox given: yes (50-01-6202)" and paper[:1] + paper[2:] == screen[:1] + screen[2:]
    assert visit_facts(rules, VisitRecord("2026-10-26"), labels) == ["Side effects: none recorded"]
    assert visit_facts(rules, VisitRecord("2026-10-26", botox_given=False, botox_date=None), labels,
                       date_style="brackets") == ["Side effects: none recorded", "Botox given: no"]
