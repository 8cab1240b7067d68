"""The bundled checklist loads, says where every fact comes from, matches the facts sheet, reads plainly, and a
malformed checklist gets a one-sentence message naming file, field and problem."""

import copy
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from decisionaid.checklist.items import ChecklistError, default_checklist_path, load_checklist

ROOT = Path(__file__).resolve().parents[1]
SHARED_SHEET = ROOT.parent / "shared" / "reference" / "evidence-facts.md"
SHEET_PATH = ROOT / "docs" / "reference" / "evidence-facts.md"  # a copy kept in the repo, so CI always checks
RAW = json.loads(default_checklist_path().read_text(encoding="utf-8"))
CHECKLIST = load_checklist()
JUDGEMENT = "clinical judgement (not from a published source)"
INTERNAL = ("facts sheet", "fact sheet", "\u00a7", "compiler", "team derivation", "unverified", "not seen",
            "sources seen", "not confirmed", "secondary page")

EXPECTED = {  # id: (section, answer_type, severity, sourced)
    "safety_suicidal_thoughts": ("safety", "yes_no", "stop", True),
    "age_group": ("safety", "choice", "stop", True),
    "safety_psychotic_features": ("safety", "yes_no_unsure", "stop", False),
    "safety_bipolar": ("safety", "yes_no_unsure", "stop", True),
    "ci_hypersensitivity": ("contraindications", "yes_no_unsure", "stop", True),
    "ci_injection_site_infection": ("contraindications", "yes_no_unsure", "stop", True),
    "ci_neuromuscular": ("contraindications", "yes_no_unsure", "stop", True),
    "ci_pregnancy": ("contraindications", "yes_no_unsure", "stop", True),
    "ci_neuromuscular_drugs": ("contraindications", "yes_no_unsure", "caution", True),
    "ci_prior_ptosis": ("contraindications", "yes_no_unsure", "caution", False),
    "ci_bleeding": ("contraindications", "yes_no_unsure", "caution", False),
    "fit_sex": ("fit", "choice", "caution", True),
    "fit_severity": ("fit", "choice", "caution", True),
    "fit_antidepressant": ("fit", "choice", "caution", True),
    "fit_treatment_history": ("fit", "choice", "caution", True),
    "understand_off_label": ("understanding", "discussed", "caution", True),
    "understand_evidence": ("understanding", "discussed", "caution", True),
    "understand_keep_treatment": ("understanding", "discussed", "caution", True),
    "understand_onset_duration": ("understanding", "discussed", "caution", True),
    "understand_repeats": ("understanding", "discussed", "caution", True),
    "understand_cost": ("understanding", "discussed", "caution", True),
    "understand_no_frown": ("understanding", "discussed", "caution", True),
    "understand_side_effects": ("understanding", "discussed", "caution", True),
    "understand_serious_risks": ("understanding", "discussed", "caution", True),
    "values_expressiveness": ("values", "choice", "info", True),
    "values_injections": ("values", "choice", "info", True),
    "values_uncertainty": ("values", "choice", "info", True),
    "values_cost": ("values", "choice", "info", True),
    "values_other": ("values", "text", "info", True),
    "sure_sure": ("decisional_conflict", "yes_no", "info", True),
    "sure_understand": ("decisional_conflict", "yes_no", "info", True),
    "sure_risk_benefit": ("decisional_conflict", "yes_no", "info", True),
    "sure_encouragement": ("decisional_conflict", "yes_no", "info", True),
}


@pytest.fixture(scope="module")
def sheet() -> str:
    return SHEET_PATH.read_text(encoding="utf-8")


def sheet_row(sheet: str, first_cell: str) -> list[str]:
    row = next(line for line in sheet.splitlines() if line.startswith(f"| {first_cell}"))
    return [cell.strip() for cell in row.strip("|").split(" | ")]


# --- the bundled checklist -------------------------------------------------------------------

def test_bundled_checklist_loads_with_its_own_version_and_review_date():
    assert CHECKLIST.version == RAW["version"]
    assert CHECKLIST.last_reviewed == dt.date(2026, 12, 1)
    assert [s.id for s in CHECKLIST.sections] == ["safety", "contraindications", "fit", "understanding", "values",
                                                  "decisional_conflict"]


def test_items_ids_sections_types_and_severities_are_as_designed():
    got = {i.id: (i.section, i.answer_type, i.severity, i.sourced) for i in CHECKLIST.items}
    assert got == EXPECTED


def test_every_item_has_a_source_a_why_and_a_patient_text():
    for item in CHECKLIST.items:
        assert item.source.strip() and item.why.strip() and item.patient_text.strip(), item.id
        if item.sourced and item.severity != "info":
            # a real citation a clinician can look up: a PMID, DOI, registry number, label set id or a web address
            assert re.search(r"PMID \d+|DOI 10\.|NCT\d+|setid|\w\.(com|ca|org)", item.source), item.id


def test_unsourced_items_say_they_are_clinical_judgement():
    for item in CHECKLIST.items:
        if not item.sourced:
            assert JUDGEMENT in item.why.lower(), item.id
            assert JUDGEMENT in item.source.lower() or re.search(r"PMID \d+|NCT\d+", item.source), item.id


def test_no_internal_wording_reaches_the_clinician_or_the_patient():
    """Every text of the checklist is shown somewhere (screen, tooltip, record or handout)."""
    for where, text in clinical_texts():
        for word in INTERNAL:
            assert word not in text.lower(), (where, word)


def test_flagged_items_have_a_reason_and_judgement_is_labelled_as_such():
    for item in CHECKLIST.items:
        if item.flag_when:
            assert item.reason, item.id
        if not item.sourced and item.flag_when:
            assert JUDGEMENT in item.reason, item.id


def test_only_suicidal_thoughts_opens_the_crisis_pathway_from_an_item():
    assert [i.id for i in CHECKLIST.items if i.crisis] == ["safety_suicidal_thoughts"]
    assert CHECKLIST.item("safety_suicidal_thoughts").flag_when == ("yes",)


def test_understanding_values_fit_and_sure_items_are_required_except_free_text():
    for item in CHECKLIST.items:
        assert item.required == (item.answer_type != "text"), item.id
    for item in CHECKLIST.sections[3].items:
        assert item.answer_type == "discussed" and item.flag_when == ("not yet",)
    for item in CHECKLIST.sections[4].items:
        assert item.severity == "info" and item.flag_when == ()


def test_choice_items_have_choices_and_others_do_not():
    for item in CHECKLIST.items:
        assert bool(item.choices) == (item.answer_type == "choice"), item.id
        allowed = item.allowed_answers()
        assert allowed is None or set(item.flag_when) <= set(allowed), item.id


def test_values_wording_stays_neutral():
    pushy = re.compile(r"\b(cure|cures|miracle|proven|guarantee|should have|recommend)\b", re.I)
    for item in CHECKLIST.sections[4].items:
        assert not pushy.search(item.patient_text + " " + " ".join(item.choices)), item.id
    for item in CHECKLIST.items:
        assert not re.search(r"\bcure", item.patient_text, re.I), item.id


def test_fit_severity_choices_are_the_phq9_bands():
    assert CHECKLIST.phq9.severity_item == "fit_severity"
    assert CHECKLIST.item("fit_severity").choices == tuple(b.label for b in CHECKLIST.phq9.bands)


# --- agreement with the facts sheet ----------------------------------------------------------

NUMBER = re.compile(r"\d+(?:\.\d+)?")


def clinical_texts():
    """Every piece of text a clinician or patient reads, with where it is (not versions or dates)."""
    for item in CHECKLIST.items:
        for name in ("question", "patient_text", "why", "reason", "source", "caution_reason"):
            yield f"{item.id}.{name}", getattr(item, name) or ""
        for choice in item.choices:
            yield f"{item.id}.choices", choice
    for section in CHECKLIST.sections:
        yield f"{section.id}.intro", section.intro
    p = CHECKLIST.phq9
    for name in ("period", "item_wording_note", "safety_reason", "source", "stem", "severity_mismatch_reason"):
        yield f"phq9.{name}", getattr(p, name)
    yield "phq9.item_labels", " ".join(p.item_labels)
    s = CHECKLIST.sure
    for name in ("caution_reason", "citation", "wording_note", "terms_of_use", "source"):
        yield f"sure.{name}", getattr(s, name)
    c = CHECKLIST.crisis
    for name in ("default_text", "default_text_status", "not_covered", "clinician_guidance",
                 "clinician_guidance_source", "clinician_handout_line", "record_note"):
        yield f"crisis.{name}", getattr(c, name)
    yield "crisis.default_text_sources", " ".join(c.default_text_sources)


def stray_numbers(texts, sheet: str) -> list[tuple[str, str]]:
    in_sheet = set(NUMBER.findall(sheet))
    return [(where, n) for where, text in texts for n in NUMBER.findall(text) if n not in in_sheet]


def test_every_number_quoted_in_the_checklist_is_in_the_facts_sheet(sheet):
    texts = list(clinical_texts())
    assert sum(len(NUMBER.findall(t)) for _, t in texts) > 200  # the check has something to check
    assert stray_numbers(texts, sheet) == []


def test_the_number_check_catches_a_rounded_or_invented_figure(sheet):
    planted = [("x.why", "Eyelid drooping 2.9 in 100; headache 11 in 100; ptosis 2.4%.")]
    assert stray_numbers(planted, sheet) == [("x.why", "2.9")]
    assert stray_numbers([("x.why", "about 3.14159 people")], sheet) == [("x.why", "3.14159")]


def test_why_and_patient_text_numbers_checked_field_by_field(sheet):
    """The same check as above, spelt out for the two fields the brief names, so a failure points at one item."""
    in_sheet = set(NUMBER.findall(sheet))
    for item in CHECKLIST.items:
        for text in (item.why, item.patient_text):
            for n in NUMBER.findall(text):
                assert n in in_sheet, (item.id, n)


def test_side_effect_figures_are_quoted_exactly_not_rounded(sheet):
    item = CHECKLIST.item("understand_side_effects")
    for figure in ("2.4 in 100", "0 in 100", "11.3 in 100", "11.4 in 100"):
        assert figure in item.patient_text
    for figure in ("16 (2.4%) vs 0", "75 (11.3%) vs 27 (11.4%)", "665", "236", "29 U", "39-40 U", "30 U or 50 U"):
        assert figure in item.why
    assert "eyelid ptosis 16 (2.4%) vs 0" in sheet and "headache 75 (11.3%) vs 27 (11.4%)" in sheet


def test_mostly_women_counts_match_section_8(sheet):
    counts = sheet_row(sheet, "Mostly women")[1]
    assert "23/7, 69/5, 28/2, 14/14" in counts and "Brin women only" in counts
    why = CHECKLIST.item("fit_sex").why
    for pair in ("23/7", "69/5", "28/2", "14/14"):
        assert pair in why
    assert "Brin 2020 took women only" in why


def test_sure_items_are_verbatim_from_section_12_with_citation_and_unverified_flag(sheet):
    wording = re.findall(r'"([^"]+)"', sheet_row(sheet, "Item wording")[1])
    items = [CHECKLIST.item(s.item) for s in CHECKLIST.sure.items]
    assert [i.question for i in items] == wording
    assert [i.patient_text for i in items] == wording
    assert [s.letter for s in CHECKLIST.sure.items] == ["S", "U", "R", "E"]
    assert CHECKLIST.sure.pass_score == 4
    assert CHECKLIST.sure.wording_verified is False and "not yet been compared" in CHECKLIST.sure.wording_note
    intro = next(s for s in CHECKLIST.sections if s.id == "decisional_conflict").intro
    assert "Légaré 2010" in intro and "not yet been compared" in intro  # said on screen, in user words
    assert CHECKLIST.sure.pmid == "20705870"
    assert "Légaré" in CHECKLIST.sure.citation and "Can Fam Physician 2010" in CHECKLIST.sure.citation


def test_crisis_default_is_the_sheets_revised_patient_text_one_line_per_bullet(sheet):
    revised = sheet_row(sheet, "Suggested default text for patients, revised")[1]
    revised = revised.split(" (Patient wording only")[0]
    text = CHECKLIST.crisis.default_text
    lines = text.split("\n")
    assert 4 <= len(lines) <= 7 and all(line.strip() for line in lines)  # a short bulleted list, a line a country
    assert text.count("get help now") == 1 and text.count("ending your life") == 1  # said once
    for number in ("988", "9-8-8", "116 123", "13 11 14", "911", "999", "112", "000"):
        assert number in text and number in revised, number
    assert "Canada: call or text 9-8-8. If your life is in danger, call 911." in lines  # Canada's 911 is in
    assert "clinician" not in text.lower()  # patient wording only
    assert "re-check every number" in CHECKLIST.crisis.default_text_status.lower()
    guidance = CHECKLIST.crisis.clinician_guidance
    assert "risk assessment" in guidance and "local pathway" in guidance and "item 9" in guidance
    assert "Ontario" in CHECKLIST.crisis.clinician_guidance_source
    assert "handout" in CHECKLIST.crisis.clinician_handout_line


def test_crisis_text_for_patients_reads_plainly():
    import textstat

    text = CHECKLIST.crisis.default_text.replace("\n", " ")
    assert textstat.smog_index(text) <= 8
    assert textstat.flesch_kincaid_grade(text) <= 7


def test_phq9_items_are_the_standard_wording_with_the_permission_statement(sheet):
    row = sheet_row(sheet, "PHQ-9 item wording")[1]
    p = CHECKLIST.phq9
    assert f"Stem: '{p.stem}'" in row
    for n, text in enumerate(p.item_labels, start=1):
        assert f"{n}. {text}." in row or f"{n}. {text} " in row, n
    assert not any(label.startswith("Item ") for label in p.item_labels)
    terms = sheet_row(sheet, "PHQ-9 permission to reproduce (quoted)")[1]
    assert p.item_wording_note.split(": ", 1)[1] in terms  # quoted exactly
    assert "No permission required to reproduce" in p.item_wording_note


def test_item_9_as_a_stop_is_labelled_clinical_judgement():
    assert "immediate follow-up" in CHECKLIST.phq9.safety_reason
    assert JUDGEMENT in CHECKLIST.phq9.safety_reason


def test_age_is_asked_once():
    ages = [i for i in CHECKLIST.items if "age" in i.question.lower().split() or "18" in i.question]
    assert [i.id for i in ages] == ["age_group"]
    age = CHECKLIST.item("age_group")
    assert age.flag_when == ("under 18",) and age.caution_when == ("over 65",)


def test_phq9_bands_match_section_10(sheet):
    row = sheet_row(sheet, "PHQ-9 bands")[1]
    ranges = [tuple(map(int, m)) for m in re.findall(r"(\d+)\u2013(\d+)", row)]
    assert [(b.min, b.max) for b in CHECKLIST.phq9.bands] == ranges


# --- plain language ----------------------------------------------------------------------------

def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s]


def test_patient_text_uses_short_sentences():
    lengths = [len(s.split()) for item in CHECKLIST.items for s in sentences(item.patient_text)]
    assert sum(lengths) / len(lengths) < 15
    assert max(lengths) <= 20


def test_patient_text_reading_level_is_about_age_12():
    import textstat

    everything = " ".join(item.patient_text for item in CHECKLIST.items)
    assert textstat.flesch_kincaid_grade(everything) <= 7
    for item in CHECKLIST.items:
        assert textstat.flesch_kincaid_grade(item.patient_text) <= 8, item.id


# --- malformed checklists ----------------------------------------------------------------------

def write(tmp_path, data, name="checklist.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def broken(tmp_path, change):
    data = copy.deepcopy(RAW)
    change(data)
    return write(tmp_path, data)


def first_item(data, item_id):
    return next(i for s in data["sections"] for i in s["items"] if i["id"] == item_id)


@pytest.mark.parametrize("change, field, words", [
    (lambda d: d.pop("version"), "(top level)", "version"),
    (lambda d: d.__setitem__("version", "one"), "version", "one"),
    (lambda d: d["sections"][0]["items"][0].__setitem__("severity", "fatal"), "sections[0].items[0].severity",
     "fatal"),
    (lambda d: d["sections"][1]["items"][2].pop("source"), "sections[1].items[2]", "source"),
    (lambda d: d["sections"][0]["items"][1].__setitem__("required", "yes"), "sections[0].items[1].required", "yes"),
    (lambda d: d["sections"][2]["items"][0].pop("choices"), "sections[2].items[0].choices",
     "a choice item needs 'choices'"),
    (lambda d: d["sections"][0]["items"][0].__setitem__("choices", ["a", "b"]), "sections[0].items[0].choices",
     "only a choice item can have 'choices' (this one is yes_no)"),
    (lambda d: d["sections"][0]["items"][0].__setitem__("extra", 1), "sections[0].items[0]", "extra"),
    (lambda d: d["sections"][0]["items"][0].__setitem__("flag_when", ["perhaps"]),
     "sections[0].items[0].flag_when[0]", "perhaps"),
    (lambda d: d["sections"][1]["items"][0].__setitem__("flag_when", []), "sections[1].items[0].flag_when",
     "stop item needs"),
    (lambda d: d["sections"][1]["items"][0].pop("reason"), "sections[1].items[0]", "reason"),
    (lambda d: d["sections"][1]["items"][1].__setitem__("id", "ci_hypersensitivity"), "sections[1].items[1].id",
     "duplicate item id 'ci_hypersensitivity'"),
    (lambda d: d["sections"][1].__setitem__("id", "safety"), "sections[1].id", "duplicate section id"),
    (lambda d: d["sections"][1]["items"][0].__setitem__("sourced", False), "sections[1].items[0].why",
     "clinical judgement"),
    (lambda d: d["sections"][1]["items"][4].__setitem__("crisis", True), "sections[1].items[4].crisis",
     "only a stop item"),
    (lambda d: d["sections"][4]["items"][4].__setitem__("flag_when", ["x"]), "sections[4].items[4].flag_when[0]",
     "free-text"),
    (lambda d: d["phq9"]["bands"][1].__setitem__("min", 6), "phq9.bands[1]", "without gaps"),
    (lambda d: d["phq9"]["bands"].pop(), "phq9.bands", "end at 19"),
    (lambda d: d["phq9"].__setitem__("total_max", 30), "phq9.total_max", "does not match 9 items"),
    (lambda d: d["phq9"].__setitem__("safety_item", 10), "phq9.safety_item", "item 10 does not exist"),
    (lambda d: d["phq9"].__setitem__("severity_item", "nosuchitem"), "phq9.severity_item", "nosuchitem"),
    (lambda d: d["phq9"]["bands"][0].__setitem__("label", "none"), "sections[2].items[1].choices",
     "PHQ-9 band labels"),
    (lambda d: d["phq9"]["response_labels"].pop(), "phq9.response_labels", "3 labels"),
    (lambda d: d["sure"]["items"][0].__setitem__("item", "ci_bleeding"), "sections[1].items[6].answer_type",
     "yes or no"),
    (lambda d: d["sure"]["items"][0].__setitem__("item", "gone"), "sure.items[0].item", "gone"),
    (lambda d: d["sure"].__setitem__("pass_score", 5), "sure.pass_score", "5"),
    (lambda d: d["sure"].__setitem__("pmid", "PMID 20705870"), "sure.pmid", "PMID 20705870"),
    (lambda d: d["crisis"].__setitem__("default_text", "   "), "crisis.default_text", "   "),
    (lambda d: d["crisis"].pop("clinician_guidance"), "crisis", "clinician_guidance"),
    (lambda d: d.__setitem__("last_reviewed", "2026-02-30"), "last_reviewed", "2026-02-30"),
])
def test_malformed_checklist_names_file_field_and_problem(tmp_path, change, field, words):
    with pytest.raises(ChecklistError) as info:
        load_checklist(broken(tmp_path, change))
    message = str(info.value)
    assert message.startswith("Checklist checklist.json")
    assert field in message and words in message, message
    assert info.value.field.startswith(field.split("[")[0].split(".")[0]) or field == "(top level)"
    assert "\n" not in message and "Traceback" not in message


@pytest.mark.parametrize("content, words", [
    (b"{ not json", "not valid JSON"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b"", "not valid JSON"),
    (b"[]", "must be object"),
])
def test_unreadable_checklist_gets_a_plain_message(tmp_path, content, words):
    path = tmp_path / "checklist.json"
    path.write_bytes(content)
    with pytest.raises(ChecklistError, match=words):
        load_checklist(path)


def test_missing_checklist_file_is_named(tmp_path):
    with pytest.raises(ChecklistError, match="gone.json.*cannot be read"):
        load_checklist(tmp_path / "gone.json")


def test_missing_resources_folder_gives_a_message_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("DECISIONAID_RESOURCES", str(tmp_path / "nowhere"))
    with pytest.raises(ChecklistError, match="resource folder was not found"):
        load_checklist()


def test_the_repo_copy_of_the_facts_sheet_is_current():
    """The team's sheet is the master; the repo copy must match it wherever the master can be seen."""
    if not SHARED_SHEET.is_file():
        pytest.skip(f"the team's facts sheet is not beside this checkout ({SHARED_SHEET})")
    assert SHEET_PATH.read_bytes() == SHARED_SHEET.read_bytes(), \
        "docs/reference/evidence-facts.md is out of date: copy ../shared/reference/evidence-facts.md over it"
