"""Follow-up on screen, driven through real widgets: one patient through a first consultation and three follow-up
visits (one with PHQ-9 item 9 above 0, which opens the crisis pathway), an amendment, the chart and outcomes; and a
due and an overdue follow-up found from the Sessions screen."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QPushButton

from decisionaid import paths
from decisionaid.checklist.items import load_checklist
from decisionaid.evidence.pack import load_pack
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore
from decisionaid.ui.followup_view import FollowUpDialog
from decisionaid.ui.main_window import MainWindow


@pytest.fixture
def store(tmp_path):
    with SessionStore.open(tmp_path / "sessions.sqlite3") as s:
        yield s


def enter_visit(qtbot, dialog, day: str, total=None, items=None):
    dialog.visit_date.setDate(QDate.fromString(day, "yyyy-MM-dd"))
    if items is not None:
        for box, value in zip(dialog.phq9.items, items):
            box.setValue(value)
    if total is not None:
        dialog.phq9.total.setValue(total)


def test_a_patient_through_three_follow_ups_on_screen(qtbot, store, tmp_path):
    sid = store.create(SessionRecord("MRN-4711", "Dr Okafor", "2026-10-05T09:30", phq9_total=16,
                                     decision="proceed", follow_up="2026-11-16"), "Dr Okafor")
    dialog = FollowUpDialog(store, sid, load_checklist(), load_pack())
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.outcomes.toPlainText() == "No follow-up visit recorded yet."
    assert "HAMD, MADRS or BDI" in dialog.definitions.text()

    enter_visit(qtbot, dialog, "2026-10-26", total=13)
    dialog.side_effects["headache"].setChecked(True)
    dialog.botox_given.setCurrentIndex(dialog.botox_given.findData(True))
    dialog.botox_date.setDate(QDate(2026, 10, 5))
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    assert "Response: no" in dialog.outcomes.toPlainText() and "Side effects: Headache" in dialog.outcomes.toPlainText()
    assert not dialog.crisis_box.isVisibleTo(dialog)

    enter_visit(qtbot, dialog, "2026-11-16", items=(1, 1, 0, 1, 0, 0, 1, 0, 1))
    assert dialog.crisis_box.isVisibleTo(dialog)  # at once, while typing, as at the first consultation
    assert "Follow the crisis pathway now" in dialog.crisis_box.text()
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    assert dialog.crisis_box.isVisibleTo(dialog)  # the latest visit has item 9 above 0
    assert "item 9 above 0: crisis pathway" in dialog.visit_list.item(1).text()

    enter_visit(qtbot, dialog, "2026-12-28", total=4)
    dialog.next_step.setCurrentIndex(dialog.next_step.findData("repeat"))
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    text = dialog.outcomes.toPlainText()
    assert "Remission: yes" in text and "-12 points, -75.0%" in text and "Next step: Repeat the injection" in text
    assert not dialog.crisis_box.isVisibleTo(dialog)

    figure = dialog.chart.figure
    assert [p.total for p in figure.points] == [16, 13, 5, 4] and figure.injections == ((0, "2026-10-05"),)
    assert [p.alert for p in figure.points] == [False, False, True, False]

    # amend visit 1: the reason is required, the old version kept
    dialog.visit_list.setCurrentRow(0)
    qtbot.mouseClick(dialog.amend_button, Qt.LeftButton)
    assert dialog.phq9.total_score() == 13 and dialog.side_effects["headache"].isChecked()
    dialog.phq9.total.setValue(12)
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    assert "Reason for the amendment is empty" in dialog.error.text()
    dialog.reason.setText("Mistyped")
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    dialog.visit_list.setCurrentRow(0)
    assert "amended (2 revisions)" in dialog.visit_list.item(0).text()
    assert "Revision 2 (amendment) by Dr Okafor, reason: Mistyped: PHQ-9 total: 13 \u2192 12" in (
        dialog.outcomes.toPlainText())
    assert [v.visit.phq9_total for v in store.visit_history(sid, 1)] == [13, 12]
    for scale in (1,):
        dialog.resize(980, 1400)
        dialog.grab().save(str(tmp_path / f"followup-{scale}.png"))


def test_bad_input_is_one_clear_line_and_keeps_what_was_typed(qtbot, store):
    sid = store.create(SessionRecord("MRN-1", "Dr A", "2026-10-05T09:30", phq9_total=16), "Dr A")
    dialog = FollowUpDialog(store, sid, load_checklist(), load_pack())
    qtbot.addWidget(dialog)
    dialog.impression.setText("better")
    dialog.botox_given.setCurrentIndex(dialog.botox_given.findData(True))
    store.close()  # the file goes away under the dialog
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    assert dialog.error.text().startswith("The visit could not be saved") and "\n" not in dialog.error.text()
    assert dialog.impression.text() == "better"


def test_due_and_overdue_follow_ups_are_found_from_the_sessions_screen(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path / "data"))
    paths.set_data_dir(None)
    today = dt.date.today()
    with SessionStore.open(paths.database_path()) as s:
        for ref, days in (("MRN-DUE", 3), ("MRN-LATE", -4), ("MRN-LATER", 40)):
            s.create(SessionRecord(ref, "Dr A", "2026-10-05T09:30", phq9_total=16,
                                   follow_up=(today + dt.timedelta(days=days)).isoformat()), "Dr A")
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.ready, timeout=5000):
        w.load_evidence()
    w.show_screen("Sessions")
    view = w.screen("Sessions")
    qtbot.waitUntil(lambda: not view.model.is_loading() and view.model.rowCount() == 3, timeout=5000)
    assert view.model.headerData(7, Qt.Horizontal) == "Session no."

    def shown():
        return [view.model.session_at(r).patient_ref for r in range(view.model.rowCount())]

    view.follow_up_filter.setCurrentIndex(view.follow_up_filter.findData("due"))
    qtbot.waitUntil(lambda: not view.model.is_loading() and shown() == ["MRN-DUE"], timeout=5000)
    view.follow_up_filter.setCurrentIndex(view.follow_up_filter.findData("overdue"))
    qtbot.waitUntil(lambda: not view.model.is_loading() and shown() == ["MRN-LATE"], timeout=5000)
    assert view.model.data(view.model.index(0, 7)) == "1" or view.model.data(view.model.index(0, 7)).isdigit()
    assert view.findChild(QPushButton, "followUpButton") is not None
    w.grab().save(str(tmp_path / "sessions-overdue.png"))
    w.close()
    paths.set_data_dir(None)


def test_the_follow_up_date_defaults_to_six_weeks_after_the_consultation(qtbot, data_dir):
    from PySide6.QtCore import QDateTime

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.ready, timeout=5000):
        w.load_evidence()
    w.show_screen("Consultation")
    view = w.screen("Consultation")
    view.held_at.setDateTime(QDateTime.fromString("2026-10-05T09:30", "yyyy-MM-ddTHH:mm"))
    assert view.follow_up.date().toString("yyyy-MM-dd") == "2026-11-16"  # never a 2000-01-01 placeholder
    assert "week 6" in view.follow_up.toolTip()
    qtbot.mouseClick(view.has_follow_up, Qt.LeftButton)
    assert view.record().follow_up == "2026-11-16"
    view.held_at.setDateTime(QDateTime.fromString("2026-10-12T09:30", "yyyy-MM-ddTHH:mm"))
    assert view.record().follow_up == "2026-11-16"  # a date the clinician set stays as set
    w.close()


def test_a_visits_facts_are_worded_on_screen_as_before(qtbot, store):
    """Everything a visit can record, in the Follow-up screen's words: the Botox date after ", on"; the same facts
    and amendment words as the clinician record (tests/test_followup_record.py) but for how the date is written."""
    from decisionaid.sessions.visits import VisitRecord

    sid = store.create(SessionRecord("MRN-1", "Dr A", "2026-10-05T09:30", phq9_total=16), "Dr A")
    store.add_visit(sid, VisitRecord("2026-10-26", phq9_total=13, side_effects=("headache",),
                                     side_effects_other="tired eyes", botox_given=True, botox_date="2026-10-05",
                                     impression="a little better", notes="came with her sister",
                                     next_step="repeat"), "Dr A")
    store.add_visit(sid, VisitRecord("2026-12-07", phq9_total=12, botox_given=False), "Dr A")
    store.amend_visit(sid, 2, VisitRecord("2026-12-07", phq9_items=(1, 1, 1, 1, 1, 1, 1, None, 0),
                                          side_effects=("headache",), botox_given=True), "Dr A", "Mixed up")
    dialog = FollowUpDialog(store, sid, load_checklist(), load_pack())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.visit_list.setCurrentRow(0)
    lines = dialog.outcomes.toPlainText().splitlines()
    assert lines[0] == "Visit 1 on 2026-10-26"
    assert lines[-5:] == ["Side effects: Headache; tired eyes", "Botox given: yes, on 2026-10-05",
                          "Patient's impression: a little better", "Next step: Repeat the injection",
                          "Notes: came with her sister"]
    dialog.visit_list.setCurrentRow(1)
    assert dialog.outcomes.toPlainText().splitlines()[-3:] == [
        "Side effects: Headache", "Botox given: yes",
        "Revision 2 (amendment) by Dr A, reason: Mixed up: PHQ-9 answers: (blank) \u2192 1,1,1,1,1,1,1,-,0; PHQ-9 "
        "total: 12 \u2192 (blank); Side effects: (blank) \u2192 Headache; Botox given: no \u2192 yes"]
