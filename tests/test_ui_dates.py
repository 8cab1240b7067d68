"""Date fields: a new consultation starts today with a follow-up date ready 6 weeks on; a follow-up set in the
past warns at the field; a reopened session's old follow-up does not. Real window and SQLite file, key events."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt

from decisionaid import paths
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore

from window import open_window


def consultation(qtbot):
    w = open_window(qtbot)
    w.show_screen("Consultation")
    return w, w.screen("Consultation")


def into_the_date(qtbot, view) -> None:
    """Tab from the Follow-up box into the date, as a keyboard user does: the year is then selected."""
    from PySide6.QtWidgets import QApplication

    view.has_follow_up.setFocus()
    qtbot.keyClick(view.has_follow_up, Qt.Key_Tab)
    assert QApplication.focusWidget() is view.follow_up


def test_a_new_consultation_starts_today_with_the_follow_up_six_weeks_on(qtbot, data_dir):
    _w, view = consultation(qtbot)
    today = QDate.currentDate()
    assert view.held_at.date() == today
    assert view.follow_up.date() == today.addDays(42)  # 6 weeks, from the follow-up rules; was 2000-01-01
    view.has_follow_up.setFocus()
    qtbot.keyClick(view.has_follow_up, Qt.Key_Space)
    assert view.record().follow_up == today.addDays(42).toString("yyyy-MM-dd")
    assert view.follow_up_warning.isHidden()


def test_a_follow_up_in_the_past_warns_at_the_field(qtbot, data_dir):
    _w, view = consultation(qtbot)
    view.has_follow_up.setFocus()
    qtbot.keyClick(view.has_follow_up, Qt.Key_Space)
    into_the_date(qtbot, view)
    start = view.follow_up.date()
    qtbot.keyClick(view.follow_up, Qt.Key_Down)  # a year earlier: in the past
    assert view.follow_up.date() == start.addYears(-1) < QDate.currentDate()
    assert not view.follow_up_warning.isHidden() and view.follow_up_warning.text() == "This date is in the past."
    qtbot.keyClick(view.follow_up, Qt.Key_Up)
    assert view.follow_up.date() == start and view.follow_up_warning.isHidden()


def test_a_reopened_session_with_an_old_follow_up_does_not_warn(qtbot, data_dir):
    with SessionStore.open(paths.database_path()) as store:
        sid = store.create(SessionRecord(patient_ref="K-9", clinician="Dr Test", held_at="2025-03-01T10:00",
                                         phq9_items=None, phq9_total=11, answers={}, notes="", decision="defer",
                                         follow_up="2025-04-12", status="Incomplete"), "Dr Test")
    w, view = consultation(qtbot)
    w.open_session(sid)
    qtbot.waitUntil(lambda: not view.opening(), timeout=5000)  # read on the owner thread, shown by signal
    assert view.mode == "readonly" and view.follow_up.date() == QDate(2025, 4, 12)
    assert view.follow_up_warning.isHidden()
    view.start_amend()
    assert not view.follow_up_warning.isHidden()  # changing it now: the date is in the past
