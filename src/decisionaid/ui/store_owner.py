"""One thread owns the sessions file: every call on the open SessionStore runs there, one at a time, in order.

    owner = StoreOwner()
    owner.submit(fn, *args, on_done=show, on_error=warn)   # returns at once; the result comes back by signal
    owner.call(fn, *args)                                  # waits for fn's turn and its result (or exception)
    store = owner.handle(session_store)                     # the store's methods, each run on the owner thread
    reads = Reads(widget)
    reads.read(store, fn, on_done=show, on_error=warn)      # fn(SessionStore) there; only the newest read is heard

A SessionStore is opened on the owner thread (`call(SessionStore.open, ...)`), so its SQLite connection is only
ever used there; the UI thread never runs SQLite on it. Autosave, save, reads of a session, backup, restore and the
close-time backup are queued here, so a restore can never overlap a write and nothing is written out of order.

The window's reads (opening a session, its history, its follow-up, what a print or a hand-off is made from:
`Pending`) go through `Reads`: the UI thread never waits for them, so a long job ahead in the queue (Back up now
on a big file, a restore) never freezes the window; a result that arrives after the clinician moved on (asked for
another, closed the dialog) is dropped. The UI thread still waits (`call`, or a StoreHandle's methods) only for
its own writes where the caller cannot go on without their outcome (closing, quitting, the idle lock closing the
file, a new session clearing the form). Save itself (the Consultation screen's, a follow-up visit's) is submitted:
its outcome comes back by signal.

`Writes` is a consultation screen's queue of writes on top of it: a write waiting for its turn is replaced by a
newer autosave or save of the same screen (the newest text wins, and an older text is never written after it).
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future

from PySide6.QtCore import QObject, Signal

_STOP = object()


class _Job(QObject):
    done = Signal(object)
    failed = Signal(object)


class StoreOwner:
    def __init__(self, name: str = "sessions-file"):
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._running: set[_Job] = set()  # kept alive until their signal is delivered
        self._name = name
        self._lock = threading.Lock()
        self._thread = self._start()

    def _start(self) -> threading.Thread:
        thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
        thread.start()
        return thread

    def on_owner_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def _loop(self) -> None:
        while True:
            item = self._jobs.get()
            if item is _STOP:
                return
            future, fn, args, kwargs, then = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - every failure reaches the caller, never vanishes here
                future.set_exception(exc)
            else:
                future.set_result(result)
            if then is not None:
                then(future)

    def _put(self, fn, args, kwargs, then=None) -> Future:
        """Queue `fn`; `then(future)` runs on the owner thread once it is done (so a signal it emits always reaches
        the UI thread through its event loop, after the caller has the future)."""
        future: Future = Future()
        with self._lock:
            if not self._thread.is_alive():  # stopped (the window was closed) and used again: a new owner thread
                self._thread = self._start()
            self._jobs.put((future, fn, args, kwargs, then))
        return future

    def call(self, fn, *args, **kwargs):
        """Run `fn` on the owner thread after everything queued before it; return its result or raise."""
        if self.on_owner_thread():
            return fn(*args, **kwargs)
        return self._put(fn, args, kwargs).result()

    def submit(self, fn, *args, on_done=None, on_error=None, **kwargs) -> Future:
        """Queue `fn`; `on_done(result)` or `on_error(exc)` are called on the UI thread (connected first, so a fast
        job cannot finish unheard)."""
        job = _Job()
        if on_done is not None:
            job.done.connect(on_done)
        if on_error is not None:
            job.failed.connect(on_error)
        job.done.connect(lambda _r: self._running.discard(job))
        job.failed.connect(lambda _e: self._running.discard(job))
        self._running.add(job)

        def tell(f: Future) -> None:
            """On the owner thread: never on the caller's, where a job done before `submit` returned would be
            heard before the caller had its future (a Write's outcome read with no future yet)."""
            try:
                exc = f.exception()
                job.failed.emit(exc) if exc is not None else job.done.emit(f.result())
            except RuntimeError:
                pass  # quitting: the job is gone and nobody is left to tell

        return self._put(fn, args, kwargs, then=tell)

    def drain(self) -> None:
        """Wait until everything queued so far has run."""
        self.call(lambda: None)

    def stop(self) -> None:
        """Run what is queued, then end the thread (quitting)."""
        with self._lock:
            thread = self._thread
            if not thread.is_alive() or self.on_owner_thread():
                return
            self._jobs.put(_STOP)
        thread.join()

    def handle(self, store) -> StoreHandle:
        return StoreHandle(self, store)


class StoreHandle:
    """A SessionStore seen from the UI thread: its methods run on the owner thread (the caller waits for the
    result); its plain attributes (path, backup_dir, damage) are read as they are."""

    def __init__(self, owner: StoreOwner, store):
        self._owner, self._store = owner, store

    @property
    def store(self):
        """The SessionStore itself: only for code that runs on the owner thread."""
        return self._store

    @property
    def owner(self) -> StoreOwner:
        return self._owner

    def __getattr__(self, name: str):
        value = getattr(self._store, name)
        if not callable(value):
            return self._wrap(value)

        def on_owner(*args, **kwargs):
            return self._wrap(self._owner.call(value, *args, **kwargs))

        return on_owner

    def _wrap(self, value):
        """SQLite's own objects (the store's connection, a cursor) stay on the owner thread: they are handed out
        wrapped like the store."""
        module = type(value).__module__ or ""
        if module.split(".")[0] in ("sqlite3", "sqlite_utils", "sqlcipher3"):
            return StoreHandle(self._owner, value)
        return value


class Reads(QObject):
    """One screen's reads of the sessions file: `read(store, fn, on_done, on_error)` runs `fn(SessionStore)` on
    the owner thread, after everything queued before it, and calls `on_done(result)` or `on_error(exc)` on the UI
    thread. Only the newest read is heard: asking again, `drop()` or the screen being deleted drops an older
    result still on its way. A store used on this thread (not a StoreHandle: the drills) is read at once."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._asked = 0  # the number of the newest read; a result is heard only if it answers that one
        self._waiting = False

    def read(self, store, fn, on_done, on_error) -> Future | None:
        self._asked += 1
        asked = self._asked
        if not isinstance(store, StoreHandle):
            self._waiting = False
            try:
                result = fn(store)
            except Exception as exc:  # noqa: BLE001 - handed to on_error, as from the owner thread
                on_error(exc)
            else:
                on_done(result)
            return None
        self._waiting = True

        def heard(then):
            def deliver(value) -> None:
                if asked != self._asked:
                    return  # the clinician moved on: an older read's result
                self._waiting = False
                then(value)
            return deliver

        return store.owner.submit(fn, store.store, on_done=_if_alive(self, heard(on_done)),
                                  on_error=_if_alive(self, heard(on_error)))

    def drop(self) -> None:
        """Forget the read on its way (the clinician moved on): its result is never shown."""
        self._asked += 1
        self._waiting = False

    def waiting(self) -> bool:
        """A read was asked for and its result has not arrived yet."""
        return self._waiting


class Pending:
    """What a print or hand-off acts on, still to be read from the sessions file: `fn(SessionStore)` gives it, run
    on the owner thread (`Reads.read(pending.store, pending.fn, ...)`), or at once by `wait()` where waiting is
    right."""

    def __init__(self, store, fn):
        self.store, self.fn = store, fn

    def wait(self):
        """The result, read now: the caller waits for the owner thread (for callers that may: tests, scripts)."""
        if isinstance(self.store, StoreHandle):
            return self.store.owner.call(self.fn, self.store.store)
        return self.fn(self.store)


def _if_alive(obj: QObject, fn):
    """`fn`, made to do nothing once `obj` (a Qt object) has been deleted (a dialog closed before its read
    arrived)."""
    import shiboken6

    def call(value) -> None:
        if shiboken6.isValid(obj):
            fn(value)
    return call


class Write:
    """One write of a consultation: `kind` autosave, save or amend of `record`, into the session of `target`."""

    def __init__(self, target, kind: str, record, author: str, reason: str | None, generation: int):
        self.target, self.kind, self.record, self.author, self.reason = target, kind, record, author, reason
        self.generation = generation  # the screen's edit count when this text was taken
        self.handled = False  # the caller waited for it and dealt with the outcome itself
        self.saved = False  # a Save's outcome, once shown: it was saved
        self.future: Future | None = None
        self.started = False

    def result(self):
        """Wait for the outcome: the session id, or the exception raised."""
        return self.future.result()


class Target:
    """The session a screen writes into; `session_id` is None until the first write creates it. A screen that
    moves to another session takes a new Target, so a write still queued can never land in that other session."""

    def __init__(self, session_id: int | None = None):
        self.session_id = session_id


def run_write(store, write: Write) -> Write:
    """Write `write` into `store` (on the thread that owns it); the first write of a session creates it."""
    kind, record, author, reason, target = write.kind, write.record, write.author, write.reason, write.target
    if target.session_id is None:
        target.session_id = store.create(record, author, kind="autosave" if kind == "autosave" else "save")
    elif kind == "autosave":
        store.autosave(target.session_id, record, author)
    elif kind == "amend":
        store.amend(target.session_id, record, author, reason)
    else:
        store.save(target.session_id, record, author)
    return write


class Writes(QObject):
    """A consultation screen's writes, in order, on the owner thread. `written(write)` comes on the UI thread
    after each one (check `write.future`). A write not yet started is replaced by a newer one of the same target
    unless it is a save and the newer one an autosave (a save is never dropped for an autosave)."""

    written = Signal(object)

    def __init__(self, owner: StoreOwner, parent=None):
        super().__init__(parent)
        self._owner = owner
        self._lock = threading.Lock()
        self._waiting: Write | None = None  # queued, not started

    def put(self, store, write: Write) -> Write:
        """Queue `write` for `store` (a SessionStore); returns the Write that will carry it (perhaps an older
        one, now holding the newer text)."""
        with self._lock:
            old = self._waiting
            if (old is not None and old.target is write.target and not old.started
                    and not (old.kind != "autosave" and write.kind == "autosave")):
                old.kind, old.record, old.author, old.reason = write.kind, write.record, write.author, write.reason
                old.generation = write.generation
                return old
            self._waiting = write
        write.future = self._owner.submit(self._run, store, write, on_done=lambda _w: self.written.emit(write),
                                          on_error=lambda _e: self.written.emit(write))
        return write

    def _run(self, store, write: Write):
        with self._lock:
            write.started = True
            if self._waiting is write:
                self._waiting = None
        return run_write(store, write)

    def pending(self) -> bool:
        with self._lock:
            return self._waiting is not None
