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
