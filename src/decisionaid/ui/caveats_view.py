"""The Caveats screen: each weakness explained with its source, the off-label status, and headlines vs studies."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QVBoxLayout, QWidget

from decisionaid.evidence.pack import Pack
from decisionaid.ui.common import card, citation_label, heading, label, provenance_text, rule


class CaveatsView(QScrollArea):
    def __init__(self, pack: Pack, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        body = QWidget()
        self.setWidget(body)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(18, 14, 18, 18)
        lay.setSpacing(8)
        lay.addWidget(heading("Caveats: what the evidence cannot tell us"))
        off = pack.practical["off_label"]
        box = card()
        box.setObjectName("offLabelCard")
        v = QVBoxLayout(box)
        v.addWidget(heading("Off-label use", 2))
        v.addWidget(label(off.text, tooltip=provenance_text(pack, off)))
        v.addWidget(citation_label(pack, off.sources))
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
            v.addWidget(citation_label(pack, c.sources))
            lay.addWidget(box)

        lay.addWidget(rule())
        lay.addWidget(heading("What you may have read", 2))
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        for col, text in enumerate(("Headline", "What the study actually showed")):
            grid.addWidget(label(text, bold=True), 0, col)
        self.headline_labels = []
        for row, m in enumerate(pack.media_claims, start=1):
            head = label(f"\u201c{m.headline}\u201d\n{m.outlet}, {m.date}", italic=True)
            self.headline_labels.append(head)
            grid.addWidget(head, 2 * row - 1, 0)
            grid.addWidget(label(m.reality), 2 * row - 1, 1)
            grid.addWidget(citation_label(pack, m.sources), 2 * row, 0, 1, 2)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        lay.addLayout(grid)
        lay.addStretch(1)
