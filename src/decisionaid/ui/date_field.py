"""A date field that takes a date typed as a clinician would write it: ISO (2026-12-01) or the locale's short
format (12/1/26 in the US, 01.12.26 in Germany; also with a four-digit year), as well as the arrow keys and the
calendar pop-up of a QDateEdit. It always shows the date as ISO, which no reader can misread.

A two-digit year means 1950 to 2049. Text that is not (yet) a date is allowed while it could become one; when the
field is left (or Enter is pressed) with text that is not a date, such as 31/02/2026 or 2026-02-30, the last date
stays (nothing is set to a wrong date), the typed text stays to be corrected, and the field's `message`, placed just
below it by the form, says so in one line ("Not a date (February 2026 has 28 days): still 2026-12-15")."""

from __future__ import annotations

import re

from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTime
from PySide6.QtGui import QKeySequence, QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QDateEdit, QDateTimeEdit, QWidget

from decisionaid.ui.common import label, tint

ISO = "yyyy-MM-dd"
_TYPING = set("0123456789-/.,: ")
_NUMBERS = re.compile(r"\d+")


def short_formats(locale: QLocale | None = None) -> list[str]:
    """The locale's short date format, with a four-digit-year variant first when it has a two-digit year."""
    fmt = (locale or QLocale()).dateFormat(QLocale.ShortFormat)
    if "yyyy" not in fmt and "yy" in fmt:
        return [fmt.replace("yy", "yyyy"), fmt]
    return [fmt]


def parse_date(text: str, locale: QLocale | None = None) -> QDate | None:
    """The date `text` names in ISO or the locale's short format, else None."""
    text = text.strip()
    if not text:
        return None
    day = QDate.fromString(text, ISO)
    if day.isValid():
        return day
    locale = locale or QLocale()
    for fmt in short_formats(locale):
        day = locale.toDate(text, fmt)
        if day.isValid():
            if "yyyy" not in fmt and day.year() < 1950:
                day = day.addYears(100)  # Qt reads "26" as 1926
            return day
    return None


def _parts(text: str, locale: QLocale) -> tuple[int, int, int] | None:
    """(year, month, day) as typed, read in ISO order or in the order of the locale's short format, whether or not
    they make a date; None when the text is not three numbers."""
    numbers = _NUMBERS.findall(text)
    if len(numbers) != 3 or not set(text.strip()) <= _TYPING:
        return None
    if re.fullmatch(r"\s*\d{4}-\d{1,2}-\d{1,2}\s*", text):
        order = "yMd"
    else:
        fmt = short_formats(locale)[-1]
        order = "".join(sorted("yMd", key=lambda c: fmt.find(c)))
    value = dict(zip(order, (int(n) for n in numbers)))
    year = value["y"]
    if year < 100:
        year += 2000 if year < 50 else 1900
    return year, value["M"], value["d"]


def date_problem(text: str, locale: QLocale | None = None) -> str:
    """Why `text` is not a date, in a few words ("February 2026 has 28 days"), or "" when it is one, is empty,
    or the reason cannot be told."""
    if not text.strip() or parse_date(text, locale) is not None:
        return ""
    parts = _parts(text, locale or QLocale())
    if parts is None:
        return ""
    year, month, day = parts
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    first = QDate(year, month, 1)
    if first.isValid() and day > first.daysInMonth():
        return f"{QLocale(QLocale.English).monthName(month)} {year} has {first.daysInMonth()} days"
    if day < 1:
        return f"there is no day {day}"
    return ""


class DateField(QDateEdit):
    def __init__(self, parent=None, objectName: str = ""):  # noqa: N803 (Qt's keyword)
        super().__init__(parent)
        if objectName:
            self.setObjectName(objectName)
        self.setDisplayFormat(ISO)
        self.setCalendarPopup(True)
        self._fresh = False  # just tabbed into: the first digit typed starts a new date
        example = QDate(2026, 12, 1)
        self.setToolTip(f"Type a date as {example.toString(ISO)} or "
                        f"{QLocale().toString(example, QLocale().dateFormat(QLocale.ShortFormat))}, "
                        "or use the arrow keys or the calendar.")
        # What was wrong with a date typed here, in one line: the form puts it just below the field (a row of its
        # own, so it wraps rather than widen a narrow form). While it has no place on screen, text that is not a
        # date is undone on leaving, as Qt does.
        self.message = label("", size=9, bold=True, name=f"{objectName or 'date'}Problem")
        tint(self.message, "#f8d7da", "#58151c", margin=4)
        self.message.hide()
        self.dateChanged.connect(self._clear_message)

    def problem(self) -> str:
        """What is wrong with the text in the field now (typed, perhaps not yet left), as the message next to the
        field says it; "" when it is a date."""
        typed = self.lineEdit().text()
        if parse_date(typed) is not None or not typed.strip():
            return ""
        why = date_problem(typed)
        kept = self.date().toString(ISO)
        return f"Not a date ({why}): still {kept}" if why else f"Not a date: still {kept}"

    def _clear_message(self, *_) -> None:
        if self.message.text():
            self.message.setText("")
            self.message.hide()
            self.setAccessibleDescription("")

    def setDate(self, date: QDate) -> None:  # noqa: N802 (Qt's name)
        super().setDate(date)
        self._clear_message()  # a date set by the program (a record opened): nothing typed is pending

    def _after_leaving(self, typed: str) -> None:
        """Qt has just undone `typed` (not a date) back to the last date: put it back and say why, in one line."""
        if parse_date(typed) is not None or not typed.strip():
            self._clear_message()  # corrected (perhaps to the date it already had)
            return
        if self.message.parentWidget() is None:
            return
        self.lineEdit().setText(typed)  # the typed text stays, to be corrected; the date itself is unchanged
        self.message.setText(self.problem())
        self.message.show()
        self.setAccessibleDescription(self.message.text())

    def validate(self, text: str, pos: int):
        day = parse_date(text)
        if day is not None:
            in_range = self.minimumDate() <= day <= self.maximumDate()
            return (QValidator.Acceptable if in_range else QValidator.Intermediate), text, pos
        if len(text) <= 12 and set(text) <= _TYPING:
            return QValidator.Intermediate, text, pos  # on the way to a date
        return QValidator.Invalid, text, pos

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        # A typed digit or separator goes into the text as typed: QDateEdit's own handling would jump between the
        # year, month and day at each separator and mangle a date typed whole ("2027-01-10" -> "2027-01-027-").
        if event.matches(QKeySequence.SelectAll):
            self.lineEdit().selectAll()  # the whole date, to type over (QDateEdit would pick one part)
            return
        text = event.text()
        typing = bool(text) and set(text) <= _TYPING and not event.modifiers() & ~Qt.KeypadModifier & ~Qt.ShiftModifier
        if typing and self._fresh:
            self.lineEdit().selectAll()  # tabbed in and typing: the date typed replaces the whole date
        self._fresh = False
        if typing:
            QAbstractSpinBox.keyPressEvent(self, event)
            return
        typed = self.lineEdit().text()
        super().keyPressEvent(event)
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            self._after_leaving(typed)

    def focusInEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().focusInEvent(event)  # selects the year: the arrow keys step it
        self._fresh = event.reason() in (Qt.TabFocusReason, Qt.BacktabFocusReason, Qt.ShortcutFocusReason)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.message.setVisible(bool(self.message.text()))  # placed by the form: shown only while it says something

    def focusOutEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        typed = self.lineEdit().text()
        super().focusOutEvent(event)
        self._after_leaving(typed)

    def fixup(self, text: str) -> str:
        return text

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 (Qt's names)
        return QWidget.focusNextPrevChild(self, next)  # Tab leaves the field (QDateEdit would walk its parts)

    def dateTimeFromText(self, text: str) -> QDateTime:  # noqa: N802 (Qt's name)
        day = parse_date(text)
        return QDateTime(day, QTime(0, 0)) if day is not None else super().dateTimeFromText(text)


class DateTimeField(QDateTimeEdit):
    """A date and time field that Tab leaves at once (QDateTimeEdit walks Tab through the year, month, day, hour and
    minute first: five presses to get past it, and a keyboard user who does not know it types into the wrong
    field). The arrow keys Left and Right still move between the parts, Up and Down change one."""

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 (Qt's names)
        return QWidget.focusNextPrevChild(self, next)
