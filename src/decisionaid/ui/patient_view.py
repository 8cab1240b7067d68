"""The Patient view: a calm window turned towards the patient, walking through the choice in three steps.

Team talk (there is a choice), option talk (the options side by side, from the same figure model as the Evidence
and Options screens) and decision talk (what matters to the patient and the SURE test, answered on screen). It is
its own window, so it can go full screen on a second monitor or be shared; F11 toggles full screen, Esc returns to
the clinician's window, Ctrl+plus and Ctrl+minus change the text size.

It shows nothing that identifies anyone and nothing the patient should not see: no identifier, notes, PHQ-9 items
or checklist reasons. Answers are set through the Consultation screen's own form (ConsultationView
.set_patient_answer), so they show there at once, are autosaved like any click, and the record marks them as the
patient's. When the checklist opens the crisis pathway, the view shows help first and no option talk until the
clinician continues (`continue_after_crisis`).
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QButtonGroup, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QRadioButton, QScrollArea, QStackedWidget, QVBoxLayout, QWidget)

from decisionaid.evidence import figures
from decisionaid.ui.common import qt_text
from decisionaid.ui.icon_array import IconArray
from decisionaid.ui.options_view import option_rows

STEPS = ("team", "options", "decision")
TOPICS = ("help", "harms", "serious", "sure", "involves", "repeats", "cost")
# option-grid rows (pack.json options.rows) behind each topic, named by what the row shows
_TOPIC_ROWS = {"serious": ("harms:serious",), "sure": ("computed:certainty",),
               "involves": ("practical:involves", "practical:frown"),
               "repeats": ("practical:repeats",), "cost": ("practical:cost",)}
BASE_PX = 20       # body text at 100 %; never below 16 px
MIN_PX = 16
MAX_PX = 40
ARRAY_SIZE = (236, 230)
INK, PAPER, ACCENT = "#111111", "#ffffff", "#0b3d6e"


def _row_key(answer) -> str:
    if answer.computed:
        return f"computed:{answer.computed}"
    if answer.harms:
        return f"harms:{answer.harms}"
    if answer.practical:
        return "practical:" + "+".join(answer.practical)
    return ""


def _label(text: str, role: str = "body", name: str | None = None) -> QLabel:
    lab = QLabel(qt_text(text))
    lab.setTextFormat(Qt.PlainText)  # wording and pack text show as written, never as markup
    lab.setWordWrap(True)
    lab.setProperty("role", role)
    if name:
        lab.setObjectName(name)
    return lab


class PatientView(QWidget):
    step_changed = Signal(str)
    closed_to_clinician = Signal()  # Esc: back to the clinician's window

    def __init__(self, summary, checklist, consultation, settings, wording=None, parent=None):
        """`consultation`: the ConsultationView whose session the answers belong to; `settings`: a callable
        returning the current Settings (emergency number, clinic contact, crisis text)."""
        super().__init__(parent, Qt.Window)
        from decisionaid.patient_view.wording import default_wording

        self.w = wording or default_wording()
        self.summary, self.checklist, self.consultation, self._settings = summary, checklist, consultation, settings
        self.setObjectName("patientView")
        self.setWindowTitle(self.w["window_title"])
        self.px = BASE_PX
        self.crisis_cleared = False
        self._syncing = False
        self.start_groups: dict[str, QButtonGroup] = {}  # the SURE test at the start of the talk (team talk)
        self._step = "team"
        self.arrays: list[IconArray] = []  # every picture of 100 people, in the order shown

        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        outer.setSpacing(10)
        bar = QHBoxLayout()
        self.step_buttons: dict[str, QPushButton] = {}
        group = QButtonGroup(self)
        for step in STEPS:
            b = QPushButton(self.w["steps"][step], objectName=f"step:{step}", checkable=True)
            b.setProperty("role", "step")
            b.clicked.connect(lambda _=False, s=step: self.show_step(s))
            group.addButton(b)
            self.step_buttons[step] = b
            bar.addWidget(b)
        bar.addStretch(1)
        outer.addLayout(bar)

        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        for name, page in (("crisis", self._crisis_page()), ("team", self._team_page()),
                           ("options", self._options_page()), ("decision", self._decision_page())):
            scroll = QScrollArea(objectName=f"page:{name}")  # scrolls only when the text is made very large
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.NoFrame)
            scroll.setWidget(page)
            self.pages[name] = scroll
            self.stack.addWidget(scroll)
        outer.addWidget(self.stack, 1)

        nav = QHBoxLayout()
        self.back_button = QPushButton(self.w["back"], objectName="back")
        self.next_button = QPushButton(self.w["next"], objectName="next")
        for b in (self.back_button, self.next_button):
            b.setProperty("role", "nav")
        self.back_button.clicked.connect(lambda: self._move(-1))
        self.next_button.clicked.connect(lambda: self._move(1))
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        outer.addLayout(nav)

        for keys, slot in (((QKeySequence.ZoomIn, "Ctrl+="), self.zoom_in), ((QKeySequence.ZoomOut,), self.zoom_out),
                           (("F11",), self.toggle_full_screen), (("Esc",), self.back_to_clinician)):
            for key in keys:
                QShortcut(QKeySequence(key), self, slot, context=Qt.WindowShortcut)

        consultation.form.changed.connect(self.refresh)
        consultation.phq9.changed.connect(self.refresh)
        consultation.record_shown.connect(self.refresh)
        self._apply_style()
        self.refresh()
        self.show_step("team")
        from decisionaid.ui.keyboard import add_mnemonics

        add_mnemonics(self)  # Alt+letter for each step, topic, part and Back / Next

    # --- pages ----------------------------------------------------------------------------------------

    def _crisis_page(self) -> QWidget:
        page = QFrame(objectName="patientCrisis")
        page.setStyleSheet("QFrame#patientCrisis { background: #fbe3e5; border: 3px solid #58151c; "
                           "border-radius: 8px; } QFrame#patientCrisis QLabel { color: #3d0a10; background: "
                           "transparent; border: none; }")
        v = QVBoxLayout(page)
        v.setContentsMargins(28, 20, 28, 20)
        c = self.w["crisis"]
        v.addWidget(_label(c["heading"], "h1"))
        v.addWidget(_label(c["lead"]))
        self.crisis_lines = _label("", "strong", "crisisLines")
        self.crisis_local = _label("", "strong", "crisisLocal")
        v.addWidget(self.crisis_lines)
        v.addWidget(self.crisis_local)
        v.addWidget(_label(c["wait"]))
        v.addStretch(1)
        return page

    def _team_page(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        v.setSpacing(18)
        t = self.w["team"]
        v.addWidget(_label(t["heading"], "h1"))
        v.addWidget(_label(t["decision"], "lead"))
        v.addWidget(_label(t["off_label"], "strong", "offLabel"))
        v.addWidget(_label(t["current_care"]))
        v.addWidget(_label(t["together"]))
        # the SURE test at the start of the talk; the same questions come again in decision talk (the end), with the
        # checklist's answers and labels
        from decisionaid.ui.checklist_form import answer_options

        v.addWidget(_label(t["sure_heading"], "h2"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(2)
        sections = {s.id: s for s in self.checklist.sections}
        for r, item in enumerate(sections["decisional_conflict"].items):
            grid.addWidget(_label(item.patient_text), r, 0)
            grid.addLayout(self._choices(item.id, answer_options(item), columns=2, start=True), r, 1)
        grid.setColumnStretch(0, 4)
        grid.setColumnStretch(2, 1)
        v.addLayout(grid)
        v.addStretch(1)
        return page

    def _options_page(self) -> QWidget:
        o = self.w["options"]
        page = QWidget()
        v = QVBoxLayout(page)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(_label(o["heading"], "h1"))
        v.addWidget(_label(o["pick"], "small"))
        pick = QHBoxLayout()
        self.topic_buttons: dict[str, QPushButton] = {}
        group = QButtonGroup(self)
        self.topics = QStackedWidget()
        rows = {_row_key(r.botox): r for r in self.summary.pack.options.rows}
        cells = {_row_key(r.botox): (q, b, c) for r, (q, b, c, _src) in
                 zip(self.summary.pack.options.rows, option_rows(self.summary))}
        for topic in TOPICS:
            b = QPushButton(o["topics"][topic], objectName=f"topic:{topic}", checkable=True)
            b.setProperty("role", "topic")
            b.clicked.connect(lambda _=False, t=topic: self.show_topic(t))
            group.addButton(b)
            self.topic_buttons[topic] = b
            pick.addWidget(b)
            if topic == "help":
                self.topics.addWidget(self._help_topic())
            elif topic == "harms":
                self.topics.addWidget(self._harms_topic())
            else:
                self.topics.addWidget(self._rows_topic([cells[k] for k in _TOPIC_ROWS[topic] if k in rows]))
        pick.addStretch(1)
        v.addLayout(pick)
        v.addWidget(self.topics, 1)
        self.show_topic("help")
        return page

    def _columns(self, grid: QGridLayout, row: int) -> int:
        o = self.w["options"]
        for col, key in enumerate(("botox", "current")):
            head = _label(o[key], "column")
            grid.addWidget(head, row, col)
        return row + 1

    def _array(self, figure) -> IconArray:
        w = IconArray()
        w.set_figure(dataclasses.replace(figure, from_bottom=True))  # across a desk: a level rising from the bottom
        w.setFixedSize(round(ARRAY_SIZE[0] * self.px / BASE_PX), round(ARRAY_SIZE[1] * self.px / BASE_PX))
        self.arrays.append(w)
        return w

    def _help_topic(self) -> QWidget:
        o = self.w["options"]
        a = self.summary.outcome("response")
        placebo, botox = figures.benefit_arrays(a)
        page = QWidget(objectName="topicPage:help")
        grid = QGridLayout(page)
        grid.addWidget(_label(f"{o['help_title']}, {a.outcome.time_frame}", "h2"), 0, 0, 1, 2)
        r = self._columns(grid, 1)
        grid.addWidget(self._array(botox), r, 0, Qt.AlignLeft)
        grid.addWidget(self._array(placebo), r, 1, Qt.AlignLeft)
        sure = figures.patient_sure(a.certainty.level)  # how sure, next to the numbers: the same for the harms
        grid.addWidget(_label(f"{figures.benefit(a).patient_text} {sure}", name="helpNumbers"), r + 1, 0, 1, 2)
        grid.addWidget(_label(o["dummy_note"], "small"), r + 2, 0, 1, 2)
        grid.setRowStretch(r + 3, 1)
        return page

    def _harms_topic(self) -> QWidget:
        o = self.w["options"]
        page = QWidget(objectName="topicPage:harms")
        grid = QGridLayout(page)
        harms = figures.harm_arrays(self.summary.pack)
        frame = figures.harms_time_frame(self.summary.pack)
        grid.addWidget(_label(f"{o['harms_title']}, {frame}", "h2"), 0, 0, 1, 4)
        inner = QGridLayout()  # Botox's arrays under their option, the dummy injection's under usual care
        n = len(harms)
        inner.addWidget(_label(o["botox"], "column"), 0, 0, 1, n)
        inner.addWidget(_label(o["current"], "column"), 0, n, 1, n)
        for h_i, (_h, dummy, botox) in enumerate(harms):
            inner.addWidget(self._array(botox), 1, h_i)
            inner.addWidget(self._array(dummy), 1, n + h_i)
        inner.setColumnStretch(2 * n, 1)
        grid.addLayout(inner, 2, 0, 1, 4)
        sure = figures.harms_sure((h for h, _d, _b in harms), patient=True)  # how sure, next to the numbers
        grid.addWidget(_label(" ".join([*(h.patient_text for h, _d, _b in harms), sure]), name="harmsNumbers"),
                       3, 0, 1, 4)
        grid.addWidget(_label(o["people_note"], "small"), 4, 0, 1, 4)
        grid.setRowStretch(5, 1)
        return page

    def _rows_topic(self, cells) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        grid.setHorizontalSpacing(28)
        r = self._columns(grid, 0)
        for question, botox, current in cells:
            grid.addWidget(_label(question, "h2"), r, 0, 1, 2)
            grid.addWidget(_label(botox), r + 1, 0, Qt.AlignTop)
            grid.addWidget(_label(current), r + 1, 1, Qt.AlignTop)
            r += 2
        grid.setColumnStretch(0, 3)  # Botox's answers are the long ones
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(r, 1)
        return page

    def _decision_page(self) -> QWidget:
        """Two parts, one at a time: what matters to the patient, then the SURE test with questions to ask."""
        d = self.w["decision"]
        page = QWidget()
        v = QVBoxLayout(page)
        v.setContentsMargins(0, 0, 0, 0)
        pick = QHBoxLayout()
        self.part_buttons: dict[str, QPushButton] = {}
        group = QButtonGroup(self)
        self.parts = QStackedWidget()
        for part, text in (("values", d["heading"]), ("sure", d["sure_heading"])):
            b = QPushButton(text, objectName=f"part:{part}", checkable=True)
            b.setProperty("role", "topic")
            b.clicked.connect(lambda _=False, p=part: self.show_part(p))
            group.addButton(b)
            self.part_buttons[part] = b
            pick.addWidget(b)
        pick.addStretch(1)
        v.addLayout(pick)
        v.addWidget(self.parts, 1)
        self.answer_groups: dict[str, QButtonGroup] = {}
        self.answer_texts: dict[str, QLineEdit] = {}
        sections = {s.id: s for s in self.checklist.sections}
        from decisionaid.ui.checklist_form import answer_options

        values = QWidget(objectName="part:values:page")
        left = QVBoxLayout(values)
        left.setSpacing(2)
        left.addWidget(_label(d["values_intro"]))
        for item in sections["values"].items:
            left.addSpacing(8)
            left.addWidget(_label(item.patient_text, "strong"))
            if item.answer_type == "text":
                edit = QLineEdit(objectName=f"patient:{item.id}")
                edit.setPlaceholderText(d["other_hint"])
                edit.textEdited.connect(lambda text, i=item.id: self._answered(i, text or None))
                self.answer_texts[item.id] = edit
                left.addWidget(edit)
                continue
            options = answer_options(item)
            left.addLayout(self._choices(item.id, options, columns=len(options)))
        left.addStretch(1)
        self.parts.addWidget(values)

        sure = QWidget(objectName="part:sure:page")
        right = QVBoxLayout(sure)
        right.setSpacing(2)
        right.addWidget(_label(d["sure_again"], "small"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        for r, item in enumerate(sections["decisional_conflict"].items):
            grid.addWidget(_label(item.patient_text), r, 0)
            grid.addLayout(self._choices(item.id, answer_options(item), columns=2), r, 1)
        grid.setColumnStretch(0, 4)  # Yes and No near their question, not across the screen
        grid.setColumnStretch(2, 1)
        right.addLayout(grid)
        right.addSpacing(16)
        right.addWidget(_label(d["questions_heading"], "h2"))
        right.addWidget(_label("\n".join(f"\u2022 {q}" for q in d["questions"])))
        right.addSpacing(16)
        right.addWidget(_label(d["handout"], "strong", "takeHandout"))
        right.addStretch(1)
        self.parts.addWidget(sure)
        self.show_part("values")
        return page

    def show_part(self, part: str) -> None:
        """Decision talk: "values" or "sure"."""
        self.parts.setCurrentIndex(("values", "sure").index(part))
        for p, b in self.part_buttons.items():
            b.setChecked(p == part)
        if hasattr(self, "next_button"):
            self._show_current()

    def current_part(self) -> str:
        return ("values", "sure")[self.parts.currentIndex()]

    def _choices(self, item_id: str, options, columns: int, start: bool = False) -> QGridLayout:
        """Radio buttons for one question; `start`: the SURE test at the start of the talk (kept apart from the
        checklist's answer, which is the one at the end)."""
        grid = QGridLayout()
        grid.setHorizontalSpacing(28)
        grid.setVerticalSpacing(0)
        group = QButtonGroup(self)
        for i, (value, text) in enumerate(options):
            b = QRadioButton(text, objectName=f"patient:{'start:' if start else ''}{item_id}:{value}")
            b.setProperty("value", value)
            group.addButton(b)
            grid.addWidget(b, i // columns, i % columns)
        grid.setColumnStretch(columns, 1)
        if start:
            group.buttonToggled.connect(lambda b, on, i=item_id: on and not self._syncing
                                        and self.consultation.set_sure_start(i, b.property("value")))
            self.start_groups[item_id] = group
        else:
            group.buttonToggled.connect(lambda b, on, i=item_id: on and self._answered(i, b.property("value")))
            self.answer_groups[item_id] = group
        return grid

    # --- answers, safety, steps -----------------------------------------------------------------------

    def _answered(self, item_id: str, value: str | None) -> None:
        if not self._syncing:
            self.consultation.set_patient_answer(item_id, value)

    def refresh(self) -> None:
        """Show the session's current answers, and open or close the crisis pathway."""
        self._syncing = True
        try:
            answers, at_start = self.consultation.form.answers(), self.consultation.sure_start()
            for groups, given in ((self.answer_groups, answers), (self.start_groups, at_start)):
                for item_id, group in groups.items():
                    group.setExclusive(False)
                    for b in group.buttons():
                        b.setChecked(b.property("value") == given.get(item_id))
                    group.setExclusive(True)
            for item_id, edit in self.answer_texts.items():
                if edit.text() != answers.get(item_id, ""):
                    edit.setText(qt_text(answers.get(item_id, "")))
            read_only = self.consultation.mode == "readonly"
            for group in (*self.answer_groups.values(), *self.start_groups.values()):
                for b in group.buttons():
                    b.setEnabled(not read_only)
            for edit in self.answer_texts.values():
                edit.setReadOnly(read_only)
        finally:
            self._syncing = False
        s = self._settings()
        lines = [line.strip() for line in (s.crisis_text or self.checklist.crisis.default_text).splitlines()
                 if line.strip()]
        self.crisis_lines.setText(qt_text("\n".join(lines)))
        c = self.w["crisis"]
        local = []
        if s.emergency_number.strip():
            local.append(f"{c['emergency']} {s.emergency_number.strip()}")
        if s.clinic_contact.strip():
            local.append(f"{c['clinic']} {s.clinic_contact.strip()}")
        self.crisis_local.setText(qt_text("\n".join(local)))
        self.crisis_local.setVisible(bool(local))
        if not self.in_crisis():
            self.crisis_cleared = False  # a new safety stop later opens the pathway again
        self._show_current()

    def in_crisis(self) -> bool:
        return bool(self.consultation.assessment().crisis)

    def blocked(self) -> bool:
        """The crisis pathway is open and the clinician has not chosen to continue: help only, no options."""
        return self.in_crisis() and not self.crisis_cleared

    def continue_after_crisis(self) -> None:
        """The clinician chooses to go on with the choice after the safety talk."""
        self.crisis_cleared = True
        self._show_current()

    def show_step(self, step: str) -> None:
        if step not in STEPS:
            raise ValueError(f"unknown step {step!r}")
        self._step = step
        self._show_current()
        self.step_changed.emit(step)

    def current_step(self) -> str:
        """The page on screen: "crisis" while help comes first, else the step."""
        return "crisis" if self.blocked() else self._step

    def _show_current(self) -> None:
        shown = self.current_step()
        self.stack.setCurrentWidget(self.pages[shown])
        blocked = self.blocked()
        for step, b in self.step_buttons.items():
            b.setChecked(step == shown)
            b.setEnabled(not blocked)
        i = STEPS.index(self._step)
        last = i == len(STEPS) - 1 and self.current_part() == "sure"
        self.back_button.setEnabled(not blocked and i > 0)
        self.next_button.setEnabled(not blocked and not last)

    def _move(self, delta: int) -> None:
        if self._step == "decision" and (self.current_part(), delta) in (("values", 1), ("sure", -1)):
            self.show_part("sure" if delta > 0 else "values")
            return
        i = max(0, min(len(STEPS) - 1, STEPS.index(self._step) + delta))
        self.show_step(STEPS[i])

    def show_topic(self, topic: str) -> None:
        self.topics.setCurrentIndex(TOPICS.index(topic))
        for t, b in self.topic_buttons.items():
            b.setChecked(t == topic)

    def current_topic(self) -> str:
        return TOPICS[self.topics.currentIndex()]

    # --- reading across a desk ------------------------------------------------------------------------

    def _apply_style(self) -> None:
        px = self.px
        touch = round(px * 2.2)
        dot = round(px * 1.1)  # the answer circles: drawn here in ink on paper, not from the window's palette
        self.setStyleSheet(
            f"QWidget#patientView, QWidget#patientView QScrollArea, QWidget#patientView QScrollArea > QWidget > QWidget"
            f" {{ background: {PAPER}; }}"
            f"QWidget#patientView QLabel {{ color: {INK}; font-size: {px}px; }}"
            f"QWidget#patientView QLabel[role=\"h1\"] {{ font-size: {round(px * 1.6)}px; font-weight: bold; color: {ACCENT}; }}"
            f"QWidget#patientView QLabel[role=\"h2\"] {{ font-size: {round(px * 1.15)}px; font-weight: bold; }}"
            f"QWidget#patientView QLabel[role=\"lead\"] {{ font-size: {round(px * 1.3)}px; }}"
            f"QWidget#patientView QLabel[role=\"strong\"], QWidget#patientView QLabel[role=\"column\"] {{ font-weight: bold; }}"
            f"QWidget#patientView QLabel[role=\"column\"] {{ color: {ACCENT}; border-bottom: 2px solid {ACCENT}; padding-bottom: 2px; }}"
            f"QWidget#patientView QLabel[role=\"small\"] {{ font-size: {max(MIN_PX, round(px * 0.9))}px; }}"
            f"QWidget#patientView QPushButton, QWidget#patientView QRadioButton, QWidget#patientView QLineEdit "
            f"{{ font-size: {px}px; color: {INK}; }}"
            f"QWidget#patientView QPushButton, QWidget#patientView QLineEdit {{ min-height: {touch}px; }}"
            f"QWidget#patientView QRadioButton {{ padding: {round(px * 0.3)}px 0px; spacing: {round(px * 0.4)}px; }}"
            f"QWidget#patientView QPushButton {{ padding: 4px 16px; border: 2px solid {ACCENT}; border-radius: 8px; "
            f"background: #eef3f8; }}"
            f"QWidget#patientView QPushButton:checked {{ background: {ACCENT}; color: white; }}"
            f"QWidget#patientView QPushButton:focus {{ border: 4px solid {INK}; padding: 2px 14px; }}"  # the focus ring
            f"QWidget#patientView QPushButton:disabled {{ border-color: #9aa5b1; color: #59626b; background: #f0f0f0; }}"
            f"QWidget#patientView QRadioButton::indicator {{ width: {dot}px; height: {dot}px; border: 2px solid {INK}; "
            f"border-radius: {dot // 2 + 2}px; background: {PAPER}; }}"
            f"QWidget#patientView QRadioButton::indicator:checked {{ background: qradialgradient(cx:0.5, cy:0.5, "
            f"radius:0.5, fx:0.5, fy:0.5, stop:0 {ACCENT}, stop:0.55 {ACCENT}, stop:0.65 {PAPER}, stop:1 {PAPER}); }}"
            f"QWidget#patientView QLineEdit {{ background: {PAPER}; border: 1px solid #59626b; border-radius: 4px; "
            f"placeholder-text-color: #59626b; }}"
            f"QWidget#patientView QLineEdit:focus {{ border: 2px solid {ACCENT}; }}"
            f"QWidget#patientView IconArray {{ font-size: {max(MIN_PX, round(px * 0.8))}px; }}")
        for w in self.arrays:  # larger text, larger pictures: the caption never crowds the people
            f = w.font()
            f.setPixelSize(max(MIN_PX, round(px * 0.8)))
            w.setFont(f)
            w.setFixedSize(round(ARRAY_SIZE[0] * px / BASE_PX), round(ARRAY_SIZE[1] * px / BASE_PX))

    def set_text_px(self, px: int) -> None:
        self.px = max(MIN_PX, min(MAX_PX, px))
        self._apply_style()

    def zoom_in(self) -> None:
        self.set_text_px(self.px + 2)

    def zoom_out(self) -> None:
        self.set_text_px(self.px - 2)

    def toggle_full_screen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def back_to_clinician(self) -> None:
        """Esc: out of full screen and back to the clinician's window (the patient view is hidden, not lost)."""
        if self.isFullScreen():
            self.showNormal()
        self.hide()
        self.closed_to_clinician.emit()

    def visible_texts(self) -> list[str]:
        """Every text a patient can see now (labels, buttons, fields, array captions), for review and tests."""
        out = []
        for w in self.findChildren(QWidget):
            if not w.isVisibleTo(self):
                continue
            if isinstance(w, (QLabel, QPushButton, QRadioButton)):
                out.append(w.text())
            elif isinstance(w, QLineEdit):
                out += [w.text(), w.placeholderText()]
            elif isinstance(w, IconArray):
                out.append(w.caption())
        return [t for t in out if t]
