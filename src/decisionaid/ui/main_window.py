"""The main window: navigation on the left, one screen at a time on the right.

Start-up, cheapest first: the window is shown with its menus, keys and a light first view (`first_painted`),
made without touching the Qt namespace's enums or the style from Python (PySide6 builds a class's Python enums on
its first use: about 30 ms for those two, which a bare window never pays). In the next event-loop turn the focus
ring is put over the style (`_after_first_paint`), and the evidence is loaded on a worker thread, the top of the Evidence screen (the numbers and how sure we are) is
shown, and its other sections are added one per event-loop turn, so the window never freezes (`ready` once all
are built). Other screens are built on first visit.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from decisionaid.ui.common import heading, label, static_label

SCREENS = ("Evidence", "Options", "Caveats", "Consultation", "Sessions")
_NEED_NO_EVIDENCE = ("Consultation", "Sessions")  # usable, and a consultation recorded, even if the pack is damaged


_FRAME_GUESS = QSize(16, 48)  # a title bar and borders, before the window system has said how large they are


def _frame_extra(window) -> QSize:
    """How much the frame (title bar, borders) adds to the window's size; a guess until the window is shown."""
    extra = window.frameGeometry().size() - window.geometry().size()
    return extra if window.isVisible() or extra != QSize(0, 0) else _FRAME_GUESS


def _initial_size(window) -> QSize:
    """1280 x 860, or less: the whole window, frame included, inside the screen's available area (task bars and
    docks left out) at any scale factor or text size."""
    screen = QWidget.screen(window) or QGuiApplication.primaryScreen()  # MainWindow.screen(name) is a view
    if screen is None:
        return QSize(1280, 860)
    room, extra = screen.availableGeometry(), _frame_extra(window)
    return QSize(min(1280, room.width() - extra.width()), min(860, room.height() - extra.height()))


def fit_on_screen(window) -> None:
    """Shrink the window to the screen's available area if it is larger, frame included, and move it inside."""
    screen = QWidget.screen(window) or QGuiApplication.primaryScreen()
    if screen is None:
        return
    room, extra = screen.availableGeometry(), _frame_extra(window)
    size = window.size().boundedTo(room.size() - extra).expandedTo(window.minimumSize())
    if size != window.size():
        window.resize(size)
    frame = window.frameGeometry()
    x = max(room.left(), min(frame.left(), room.right() + 1 - frame.width()))
    y = max(room.top(), min(frame.top(), room.bottom() + 1 - frame.height()))
    if (x, y) != (frame.left(), frame.top()):
        window.move(x, y)  # move() places the frame's top left corner


class MainWindow(QMainWindow):
    nav = None  # the screen list, once made (a font change can come before it exists)
    first_painted = Signal()  # the first, light view is painted: the menus and keys work from here on
    ready = Signal()  # the Evidence screen has been populated in full and painted
    store_checked = Signal(bool)  # the background quick_check of the sessions file finished (True: nothing wrong)
    store_replaced = Signal()  # a restore, or the flow after damage, has finished: the file in place may be another

    def __init__(self, pack_path=None, today=None):
        super().__init__()
        self._pack_path, self._today = pack_path, today
        self.summary = None
        self._checklist = None
        self._settings = None
        self._pack_failed = False  # the evidence could not be loaded: consultations can still be recorded
        self._ready_sent = False  # `ready` goes out once
        self.setWindowTitle("Botox for depression (off-label)")  # Qt adds " \u2014 decisionaid", the display name
        self.resize(_initial_size(self))
        self._placed = False  # fitted inside the screen at the first show (fit_on_screen)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Screens")
        self.nav.addItems(SCREENS)
        self._fit_nav()
        QGuiApplication.instance().fontChanged.connect(self._font_changed)
        self.stack = QStackedWidget()
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self._outer = QStackedWidget()  # the screens, or the lock screen that hides them (session_lock.py)
        self._outer.addWidget(central)
        self.setCentralWidget(self._outer)
        self.statusBar()  # made now, so the first view is painted at the size it keeps
        # Made when first needed (at the latest once the evidence is on screen), not before the first paint:
        self._session_lock = None  # session_lock.SessionLock
        self._keeper = None  # store_keeper.StoreKeeper
        self._printing = self._print_current = self._handoff = None  # see complete_menus
        self._menus_complete = False
        self.nav.currentRowChanged.connect(self._go_to)
        self._built: set[str] = set()
        self.stack.addWidget(self._first_view())
        for name in SCREENS[1:]:  # "Loading the evidence…" is written in them after the first paint
            self.stack.addWidget(QWidget())
        self.nav.setCurrentRow(0)
        self.file_menu = self.menuBar().addMenu("&File")
        self.file_menu.aboutToShow.connect(self.complete_menus)
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addAction("&Settings\u2026", self.show_settings)
        self._patient_view = None
        self._add_patient_view_menu()
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction("About this &decision aid", self.show_about_decision_aid)
        help_menu.addAction("&About decisionaid", self.show_about)
        from decisionaid.ui import keyboard

        keyboard.install(self, self.file_menu, help_menu, SCREENS)  # New, Save, Find, Quit, Ctrl+1..5, the list
        self._add_stand_in_keys()

    @staticmethod
    def _placeholder(text: str, w: QWidget | None = None) -> QWidget:
        from PySide6.QtCore import Qt

        w = w or QWidget()
        v = QVBoxLayout(w)
        v.addWidget(label(text, size=12, selectable=False), alignment=Qt.AlignCenter)  # nothing here to copy
        return w

    @staticmethod
    def _first_view() -> QWidget:
        """What the window opens with: the Evidence screen's question, where the screen will show it."""
        w = QWidget()
        v = QVBoxLayout(w)
        v.setContentsMargins(18, 14, 18, 18)  # as the Evidence screen's, so its heading does not move
        v.setSpacing(10)
        v.addWidget(static_label("Does Botox help depression, and how sure are we?", size=16, bold=True))
        v.addWidget(static_label("Loading the evidence\u2026", name="loadingEvidence"))
        v.addStretch(1)
        return w

    def screen(self, name: str) -> QWidget:
        """The screen, built in full (sections still waiting to be added are added now)."""
        self._build(name)
        widget = self.stack.widget(SCREENS.index(name))
        if name == "Evidence" and (view := self._evidence()) is not None:
            view.finish_building()
        return widget

    def _go_to(self, index: int) -> None:
        self._build(SCREENS[index])
        self.stack.setCurrentIndex(index)

    def _build(self, name: str) -> None:
        """Screens other than Evidence are built on first visit, so start-up pays only for what is shown.
        Without the evidence (a damaged pack) the Consultation and Sessions screens still work."""
        if name in self._built or (self.summary is None and not (self._pack_failed and name in _NEED_NO_EVIDENCE)):
            return
        if name in ("Consultation", "Sessions") and self.session_lock.needs_passphrase():
            self._replace(name, self.session_lock.placeholder())  # built for real once unlocked
            return
        self._built.add(name)
        if name == "Evidence":
            from decisionaid.ui.evidence_view import EvidenceView
            self._replace(name, EvidenceView(self.summary, staged=True))
            QTimer.singleShot(0, self, self._build_evidence_sections)  # its other sections, one per turn
        elif name == "Options":
            from decisionaid.ui.options_view import OptionsView
            self._replace(name, OptionsView(self.summary))
        elif name == "Caveats":
            from decisionaid.ui.caveats_view import CaveatsView
            self._replace(name, CaveatsView(self.summary.pack))
        elif name == "Consultation":
            self._replace(name, self._build_consultation())
        elif name == "Sessions":
            from decisionaid.ui.sessions_view import SessionsView
            view = SessionsView(self.keeper.store, questions=self._questions(), printing=self.printing,
                                handoff=self.handoff)
            view.table.selectionModel().selectionChanged.connect(self.handoff.refresh)
            view.model.modelReset.connect(self.handoff.refresh)
            view.open_requested.connect(self.open_session)
            view.amend_requested.connect(lambda sid: self.open_session(sid, amend=True))
            view.restore_requested.connect(self.restore_backup)
            self._replace(name, view)
            view.refresh()

    # --- consultation and sessions ------------------------------------------------------------------

    def _build_consultation(self) -> QWidget:
        from decisionaid.checklist.items import ChecklistError, load_checklist
        from decisionaid.ui.consultation_view import ConsultationView

        try:
            self._checklist = load_checklist()
        except ChecklistError as exc:
            _log_error("Checklist could not be loaded", exc)
            return self._error_screen("The checklist could not be loaded", str(exc), "checklistError")
        view = ConsultationView(self._checklist, self.keeper.store, self.settings(), print_actions=self.print_current,
                                handoff=self.handoff)
        view.saved.connect(self._session_saved)
        view.print_target_changed.connect(self.print_current.refresh)
        view.print_target_changed.connect(self.handoff.refresh)
        return view

    # --- the Patient view (ui/patient_view.py): its own window, turned towards the patient -----------

    def _add_patient_view_menu(self) -> None:
        menu = self.menuBar().addMenu("&Patient view")
        self.patient_view_action = menu.addAction("Show the &patient view", self.show_patient_view)
        self.patient_view_action.setShortcuts([QKeySequence("Ctrl+Shift+P")])  # (setShortcut makes the Qt namespace)
        self.continue_action = menu.addAction("&Continue the choice after the safety talk",
                                              self.continue_patient_view)
        self.continue_action.setToolTip("The patient view shows help first while the crisis pathway is open; "
                                        "this lets it go on to the options once you have talked it through.")

    def patient_view(self):
        """The Patient view for the consultation on screen (built on first use); None when it cannot be shown
        (no evidence, or no checklist)."""
        if self._patient_view is None:
            consultation = self.screen("Consultation")
            from decisionaid.ui.consultation_view import ConsultationView

            if self.summary is None or not isinstance(consultation, ConsultationView):
                return None
            from decisionaid.ui.patient_view import PatientView

            self._patient_view = PatientView(self.summary, self._checklist, consultation, self.settings, parent=self)
            self._patient_view.closed_to_clinician.connect(self._back_from_patient_view)
        return self._patient_view

    def show_patient_view(self, step: str = "team"):
        view = self.patient_view()
        if view is None:
            self.statusBar().showMessage("The patient view needs the evidence and the checklist, and the sessions "
                                         "file unlocked.", 10000)
            return None
        view.refresh()
        view.show_step(step)
        screens = QGuiApplication.screens()
        if len(screens) > 1 and self.screen_of_window() in screens:  # a second monitor: put it there
            other = next(s for s in screens if s is not self.screen_of_window())
            view.setScreen(other)  # separate X screens share coordinates: the geometry alone would not move it
            view.setGeometry(other.availableGeometry())
        elif not view.isVisible():
            view.resize(1280, 720)
        view.show()
        view.raise_()
        view.activateWindow()
        return view

    def screen_of_window(self):
        return QWidget.screen(self)

    def continue_patient_view(self) -> None:
        if self._patient_view is not None:
            self._patient_view.continue_after_crisis()

    def _back_from_patient_view(self) -> None:
        self.raise_()
        self.activateWindow()

    # --- printing: the File menu and the status bar (print_actions) ---------------------------------

    # The print and hand-off actions, their controllers and their part of the File menu are made after the first
    # paint (`complete_menus`: when the window is ready, when the File menu opens, or when one of them is first
    # needed). Their keys work from the first paint: until then a stand-in action holds each key, and pressing
    # it makes the real actions and runs the one the key belongs to.

    def _add_stand_in_keys(self) -> None:
        from PySide6.QtGui import QAction, QKeySequence

        from decisionaid.ui import keyboard

        self._stand_ins = []
        for keys, owner, name in ((keyboard.print_handout_keys(), "print_current", "print_handout"),
                                  ([QKeySequence(keyboard.PRINT_RECORD_SHORTCUT)], "print_current", "print_record"),
                                  ([QKeySequence(keyboard.COPY_SHORTCUT)], "handoff", "copy_note"),
                                  ([QKeySequence(keyboard.EXPORT_SHORTCUT)], "handoff", "export_fhir")):
            stand_in = QAction(self)
            stand_in.setShortcuts(keys)
            stand_in.triggered.connect(lambda *_, o=owner, n=name: self._stand_in_pressed(o, n))
            self.addAction(stand_in)
            self._stand_ins.append(stand_in)

    def _stand_in_pressed(self, owner: str, name: str) -> None:
        self.complete_menus()
        getattr(getattr(self, owner), name).trigger()  # a disabled action (no session yet) does nothing

    def complete_menus(self) -> None:
        """Make the print and hand-off actions and put them in the File menu, between Find and Quit (once)."""
        if self._menus_complete:
            return
        self._menus_complete = True
        for stand_in in self._stand_ins:  # their keys go to the real actions
            stand_in.setShortcuts([])
            self.removeAction(stand_in)
            stand_in.deleteLater()
        self._stand_ins = []
        menu = self.file_menu
        tail = menu.actions()[menu.actions().index(self.quit_action) - 1:]  # the separator and Quit
        for action in tail:
            menu.removeAction(action)
        self._add_printing()
        menu.addActions(tail)

    @property
    def printing(self):
        """The print controller (print_controller.PrintActions)."""
        self.complete_menus()
        return self._printing

    @property
    def print_current(self):
        """The File menu's print actions, for the consultation on screen (print_actions.ActionSet)."""
        self.complete_menus()
        return self._print_current

    @property
    def handoff(self):
        """Copy note and Export FHIR document (handoff_actions.HandoffActions)."""
        self.complete_menus()
        return self._handoff

    def _add_printing(self) -> None:
        """File > handout and record of the consultation on screen (the general handout when none is open)."""
        from decisionaid.ui import keyboard
        from decisionaid.ui.print_actions import ActionSet, PrintProgress
        from decisionaid.ui.print_controller import PrintActions

        self._printing = printing = PrintActions(self, context=lambda: (self.settings(), self.summary,
                                                                        self._checklist))
        self._print_current = ActionSet(
            printing, self._print_subject, self._has_print_session,
            needs_session="The record is of one session: start the consultation (it is saved as you type) or "
                          "open a saved one from Sessions.",
            handout_tip="The patient handout for the consultation on screen (the general handout when none is "
                        "open)",
            record_tip="The clinician record of the consultation on screen, for the chart")
        keyboard.give_print_keys(self._print_current)
        self._print_current.add_to_menu(self.file_menu)
        PrintProgress(printing, self.statusBar())
        self._add_handoff(self.file_menu)

    # --- the health record: note and FHIR document (handoff_actions) ---------------------------------

    def _add_handoff(self, menu) -> None:
        from decisionaid.ui.handoff_actions import HandoffActions

        self._handoff = HandoffActions(self, self._handoff_subject, self._has_handoff_session,
                                       context=lambda: (self.settings(), self.summary, self._checklist),
                                       status=lambda text: self.statusBar().showMessage(text, 10000))
        self._handoff.add_to_menu(menu)
        self.nav.currentRowChanged.connect(self._handoff.refresh)

    def _on_sessions_screen(self):
        return self._sessions() if self.stack.currentIndex() == SCREENS.index("Sessions") else None

    def _handoff_subject(self):
        """The session selected on the Sessions screen; otherwise the consultation on the Consultation screen."""
        sessions = self._on_sessions_screen()
        if sessions is not None:
            ids = sessions.selected_ids()
            return sessions.print_subject() if len(ids) == 1 else None
        return self._print_subject()

    def _has_handoff_session(self) -> bool:
        sessions = self._on_sessions_screen()
        if sessions is not None:
            return len(sessions.selected_ids()) == 1
        return self._has_print_session()

    def _print_subject(self):
        from decisionaid.handout.print_job import Subject

        view = self._consultation()
        return view.print_subject() if view is not None else Subject()

    def _has_print_session(self) -> bool:
        view = self._consultation()
        return view is not None and view.has_session()

    def _questions(self) -> dict[str, str]:
        """Checklist item id -> question, so history and exports read as questions rather than ids."""
        from decisionaid.checklist.items import ChecklistError, load_checklist

        try:
            self._checklist = self._checklist or load_checklist()
        except ChecklistError:
            return {}
        return {item.id: item.question for item in self._checklist.items}

    def settings(self):
        if self._settings is None:
            from decisionaid import settings

            self._settings = settings.load()
        return self._settings

    def store(self):
        """The session store (store_keeper.StoreKeeper.store): None while it cannot be used."""
        return self.keeper.store()

    def store_problem(self, title: str, advice: str) -> None:
        self.keeper.problem(title, advice)

    # --- the sessions file: its keeper (store_keeper.py) owns open, check, damage, restore and close ---------

    @property
    def keeper(self):
        """The sessions file's keeper (store_keeper.StoreKeeper), made on first use."""
        if self._keeper is None:
            from decisionaid.ui.store_keeper import StoreKeeper

            keeper = StoreKeeper(self, is_locked=lambda: self.session_lock.locked, flush=self.flush_consultation)
            keeper.status.connect(self.statusBar().showMessage)
            keeper.checked.connect(self.store_checked)
            keeper.interrupted.connect(self._tell_consultation)
            keeper.replaced.connect(self._file_replaced)
            self._keeper = keeper
        return self._keeper

    @property
    def session_lock(self):
        """The passphrase and the idle lock (session_lock.SessionLock), made on first use."""
        if self._session_lock is None:
            from decisionaid.ui.session_lock import SessionLock

            self._session_lock = SessionLock(self, self._outer)
        return self._session_lock

    def flush_consultation(self) -> bool:
        consultation = self._consultation()
        return consultation.flush() if consultation is not None else True

    def after_unlock(self) -> None:
        """The passphrase was given: build the screens that waited for it and show the sessions again."""
        self.statusBar().showMessage("Sessions unlocked")
        self._build(SCREENS[self.nav.currentRow()])
        self._file_replaced()

    def restore_backup(self, backup_path: str) -> None:
        self.keeper.restore_backup(backup_path)

    def _tell_consultation(self, message: str) -> None:
        consultation = self._consultation()
        if consultation is not None:
            consultation.file_replaced(message)

    def _file_replaced(self) -> None:
        sessions = self._sessions()
        if sessions is not None:
            sessions.refresh()
        self.store_replaced.emit()

    def _consultation(self):
        """The Consultation screen once built (None before, or when the checklist could not be loaded)."""
        if "Consultation" not in self._built:
            return None
        from decisionaid.ui.consultation_view import ConsultationView

        view = self._built_screen("Consultation")
        return view if isinstance(view, ConsultationView) else None

    def _evidence(self):
        """The Evidence screen once its evidence has come (None before: the first view, or the pack's error)."""
        module = sys.modules.get("decisionaid.ui.evidence_view")  # not loaded: no Evidence screen exists yet
        view = self._built_screen("Evidence")
        return view if module is not None and isinstance(view, module.EvidenceView) else None

    def _sessions(self):
        if "Sessions" not in self._built:
            return None
        from decisionaid.ui.sessions_view import SessionsView

        view = self._built_screen("Sessions")
        return view if isinstance(view, SessionsView) else None

    def _built_screen(self, name: str):
        return self.stack.widget(SCREENS.index(name)) if name in self._built else None

    def open_session(self, session_id: int, amend: bool = False) -> None:
        self.show_screen("Consultation")
        view = self._consultation()
        if view is None:
            return
        view.open_session(session_id, amend=amend)  # read on the owner thread: it arrives later, by signal

    def _session_saved(self, _session_id: int) -> None:
        sessions = self._sessions()
        if sessions is not None:
            sessions.refresh()

    def show_settings(self) -> None:
        from decisionaid import settings
        from decisionaid.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings(), self, encrypted=self.session_lock.encrypted())
        dialog.encryption_requested.connect(lambda action: self.session_lock.change(action, dialog))
        self.settings_dialog = dialog
        if dialog.exec():
            try:
                settings.save(dialog.result_settings())
            except OSError as exc:
                self.keeper.problem("The settings could not be saved.", str(exc))
                return
            self._settings = dialog.result_settings()
            self.session_lock.apply_settings(self._settings)
            consultation = self._consultation()
            if consultation is not None:
                consultation.apply_settings(self._settings)

    def _fit_nav(self) -> None:
        """The screen list as wide as its longest name needs at the current text size (150 at 100 %)."""
        from PySide6.QtGui import QFontMetrics
        from PySide6.QtWidgets import QApplication

        names = (self.nav.item(i).text() for i in range(self.nav.count()))
        metrics = QFontMetrics(QApplication.font(self.nav))  # the font it is getting (on a change: not yet got)
        need = max((metrics.horizontalAdvance(n) for n in names), default=0) + 24
        self.nav.setFixedWidth(max(150, need + 2 * self.nav.frameWidth()))

    # No changeEvent or showEvent here: a Python event handler is handed every such event of the window, and the
    # first one makes PySide6 build QEvent's Python enums (its Type has some 180), before the first paint.

    def _font_changed(self, *_font) -> None:
        """Settings > Text size (the application's font): the screen list is fitted to the font it is getting."""
        self._fit_nav()

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt's name; show() and hide() come here)
        super().setVisible(visible)
        if visible and not self._placed:  # once the frame is known, and again after the window system framed it
            self._placed = True
            fit_on_screen(self)
            QTimer.singleShot(0, self, lambda: fit_on_screen(self))

    def closeEvent(self, event) -> None:
        """Write what is unsaved, back up if anything changed, and only then quit."""
        consultation = self._consultation()
        if (event.spontaneous() or self.property("quitting")) and consultation is not None \
                and not consultation.confirm_quit():  # the clinician quits: an unsaved consultation asks first
            return event.ignore()
        # Closing waits for the writes (and a Save on its way) to land: the window must not go before they are in
        # the file, and a failure must still be shown while the text is on screen.
        if consultation is not None and not consultation.flush():
            from PySide6.QtCore import Qt
            from PySide6.QtWidgets import QMessageBox

            box = QMessageBox(QMessageBox.Warning, "Unsaved text",
                              "Your latest changes could not be saved:\n\n" + consultation.last_error
                              + "\n\nQuit anyway and lose them?", QMessageBox.Yes | QMessageBox.No, self)
            box.setTextFormat(Qt.PlainText)
            box.setDefaultButton(QMessageBox.No)
            if box.exec() != QMessageBox.Yes:
                event.ignore()
                return
        if self._keeper is not None:  # else the sessions file was never opened
            self._keeper.shut_down()  # every queued write runs, then a backup if anything changed, then it closes
        if "decisionaid.sessions.connection" in sys.modules:  # else no key was ever in memory
            from decisionaid.sessions.connection import forget_key

            forget_key(locked=False)  # quitting: the key leaves memory with the window
        if self._session_lock is not None:
            self._session_lock.idle.stop()
        event.accept()

    def _error_screen(self, title: str, message: str, name: str) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        v.addWidget(heading(title))
        v.addWidget(label(message, name=name))
        v.addStretch(1)
        return w

    def show_screen(self, name: str) -> None:
        self.nav.setCurrentRow(SCREENS.index(name))

    def _replace(self, name: str, widget: QWidget) -> None:
        index = SCREENS.index(name)
        old = self.stack.widget(index)
        self.stack.insertWidget(index, widget)
        self.stack.removeWidget(old)
        old.deleteLater()
        self.stack.setCurrentIndex(self.nav.currentRow())

    def load_evidence(self) -> None:
        """Paint the first view, then load the pack on a worker thread and build the screens from it; a bad pack
        gives a readable message, not a crash."""
        self.repaint()
        self.first_painted.emit()
        QTimer.singleShot(0, self, self._after_first_paint)

    def _after_first_paint(self) -> None:
        """The next turn: the pack starts loading, the focus ring goes over the style (few widgets exist yet to be
        re-polished), and the screens still waiting for the evidence say so."""
        from decisionaid.ui import focus_ring

        self._start_loading()
        focus_ring.install()
        self._fit_nav()  # the ring's style may give the list a wider frame
        for name in SCREENS[1:]:
            slot = self.stack.widget(SCREENS.index(name))
            if name not in self._built and slot.layout() is None:
                self._placeholder("Loading the evidence\u2026", slot)

    def _start_loading(self) -> None:
        from decisionaid.ui.tasks import run_in_background

        run_in_background(_load_summary, self._pack_path, self._today, on_done=self._evidence_loaded,
                          on_error=self._evidence_failed)

    def _evidence_loaded(self, summary) -> None:
        self.summary = summary
        self._build(SCREENS[self.nav.currentRow()])
        if self.nav.currentRow() == 0:
            self.repaint()  # the top of the Evidence screen, before its other sections are added
        else:  # another screen was chosen meanwhile: the Evidence screen is built on its first visit
            QTimer.singleShot(0, self, self._announce_ready)

    def _evidence_failed(self, exc: BaseException) -> None:
        from decisionaid.evidence.pack import PackError

        if not isinstance(exc, PackError):
            raise exc
        _log_error("Evidence pack could not be loaded", exc)
        self._show_pack_error(str(exc))

    def _build_evidence_sections(self) -> None:
        """One section of the Evidence screen per event-loop turn, then (at start-up) `ready`."""
        view = self._evidence()
        if view is not None and view.build_next_section():
            QTimer.singleShot(0, self, self._build_evidence_sections)
        elif not self._ready_sent:
            self._announce_ready()

    def _announce_ready(self) -> None:
        self._ready_sent = True
        self.repaint()
        self.ready.emit()
        self.complete_menus()  # the File menu's print and hand-off actions (their keys already work)
        if self.session_lock.needs_passphrase():
            self.session_lock.ask_at_start()
        elif self.session_lock.encrypted():
            self.session_lock.apply_settings(self.settings())
        if self.summary is None:
            return  # the status bar keeps saying why the evidence could not be loaded
        from decisionaid import __version__

        message = f"decisionaid {__version__}"
        pack = self.summary.pack
        stale = " \u2014 REVIEW OVERDUE" if self.summary.stale else ""
        message += f" \u00b7 evidence pack {pack.version}, last reviewed {pack.last_reviewed.isoformat()}{stale}"
        self.statusBar().showMessage(message)

    def _show_pack_error(self, message: str) -> None:
        w = QWidget()
        v = QVBoxLayout(w)
        v.addWidget(heading("The evidence could not be loaded"))
        err = label(message, name="packError")
        v.addWidget(err)
        v.addWidget(label("Nothing has been changed. Reinstall decisionaid or restore the evidence pack file, "
                          "then start the program again. Consultations can still be recorded, and saved sessions "
                          "opened, on the Consultation and Sessions screens."))
        v.addStretch(1)
        self._replace("Evidence", w)
        self._pack_failed = True
        for name in SCREENS[1:]:
            if name not in _NEED_NO_EVIDENCE:
                self._replace(name, self._placeholder("The evidence could not be loaded: see the Evidence screen."))
        self.statusBar().showMessage("Evidence pack could not be loaded")
        QTimer.singleShot(0, self._announce_ready)

    def show_about_decision_aid(self) -> None:
        from decisionaid.ui.about_dialog import DecisionAidDialog

        DecisionAidDialog(self.summary, self).exec()

    def show_about(self) -> None:
        from decisionaid.ui.about_dialog import AboutDialog

        AboutDialog(self.summary, self).exec()


def _log_error(what: str, exc: BaseException) -> None:
    import logging

    from decisionaid import log

    log.error(what, exc, logging.WARNING, logger=__name__)



def _load_summary(pack_path, today):
    """On a worker thread: the evidence pack, checked and summarised (pure Python, no widgets)."""
    from decisionaid.evidence.pack import load_pack
    from decisionaid.evidence.summary import summarise

    return summarise(load_pack(pack_path), today)
