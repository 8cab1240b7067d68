"""A lazy table model over the sessions file: pages are fetched as the view scrolls, never all rows.

Keyset pagination (the last row's key) keeps every page as fast as the first, even with a million sessions. Pages
are read on a worker thread (`read_page`, its own read-only connection), because a search for a first letter takes
a second at that size; `loaded` (or `failed`) says when one has arrived. The rows of the previous query stay on show
until the first page of the new one replaces them. One read runs at a time: a query asked for while another is
being read waits for it, and the older result is dropped (each read carries the number of the query it was for).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal

from decisionaid.ui.common import qt_text

COLUMNS = ("Date and time", "Patient", "Clinician", "Status", "Decision", "Follow-up", "Draft", "Session no.")
PAGE = 100


def read(query_number: int, path, query: str, after, filters, first=None) -> tuple:
    """On the worker thread: (query_number, rows, None) or (query_number, [], the error). `first`: a Future to wait
    for before reading (the search index brought up to date on the sessions file's owner thread)."""
    from decisionaid.sessions.store import read_page

    if first is not None:
        first.exception()  # waits; a failure is told by whoever asked for it, and the read goes on
    try:
        return query_number, read_page(path, query, after=after, limit=PAGE, filters=filters), None
    except Exception as exc:  # noqa: BLE001 - shown by the view; the model must hear that the read ended
        return query_number, [], exc


class SessionListModel(QAbstractTableModel):
    loaded = Signal()  # a page of the current query arrived
    failed = Signal(object)  # the current query could not be read (usually a StoreError)

    def __init__(self, parent=None, decision_label=None):
        super().__init__(parent)
        # the checklist's words for a decision, as the Consultation screen shows them (sessions_view.decision_label)
        self._decision_label = decision_label or (lambda code: code or "")
        self._rows: list = []
        self._path = None
        self._query = ""
        self._filters = None
        self._wait_for = None  # what the current query's first page waits for (set_query)
        self._number = 0  # of the current query
        self._exhausted = True
        self._fresh = False  # the current query's first page has not arrived: the rows shown are older
        self._wanted = False  # the current query waits for a page
        self._reading = False  # a worker is reading a page (perhaps of an older query)

    def set_query(self, path, query: str = "", filters=None, wait_for=None) -> None:
        """Show the sessions in the file at `path` matching `query` (all when blank) and `filters`, newest first.
        Returns at once; the rows follow with `loaded`. `path` None empties the list. `wait_for`: a Future the first
        page's read waits for, on its worker thread (the search index being brought up to date)."""
        self._number += 1
        self._path, self._query, self._filters, self._wait_for = path, query.strip(), filters, wait_for
        if path is None:
            self.beginResetModel()
            self._rows, self._exhausted, self._fresh, self._wanted = [], True, False, False
            self.endResetModel()
            return
        self._exhausted, self._fresh = False, True
        self._request()

    def is_loading(self) -> bool:
        return self._wanted

    def _request(self) -> None:
        self._wanted = True
        if not self._reading:
            self._start()

    def _start(self) -> None:
        from decisionaid.ui.tasks import run_in_background

        self._reading = True
        after = None if self._fresh or not self._rows else self._rows[-1].key
        run_in_background(read, self._number, self._path, self._query, after, self._filters,
                          self._wait_for if self._fresh else None, on_done=self._arrived)

    def _arrived(self, result: tuple) -> None:
        self._reading = False
        number, page, error = result
        if number != self._number:  # an older query's page: never shown
            if self._wanted:
                self._start()
            return
        self._wanted = False
        if error is not None:
            self._exhausted = True
            if self._fresh:
                self._replace_rows([])
            self.failed.emit(error)
            return
        self._exhausted = len(page) < PAGE
        if self._fresh:
            self._replace_rows(page)
        elif page:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()
        self.loaded.emit()

    def _replace_rows(self, rows: list) -> None:
        self.beginResetModel()
        self._rows, self._fresh = rows, False
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted and not self._fresh

    def fetchMore(self, parent=QModelIndex()) -> None:
        """Ask for the next page (it arrives with `loaded`); ignored while one is on its way."""
        if parent.isValid() or self._exhausted or self._fresh or self._wanted:
            return
        self._request()

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        s = self._rows[index.row()]
        if role == Qt.DisplayRole:
            return (s.held_at.replace("T", " "), qt_text(s.patient_ref) or "(no identifier yet)", qt_text(s.clinician),
                    s.status or "",
                    self._decision_label(s.decision), s.follow_up or "",
                    "unsaved draft" if s.is_draft else "", str(s.session_id))[index.column()]
        if role == Qt.UserRole:
            return s.session_id
        return None

    def session_at(self, row: int):
        return self._rows[row]
