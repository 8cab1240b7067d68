"""The patient handout: plain language, natural frequencies out of 100 with icon arrays, harms beside benefits,
what to expect, questions to ask, the crisis text, and (for a session) the patient's own answers and next steps.
"""

from __future__ import annotations

import datetime as dt

import msgspec
from reportlab.platypus import Spacer, Table

from decisionaid.checklist.assessment import Assessment
from decisionaid.checklist.items import NO_DECISION, Checklist
from decisionaid.evidence import figures
from decisionaid.evidence.summary import EvidenceSummary
from decisionaid.handout import charts
from decisionaid.handout.common import (Keep, Paragraph, TableStyle, bullets, box, cell, cite_mark, day, grid, moment,
                                        source_list)
from decisionaid.handout.document import Meta, frame_width, render
from decisionaid.handout.markup import escape
from decisionaid.handout.styles import ALERT, Styles, styles
from decisionaid.handout.wording import SourceNumbers, Wording, default_wording, fill, numbers


# Value types are frozen msgspec Structs, not dataclasses: made in microseconds at import (see
# docs/design/architecture.md, "Value types").
class Visit(msgspec.Struct, frozen=True):
    """One consultation, for a personal handout: the record as saved and its assessment."""
    session_id: int | None  # None: a consultation not yet stored
    record: object          # sessions.session_record.SessionRecord
    assessment: Assessment


class HandoutInput(msgspec.Struct, frozen=True):
    summary: EvidenceSummary
    checklist: Checklist
    crisis_text: str
    made_at: dt.datetime
    emergency_number: str = ""
    clinician: str = ""
    visit: Visit | None = None
    large_print: bool = False
    clinic_contact: str = ""   # Settings.clinic_contact: "Who do I call?"
    paper: str = "a4"          # "a4" or "letter" (document.PAPERS)


class _Builder:
    def __init__(self, data: HandoutInput, wording: Wording):
        self.d, self.w = data, wording
        self.st: Styles = styles(data.large_print)
        self.values = numbers(data.summary, data.made_at.date(), wording, data.emergency_number,
                              data.clinic_contact.strip())
        self.sources = SourceNumbers()
        self.width = frame_width(data.paper)

    def text(self, text: str, style=None, sources=()) -> Paragraph:
        cites = self.sources.cite(sources)
        return Paragraph(escape(fill(text, self.values)) + cite_mark(cites, self.st), style or self.st.body)

    # --- blocks from the wording file
    def block(self, block: dict) -> list:
        kind, st = block["kind"], self.st
        if kind == "text":
            p = self.text(block["text"], st.strong if block.get("emphasis") else st.body, block["sources"])
            return [p]
        if kind == "bullets":
            return [bullets([self.text(i["text"], st.body, i["sources"]) for i in block["items"]], st)]
        if kind == "icons":
            return [self.icons(block)]
        if kind == "harms":
            return self.harms(block)
        if kind == "crisis":
            return [self.crisis(block)]
        if kind == "warning":  # a safety warning: boxed and kept on one page
            return [box([self.text(block["text"], st.strong, block["sources"])], self.width, st, border=ALERT)]
        if kind == "contact":
            return [self.text(block["text"] if self.d.clinic_contact.strip() else block["unset"], st.strong)]
        raise ValueError(f"unknown block kind {kind!r}")

    def _array_side(self) -> float:
        """Benefit and harm arrays are the same size: equal visual weight."""
        return self.width * (0.3 if self.d.large_print else 0.14)

    def icons(self, block: dict):
        placebo, botox = figures.benefit_arrays(self.d.summary.outcome(block["outcome"]))
        side = self._array_side()
        cells = []
        for fig, caption in ((placebo, block["caption_placebo"]), (botox, block["caption_botox"])):
            cells.append([charts.icon_array(fig, side), Spacer(1, self.st.size * 0.3),
                          self.text(caption, self.st.cell_bold)])
        t = Table([cells], colWidths=[self.width / 2] * 2)
        t.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return t  # one row: never split across pages

    def harm_icons(self) -> list:
        """The main harms as icon arrays out of 100, the same size as the benefit arrays, with their time frame."""
        st, pack = self.st, self.d.summary.pack
        arrays = figures.harm_arrays(pack)
        if not arrays:
            return []
        side = self._array_side()
        per_row = 2 if self.d.large_print else 4
        per_harm = per_row // 2
        heads, pictures, captions, spans = [], [], [], []
        for n, (harm, placebo, botox) in enumerate(arrays):
            cites = self.sources.cite(harm.sources)
            heads += [Paragraph(escape(harm.label) + cite_mark(cites, st), st.cell_bold), ""]
            col = 2 * (n % per_harm)
            spans.append(("SPAN", (col, 3 * (n // per_harm)), (col + 1, 3 * (n // per_harm))))
            for fig, who, words in ((placebo, "Dummy shot", harm.comparison_words), (botox, "Botox", harm.botox_words)):
                pictures.append(charts.icon_array(fig, side))
                captions.append(Paragraph(escape(f"{who}: {words}"), st.cell))
        rows = []
        for k in range(0, len(pictures), per_row):
            rows += [heads[k:k + per_row], pictures[k:k + per_row], captions[k:k + per_row]]
        t = Table(rows, colWidths=[self.width / per_row] * per_row)
        t.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                               ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                               *spans]))
        return [Keep([t])]  # the section's first sentence gives the denominator and the time frame

    def harms(self, block: dict):
        """The main harms as icon arrays, then every other harm as one short line, out of 100 with its time frame."""
        st, pack = self.st, self.d.summary.pack
        common = figures.harms_time_frame(pack)
        botox, dummy = block["heading_botox"], block["heading_placebo"]
        lines = []
        for h in figures.harm_figures(pack):
            if h.icons:
                continue  # drawn above as icon arrays
            cites = self.sources.cite(h.sources)
            label = h.label if h.time_frame == common else f"{h.label} ({h.time_frame})"
            lines.append(Paragraph(escape(f"{label}: {h.botox_words} {botox[:1].lower() + botox[1:]}, "
                                          f"{h.comparison_words} {dummy[:1].lower() + dummy[1:]}.")
                                   + cite_mark(cites, st), st.body))
        # the one-line harms first: they fill the end of a page, while the arrays (kept together) may need a new one
        return [*([bullets(lines, st)] if lines else []), *self.harm_icons()]

    def crisis(self, block: dict):
        """The crisis box for the patient: the lead, the crisis lines as a short bulleted list (one per line of the
        configured text), the local emergency number and the clinic's contact. Patient wording only."""
        st = self.st
        lines = [line.strip() for line in self.d.crisis_text.splitlines() if line.strip()]
        parts = [self.text(block["lead"], st.alert)]
        if lines and _same_sentence(lines[0], block["lead"]):
            lines = lines[1:]  # the configured text opens with the lead's own sentence: say it once
        if len(lines) > 1:
            parts.append(bullets([Paragraph(escape(line), st.body) for line in lines], st))
        elif lines:
            parts.append(Paragraph(escape(lines[0]), st.body))
        if self.d.emergency_number.strip():
            parts.append(self.text(block["emergency"], st.strong))
        parts.append(self.text(block["clinic"] if self.d.clinic_contact.strip() else block["clinic_unset"], st.strong))
        return box(parts, self.width, st, border=ALERT, keep=True)

    # --- the visit, for a session handout
    def visit(self) -> list:
        v, vw, st = self.d.visit, self.w.visit, self.st
        r, labels = v.record, vw["labels"]
        out = []
        if v.assessment.crisis:  # help first, before the visit details and any Botox figure
            out += [Paragraph(escape(vw["crisis_first"]), st.alert), self.crisis(self._crisis_block()),
                    Spacer(1, st.size * 0.5)]
        out.append(Paragraph(escape(vw["heading"]), st.heading))
        rows = [(labels["patient"], r.patient_ref), (labels["date"], moment(r.held_at)),
                (labels["clinician"], r.clinician),
                (labels["follow_up"], day(r.follow_up) or labels["no_follow_up"])]
        w = self.width
        cells = [[Paragraph(escape(k), st.cell_bold), cell(val, st.cell, w * 0.33)] for k, val in rows]
        out.append(grid([cells[0] + cells[1], cells[2] + cells[3]], [w * 0.17, w * 0.33] * 2, st, header=False))
        decision = vw["decision"].get(r.decision or NO_DECISION, vw["decision"][NO_DECISION])
        status = vw["crisis_status"] if v.assessment.crisis else vw["status"][v.assessment.status.value]
        out += [Spacer(1, st.size * 0.4),
                self._labelled(vw["status_heading"], status),
                self._labelled(vw["decision_heading"], decision["text"]),
                self._labelled(vw["next_heading"], decision["next"])]
        values = [i for s in self.d.checklist.sections if s.id == "values" for i in s.items]
        answered = [(i, i.answer_label(r.answers[i.id])) for i in values if r.answers.get(i.id)]
        if answered:
            out.append(Paragraph(escape(vw["values_heading"]), st.heading))
            out.append(self._qa(answered))
        sure = [(self.d.checklist.item(s.item), r.answers.get(s.item)) for s in self.d.checklist.sure.items]
        if v.assessment.crisis and not any(a for _, a in sure):
            return out  # on the crisis pathway the SURE test was rightly not asked: no list of blanks
        out += [Paragraph(escape(vw["sure_heading"]), st.heading),
                self._qa([(i, i.answer_label(a) if a else vw["not_answered"]) for i, a in sure]),
                Paragraph(escape(vw["sure_note"]), st.small)]
        return out

    def _labelled(self, label: str, text: str) -> Paragraph:
        """'Label: text' with the label in bold, for the short answers at the top of a personal handout."""
        return Paragraph(f"<b>{escape(label)}:</b> {escape(text)}", self.st.body)

    def _qa(self, pairs) -> Table:
        st, w = self.st, self.width
        return grid([[Paragraph(escape(item.patient_text), st.cell), cell(str(answer), st.cell_bold, w * 0.32)]
                     for item, answer in pairs], [w * 0.68, w * 0.32], st, header=False, top=1, bottom=1.5)

    def _about(self) -> str:
        """Who made the leaflet and who paid: the evidence pack's own statement when it has one (pack 2026.12.1,
        `about_tool.patient_summary`), else the wording file's."""
        about = getattr(self.d.summary.pack, "about", None)
        return getattr(about, "patient_summary", "") or self.w.footer["about"]

    def _crisis_block(self) -> dict:
        return next(b for s in self.w.sections for b in s.blocks if b["kind"] == "crisis")

    def story(self) -> list:
        st, w = self.st, self.w
        out = [Paragraph(escape(w.title), st.title), Paragraph(escape(w.subtitle), st.subtitle)]
        if self.d.visit is not None:
            out += self.visit()
        out.append(Paragraph(escape(w.footer["brackets"]), st.small))  # before the first bracketed number
        crisis_shown = self.d.visit is not None and self.d.visit.assessment.crisis
        for section in w.sections:
            if crisis_shown and any(b["kind"] == "crisis" for b in section.blocks):
                continue  # already at the top, where it cannot be missed
            flow = [Paragraph(escape(section.heading), st.heading)]
            for block in section.blocks:
                flow += self.block(block)
            out += flow  # headings are keepWithNext: one never ends a page alone
        f = w.footer
        out += [Paragraph(escape(f["sources_heading"]), st.heading),
                Paragraph(escape(" ".join([self._about()] + [fill(f[k], self.values)
                                                             for k in ("review", "numbers", "pack")])), st.small)]
        out.append(source_list(self.d.summary.pack, self.sources, st, one_id=True))
        return out


def _same_sentence(a: str, b: str) -> bool:
    """Whether two opening sentences say the same ("If you think about ..., get help now." and the lead)."""
    def words(t: str) -> list[str]:
        return [x for x in "".join(c.lower() if c.isalnum() else " " for c in t).split() if x not in _FILLER]
    return words(a)[-4:] == words(b)[-4:] or words(a) == words(b)


_FILLER = {"if", "do", "you", "are", "the"}


def handout_meta(data: HandoutInput, wording: Wording) -> Meta:
    who = f", session {data.visit.session_id}" if data.visit and data.visit.session_id is not None else ""
    return Meta(title=wording.title + (" (large print)" if data.large_print else ""),
                subject=f"Patient information{who}: off-label botulinum toxin A (Botox) for depression, "
                        f"evidence pack {data.summary.pack.version}",
                author=data.clinician or "decisionaid", keywords=("depression", "botulinum toxin", "off-label",
                                                                  "decision aid"))


def build_handout(data: HandoutInput, wording: Wording | None = None) -> bytes:
    """The handout as PDF bytes; the same input gives the same bytes."""
    wording = wording or default_wording()
    builder = _Builder(data, wording)
    story = builder.story()
    footer = f"{wording.title}. Evidence pack {data.summary.pack.version}."
    return render(story, handout_meta(data, wording), data.made_at, footer=footer,
                  footer_size=builder.st.size * 0.75, paper=data.paper)
