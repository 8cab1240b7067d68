"""The Patient view as a clinician and a patient use it across the desk: three steps, no scrolling at 1280x720,
nothing that identifies anyone, the patient's answers in the same session (Consultation screen, store, record),
help first on the crisis pathway, and every figure the Evidence screen's.

Expected figures come from the figure model and the Evidence screen's own widgets, never from copied strings.
"""

from __future__ import annotations

import json
import re

import pytest
import textstat
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QRadioButton, QWidget

from decisionaid.evidence import figures
from decisionaid.patient_view.wording import PatientViewWordingError, default_wording, load_wording, strings
from decisionaid.sessions.session_record import PATIENT_VIEW
from decisionaid.ui.consultation_view import AUTOSAVE_MS
from decisionaid.ui.patient_view import MIN_PX, STEPS, TOPICS
from window import open_window  # noqa: E402  tests/window.py

JARGON = re.compile(r"\b(CI|OR|RR|I²|I2|NNT|GRADE|meta-analysis|confidence interval|risk ratio|odds ratio)\b")
IDENTIFIER = "PT-44719-zq"
NOTES = "Private clinician note: partner worried qwxv"


@pytest.fixture
def opened(qtbot, data_dir):
    w = open_window(qtbot)
    w.show_screen("Consultation")
    consultation = w.screen("Consultation")
    view = w.show_patient_view("team")
    view.showNormal()
    view.resize(1280, 720)
    qtbot.waitExposed(view)
    return w, consultation, view


def every_page(view):
    """Walk every step, topic and part; yield a name for each page shown."""
    view.show_step("team")
    yield "team"
    view.show_step("options")
    for topic in TOPICS:
        view.show_topic(topic)
        yield f"options/{topic}"
    view.show_step("decision")
    for part in ("values", "sure"):
        view.show_part(part)
        yield f"decision/{part}"


# --- the wording: checked data with its own version, review date and reading level -------------------------------

def test_wording_has_a_version_and_review_date_and_reads_plainly():
    w = default_wording()
    assert re.fullmatch(r"\d+\.\d+\.\d+", w.version) and w.last_reviewed.year >= 2026
    body = " ".join(t if t.rstrip().endswith((".", "?", "!", ":")) else t + "." for _, t in strings(w.data))
    assert textstat.smog_index(body) <= 8
    assert textstat.flesch_kincaid_grade(body) <= 7
    assert textstat.lexicon_count(body) / textstat.sentence_count(body) < 15


def test_a_number_in_the_wording_is_refused_in_one_sentence(tmp_path):
    data = json.loads(default_wording().path.read_text(encoding="utf-8"))
    data["team"]["decision"] = "About 44 in 100 people feel better."
    path = tmp_path / "patient_view.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PatientViewWordingError) as err:
        load_wording(path)
    assert str(err.value) == ("Patient view wording patient_view.json, field team.decision: holds a number: figures "
                              "come from the evidence, never the wording")


def test_a_missing_field_is_named(tmp_path):
    data = json.loads(default_wording().path.read_text(encoding="utf-8"))
    del data["crisis"]["lead"]
    path = tmp_path / "patient_view.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PatientViewWordingError, match=r"field crisis: missing required field lead"):
        load_wording(path)


def test_no_identifier_notes_phq9_items_reasons_or_jargon_on_any_page(qtbot, opened):
    w, consultation, view = opened
    consultation.patient.setText(IDENTIFIER)
    consultation.clinician.setText("Dr Imaginary Clinician")
    consultation.notes.setPlainText(NOTES)
    consultation.phq9.set_scores((2, 2, 1, 1, 0, 1, 1, 0, 0), None)
    flagged = next(i for s in consultation.checklist.sections for i in s.items
                   if i.flag_when and not getattr(i, "crisis", False) and i.answer_type != "text")
    consultation.form.answer_widget(flagged.id).buttons[flagged.flag_when[0]].click()
    reasons = [r.text for r in consultation.assessment().reasons]
    assert reasons  # the checklist has something to say, and none of it reaches the patient
    phq9_items = consultation.checklist.phq9.item_labels
    walked = []
    for page in every_page(view):
        qtbot.wait(1)
        texts = view.visible_texts()
        assert texts, page
        joined = "\n".join(texts)
        walked.append(page)
        for secret in (IDENTIFIER, "Imaginary", "qwxv", "PHQ", *phq9_items, *reasons):
            assert secret not in joined, f"{page} shows {secret!r}"
        assert not JARGON.search(joined), f"{page}: {JARGON.search(joined).group(0)!r}"
    assert len(walked) == 1 + len(TOPICS) + 2


def test_benefit_and_harm_numbers_each_say_how_sure_they_are(qtbot, opened):
    w, _c, view = opened
    view.show_step("options")
    a = w.summary.outcome("response")
    harms = [h for h, _d, _b in figures.harm_arrays(w.summary.pack)]
    for topic, name, expected in (("help", "helpNumbers", figures.patient_sure(a.certainty.level)),
                                  ("harms", "harmsNumbers", figures.harms_sure(harms, patient=True))):
        view.show_topic(topic)
        qtbot.wait(1)
        numbers = view.findChild(QLabel, name)
        assert numbers is not None and numbers.isVisible(), topic
        assert numbers.text().endswith(expected), topic  # in the same sentence run as the numbers, not elsewhere
    assert expected == "The studies did not rate how sure we can be of these numbers."
    assert figures.patient_sure(a.certainty.level) == "We are very unsure of these numbers."


def test_every_page_fits_1280_by_720_without_scrolling(qtbot, opened):
    _w, _c, view = opened
    assert (view.width(), view.height()) == (1280, 720)
    for page in every_page(view):
        qtbot.wait(1)
        scroll = view.pages[view.current_step()]
        assert scroll.verticalScrollBar().maximum() == 0, f"{page} needs scrolling"
        assert scroll.horizontalScrollBar().maximum() == 0, f"{page} needs scrolling sideways"


def test_text_is_at_least_16_px_and_ctrl_plus_and_minus_scale_it(qtbot, opened):
    _w, _c, view = opened

    def sizes():
        return [QFontInfo(x.font()).pixelSize() for x in view.findChildren(QWidget)
                if isinstance(x, (QLabel, QPushButton, QRadioButton, QLineEdit))]

    assert min(sizes()) >= MIN_PX
    before = max(sizes())
    qtbot.keyClick(view, Qt.Key_Plus, Qt.ControlModifier)
    assert max(sizes()) > before
    for _ in range(20):
        qtbot.keyClick(view, Qt.Key_Minus, Qt.ControlModifier)
    assert min(sizes()) >= MIN_PX


def test_next_and_back_walk_the_three_steps_and_esc_returns_to_the_clinician(qtbot, opened):
    w, _c, view = opened
    seen = [view.current_step()]
    while view.next_button.isEnabled():
        qtbot.mouseClick(view.next_button, Qt.LeftButton)
        seen.append(view.current_step())
    assert seen[0] == "team" and list(dict.fromkeys(seen)) == list(STEPS)
    assert view.current_part() == "sure"
    qtbot.mouseClick(view.back_button, Qt.LeftButton)
    assert (view.current_step(), view.current_part()) == ("decision", "values")
    view.activateWindow()
    qtbot.keyClick(view, Qt.Key_Escape)
    assert not view.isVisible() and w.isVisible()


def test_every_figure_equals_the_evidence_screens(opened):
    w, _c, view = opened
    ev = w.screen("Evidence")
    shown = {a.caption(): a.count() for a in view.arrays}
    summary = w.summary
    placebo, botox = figures.benefit_arrays(summary.outcome("response"))
    assert shown[botox.caption] == botox.count == ev.botox_icons.count()
    assert shown[placebo.caption] == placebo.count == ev.placebo_icons.count()
    harms = figures.harm_arrays(summary.pack)
    evidence_harms = sorted(a.count() for a in ev.harm_icons)
    ours = sorted(shown[f.caption] for _h, d, b in harms for f in (d, b))
    assert ours == sorted(f.count for _h, d, b in harms for f in (d, b)) == evidence_harms
    assert len(view.arrays) == 2 + 2 * len(harms)


def test_the_patient_views_arrays_fill_from_the_bottom_row_the_clinicians_from_the_top(opened):
    """Across a desk the filled people rise from the bottom like a level; the Evidence screen keeps reading order."""
    w, _c, view = opened
    for a in view.arrays:
        first, last = a.icon_rect(0), a.icon_rect(99)
        assert first.y() > last.y() and first.x() < last.x()  # person 1 bottom left, person 100 top right
    ev = w.screen("Evidence").botox_icons
    assert ev.icon_rect(0).y() < ev.icon_rect(99).y()
    assert figures.cell_of(0, from_bottom=True) == (figures.GRID - 1, 0) and figures.cell_of(0) == (0, 0)


# --- one session, one record -------------------------------------------------------------------------------------

def test_patient_answers_show_in_the_consultation_and_are_autosaved_marked_as_the_patients(qtbot, opened):
    w, consultation, view = opened
    consultation.patient.setText(IDENTIFIER)
    view.show_step("decision")
    qtbot.mouseClick(view.findChild(QRadioButton, "patient:values_cost:a lot"), Qt.LeftButton)
    view.show_part("sure")
    qtbot.mouseClick(view.findChild(QRadioButton, "patient:sure_sure:no"), Qt.LeftButton)
    # at once on the Consultation screen, through its own form
    assert consultation.form.answer_widget("values_cost").buttons["a lot"].isChecked()
    assert consultation.form.answer_widget("sure_sure").buttons["no"].isChecked()
    # autosaved like any click
    qtbot.waitUntil(lambda: consultation.session_id is not None and not consultation.dirty,
                    timeout=AUTOSAVE_MS + 3000)
    stored = w.store().get(consultation.session_id)
    record = stored.draft or stored.record
    assert record.answers["values_cost"] == "a lot" and record.answers["sure_sure"] == "no"
    assert record.answer_sources == {"values_cost": PATIENT_VIEW, "sure_sure": PATIENT_VIEW}
    # the clinician changes one: it is no longer the patient's answer
    consultation.form.answer_widget("values_cost").buttons["somewhat"].click()
    assert consultation.record().answer_sources == {"sure_sure": PATIENT_VIEW}
    # and the Patient view follows the form
    view.show_part("values")
    assert view.findChild(QRadioButton, "patient:values_cost:somewhat").isChecked()


def test_a_reopened_session_keeps_the_marker_and_old_records_read_without_one(qtbot, opened):
    from decisionaid.sessions.session_record import SessionRecord

    w, consultation, view = opened
    consultation.patient.setText(IDENTIFIER)
    view.show_step("decision")
    qtbot.mouseClick(view.findChild(QRadioButton, "patient:values_injections:fine with it"), Qt.LeftButton)
    assert consultation.save()
    sid = consultation.session_id
    consultation.new_session()
    assert consultation.record().answer_sources == {}
    consultation.open_session(sid)
    qtbot.waitUntil(lambda: not consultation.opening(), timeout=5000)  # read on the owner thread, shown by signal
    assert consultation.record().answer_sources == {"values_injections": PATIENT_VIEW}
    assert view.findChild(QRadioButton, "patient:values_injections:fine with it").isChecked()
    old = json.loads(consultation.record().to_json())
    del old["answer_sources"]
    assert SessionRecord.from_json(json.dumps(old)).answer_sources == {}


# --- safety -------------------------------------------------------------------------------------------------------

def test_crisis_shows_help_first_and_blocks_option_talk_until_the_clinician_continues(qtbot, opened):
    w, consultation, view = opened
    from decisionaid.settings import Settings

    w._settings = Settings(emergency_number="0800 555 0199", clinic_contact="Riverside clinic, 0123 456")
    view.show_step("options")
    crisis_item = next(i for s in consultation.checklist.sections for i in s.items if getattr(i, "crisis", False))
    consultation.form.answer_widget(crisis_item.id).buttons[crisis_item.flag_when[0]].click()
    assert consultation.assessment().crisis
    assert view.current_step() == "crisis"
    texts = "\n".join(view.visible_texts())
    first_line = consultation.checklist.crisis.default_text.splitlines()[0]
    assert first_line in texts and "0800 555 0199" in texts and "Riverside clinic, 0123 456" in texts
    assert not any(a.isVisibleTo(view) for a in view.arrays)
    assert not view.step_buttons["options"].isEnabled() and not view.next_button.isEnabled()
    view.show_step("options")  # asking again does not get past it
    assert view.current_step() == "crisis"
    w.continue_action.trigger()  # the clinician chooses to continue
    assert view.current_step() == "options" and view.step_buttons["options"].isEnabled()


def test_the_screenshot_command_knows_the_three_steps():
    from decisionaid.cli import build_parser

    for step in STEPS:
        args = build_parser().parse_args(["screenshot", "x.png", "--screen", f"patient-{step}"])
        assert args.screen == f"patient-{step}"


def test_the_revision_history_names_the_answer_not_who_gave_it():
    from decisionaid.sessions.session_record import SessionRecord, changed_fields

    old = SessionRecord("PT-1", "Dr A", "2026-12-01T10:00")
    new = SessionRecord("PT-1", "Dr A", "2026-12-01T10:00", answers={"values_cost": "a lot"},
                        answer_sources={"values_cost": PATIENT_VIEW})
    assert changed_fields(old, new) == ("answers.values_cost",)


def test_each_option_topic_shows_the_options_screens_own_answers(opened):
    """The same content as the Options screen: each written topic shows that screen's rows, word for word."""
    from decisionaid.ui.options_view import option_rows

    w, _c, view = opened
    rows = {q: (b, c) for q, b, c, _src in option_rows(w.summary)}
    view.show_step("options")
    for topic in ("serious", "sure", "involves", "repeats", "cost"):
        view.show_topic(topic)
        texts = view.visible_texts()
        shown = [q for q in rows if q in texts]
        assert shown, topic
        for q in shown:
            assert rows[q][0] in texts and rows[q][1] in texts, (topic, q)


def test_the_sure_test_is_asked_at_the_start_and_again_at_the_end_and_both_reach_the_record(qtbot, opened):
    """Team talk asks the SURE test before the options; decision talk asks it again. The start answers are kept beside
    the checklist's (the end), autosaved, reopened, and printed in the clinician record."""
    import datetime as dt

    from decisionaid.handout.inputs import record_input
    from decisionaid.handout.clinician_record import build_record
    from pdf_text import text

    w, consultation, view = opened
    consultation.patient.setText(IDENTIFIER)
    view.show_step("team")
    for item, answer in (("sure_sure", "no"), ("sure_understand", "yes"), ("sure_risk_benefit", "no"),
                         ("sure_encouragement", "yes")):
        qtbot.mouseClick(view.findChild(QRadioButton, f"patient:start:{item}:{answer}"), Qt.LeftButton)
    assert consultation.sure_start() == {"sure_sure": "no", "sure_understand": "yes", "sure_risk_benefit": "no",
                                         "sure_encouragement": "yes"}
    assert not consultation.form.answer_widget("sure_sure").buttons["no"].isChecked()  # the end is not yet asked
    view.show_step("decision")
    view.show_part("sure")
    for item in ("sure_sure", "sure_understand", "sure_risk_benefit", "sure_encouragement"):
        qtbot.mouseClick(view.findChild(QRadioButton, f"patient:{item}:yes"), Qt.LeftButton)
    qtbot.waitUntil(lambda: consultation.session_id is not None and not consultation.dirty,
                    timeout=AUTOSAVE_MS + 3000)
    stored = w.store().get(consultation.session_id)
    record = stored.draft or stored.record
    assert record.sure_start["sure_sure"] == "no" and record.answers["sure_sure"] == "yes"
    consultation.show_record(record)  # reopened: the start answers come back into the view
    view.show_step("team")
    assert view.findChild(QRadioButton, "patient:start:sure_risk_benefit:no").isChecked()
    pdf = build_record(record_input(w.settings(), consultation.session_id, record, (), summary=w.summary,
                                    checklist=view.checklist, made_at=dt.datetime(2026, 12, 1, 10, 0)))
    body = " ".join(text(pdf).split())
    assert "SURE test at the start of the talk (answered by the patient in the patient view): 2 of 4 'yes'." in body
    assert "SURE test at the end: 4 of 4 'yes'." in body
