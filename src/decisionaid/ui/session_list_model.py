"""A lazy table model over the session store: pages are fetched as the view scrolls, never all rows.

Keyset pagination (the last row's key) keeps every page as fast as the first, even with a million sessions.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

COLUMNS = ("Date and time", "Patient", "Clinician", "Status", "Decision", "Follow-up", "")
PAGE = 100


class SessionListModel(QAbstractTableModel):
    def __init__(self, store=None, parent=None):
        super().__init__(parent)
        self._store = store
        self._rows: list = []
        self._query = ""
        self._filters = None
        self._exhausted = True

    def set_query(self, store, query: str = "", filters=None) -> None:
        """Show sessions matching `query` (all when blank) and `filters`, newest first."""
        self.beginResetModel()
        self._store, self._query, self._filters = store, query.strip(), filters
        self._rows, self._exhausted = [], store is None
        self.endResetModel()
        if store is not None:
            self.fetchMore(QModelIndex())

    def _page(self, after):
        if self._query:
            return self._store.search(self._query, after=after, limit=PAGE, filters=self._filters)
        return self._store.list_page(after=after, limit=PAGE, filters=self._filters)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid() or self._exhausted:
            return
        page = self._page(self._rows[-1].key if self._rows else None)
        if len(page) < PAGE:
            self._exhausted = True
        if page:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        s = self._rows[index.row()]
        if role == Qt.DisplayRole:
            return (s.held_at.replace("T", " "), s.patient_ref or "(no identifier yet)", s.clinician, s.status or "",
                    (s.decision or "not decided").capitalize(), s.follow_up or "",
                    "unsaved draft" if s.is_draft else "")[index.column()]
        if role == Qt.UserRole:
            return s.session_id
        return None

    def session_at(self, row: int):
        return self._rows[row]
