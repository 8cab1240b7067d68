"""The clinician's record for the chart: the whole session, the off-label discussion, the evidence and the
revision history, with a forest plot drawn from our pooled estimates. Text is reproduced in full: a long note
flows over as many pages as it needs and is never cut.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportlab.platypus import KeepTogether, Spacer

from decisionaid.checklist.assessment import Assessment, assess_record
from decisionaid.checklist.items import Checklist
from decisionaid.checklist.phq9 import Phq9, phq9_band, phq9_total
from decisionaid.evidence import figures
from decisionaid.evidence.formatting import fmt_ci, fmt_ratio
from decisionaid.evidence.summary import METHOD_NAMES, EvidenceSummary
from decisionaid.handout import charts
from decisionaid.handout.common import Paragraph, TypedText, box, cell, cite_mark, day, grid, moment, source_list
from decisionaid.handout.document import Meta, frame_width, render
from decisionaid.handout.markup import escape
from decisionaid.handout.styles import ALERT, styles
from decisionaid.handout.wording import SourceNumbers, long_date
from decisionaid.sessions.session_record import PATIENT_VIEW, PATIENT_VIEW_WORDS

SEVERITY_WORDS = {"stop": "STOP", "caution": "Caution", "info": "Note"}
NOTE_CHUNK = 4000  # characters per paragraph of a long note: keeps layout fast and lets pages break anywhere


@dataclass(frozen=True)
class HistoryEntry:
    """One revision as the record lists it (sessions.store.Revision has these fields)."""
    revision_id: int
    kind: str
    author: str
    created_at: str        # UTC, ISO 8601
    reason: str | None
    changes: tuple[str, ...]
    values: tuple[tuple[str, str, str], ...] = ()  # (field, old, new) for each change, as text
    number: int | None = None                       # 1, 2, 3 within the session


KIND_WORDS = {"save": "saved", "amend": "amendment", "autosave": "autosave", "revert": "draft discarded"}


@dataclass(frozen=True)
class RecordInput:
    summary: EvidenceSummary
    checklist: Checklist
    session_id: int
    record: object                      # sessions.session_record.SessionRecord: the version being filed
    history: tuple[HistoryEntry, ...]   # newest first, autosaves included or not as the caller chose
    made_at: dt.datetime
    made_by: str = ""
    draft: bool = False                 # True: this is an unsaved draft, not a saved revision
    revision_id: int | None = None
    visits: tuple = ()                  # sessions.store.StoredVisit, as each visit reads now
    visit_revisions: tuple = ()         # every revision of every visit (StoredVisit, .revision numbered 1, 2, ...)
    follow_up_rules: object = None      # checklist.followup.FollowUpRules (needed when there are visits)
    patient_sessions: tuple = ()        # (SessionSummary, number of visits) of every session of this patient
    paper: str = "a4"                   # "a4" or "letter" (document.PAPERS)


def _local(utc_iso: str) -> str:
    try:
        return dt.datetime.fromisoformat(utc_iso).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        return str(utc_iso)


def _long_text(text: str, style) -> list[TypedText]:
    """Free text as paragraphs of at most NOTE_CHUNK characters, split at a line end where possible, else after a
    space (a word is never cut in two unless it is longer than NOTE_CHUNK)."""
    out, text = [], text or ""
    for line_block in text.split("\n\n") if text else []:
        while line_block:
            cut = len(line_block) if len(line_block) <= NOTE_CHUNK else (line_block.rfind("\n", 0, NOTE_CHUNK) + 1
                                                                          or line_block.rfind(" ", 0, NOTE_CHUNK) + 1
                                                                          or NOTE_CHUNK)
            piece, line_block = line_block[:cut], line_block[cut:]
            out.append(TypedText(escape(piece.rstrip("\n")) or "&nbsp;", style))
    return out


class _Builder:
    def __init__(self, data: RecordInput):
        self.d = data
        self.st = styles(False, base=9.0)
        self.sources = SourceNumbers()
        self.width = frame_width(data.paper)
        self.assessment: Assessment = assess_record(data.checklist, data.record)

    def h(self, text: str) -> Paragraph:
        return Paragraph(escape(text), self.st.heading)

    def p(self, text: str, style=None, sources=()) -> Paragraph:
        return Paragraph(escape(text) + cite_mark(self.sources.cite(sources), self.st), style or self.st.body)

    def cell(self, text: str, width: float, bold: bool = False):
        return cell(text, self.st.cell_bold if bold else self.st.cell, width)

    def table(self, rows, fractions, header=True):
        widths = [self.width * f for f in fractions]
        return grid([[c if not isinstance(c, str) else self.cell(c, w, header and i == 0) for c, w in zip(row, widths)]
                     for i, row in enumerate(rows)], widths, self.st, header)

    # --- parts
    def heading(self) -> list:
        d, r, st = self.d, self.d.record, self.st
        number = next((h.number for h in d.history if h.revision_id == d.revision_id and h.number), None)
        state = ("Unsaved draft (autosaved), newer than any saved version" if d.draft
                 else f"Saved revision {number}" if number else "Saved")
        rows = [["Session", str(d.session_id)], ["Patient reference", r.patient_ref],
                ["Date and time", moment(r.held_at)], ["Clinician", r.clinician],
                ["Record state", state], ["Printed", f"{d.made_at:%Y-%m-%d %H:%M} by {d.made_by or 'not set'}"]]
        out = [Paragraph("Clinician record: discussion of off-label botulinum toxin A (Botox) for depression",
                         st.title),
               self.table(rows, [0.25, 0.75], header=False)]
        off = d.summary.pack.practical["off_label"]
        out += [Spacer(1, st.size * 0.5), self.p(off.text, st.strong, off.sources)]
        return out

    def status(self) -> list:
        a, st = self.assessment, self.st
        out = [self.h("Checklist status"), Paragraph(f"<b>{escape(a.status.value)}</b>", st.body)]
        if self.d.record.status and self.d.record.status != a.status.value:
            out.append(self.p(f"Status shown when saved: {self.d.record.status}. It differs because the checklist "
                              f"rules have been updated since (checklist {self.d.checklist.version}).", st.small))
        crisis = self.d.checklist.crisis
        if a.crisis:
            s = self.d.checklist.phq9
            out.append(box([Paragraph(f"Crisis pathway indicated: suicidal thoughts or a {s.name} item {s.safety_item} "
                                      f"score above {s.item_min} were recorded.", st.alert),
                            self.p(crisis.clinician_guidance),
                            self.p(crisis.clinician_guidance_source, st.small)], self.width, st, border=ALERT))
        rows = [["", "Reason"]] + [[SEVERITY_WORDS.get(x.severity, x.severity), x.text] for x in a.reasons]
        out.append(self.table(rows, [0.12, 0.88]))
        if a.crisis and a.missing:
            # the consultation rightly stopped at the safety check: say so once, not as a list of omissions
            out.append(self.p(crisis.record_note, st.body))
        elif a.missing:
            out.append(self.p("Still unanswered: " + "; ".join(a.missing), st.small))
        return out

    def phq9(self) -> list:
        r, scale, st = self.d.record, self.d.checklist.phq9, self.st
        out = [self.h("PHQ-9")]
        if r.phq9_items is None and r.phq9_total is None:
            return out + [self.p("Not recorded.")]
        total = phq9_total(Phq9(items=r.phq9_items, total=r.phq9_total))
        if r.phq9_items:
            head = [f"Item {n}" for n in range(1, len(r.phq9_items) + 1)]
            vals = ["-" if v is None else str(v) for v in r.phq9_items]
            out.append(self.table([head, vals], [1 / len(head)] * len(head)))
        if total is not None:
            try:
                band = phq9_band(scale, total)
            except ValueError:
                band = "outside the scale"
            out.append(self.p(f"Total {total} of {scale.total_max} ({band}). Source: {scale.source}.", st.body))
        return out

    def checklist(self) -> list:
        r, st = self.d.record, self.st
        flagged = {x.item_id: x.severity for x in self.assessment.reasons}
        stopped = self.assessment.crisis  # the consultation stopped at the safety check: only what was asked
        out = [self.h("Checklist: the questions answered" if stopped else "Checklist: every question and answer")]
        skipped = 0
        for section in self.d.checklist.sections:
            rows = [[section.title, "Answer", "Flag"]]
            for item in section.items:
                answer = r.answers.get(item.id)
                if stopped and not answer:
                    skipped += 1
                    continue
                if answer:
                    answer = item.answer_label(answer)  # the words the screen shows for it ("Yes", not "yes")
                if answer and r.answer_sources.get(item.id) == PATIENT_VIEW:
                    answer = f"{answer} ({PATIENT_VIEW_WORDS})"
                rows.append([item.question, answer if answer else "not answered",
                             SEVERITY_WORDS.get(flagged.get(item.id, ""), "")])
            if len(rows) > 1:
                out.append(self.table(rows, [0.62, 0.26, 0.12]))
                out.append(Spacer(1, st.size * 0.4))
        if skipped:
            out.append(self.p(f"The other {skipped} questions were not asked: safety came first.", st.body))
        sure = self.assessment.sure_score
        if stopped and sure is None:
            return out
        n = len(self.d.checklist.sure.items)
        start = self.d.record.sure_start
        if start:  # asked at the start of the talk too, in the Patient view
            yes = sum(1 for item in self.d.checklist.sure.items if start.get(item.item) == "yes")
            answered = sum(1 for item in self.d.checklist.sure.items if item.item in start)
            out.append(self.p(f"{self.d.checklist.sure.name} at the start of the talk (answered by the patient in the "
                              f"patient view): {yes} of {n} 'yes'"
                              + ("." if answered == n else f" ({answered} of {n} answered)."), st.body))
        out.append(self.p(f"{self.d.checklist.sure.name}{' at the end' if start else ''}: "
                          + (f"{sure} of {n} 'yes'." if sure is not None
                             else "not complete.") + f" {self.d.checklist.sure.citation}", st.body))
        return out

    def discussion(self) -> list:
        r = self.d.record
        items = [i for s in self.d.checklist.sections if s.id == "understanding" for i in s.items]
        covered = [i for i in items if r.answers.get(i.id) == "discussed"]
        if self.assessment.crisis and not covered:
            return [self.h("Off-label discussion"),
                    self.p("Not started: safety came first. The off-label points are for a later visit.")]
        rows = [["Off-label discussion point", "Answer"]]
        rows += [[i.question, i.answer_label(r.answers[i.id]) if r.answers.get(i.id) else "not answered"]
                 for i in items]  # the words the screen shows ("Discussed", "Not yet")
        return [self.h(f"Off-label discussion: {len(covered)} of {len(items)} points covered"),
                self.table(rows, [0.8, 0.2])]

    def decision(self) -> list:
        r = self.d.record
        return [self.h("Decision and follow-up"),
                self.table([["Decision", self.d.checklist.decision_label(r.decision)],
                            ["Follow-up", day(r.follow_up) or "none booked"]], [0.25, 0.75], header=False)]

    def notes(self) -> list:
        st = self.st
        text = self.d.record.notes or ""
        out = [self.h(f"Notes ({len(text)} characters)")]
        return out + (_long_text(text, st.body) or [self.p("No notes.")])

    def evidence(self) -> list:
        s, st = self.d.summary, self.st
        pack = s.pack
        analysis = s.outcome("response")
        res = analysis.result("rr", "dl")
        p = res.pooled
        fig = figures.forest_figure(analysis, "rr", "dl")
        b = figures.benefit(analysis)
        scope = figures.scope(analysis, pack)
        trial_sources = [t.source for t in analysis.included]
        out = [self.h(f"Evidence (pack {pack.version}, reviewed {long_date(pack.last_reviewed)})")]
        if s.stale:
            out.append(self.p(f"The evidence pack was due for review on {long_date(pack.review_due())}.", st.alert))
        out.append(self.p(
            f"{analysis.outcome.label} {analysis.outcome.time_frame}: {b.headline} "
            f"{figures.certainty_line(analysis)}", st.strong))
        out.append(self.p(scope.text, st.body, trial_sources))
        out.append(self.p(
            f"Pooled risk ratio {fmt_ratio(p.estimate)} ({fmt_ci(p.ci_low, p.ci_high)}), {METHOD_NAMES['dl']}, "
            f"{res.k} trials; I\u00b2 {res.heterogeneity.i2:.0f}%; calculated by decisionaid from the trial counts. "
            f"{b.estimate_note} {b.nnt_text}", st.body))
        out.append(self.p(f"{b.published_text} {b.why_different}", st.body, b.published_sources))
        out.append(KeepTogether([charts.forest_plot(fig, self.width, font_size=st.size * 0.85)]))
        for line in fig.footnotes():
            out.append(self.p(line, st.small))
        odds = analysis.result("or", "dl").pooled
        out.append(self.p(f"Pooled odds ratio {fmt_ratio(odds.estimate)} ({fmt_ci(odds.ci_low, odds.ci_high)}), "
                          f"{METHOD_NAMES['dl']}. " + analysis.outcome.published_check.text, st.body,
                          analysis.outcome.published_check.sources))
        c = analysis.certainty
        out.append(self.p(f"Certainty (our GRADE-style judgement): {c.level}. "
                          + " ".join(d.reason for d in c.downgrades), st.body))
        return out + self.harms()

    def harms(self) -> list:
        """Side effects in the same detail as the benefit: out of 100, both arms, time frame, population, source."""
        pack, st = self.d.summary.pack, self.st
        out = [self.h("Side effects (out of 100 people)"), self.p(pack.harms.intro, st.body, pack.harms.intro_sources)]
        if pack.harms.population:
            out.append(self.p(pack.harms.population, st.body))
        rows = [["Side effect", "With Botox", "With a dummy injection", "Time frame"]]
        for h in figures.harm_figures(pack):
            rows.append([self.p(h.label, st.cell, h.sources), f"{h.botox_words} ({h.botox_count})",
                         f"{h.comparison_words} ({h.comparison_count})", h.time_frame])
        out.append(self.table(rows, [0.3, 0.22, 0.22, 0.26]))
        out.append(self.p(figures.harms_sure(figures.harm_figures(pack)), st.strong))  # as the benefit's certainty
        if pack.harms.evidence:
            names = "; ".join(f"{e.name} ({e.population[:1].lower() + e.population[1:].rstrip('.')})"
                              for e in pack.harms.evidence[1:])
            out.append(self.p(f"Other side-effect sources, each with its own population and time frame (the Evidence "
                              f"screen lists what each found): {names}.", st.small,
                              tuple(s for e in pack.harms.evidence[1:] for s in e.sources)))
        out.append(self.p(pack.harms.serious.text, st.body, pack.harms.serious.sources))
        return out

    def history(self) -> list:
        rows = [["Rev.", "Kind", "Author", "Local time", "Reason", "Changed (old → new)"]]
        count = len(self.d.history)
        for i, h in enumerate(self.d.history):
            number = h.number if h.number is not None else count - i
            if i == count - 1 and not h.changes:
                changed = "first version"
            elif h.values:
                changed = "; ".join(f"{self._field(name)}: {old} → {new}" for name, old, new in h.values)
            else:
                changed = "; ".join(self._field(c) for c in h.changes) or "no change"
            rows.append([str(number), KIND_WORDS.get(h.kind, h.kind), h.author, _local(h.created_at),
                         h.reason or "", changed])
        return [self.h("Revision history (newest first)"), self.table(rows, [0.06, 0.13, 0.14, 0.14, 0.18, 0.35])]

    def patient_course(self) -> list:
        """This patient's sessions together (first consultation, later ones), when there is more than one."""
        if len(self.d.patient_sessions) < 2:
            return []
        rows = [["Session", "Date and time", "", "Decision", "Follow-up visits"]]
        for n, (s, visits) in enumerate(self.d.patient_sessions, 1):
            kind = "first consultation" if n == 1 else "later consultation"
            if s.session_id == self.d.session_id:
                kind += " (this record)"
            rows.append([str(s.session_id), moment(s.held_at), kind, self.d.checklist.decision_label(s.decision),
                         str(visits)])
        return [self.p("This patient's sessions, oldest first:", self.st.strong),
                self.table(rows, [0.12, 0.22, 0.3, 0.16, 0.2])]

    def follow_up(self) -> list:
        """The follow-up visits: the course chart, each visit's outcomes, the definitions and the visits' history."""
        d, st = self.d, self.st
        if not d.visits or d.follow_up_rules is None:
            due = d.record.follow_up
            return [self.h("Follow-up"), *self.patient_course(),
                    self.p(f"Follow-up due: {day(due) if due else 'not set'}. No follow-up visit recorded yet.")]
        from decisionaid.checklist.course_figure import figure_for
        from decisionaid.checklist.followup import course, definition_lines, percent_text, visit_change_words, visit_facts

        rules = d.follow_up_rules
        c = course(d.checklist, rules, d.record, d.visits)
        fig = figure_for(d.checklist, c, d.visits)
        out = [self.h("Follow-up visits and the course so far")] + self.patient_course() + [
               KeepTogether([charts.course_chart(fig, self.width), self.p(fig.summary_text(), st.small)])]
        yes_no = {True: "yes", False: "no", None: "–"}
        meaningful = {"improvement": "yes (better)", "worsening": "yes (worse)", "": "no", None: "–"}
        rows = [["Visit", "Date", "PHQ-9", "Change", rules.response.label, rules.remission.label,
                 f"≥ {rules.meaningful_points} points", f"Item {d.checklist.phq9.safety_item}"]]
        for o in c.outcomes:
            change = ("–" if o.change_points is None
                      else f"{o.change_points:+d} ({percent_text(o.change_percent)})")
            rows.append([str(o.visit_no), day(o.visit_date),
                         "–" if o.total is None else f"{o.total} ({o.band})", change, yes_no[o.response],
                         yes_no[o.remission], meaningful[o.meaningful],
                         "–" if o.item9 is None else (f"{o.item9}: crisis pathway" if o.crisis else str(o.item9))])
        out.append(self.table(rows, [0.06, 0.12, 0.15, 0.14, 0.12, 0.12, 0.13, 0.16]))
        by_no = {v.visit_no: v for v in d.visits}
        harm_labels = {h.id: h.label for h in d.summary.pack.harms.items}
        for o in c.outcomes:
            v = by_no[o.visit_no].visit
            lines = []
            if o.crisis:
                s = d.checklist.phq9
                lines.append(Paragraph(f"Visit {o.visit_no}: {s.name} item {s.safety_item} is above {s.item_min}: "
                                       "follow the crisis pathway (as at the first consultation).", st.alert))
            facts = visit_facts(rules, v, harm_labels, date_style="brackets", date_text=day)
            if o.why_not:
                facts.append(o.why_not)
            lines.append(self.p(f"Visit {o.visit_no} ({day(o.visit_date)}). " + ". ".join(facts) + "."))
            if v.notes:
                lines += _long_text(f"Notes: {v.notes}", st.body)
            out += lines
        out += [self.p(line, st.small) for line in definition_lines(rules)]
        amended = [r for r in d.visit_revisions if r.revision > 1]
        if amended:
            rows = [["Visit", "Rev.", "Kind", "Author", "Local time", "Reason", "Changed (old → new)"]]
            previous = {}
            for r in d.visit_revisions:
                before = previous.get(r.visit_no)
                previous[r.visit_no] = r.visit
                if before is None:
                    continue
                rows.append([str(r.visit_no), str(r.revision), KIND_WORDS.get(r.kind, r.kind), r.author,
                             _local(r.created_at), r.reason or "", visit_change_words(rules, before, r.visit, harm_labels)])
            out += [self.h("Follow-up visits: amendments"),
                    self.table(rows, [0.06, 0.06, 0.13, 0.13, 0.14, 0.16, 0.32])]
        return out

    def _field(self, change: str) -> str:
        """'answers.ci_pregnancy' -> the question's text; 'follow_up' -> 'follow up'."""
        if change.startswith("answers."):
            try:
                return self.d.checklist.item(change[len("answers."):]).question
            except KeyError:
                pass
        return change.replace("_", " ")

    def story(self) -> list:
        out = self.heading() + self.status() + self.phq9() + self.decision() + self.discussion()
        out += self.checklist() + self.notes() + self.follow_up() + self.evidence() + self.history()
        out += [self.h("Sources"), source_list(self.d.summary.pack, self.sources, self.st)]
        return out


def record_meta(data: RecordInput) -> Meta:
    return Meta(title=f"Clinician record, session {data.session_id}",
                subject="Discussion of off-label botulinum toxin A (Botox) for depression; evidence pack "
                        f"{data.summary.pack.version}; checklist {data.checklist.version}",
                author=data.made_by or data.record.clinician or "decisionaid",
                keywords=("clinical record", "depression", "botulinum toxin", "off-label"))


def build_record(data: RecordInput) -> bytes:
    """The record as PDF bytes; the same input gives the same bytes."""
    builder = _Builder(data)
    footer = f"Session {data.session_id} \u00b7 patient {data.record.patient_ref} \u00b7 clinician record"
    return render(builder.story(), record_meta(data), data.made_at, footer=footer, footer_size=7.5,
                  paper=data.paper)
