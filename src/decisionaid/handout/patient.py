"""The patient handout: plain language, natural frequencies out of 100 with icon arrays, harms beside benefits,
what to expect, questions to ask, the crisis text, and (for a session) the patient's own answers and next steps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from decisionaid.checklist.assessment import Assessment
from decisionaid.checklist.items import Checklist
from decisionaid.evidence.summary import EvidenceSummary
from decisionaid.handout import charts
from decisionaid.handout.common import bullets, box, cell, cite_mark, day, grid, in_100, moment, para, source_list
from decisionaid.handout.document import Meta, frame_width, render
from decisionaid.handout.markup import escape
from decisionaid.handout.styles import ALERT, Styles, styles
from decisionaid.handout.wording import SourceNumbers, Wording, default_wording, fill, numbers


@dataclass(frozen=True)
class Visit:
    """One consultation, for a personal handout: the record as saved and its assessment."""
    session_id: int | None  # None: a consultation not yet stored
    record: object          # sessions.record.SessionRecord
    assessment: Assessment


@dataclass(frozen=True)
class HandoutInput:
    summary: EvidenceSummary
    checklist: Checklist
    crisis_text: str
    made_at: dt.datetime
    emergency_number: str = ""
    clinician: str = ""
    visit: Visit | None = None
    large_print: bool = False


class _Builder:
    def __init__(self, data: HandoutInput, wording: Wording):
        self.d, self.w = data, wording
        self.st: Styles = styles(data.large_print)
        self.values = numbers(data.summary, data.made_at.date(), wording, data.emergency_number)
        self.sources = SourceNumbers()
        self.width = frame_width()

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
            return [self.harms(block)]
        if kind == "crisis":
            return [self.crisis(block)]
        raise ValueError(f"unknown block kind {kind!r}")

    def icons(self, block: dict):
        f = self.d.summary.outcome(block["outcome"]).frequencies
        from decisionaid.evidence.formatting import whole_people

        side = self.width * (0.3 if self.d.large_print else 0.2)
        cells = []
        for count, caption in ((whole_people(f.control_per_100), block["caption_placebo"]),
                               (whole_people(f.treatment_per_100), block["caption_botox"])):
            cells.append([charts.icon_array(count, side), Spacer(1, self.st.size * 0.3),
                          self.text(caption, self.st.cell_bold)])
        t = Table([cells], colWidths=[self.width / 2] * 2)
        t.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return t  # one row: never split across pages

    def harms(self, block: dict):
        st, harms = self.st, self.d.summary.pack.harms
        rows = [[Paragraph(escape(block[k]), st.cell_bold) for k in ("heading_effect", "heading_botox",
                                                                     "heading_placebo")]]
        for h in harms.items:
            cites = self.sources.cite(h.sources)
            rows.append([Paragraph(escape(h.label) + cite_mark(cites, st), st.cell),
                         Paragraph(escape(in_100(h.treatment_events, h.treatment_total)), st.cell),
                         Paragraph(escape(in_100(h.control_events, h.control_total)), st.cell)])
        w = self.width
        return grid(rows, [w * 0.42, w * 0.29, w * 0.29], st)  # its header row repeats if it splits

    def crisis(self, block: dict):
        st = self.st
        parts = [self.text(block["lead"], st.alert),
                 Paragraph(escape(self.d.crisis_text), st.body)]
        if self.d.emergency_number.strip():
            parts.append(self.text(block["emergency"], st.strong))
        return box(parts, self.width, st, border=ALERT, keep=False)

    # --- the visit, for a session handout
    def visit(self) -> list:
        v, vw, st = self.d.visit, self.w.visit, self.st
        r, labels = v.record, vw["labels"]
        out = [Paragraph(escape(vw["heading"]), st.heading)]
        rows = [(labels["patient"], r.patient_ref), (labels["date"], moment(r.held_at)),
                (labels["clinician"], r.clinician),
                (labels["follow_up"], day(r.follow_up) or labels["no_follow_up"])]
        w = self.width
        cells = [[Paragraph(escape(k), st.cell_bold), cell(val, st.cell, w * 0.33)] for k, val in rows]
        out.append(grid([cells[0] + cells[1], cells[2] + cells[3]], [w * 0.17, w * 0.33] * 2, st, header=False))
        if v.assessment.crisis:
            out += [Spacer(1, st.size * 0.5), Paragraph(escape(vw["crisis_first"]), st.alert),
                    self.crisis(self._crisis_block())]
        decision = vw["decision"].get(r.decision or "none", vw["decision"]["none"])
        out += [Spacer(1, st.size * 0.4),
                self._labelled(vw["status_heading"], vw["status"][v.assessment.status.value]),
                self._labelled(vw["decision_heading"], decision["text"]),
                self._labelled(vw["next_heading"], decision["next"])]
        values = [i for s in self.d.checklist.sections if s.id == "values" for i in s.items]
        answered = [(i, r.answers.get(i.id)) for i in values if r.answers.get(i.id)]
        if answered:
            out.append(Paragraph(escape(vw["values_heading"]), st.heading))
            out.append(self._qa(answered))
        sure = [(self.d.checklist.item(s.item), r.answers.get(s.item)) for s in self.d.checklist.sure.items]
        out += [Paragraph(escape(vw["sure_heading"]), st.heading),
                self._qa([(i, a or vw["not_answered"]) for i, a in sure])]
        return out

    def _labelled(self, label: str, text: str) -> Paragraph:
        """'Label: text' with the label in bold, for the short answers at the top of a personal handout."""
        return Paragraph(f"<b>{escape(label)}:</b> {escape(text)}", self.st.body)

    def _qa(self, pairs) -> Table:
        st, w = self.st, self.width
        return grid([[Paragraph(escape(item.patient_text), st.cell), cell(str(answer), st.cell_bold, w * 0.32)]
                     for item, answer in pairs], [w * 0.68, w * 0.32], st, header=False, top=1, bottom=1.5)

    def _crisis_block(self) -> dict:
        return next(b for s in self.w.sections for b in s.blocks if b["kind"] == "crisis")

    def story(self) -> list:
        st, w = self.st, self.w
        out = [Paragraph(escape(w.title), st.title), Paragraph(escape(w.subtitle), st.subtitle)]
        if self.d.visit is not None:
            out += self.visit()
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
                Paragraph(escape(fill(f["pack"], self.values)), st.small),
                Paragraph(escape(f["numbers"]), st.small)]
        out.append(source_list(self.d.summary.pack, self.sources, st))
        return out


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
                  footer_size=builder.st.size * 0.75)
