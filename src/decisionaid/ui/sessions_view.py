"""Saved sessions, reviewed offline: search, filter, reopen, amend, history, export, back up and restore.

Listing, search and export run on worker threads, each through a read-only connection of its own (see
session_list_model); a backup runs on the sessions file's owner thread after the writes queued before it
(store_owner.py): typing in the search box never waits for the file.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox,
                               QFileDialog, QHBoxLayout, QHeaderView, QLineEdit, QListWidget, QListWidgetItem,
                               QMessageBox, QPlainTextEdit, QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget)

from decisionaid.ui.common import heading, label, scrolling_row
from decisionaid.ui.date_field import DateField
from decisionaid.ui.session_list_model import SessionListModel

ANY_DECISION = ("Any decision", None)
FOLLOW_UP_FILTERS = (("Any follow-up", None), ("Follow-up due", "due"), ("Follow-up overdue", "overdue"))
SEARCH_DELAY_MS = 250


def _due_window() -> int:
    from decisionaid.checklist.followup import FollowUpRulesError, load_rules
    from decisionaid.resources import ResourceError

    try:
        return load_rules().due_window_days
    except (FollowUpRulesError, ResourceError):
        from decisionaid.sessions.listing import Filters

        return Filters.due_window_days


def local_time(utc_iso: str) -> str:
    """A stored UTC time as the clinician's local time, to the second."""
    import datetime as dt

    return dt.datetime.fromisoformat(utc_iso).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _phq9_total_text(record) -> str:
    from decisionaid.checklist.phq9 import Phq9, phq9_total

    total = phq9_total(Phq9(items=record.phq9_items, total=record.phq9_total))
    if total is None:
        return "not recorded"
    return f"{total}" if record.phq9_total is not None else f"{total} (sum of the items)"


def _checklist():
    """The checklist, for the decisions' labels; None when it cannot be read (the stored codes are shown then)."""
    from decisionaid.checklist.items import ChecklistError, default_checklist
    from decisionaid.resources import ResourceError

    try:
        return default_checklist()
    except (ChecklistError, ResourceError):
        return None


def decision_label(code: str | None) -> str:
    """The words the Consultation screen shows for a decision ("proceed" -> "Proceed")."""
    checklist = _checklist()
    return checklist.decision_label(code) if checklist is not None else (code or "not decided")


def decision_filters() -> tuple[tuple[str, str | None], ...]:
    """The decision filter's entries: any decision, then each of the checklist's decisions with its label."""
    checklist = _checklist()
    return (ANY_DECISION,) + (tuple((d.label, d.code) for d in checklist.decisions) if checklist is not None else ())


def record_text(record, questions: dict[str, str] | None = None) -> str:
    """A revision as plain text, for the history viewer; answers are shown against their questions."""
    questions = questions or {}
    lines = [f"Patient: {record.patient_ref}", f"Date and time: {record.held_at.replace('T', ' ')}",
             f"Clinician: {record.clinician}", f"Status: {record.status}",
             f"PHQ-9 items: {', '.join('-' if v is None else str(v) for v in record.phq9_items)}"
             if record.phq9_items else "PHQ-9 items: not recorded",
             f"PHQ-9 total: {_phq9_total_text(record)}",
             f"Decision: {decision_label(record.decision)}", f"Follow-up: {record.follow_up or 'none'}",
             "", "Answers:"]
    lines += [f"  {questions.get(k, k)}: {v}" for k, v in record.answers.items()] or ["  none"]
    lines += ["", "Notes:", record.notes]
    return "\n".join(lines)


class HistoryDialog(QDialog):
    """Every revision of one session, newest first, with what changed; any one can be read in full."""

    def __init__(self, store, session_id: int, parent=None, questions: dict[str, str] | None = None):
        super().__init__(parent)
        self.store, self.session_id, self.questions = store, session_id, questions or {}
        self.setWindowTitle(f"History of session {session_id}")
        self.resize(900, 600)
        lay = QVBoxLayout(self)
        self.show_autosaves = QCheckBox("Show &autosaves too", objectName="showAutosaves")
        lay.addWidget(self.show_autosaves)
        split = QSplitter(Qt.Horizontal)
        self.revisions = QListWidget(objectName="revisions")
        self.viewer = QPlainTextEdit(objectName="revisionText")
        self.viewer.setReadOnly(True)
        split.addWidget(self.revisions)
        split.addWidget(self.viewer)
        split.setSizes([360, 540])
        lay.addWidget(split, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.show_autosaves.toggled.connect(self.reload)
        self.revisions.currentItemChanged.connect(self._show)
        from decisionaid.ui.store_owner import Reads

        self._reads = Reads(self)  # the revisions, read on the sessions file's owner thread
        self.finished.connect(lambda _result: self._reads.drop())  # closed: a read still on its way is not shown
        self.reload()
        from decisionaid.ui.keyboard import add_mnemonics

        add_mnemonics(self)

    def reload(self) -> None:
        """Read the revisions on the sessions file's owner thread (after what is queued there: a backup of a big
        file takes seconds); meanwhile the dialog says so and the window stays usable. Asking again (the autosaves
        box) or closing the dialog drops a read still on its way."""
        self.revisions.clear()
        self.viewer.setPlainText("Reading the history\u2026")
        self.show_autosaves.setEnabled(False)
        self.setCursor(Qt.BusyCursor)
        session_id, autosaves = self.session_id, self.show_autosaves.isChecked()
        self._reads.read(self.store, lambda store: store.history(session_id, include_autosaves=autosaves),
                         on_done=self._fill, on_error=self._failed)

    def reading(self) -> bool:
        """The revisions asked for have not arrived yet."""
        return self._reads.waiting()

    def _read_done(self) -> None:
        self.show_autosaves.setEnabled(True)
        self.unsetCursor()

    def _failed(self, exc) -> None:
        from decisionaid.sessions.errors import StoreError

        self._read_done()
        if not isinstance(exc, StoreError):
            raise exc
        # e.g. one damaged revision: say which instead of a half list
        self.viewer.setPlainText(f"The history could not be read: {exc.title}. {exc.advice}")

    def _fill(self, revisions) -> None:
        self._read_done()
        self.viewer.setPlainText("")
        kinds = {"save": "saved", "amend": "amendment", "autosave": "autosave", "revert": "draft discarded"}
        for i, rev in enumerate(revisions):
            number = f"Revision {rev.number} \u00b7 " if rev.number else ""
            text = f"{number}{kinds.get(rev.kind, rev.kind)} by {rev.author} \u00b7 {local_time(rev.created_at)}"
            if rev.reason:
                text += f"\nReason: {rev.reason}"
            before = revisions[i + 1].record if i + 1 < len(revisions) else None
            changes = [self._change(c, before, rev.record) for c in rev.changes]
            text += "\nChanged: " + ("; ".join(changes) if changes else "first version" if before is None
                                      else "no change")
            item = QListWidgetItem(text)
            item.setData(Qt.UserRole, rev)
            self.revisions.addItem(item)
        if self.revisions.count():
            self.revisions.setCurrentRow(0)

    def _change(self, change: str, before, after) -> str:
        """'field: old \u2192 new' (answers by their question)."""
        def value(record):
            if change.startswith("answers."):
                v = record.answers.get(change[len("answers."):])
            else:
                v = getattr(record, change, None)
            if v is None or v == "":
                return "(blank)"
            return ",".join("-" if x is None else str(x) for x in v) if isinstance(v, tuple) else str(v)

        name = self._field_name(change)
        if before is None or change == "notes":
            return name  # notes can be long: read them in the revision itself
        return f"{name}: {value(before)} \u2192 {value(after)}"

    def _field_name(self, change: str) -> str:
        if change.startswith("answers."):
            return self.questions.get(change[len("answers."):], change)
        return change.replace("_", " ")

    def _show(self, item, _previous=None) -> None:
        self.viewer.setPlainText(record_text(item.data(Qt.UserRole).record, self.questions) if item else "")


class SessionsView(QWidget):
    open_requested = Signal(int)
    amend_requested = Signal(int)

    def __init__(self, store_opener, parent=None, questions: dict[str, str] | None = None, printing=None,
                 handoff=None):
        super().__init__(parent)
        self._open_store = store_opener
        self.questions = questions or {}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 10, 12, 10)
        lay.addWidget(heading("Saved sessions"))
        filter_row = QWidget(objectName="sessionFilters")
        filters = QHBoxLayout(filter_row)
        filters.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit(objectName="sessionSearch")
        self.search.setPlaceholderText("Search notes, identifiers and clinicians")
        self.search.setAccessibleName("Search sessions")
        self.search.setClearButtonEnabled(True)
        self.use_dates = QCheckBox("Fro&m", objectName="useDates")
        self.date_from = DateField(objectName="dateFrom")
        self.date_to = DateField(objectName="dateTo")
        self.date_from.setAccessibleName("Sessions held on or after")
        self.date_to.setAccessibleName("Sessions held on or before")
        for d in (self.date_from, self.date_to):
            d.setDisplayFormat("yyyy-MM-dd")
            d.setCalendarPopup(True)
            d.setEnabled(False)
        self.date_from.setDate(QDate.currentDate().addMonths(-1))
        self.date_to.setDate(QDate.currentDate())
        self.decision = QComboBox(objectName="decisionFilter")
        for text, value in decision_filters():
            self.decision.addItem(text, value)
        filters.addWidget(self.search, 3)
        filters.addWidget(self.use_dates)
        filters.addWidget(self.date_from)
        filters.addWidget(label("to", wrap=False))
        filters.addWidget(self.date_to)
        filters.addWidget(self.decision)
        self.follow_up_filter = QComboBox(objectName="followUpFilter")
        for text, value in FOLLOW_UP_FILTERS:
            self.follow_up_filter.addItem(text, value)
        self.follow_up_filter.setToolTip("Due: the follow-up date is within the coming week. Overdue: the date has "
                                         "passed. In both, no follow-up visit has been recorded since a week before "
                                         "that date.")
        filters.addWidget(self.follow_up_filter)
        self.search.setMinimumWidth(160)
        lay.addWidget(scrolling_row(filter_row))
        for d in (self.date_from, self.date_to):  # a date typed that does not exist: said here, the filter kept
            lay.addWidget(d.message)
        self.count_label = label("", size=9, name="sessionCount")
        lay.addWidget(self.count_label)

        self.model = SessionListModel(decision_label=decision_label)
        self.table = QTableView(objectName="sessionTable")
        self.table.setAccessibleName("Sessions")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((140, 160, 140, 190, 110, 100, 110)):
            self.table.setColumnWidth(col, width)
        lay.addWidget(self.table, 1)

        button_row = QWidget(objectName="sessionButtons")
        buttons = QHBoxLayout(button_row)
        buttons.setContentsMargins(0, 0, 0, 0)
        self.open_button = QPushButton("&Open")
        self.amend_button = QPushButton("&Amend")
        self.history_button = QPushButton("Hi&story\u2026")
        self.follow_up_button = QPushButton("Follo&w-up\u2026", objectName="followUpButton")
        self.follow_up_button.setToolTip("Record a follow-up visit of the selected session and see its course")
        self.export_button = QPushButton("Export se&lected\u2026")
        self.export_all_button = QPushButton("Expor&t all\u2026")
        self.backup_button = QPushButton("&Back up now\u2026")
        self.restore_button = QPushButton("Restore from bac&kup\u2026")
        for b in (self.open_button, self.amend_button, self.history_button, self.follow_up_button):
            buttons.addWidget(b)
        self.print_set = self.print_buttons = None
        if printing is not None:  # Handout and Record menus for the selected session (ui/print_actions.py)
            from decisionaid.ui.print_actions import ActionSet, session_buttons

            self.print_set = ActionSet(
                printing, self.print_subject, lambda: len(self.selected_ids()) == 1, needs_session="Select one session first.",
                handout_tip="The patient handout for the selected session",
                record_tip="The clinician record of the selected session, for the chart", handout_needs_session=True)
            self.print_buttons = session_buttons(self.print_set)
            buttons.addWidget(self.print_buttons)
        buttons.addStretch(1)
        for b in (self.export_button, self.export_all_button, self.backup_button, self.restore_button):
            buttons.addWidget(b)
        lay.addWidget(scrolling_row(button_row))  # on a narrow window the rows scroll sideways, never widen it
        if handoff is not None:  # note for the health record and FHIR document (ui/handoff_actions.py)
            lay.addWidget(scrolling_row(handoff.bar()))
        self.message = label("", name="sessionsMessage", size=9)
        lay.addWidget(self.message)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda: self._search_timer.start())
        self.use_dates.toggled.connect(self.date_from.setEnabled)
        self.use_dates.toggled.connect(self.date_to.setEnabled)
        for signal in (self.use_dates.toggled, self.date_from.dateChanged, self.date_to.dateChanged,
                       self.decision.currentIndexChanged, self.follow_up_filter.currentIndexChanged):
            signal.connect(self.refresh)
        self.follow_up_button.clicked.connect(self.show_follow_up)
        self.table.doubleClicked.connect(lambda _i: self._emit(self.open_requested))
        from PySide6.QtGui import QAction, QKeySequence  # Enter on the list opens the selected session

        self.open_on_enter = QAction("Open the selected session", self.table)
        self.open_on_enter.setShortcuts([QKeySequence(Qt.Key_Return), QKeySequence(Qt.Key_Enter)])
        self.open_on_enter.setShortcutContext(Qt.WidgetShortcut)
        self.open_on_enter.triggered.connect(self._open_current)
        self.table.addAction(self.open_on_enter)
        self.open_button.clicked.connect(lambda: self._emit(self.open_requested))
        self.amend_button.clicked.connect(lambda: self._emit(self.amend_requested))
        self.history_button.clicked.connect(self.show_history)
        self.export_button.clicked.connect(lambda: self.export(selected_only=True))
        self.export_all_button.clicked.connect(lambda: self.export(selected_only=False))
        self.backup_button.clicked.connect(self.back_up)
        self.restore_button.clicked.connect(self.restore)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.loaded.connect(self._show_count)
        self.model.failed.connect(self._show_failure)
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    # --- listing --------------------------------------------------------------------------------------

    def filters(self):
        from decisionaid.sessions.store import Filters

        decision = self.decision.currentData()
        return Filters(date_from=self.date_from.date().toString("yyyy-MM-dd") if self.use_dates.isChecked() else None,
                       date_to=self.date_to.date().toString("yyyy-MM-dd") if self.use_dates.isChecked() else None,
                       decisions=(decision,) if decision else (), follow_up=self.follow_up_filter.currentData(),
                       due_window_days=_due_window())

    def refresh(self) -> None:
        """Ask for the first page of the current search and filters; it is read on a worker thread and shown when it
        arrives (`model.loaded`), replacing the rows of any older query."""
        from decisionaid.sessions.errors import StoreError
        from decisionaid.ui.store_owner import StoreHandle

        self._search_timer.stop()
        store = self._open_store()
        if store is None:
            self.model.set_query(None)
            self.count_label.setText("The sessions file is not available.")
            return
        query, indexed = self.search.text(), None
        if query.strip():
            # the few sessions autosaved since the last search, indexed by the writer (the owner thread) before the
            # search reads: the worker waits for it, never the window (Back up now may hold the owner for seconds)
            def not_indexed(exc) -> None:
                if not isinstance(exc, StoreError):
                    raise exc
                self.message.setText(f"Recent drafts may not be found: {exc.title}. {exc.advice}")

            if isinstance(store, StoreHandle):
                indexed = store.owner.submit(store.store.update_search_index, on_error=not_indexed)
            else:
                try:  # a store used on this thread
                    store.update_search_index()
                except StoreError as exc:
                    not_indexed(exc)
        self.count_label.setText("Searching…" if query.strip() else "Loading…")
        self.model.set_query(store.path, query, self.filters(), wait_for=indexed)

    def _show_count(self) -> None:
        shown = self.model.rowCount()
        more = " (scroll for more)" if self.model.canFetchMore() else ""
        self.count_label.setText(f"{shown} session{'s' if shown != 1 else ''} shown{more}, newest first."
                                 if shown else "No saved sessions match.")
        self._update_buttons()

    def _show_failure(self, exc) -> None:
        self.count_label.setText(f"The sessions could not be listed: {exc}")
        self._update_buttons()

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.session_at(r).session_id for r in rows]

    def _open_current(self) -> None:
        """Enter: the selected session, or the row the keyboard is on when none is selected."""
        current = self.table.currentIndex()
        if not self.selected_ids() and current.isValid():
            self.table.selectRow(current.row())
        self._emit(self.open_requested)

    def _emit(self, signal) -> None:
        ids = self.selected_ids()
        if ids:
            signal.emit(ids[0])

    def _update_buttons(self, *_) -> None:
        n = len(self.selected_ids())
        for b in (self.open_button, self.amend_button, self.history_button, self.follow_up_button):
            b.setEnabled(n == 1)
        self.export_button.setEnabled(n > 0)
        if self.print_set is not None:
            self.print_buttons.setEnabled(n == 1)
            self.print_set.refresh()

    def print_subject(self):
        """The selected session for a handout, a record or a hand-off: its latest saved version
        (print_job.Subject), to be read on the sessions file's owner thread (a store_owner.Pending, so the window
        never waits behind a backup); None when the sessions file is not available."""
        from decisionaid.handout.print_job import stored_subject
        from decisionaid.ui.store_owner import Pending

        store = self._open_store()
        if store is None:
            return None
        session_id = self.selected_ids()[0]
        return Pending(store, lambda s: stored_subject(s, session_id))

    def show_follow_up(self) -> None:
        from decisionaid.checklist.items import ChecklistError, load_checklist
        from decisionaid.evidence.pack import PackError, load_pack
        from decisionaid.checklist.followup import FollowUpRulesError
        from decisionaid.sessions.errors import StoreError
        from decisionaid.settings import load as load_settings
        from decisionaid.ui.followup_view import FollowUpDialog

        ids, store = self.selected_ids(), self._open_store()
        if not ids or store is None:
            self._not_available(store)
            return
        try:
            dialog = FollowUpDialog(store, ids[0], load_checklist(), load_pack(), load_settings(), self)
        except (ChecklistError, PackError, FollowUpRulesError, StoreError) as exc:
            self.message.setText(f"The follow-up could not be opened: {getattr(exc, 'title', exc)} "
                                 f"{getattr(exc, 'advice', '')}".strip())
            return
        dialog.exec()
        self.refresh()  # a visit may end a due or overdue follow-up

    def show_history(self) -> None:
        ids, store = self.selected_ids(), self._open_store()
        if ids and store is not None:
            HistoryDialog(store, ids[0], self, self.questions).exec()
        else:
            self._not_available(store)

    def _not_available(self, store) -> None:
        if store is None:
            self.message.setText("The sessions file is not available (see the message shown when it was opened).")

    # --- long work, off the UI thread -----------------------------------------------------------------

    def _busy(self, text: str, busy: bool) -> None:
        self.message.setText(text)
        for b in (self.export_button, self.export_all_button, self.backup_button, self.restore_button):
            b.setEnabled(not busy)
        if not busy:
            self._update_buttons()

    def _failed(self, what: str):
        def show(exc) -> None:
            self._busy(f"{what} failed: {getattr(exc, 'title', '')} {getattr(exc, 'advice', exc)}".strip(), False)
        return show

    def _db_path(self):
        store = self._open_store()
        if store is None:
            self.message.setText("The sessions file is not available (see the message shown when it was opened).")
            return None
        return store.path

    def _refused(self, path: str, db_path) -> bool:
        """True (and a warning shown) if `path` is one of the program's own files (output_guard)."""
        from decisionaid.output_guard import refusal

        refused = refusal(path, db_path, getattr(self._open_store(), "backup_dir", None))
        if refused is None:
            return False
        self.message.setText(f"{refused.title}: nothing was written.")
        box = QMessageBox(QMessageBox.Warning, "decisionaid", f"{refused.title}.\n\n{refused.advice}",
                          QMessageBox.Ok, self)
        box.setTextFormat(Qt.PlainText)
        box.setAttribute(Qt.WA_DeleteOnClose)
        self.refusal_box = box
        box.open()
        return True

    def export(self, selected_only: bool) -> None:
        ids = self.selected_ids() if selected_only else None
        path, chosen = QFileDialog.getSaveFileName(self, "Export sessions", "sessions.csv",
                                                   "CSV (*.csv);;JSON (*.json)")
        if not path:
            return
        fmt = "json" if path.lower().endswith(".json") or "JSON" in chosen else "csv"
        self.export_to(path, fmt, ids)

    def export_to(self, path: str, fmt: str, ids=None):
        from decisionaid.sessions.export import export_sessions
        from decisionaid.ui.tasks import run_in_background

        db_path = self._db_path()
        if db_path is None or self._refused(path, db_path):
            return None
        self._busy("Exporting\u2026", True)

        backup_dir = self._open_store().backup_dir

        def work():
            """On a worker thread, through its own read-only connection: an export of every session takes a
            while and must not hold up the writes queued on the sessions file's owner thread; it never writes."""
            from decisionaid.sessions.connection import connect, database
            from decisionaid.sessions.errors import database_errors, translate
            from decisionaid.sessions.store import SessionStore

            try:
                reader = SessionStore(database(connect(db_path, read_only=True)), db_path, backup_dir)
            except database_errors() as exc:
                raise translate(exc, db_path) from exc
            try:
                return export_sessions(reader, ids, fmt, path)
            finally:
                reader.close()

        def done(n) -> None:
            damaged = getattr(n, "damaged", ())
            left_out = ", ".join(f"session {d.session_id} (revision {d.revision_id})" for d in damaged)
            them = "them" if len(damaged) > 1 else "it"
            note = f" Left out because damaged: {left_out}; restore a backup to get {them} back." if damaged else ""
            self._busy(f"Exported {n} session(s) to {path}.{note}", False)

        return run_in_background(work, on_done=done, on_error=self._failed("Export"))

    def back_up(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Back up sessions", "decisionaid-backup.sqlite3",
                                              "SQLite database (*.sqlite3)")
        if path:
            self.back_up_to(path)

    def back_up_to(self, path: str):
        """On the sessions file's owner thread, after the writes queued before it: the backup holds them."""
        from decisionaid.ui.store_owner import StoreHandle

        store = self._open_store()
        if store is None:
            self.message.setText("The sessions file is not available (see the message shown when it was opened).")
            return None
        if self._refused(path, store.path):
            return None
        self._busy("Backing up\u2026", True)
        done, failed = (lambda _r: self._busy(f"Backed up to {path}.", False)), self._failed("Backup")
        if isinstance(store, StoreHandle):
            return store.owner.submit(store.store.backup_to, path, on_done=done, on_error=failed)
        from decisionaid.sessions.errors import StoreError

        try:  # a store used on this thread
            done(store.backup_to(path))
        except (StoreError, OSError) as exc:
            failed(exc)
        return None

    restore_requested = Signal(str)

    def restore(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Restore from backup", "", "SQLite database (*.sqlite3 *.db)")
        if not path:
            return
        answer = QMessageBox.question(
            self, "Restore from backup",
            "Replace the current sessions with this backup? The current file is kept beside it, not deleted.")
        if answer == QMessageBox.Yes:
            self.restore_requested.emit(path)
