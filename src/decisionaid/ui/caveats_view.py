"""The Caveats screen: the off-label status once, each weakness of the evidence with its sources, what headlines and
blogs said beside what the studies showed, and one numbered reference list (full citations) at the end."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from decisionaid.evidence.pack import Pack
from decisionaid.evidence.provenance import citations, provenance_phrase, reference_ids
from decisionaid.ui.common import card, heading, label, rule


class _Numbers:
    """Numbers each source in order of first mention, as the reference list at the end prints them."""

    def __init__(self, pack: Pack):
        self.pack = pack
        self.order: list[str] = []

    def line(self, source_ids) -> QLabel:
        ids = reference_ids(self.pack, source_ids)
        for sid in ids:
            if sid not in self.order:
                self.order.append(sid)
        nums = ", ".join(str(self.order.index(s) + 1) for s in ids)
        text = f"Sources: {nums}" if ids else "No published source."
        lab = label(text, size=8.5, italic=True, tooltip="\n".join(citations(self.pack, ids)))
        lab.setObjectName("sourceNumbers")
        return lab


class CaveatsView(QScrollArea):
    def __init__(self, pack: Pack, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Caveats screen")  # a tab stop to scroll it by keyboard: named
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        body = QWidget()
        self.setWidget(body)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(18, 14, 18, 18)
        lay.setSpacing(8)
        numbers = _Numbers(pack)
        lay.addWidget(heading("Caveats: what the evidence cannot tell us"))
        lay.addWidget(label("Each card gives the point in plain words, then the detail for the clinician, then the "
                            "numbers of its sources in the reference list at the end of this page.", size=9))
        off = pack.practical["off_label"]
        box = card()
        box.setObjectName("offLabelCard")
        v = QVBoxLayout(box)
        v.addWidget(heading("Off-label use", 2))
        v.addWidget(label(off.text, tooltip=provenance_phrase(pack, off)))
        v.addWidget(numbers.line(off.sources))
        lay.addWidget(box)

        self.caveat_titles = []
        for c in pack.caveats:
            box = card()
            v = QVBoxLayout(box)
            title = heading(c.title, 2)
            self.caveat_titles.append(title)
            v.addWidget(title)
            v.addWidget(label(c.plain))
            v.addWidget(label(c.detail, size=9))
            v.addWidget(numbers.line(c.sources))
            lay.addWidget(box)

        lay.addWidget(rule())
        lay.addWidget(heading("What you may have read", 2))
        lay.addWidget(label("Headlines and blog posts about Botox for depression, beside what the studies behind them "
                            "showed.", size=9))
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        for col, text in enumerate(("Headline", "What the studies showed")):
            grid.addWidget(label(text, bold=True), 0, col)
        self.headline_labels = []
        for row, m in enumerate(pack.media_claims, start=1):
            head = label(f"\u201c{m.headline}\u201d\n{m.outlet}, {m.date}", italic=True)
            self.headline_labels.append(head)
            grid.addWidget(head, 2 * row - 1, 0)
            grid.addWidget(label(m.reality), 2 * row - 1, 1)
            grid.addWidget(numbers.line(m.sources), 2 * row, 0, 1, 2)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        lay.addLayout(grid)

        lay.addWidget(rule())
        lay.addWidget(heading("References", 2))
        self.reference_labels = []
        for i, ref in enumerate(citations(pack, numbers.order), start=1):
            lab = label(f"{i}. {ref}.", size=8.5)
            lab.setObjectName("reference")
            self.reference_labels.append(lab)
            lay.addWidget(lab)
        lay.addStretch(1)
