"""A date field that takes a date typed as a clinician would write it: ISO (2026-12-01) or the locale's short
format (12/1/26 in the US, 01.12.26 in Germany; also with a four-digit year), as well as the arrow keys and the
calendar pop-up of a QDateEdit. It always shows the date as ISO, which no reader can misread.

A two-digit year means 1950 to 2049. Text that is not (yet) a date is allowed while it could become one; when the
field is left with text that is not a date, the last date stays (nothing is set to a wrong date)."""

from __future__ import annotations

from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTime
from PySide6.QtGui import QKeySequence, QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QDateEdit, QDateTimeEdit, QWidget

ISO = "yyyy-MM-dd"
_TYPING = set("0123456789-/.,: ")


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
        super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().focusInEvent(event)  # selects the year: the arrow keys step it
        self._fresh = event.reason() in (Qt.TabFocusReason, Qt.BacktabFocusReason, Qt.ShortcutFocusReason)

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
