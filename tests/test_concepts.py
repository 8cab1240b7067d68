"""Each concept once, in the checklist file: the decisions, the answers' labels (the same words on screen and on
paper) and the PHQ-9 and SURE scales. Edit the file and every screen, document and check follows; no copy in code."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QRadioButton

from decisionaid import resources
from decisionaid.checklist.items import load_checklist
from decisionaid.handout.inputs import handout_input, record_input
from decisionaid.handout.patient import build_handout
from decisionaid.handout.clinician_record import build_record
from decisionaid.handout.wording import default_wording
from decisionaid.sessions.session_record import RecordError, SessionRecord
from decisionaid.sessions.store import SessionStore

from handout_data import MADE, settings, summary
from pdf_text import squash, text
from window import open_window

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


def edited_checklist(tmp_path: Path, edit) -> Path:
    """A copy of the bundled resources whose checklist file `edit` has changed; returns the checklist's path."""
    copy = tmp_path / "resources"
    shutil.copytree(ROOT / "resources", copy)
    path = copy / "checklist" / "checklist.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def eight_items_and_a_new_decision(data: dict) -> None:
    """Another scale and another list of decisions than the bundled ones: PHQ-8 (item 9 dropped, 0-24), "refer"
    gone, "watch" added, and "Yes" worded differently."""
    p = data["phq9"]
    p["item_labels"] = p["item_labels"][:8]
    p["total_max"] = 24
    p["bands"][-1]["max"] = 24
    p["safety_item"] = 2
    d = data["decisions"]
    d["options"] = [o for o in d["options"] if o["code"] != "refer"] + [{"code": "watch", "label": "Watch and wait"}]
    d["undecided"] = "No choice yet"
    for kind in ("yes_no", "yes_no_unsure"):
        data["answer_types"][kind][0]["label"] = "Yes, it applies"


def test_the_domain_reports_what_the_checklist_file_says(tmp_path):
    bundled = load_checklist()
    assert bundled.decision_codes == ("proceed", "defer", "decline", "refer")
    assert bundled.phq9.n_items == 9 and bundled.decision_label("decline") == "Decline"
    changed = load_checklist(edited_checklist(tmp_path, eight_items_and_a_new_decision))
    assert changed.decision_codes == ("proceed", "defer", "decline", "watch")
    assert changed.decision_label("watch") == "Watch and wait" and changed.decision_label(None) == "No choice yet"
    assert changed.phq9.n_items == 8 and changed.phq9.total_max == 24
    assert changed.answer_label("ci_pregnancy", "yes") == "Yes, it applies"
    assert changed.answer_label("ci_pregnancy", "unsure") == bundled.answer_label("ci_pregnancy", "unsure")


def test_records_are_checked_against_the_checklist_not_a_copy_in_code(tmp_path):
    changed = load_checklist(edited_checklist(tmp_path, eight_items_and_a_new_decision))
    base = SessionRecord("MRN-1", "Dr A", "2026-12-01T09:00")
    watch = SessionRecord("MRN-1", "Dr A", "2026-12-01T09:00", decision="watch", phq9_items=(1,) * 8, phq9_total=8)
    watch.validate(checklist=changed)
    with pytest.raises(RecordError, match="one of proceed, defer, decline, refer"):
        watch.validate()  # the bundled checklist has no "watch" and nine items
    with pytest.raises(RecordError, match="one of proceed, defer, decline, watch"):
        SessionRecord(**{**base.__dict__, "decision": "refer"}).validate(checklist=changed)
    with pytest.raises(RecordError, match="exactly 8 item scores"):
        SessionRecord(**{**base.__dict__, "phq9_items": (0,) * 9}).validate(checklist=changed)
    with pytest.raises(RecordError, match="from 0 to 24"):
        SessionRecord(**{**base.__dict__, "phq9_total": 25}).validate(checklist=changed)


def test_the_store_follows_the_checklist_in_use(tmp_path, monkeypatch):
    """The sessions file checks a save against the checklist the program reads (DECISIONAID_RESOURCES here)."""
    from decisionaid.checklist.items import default_checklist
    from decisionaid.checklist.record_rules import bundled_rules, rules_of

    assert bundled_rules() == rules_of(load_checklist())  # the store's quick read says what the full loader says
    path = edited_checklist(tmp_path, eight_items_and_a_new_decision)
    monkeypatch.setenv(resources.ENV_VAR, str(path.parents[1]))
    assert default_checklist().decision_codes[-1] == "watch"
    assert bundled_rules() == rules_of(default_checklist()) and bundled_rules().phq9_items == 8
    with SessionStore.open(tmp_path / "sessions.sqlite3") as store:
        sid = store.create(SessionRecord("MRN-2", "Dr A", "2026-12-01T09:00", decision="watch",
                                         phq9_items=(0,) * 8), author="Dr A", kind="save")
        assert store.get(sid).record.decision == "watch"
        with pytest.raises(RecordError, match="not one of proceed, defer, decline, watch"):
            store.create(SessionRecord("MRN-2", "Dr A", "2026-12-01T09:00", decision="refer"), author="Dr A",
                         kind="save")


def test_the_command_line_filters_on_the_checklists_decisions(tmp_path, monkeypatch, capsys):
    """`sessions list --decision` offers the checklist's decisions and "none", not a list of its own."""
    from decisionaid.cli import main

    path = edited_checklist(tmp_path, eight_items_and_a_new_decision)
    monkeypatch.setenv(resources.ENV_VAR, str(path.parents[1]))
    data = tmp_path / "data"
    with SessionStore.open(data / "sessions.sqlite3") as store:
        store.create(SessionRecord("MRN-W", "Dr A", "2026-12-01T09:00", decision="watch"), "Dr A", kind="save")
        store.create(SessionRecord("MRN-P", "Dr A", "2026-12-02T09:00", decision="proceed"), "Dr A", kind="save")
    assert main(["--data-dir", str(data), "sessions", "list", "--decision", "watch", "--json"]) == 0
    assert [r["patient_ref"] for r in json.loads(capsys.readouterr().out)] == ["MRN-W"]
    with pytest.raises(SystemExit) as caught:
        main(["--data-dir", str(data), "sessions", "list", "--decision", "refer"])
    err = capsys.readouterr().err
    assert caught.value.code == 2
    assert "invalid choice: 'refer' (choose from 'proceed', 'defer', 'decline', 'watch', 'none')" in err
    with pytest.raises(SystemExit):
        main(["sessions", "search", "--help"])
    assert "--decision {proceed,defer,decline,watch,none}" in capsys.readouterr().out


def test_a_checklist_that_repeats_a_decision_is_refused_naming_the_field(tmp_path):
    def twice(data):
        data["decisions"]["options"].append(dict(data["decisions"]["options"][0]))

    with pytest.raises(Exception) as caught:
        load_checklist(edited_checklist(tmp_path, twice))
    message = str(caught.value)
    assert "decisions" in message and "proceed" in message and "twice" in message and "\n" not in message


def test_every_decision_has_the_patient_handouts_words():
    """The handout tells the patient what each decision means; a decision added to the checklist needs them."""
    decisions = default_wording().visit["decision"]
    assert set(load_checklist().decision_codes) | {"none"} == set(decisions)


def test_settings_do_not_load_the_checklist_package():
    """settings.py sits below the domain: the default crisis text is read without importing decisionaid.checklist."""
    code = ("import sys\nfrom decisionaid.settings import Settings\ns = Settings()\n"
            "print('988' in s.crisis_text, any(m.startswith('decisionaid.checklist') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PATH": ""})
    assert out.stdout.split() == ["True", "False"]


def test_the_record_prints_each_answer_and_the_decision_as_the_screen_shows_them(qtbot, data_dir):
    w = open_window(qtbot)
    w.show_screen("Consultation")
    view = w.screen("Consultation")
    view.patient.setText("MRN-LABELS")
    checklist = view.checklist
    picked = {"ci_prior_ptosis": "yes", "ci_bleeding": "unsure", "safety_bipolar": "no"}
    shown = {}
    for item_id, value in picked.items():
        button = view.form.answer_widget(item_id).buttons[value]
        button.click()
        shown[item_id] = button.text()
    view.decision.setCurrentIndex(view.decision.findData("decline"))
    shown_decision = view.decision.currentText()
    record = view.record()
    assert {k: record.answers[k] for k in picked} == picked  # the stored values are the codes
    body = squash(text(build_record(record_input(settings(), 1, record, made_at=MADE, summary=summary(),
                                                 checklist=checklist))))
    for item_id, label in shown.items():
        assert label != picked[item_id]  # the screen's words are not the stored value ("Yes", not "yes")
        question = squash(checklist.item(item_id).question)
        assert question + squash(label) in body, item_id
        assert question + squash(picked[item_id]) not in body
    assert squash(f"Decision {shown_decision}") in body and shown_decision == "Decline"


def test_the_patient_handout_prints_the_sure_answers_as_the_patient_view_shows_them(qtbot, data_dir):
    """The patient answers the SURE test on the patient view's buttons; the handout they take home uses the same
    words."""
    w = open_window(qtbot)
    w.show_screen("Consultation")
    view = w.screen("Consultation")
    view.patient.setText("MRN-SURE")
    patient = w.show_patient_view("decision")
    checklist = view.checklist
    shown = {}
    for entry, value in zip(checklist.sure.items, ("yes", "no", "yes", "yes")):
        button = patient.findChild(QRadioButton, f"patient:{entry.item}:{value}")
        button.click()
        shown[entry.item] = button.text()
    record = view.record()
    assert {e.item: record.answers[e.item] for e in checklist.sure.items} == {"sure_sure": "yes", "sure_understand": "no",
                                                                             "sure_risk_benefit": "yes",
                                                                             "sure_encouragement": "yes"}
    body = squash(text(build_handout(handout_input(settings(), 1, record, made_at=MADE, summary=summary(),
                                                   checklist=checklist))))
    for item_id, label in shown.items():
        assert label != record.answers[item_id]
        assert squash(checklist.item(item_id).patient_text) + squash(label) in body, item_id


def test_the_record_names_the_safety_item_of_the_checklist_in_use(tmp_path):
    changed = load_checklist(edited_checklist(tmp_path, eight_items_and_a_new_decision))
    record = SessionRecord("MRN-3", "Dr A", "2026-12-01T09:00", phq9_items=(0, 1, 0, 0, 0, 0, 0, 0),
                           decision="watch")
    body = squash(text(build_record(record_input(settings(), 1, record, made_at=MADE, summary=summary(),
                                                 checklist=changed))))
    assert squash("a PHQ-9 item 2 score above 0 were recorded") in body
    assert squash("Total 1 of 24") in body and squash("Decision Watch and wait") in body
