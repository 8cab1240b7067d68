"""Options, in the style of an option grid: Botox added to current care beside current care alone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHeaderView, QScrollArea, QTableWidgetItem, QVBoxLayout, QWidget

from decisionaid.evidence.formatting import fmt_per_100
from decisionaid.evidence.pack import Fact
from decisionaid.evidence.summary import EvidenceSummary
from decisionaid.ui.common import (citation_label, fit_table_height, heading, label, plain_tooltip, provenance_text,
                                  readonly_table)

COLUMNS = ("Question", "Botox added to current care", "Carrying on with current care")


def option_rows(summary: EvidenceSummary) -> list[tuple[str, str, str, str]]:
    """(question, Botox cell, current-care cell, source/provenance text) rows, all from the pack and the pool."""
    pack = summary.pack
    prac = pack.practical

    def tip(*facts: Fact) -> str:
        return "\n\n".join(provenance_text(pack, f) for f in facts)

    rows = [("What does it involve?", prac["involves"].text,
             "No injection. Your current treatment and follow-up carry on.", tip(prac["involves"]))]
    for a in summary.outcomes:
        f = a.frequencies
        rows.append((f"How many {a.outcome.plain} {a.outcome.time_frame}? (out of 100)",
                     f"About {fmt_per_100(f.treatment_per_100)} in 100 (95% CI {fmt_per_100(f.treatment_low)} to "
                     f"{fmt_per_100(f.treatment_high)})",
                     f"About {fmt_per_100(f.control_per_100)} in 100 (after a dummy injection in the trials)",
                     f"{f.method}\nTrials: {', '.join(t.short for t in a.included)}\n"
                     + pack.cite(tuple(t.source for t in a.included))))
    harms = pack.harms.items
    rows.append(("Side effects (out of 100, trials of Botox for frown lines)",
                 "\n".join(f"{h.label}: {fmt_per_100(100 * h.treatment_events / h.treatment_total)} in 100, {h.time_frame}"
                           for h in harms),
                 "\n".join(f"{h.label}: {fmt_per_100(100 * h.control_events / h.control_total)} in 100 with a dummy "
                           f"injection" for h in harms),
                 pack.harms.intro + "\n" + pack.cite(tuple(dict.fromkeys(s for h in harms for s in h.sources)))))
    rows.append(("Rare but serious risks", pack.harms.serious.text, "None from an injection.", tip(pack.harms.serious)))
    rows.append(("Is it licensed for depression?", prac["off_label"].text, "Your current treatment as prescribed.",
                 tip(prac["off_label"])))
    rows.append(("When might it work, and for how long?", f"{prac['onset'].text} {prac['duration'].text}",
                 "As your clinician has explained for your current treatment.", tip(prac["onset"], prac["duration"])))
    rows.append(("Cost and repeat treatments", f"{prac['cost'].text} {prac['repeats'].text}", "No injection cost.",
                 tip(prac["cost"], prac["repeats"])))
    rows.append(("Not being able to frown", prac["frown"].text, "No change.", tip(prac["frown"])))
    certainty = ", ".join(f"{a.outcome.label.lower()}: {a.certainty.level}" for a in summary.outcomes)
    rows.append(("How sure are we?", f"Certainty of the evidence ({certainty}). " + summary.outcomes[0].outcome.certainty_plain,
                 "The comparison is the trials' placebo groups.", "See the certainty reasons on the Evidence screen."))
    return rows


class OptionsView(QScrollArea):
    def __init__(self, summary: EvidenceSummary, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        pack = summary.pack
        body = QWidget()
        self.setWidget(body)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(18, 14, 18, 18)
        lay.addWidget(heading("Your options"))
        lay.addWidget(label("Botox for depression is OFF-LABEL: it is not licensed for depression.", bold=True))
        lay.addWidget(label(pack.options.intro))
        lay.addWidget(citation_label(pack, pack.options.intro_sources))

        rows = option_rows(summary)
        table = readonly_table(len(rows), COLUMNS, "optionGrid")
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
        lay.addWidget(heading("Other established options", 2))
        for option in pack.options.other_options:
            lay.addWidget(label(f"\u2022 {option}"))
        lay.addWidget(label(pack.options.other_options_note, italic=True, size=9))
        lay.addStretch(1)

    def resizeEvent(self, event) -> None:  # keep the grid at its full height, rows wrapped to the width
        super().resizeEvent(event)
        fit_table_height(self.table)
