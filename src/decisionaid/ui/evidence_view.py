"""The Evidence screen: trials, pooled estimate, forest plot, icon arrays, certainty, harms, date."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFrame, QGridLayout, QHBoxLayout, QHeaderView,
                               QLabel, QScrollArea, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from decisionaid.evidence import figures
from decisionaid.evidence.certainty import DOMAIN_NAMES
from decisionaid.evidence.formatting import fmt_ci, fmt_per_100, fmt_ratio
from decisionaid.evidence.pack import BinaryOutcome, Count, Fact, Figure, Pack, Trial
from decisionaid.evidence.summary import MEASURE_NAMES, METHOD_NAMES, EvidenceSummary, OutcomeAnalysis
from decisionaid.ui.common import (card, citation_label, fit_table_height, heading, label, plain_tooltip, provenance_text,
                                  readonly_table, rule, tint)
from decisionaid.ui.forest_plot import ForestPlot
from decisionaid.ui.icon_array import IconArray

ARRAY_MIN = (240, 250)  # benefit and harm arrays: the same size, the same visual weight

STUDY_COLUMNS = ("Study", "People (per arm)", "Women / men", "Scale, time point", "Main result",
                 "Response", "Remission", "Reference")
COLUMN_TIPS = {"People (per arm)": "People randomized (or analysed), then per arm: Botox vs comparison",
               "Response": "Responders / people: Botox vs comparison, at the trial's primary time point",
               "Remission": "Remitters / people: Botox vs comparison, at the trial's primary time point"}
COLUMN_WIDTHS = (120, 125, 75, 105, 0, 125, 125, 235)  # 0: takes the remaining width
DETAIL_FIELDS = ("Citation", "Design", "Setting", "People", "Women / men", "Antidepressants (add-on or alone)",
                 "How 'treatment-resistant' was defined", "Dose and sites", "Scale, time point", "Main result",
                 "Response", "Remission", "Side effects", "Funding and conflicts of interest", "Pooled?")
PROVENANCE_MARK = {"derived": figures.DERIVED_MARK, "unverified": " (not known)"}  # the forest plot's mark too


def figure_text(fig: Figure | None) -> str:
    if fig is None or fig.value is None:
        return "not reported"
    return f"{fig.value}{PROVENANCE_MARK.get(fig.provenance, '')}"


def count_text(count: Count) -> str:
    if count.events.value is None or count.total.value is None:
        return "not reported"
    mark = next((PROVENANCE_MARK[f.provenance] for f in (count.events, count.total) if f.provenance in PROVENANCE_MARK), "")
    return f"{count.events.value}/{count.total.value}{mark}"


def date_text(d) -> str:
    return f"{d.day} {d.strftime('%B %Y')}"


class _Cell(QTableWidgetItem):
    """A table cell whose hover text and click detail carry provenance and citation."""

    def __init__(self, text: str, detail: str):
        super().__init__(text)
        self.setToolTip(plain_tooltip(detail))
        self.setData(Qt.UserRole, detail)
        self.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)


class EvidenceView(QScrollArea):
    """The whole screen. With `staged`, only its top (what the evidence says, and how sure we are) is built at once;
    `build_next_section()` adds the next section (the window calls it once per event-loop turn, so it stays
    responsive) and `finish_building()` the rest. Once built in full it is the same screen either way."""

    def __init__(self, summary: EvidenceSummary, parent: QWidget | None = None, staged: bool = False):
        super().__init__(parent)
        self.setAccessibleName("Evidence screen")  # a tab stop to scroll it by keyboard: named
        self.summary = summary
        self.pack: Pack = summary.pack
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        body = QWidget()
        body.setObjectName("evidenceBody")
        self.setWidget(body)
        lay = self._lay = QVBoxLayout(body)
        lay.setContentsMargins(18, 14, 18, 18)
        lay.setSpacing(10)
        lay.addStretch(1)  # last: the sections go in above it, in order
        self.studies_table = self.harm_sources = None

        self._add(heading("Does Botox help depression, and how sure are we?"))
        self._add(label("Glabellar botulinum toxin A (Botox) for depression is an OFF-LABEL use: it is not licensed "
                        "for depression.", bold=True,
                        tooltip=provenance_text(self.pack, self.pack.practical["off_label"])))
        self.date_label = label("", name="evidenceDate")
        self._add(self.date_label)
        self.stale_banner = label("", bold=True, name="staleBanner")
        tint(self.stale_banner, "#fff3cd", "#4a3700")
        self._add(self.stale_banner)
        self._show_date()
        self._add(self._controls())
        self._add(self._frequencies_block())
        self._refresh_frequencies()
        self._steps = [self._add_pooled, self._add_harms, self._add_studies, self._add_reviews]
        if not staged:
            self.finish_building()

    def _add(self, widget: QWidget) -> None:
        self._lay.insertWidget(self._lay.count() - 1, widget)

    def build_next_section(self) -> bool:
        """Add the next section; True while more remain."""
        if self._steps:
            self._steps.pop(0)()
            if self.isVisible():  # added on screen: fit the tables as a resize would, once the layout has its width
                QTimer.singleShot(0, self, self._fit_tables)
        return bool(self._steps)

    def finish_building(self) -> None:
        while self.build_next_section():
            pass

    def _add_pooled(self) -> None:
        self.pooled_label = label("", name="pooledLabel")
        self._add(self.pooled_label)
        self.forest = ForestPlot()
        self.forest.setMinimumHeight(220)
        self._add(self.forest)
        self.forest_note = label("", size=9, name="forestNote")
        self._add(self.forest_note)
        self._add(self._certainty_block())
        self._refresh_pooled()
        self._refresh_certainty()

    def _add_harms(self) -> None:
        self._add(rule())
        self._add(heading("Side effects (out of 100 people)", 2))
        self._add(self._harms_block())

    def _add_studies(self) -> None:
        self._add(rule())
        self._add(heading("The studies", 2))
        self._add(label("Hover over or click any cell to see where its numbers come from. "
                        + figures.DERIVED_NOTE, size=9))
        self.studies_table = self._studies_table()
        self._add(self.studies_table)
        self.source_detail = label("Click a cell to see its source here.", size=9, name="sourceDetail")
        self.source_detail.setBackgroundRole(QPalette.AlternateBase)  # palette roles: follow a change of theme
        self.source_detail.setForegroundRole(QPalette.Text)
        self.source_detail.setAutoFillBackground(True)
        self.source_detail.setContentsMargins(6, 6, 6, 6)
        self._add(self.source_detail)
        self._add(self._detail_panel())
        self.show_trial(0)
        self.not_pooled_label = label("", size=9, name="notPooled")
        self._add(self.not_pooled_label)
        self._refresh_not_pooled()

    def _add_reviews(self) -> None:
        self._add(heading("Reviews and pooled analyses", 2))
        for r in self.pack.reviews:
            self._add(label(f"{r.short}: {r.finding}", tooltip=self.pack.cite(r.sources)))
            self._add(citation_label(self.pack, r.sources))

    # --- building blocks ---------------------------------------------------------------------

    def _show_date(self) -> None:
        pack = self.pack
        self.date_label.setText(
            f"Evidence last reviewed {date_text(pack.last_reviewed)} (evidence pack {pack.version}); "
            f"next review due {date_text(pack.review_due())}.")
        self.date_label.setToolTip(plain_tooltip(pack.update_policy))
        self.stale_banner.setText(
            f"Warning: this evidence was last reviewed on {date_text(pack.last_reviewed)}, more than "
            f"{pack.review_every_months} months ago. Newer studies may change these numbers. {pack.update_policy}")
        self.stale_banner.setVisible(self.summary.stale)

    def _controls(self) -> QWidget:
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        self.outcome_box, self.measure_box, self.method_box = QComboBox(), QComboBox(), QComboBox()
        for a in self.summary.outcomes:
            self.outcome_box.addItem(f"{a.outcome.label} ({a.outcome.time_frame})", a.outcome.id)
        for key in ("rr", "or"):  # the risk ratio first: the numbers out of 100 use it
            self.measure_box.addItem(MEASURE_NAMES[key], key)
        for key, text in (("dl", "Random effects (DerSimonian-Laird)"), ("fixed", "Fixed effect (inverse variance)")):
            self.method_box.addItem(text, key)
        for text, box in (("Outcome", self.outcome_box), ("Measure", self.measure_box), ("Pooling", self.method_box)):
            h.addWidget(label(text + ":", wrap=False, selectable=False))
            h.addWidget(box)
            box.currentIndexChanged.connect(self.refresh)
        h.addStretch(1)
        return row

    def _frequencies_block(self) -> QWidget:
        box = card()
        v = QVBoxLayout(box)
        self.freq_heading = heading("", 2)
        v.addWidget(self.freq_heading)
        self.headline = label("", bold=True, name="headline")
        v.addWidget(self.headline)
        self.headline_certainty = label("", bold=True, name="headlineCertainty")
        tint(self.headline_certainty, "#fff3cd", "#4a3700")
        v.addWidget(self.headline_certainty)
        self.scope_label = label("", name="poolScope")
        v.addWidget(self.scope_label)
        arrays = QHBoxLayout()
        self.placebo_icons, self.botox_icons = IconArray(), IconArray()
        for w in (self.placebo_icons, self.botox_icons):
            w.setMinimumSize(*ARRAY_MIN)
            arrays.addWidget(w)
        arrays.addStretch(1)
        v.addLayout(arrays)
        self.freq_text = label("", name="freqText")
        v.addWidget(self.freq_text)
        self.published_label = label("", name="publishedFigures")
        v.addWidget(self.published_label)
        return box

    def _certainty_block(self) -> QWidget:
        box = card()
        v = QVBoxLayout(box)
        self.certainty_heading = heading("", 2)
        self.certainty_heading.setObjectName("certaintyHeading")
        v.addWidget(self.certainty_heading)
        self.certainty_text = label("", name="certaintyText")
        v.addWidget(self.certainty_text)
        return box

    def _harms_block(self) -> QWidget:
        pack, harms = self.pack, self.pack.harms
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(label(harms.intro, tooltip=pack.cite(harms.intro_sources)))
        v.addWidget(label(f"Out of 100 people, {figures.harms_time_frame(pack)}. {harms.population}", bold=True,
                          name="harmTimeFrame"))
        arrays = figures.harm_arrays(pack)
        # next to the numbers, as the benefits' "How sure are we?" line is (same tint, same weight)
        self.harm_certainty = label("How sure are we? " + figures.harms_sure(h for h, _p, _b in arrays), bold=True,
                                    name="harmCertainty")
        tint(self.harm_certainty, "#fff3cd", "#4a3700")
        v.addWidget(self.harm_certainty)
        self.harm_icons: list[IconArray] = []
        self.harm_sources = None
        for harm, placebo, botox in arrays:  # a pair per row, laid out like the benefit pair
            row = QHBoxLayout()
            for fig in (placebo, botox):
                w = IconArray()
                w.setMinimumSize(*ARRAY_MIN)
                w.set_figure(fig)
                w.setToolTip(plain_tooltip(f"{harm.label}: {harm.botox_count} with Botox, {harm.comparison_count} "
                                           f"with a dummy injection, {harm.time_frame}. {harm.certainty_line}"
                                           "\nSource: " + pack.cite(harm.sources)))
                row.addWidget(w)
                self.harm_icons.append(w)
            row.addStretch(1)
            v.addLayout(row)
        grid = QGridLayout()
        for col, text in enumerate(("Side effect", "With Botox", "With a dummy injection", "Time frame",
                                    "How sure")):
            grid.addWidget(label(text, bold=True), 0, col)
        self.harm_labels = []
        for row, (h, item) in enumerate(zip(figures.harm_figures(pack), harms.items), start=1):
            tip = f"{pack.provenance_legend[item.provenance]}\nSource: {pack.cite(h.sources)}"
            cells = (h.label,
                     f"{fmt_per_100(100 * item.treatment_events / item.treatment_total)} in 100 ({h.botox_count})",
                     f"{fmt_per_100(100 * item.control_events / item.control_total)} in 100 ({h.comparison_count})",
                     h.time_frame, h.certainty_words)
            for col, text in enumerate(cells):
                lab = label(text, tooltip=tip)
                grid.addWidget(lab, row, col)
                self.harm_labels.append(lab)
        v.addLayout(grid)
        v.addWidget(citation_label(pack, tuple(dict.fromkeys(s for h in harms.items for s in h.sources))))
        for fact in (harms.depression_trials, harms.serious):
            v.addWidget(label(fact.text, tooltip=provenance_text(pack, fact)))
            v.addWidget(citation_label(pack, fact.sources))
        if harms.evidence:
            v.addWidget(heading("Every source of side-effect data, with the people it comes from", 3))
            table = readonly_table(len(harms.evidence), ("Source", "People", "Time frame", "What it found"),
                                   "harmSources",
                                   "Every source of side-effect data")
            for r, e in enumerate(harms.evidence):
                tip = f"{pack.provenance_legend[e.provenance]}\nSource: {pack.cite(e.sources)}"
                for c, text in enumerate((e.name, e.population, e.time_frame, e.finding)):
                    item = QTableWidgetItem(text)
                    item.setToolTip(plain_tooltip(tip))
                    table.setItem(r, c, item)
            header = table.horizontalHeader()
            for c, mode in enumerate((QHeaderView.Interactive, QHeaderView.Stretch, QHeaderView.Stretch,
                                      QHeaderView.Stretch)):
                header.setSectionResizeMode(c, mode)
            table.setColumnWidth(0, 200)
            table.setTextElideMode(Qt.ElideNone)
            self.harm_sources = table
            v.addWidget(table)
            fit_table_height(table)
        return box

    def _studies_table(self) -> QTableWidget:
        pack = self.pack
        table = readonly_table(len(pack.trials), STUDY_COLUMNS, "studiesTable", "The studies")
        table.setSelectionMode(QAbstractItemView.SingleSelection)
        for row, trial in enumerate(pack.trials):
            fields = self._trial_fields(trial)
            for col, name in enumerate(STUDY_COLUMNS):
                table.setItem(row, col, _Cell(*fields[f"{name} (pair)" if name in ("Response", "Remission") else name]))
        for col, name in enumerate(STUDY_COLUMNS):
            if name in COLUMN_TIPS:
                table.horizontalHeaderItem(col).setToolTip(COLUMN_TIPS[name])
        header = table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        table.setTextElideMode(Qt.ElideNone)
        for col, w in enumerate(COLUMN_WIDTHS):
            if w:
                table.setColumnWidth(col, w)
                header.setSectionResizeMode(col, QHeaderView.Interactive)
            else:
                header.setSectionResizeMode(col, QHeaderView.Stretch)
        table.cellClicked.connect(self._show_source)
        table.currentCellChanged.connect(lambda r, c, *_: self._show_source(r, c))
        return table

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_tables()

    def _fit_tables(self) -> None:
        if self.studies_table is not None:
            fit_table_height(self.studies_table)
        if self.harm_sources is not None:
            fit_table_height(self.harm_sources)

    def _trial_fields(self, t: Trial) -> dict[str, tuple[str, str]]:
        """Every field of a trial as (text, provenance and source) pairs: the table and the detail panel use these."""
        pack = self.pack
        src = pack.sources[t.source]

        def fact(f: Fact) -> tuple[str, str]:
            return f.text, provenance_text(pack, f)

        def figures(text: str, *figs: Figure | None) -> tuple[str, str]:
            return text, "\n\n".join(provenance_text(pack, f) for f in figs if f is not None)

        people = f"{figure_text(t.randomized)} randomized" if t.randomized.value is not None else ""
        if t.analysed is not None:
            people += ("; " if people else "") + f"{figure_text(t.analysed)} analysed"
        if t.arms:
            people += ": " + ", ".join(f"{figure_text(a.n)} {a.label}" for a in t.arms)

        def outcome(o: BinaryOutcome | None) -> list[tuple[str, str]]:
            if o is None:
                return [("none published", t.not_pooled or "No counts were published.")] * 2
            return [(count_text(c), f"{o.definition}\n\n" + "\n\n".join(
                        f"{part}: " + provenance_text(pack, fig) for part, fig in (("Events", c.events), ("Total", c.total))))
                    for c in (o.treatment, o.control)]

        reference = "\n".join(x for x in (f"PMID {src.pmid}" if src.pmid else "", f"DOI {src.doi}" if src.doi else "",
                                          t.registry or "") if x) or "no PMID or DOI"
        resp, rem = outcome(t.response), outcome(t.remission)
        total = figure_text(t.randomized) if t.randomized.value is not None else f"{figure_text(t.analysed)} analysed"
        per_arm = " vs ".join(figure_text(a.n) for a in t.arms)
        pooled = [o.label.lower() for o in pack.outcomes if t.id in o.trials]
        return {
            "Study": (t.short, src.reference()),
            "Citation": (src.reference() + (f"\n{src.url}" if src.url else ""), src.reference()),
            "Design": fact(t.design),
            "Setting": fact(t.setting),
            "People": figures(people or "not reported", t.randomized, t.analysed, *(a.n for a in t.arms)),
            "Women / men": figures("not reported" if t.women.value is None and t.men.value is None
                                   else f"{figure_text(t.women)} / {figure_text(t.men)}", t.women, t.men),
            "Antidepressants (add-on or alone)": fact(t.antidepressants),
            "How 'treatment-resistant' was defined": fact(t.treatment_resistance),
            "Dose and sites": fact(t.dose),
            "Scale, time point": (f"{t.scale.text}; {t.time_point.text}", provenance_text(pack, t.scale)),
            "Main result": fact(t.primary_result),
            "People (per arm)": figures(f"{total}" + (f" ({per_arm})" if per_arm else ""), t.randomized,
                                                   t.analysed, *(a.n for a in t.arms)),
            "Response (pair)": (self._pair(t.response), resp[0][1] + "\n\n" + resp[1][1]),
            "Remission (pair)": (self._pair(t.remission), rem[0][1] + "\n\n" + rem[1][1]),
            "Response": (self._outcome_line(t.response), resp[0][1] + "\n\n" + resp[1][1]),
            "Remission": (self._outcome_line(t.remission), rem[0][1] + "\n\n" + rem[1][1]),
            "Side effects": fact(t.adverse_events),
            "Funding and conflicts of interest": fact(t.funding_coi),
            "Pooled?": ((f"Yes, in the {' and '.join(pooled)} pool (if its counts are complete)." if pooled
                         else f"No. {t.not_pooled or ''}").strip(), "See 'Not in the pool' below the table."),
            "Reference": (reference, src.reference() + (f"\n{src.url}" if src.url else "")),
        }

    @staticmethod
    def _pair(o: BinaryOutcome | None) -> str:
        return "none published" if o is None else f"{count_text(o.treatment)} vs {count_text(o.control)}"

    @staticmethod
    def _outcome_line(o: BinaryOutcome | None) -> str:
        if o is None:
            return "No counts were published."
        return f"{count_text(o.treatment)} with Botox vs {count_text(o.control)} comparison ({o.definition})"

    def _detail_panel(self) -> QWidget:
        box = card()
        box.setObjectName("trialDetail")
        grid = QGridLayout(box)
        self.detail_title = heading("", 3)
        grid.addWidget(self.detail_title, 0, 0, 1, 2)
        self.detail_values: dict[str, QLabel] = {}
        for row, name in enumerate(DETAIL_FIELDS, start=1):
            grid.addWidget(label(name, bold=True, size=9), row, 0, Qt.AlignTop)
            value = label("", size=9)
            grid.addWidget(value, row, 1)
            self.detail_values[name] = value
        grid.setColumnStretch(1, 1)
        return box

    def show_trial(self, index: int) -> None:
        trial = self.pack.trials[index]
        fields = self._trial_fields(trial)
        self.detail_title.setText(f"{trial.short}: every figure with its source (hover for provenance)")
        for name, value in self.detail_values.items():
            text, tip = fields[name]
            value.setText(text)
            value.setToolTip(plain_tooltip(tip))

    # --- reacting ------------------------------------------------------------------------------

    def _show_source(self, row: int, col: int) -> None:
        item = self.studies_table.item(row, col)
        if item is None:
            return
        header = STUDY_COLUMNS[col]
        self.source_detail.setText(f"{self.pack.trials[row].short}, {header}: {item.text()}\n{item.data(Qt.UserRole)}")
        self.show_trial(row)

    def current(self) -> tuple[OutcomeAnalysis, str, str]:
        analysis = self.summary.outcome(self.outcome_box.currentData())
        return analysis, self.measure_box.currentData(), self.method_box.currentData()

    def refresh(self, *_args) -> None:
        self._refresh_frequencies()
        if hasattr(self, "forest"):
            self._refresh_pooled()
            self._refresh_certainty()
        if hasattr(self, "not_pooled_label"):
            self._refresh_not_pooled()

    def _refresh_pooled(self) -> None:
        analysis, measure, method = self.current()
        result = analysis.result(measure, method)
        outcome = analysis.outcome

        fig = figures.forest_figure(analysis, measure, method)
        self.forest.set_data(fig)
        p = result.pooled
        het = result.heterogeneity
        scope = figures.scope(analysis, self.pack)
        self.pooled_label.setText(
            f"Pooled {MEASURE_NAMES[measure].lower()} for {outcome.label.lower()} {outcome.time_frame}: "
            f"{fmt_ratio(p.estimate)} ({fmt_ci(p.ci_low, p.ci_high)}), {METHOD_NAMES[method]}; "
            f"{result.k} trials, {scope.people} people. Heterogeneity: I\u00b2 {het.i2:.0f}%, \u03c4\u00b2 {het.tau2:.3f}, "
            f"Q {het.q:.2f} (df {het.df}). Calculated by decisionaid from the trial counts below.")
        notes = [outcome.published_check.text + " Source: " + self.pack.cite(outcome.published_check.sources)]
        self.forest_note.setText("\n".join(notes))

    def _refresh_not_pooled(self) -> None:
        analysis = self.current()[0]
        self.not_pooled_label.setText(f"Not in the {analysis.outcome.label.lower()} pool:\n" + "\n".join(
            f"\u2022 {e.trial.short}: {e.reason}" for e in analysis.excluded))

    def _refresh_frequencies(self) -> None:
        analysis = self.current()[0]
        outcome = analysis.outcome
        scope = figures.scope(analysis, self.pack)
        b = figures.benefit(analysis)
        placebo, botox = figures.benefit_arrays(analysis)
        self.freq_heading.setText(f"Out of 100 people like those in the trials, {outcome.time_frame}: "
                                  f"how many {outcome.plain}")
        self.headline.setText(b.headline + (f" The published pooled analysis reported {b.published_short}."
                                            if b.published_short else ""))
        self.headline_certainty.setText("How sure are we? " + figures.certainty_line(analysis))
        self.scope_label.setText(scope.text)
        self.placebo_icons.set_figure(placebo)
        self.botox_icons.set_figure(botox)
        self.freq_text.setText(f"{b.estimate_note} {b.nnt_text} These numbers always use the random-effects risk "
                               "ratio, whatever measure is chosen above.")
        self.published_label.setText(f"{b.published_text} {b.why_different}")
        self.published_label.setToolTip(plain_tooltip("Source: " + self.pack.cite(b.published_sources)))

    def _refresh_certainty(self) -> None:
        analysis = self.current()[0]
        outcome = analysis.outcome
        c = analysis.certainty
        self.certainty_heading.setText(f"How sure are we? {c.level.upper()} certainty")
        reasons = [f"{outcome.certainty_plain}",
                   "Rated down from high (randomized trials) for:"]
        for g in c.downgrades:
            reasons.append(f"\u2022 {DOMAIN_NAMES[g.domain]} (\u2212{g.levels}), caveat '{self.pack.caveat(g.caveat).title}': "
                           f"{g.reason}")
        reasons.append("This rating is decisionaid's own GRADE-style judgement: no published GRADE rating was found.")
        self.certainty_text.setText("\n".join(reasons))
