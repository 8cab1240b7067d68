"""Date fields take a date typed as ISO (2026-12-01) or in the locale's short format (12/1/26 in the US, 01.12.26
in Germany), keys only: the follow-up date of a consultation, the visit date of a follow-up and the sessions filter."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from decisionaid.ui.date_field import DateField, parse_date
from window import open_window


@pytest.fixture
def locale():
    old = QLocale()

    def use(name: str) -> QLocale:
        QLocale.setDefault(QLocale(name))
        return QLocale()
    yield use
    QLocale.setDefault(old)


def type_date(field, text: str) -> None:
    field.window().activateWindow()
    QApplication.processEvents()
    field.clearFocus()
    field.setFocus(Qt.TabFocusReason)  # as Tab would: the date typed then replaces the whole date
    QTest.keyClicks(field, text)
    QTest.keyClick(field, Qt.Key_Tab)  # leaving the field takes the date


def short(day: QDate) -> str:
    return QLocale().toString(day, QLocale().dateFormat(QLocale.ShortFormat))


@pytest.mark.parametrize("name", ["en_US", "de_DE", "en_GB"])
def test_follow_up_date_takes_iso_and_the_locale_short_format(qtbot, data_dir, locale, name):
    locale(name)
    w = open_window(qtbot)
    view = w.screen("Consultation")
    view.has_follow_up.setChecked(True)
    type_date(view.follow_up, "2026-12-01")
    assert view.follow_up.date() == QDate(2026, 12, 1)
    typed = short(QDate(2027, 1, 5))  # 1/5/27, 05.01.27, 05/01/2027
    type_date(view.follow_up, typed)
    assert view.follow_up.date() == QDate(2027, 1, 5), typed
    assert view.record().follow_up == "2027-01-05"


def test_a_four_digit_year_in_the_short_format_and_what_is_not_a_date(qtbot, locale):
    locale("en_US")
    field = DateField()
    qtbot.addWidget(field)
    field.show()
    field.setDate(QDate(2026, 6, 1))
    type_date(field, "1/5/2027")
    assert field.date() == QDate(2027, 1, 5)
    type_date(field, "13/45/27")  # no such date: the last date stays
    assert field.date() == QDate(2027, 1, 5)
    assert parse_date("31.12.26", QLocale("de_DE")) == QDate(2026, 12, 31)
    assert parse_date("banana") is None


def test_visit_date_and_session_filter_take_typed_dates(qtbot, data_dir, locale):
    locale("en_US")
    w = open_window(qtbot)
    w.show_screen("Sessions")
    sessions = w.screen("Sessions")
    sessions.use_dates.setChecked(True)
    type_date(sessions.date_from, "2026-11-01")
    type_date(sessions.date_to, "12/31/26")
    assert (sessions.date_from.date(), sessions.date_to.date()) == (QDate(2026, 11, 1), QDate(2026, 12, 31))

    from decisionaid.checklist.items import load_checklist
    from decisionaid.evidence.pack import load_pack
    from decisionaid.sessions.session_record import SessionRecord
    from decisionaid.ui.followup_view import FollowUpDialog

    store = w.store()
    sid = store.create(SessionRecord("D-1", "Dr A", "2026-10-05T09:30", phq9_total=16), "Dr A")
    dialog = FollowUpDialog(store, sid, load_checklist(), load_pack(), parent=w)
    qtbot.addWidget(dialog)
    dialog.show()
    type_date(dialog.visit_date, "11/16/26")
    assert dialog.visit_date.date() == QDate(2026, 11, 16)


def test_one_tab_passes_a_date_field(qtbot, data_dir):
    w = open_window(qtbot)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=3000)
    w.show_screen("Consultation")
    view = w.screen("Consultation")
    order = []
    view.patient.setFocus(Qt.TabFocusReason)
    for _ in range(2):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [view.held_at, view.clinician]  # Qt's date and time field took five presses
    view.has_follow_up.setFocus(Qt.TabFocusReason)
    QTest.keyClick(view.has_follow_up, Qt.Key_Space)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
    assert QApplication.focusWidget() is view.follow_up
    QTest.keyClick(view.follow_up, Qt.Key_Tab)
    assert QApplication.focusWidget() is not view.follow_up


# --- a typed date that does not exist: said next to the field, the text kept, nothing wrong saved ---------------

def test_why_a_typed_date_does_not_exist_in_a_few_words():
    from decisionaid.ui.date_field import date_problem
    gb, us = QLocale("en_GB"), QLocale("en_US")
    assert date_problem("31/02/2026", gb) == "February 2026 has 28 days"
    assert date_problem("2026-02-30", us) == "February 2026 has 28 days"
    assert date_problem("4/31/26", us) == "April 2026 has 30 days"
    assert date_problem("2026-13-01", gb) == "there is no month 13"
    assert date_problem("29/02/2028", gb) == ""  # a leap year: a date, nothing wrong
    assert date_problem("banana", gb) == "" and date_problem("", gb) == ""


def type_and_leave(field, text: str, key) -> None:
    """Tab into `field` as a clinician does, type `text` over what it holds and leave with `key`."""
    field.clearFocus()
    field.setFocus(Qt.TabFocusReason)
    QTest.keyClicks(field, text)
    QTest.keyClick(field, key)


@pytest.mark.parametrize("typed, leave", [("31/02/2026", Qt.Key_Tab), ("2026-02-30", Qt.Key_Return)])
def test_a_follow_up_date_that_does_not_exist_is_said_by_the_field_and_kept(qtbot, data_dir, locale, typed,
                                                                                 leave):
    locale("en_GB")
    w = open_window(qtbot)
    w.show_screen("Consultation")
    view = w.screen("Consultation")
    view.has_follow_up.setChecked(True)
    field = view.follow_up
    type_date(field, "2026-12-15")
    before = view.record().follow_up
    assert before == "2026-12-15"
    type_and_leave(field, typed, leave)
    assert field.lineEdit().text() == typed  # the typed text stays, to be corrected
    assert field.date() == QDate(2026, 12, 15) and view.record().follow_up == before  # no other date taken
    message = field.message
    assert message.isVisible()
    assert message.text() == "Not a date (February 2026 has 28 days): still 2026-12-15"
    assert "\n" not in message.text()
    below = message.mapTo(view, message.rect().topLeft()).y() - field.mapTo(view, field.rect().bottomLeft()).y()
    assert 0 <= below < field.height()  # just below the field
    assert message.height() < 2 * message.fontMetrics().lineSpacing() + 12  # one line at the window's width
    type_date(field, "2026-02-28")  # corrected: taken, and the line goes
    assert field.date() == QDate(2026, 2, 28) and not message.isVisible()


def test_a_visit_date_that_does_not_exist_saves_no_visit(qtbot, data_dir, locale):
    locale("en_GB")
    from decisionaid.checklist.items import load_checklist
    from decisionaid.evidence.pack import load_pack
    from decisionaid.sessions.session_record import SessionRecord
    from decisionaid.ui.followup_view import FollowUpDialog

    w = open_window(qtbot)
    store = w.store()
    sid = store.create(SessionRecord("D-2", "Dr A", "2026-10-05T09:30", phq9_total=16), "Dr A")
    dialog = FollowUpDialog(store, sid, load_checklist(), load_pack(), parent=w)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.phq9.set_scores((1, 1, 1, 1, 1, 1, 1, 1, 0), None)  # a visit that would otherwise save
    type_date(dialog.visit_date, "30/02/2026")
    assert dialog.visit_date.lineEdit().text() == "30/02/2026"
    assert dialog.visit_date.message.isVisible() and "February 2026 has 28 days" in dialog.visit_date.message.text()
    assert dialog.save() is False
    assert dialog.error.text() == ("Not saved: the visit date typed, 30/02/2026, is not a date. Correct it, or pick "
                                   "one from the calendar.")
    assert store.visits(sid) == []
    type_date(dialog.visit_date, "28/02/2026")
    assert dialog.save() is True and [v.visit.visit_date for v in store.visits(sid)] == ["2026-02-28"]


def test_a_sessions_filter_date_that_does_not_exist_is_said_and_the_filter_kept(qtbot, data_dir, locale):
    locale("en_GB")
    w = open_window(qtbot)
    w.show_screen("Sessions")
    view = w.screen("Sessions")
    view.use_dates.setChecked(True)
    field = view.date_from
    type_date(field, "01/11/2026")
    type_and_leave(field, "31/02/2026", Qt.Key_Tab)
    assert field.lineEdit().text() == "31/02/2026"  # kept, to be corrected
    assert field.date() == QDate(2026, 11, 1)  # the list is still filtered from the last real date
    assert field.message.isVisible()
    assert field.message.text() == "Not a date (February 2026 has 28 days): still 2026-11-01"
    below = field.message.mapTo(view, field.message.rect().topLeft()).y() \
        - field.mapTo(view, field.rect().bottomLeft()).y()
    assert 0 <= below < 3 * field.height()  # under the filter row
