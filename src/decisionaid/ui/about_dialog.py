"""Help > About: version, content versions and review dates, the clinical-judgement statement, licences."""

from __future__ import annotations

from html import escape

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout


def _content_lines(summary) -> list[str]:
    lines = []
    if summary is not None:
        p = summary.pack
        overdue = " (review overdue)" if summary.stale else ""
        lines.append(f"Evidence pack {p.version}, last reviewed {p.last_reviewed.isoformat()}{overdue}")
    else:
        lines.append("Evidence pack: not loaded (see the Evidence screen)")
    for what, load in (("Checklist", _checklist), ("Handout wording", _wording),
                       ("Patient view wording", _patient_view_wording)):
        try:
            version, reviewed = load()
            lines.append(f"{what} {version}, last reviewed {reviewed}")
        except Exception as exc:  # a damaged file is reported where it is used; here we only say so
            lines.append(f"{what}: could not be read ({exc})")
    return lines


def _checklist():
    from decisionaid.checklist.items import load_checklist

    c = load_checklist()
    return c.version, c.last_reviewed.isoformat()


def _wording():
    from decisionaid.handout.wording import default_wording

    w = default_wording()
    return w.version, w.last_reviewed.isoformat()


def _patient_view_wording():
    from decisionaid.patient_view.wording import default_wording

    w = default_wording()
    return w.version, w.last_reviewed.isoformat()


def about_html(summary) -> str:
    from decisionaid.about import PRIVACY, STATEMENT, third_party, version

    parts = [f"<h2>decisionaid {escape(version())}</h2>",
             "<p>A decision aid for discussing glabellar botulinum toxin A (Botox) injections for depression.</p>",
             f"<p><b>{escape(STATEMENT)}</b></p>",
             "<p>" + "<br>".join(escape(line) for line in _content_lines(summary)) + "</p>",
             f"<p>{escape(PRIVACY)}</p>",
             "<h3>What it ships, and the licences</h3>",
             "<table cellspacing='0' cellpadding='3'>"]
    components, _ = third_party()
    for c in components:
        parts.append(f"<tr><td><b>{escape(c.name)}</b><br><small>{escape(c.role)} \u00b7 {escape(c.url)}</small>"
                     f"</td><td>{escape(c.licence)}</td></tr>")
    parts.append("</table><p><small>The full licence texts are installed with the program: Qt's LGPL-3.0 in "
                 "resources/about/licences, the fonts' in resources/fonts, each Python package's in its .dist-info "
                 "folder.</small></p>")
    return "".join(parts)


class AboutDialog(QDialog):
    def __init__(self, summary, parent=None):
        super().__init__(parent)
        self.setWindowTitle("About decisionaid")
        self.resize(640, 620)
        layout = QVBoxLayout(self)
        self.text = QTextBrowser()
        self.text.setObjectName("aboutText")
        self.text.setOpenLinks(False)  # nothing here may start a network connection
        self.text.setHtml(about_html(summary))
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        buttons.button(QDialogButtonBox.Close).setText("&Close")


# --- Help > About this decision aid ---------------------------------------------------------------------------------

def decision_aid_html(summary) -> str:
    """The page, generated from the evidence pack and resources/about/ipdas.json (every value escaped)."""
    from decisionaid.about import GROUPS, load_ipdas

    ipdas = load_ipdas()
    parts = ["<h2>About this decision aid</h2>"]
    if summary is not None:
        from decisionaid.about import decision_aid_sections

        for head, text in decision_aid_sections(summary.pack):
            parts.append(f"<h3>{escape(head)}</h3><p>{escape(text)}</p>")
    else:
        parts.append("<p>The evidence could not be loaded, so the decision, the condition and who made this aid cannot "
                     "be shown (see the Evidence screen).</p>")
    parts.append("<h3>How decisionaid meets the decision-aid standard (IPDAS)</h3>"
                 f"<p><small>{escape(ipdas.standard)} {escape(ipdas.wording_note)}</small></p>")
    counts = {k: sum(c.status == k for c in ipdas.criteria) for k in ipdas.statuses}
    parts.append("<p>" + escape(", ".join(f"{ipdas.statuses[k]}: {n}" for k, n in counts.items())) + "</p>")
    for group, title in GROUPS:
        parts.append(f"<h4>{escape(title)}</h4><table cellspacing='0' cellpadding='3' width='100%'>"
                     "<tr><th align='left'>Criterion</th><th align='left'>Status</th>"
                     "<th align='left'>Where in decisionaid</th></tr>")
        for c in ipdas.group(group):
            parts.append(f"<tr><td valign='top'><b>{escape(c.id)}</b> {escape(c.text)}</td>"
                         f"<td valign='top'>{escape(ipdas.statuses[c.status])}</td>"
                         f"<td valign='top'>{escape(c.where)}</td></tr>")
        parts.append("</table>")
    return "".join(parts)


class DecisionAidDialog(QDialog):
    """Help > About this decision aid: the decision, the condition, who made and paid for it, how the evidence was
    found, updates and user testing, then each IPDAS criterion with its status."""

    def __init__(self, summary, parent=None):
        super().__init__(parent)
        self.setWindowTitle("About this decision aid")
        self.resize(760, 680)
        layout = QVBoxLayout(self)
        self.text = QTextBrowser()
        self.text.setObjectName("decisionAidText")
        self.text.setOpenLinks(False)
        self.text.setHtml(decision_aid_html(summary))
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        buttons.button(QDialogButtonBox.Close).setText("&Close")
        screen = QGuiApplication.primaryScreen()
        if screen is not None:  # never larger than the screen (1366x768 at 200 % text is 683x384)
            room = screen.availableGeometry()
            self.resize(min(self.width(), room.width() - 40), min(self.height(), room.height() - 40))
