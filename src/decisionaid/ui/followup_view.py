"""Follow-up of one session (opened from the Sessions screen): the course chart, each visit's outcomes with their
definitions, and a form for a new visit or an amendment (the old version is kept). A PHQ-9 item 9 above 0 opens the
crisis pathway at once, exactly as at the first consultation."""

from __future__ import annotations

import functools

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton,
                               QScrollArea, QVBoxLayout, QWidget)

from decisionaid.ui.common import heading, label, qt_text, typed_text
from decisionaid.ui.course_chart import CourseChart
from decisionaid.ui.date_field import DateField
from decisionaid.ui.phq9_input import Phq9Input

BOTOX_CHOICES = (("not recorded", None), ("yes", True), ("no", False))


class FollowUpDialog(QDialog):
    def __init__(self, store, session_id: int, checklist, pack, settings=None, parent=None):
        from decisionaid.checklist.followup import load_rules

        super().__init__(parent)
        self.store, self.session_id, self.checklist, self.pack, self.settings = (store, session_id, checklist, pack,
                                                                                 settings)
        self.rules = load_rules()
        self.amending: int | None = None
        self.course = None
        self.setObjectName("followUpDialog")
        self.setWindowTitle(f"Follow-up of session {session_id}")
        self.resize(980, 760)
        outer = QVBoxLayout(self)
        from decisionaid.ui.consultation_view import CrisisBox

        self.crisis_box = CrisisBox()
        outer.addWidget(self.crisis_box)  # outside the scroll area: in view whenever the pathway opens
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        lay = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.title = heading(f"Follow-up of session {session_id}")
        self.summary = label("", name="followUpSummary")
        lay.addWidget(self.title)
        lay.addWidget(self.summary)
        self.chart = CourseChart()
        lay.addWidget(self.chart)
        self.chart_text = label("", size=9, name="courseText")
        lay.addWidget(self.chart_text)
        self.visit_list = QListWidget(objectName="visitList")
        self.visit_list.setMinimumHeight(self.fontMetrics().height() * 4)
        self.visit_list.setMaximumHeight(self.fontMetrics().height() * 7)
        lay.addWidget(label("Visits (select one to read its outcomes, or to amend it)", bold=True))
        lay.addWidget(self.visit_list)
        self.outcomes = QPlainTextEdit(objectName="visitOutcomes")
        self.outcomes.setReadOnly(True)
        self.outcomes.setMinimumHeight(150)
        lay.addWidget(self.outcomes)
        self.definitions = label("\n".join(_definitions(self.rules)), size=9, name="definitions")
        lay.addWidget(self.definitions)

        self.form_box = QGroupBox("New follow-up visit", objectName="visitForm")
        form = QFormLayout(self.form_box)
        self.visit_date = DateField(objectName="visitDate")
        self.visit_date.setDisplayFormat("yyyy-MM-dd")
        self.visit_date.setCalendarPopup(True)
        self.visit_date.setDate(QDate.currentDate())
        form.addRow("Date of the visit", self.visit_date)
        form.addRow(self.visit_date.message)  # what is wrong with a date typed there, just below it
        self.phq9 = Phq9Input(checklist.phq9)
        form.addRow("PHQ-9", self.phq9)
        effects = QVBoxLayout()
        self.side_effects: dict[str, QCheckBox] = {}
        for harm in pack.harms.items:
            if harm.id == "any":
                continue
            box = QCheckBox(harm.label, objectName=f"sideEffect_{harm.id}")
            self.side_effects[harm.id] = box
            effects.addWidget(box)
        self.other_effects = QLineEdit(objectName="otherSideEffects")
        self.other_effects.setPlaceholderText("Other side effects, in words")
        effects.addWidget(self.other_effects)
        form.addRow("Side effects since the last visit", effects)
        botox = QHBoxLayout()
        self.botox_given = QComboBox(objectName="botoxGiven")
        for text, value in BOTOX_CHOICES:
            self.botox_given.addItem(text, value)
        self.botox_date = DateField(objectName="botoxDate")
        self.botox_date.setDisplayFormat("yyyy-MM-dd")
        self.botox_date.setCalendarPopup(True)
        self.botox_date.setDate(QDate.currentDate())
        self.botox_date.setEnabled(False)
        botox.addWidget(self.botox_given)
        botox.addWidget(label("on", wrap=False))
        botox.addWidget(self.botox_date)
        botox.addStretch(1)
        form.addRow("Botox given", botox)
        form.addRow(self.botox_date.message)
        self.impression = QLineEdit(objectName="impression")
        self.impression.setPlaceholderText("How the patient says they are, in their words")
        form.addRow("Patient's impression", self.impression)
        self.notes = QPlainTextEdit(objectName="visitNotes")
        self.notes.setMaximumHeight(90)
        form.addRow("Notes", self.notes)
        self.next_step = QComboBox(objectName="nextStep")
        self.next_step.addItem("not decided", None)
        for key, text in self.rules.next_steps.items():
            self.next_step.addItem(text, key)
        form.addRow("Next step", self.next_step)
        self.reason = QLineEdit(objectName="amendReason")
        self.reason.setPlaceholderText("Why the visit is changed (kept in the history)")
        self.reason_label = label("Reason for the amendment")
        form.addRow(self.reason_label, self.reason)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("&Save visit", objectName="saveVisit")
        self.amend_button = QPushButton("&Amend selected visit\u2026", objectName="amendVisit")
        self.cancel_amend = QPushButton("Cancel a&mendment", objectName="cancelAmend")
        for b in (self.save_button, self.amend_button, self.cancel_amend):
            buttons.addWidget(b)
        buttons.addStretch(1)
        form.addRow(buttons)
        self.error = label("", name="visitError")
        self.error.setStyleSheet("color: #58151c; background: #f8d7da;")  # 9.9:1 in any palette
        form.addRow(self.error)
        lay.addWidget(self.form_box)
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.rejected.connect(self.reject)
        outer.addWidget(close)

        self.phq9.changed.connect(self._live_crisis)
        self.botox_given.currentIndexChanged.connect(
            lambda: self.botox_date.setEnabled(self.botox_given.currentData() is True))
        self.save_button.clicked.connect(self.save)
        self.amend_button.clicked.connect(self.start_amend)
        self.cancel_amend.clicked.connect(self.clear_form)
        self.visit_list.currentItemChanged.connect(self._show_visit)
        self.clear_form()
        from decisionaid.ui.store_owner import Reads

        self._reads = Reads(self)  # the session and its visits, read on the sessions file's owner thread
        self._write = Reads(self)  # a visit's Save, on the owner thread too; its outcome comes back by signal
        self._saving, self._saved = False, False
        self.visits, self._histories = [], {}
        self.finished.connect(lambda _result: self._reads.drop())  # closed: a read still on its way is not shown
        self.reload()
        from decisionaid.ui.keyboard import add_mnemonics

        add_mnemonics(self)

    # --- reading ------------------------------------------------------------------------------------

    def reload(self, select: int | None = None) -> None:
        """Read the session, its visits (with each one's revisions) and the patient's other sessions on the
        sessions file's owner thread, after what is queued there (a backup of a big file takes seconds); meanwhile
        the dialog says so, Save waits and the window stays usable. `select`: the visit to show once read (else
        the latest). Closing the dialog drops a read still on its way."""
        self.summary.setText("Reading the session\u2026")
        self.save_button.setEnabled(False)
        self.amend_button.setEnabled(False)
        self.setCursor(Qt.BusyCursor)
        self._reads.read(self.store, functools.partial(_read_follow_up, self.session_id),
                         on_done=lambda read: self._fill(read, select), on_error=self._read_failed)

    def reading(self) -> bool:
        """The session asked for has not arrived yet."""
        return self._reads.waiting()

    def _read_failed(self, exc) -> None:
        from decisionaid.sessions.errors import StoreError

        self.unsetCursor()
        if not isinstance(exc, StoreError):
            raise exc
        self.summary.setText(f"The follow-up could not be read: {exc.title}. {exc.advice}")

    def _fill(self, read, select: int | None) -> None:
        from decisionaid.checklist.course_figure import figure_for
        from decisionaid.checklist.followup import course

        self.unsetCursor()
        self.save_button.setEnabled(True)
        view, self.visits, patient_sessions, self._histories = read
        self.record = view.record
        self.course = course(self.checklist, self.rules, self.record, self.visits)
        first = (self.course.baseline_total if self.course.baseline_total is not None else "not recorded")
        self.summary.setText(f"Patient {qt_text(self.record.patient_ref)} \u00b7 first consultation "
                             f"{self.course.baseline_date} (PHQ-9 {first}) \u00b7 follow-up due "
                             f"{self.record.follow_up or 'not set'}")
        others = [s for s, _n in patient_sessions if s.session_id != self.session_id]
        if others:
            self.summary.setText(self.summary.text() + "\nThis patient's other sessions: " + "; ".join(
                f"session {s.session_id} ({s.held_at[:10]})" for s in others))
        figure = figure_for(self.checklist, self.course, self.visits)
        self.chart.set_figure(figure)
        self.chart_text.setText(figure.summary_text())
        self.visit_list.clear()
        for o in self.course.outcomes:
            stored = next(v for v in self.visits if v.visit_no == o.visit_no)
            text = (f"Visit {o.visit_no} \u00b7 {o.visit_date} \u00b7 PHQ-9 "
                    f"{o.total if o.total is not None else 'no total'}")
            if stored.revision > 1:
                text += f" \u00b7 amended ({stored.revision} revisions)"
            if o.crisis:
                text += " \u00b7 item 9 above 0: crisis pathway"
            item = QListWidgetItem(text)
            item.setData(Qt.UserRole, o.visit_no)
            self.visit_list.addItem(item)
        rows = [r for r in range(self.visit_list.count()) if self.visit_list.item(r).data(Qt.UserRole) == select]
        if rows:
            self.visit_list.setCurrentRow(rows[0])
        elif self.visit_list.count():
            self.visit_list.setCurrentRow(self.visit_list.count() - 1)
        else:
            self.outcomes.setPlainText("No follow-up visit recorded yet.")
        self.amend_button.setEnabled(bool(self.visits))
        self._live_crisis()

    def _show_visit(self, item, _previous=None) -> None:
        from decisionaid.checklist.followup import outcome_lines, visit_change_words, visit_facts

        if item is None:
            return
        number = item.data(Qt.UserRole)
        o = next(o for o in self.course.outcomes if o.visit_no == number)
        v = next(s for s in self.visits if s.visit_no == number).visit
        labels = {h.id: h.label for h in self.pack.harms.items}
        lines = [f"Visit {number} on {o.visit_date}"] + outcome_lines(self.rules, o)
        lines += visit_facts(self.rules, v, labels, date_style="on")
        if v.notes:
            lines.append(f"Notes: {v.notes}")
        history = self._histories.get(number, [])  # read with the visits (reload)
        for before, after in zip(history, history[1:]):
            lines.append(f"Revision {after.revision} (amendment) by {after.author}, reason: {after.reason}: "
                         f"{visit_change_words(self.rules, before.visit, after.visit, labels)}")
        self.outcomes.setPlainText(qt_text("\n".join(lines)))

    # --- the form -----------------------------------------------------------------------------------

    def clear_form(self) -> None:
        self.amending = None
        self.form_box.setTitle("New follow-up visit")
        self.visit_date.setDate(QDate.currentDate())
        self.phq9.set_scores(None, None)
        for box in self.side_effects.values():
            box.setChecked(False)
        for edit in (self.other_effects, self.impression, self.reason):
            edit.clear()
        self.notes.clear()
        self.botox_given.setCurrentIndex(0)
        self.next_step.setCurrentIndex(0)
        self.reason.setVisible(False)
        self.reason_label.setVisible(False)
        self.cancel_amend.setVisible(False)
        self.save_button.setText("&Save visit")
        self.error.setText("")

    def start_amend(self) -> None:
        item = self.visit_list.currentItem()
        if item is None:
            return
        number = item.data(Qt.UserRole)
        v = next(s for s in self.visits if s.visit_no == number).visit
        self.clear_form()
        self.amending = number
        self.form_box.setTitle(f"Amend visit {number} (the version saved before is kept)")
        self.visit_date.setDate(QDate.fromString(v.visit_date, "yyyy-MM-dd"))
        self.phq9.set_scores(v.phq9_items, v.phq9_total)
        for harm, box in self.side_effects.items():
            box.setChecked(harm in v.side_effects)
        self.other_effects.setText(qt_text(v.side_effects_other))
        self.impression.setText(qt_text(v.impression))
        self.notes.setPlainText(qt_text(v.notes))
        self.botox_given.setCurrentIndex(max(0, [c for _t, c in BOTOX_CHOICES].index(v.botox_given)))
        if v.botox_date:
            self.botox_date.setDate(QDate.fromString(v.botox_date, "yyyy-MM-dd"))
        self.next_step.setCurrentIndex(max(0, self.next_step.findData(v.next_step)))
        for w in (self.reason, self.reason_label, self.cancel_amend):
            w.setVisible(True)
        self.save_button.setText("&Save amendment")

    def visit(self):
        from decisionaid.sessions.visits import VisitRecord

        given = self.botox_given.currentData()
        return VisitRecord(
            visit_date=self.visit_date.date().toString("yyyy-MM-dd"), phq9_items=self.phq9.item_scores(),
            phq9_total=self.phq9.total_score(),
            side_effects=tuple(h for h, box in self.side_effects.items() if box.isChecked()),
            side_effects_other=self.other_effects.text().strip(), botox_given=given,
            botox_date=self.botox_date.date().toString("yyyy-MM-dd") if given else None,
            impression=self.impression.text().strip(), notes=typed_text(self.notes),
            next_step=self.next_step.currentData())

    def save(self) -> bool:
        """Save the visit in the form (Save visit, Save amendment): the write is queued on the sessions file's owner
        thread and this returns at once (a backup of a big file ahead of it takes seconds). Meanwhile the form says
        "Saving the visit…" on its button, greyed (what was handed over is what is saved; nothing typed can go astray) and Save is
        off; the outcome comes back by signal (`_visit_saved`, `_visit_failed`). True: handed over (a store used on
        this thread: saved); False: refused at once (a typed date that is not a date; the form says why)."""
        limits = {"phq9_item_max": self.checklist.phq9.item_max, "phq9_total_max": self.checklist.phq9.total_max,
                  "harm_ids": tuple(self.side_effects)}
        for field, what in ((self.visit_date, "visit"), (self.botox_date, "Botox")):
            if field.isEnabled() and field.problem():  # a typed date that does not exist: never saved as another
                self.error.setText(f"Not saved: the {what} date typed, {field.text()}, is not a date. Correct it, "
                                   "or pick one from the calendar.")
                return False
        if self._saving:
            return False  # Save is off until the visit on its way lands
        author = (getattr(self.settings, "clinician_name", "") or self.record.clinician or "clinician").strip()
        visit, number, reason = self.visit(), self.amending, self.reason.text()
        if number is None:
            write = functools.partial(_add_visit, self.session_id, visit, author, limits)
        else:
            write = functools.partial(_amend_visit, self.session_id, number, visit, author, reason, limits)
        self._saving = True
        self.form_box.setEnabled(False)  # greyed, still readable: what is on its way is what it shows
        self.save_button.setText("Saving the visit\u2026")
        self.error.setText("")
        self._write.read(self.store, write, on_done=self._visit_saved, on_error=self._visit_failed)
        return self._saved if not self._saving else True

    def _end_saving(self) -> None:
        self._saving = False
        self.form_box.setEnabled(True)
        self.save_button.setText("&Save visit" if self.amending is None else "&Save amendment")

    def _visit_saved(self, number: int) -> None:
        self._end_saving()
        self._saved = True
        self.clear_form()
        self.reload(select=number)  # the visit just saved is shown once read back
        self._live_crisis()

    def _visit_failed(self, exc) -> None:
        from decisionaid.sessions.errors import StoreError
        from decisionaid.sessions.session_record import RecordError

        self._end_saving()
        self._saved = False
        if isinstance(exc, RecordError):
            self.error.setText(str(exc))
        elif isinstance(exc, StoreError):
            self.error.setText(f"The visit could not be saved: {exc.title}. {exc.advice} Nothing typed is lost.")
        else:
            raise exc

    def saving(self) -> bool:
        """A visit handed to the sessions file has not landed yet."""
        return self._saving

    def done(self, result: int) -> None:
        """Closing waits for a visit on its way: its outcome must be seen while the form still holds it (a failure
        keeps the dialog open, with its line and the text)."""
        from decisionaid.ui.store_owner import StoreHandle

        if self._saving and isinstance(self.store, StoreHandle):
            self.store.owner.drain()  # the write has run once everything queued before this has
            QCoreApplication.sendPostedEvents()  # its outcome, by signal, is shown now
            if not self._saved:
                return
        super().done(result)

    def _live_crisis(self) -> None:
        """Open the crisis pathway while the visit being entered, or the latest visit saved, has item 9 above 0."""
        from decisionaid.checklist.assessment import assess

        typing = assess(self.checklist, {}, self.phq9.phq9()).crisis
        latest = self.course is not None and bool(self.course.outcomes) and self.course.outcomes[-1].crisis
        if typing or latest:
            c = self.checklist.crisis
            number = (getattr(self.settings, "emergency_number", "") or "").strip()
            lines = [c.clinician_guidance,
                     f"Local emergency number: {number}." if number else
                     "Local emergency number: not set yet (Edit > Settings).",
                     c.clinician_handout_line]
            self.crisis_box.set_guidance("\n".join(lines))
        self.crisis_box.setVisible(typing or latest)


def _definitions(rules) -> list[str]:
    from decisionaid.checklist.followup import definition_lines

    return definition_lines(rules)


def _read_follow_up(session_id: int, store):
    """On the sessions file's owner thread: the session, its visits, the patient's sessions and each visit's
    revisions (read at once: the dialog shows them as the clinician picks a visit, without asking again)."""
    view = store.get(session_id)
    visits = store.visits(session_id)
    return (view, visits, store.patient_course(view.record.patient_ref),
            {v.visit_no: store.visit_history(session_id, v.visit_no) for v in visits})


def _add_visit(session_id: int, visit, author: str, limits: dict, store) -> int:
    """On the sessions file's owner thread: a new visit; its number."""
    return store.add_visit(session_id, visit, author, **limits)


def _amend_visit(session_id: int, number: int, visit, author: str, reason: str, limits: dict, store) -> int:
    """On the sessions file's owner thread: an amendment of visit `number` (its old version is kept)."""
    store.amend_visit(session_id, number, visit, author, reason, **limits)
    return number
