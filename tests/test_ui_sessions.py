"""The Sessions screen: newest first, search, filters, a lazy list, export and backup off the UI thread."""

from __future__ import annotations

import csv
import json
import threading

import pytest
from PySide6.QtCore import QTimer

from decisionaid import paths
from decisionaid.sessions.session_record import SessionRecord
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
    view = w.screen("Sessions")
    settle(qtbot, view)
    return w, view


def settle(qtbot, view):
    """Wait until the page asked for last has arrived (pages are read on a worker thread)."""
    qtbot.waitUntil(lambda: not view.model.is_loading(), timeout=5000)


def all_rows(qtbot, view):
    settle(qtbot, view)
    while view.model.canFetchMore():
        view.model.fetchMore()
        settle(qtbot, view)
    return [view.model.session_at(r) for r in range(view.model.rowCount())]


def test_list_is_lazy_newest_first_and_complete(qtbot, seeded):
    _w, view = sessions_screen(qtbot)
    assert view.model.rowCount() == PAGE  # only the first page is loaded
    rows = all_rows(qtbot, view)
    assert len(rows) == len(seeded)
    keys = [(r.held_at, r.session_id) for r in rows]
    assert keys == sorted(keys, reverse=True)
    assert len({r.session_id for r in rows}) == len(seeded)


def test_search_and_filters(qtbot, seeded):
    _w, view = sessions_screen(qtbot)
    view.search.setText("ptosis")
    qtbot.waitUntil(lambda: view.model.rowCount() == len(seeded[::50]), timeout=3000)
    assert all("P-" in r.patient_ref for r in all_rows(qtbot, view))
    view.decision.setCurrentIndex(view.decision.findData("decline"))
    rows = all_rows(qtbot, view)
    assert rows and all(r.decision == "decline" for r in rows)
    view.search.setText("")
    declines = sum(1 for i in range(len(seeded)) if i % 4 == 2)
    qtbot.waitUntil(lambda: view.model.rowCount() == declines, timeout=3000)
    view.use_dates.setChecked(True)
    from PySide6.QtCore import QDate
    view.date_from.setDate(QDate(2026, 3, 1))
    view.date_to.setDate(QDate(2026, 3, 31))
    rows = all_rows(qtbot, view)
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


def shown_ids(view) -> list[int]:
    return [view.model.session_at(r).session_id for r in range(view.model.rowCount())]


def search_ids(query: str) -> list[int]:
    """What the store itself finds, every page (the expected rows)."""
    with SessionStore.open(paths.database_path(), check=False) as store:
        found, page = [], store.search(query)
        while page:
            found += [s.session_id for s in page]
            page = store.search(query, after=page[-1].key)
        return found


class Reads:
    """Every read_page call, with the thread it ran on and what it returned; `hold(query)` makes that query wait
    on its worker thread until released, like a search over a million sessions."""

    def __init__(self, real):
        self.real, self.calls, self.results, self.gates = real, [], [], {}

    def hold(self, query: str) -> threading.Event:
        self.gates[query] = threading.Event()
        return self.gates[query]

    def started(self, query: str) -> bool:
        return any(q == query for q, _ in self.calls)

    def __call__(self, path, query="", *args, **kwargs):
        self.calls.append((query, threading.current_thread() is threading.main_thread()))
        if query in self.gates:
            assert self.gates[query].wait(10)
        result = self.real(path, query, *args, **kwargs)
        self.results.append((query, [s.session_id for s in result]))
        return result


@pytest.fixture
def reads(monkeypatch):
    from decisionaid.sessions import store as store_module

    spy = Reads(store_module.read_page)
    monkeypatch.setattr(store_module, "read_page", spy)
    return spy


def test_search_is_read_off_the_ui_thread_and_arrives_by_signal(qtbot, seeded, reads):
    _w, view = sessions_screen(qtbot)
    before = shown_ids(view)
    slow = reads.hold("ptosis")
    view.search.setText("ptosis")  # read after the debounce
    qtbot.waitUntil(lambda: reads.started("ptosis"), timeout=3000)
    assert view.model.is_loading() and view.count_label.text() == "Searching\u2026"
    assert shown_ids(view) == before  # the previous rows stay until the new ones arrive
    ticks = []
    timer = QTimer(view, interval=5, timeout=lambda: ticks.append(1))
    timer.start()
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=3000)  # the window keeps working while the search runs
    timer.stop()
    with qtbot.waitSignal(view.model.loaded, timeout=5000):
        slow.set()
    assert shown_ids(view) == search_ids("ptosis") and len(shown_ids(view)) == len(seeded[::50])
    assert view.count_label.text().startswith(f"{len(seeded[::50])} sessions shown")
    assert reads.calls and not any(on_ui_thread for _q, on_ui_thread in reads.calls)


def test_a_late_result_of_an_older_query_is_dropped(qtbot, seeded, reads):
    _w, view = sessions_screen(qtbot)
    snapshots = []
    view.model.modelReset.connect(lambda: snapshots.append(shown_ids(view)))
    view.model.rowsInserted.connect(lambda *_: snapshots.append(shown_ids(view)))
    slow = reads.hold("ptosis")
    view.search.setText("ptosis")
    view.refresh()  # at once, not after the debounce
    qtbot.waitUntil(lambda: reads.started("ptosis"), timeout=3000)
    view.search.setText("note number 7")
    view.refresh()  # a newer query while the older one is still being read
    slow.set()
    qtbot.waitUntil(lambda: reads.started("note number 7") and not view.model.is_loading(), timeout=5000)
    newest = search_ids("note number 7")
    assert ("ptosis", search_ids("ptosis")) in reads.results  # the older query did finish ...
    assert snapshots == [newest] and shown_ids(view) == newest  # ... and its rows were never shown
    assert len(newest) == 11  # 7 and 70-79


def test_a_new_query_while_a_page_is_loading_drops_that_page(qtbot, seeded, reads):
    _w, view = sessions_screen(qtbot)
    slow = reads.hold("")
    view.model.fetchMore()  # the second page of the list ...
    qtbot.waitUntil(lambda: len(reads.calls) == 2, timeout=3000)
    view.decision.setCurrentIndex(view.decision.findData("refer"))  # ... and a filter changed meanwhile
    slow.set()
    rows = all_rows(qtbot, view)
    refers = sum(1 for i in range(len(seeded)) if i % 4 == 3)
    assert len(rows) == refers and all(r.decision == "refer" for r in rows)


def test_workers_open_the_file_without_the_quick_check(qtbot, seeded, tmp_path, monkeypatch):
    from decisionaid.sessions import store as store_module

    opened, checked = [], []
    real_open, real_check = SessionStore.open.__func__, store_module._quick_check

    def recording_open(cls, path, *args, check=True, **kwargs):
        opened.append((threading.current_thread() is threading.main_thread(), check))
        return real_open(cls, path, *args, check=check, **kwargs)

    def recording_check(conn):
        checked.append(threading.current_thread() is threading.main_thread())
        return real_check(conn)

    monkeypatch.setattr(SessionStore, "open", classmethod(recording_open))
    monkeypatch.setattr(store_module, "_quick_check", recording_check)
    w = MainWindow()
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.ready, timeout=5000):
        w.load_evidence()
    with qtbot.waitSignal(w.store_checked, timeout=5000) as healthy:
        w.show_screen("Sessions")
    assert healthy.args == [True] and checked == [False]  # checked once, on a worker thread
    view = w.screen("Sessions")
    view.export_to(str(tmp_path / "all.json"), "json", None)
    qtbot.waitUntil(lambda: view.message.text().startswith("Exported"), timeout=20000)
    view.back_up_to(str(tmp_path / "copy.sqlite3"))
    qtbot.waitUntil(lambda: view.message.text().startswith("Backed up"), timeout=20000)
    # only the window's, on the sessions file's owner thread, which also takes the backup (the export reads
    # through a read-only connection of its own)
    assert opened == [(False, False)]
    assert checked == [False]


def test_restore_from_a_backup_runs_in_the_background(qtbot, seeded, tmp_path):
    w, view = sessions_screen(qtbot)
    backup = tmp_path / "copy.sqlite3"
    view.back_up_to(str(backup))
    qtbot.waitUntil(lambda: view.message.text().startswith("Backed up"), timeout=20000)
    w.store().create(record(9999, notes="after the backup"), "Dr Test")
    with qtbot.waitSignal(w.store_replaced, timeout=20000):
        w.restore_backup(str(backup))
        assert w.store() is None  # nothing is written while the file is being replaced
    settle(qtbot, view)
    assert len(all_rows(qtbot, view)) == len(seeded)
    assert list(paths.data_dir().glob("sessions.sqlite3.replaced-*"))  # the file before the restore, kept
