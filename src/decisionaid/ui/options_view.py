"""Options in Option Grid form: short patient questions, answers of a sentence or two, for Botox alongside current
care and for carrying on with current care, each described for itself. Rows come from pack.json `options.rows`;
numbers come from the figure model (evidence/figures.py), the same as the Evidence screen and the handout.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHeaderView, QScrollArea, QTableWidgetItem, QVBoxLayout, QWidget

from decisionaid.evidence import figures
from decisionaid.evidence.pack import Fact, OptionAnswer
from decisionaid.evidence.summary import EvidenceSummary
from decisionaid.ui.common import (citation_label, fit_table_height, heading, label, plain_tooltip, provenance_text,
                                  readonly_table)
from decisionaid.ui.icon_array import IconArray

GLANCE_SIZE = (150, 175)  # every array on this screen the same size: benefits and harms weigh the same

DEFAULT_COLUMNS = ("Botox injections (off-label) alongside current care", "Carrying on with current care")
OPTION_OFF_LABEL = "Botox for depression is OFF-LABEL: it is not licensed for depression."
NO_SOURCE = "Describes the option itself; no figure."


def columns(summary: EvidenceSummary) -> tuple[str, str, str]:
    cols = summary.pack.options.columns or {}
    return ("Question", cols.get("botox", DEFAULT_COLUMNS[0]), cols.get("current", DEFAULT_COLUMNS[1]))


COLUMNS = ("Question", *DEFAULT_COLUMNS)


def _computed(summary: EvidenceSummary, what: str, side: str) -> tuple[str, str]:
    """(text, source/provenance) for a cell whose numbers come from the pool or the harms."""
    pack = summary.pack
    if what in ("response", "remission"):
        a = summary.outcome(what)
        b = figures.benefit(a)
        trials = ", ".join(t.short for t in a.included)
        tip = f"{b.estimate_note}\nTrials: {trials}\n" + pack.cite(tuple(t.source for t in a.included))
        if side == "botox":
            return (f"About {b.botox} in 100 ({b.range_text}), our estimate from {b.trials} small trials. "
                    f"The published pooled analysis reported {b.published_short}."
                    if b.published_short else f"About {b.botox} in 100 ({b.range_text})."), tip
        return (f"About {b.comparison} in 100: the people in these trials who had a dummy (salt-water) injection "
                "instead of Botox."), tip
    if what == "certainty":
        first = summary.outcomes[0]
        s = figures.scope(first, pack)
        left = f"; the largest trial, {s.left_out}, could not be included" if s.left_out else ""
        return (f"{first.certainty.level.upper()} certainty. {first.certainty.plain} The numbers come from "
                f"{s.trials} small trials with {s.people} people{left}."), \
            ("Our GRADE-style judgement (no published GRADE rating was found); the reasons are on the Evidence "
             "screen.\n" + s.text)
    if what == "harms":
        main = [h for h in figures.harm_figures(pack) if h.icons]
        text = "; ".join(f"{h.label.lower()}: {h.botox_words} (dummy injection: {h.comparison_words})" for h in main)
        tip = pack.harms.intro + "\n" + pack.cite(tuple(dict.fromkeys(s for h in main for s in h.sources)))
        return (f"{text[:1].upper() + text[1:]}, {figures.harms_time_frame(pack)}, in trials of Botox for frown lines "
                f"at a lower dose. {figures.harms_sure(main)} The Evidence screen lists every side effect and every "
                "source."), tip
    if what == "placebo_response":
        o = pack.options
        f = o.placebo_response
        return o.placebo_text, ("" if f is None else provenance_text(pack, f))
    raise ValueError(f"unknown computed answer {what!r}")


def answer_cell(summary: EvidenceSummary, answer: OptionAnswer, side: str) -> tuple[str, str]:
    """(text, tooltip) of one option-grid cell."""
    pack = summary.pack
    if answer.computed:
        return _computed(summary, answer.computed, side)
    if answer.practical:
        facts = [pack.practical[k] for k in answer.practical]
        return " ".join(f.text for f in facts), "\n\n".join(provenance_text(pack, f) for f in facts)
    if answer.harms:
        fact = getattr(pack.harms, answer.harms)
        return fact.text, provenance_text(pack, fact)
    if answer.provenance:
        return answer.text, provenance_text(pack, Fact(answer.text, answer.provenance, answer.sources))
    return answer.text, NO_SOURCE


def option_rows(summary: EvidenceSummary) -> list[tuple[str, str, str, str]]:
    """(question, Botox cell, current-care cell, source/provenance text) rows, all from the pack and the pool."""
    rows = []
    for row in summary.pack.options.rows:
        botox, botox_tip = answer_cell(summary, row.botox, "botox")
        current, current_tip = answer_cell(summary, row.current, "current")
        tips = [t for t in (botox_tip, current_tip) if t and t != NO_SOURCE]
        rows.append((row.question, botox, current, "\n\n".join(dict.fromkeys(tips)) or NO_SOURCE))
    return rows


class OptionsView(QScrollArea):
    def __init__(self, summary: EvidenceSummary, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Options screen")  # a tab stop to scroll it by keyboard: named
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        pack = summary.pack
        body = QWidget()
        self.setWidget(body)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(18, 14, 18, 18)
        lay.addWidget(heading("Your options"))
        lay.addWidget(label(OPTION_OFF_LABEL, bold=True))
        lay.addWidget(label(pack.options.intro))
        lay.addWidget(citation_label(pack, pack.options.intro_sources))

        rows = option_rows(summary)
        table = readonly_table(len(rows), columns(summary), "optionGrid", "The options side by side")
        for r, (question, botox, usual, source) in enumerate(rows):
            for c, text in enumerate((question, botox, usual)):
                item = QTableWidgetItem(text)
                item.setToolTip(plain_tooltip(source))
                item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)
                if c == 0:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(r, c, item)
        table.setColumnWidth(0, 210)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Fixed)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        self.table = table
        lay.addWidget(table)
        lay.addWidget(label("Hover over a row to see where it comes from.", size=9))
        lay.addWidget(self._at_a_glance(summary))
        if pack.options.placebo_text:
            lay.addWidget(heading("Would people get better without Botox?", 2))
            self.placebo_label = label(pack.options.placebo_text, name="placeboResponse",
                                       tooltip=provenance_text(pack, pack.options.placebo_response))
            lay.addWidget(self.placebo_label)
            lay.addWidget(citation_label(pack, pack.options.placebo_response.sources))
        lay.addWidget(heading("Other established options", 2))
        for option in pack.options.other_options:
            lay.addWidget(label(f"\u2022 {option}"))
        lay.addWidget(label(pack.options.other_options_note, italic=True, size=9))
        lay.addStretch(1)

    def _at_a_glance(self, summary: EvidenceSummary) -> QWidget:
        """Benefit and main harms side by side, out of 100 people, each pair with its time frame."""
        pack = summary.pack
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(heading("At a glance: out of 100 people", 2))
        grid = QGridLayout()
        a = summary.outcome("response")
        pairs = [(f"Felt much better {a.outcome.time_frame}", figures.benefit_arrays(a))]
        pairs += [(f"{h.label}, {h.time_frame}", (p, b)) for h, p, b in figures.harm_arrays(pack)]
        self.glance: list[IconArray] = []
        self.glance_certainty: list = []
        for col, (title, arrays) in enumerate(pairs):
            grid.addWidget(label(title, bold=True), 0, 2 * col, 1, 2)
            sure = arrays[1].certainty  # each pair's certainty under its title, benefit and harms alike
            sure_label = label(sure[:1].upper() + sure[1:], bold=True, name=f"glanceCertainty{col}")
            grid.addWidget(sure_label, 1, 2 * col, 1, 2)
            self.glance_certainty.append(sure_label)
            for k, fig in enumerate(arrays):
                w = IconArray()
                w.setMinimumSize(*GLANCE_SIZE)
                w.set_figure(fig)
                grid.addWidget(w, 2, 2 * col + k)
                self.glance.append(w)
        grid.setColumnStretch(2 * len(pairs), 1)
        v.addLayout(grid)
        harms = [h for h, _p, _b in figures.harm_arrays(pack)]
        v.addWidget(label(figures.certainty_line(a) + " Side effects: " + figures.harms_sure(harms) + " "
                          + pack.harms.population, size=9))
        return box

    def resizeEvent(self, event) -> None:  # keep the grid at its full height, rows wrapped to the width
        super().resizeEvent(event)
        fit_table_height(self.table)
