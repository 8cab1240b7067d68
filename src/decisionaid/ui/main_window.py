"""The main window: navigation on the left, one screen at a time on the right.

The window is shown first with a light placeholder; the evidence is loaded and laid out
right after the first paint, so the clinician sees a window at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QHBoxLayout, QListWidget, QMainWindow, QMessageBox, QStackedWidget, QVBoxLayout,
                               QWidget)

from decisionaid.ui.common import heading, label

SCREENS = ("Evidence", "Options", "Caveats")


class MainWindow(QMainWindow):
    ready = Signal()  # the Evidence screen has been populated and painted

    def __init__(self, pack_path=None, today=None):
        super().__init__()
        self._pack_path, self._today = pack_path, today
        self.summary = None
        self.setWindowTitle("decisionaid \u2014 Botox for depression (off-label)")
        self.resize(1280, 860)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.addItems(SCREENS)
        self.nav.setFixedWidth(150)
        self.stack = QStackedWidget()
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self._go_to)
        self._built: set[str] = set()
        for name in SCREENS:
            self.stack.addWidget(self._placeholder("Loading the evidence\u2026"))
        self.nav.setCurrentRow(0)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction("&About decisionaid", self.show_about)

    @staticmethod
    def _placeholder(text: str) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        v.addWidget(label(text, size=12), alignment=Qt.AlignCenter)
        return w

    def screen(self, name: str) -> QWidget:
        self._build(name)
        return self.stack.widget(SCREENS.index(name))

    def _go_to(self, index: int) -> None:
        self._build(SCREENS[index])
        self.stack.setCurrentIndex(index)

    def _build(self, name: str) -> None:
        """Screens other than Evidence are built on first visit, so start-up pays only for what is shown."""
        if self.summary is None or name in self._built:
            return
        self._built.add(name)
        if name == "Evidence":
            from decisionaid.ui.evidence_view import EvidenceView
            self._replace(name, EvidenceView(self.summary))
        elif name == "Options":
            from decisionaid.ui.options_view import OptionsView
            self._replace(name, OptionsView(self.summary))
        elif name == "Caveats":
            from decisionaid.ui.caveats_view import CaveatsView
            self._replace(name, CaveatsView(self.summary.pack))

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
        """Load the pack and build the screens; a bad pack gives a readable message, not a crash."""
        from decisionaid.evidence.pack import PackError, load_pack
        from decisionaid.evidence.summary import summarise

        try:
            self.summary = summarise(load_pack(self._pack_path), self._today)
        except PackError as exc:
            self._show_pack_error(str(exc))
            return
        self._build(SCREENS[self.nav.currentRow()])
        QTimer.singleShot(0, self._announce_ready)

    def _announce_ready(self) -> None:
        self.repaint()
        self.ready.emit()
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
                          "then start the program again."))
        v.addStretch(1)
        self._replace("Evidence", w)
        for name in SCREENS[1:]:
            self._replace(name, self._placeholder("The evidence could not be loaded: see the Evidence screen."))
        self.statusBar().showMessage("Evidence pack could not be loaded")
        QTimer.singleShot(0, self._announce_ready)

    def show_about(self) -> None:
        from decisionaid import __version__

        lines = [f"decisionaid {__version__}",
                 "A decision aid for discussing glabellar botulinum toxin A (Botox) for depression, an off-label use.",
                 "It supports, and does not replace, clinical judgement."]
        if self.summary:
            p = self.summary.pack
            lines.append(f"Evidence pack {p.version}, last reviewed {p.last_reviewed.isoformat()}.")
        box = QMessageBox(QMessageBox.Information, "About decisionaid", "\n\n".join(lines), QMessageBox.Ok, self)
        box.setTextFormat(Qt.PlainText)
        box.exec()
