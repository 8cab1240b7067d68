"""Long work that has its own connection or none (PDFs, the quick_check, list pages and searches, export) off the UI
thread; the result comes back by signal. Work on the open sessions store (autosave, save, backup, restore, an
encryption change) goes to its owner thread instead (store_owner.py), so that it runs in order.

    run_in_background(fn, *args, on_done=show_result, on_error=show_error)

`on_done` gets fn's return value and `on_error` the exception, both on the UI thread. They are connected
before the work starts, so a fast function cannot finish unheard.

The function must not touch widgets and must open its own (read-only) database connection. Work runs in a pool of at least
four threads: most of it waits on the disk or inside SQLite (which lets other Python threads run), and a check of a
large file must not hold up a search or an export.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal

MIN_THREADS = 4
_running: set["Task"] = set()  # keep each Task alive until its signal has been delivered


class Task(QObject):
    done = Signal(object)
    failed = Signal(object)

    def __init__(self, fn, args, kwargs):
        super().__init__()
        self._call = (fn, args, kwargs)

    def _finish(self, _=None) -> None:
        _running.discard(self)


class _Runner(QRunnable):
    def __init__(self, task: Task):
        super().__init__()
        self.task = task

    def run(self) -> None:
        fn, args, kwargs = self.task._call
        try:
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - every failure must reach the UI, never vanish in a thread
                self.task.failed.emit(exc)
            else:
                self.task.done.emit(result)
        except RuntimeError:
            pass  # the program is quitting and the Task is already gone: nobody is left to tell


def run_in_background(fn, *args, on_done=None, on_error=None, **kwargs) -> Task:
    task = Task(fn, args, kwargs)
    if on_done is not None:
        task.done.connect(on_done)
    if on_error is not None:
        task.failed.connect(on_error)
    task.done.connect(task._finish)  # connected last: the task is released only after the caller has heard
    task.failed.connect(task._finish)
    _running.add(task)
    pool = QThreadPool.globalInstance()
    if pool.maxThreadCount() < MIN_THREADS:
        pool.setMaxThreadCount(max(MIN_THREADS, QThread.idealThreadCount()))
    pool.start(_Runner(task))
    return task


def while_alive(method):
    """For a QObject's method that gets a worker's result: ignored once the object (say, with its window) has gone."""
    import functools

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        from shiboken6 import isValid

        if isValid(self):
            return method(self, *args, **kwargs)
        return None
    return call
