"""The sessions file's keeper and its owner thread: the UI thread never runs SQLite on the store, autosaves queue
behind each other with the newest text winning, and closing the window waits for every queued write."""

from __future__ import annotations

import threading
import time

import pytest

from decisionaid import paths
from decisionaid.sessions.store import SessionStore
from decisionaid.ui import consultation_view
from window import open_window  # noqa: E402  tests/window.py

pytestmark = pytest.mark.usefixtures("data_dir")


def consultation(qtbot):
    w = open_window(qtbot)
    w.show_screen("Consultation")
    view = w.screen("Consultation")
    view.patient.setText("P-keeper")
    with qtbot.waitSignal(w.store_checked, timeout=10000):
        assert w.store() is not None  # opened (on the owner thread) before the tests keep that thread busy
    return w, view


def hold_owner(w):
    """Keep the owner thread busy until the returned event is set (a long backup, a slow disk)."""
    release, started = threading.Event(), threading.Event()

    def busy():
        started.set()
        release.wait(20)

    w.keeper.owner.submit(busy)
    assert started.wait(5)
    return release


def stored(sid):
    with SessionStore.open(paths.database_path(), check=False) as store:
        return [(r.kind, r.record.notes) for r in reversed(store.history(sid, include_autosaves=True))]


def test_typing_saving_and_reopening_never_run_sqlite_on_the_ui_thread(qtbot, monkeypatch):
    """Autosave by the timer as keys are typed, Save, and reopening the session: every revision is appended, and
    every session read, off the UI thread."""
    from decisionaid.sessions import store as store_module

    threads = []
    for name in ("_append", "get"):
        real = getattr(store_module.SessionStore, name)

        def recording(self, *args, _real=real, _name=name, **kwargs):
            threads.append((_name, threading.current_thread() is threading.main_thread()))
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(store_module.SessionStore, name, recording)
    monkeypatch.setattr(consultation_view, "AUTOSAVE_MS", 50)
    w, view = consultation(qtbot)
    qtbot.keyClicks(view.notes, "typed")
    qtbot.waitUntil(lambda: view.session_id is not None and not view.dirty, timeout=10000)
    assert view.save_state.text().startswith("Autosaved at")
    view.save_button.click()
    qtbot.waitUntil(lambda: not view.save_state.text().startswith("Saving"), timeout=5000)  # it comes by signal
    assert view.save_state.text().startswith("Saved at")
    view.open_session(view.session_id)
    qtbot.waitUntil(lambda: not view.opening(), timeout=5000)  # read on the owner thread, shown by signal
    assert view.notes.toPlainText() == "typed"
    assert {name for name, _ in threads} == {"_append", "get"}
    assert [t for t in threads if t[1]] == []  # none on the UI thread


def test_an_autosave_waiting_its_turn_takes_the_newest_text_and_a_save_is_never_dropped(qtbot):
    w, view = consultation(qtbot)
    release = hold_owner(w)
    for text in ("A", "AB", "ABC"):  # keys typed while the file is busy: each autosave waits its turn
        view.notes.setPlainText(text)
        view.autosave_soon()  # returns at once: nothing waits on the UI thread
    assert view.dirty and view.session_id is None  # nothing written yet
    threading.Timer(0.3, release.set).start()
    assert view.save()  # Save waits for the file; it carries the newest text, in place of the autosave waiting
    view.notes.setPlainText("ABCD")
    view.autosave_soon()
    view.notes.setPlainText("ABCDE")
    view.autosave_soon()
    qtbot.waitUntil(lambda: not view.dirty, timeout=10000)
    w.keeper.owner.drain()
    assert stored(view.session_id) in ([("save", "ABC"), ("autosave", "ABCDE")],
                                       [("save", "ABC"), ("autosave", "ABCD"), ("autosave", "ABCDE")])
    assert view.save_state.text().startswith("Autosaved at")


def test_an_older_autosave_finishing_late_never_clears_newer_typing(qtbot):
    w, view = consultation(qtbot)
    view.notes.setPlainText("first")
    view.autosave_soon()
    view.notes.setPlainText("first and more")  # typed while the first autosave is being written
    qtbot.waitUntil(lambda: view.session_id is not None, timeout=10000)
    w.keeper.owner.drain()
    qtbot.wait(50)  # the first write's outcome is delivered
    assert view.dirty  # "first and more" is not written yet: still to be autosaved
    assert view.flush()
    assert stored(view.session_id)[-1] == ("autosave", "first and more")


def test_closing_right_after_typing_waits_for_the_queued_writes(qtbot):
    w, view = consultation(qtbot)
    release = hold_owner(w)
    view.notes.setPlainText("typed just before closing")
    view.autosave_soon()
    threading.Timer(0.3, release.set).start()
    start = time.monotonic()
    assert w.close()
    assert time.monotonic() - start >= 0.2  # it waited for the busy file
    with SessionStore.open(paths.database_path()) as store:
        assert [s.session_id for s in store.list_page()] == [1]
        assert store.get(1).draft.notes == "typed just before closing"
    assert list(paths.backup_dir().glob("*.sqlite3"))  # the backup on close came after the write


def test_the_keeper_has_one_state_through_open_check_and_restore(qtbot, tmp_path):
    from decisionaid.ui.store_keeper import State

    w = open_window(qtbot)
    w.show_screen("Consultation")
    view = w.screen("Consultation")
    assert w.keeper.state is State.CLOSED
    with qtbot.waitSignal(w.store_checked, timeout=10000):
        assert w.store() is not None
        assert w.keeper.state is State.CHECKING
    assert w.keeper.state is State.OPEN
    view.notes.setPlainText("before the backup")
    assert view.flush()
    backup = tmp_path / "copy.sqlite3"
    w.store().backup_to(backup)
    with qtbot.waitSignal(w.store_replaced, timeout=20000):
        w.restore_backup(str(backup))
        assert w.keeper.state is State.REPLACING and w.store() is None
    assert w.keeper.state is State.OPEN and w.store().count() == 1


def test_a_closed_window_used_again_opens_the_file_again(qtbot):
    w, view = consultation(qtbot)
    view.notes.setPlainText("before closing")
    assert w.close()
    view.notes.setPlainText("after closing")  # e.g. the close was for the idle lock's sake, or a test reuses it
    assert view.flush()
    assert stored(view.session_id)[-1] == ("autosave", "after closing")


def test_a_job_done_before_submit_returns_is_heard_after_the_caller_has_its_future(qtbot, monkeypatch):
    """Found by the disk-full drill: a write that failed at once was told to the consultation before the write had
    its future, and reading the outcome raised. The result is always heard through the event loop."""
    from concurrent.futures import Future

    from decisionaid.ui.store_owner import StoreOwner

    real = Future.add_done_callback

    def late(self, fn):  # the owner thread finishes the job before the caller gets this far
        self.exception(timeout=5)
        real(self, fn)

    monkeypatch.setattr(Future, "add_done_callback", late)
    owner = StoreOwner("test-owner")
    heard, futures = [], []
    futures.append(owner.submit(lambda: 42, on_done=lambda r: heard.append((r, len(futures)))))
    qtbot.waitUntil(lambda: bool(heard), timeout=5000)
    assert heard == [(42, 1)]  # heard once submit had returned its future
    owner.stop()
