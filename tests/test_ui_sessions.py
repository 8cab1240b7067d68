"""The Sessions screen: newest first, search, filters, a lazy list, export and backup off the UI thread."""

from __future__ import annotations

import csv
import json

import pytest

from decisionaid import paths
from decisionaid.sessions.record import SessionRecord
from decisionaid.sessions.store import SessionStore
from decisionaid.ui.main_window import MainWindow
from decisionaid.ui.session_list_model import PAGE


def record(i: int, **kw) -> SessionRecord:
    base = dict(patient_ref=f"P-{i:04d}", clinician="Dr Test", held_at=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T10:{i % 60:02d}",
                phq9_items=None, phq9_total=12, answers={}, notes=f"note number {i}", decision=None,
                follow_up=None, status="Incomplete")
    base.update(kw)
    return SessionRecord(**base)


@pytest.fixture
def seeded(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path / "data"))
    paths.set_data_dir(None)
    store = SessionStore.open(paths.database_path())
    ids = [store.create(record(i, decision=("proceed", "defer", "decline", "refer")[i % 4],
                               notes=f"note number {i}" + (" ptosis worry" if i % 50 == 0 else "")), "Dr Test")
           for i in range(2 * PAGE + 30)]
    store.close()
    return ids


def sessions_screen(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.ready, timeout=5000):
        w.load_evidence()
    w.show_screen("Sessions")
    return w, w.screen("Sessions")


def all_rows(view):
    while view.model.canFetchMore():
        view.model.fetchMore()
    return [view.model.session_at(r) for r in range(view.model.rowCount())]


def test_list_is_lazy_newest_first_and_complete(qtbot, seeded):
    _w, view = sessions_screen(qtbot)
    assert view.model.rowCount() == PAGE  # only the first page is loaded
    rows = all_rows(view)
    assert len(rows) == len(seeded)
    keys = [(r.held_at, r.session_id) for r in rows]
    assert keys == sorted(keys, reverse=True)
    assert len({r.session_id for r in rows}) == len(seeded)


def test_search_and_filters(qtbot, seeded):
    _w, view = sessions_screen(qtbot)
    view.search.setText("ptosis")
    qtbot.waitUntil(lambda: view.model.rowCount() == len(seeded[::50]), timeout=3000)
    assert all("P-" in r.patient_ref for r in all_rows(view))
    view.decision.setCurrentIndex(view.decision.findData("decline"))
    rows = all_rows(view)
    assert rows and all(r.decision == "decline" for r in rows)
    view.search.setText("")
    declines = sum(1 for i in range(len(seeded)) if i % 4 == 2)
    qtbot.waitUntil(lambda: view.model.rowCount() == declines, timeout=3000)
    view.use_dates.setChecked(True)
    from PySide6.QtCore import QDate
    view.date_from.setDate(QDate(2026, 3, 1))
    view.date_to.setDate(QDate(2026, 3, 31))
    rows = all_rows(view)
    assert rows and all(r.held_at.startswith("2026-03") and r.decision == "decline" for r in rows)


def test_export_selected_and_all(qtbot, seeded, tmp_path):
    _w, view = sessions_screen(qtbot)
    view.table.selectRow(0)
    chosen = view.selected_ids()
    assert len(chosen) == 1
    out = tmp_path / "one.json"
    view.export_to(str(out), "json", chosen)
    qtbot.waitUntil(lambda: "Exported 1 " in view.message.text(), timeout=10000)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [d["session_id"] for d in data] == chosen

    out_csv = tmp_path / "all.csv"
    view.export_to(str(out_csv), "csv", None)
    qtbot.waitUntil(lambda: f"Exported {len(seeded)} " in view.message.text(), timeout=20000)
    with out_csv.open(newline="", encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == len(seeded)


def test_back_up_now_writes_a_readable_copy(qtbot, seeded, tmp_path):
    _w, view = sessions_screen(qtbot)
    out = tmp_path / "copy.sqlite3"
    view.back_up_to(str(out))
    qtbot.waitUntil(lambda: view.message.text().startswith("Backed up"), timeout=20000)
    copy = SessionStore.open(out)
    try:
        assert copy.count() == len(seeded)
    finally:
        copy.close()
