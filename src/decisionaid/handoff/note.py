"""The note for the health record: plain text to paste into a chart, full or short.

Headed sections, "- " bullets, lines ended by "\\n" only (a clipboard or a text field turns them into the platform's
line breaks), no markup. Every clinical word comes from the checklist and the evidence pack (questions, answers,
PHQ-9 bands and labels, the off-label statement); answers are always said with their question ("... Answered no."),
so nothing reads as a bare test result. Typed text is kept as typed, except characters that would break a paste
(control characters become U+FFFD; CR LF, CR, U+2028 and U+2029 become line ends).
"""

from __future__ import annotations

import re

from decisionaid.checklist.assessment import SURE_REASON, assess_record
from decisionaid.checklist.phq9 import Phq9, phq9_band, phq9_total, safety_score
from decisionaid.handoff.visits import HandoffInput, check_ready

TITLE = "Discussion of off-label botulinum toxin A (Botox) for depression"
NOTE_STYLES = ("full", "short")
# Wording of our own working documents that must never reach a chart (README: internal wording).
INTERNAL_WORDS = ("facts sheet", "fact sheet", "\u00a7", "compiler", "team derivation", "UNVERIFIED", "not seen",
                  "sources seen", "not confirmed", "Secondary page")
_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f]")


def clean(text: str) -> str:
    """Typed text made safe to paste: one kind of line end, no control characters (shown as U+FFFD)."""
    return _CONTROL.sub("\ufffd", _BREAKS.sub("\n", text or ""))


def _bullet(text: str) -> str:
    """A "- " bullet; the lines of multi-line text after the first are indented under it."""
    lines = clean(text).split("\n")
    return "\n".join(["- " + lines[0]] + ["  " + line for line in lines[1:]])


def _public(reference: str) -> bool:
    return not any(word.lower() in reference.lower() for word in INTERNAL_WORDS)


def _answered(item, answer: str | None) -> str:
    question = clean(item.question).rstrip()
    asked = question.endswith("?")  # "Age of the patient" is a heading, not a question: "Age of the patient: 18 to 65."
    if answer is None or not str(answer).strip():
        return f"{question} Not answered." if asked else f"{question}: not answered."
    if item.answer_type == "discussed":
        return f"{question}: {'discussed' if answer == 'discussed' else 'not yet discussed'}."
    if item.answer_type == "text":
        return f"{question}: {clean(answer)}"
    return f"{question} Answered {clean(answer)}." if asked else f"{question}: {clean(answer)}."


class _Note:
    def __init__(self, data: HandoffInput):
        check_ready(data)
        self.d, self.r, self.c = data, data.record, data.checklist
        self.a = assess_record(self.c, self.r)
        self.scale = self.c.phq9
        recorded = self.r.phq9_items is not None or self.r.phq9_total is not None
        self.phq9 = Phq9(items=self.r.phq9_items, total=self.r.phq9_total) if recorded else None
        self.total = phq9_total(self.phq9)

    def section(self, sid: str):
        return [i for s in self.c.sections if s.id == sid for i in s.items]

    def answer(self, item) -> str | None:
        value = self.r.answers.get(item.id)
        return value if isinstance(value, str) and value.strip() else None

    # --- parts, each a list of lines
    def header(self) -> list[str]:
        r, d = self.r, self.d
        state = ("unsaved draft" if d.draft else f"saved revision {d.revision_id}" if d.revision_id else "saved")
        return [TITLE, f"Date and time: {r.held_at.replace('T', ' ')}",
                _bullet(f"Patient reference: {r.patient_ref}")[2:],
                f"decisionaid session {d.session_id} ({state})"]

    def reason(self) -> list[str]:
        return ["Reason for the discussion",
                "- The patient asked about glabellar botulinum toxin A (Botox) injections for depression."]

    def off_label(self, short: bool) -> list[str]:
        fact = self.d.pack.practical["off_label"]
        refs = [ref for ref in (self.d.pack.sources[s].reference().rstrip(".") for s in fact.sources) if _public(ref)]
        out = ["Off-label statement", _bullet(fact.text)]
        if refs and not short:
            out.append(_bullet("Reported in: " + "; ".join(refs) + "."))
        return out

    def evidence(self, short: bool) -> list[str]:
        p = self.d.pack
        items = self.section("understanding")
        done = [i for i in items if self.answer(i) == "discussed"]
        out = ["Evidence discussed",
               f"- Evidence pack {p.version}, last reviewed {p.last_reviewed.isoformat()}.",
               f"- Points discussed with the patient: {len(done)} of {len(items)}."]
        if not short:
            out += ["  " + _bullet(_answered(i, self.answer(i))) for i in items]
        return out

    def phq9_lines(self, short: bool) -> list[str]:
        s = self.scale
        out = [f"{s.name} ({s.period})"]
        if self.phq9 is None:
            return out + [f"- {s.name} not recorded."]
        if self.total is not None:
            try:
                band = phq9_band(s, self.total)
            except ValueError:
                band = "outside the scale"
            out.append(f"- Total score {self.total} of {s.total_max}: {band}.")
        else:
            out.append("- Total score not available (not every item was scored).")
        items = self.r.phq9_items
        if items and not short:
            out.append(f"- Item scores ({s.item_min} to {s.item_max} each): "
                       + ", ".join(f"{n}: {'not scored' if v is None else v}" for n, v in enumerate(items, 1)) + ".")
        return out

    def safety(self, short: bool) -> list[str]:
        s = self.scale
        items = self.section("safety")
        shown = [i for i in items if not short or self.answer(i) != "no"]
        out = ["Safety screen"] + [_bullet(_answered(i, self.answer(i))) for i in shown]
        if len(shown) < len(items):
            others = "The other" if shown else "All"
            out.append(f"- {others} {len(items) - len(shown)} safety questions were answered no.")
        item9 = safety_score(s, self.phq9)
        label = s.item_labels[s.safety_item - 1]
        if item9 is None:
            out.append(f"- {s.name} item {s.safety_item} ({label[0].lower() + label[1:]}): not scored.")
        else:
            out.append(f"- {s.name} item {s.safety_item} ({label[0].lower() + label[1:]}): scored {item9} of {s.item_max} "
                       f"({s.response_labels[item9 - s.item_min]}).")
        if self.a.crisis:
            out.append("- Crisis pathway indicated: suicidal thoughts or a PHQ-9 item 9 score above 0 were recorded.")
        return out

    def contraindications(self, short: bool) -> list[str]:
        items = self.section("contraindications")
        found = [i for i in items if self.answer(i) in i.flag_when or self.answer(i) == "unsure"]
        blank = [i for i in items if self.answer(i) is None]
        out = ["Contraindications and warnings found"]
        out += [_bullet(_answered(i, self.answer(i))) for i in found]
        if not found:
            out.append(f"- None of the {len(items)} questions was answered yes or unsure.")
        if blank:
            out.append(f"- Not answered: {len(blank)} of {len(items)}.")
            if not short:
                out += ["  " + _bullet(clean(i.question)) for i in blank]
        return out

    def values(self, short: bool) -> list[str]:
        sure = self.c.sure
        out = ["Patient's values and readiness to decide"]
        if not short:
            out += [_bullet(_answered(i, self.answer(i))) for i in self.section("values")]
        if self.a.sure_score is None:
            out.append(f"- {sure.name}: not complete.")
        else:
            no = [f"{e.letter} ({e.meaning})" for e in sure.items if self.r.answers.get(e.item) != "yes"]
            out.append(f"- {sure.name}: {self.a.sure_score} of {len(sure.items)} answered yes"
                       + (f"; answered no: {', '.join(no)}." if no else "."))
        return out

    def status(self) -> list[str]:
        out = ["Checklist", f"- Checklist status in decisionaid: {self.a.status.value}."]
        flagged = []
        for reason in self.a.reasons:
            if reason.severity not in ("stop", "caution"):
                continue
            if reason.item_id.startswith("phq9_item"):
                flagged.append(f"{self.scale.name} item {self.scale.safety_item} scored above {self.scale.item_min}")
            elif reason.item_id == SURE_REASON:
                flagged.append(f"{self.c.sure.name} below {self.c.sure.pass_score} of {len(self.c.sure.items)}")
            else:
                try:
                    flagged.append(clean(self.c.item(reason.item_id).question).rstrip())
                except KeyError:
                    flagged.append(f"{self.scale.name} values need checking")
        if flagged:
            out.append("- Raised by: " + "; ".join(flagged))
        return out

    def decision(self) -> list[str]:
        return ["Decision", f"- Decision: {self.c.decision_label(self.r.decision)}."]

    def follow_up(self) -> list[str]:
        out = ["Follow-up", f"- Follow-up: {self.r.follow_up or 'none booked'}."]
        for visit in self.d.follow_ups:
            total = phq9_total(Phq9(items=visit.items, total=visit.total))
            when = visit.when.isoformat(sep=" ", timespec="minutes") if hasattr(visit.when, "hour") \
                else visit.when.isoformat()
            if total is None:
                out.append(f"- Follow-up {self.scale.name} on {when}: total not available.")
                continue
            try:
                band = phq9_band(self.scale, total)
            except ValueError:
                band = "outside the scale"
            out.append(f"- Follow-up {self.scale.name} on {when}: total {total} of {self.scale.total_max}: {band}.")
        return out

    def notes(self) -> list[str]:
        text = clean(self.r.notes).strip("\n")
        return ["Notes"] + ([_bullet(text)] if text.strip() else ["- None."])

    def clinician(self) -> list[str]:
        version = f" {self.d.app_version}" if self.d.app_version else ""
        made = self.d.made_at.strftime("%Y-%m-%d %H:%M")
        return ["Clinician", _bullet(self.r.clinician.strip() or "not recorded"),
                f"- Prepared with decisionaid{version} on {made}; checklist {self.c.version}. It supports, and does "
                "not replace, clinical judgement."]

    def text(self, style: str) -> str:
        short = style == "short"
        parts = [self.header(), self.reason(), self.off_label(short), self.evidence(short), self.phq9_lines(short),
                 self.safety(short), self.contraindications(short), self.values(short), self.status(), self.decision(),
                 self.follow_up()]
        if not short:
            parts.append(self.notes())
        parts.append(self.clinician())
        return "\n\n".join("\n".join(p) for p in parts) + "\n"


def build_note(data: HandoffInput, style: str = "full") -> str:
    """The note as plain text ending in one line end. Raises HandoffError for a session without a patient
    reference, ValueError for an unknown style."""
    if style not in NOTE_STYLES:
        raise ValueError(f"Note style {style!r} is not one of {', '.join(NOTE_STYLES)}.")
    return _Note(data).text(style)
