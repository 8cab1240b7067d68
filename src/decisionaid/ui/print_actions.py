"""The print actions and widgets: Preview, Print and Save as PDF for the handout and the record of one subject
(`ActionSet`: the File menu, the Consultation screen's row of buttons `PrintBar`, the Sessions screen's
`session_buttons`), and the status-bar progress of a print job (`PrintProgress`).

Every action calls the print controller (ui/print_controller.PrintActions), which does the work; an action is
off, with a tooltip saying why, while a job runs or when it needs a session that is not there.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QCheckBox, QFrame, QHBoxLayout, QLabel, QLayout, QMenu, QProgressBar, QPushButton,
                               QScrollArea, QSizePolicy, QWidget)

from decisionaid.handout.print_job import HANDOUT, RECORD, Subject
from decisionaid.ui.common import label

if TYPE_CHECKING:
    from decisionaid.ui.print_controller import PrintActions

STATUS_MS = 10000


class ActionSet(QObject):
    """Preview, print and save actions for the handout and the record of one subject (the consultation on screen,
    or the session selected in a list). The record needs a session; every action is off while a job runs."""

    def __init__(self, actions: PrintActions, subject: Callable[[], Subject], has_session: Callable[[], bool],
                 needs_session: str, handout_tip: str, record_tip: str, handout_needs_session: bool = False):
        """`needs_session`: the tooltip of an action that cannot run yet, saying why; `handout_tip`, `record_tip`:
        what the handout and record actions act on."""
        super().__init__(actions)
        self.actions, self._subject, self._has_session = actions, subject, has_session
        self._needs_session, self._tips = needs_session, {HANDOUT: handout_tip, RECORD: record_tip}
        self._handout_needs_session = handout_needs_session
        make = functools.partial(QAction, parent=self)
        self.preview_handout = make("Pre&view handout\u2026")
        self.print_handout = make("&Print handout\u2026")
        self.save_handout = make("Save handout as P&DF\u2026")
        self.preview_record = make("Previe&w record\u2026")
        self.print_record = make("Print &record\u2026")
        self.save_record = make("Save record as PD&F\u2026")
        for action, kind, op in ((self.preview_handout, HANDOUT, actions.preview),
                                 (self.print_handout, HANDOUT, actions.print_document),
                                 (self.save_handout, HANDOUT, actions.save_pdf),
                                 (self.preview_record, RECORD, actions.preview),
                                 (self.print_record, RECORD, actions.print_document),
                                 (self.save_record, RECORD, actions.save_pdf)):
            action.triggered.connect(functools.partial(self._trigger, kind, op))
        actions.busy_changed.connect(self.refresh)
        self.refresh()

    @property
    def handout_actions(self) -> tuple[QAction, ...]:
        return self.preview_handout, self.print_handout, self.save_handout

    @property
    def record_actions(self) -> tuple[QAction, ...]:
        return self.preview_record, self.print_record, self.save_record

    def refresh(self, *_) -> None:
        """Enable what can run now; a disabled action's tooltip says why."""
        busy, has_session = self.actions.busy, self._has_session()
        for kind, group in ((HANDOUT, self.handout_actions), (RECORD, self.record_actions)):
            missing = (kind == RECORD or self._handout_needs_session) and not has_session
            tip = self._needs_session if missing else "Wait: a document is being made." if busy else self._tips[kind]
            for a in group:
                a.setEnabled(not busy and not missing)
                a.setToolTip(tip)
                a.setStatusTip(tip)

    def _trigger(self, kind: str, op, *_) -> None:
        from decisionaid.sessions.errors import StoreError
        from decisionaid.ui.store_owner import Pending

        if self.actions.busy:
            return
        try:
            subject = self._subject()
        except StoreError as exc:
            self.actions.show_error("The session could not be read", f"{exc.title}. {exc.advice}")
            return
        if isinstance(subject, Pending):  # read on the sessions file's owner thread first, then made
            self.actions.read_then(subject, lambda read: self._go(kind, op, read))
            return
        self._go(kind, op, subject)

    def _go(self, kind: str, op, subject) -> None:
        if subject is None:
            self.actions.show_error("The session could not be read", "The sessions file is not available (see the "
                                    "message shown when it was opened).")
            return
        if kind == RECORD and subject.session_id is None:  # typed, but the sessions file would not take it
            self.actions.show_error("The record was not made", "A record is made from a session in the sessions "
                                    "file, and this consultation could not be written there yet (the message on "
                                    "the Consultation screen says why). The handout can still be printed.")
            return
        op(self.actions.document(kind, subject))

    def add_to_menu(self, menu: QMenu) -> None:
        menu.setToolTipsVisible(True)  # a disabled record action says why
        for a in self.handout_actions:
            menu.addAction(a)
        menu.addAction(self.actions.large_print)
        menu.addSeparator()
        for a in self.record_actions:
            menu.addAction(a)
        menu.aboutToShow.connect(self.refresh)


def action_button(action: QAction, text: str, name: str) -> QPushButton:
    """A push button that runs `action` and follows its enabled state and tooltip."""
    b = QPushButton(text, objectName=name)
    b.setAccessibleName(action.text().replace("&", ""))  # "Preview handout…", not two buttons called "Preview…"
    b.clicked.connect(action.trigger)

    def follow() -> None:
        b.setEnabled(action.isEnabled())
        b.setToolTip(action.toolTip())
    action.changed.connect(follow)
    follow()
    return b


class FlowLayout(QLayout):
    """Items left to right, wrapping onto the next line when the width runs out, each line centred on its tallest
    item: a row of buttons that never scrolls sideways, at any window width or text size. An item wider than the
    line (a nested flow) gets the line's width and the height it asks for at that width."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6, line_spacing: int = 4):
        super().__init__(parent)
        self._items: list = []
        self._spacing, self._line_spacing = spacing, line_spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, i: int):
        return self._items[i] if 0 <= i < len(self._items) else None

    def takeAt(self, i: int):
        return self._items.pop(i) if 0 <= i < len(self._items) else None

    def expandingDirections(self):
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def _visible(self) -> list:
        return [item for item in self._items if not item.isEmpty()]

    def sizeHint(self) -> QSize:  # everything on one line
        items = self._visible()
        m = self.contentsMargins()
        width = sum(i.sizeHint().width() for i in items) + self._spacing * max(len(items) - 1, 0)
        height = max((i.sizeHint().height() for i in items), default=0)
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:  # one item a line: as narrow as the widest item can be
        m = self.contentsMargins()
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _arrange(self, rect: QRect, place: bool) -> int:
        """Lay the items out in `rect` (moving them if `place`); the height they take."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        lines: list[list] = [[]]
        x = 0
        for item in self._visible():
            hint = item.sizeHint()
            w = max(min(hint.width(), area.width()), item.minimumSize().width())
            h = item.heightForWidth(w) if item.hasHeightForWidth() else hint.height()
            if lines[-1] and x + w > area.width():
                lines.append([])
                x = 0
            lines[-1].append((item, x, w, h))
            x += w + self._spacing
        y = area.y()
        for line in lines:
            tallest = max((h for _i, _x, _w, h in line), default=0)
            if place:
                for item, lx, w, h in line:
                    item.setGeometry(QRect(QPoint(area.x() + lx, y + (tallest - h) // 2), QSize(w, h)))
            y += tallest + self._line_spacing
        return y - self._line_spacing - area.y() + m.top() + m.bottom() if self._visible() else 0


class WrappingRow(QScrollArea):
    """`row` (a widget with a FlowLayout) as tall as its wrapped lines need at the width it is given: it never
    scrolls sideways. In a window too short for all its lines it keeps at least one line and scrolls up and down
    (Tab scrolls each control into view), so no line of buttons is cut off and the window need not grow."""

    def __init__(self, row: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.NoFocus)  # no invisible tab stop: Tab goes to the controls
        self.setFrameShape(QFrame.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Maximum)
        self.setWidget(row)
        row.installEventFilter(self)  # a new text size re-lays the row out: its height changes with it

    def _needed(self) -> int:
        return self.widget().heightForWidth(max(self.viewport().width(), 1))

    def sizeHint(self) -> QSize:
        return QSize(self.widget().sizeHint().width(), self._needed())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.widget().minimumSizeHint().width(),
                     min(self._needed(), self.widget().layout().sizeHint().height()))  # one line

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.updateGeometry()  # the height it needs depends on its width

    def eventFilter(self, watched, event) -> bool:
        if watched is self.widget() and event.type() == QEvent.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)


def button_group(title: str, controls) -> QWidget:
    """"Title:" and its controls, wrapping as one flow when the line is too short for them."""
    box = QWidget()
    flow = FlowLayout(box)
    flow.addWidget(label(title, wrap=False, selectable=False))
    for c in controls:
        flow.addWidget(c)
    return box


class PrintBar(QWidget):
    """The buttons on the Consultation screen: handout (preview, print, save, large print) and record, each group
    kept together on a line while it fits, and wrapping (never scrolling sideways) when it does not."""

    def __init__(self, actions: ActionSet, parent=None):
        super().__init__(parent)
        self.actions = actions
        row = FlowLayout(self, spacing=24)
        self.preview_handout = action_button(actions.preview_handout, "P&review\u2026", "previewHandout")
        self.print_handout = action_button(actions.print_handout, "Pr&int\u2026", "printHandout")
        self.save_handout = action_button(actions.save_handout, "Save as P&DF\u2026", "saveHandout")
        self.large_print = QCheckBox("&Large print", objectName="largePrint")
        lp = actions.actions.large_print
        self.large_print.setChecked(lp.isChecked())
        self.large_print.setToolTip(lp.statusTip())
        self.large_print.toggled.connect(lp.setChecked)
        lp.toggled.connect(self.large_print.setChecked)
        row.addWidget(button_group("Handout for the patient:", (self.preview_handout, self.print_handout,
                                                                self.save_handout, self.large_print)))
        self.preview_record = action_button(actions.preview_record, "Previe&w\u2026", "previewRecord")
        self.print_record = action_button(actions.print_record, "Prin&t\u2026", "printRecord")
        self.save_record = action_button(actions.save_record, "Sa&ve as PDF\u2026", "saveRecord")
        row.addWidget(button_group("Record for the chart:", (self.preview_record, self.print_record,
                                                             self.save_record)))


def session_buttons(actions: ActionSet) -> QWidget:
    """"Handout" and "Record" buttons with menus (preview, print, save), for a list of sessions."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    for text, name, group in (("Ha&ndout", "sessionHandout", actions.handout_actions),
                              ("&Record", "sessionRecord", actions.record_actions)):
        b = QPushButton(text, objectName=name)  # with a menu: it opens on click and shows an arrow
        menu = QMenu(b)
        for a in group:
            menu.addAction(a)
        if group is actions.handout_actions:
            menu.addAction(actions.actions.large_print)
        menu.aboutToShow.connect(actions.refresh)
        b.setMenu(menu)
        row.addWidget(b)
    return box


class PrintProgress(QWidget):
    """For the status bar: what is being made, with a busy bar (or pages done of pages to print)."""

    def __init__(self, actions: PrintActions, status_bar):
        super().__init__()
        self.status_bar = status_bar
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 4, 0)
        self.text = QLabel(objectName="printProgressText")
        self.text.setTextFormat(Qt.PlainText)
        self.bar = QProgressBar(objectName="printProgress")
        self.bar.setMaximumWidth(140)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        row.addWidget(self.text)
        row.addWidget(self.bar)
        self.hide()
        actions.progress.connect(self._progress)
        actions.busy_changed.connect(self._busy)
        actions.finished.connect(lambda m: status_bar.showMessage(m, STATUS_MS))
        status_bar.addPermanentWidget(self)

    def _progress(self, message: str, done: int, total: int) -> None:
        self.text.setText(message)
        self.bar.setRange(0, total)  # 0, 0: a busy indicator
        self.bar.setValue(done)

    def _busy(self, busy: bool) -> None:
        self.setVisible(busy)
        if not busy:
            self.bar.setRange(0, 1)
