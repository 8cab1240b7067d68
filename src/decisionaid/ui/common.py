"""Small layout helpers shared by the screens. Text always goes in as plain text (never rich text)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QAbstractItemView, QFrame, QLabel, QTableWidget, QWidget

from decisionaid.ui.appearance import POINT_SIZE_PROPERTY, text_scale

if TYPE_CHECKING:  # the window's first paint must not wait for the evidence modules (about 50 ms to import)
    from decisionaid.evidence.pack import Fact, Figure, Pack

@cache
def _plain_and_selectable() -> tuple:
    """(Qt.PlainText, Qt.TextSelectableByMouse), looked up on the first `label`, not at import: the first
    `from PySide6.QtCore import Qt` builds the Qt namespace's enums (about 20 ms), which the window's first view
    (`static_label`) does without."""
    from PySide6.QtCore import Qt

    return Qt.PlainText, Qt.TextSelectableByMouse


def qt_text(text: str) -> str:
    """`text` as it must be handed to a Qt widget to arrive unchanged. PySide6 reads a leading U+FEFF or U+FFFE as
    a byte-order mark: it drops the first and byte-swaps the whole string after the second (a note starting with
    it would reopen as Chinese-looking garbage, and an amendment would save that). One extra U+FEFF in front is
    the one it consumes."""
    return "\ufeff" + text if text.startswith(("\ufeff", "\ufffe")) else text


_LINE_BREAKS = {0x2028: "\n", 0x2029: "\n"}


def typed_text(edit) -> str:
    """The text of a QPlainTextEdit as typed. toPlainText() turns no-break spaces into spaces; the raw text keeps
    them and marks line ends with U+2029 (paragraph) or U+2028 (Shift+Enter), which become LF."""
    return edit.document().toRawText().translate(_LINE_BREAKS)


def plain_tooltip(text: str) -> str:
    """Tooltip text shown literally: Qt guesses rich text for tooltips, so escape it and say it is HTML."""
    if not text:
        return ""
    import html  # not before the window's first paint

    return "<qt>" + html.escape(text, quote=False).replace("\n", "<br>") + "</qt>"


def label(text: str, *, size: float | None = None, bold: bool = False, italic: bool = False,
          selectable: bool = True, wrap: bool = True, tooltip: str = "", name: str = "") -> QLabel:
    """A QLabel that never interprets its text as HTML."""
    plain, selectable_flags = _plain_and_selectable()
    lab = QLabel()
    lab.setTextFormat(plain)
    lab.setText(text)
    lab.setWordWrap(wrap)
    if selectable:
        lab.setTextInteractionFlags(selectable_flags)
    _give_font(lab, size, bold, italic)
    if tooltip:
        lab.setToolTip(plain_tooltip(tooltip))
    if name:
        lab.setObjectName(name)
    return lab


def static_label(text: str, *, size: float | None = None, bold: bool = False, name: str = "") -> QLabel:
    """A label of the window's first view, made before the first paint: one of our own fixed texts, which holds
    no markup (checked), so Qt's automatic format shows it as it is and no text format is set (setting one would
    build the Qt namespace's enums, about 20 ms, before the first paint). Not selectable, word-wrapped."""
    if "<" in text:
        raise ValueError(f"static_label is for fixed text without markup: {text!r}")
    lab = QLabel(text)
    lab.setWordWrap(True)
    _give_font(lab, size, bold, False)
    if name:
        lab.setObjectName(name)
    return lab


def _give_font(lab: QLabel, size: float | None, bold: bool, italic: bool) -> None:
    font = QFont(lab.font())
    # The font set here is the label's own, so a later change of the Settings text size would pass it by:
    # its size at 100 % is recorded, and appearance.apply rescales it.
    lab.setProperty(POINT_SIZE_PROPERTY, float(size) if size else font.pointSizeF() / text_scale())
    if size:
        font.setPointSizeF(size * text_scale())
    font.setBold(bold)
    font.setItalic(italic)
    lab.setFont(font)


def heading(text: str, level: int = 1) -> QLabel:
    return label(text, size={1: 16, 2: 13, 3: 11}[level], bold=True)


def rule() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.HLine)
    line.setFrameShadow(QFrame.Sunken)
    return line


def provenance_text(pack: Pack, item: Fact | Figure) -> str:
    """What a hover or click shows: how we know this figure, and from where (evidence.provenance words)."""
    from decisionaid.evidence.provenance import provenance_phrase

    return provenance_phrase(pack, item)


def citation_label(pack: Pack, source_ids, prefix: str = "Source: ") -> QLabel:
    from decisionaid.evidence.provenance import cite_line

    lab = label(cite_line(pack, source_ids, prefix), size=8.5, italic=True)
    lab.setForegroundRole(QPalette.PlaceholderText)  # muted, and 4.5:1 in every palette (ui/appearance.py)
    return lab


def card(parent: QWidget | None = None) -> QFrame:
    frame = QFrame(parent)
    frame.setFrameShape(QFrame.StyledPanel)
    frame.setObjectName("card")
    return frame


def tint(widget: QWidget, background: QColor | str, text: QColor | str | None = None, margin: int = 6) -> QWidget:
    """A filled background without a style sheet (style sheets make every child slow to polish)."""
    pal = widget.palette()
    pal.setColor(QPalette.Window, QColor(background))
    if text is not None:
        pal.setColor(QPalette.WindowText, QColor(text))
    widget.setPalette(pal)
    widget.setAutoFillBackground(True)
    widget.setContentsMargins(margin, margin, margin, margin)
    return widget


def readonly_table(rows: int, headers: tuple[str, ...], name: str, title: str = "") -> QTableWidget:
    """A wrapped, read-only table that grows to its full height instead of scrolling (see fit_table_height);
    `title` is what a screen reader calls it."""
    from PySide6.QtCore import Qt

    table = QTableWidget(rows, len(headers))
    table.setObjectName(name)
    table.setAccessibleName(title)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(True)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    return table


def fit_table_height(table: QTableWidget) -> None:
    table.resizeRowsToContents()
    table.setFixedHeight(table.horizontalHeader().height()
                         + sum(table.rowHeight(r) for r in range(table.rowCount())) + 4)


def scrolling_row(row):
    """`row` (a widget holding a row of controls) in a frame that scrolls sideways when the window is narrower than
    the row (a small screen, large text), so a row of buttons never makes the window wider than the screen."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFrame, QScrollArea, QSizePolicy

    area = QScrollArea()
    area.setFocusPolicy(Qt.NoFocus)  # no invisible tab stop: Tab goes to the controls, which it scrolls into view
    area.setWidget(row)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.NoFrame)
    area.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
    area.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
    area.setFixedHeight(row.sizeHint().height() + area.horizontalScrollBar().sizeHint().height())
    return area
