"""The print actions and widgets: Preview, Print and Save as PDF for the handout and the record of one subject
(`ActionSet`: the File menu, the Consultation screen's row of buttons `PrintBar`, the Sessions screen's
`session_buttons`), and the status-bar progress of a print job (`PrintProgress`).

Every action calls the print controller (ui/print_controller.PrintActions), which does the work; an action is
off, with a tooltip saying why, while a job runs or when it needs a session that is not there.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QMenu, QProgressBar, QPushButton, QWidget

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


class PrintBar(QWidget):
    """The row of buttons on the Consultation screen: handout (preview, print, save, large print) and record."""

    def __init__(self, actions: ActionSet, parent=None):
        super().__init__(parent)
        self.actions = actions
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label("Handout for the patient:", wrap=False, selectable=False))
        self.preview_handout = action_button(actions.preview_handout, "P&review\u2026", "previewHandout")
        self.print_handout = action_button(actions.print_handout, "Pr&int\u2026", "printHandout")
        self.save_handout = action_button(actions.save_handout, "Save as P&DF\u2026", "saveHandout")
        for b in (self.preview_handout, self.print_handout, self.save_handout):
            row.addWidget(b)
        self.large_print = QCheckBox("&Large print", objectName="largePrint")
        lp = actions.actions.large_print
        self.large_print.setChecked(lp.isChecked())
        self.large_print.setToolTip(lp.statusTip())
        self.large_print.toggled.connect(lp.setChecked)
        lp.toggled.connect(self.large_print.setChecked)
        row.addWidget(self.large_print)
        row.addSpacing(24)
        row.addWidget(label("Record for the chart:", wrap=False, selectable=False))
        self.preview_record = action_button(actions.preview_record, "Previe&w\u2026", "previewRecord")
        self.print_record = action_button(actions.print_record, "Prin&t\u2026", "printRecord")
        self.save_record = action_button(actions.save_record, "Sa&ve as PDF\u2026", "saveRecord")
        for b in (self.preview_record, self.print_record, self.save_record):
            row.addWidget(b)
        row.addStretch(1)


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
