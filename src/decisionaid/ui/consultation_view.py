"""The consultation: identifier, PHQ-9, the checklist, notes and decision, with the status and its reasons beside.

Every change re-runs the checklist rules at once and schedules an autosave (debounced), so a crash loses at
most a few seconds of typing. A save that fails (locked, read-only, full disk) says so and keeps the text on
screen; the autosave retries until it succeeds.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from PySide6.QtCore import QDate, QDateTime, Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QFrame, QHBoxLayout,
                               QInputDialog, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton, QScrollArea, QSplitter,
                               QVBoxLayout, QWidget)

from decisionaid.checklist.assessment import INCOMPLETE_REASON
from decisionaid.checklist.items import YES
from decisionaid.ui.checklist_form import ChecklistForm
from decisionaid.ui.common import heading, label, qt_text, tint, typed_text
from decisionaid.ui.date_field import DateField, DateTimeField
from decisionaid.ui.phq9_input import Phq9Input
from decisionaid.ui.store_owner import Reads, StoreHandle, Target, Write, Writes, run_write

AUTOSAVE_MS = 1500
# Where a new follow-up date starts: 6 weeks after the consultation, when the trials measured their main results
# (primary endpoints at 6 weeks). A starting point for the clinician, not a recommendation: they change it.
RETRY_MS = 5000
SLOW_OPEN_MS = 600  # a session not read by then waits behind a long job: the screen says so
STATUS_COLOURS = {"Not a candidate now": "#f8d7da", "Candidate with cautions": "#fff3cd",
                  "No concerns found": "#d1e7dd", "Incomplete": "#e2e3e5"}
STATUS_INK = "#000000"  # on every status colour, whatever the palette (a dark palette's light text would not show)
_FULL_NAME = re.compile(r"^\s*[A-Z][a-z'\-]+\s+[A-Z][a-z'\-]+")


def _fit_height(widget) -> None:
    """Never shorter than its wrapped text needs at its current width: a squeezed layout would clip the last
    lines of the crisis guidance at a small window or a large text scale."""
    lay = widget.layout()
    need = lay.totalHeightForWidth(widget.width())
    if need > 0 and widget.minimumHeight() != need:
        widget.setMinimumHeight(need)
    if lay.geometry() != widget.contentsRect():  # grown inside its own resize event: Qt sends no second one
        lay.setGeometry(widget.contentsRect())


@functools.lru_cache(maxsize=1)
def _follow_up_rules():
    """checklist/followup.json, or None when it cannot be read (the date then starts at the consultation's)."""
    from decisionaid.checklist.followup import FollowUpRulesError, load_rules
    from decisionaid.resources import ResourceError

    try:
        return load_rules()
    except (FollowUpRulesError, ResourceError):
        return None


def sure_line(checklist, score: int | None) -> str:
    """'SURE test: 3 of 4 "Yes"': the score out of the checklist's SURE items, with the answer's own label."""
    sure = checklist.sure
    if score is None:
        return f"{sure.name}: not done yet"
    yes = checklist.answer_label(sure.items[0].item, YES) if sure.items else YES
    return f"{sure.name}: {score} of {len(sure.items)} \u201c{yes}\u201d"


class CrisisBox(QFrame):
    """The crisis pathway for the clinician: what to do now, the configured emergency number, and that the
    patient's handout carries the crisis lines. It sits across the top of the screen, outside every scroll area,
    so it is in view at any window size and text scale."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("crisisBox")
        self.setStyleSheet("QFrame#crisisBox { background: #f8d7da; border: 2px solid #58151c; border-radius: 4px; }"
                           "QFrame#crisisBox QLabel { color: #58151c; background: transparent; }")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.setSpacing(2)
        self.head = label("STOP: safety first. Follow the crisis pathway now.", bold=True, name="crisisHead")
        self.body = label("", name="crisisGuidance")
        lay.addWidget(self.head)
        lay.addWidget(self.body)
        self.hide()

    def text(self) -> str:
        return f"{self.head.text()}\n{self.body.text()}"

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        _fit_height(self)

    def set_guidance(self, text: str) -> None:
        self.body.setText(text)
        _fit_height(self)


class StatusPanel(QFrame):
    """The assessment: status, reasons, what is missing in a few lines; it scrolls when the window is small (the
    crisis box is outside it, across the top of the screen)."""

    def __init__(self, parent=None, crisis: CrisisBox | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.StyledPanel)
        self.setMinimumWidth(200)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.title = label("", size=14, bold=True, name="statusTitle")
        tint(self.title, STATUS_COLOURS["Incomplete"], STATUS_INK, margin=8)
        self.crisis = crisis or CrisisBox()
        self.reasons = label("", name="statusReasons")
        self.missing = label("", name="statusMissing", size=9)
        self.sure = label("", name="sureScore", size=9)
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        for w in (self.title, self.reasons, self.missing, self.sure):  # scrolls rather than clips when squeezed
            inner.addWidget(w)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setAccessibleName("Status of the consultation")  # a tab stop to scroll the reasons: named
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setWidget(body)
        lay.addWidget(scroll, 1)

    def show_assessment(self, assessment, guidance: str, checklist=None) -> None:
        from decisionaid.checklist.assessment import missing_summary

        status = assessment.status.value if hasattr(assessment.status, "value") else str(assessment.status)
        self.title.setText(status)
        tint(self.title, STATUS_COLOURS.get(status, "#e2e3e5"), STATUS_INK, margin=8)
        # the missing questions are summed up once, below, rather than listed inside the "incomplete" reason
        shown = [r for r in assessment.reasons if r.item_id != INCOMPLETE_REASON] if assessment.missing else \
            list(assessment.reasons)
        self.reasons.setText("\n".join(f"\u2022 {r.text}" for r in shown))
        self.reasons.setVisible(bool(shown))
        lines = missing_summary(checklist, assessment) if checklist is not None else ()
        if assessment.crisis and lines:
            head = "Safety first: the other questions can wait."
            lines = lines[:-1]  # no "next question" while the crisis pathway is open
        else:
            head = f"Still to answer ({len(assessment.missing)}):"
        self.missing.setText(head + "\n" + "\n".join(f"\u2022 {m}" for m in lines) if lines else "")
        self.missing.setVisible(bool(lines))
        self.sure.setText(sure_line(checklist, assessment.sure_score) if checklist is not None else "")
        self.crisis.set_guidance(guidance)
        self.crisis.setVisible(bool(assessment.crisis))


class ConsultationView(QWidget):
    saved = Signal(int)  # session id, after every successful write
    print_target_changed = Signal()  # a session began or ended: the record can (or cannot) be printed
    record_shown = Signal()  # another record is on screen (new, reopened): the Patient view shows its answers
    patient_answer_changed = Signal()

    def __init__(self, checklist, store_opener, settings, parent=None, print_actions=None, handoff=None):
        """`print_actions`: a print_actions.ActionSet acting on `print_subject()`, shown as a row of buttons."""
        super().__init__(parent)
        self.checklist, self._open_store, self.settings = checklist, store_opener, settings
        self._target = Target()  # the session being written (store_owner.Target): `session_id`
        self._writes = None  # store_owner.Writes: this screen's writes on the sessions file's owner thread
        self._edits = 0  # changes made on screen so far: a write of older text never clears `dirty`
        self._handled = -1  # the newest edit count whose write outcome has been shown
        self._in_flight = None  # the latest autosave (or Save) handed to the owner thread
        self._saving: Write | None = None  # a Save on its way (save_soon): Save is off until it lands
        self._before_saving = ""  # the line under the form before "Saving…"
        self._reads = Reads(self)  # the session being opened, read on the owner thread (store_owner.Reads)
        self._opening: int | None = None  # its id, until it arrives
        self._patient_answers: dict[str, str] = {}  # item id -> the answer the patient gave in the Patient view
        self._sure_start: dict[str, str] = {}  # SURE item id -> the patient's answer at the start of the talk
        self.mode = "new"  # "new" (editing a consultation), "readonly" (reopened) or "amend"
        self.dirty = False
        self.unsaved_draft = False  # an autosave on file that was never saved (Save on quit asks about it)
        self.last_error: str = ""
        self._timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._timer.timeout.connect(self.autosave_soon)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 6)
        top = QHBoxLayout()
        title = QVBoxLayout()
        title.setSpacing(0)
        title.addWidget(heading("Consultation"))
        title.addWidget(label("Botox for depression is off-label.", italic=True))
        top.addLayout(title, 1)
        self.new_button = QPushButton("&New session")
        self.amend_button = QPushButton("&Amend\u2026")
        self.save_button = QPushButton("&Save")
        self.save_button.setDefault(True)
        for b in (self.new_button, self.amend_button, self.save_button):
            top.addWidget(b)
        outer.addLayout(top)
        self.print_bar = self.action_row = None
        if print_actions is not None or handoff is not None:
            from decisionaid.ui.print_actions import FlowLayout, PrintBar, WrappingRow

            # printing, then the health-record hand-off: rows of buttons that wrap, never scroll sideways
            row = QWidget(objectName="actionRow")
            actions = FlowLayout(row, spacing=24)
            if print_actions is not None:
                self.print_bar = PrintBar(print_actions)
                actions.addWidget(self.print_bar)
            if handoff is not None:  # note for the health record and FHIR document (ui/handoff_actions.py)
                actions.addWidget(handoff.bar())
            self.action_row = WrappingRow(row)
            self.action_row.setObjectName("printBarRow")
            outer.addWidget(self.action_row)
        self.save_state = label("", name="saveState", size=9)
        outer.addWidget(self.save_state)
        self.error_banner = label("", name="saveError", bold=True)
        tint(self.error_banner, "#f8d7da", "#58151c", margin=8)
        self.error_banner.hide()
        outer.addWidget(self.error_banner)
        self.crisis_box = CrisisBox()
        outer.addWidget(self.crisis_box)  # outside the scroll areas: always in view when the pathway opens

        split = QSplitter(Qt.Horizontal)
        split.setChildrenCollapsible(False)
        self.form_scroll = scroll = QScrollArea()
        scroll.setFocusPolicy(Qt.NoFocus)  # no invisible tab stop: Tab goes to the fields, scrolled into view
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        body = QWidget()
        scroll.setWidget(body)
        form_lay = QVBoxLayout(body)
        form_lay.addWidget(heading("Session", 2))
        head = QFormLayout()
        self.patient = QLineEdit(objectName="patientRef")
        self.patient.setPlaceholderText("Pseudonym or record number (not the patient's full name)")
        self.name_warning = label("This looks like a full name. Please use a pseudonym or record number.",
                                  size=9, name="nameWarning")
        self.name_warning.hide()
        self.patient_error = label("", size=9, bold=True, wrap=False, name="patientError")  # a refused save, at the field
        tint(self.patient_error, "#f8d7da", "#58151c", margin=4)
        self.patient_error.hide()
        self.held_at = DateTimeField(objectName="heldAt")
        self.held_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.held_at.setCalendarPopup(True)
        self.clinician = QLineEdit(objectName="clinician")
        head.addRow("Patient identifier", self.patient)
        head.addRow("", self.name_warning)
        head.addRow("", self.patient_error)
        head.addRow("Date and time", self.held_at)
        head.addRow("Clinician", self.clinician)
        form_lay.addLayout(head)
        form_lay.addWidget(heading("Baseline PHQ-9", 2))
        self.phq9 = Phq9Input(checklist.phq9)
        form_lay.addWidget(self.phq9)
        self.form = ChecklistForm(checklist)
        form_lay.addWidget(self.form)
        form_lay.addWidget(heading("Notes", 2))
        self.notes = QPlainTextEdit(objectName="notes")
        self.notes.setAccessibleName("Notes")
        self.notes.setPlaceholderText("What was discussed, in your words")
        self.notes.setMinimumHeight(160)
        self.notes.setTabChangesFocus(True)  # Tab leaves the note (a keyboard user would be trapped)
        form_lay.addWidget(self.notes)
        form_lay.addWidget(heading("Decision and follow-up", 2))
        dec = QFormLayout()
        self.decision = QComboBox(objectName="decision")
        self.decision.addItem(checklist.undecided, "")
        for d in checklist.decisions:  # the checklist's decisions and their labels, as the record prints them
            self.decision.addItem(d.label, d.code)
        follow = QHBoxLayout()
        self.has_follow_up = QCheckBox("F&ollow-up on", objectName="hasFollowUp")
        self.follow_up = DateField(objectName="followUp")
        self.follow_up.setAccessibleName("Follow-up date")
        self.follow_up.setDisplayFormat("yyyy-MM-dd")
        self.follow_up.setCalendarPopup(True)
        self.follow_up.setEnabled(False)
        self.follow_up_warning = label("This date is in the past.", size=9, bold=True, wrap=False,
                                       name="followUpWarning")
        tint(self.follow_up_warning, "#fff3cd", "#5c4400", margin=4)
        self.follow_up_warning.hide()
        follow.addWidget(self.has_follow_up)
        follow.addWidget(self.follow_up)
        follow.addWidget(self.follow_up_warning)
        follow.addStretch(1)
        dec.addRow("Decision", self.decision)
        dec.addRow("Follow-up", follow)
        dec.addRow(self.follow_up.message)  # a typed date that does not exist, said just below the field
        form_lay.addLayout(dec)
        form_lay.addStretch(1)
        scroll.setMinimumWidth(240)
        split.addWidget(scroll)
        self.status = StatusPanel(crisis=self.crisis_box)
        split.addWidget(self.status)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 1)
        split.setSizes([760, 380])
        split.setMinimumHeight(80)  # the form and the reasons scroll: they give way first on a small screen
        outer.addWidget(split, 1)

        for signal in (self.patient.textChanged, self.held_at.dateTimeChanged, self.clinician.textChanged,
                       self.phq9.changed, self.form.changed, self.notes.textChanged,
                       self.decision.currentIndexChanged, self.has_follow_up.toggled, self.follow_up.dateChanged):
            signal.connect(self._edited)
        self.has_follow_up.toggled.connect(self.follow_up.setEnabled)
        self.held_at.dateTimeChanged.connect(self._follow_up_default)
        rules = _follow_up_rules()
        if rules is not None:
            self.follow_up.setToolTip(rules.interval_text)
        for signal in (self.has_follow_up.toggled, self.follow_up.dateChanged):
            signal.connect(self._check_follow_up)
        self.patient.textChanged.connect(lambda t: self.name_warning.setVisible(bool(_FULL_NAME.match(t))))
        self.patient.textChanged.connect(self.patient_error.hide)
        self.new_button.clicked.connect(self.new_session)
        self.save_button.clicked.connect(lambda: self.save_soon())
        self.amend_button.clicked.connect(self.start_amend)
        self.new_session()

    # --- the record on screen -----------------------------------------------------------------------

    def record(self):
        from decisionaid.sessions.session_record import SessionRecord

        return SessionRecord(
            patient_ref=self.patient.text().strip(),
            clinician=self.clinician.text().strip(),
            held_at=self.held_at.dateTime().toString("yyyy-MM-ddTHH:mm"),
            phq9_items=self.phq9.item_scores(),
            phq9_total=self.phq9.total_score(),
            answers=self.form.answers(),
            notes=typed_text(self.notes),
            decision=self.decision.currentData() or None,
            follow_up=self.follow_up.date().toString("yyyy-MM-dd") if self.has_follow_up.isChecked() else None,
            status=self.assessment().status.value,
            answer_sources=self.answer_sources(),
            sure_start=dict(self._sure_start),
        )

    def answer_sources(self) -> dict[str, str]:
        """Answers the patient gave in the Patient view and that still stand (the clinician may have changed one)."""
        from decisionaid.sessions.session_record import PATIENT_VIEW

        answers = self.form.answers()
        return {k: PATIENT_VIEW for k, v in self._patient_answers.items() if answers.get(k) == v}

    def sure_start(self) -> dict[str, str]:
        return dict(self._sure_start)

    def set_sure_start(self, item_id: str, value: str | None) -> None:
        """The patient's SURE answer at the start of the talk (Patient view): kept beside the checklist's SURE
        answers, which are the ones at the end, and autosaved like any other change."""
        if self.mode == "readonly" or self._sure_start.get(item_id) == value:
            return
        if value is None:
            self._sure_start.pop(item_id, None)
        else:
            self._sure_start[item_id] = value
        self._edited()
        self.patient_answer_changed.emit()

    def set_patient_answer(self, item_id: str, value: str | None) -> None:
        """An answer from the Patient view: set through the form's own widgets, so the status, the autosave and
        the screen follow exactly as for a click here; marked as the patient's in the record."""
        if self.mode == "readonly":
            return
        if value is None:
            self._patient_answers.pop(item_id, None)
        else:
            self._patient_answers[item_id] = value
        widget = self.form.answer_widget(item_id)
        if widget.text is not None:
            if widget.text.text() != (value or ""):
                widget.text.setText(value or "")
        elif value in widget.buttons:
            widget.buttons[value].setChecked(True)
        self.patient_answer_changed.emit()

    def assessment(self):
        from decisionaid.checklist.assessment import assess

        return assess(self.checklist, self.form.answers(), self.phq9.phq9())

    def show_record(self, record) -> None:
        widgets = (self.patient, self.held_at, self.clinician, self.notes, self.decision, self.has_follow_up,
                   self.follow_up)
        for w in widgets:
            w.blockSignals(True)
        self.patient.setText(qt_text(record.patient_ref))
        self.name_warning.setVisible(bool(_FULL_NAME.match(record.patient_ref)))
        self.patient_error.hide()
        self.held_at.setDateTime(QDateTime.fromString(record.held_at, "yyyy-MM-ddTHH:mm"))
        self.clinician.setText(qt_text(record.clinician))
        self.notes.setPlainText(qt_text(record.notes))
        self.decision.setCurrentIndex(max(0, self.decision.findData(record.decision or "")))
        self.has_follow_up.setChecked(record.follow_up is not None)
        self.follow_up.setEnabled(record.follow_up is not None)
        if record.follow_up:
            self.follow_up.setDate(QDate.fromString(record.follow_up, "yyyy-MM-dd"))
        else:
            self._follow_up_default()
        for w in widgets:
            w.blockSignals(False)
        self._check_follow_up()
        self.phq9.blockSignals(True)
        self.phq9.set_scores(record.phq9_items, record.phq9_total)
        self.phq9.blockSignals(False)
        self.form.set_answers(dict(record.answers))
        self._patient_answers = {k: record.answers[k] for k in record.answer_sources if k in record.answers}
        self._sure_start = dict(record.sure_start)
        self._refresh_status()
        self.record_shown.emit()

    def _follow_up_default(self, *_) -> None:
        """While no follow-up is set, the date offered is the interval after the consultation that the follow-up
        rules give (the trials' primary time point), never a placeholder."""
        if self.has_follow_up.isChecked():
            return
        held = self.held_at.dateTime().toString("yyyy-MM-ddTHH:mm")
        rules = _follow_up_rules()
        day = rules.default_follow_up(held) if rules is not None else held[:10]
        blocked = self.follow_up.blockSignals(True)
        self.follow_up.setDate(QDate.fromString(day, "yyyy-MM-dd"))
        self.follow_up.blockSignals(blocked)

    def crisis_guidance(self) -> str:
        """What the clinician reads on the crisis pathway: guidance for them, never the patient's crisis lines."""
        c = self.checklist.crisis
        lines = [c.clinician_guidance]
        number = self.settings.emergency_number.strip()
        lines.append(f"Local emergency number: {number}." if number else
                     "Local emergency number: not set yet (Edit > Settings).")
        lines.append(c.clinician_handout_line)
        return "\n".join(lines)

    def _refresh_status(self) -> None:
        self.status.show_assessment(self.assessment(), self.crisis_guidance(), self.checklist)

    def apply_settings(self, settings) -> None:
        """New settings (Edit > Settings): the crisis guidance shows the emergency number they give."""
        self.settings = settings
        self._refresh_status()

    # --- modes --------------------------------------------------------------------------------------

    def _check_follow_up(self, *_) -> None:
        """A follow-up being set in the past is shown at the field (a reopened session's old date is not)."""
        past = (self.has_follow_up.isChecked() and self.mode != "readonly"
                and self.follow_up.date() < QDate.currentDate())
        self.follow_up_warning.setVisible(past)

    def new_session(self) -> None:
        self._stop_opening()
        if self.dirty or self._saving is not None:
            self.autosave()  # waits: the form is cleared next, so what it holds must be in the file first
        from decisionaid.sessions.session_record import SessionRecord

        now = QDateTime.currentDateTime().toString("yyyy-MM-ddTHH:mm")
        clinician = self.clinician.text().strip() or self.settings.clinician_name  # the same clinician, next patient
        self.show_record(SessionRecord(patient_ref="", clinician=clinician, held_at=now,
                                       phq9_items=None, phq9_total=None, answers={}, notes="", decision=None,
                                       follow_up=None, status=""))
        self.session_id, self.dirty, self.unsaved_draft = None, False, False
        self._set_mode("new")
        self.save_state.setText("New session: it is saved automatically as you type.")
        self.form_scroll.verticalScrollBar().setValue(0)  # back to the top of the form, at the identifier
        self.patient.setFocus(Qt.OtherFocusReason)

    def open_session(self, session_id: int, amend: bool = False) -> None:
        """Reopen a saved session read-only (`amend`: to amend it); an unsaved draft (after a crash) is offered back.
        It is read on the sessions file's owner thread after what is queued there (a backup of a big file takes
        seconds): meanwhile the screen says so, the form is greyed (nothing typed there could be lost) and the
        window stays usable. What is on screen is written first; if it cannot be, it stays and nothing opens.
        Opening another session or starting a new one drops a read still on its way."""
        store = self._open_store()
        if store is None:
            return
        if self.dirty:
            self.autosave_soon()  # queued before the read, so written first; its outcome comes by `_written`
        pending = self._in_flight if self.dirty else None
        self._opening = session_id
        for w in (self.form_scroll, self.status, self.amend_button, self.save_button):
            w.setEnabled(False)  # greyed: what is there now gives way to the session on its way
        self.setCursor(Qt.BusyCursor)
        self.save_state.setText(f"Opening session {session_id}\u2026")
        QTimer.singleShot(SLOW_OPEN_MS, self, lambda: self._still_opening(session_id))
        self.print_target_changed.emit()  # nothing to print or hand off until it is here (not the one before)
        edits = self._edits
        self._reads.read(store, lambda s: s.get(session_id),
                         on_done=lambda view: self._opened(session_id, view, amend, pending, edits),
                         on_error=lambda exc: self._open_failed(session_id, exc))

    def opening(self) -> bool:
        """A session asked for is on its way (`open_session`)."""
        return self._reads.waiting()

    def _still_opening(self, session_id: int) -> None:
        if self._opening == session_id and self._reads.waiting():
            self.save_state.setText(f"Opening session {session_id}\u2026 The sessions file is busy with another task "
                                    "(a backup, for example): this can take a few seconds.")

    def _end_opening(self) -> None:
        self._opening = None
        for w in (self.form_scroll, self.status, self.amend_button):
            w.setEnabled(True)
        self.unsetCursor()
        self._set_mode(self.mode)  # the buttons as the session on screen needs them

    def _stop_opening(self) -> None:
        """The clinician moved on (a new session, the file replaced): a session still on its way is not shown."""
        if self._reads.waiting():
            self._reads.drop()
            self._end_opening()

    def _open_failed(self, session_id: int, exc) -> None:
        from decisionaid.sessions.errors import RecordDamaged, StoreError

        self._end_opening()
        if not isinstance(exc, StoreError):
            raise exc
        # e.g. one damaged revision: say which; the form keeps what it showed
        opened = "" if isinstance(exc, RecordDamaged) else f"Session {session_id} could not be opened: "
        self.save_state.setText("")
        self._show_error(f"{opened}{exc.title}. {exc.advice}")

    def _opened(self, session_id: int, view, amend: bool, pending, edits: int) -> None:
        if self._edits != edits and self.dirty:  # answers given meanwhile (the Patient view): written first
            self.open_session(session_id, amend)
            return
        self._end_opening()
        if pending is not None and not pending.handled:
            self._outcome(pending)  # written on this thread (a store used here): no signal tells it
        if pending is not None and pending.future is not None and pending.future.exception() is not None:
            # what was on screen could not be written (the banner says why): it stays, rather than be replaced
            self.save_state.setText(f"Session {session_id} was not opened, so that the text on screen is not lost.")
            return
        self.session_id, self.dirty = session_id, False
        self.unsaved_draft = view.draft is not None
        self.form_scroll.verticalScrollBar().setValue(0)  # a reopened session is read from its top
        if view.draft is not None:
            self.show_record(view.draft)
            self._set_mode("amend" if view.saved_revision_id else "new")
            self.save_state.setText("Recovered text that was autosaved but not saved. Check it, then Save.")
        else:
            self.show_record(view.record)
            self._set_mode("readonly")
            self.save_state.setText(f"Saved session {session_id} (read-only). Use Amend to change it.")
            if amend:
                self.start_amend()

    def start_amend(self) -> None:
        self._set_mode("amend")
        self.save_state.setText("Amending: your changes are autosaved; Save asks for the reason.")

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        read_only = mode == "readonly"
        for w in (self.patient, self.clinician, self.notes):
            w.setReadOnly(read_only)
        for w in (self.held_at, self.decision, self.has_follow_up):
            w.setEnabled(not read_only)
        self.follow_up.setEnabled(not read_only and self.has_follow_up.isChecked())
        self._check_follow_up()
        self.phq9.set_read_only(read_only)
        self.form.set_read_only(read_only)
        self.amend_button.setVisible(read_only)
        self._enable_save()
        self.save_button.setText("&Save amendment\u2026" if mode == "amend" else "&Save")
        self.print_target_changed.emit()

    # --- saving -------------------------------------------------------------------------------------
    # Writes go to the sessions file's owner thread (store_owner.py), in order. The autosave timer hands one over
    # and returns at once (typing never waits for the disk); its outcome comes back by `Writes.written`. A write
    # still waiting for its turn takes the newer text instead, so the newest text wins and none is written twice.
    # Save (the button, Ctrl+S: `save_soon`) hands its write over the same way: the screen says "Saving…", Save is
    # off until it lands (a second press is not taken meanwhile), typing goes on (the next autosave's text), and
    # the outcome comes back by `Writes.written` (`_save_landed`). `autosave()`, `save()` and `flush()` wait for
    # their write's outcome, and for a Save on its way first: only where the caller cannot go on without it
    # (closing, quitting, the idle lock closing the file, a new session replacing the form, scripts).

    @property
    def session_id(self) -> int | None:
        return self._target.session_id

    @session_id.setter
    def session_id(self, value: int | None) -> None:
        self._target = Target(value)  # a write still queued for the old session stays with it

    def _edited(self, *_) -> None:
        if self.mode == "readonly":
            return
        self.dirty = True
        self._edits += 1
        self.print_target_changed.emit()
        self._refresh_status()
        self._timer.start(AUTOSAVE_MS)

    def _author(self) -> str:
        return self.clinician.text().strip() or self.settings.clinician_name or "unknown"

    def _queue(self, kind: str, record, reason: str | None = None) -> Write | None:
        """Hand one write to the sessions file; None (and why shown, a retry planned) if it is not available."""
        store = self._open_store()
        if store is None:
            self._show_error("Not saved: the sessions file is not available (see the message shown when it was "
                             "opened). Your text is still here; decisionaid keeps trying to save it.")
            self._timer.start(RETRY_MS)
            return None
        write = Write(self._target, kind, record, self._author(), reason, self._edits)
        if isinstance(store, StoreHandle):
            if self._writes is None:
                self._writes = Writes(store.owner, self)
                self._writes.written.connect(self._written)
            return self._writes.put(store.store, write)
        from concurrent.futures import Future

        write.future = Future()  # a store used on this thread (the drills): written at once
        try:
            write.future.set_result(run_write(store, write))
        except Exception as exc:  # noqa: BLE001 - reported by _outcome like an owner-thread failure
            write.future.set_exception(exc)
        return write

    def _outcome(self, write: Write) -> bool:
        """Show how `write` went: on failure say what happened and keep everything on screen (retrying)."""
        from decisionaid.sessions.errors import StoreError
        from decisionaid.sessions.session_record import RecordError

        write.handled = True
        exc = write.future.exception()
        if write.target is not self._target or write.generation < self._handled:
            return exc is None  # older text, or another session's: a newer outcome is already on screen
        self._handled = write.generation
        if isinstance(exc, RecordError):
            self._show_error(f"Not saved yet: {exc}")
            self._point_at(exc.field, exc.message)
            return False
        if isinstance(exc, StoreError):
            self._show_error(f"Not saved: {exc.title}. {exc.advice} Your text is still here; "
                             "decisionaid keeps trying to save it.")
            self._timer.start(RETRY_MS)
            return False
        if exc is not None:
            raise exc
        self.error_banner.hide()
        self.last_error = ""
        if write.generation == self._edits:
            self.dirty = False
        return True

    def _written(self, write: Write) -> None:
        """A write handed over by the timer is done (on the UI thread, by signal)."""
        if write is self._saving:
            self._save_landed(write)
            return
        if write.handled:
            return  # a caller waited for it and showed the outcome itself
        if self._outcome(write) and write.kind == "autosave" and write.target is self._target:
            self.unsaved_draft = True
            self.save_state.setText(f"Autosaved at {dt.datetime.now():%H:%M:%S} (not yet saved as a revision).")
            self.saved.emit(write.target.session_id)

    def autosave_soon(self) -> None:
        """The autosave timer: hand the text to the sessions file and return at once."""
        self._timer.stop()
        if not self.dirty or self.mode == "readonly":
            return
        waiting = self._in_flight
        if waiting is not None and not waiting.handled and waiting.generation == self._edits \
                and waiting.target is self._target:
            return  # this very text is on its way
        self._in_flight = self._queue("autosave", self.record())

    def _wait(self, write: Write) -> None:
        from decisionaid.sessions.errors import StoreError

        try:
            write.result()
        except (StoreError, ValueError):
            pass  # reported by _outcome

    def autosave(self) -> bool:
        """Write what is unsaved now and wait for it (a new session, closing, the idle lock). A Save on its way
        lands first (its outcome shown as Save's): what follows needs the file to hold it."""
        self._timer.stop()
        self._land()
        if not self.dirty or self.mode == "readonly":
            return True
        waiting = self._in_flight
        if waiting is not None and not waiting.handled and waiting.generation == self._edits \
                and waiting.target is self._target:
            write = waiting
        else:
            write = self._queue("autosave", self.record())
            if write is None:
                return False
        self._wait(write)
        if self._outcome(write):
            self.unsaved_draft = True
            self.save_state.setText(f"Autosaved at {dt.datetime.now():%H:%M:%S} (not yet saved as a revision).")
            self.saved.emit(self.session_id)
            return True
        return False

    def save_soon(self) -> Write | None:
        """Save (the button, Ctrl+S): hand the text on screen to the sessions file as a revision and return at once.
        The screen says "Saving…" and Save is off until the outcome comes back by signal (`_save_landed`); the form
        stays as it is and typing goes on (the next autosave's text). None: nothing was handed over (a Save already
        on its way, no reason given for an amendment, the file not available: the screen says why)."""
        if self._saving is not None:
            return None  # Save is off meanwhile (Ctrl+S too): the one on its way lands first
        self._timer.stop()
        record = self.record()
        reason = None
        if self.mode == "amend":
            reason, ok = QInputDialog.getText(self, "Reason for amending",
                                              "Why is this session being amended? (kept in its history)")
            if not ok or not reason.strip():
                self.save_state.setText("Amendment not saved: a reason is needed. Your changes are kept.")
                return None
            reason = reason.strip()
        write = self._queue("amend" if self.mode == "amend" else "save", record, reason)
        if write is None:
            self.dirty = True
            return None
        self._saving = self._in_flight = write
        self._enable_save()
        self._before_saving = self.save_state.text()  # shown again if the Save fails (the banner says why)
        self.save_state.setText("Saving\u2026")
        QTimer.singleShot(SLOW_OPEN_MS, self, lambda: self._still_saving(write))
        if write.future.done():
            self._save_landed(write)  # written on this thread (a store used here): no signal tells it
        return write

    def _still_saving(self, write: Write) -> None:
        if self._saving is write:
            self.save_state.setText("Saving\u2026 The sessions file is busy with another task (a backup, for "
                                    "example): this can take a few seconds. You can go on typing.")

    def _enable_save(self) -> None:
        self.save_button.setEnabled(self.mode != "readonly" and self._saving is None and self._opening is None)

    def _save_landed(self, write: Write) -> bool:
        """A Save's outcome (on the UI thread): what Save shows, as it always did; True if it was saved."""
        if write is not self._saving:
            return bool(write.saved)  # shown already
        self._saving = None
        self._enable_save()
        ok = self._outcome(write)
        write.saved = ok
        if write.target is not self._target:
            return ok  # the screen moved on to another session: its own state stays
        if not ok:
            self.dirty = True
            if self.save_state.text().startswith("Saving\u2026"):
                self.save_state.setText(self._before_saving)  # as before Save was pressed
            return False
        self.unsaved_draft = False
        self.save_state.setText(f"Saved at {dt.datetime.now():%H:%M:%S} as a new revision of session "
                                f"{write.target.session_id}.")
        if write.kind == "amend" and write.generation == self._edits:
            self._set_mode("readonly")  # typed since: still amending, that text is the amendment's next Save
        self.saved.emit(write.target.session_id)
        return True

    def _land(self) -> bool:
        """Wait for the Save on its way, if any, and show its outcome (callers that need it in the file)."""
        write = self._saving
        if write is None:
            return True
        self._wait(write)
        return self._save_landed(write)

    def save(self) -> bool:
        """Save and wait until it has landed: True if saved. For quitting (the window must not close before the
        write is in the file: `confirm_quit`) and for scripts; the Save button and Ctrl+S use `save_soon`."""
        self._land()
        write = self.save_soon()
        if write is None:
            return False
        self._wait(write)
        return self._save_landed(write)

    def _point_at(self, field: str, message: str) -> None:
        """Put the cursor in the field a refused write names; the patient reference (the one field the form can
        leave invalid: blank on Save) also shows the message beside it."""
        widgets = {"patient_ref": self.patient, "clinician": self.clinician, "notes": self.notes,
                   "held_at": self.held_at, "follow_up": self.follow_up, "decision": self.decision}
        if field == "patient_ref":
            self.patient_error.setText(message)
            self.patient_error.show()
        if field in widgets:
            widgets[field].setFocus()

    def _show_error(self, message: str) -> None:
        self.last_error = message
        self.error_banner.setText(message)
        self.error_banner.show()

    def flush(self) -> bool:
        """Before quitting, the idle lock closing the file, or a restore replacing it: write what is unsaved and
        wait for it (a Save on its way lands first). It waits because the file is closed or replaced next: a write
        still queued then would be lost or land in another file. False if it could not be written."""
        return self.autosave()

    def has_unsaved_autosave(self) -> bool:
        """A consultation that is only autosaved (or typed, about to be): it was never saved as a revision."""
        return self.mode != "readonly" and (self.unsaved_draft or self.dirty)

    def confirm_quit(self) -> bool:
        """Before quitting: a consultation that was autosaved but never saved asks Save / Discard / Cancel.
        Save saves it (False if that fails or an amendment's reason is not given); Discard quits, leaving a new
        session as the unsaved draft it is (found under Sessions, Show autosaves too) and taking an amendment
        back to its saved version; Cancel (or Escape) keeps the window open. True: go on quitting."""
        self._land()  # quitting: a Save on its way lands first (the question depends on it; nothing may be lost)
        if not self.has_unsaved_autosave():
            return True
        amending = self.mode == "amend"
        box = QMessageBox(QMessageBox.Question, "Save before quitting?",
                          ("This amendment was autosaved but not saved." if amending else
                           "This consultation was autosaved but never saved.") + " Save it before quitting?",
                          QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, self)
        box.setObjectName("confirmQuit")
        box.setTextFormat(Qt.PlainText)
        box.setInformativeText("The amendment's changes are dropped and the saved version stays." if amending else
                               "If you discard, it stays in the sessions file as an unsaved draft "
                               "(Sessions, “Show autosaves too”).")
        box.setDefaultButton(QMessageBox.Save)
        box.setEscapeButton(QMessageBox.Cancel)
        from decisionaid.ui.keyboard import add_mnemonics

        add_mnemonics(box)  # Alt+S, Alt+D, Alt+C
        answer = box.exec()
        if answer == QMessageBox.Save:
            return self.save()
        if answer != QMessageBox.Discard:
            return False
        if amending and self.flush() and self.session_id is not None:
            self._discard_draft()
        self.dirty = False  # nothing more is written on the way out
        return True

    def _discard_draft(self) -> None:
        """Drop an amendment's autosaved changes (on the owner thread; the saved version stays)."""
        from decisionaid.sessions.errors import StoreError

        store = self._open_store()
        if store is None:
            return
        try:
            store.discard_draft(self.session_id, self._author())
        except StoreError as exc:
            self._show_error(f"The amendment's changes could not be dropped: {exc.title}. {exc.advice}")

    # --- printing -----------------------------------------------------------------------------------

    def has_session(self) -> bool:
        """Something to print a record of: a session that was written, or typing about to be autosaved; not while
        another session is being opened (what is on screen is about to give way to it)."""
        return self._opening is None and (self.session_id is not None or self.dirty)

    def print_subject(self):
        """The consultation on screen, for a handout, a record or a hand-off: what is typed is handed to the
        sessions file first (an autosave), so that it has a session id; the record as typed, marked as a draft
        unless it is the saved revision. Nothing typed yet: the general handout (a print_job.Subject). Otherwise a
        store_owner.Pending, read on the owner thread after that write: the print and hand-off actions read it
        without the window waiting (`PrintActions.document` waits for it). Store errors reach whoever reads it."""
        from decisionaid.handout.print_job import Subject
        from decisionaid.ui.store_owner import Pending

        if not self.has_session():
            return Subject()
        record = self.record()
        store = self._open_store()
        if store is None:  # the sessions file is not available: a handout from the screen, but no record
            return Subject(None, record, draft=True)
        write = None
        if self.mode != "readonly" and self.dirty:
            self.autosave_soon()  # queued before the read, so written first; its outcome comes by `_written`
            write = self._in_flight
        return Pending(store, functools.partial(_subject_of, self._target, record, self.mode == "readonly", write))

    def file_replaced(self, message: str) -> None:
        """The sessions file was moved aside (damaged, or a backup restored), so `session_id` may name another
        session in the file now in place. What is on screen stays and is written as a new session at the next
        autosave; a session that was only being read gives way to a new one. `message` goes in the error banner."""
        self._stop_opening()  # a session read from the file that was there is not shown
        had_session, self.session_id = self.session_id is not None, None
        if self.mode == "readonly":
            self.new_session()
        elif had_session or self.dirty:
            self._set_mode("new")
            self.dirty = True
            self._timer.start(AUTOSAVE_MS)
        self._show_error(message)


def _subject_of(target, record, readonly: bool, write, store):
    """On the sessions file's owner thread, after the write queued before it (if any): the print_job.Subject of
    the consultation whose session is `target` and whose text on screen was `record`."""
    from decisionaid.handout.print_job import Subject

    session_id = target.session_id
    if session_id is None:  # its first write could not create it: a handout from the screen, but no record
        return Subject(None, record, draft=True)
    view = store.get(session_id)
    history = tuple(store.history(session_id))
    visits = tuple(store.visits(session_id))
    revisions = tuple(store.visit_revisions(session_id))
    if readonly:
        return Subject(session_id, view.record, history, False, view.saved_revision_id, visits, revisions,
                       tuple(store.patient_course(view.record.patient_ref)))
    unwritten = write is not None and write.future is not None and write.future.exception() is not None
    draft = unwritten or view.draft is not None or view.saved_revision_id is None
    return Subject(session_id, record, history, draft, None if draft else view.saved_revision_id, visits,
                   revisions, tuple(store.patient_course(record.patient_ref)))
