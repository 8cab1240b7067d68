"""The patient handout, read back from the PDF: content, balance, citations, reading level, size, determinism."""

import re

import pytest
import textstat

from decisionaid.checklist.assessment import Status, assess_record
from decisionaid.handout.inputs import handout_input
from decisionaid.handout.patient import build_handout
from decisionaid.handout.wording import load_wording

from handout_data import MADE, PATIENT, checklist, record, settings, summary
from decisionaid.evidence import figures
from pdf_text import font_sizes, reader, squash, text

WORDING = load_wording()


def handout(rec=None, **kw) -> bytes:
    return build_handout(handout_input(settings(emergency_number=kw.pop("emergency", "999")), 12 if rec else None,
                                      rec, made_at=MADE, summary=summary(), checklist=checklist(), **kw))


@pytest.fixture(scope="module")
def generic() -> bytes:
    return handout()


@pytest.fixture(scope="module")
def personal() -> bytes:
    return handout(record())


def reading_text(data: bytes) -> str:
    """What a patient reads: the body, without the reference list and the citation marks."""
    body = text(data).split(WORDING.footer["sources_heading"])[0]
    return re.sub(r"\[\d+(, \d+)*\]", "", body)


def test_generic_handout_gives_natural_frequencies_out_of_100_from_the_pooled_estimate(generic):
    f = summary().outcome("response").frequencies
    body = text(generic)
    botox, placebo = int(f.treatment_per_100 + 0.5), int(f.control_per_100 + 0.5)
    assert (botox, placebo) == (44, 11)  # the pack's pooled risk ratio 4.16 times 8/75 (see test_evidence_summary)
    assert f"about {botox} felt much better after 6 weeks" in body.replace("\n", " ")
    assert f"about {placebo} out of 100 after a dummy shot" in body.replace("\n", " ")
    assert f"about {botox} in 100 felt much better" in body.replace("\n", " ")


def test_harms_are_given_out_of_100_for_both_arms_with_their_time_frame(generic):
    body = squash(text(generic))
    for harm in figures.harm_figures(summary().pack):
        if harm.icons:  # drawn as a pair of icon arrays, the same size as the benefit arrays
            assert squash(f"Dummy shot: {harm.comparison_words}") in body
            assert squash(f"Botox: {harm.botox_words}") in body
        else:
            assert squash(f"{harm.botox_words} with Botox, {harm.comparison_words} with a dummy shot") in body
        assert squash(harm.time_frame) in body
    assert squash("Botox: about 2 in 100") in body and squash("Dummy shot: 0 in 100") in body
    assert squash("Botox: about 42 in 100") in body and squash("Dummy shot: about 36 in 100") in body


def test_handout_says_off_label_uncertainty_keep_treatment_and_crisis(generic):
    body = text(generic).replace("\n", " ")
    assert "off-label" in body
    assert "We are very unsure" in body
    assert "Keep taking your current treatment" in body
    assert "US: call or text 988." in body and "Your local emergency number: 999." in body
    for caveat in ("were small", "could often tell", "were women", "6 weeks after one set", "did not clearly show"):
        assert caveat in body


def test_no_cure_language_and_no_relative_figure_alone(generic):
    body = text(generic).lower()
    assert not re.search(r"\bcur(e|es|ed|ing)\b", body)
    assert "times more" not in body and "risk ratio" not in body and "odds ratio" not in body


def test_pack_version_review_date_and_numbered_sources_with_pmids(generic):
    body = text(generic).replace("\n", " ")
    pack = summary().pack
    assert f"The facts were checked on {pack.last_reviewed.day} {pack.last_reviewed:%B %Y}" in body
    assert f"Evidence pack {pack.version}." in body
    assert "[1] " in body and "PMID 24345483" in body  # Finzi & Rosenthal 2014
    cited = {int(n) for marks in re.findall(r"\[(\d+(?:, \d+)*)\]", body) for n in marks.split(", ")}
    listed = {int(n) for n in re.findall(r"\[(\d+)\] ", body)}
    assert cited == listed and listed == set(range(1, max(listed) + 1))


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_generic_handout_fits_on_two_pages(paper):
    assert len(reader(handout(paper=paper)).pages) <= 2  # Letter is 50 pt shorter than A4


@pytest.mark.parametrize("which", ["generic", "personal"])
def test_reading_level_is_plain(which, request):
    body = reading_text(request.getfixturevalue(which))
    sentences = textstat.sentence_count(body)
    assert sentences > 40
    assert textstat.smog_index(body) <= 8
    assert textstat.flesch_kincaid_grade(body) <= 7
    assert textstat.lexicon_count(body) / sentences < 15


def test_large_print_sets_the_text_at_14_pt_or_more():
    sizes = font_sizes(handout(large_print=True))
    body_size = max(sizes, key=sizes.get)
    assert body_size >= 14
    assert font_sizes(handout()).keys() != sizes.keys()


def test_metadata_names_title_subject_author_and_language(personal):
    r = reader(personal)
    assert r.metadata.title == WORDING.title
    assert "off-label" in r.metadata.subject and summary().pack.version in r.metadata.subject
    assert r.metadata.author == "Dr Łukasz Nowak"
    assert r.trailer["/Root"]["/Lang"] == "en-GB"


def test_same_input_gives_identical_bytes_and_the_date_changes_them():
    assert handout() == handout()
    other = build_handout(handout_input(settings(emergency_number="999"), made_at=MADE.replace(day=22),
                                        summary=summary(), checklist=checklist()))
    assert other != handout()
    assert "22 November 2026" in text(other)


def test_personal_handout_shows_the_visit_answers_decision_and_next_steps(personal):
    body = text(personal)
    flat = squash(body)
    assert squash(PATIENT) in flat
    assert "21 November 2026, 14:30" in body and "5 December 2026" in body and "Dr Łukasz Nowak" in body
    visit = WORDING.visit
    assert squash(visit["status"][Status.NO_CONCERNS.value]) in flat
    assert squash(visit["decision"]["defer"]["text"]) in flat and squash(visit["decision"]["defer"]["next"]) in flat
    assert squash("Seeing my grandchildren <b>smile</b>") in flat
    for s in checklist().sure.items:
        assert squash(checklist().item(s.item).patient_text) in flat


@pytest.mark.parametrize("decision", [None, "proceed", "defer", "decline", "refer"])
def test_every_decision_has_plain_words(decision):
    body = squash(text(handout(record(decision=decision))))
    assert squash(WORDING.visit["decision"][decision or "none"]["text"]) in body


def test_a_patient_at_risk_gets_the_crisis_text_first():
    rec = record(answers={"safety_suicidal_thoughts": "yes"})  # the consultation stopped at the safety check
    assert assess_record(checklist(), rec).crisis
    body = text(handout(rec))
    lines = body.index("US: call or text 988.")
    assert lines < body.index(WORDING.sections[0].heading) and lines < body.index(WORDING.visit["heading"])
    assert lines < body.index("felt much better")  # help first, before any Botox figure
    assert squash(WORDING.visit["crisis_status"]) in squash(body)
    assert WORDING.visit["sure_heading"] not in body  # the SURE test was rightly not asked: no list of blanks


def test_the_configured_crisis_text_is_printed_as_typed():
    custom = "Call the <Riverside> crisis team & ask for Dr O'Neil: 0123 456"
    data = build_handout(handout_input(settings(crisis_text=custom), made_at=MADE, summary=summary(),
                                       checklist=checklist()))
    assert squash(custom) in squash(text(data))
    assert "Your local emergency number" not in text(data)  # none configured: no empty line


def test_wording_numbers_are_all_in_the_facts_sheet():
    """The handout's own wording may quote a number only if the facts sheet has it (figures are placeholders)."""
    from test_checklist_items import SHEET_PATH

    sheet_numbers = set(re.findall(r"\d+(?:\.\d+)?", SHEET_PATH.read_text(encoding="utf-8")))
    raw = WORDING.path.read_text(encoding="utf-8")
    texts = re.findall(r'"(?:text|lead|caption_\w+|next)": "([^"]*)"', raw)
    found = [n for t in texts for n in re.findall(r"\d+(?:\.\d+)?", re.sub(r"\{\w+\}", "", t))]
    assert found and set(found) <= sheet_numbers


def test_a_consultation_not_yet_stored_gets_a_personal_handout_without_a_session_number():
    data = build_handout(handout_input(settings(), None, record(), made_at=MADE, summary=summary(),
                                       checklist=checklist()))
    assert "session" not in reader(data).metadata.subject
    assert squash(PATIENT) in squash(text(data))


CONTACT = "Riverside clinic <Mon-Fri> & nights: 0123 456"


def test_the_crisis_lines_are_a_bulleted_list_for_the_patient_said_once():
    data = build_handout(handout_input(settings(emergency_number="999", clinic_contact=CONTACT), made_at=MADE,
                                       summary=summary(), checklist=checklist()))
    body = text(data)
    flat = squash(body)
    crisis = checklist().crisis
    for line in crisis.default_text.splitlines()[1:]:
        assert "\u2022 " + squash(line) in flat or squash(line) in flat, line
    assert flat.count(squash("ending your life or harming yourself")) == 1  # the lead is not repeated
    assert squash(crisis.clinician_guidance) not in flat and "Clinicians" not in body  # patient wording only
    assert squash(f"call the clinic: {CONTACT}.") in flat  # "Who do I call?" answered
    assert len(reader(data).pages) <= 2  # with an emergency number and a clinic contact set


def test_without_a_clinic_contact_the_patient_is_told_to_ask_for_one(generic):
    block = next(b for s in WORDING.sections for b in s.blocks if b["kind"] == "crisis")
    assert squash(block["clinic_unset"]) in squash(text(generic))


def test_the_handout_says_who_made_it_when_it_is_checked_again_and_what_brackets_mean(generic):
    body = text(generic)
    pack = summary().pack
    due = pack.review_due()
    assert squash(f"checked again by {due.day} {due:%B %Y}") in squash(body)
    assert squash("not yet been tested with patients") in squash(body) and squash("paid for it") in squash(body)
    assert body.index("square brackets") < body.index("[1]")
    assert "Exact figures are in the sources" not in body


def test_the_handout_describes_depression_and_states_the_decision(generic):
    body = squash(text(generic))
    assert squash("Depression is a common illness") in body
    assert squash("whether to try Botox shots for depression, on top of your current care, or not") in body


def test_the_benefit_comes_with_its_range_and_the_pool_behind_it(generic):
    f = summary().outcome("response").frequencies
    body = squash(text(generic))
    low, high = int(f.treatment_low + 0.5), int(f.treatment_high + 0.5)
    assert squash(f"it could be as few as {low} or as many as {high}") in body
    assert squash("3 small studies with 134 people") in body


def test_the_serious_warning_stays_on_one_page(generic):
    warning = next(b for s in WORDING.sections for b in s.blocks if b["kind"] == "warning")["text"]
    pages = [squash(p.extract_text()) for p in reader(generic).pages]
    assert any(squash(warning) in p for p in pages)


def test_no_internal_wording_in_the_handout_wording():
    raw = WORDING.path.read_text(encoding="utf-8").lower()
    for word in ("facts sheet", "fact sheet", "\u00a7", "compiler", "team derivation", "unverified", "not seen",
                 "sources seen", "not confirmed", "secondary page", "holds patents", "no study has tested",
                 "this is how the treatment works", "first measured at 3 weeks"):
        assert word not in raw, word
