"""The session as a FHIR R4 document: a Bundle of type "document", written as plain JSON (standard library only).

Entries, in order: the Composition (LOINC 11488-4 consult note) with sections for the discussion, the checklist,
the PHQ-9, the decision and the attached record, each with its narrative; the Patient, known only by the identifier
as typed; the clinician (a Practitioner with the name as typed, or the decisionaid Device when no name was
recorded); a QuestionnaireResponse with the checklist, SURE and PHQ-9 answers; PHQ-9 Observations (panel 44249-1
with `hasMember` items and total 44261-6, category survey, `derivedFrom` the QuestionnaireResponse, as in the US Core
PHQ-9 example) for the consultation and for each follow-up visit given; and a DocumentReference carrying the
clinician record PDF. Every reference is a `urn:uuid:` fullUrl inside the Bundle.

Typed text keeps its characters, except those a FHIR string cannot hold: control characters become U+FFFD and
other kinds of space (no-break space, line separator, ...) become a plain space or a line end.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import re
import uuid

from decisionaid.checklist.assessment import Status
from decisionaid.checklist.phq9 import Phq9, phq9_band, phq9_total
from decisionaid.handoff.note import TITLE, _Note, clean
from decisionaid.handoff.visits import FollowUpVisit, HandoffInput, aware, held_at

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
XHTML = "http://www.w3.org/1999/xhtml"
# LOINC codes. 11488-4 is named by the issue that asked for this document; the PHQ-9 codes and answer codes are
# from the evidence fact sheet, section 10 (LOINC 44261-6 term page and answer list LL358-3).
CONSULT_NOTE = ("11488-4", "Consult note")
PHQ9_PANEL = ("44249-1", "PHQ-9 quick depression assessment panel [Reported.PHQ]")
PHQ9_TOTAL = ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]")
PHQ9_ITEMS = ("44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8")
PHQ9_ITEM9_DISPLAY = ("Thoughts that you would be better off dead, or of hurting yourself in some way in last 2 "
                      "weeks [Reported.PHQ]")
PHQ9_DISPLAYS = {PHQ9_ITEMS[8]: PHQ9_ITEM9_DISPLAY}  # LOINC's own display, where the form's wording differs
PHQ9_ANSWERS = ("LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9")  # scores 0, 1, 2, 3
DEFAULT_FILE_NAME = "decisionaid-health-record-document.json"
_ODD_SPACE = re.compile(r"[^\S \t\r\n]")


def fhir_string(text: str) -> str:
    """Text a FHIR string can hold (its grammar is `[ \\r\\n\\t\\S]+`)."""
    return _ODD_SPACE.sub(" ", clean(text))


def _xhtml_text(text: str) -> str:
    return html.escape(fhir_string(text).replace("\ufffe", "\ufffd").replace("\uffff", "\ufffd"), quote=False)


def narrative(lines: list[str]) -> dict:
    """Note lines (a heading, then "- " bullets, indented continuations) as a generated XHTML narrative."""
    body, bullets = [], []
    for line in lines:
        if line.startswith("- ") or line.startswith("  "):
            if line.startswith("- ") or not bullets:
                bullets.append(line[2:])
            else:
                bullets[-1] += "\n" + line.strip()
            continue
        if bullets:
            body.append("<ul>" + "".join(f"<li>{_xhtml_text(b)}</li>" for b in bullets) + "</ul>")
            bullets = []
        body.append(f"<p>{_xhtml_text(line)}</p>")
    if bullets:
        body.append("<ul>" + "".join(f"<li>{_xhtml_text(b)}</li>" for b in bullets) + "</ul>")
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">' + "".join(body) + "</div>"}


def _moment(value: dt.datetime) -> str:
    return aware(value).replace(microsecond=0).isoformat()


def _when(value: dt.date | dt.datetime) -> str:
    return _moment(value) if isinstance(value, dt.datetime) else value.isoformat()


def _coding(system: str, code: str, display: str | None = None) -> dict:
    out = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


class _Builder:
    def __init__(self, data: HandoffInput, record_pdf: bytes):
        self.note = _Note(data)          # refuses a session without a patient reference
        self.d, self.r, self.pdf = data, data.record, record_pdf
        self.scale = data.checklist.phq9
        self.entries: list[dict] = []

    def add(self, resource: dict) -> str:
        url = f"urn:uuid:{uuid.uuid4()}"
        self.entries.append({"fullUrl": url, "resource": resource})
        return url

    @staticmethod
    def ref(url: str) -> dict:
        return {"reference": url}

    # --- resources
    def patient(self) -> str:
        return self.add({"resourceType": "Patient", "identifier": [{"value": fhir_string(self.r.patient_ref)}]})

    def author(self) -> str:
        name = fhir_string(self.r.clinician).strip()
        if name:
            return self.add({"resourceType": "Practitioner", "name": [{"text": name}]})
        version = self.d.app_version
        device = {"resourceType": "Device", "deviceName": [{"name": "decisionaid", "type": "user-friendly-name"}]}
        if version:
            device["version"] = [{"value": version}]
        return self.add(device)

    def _answer_item(self, item) -> dict | None:
        value = self.r.answers.get(item.id)
        if not isinstance(value, str) or not fhir_string(value).strip():
            return None
        return {"linkId": item.id, "text": fhir_string(item.question),
                "answer": [{"valueString": fhir_string(value)}]}

    def _phq9_group(self) -> dict | None:
        s, items = self.scale, self.r.phq9_items
        out = []
        for n, score in enumerate(items or (), 1):
            if score is None:
                continue
            out.append({"linkId": PHQ9_ITEMS[n - 1], "text": s.item_labels[n - 1],
                        "answer": [{"valueCoding": self._answer_coding(score)}]})
        total = self.note.total
        if total is not None:
            out.append({"linkId": PHQ9_TOTAL[0], "text": f"{s.name} total score", "answer": [{"valueInteger": total}]})
        return {"linkId": PHQ9_PANEL[0], "text": s.name, "item": out} if out else None

    def questionnaire_response(self, patient: str, author: str) -> str:
        groups = []
        for section in self.d.checklist.sections:
            answered = [a for a in (self._answer_item(i) for i in section.items) if a is not None]
            if answered:
                groups.append({"linkId": section.id, "text": section.title, "item": answered})
        phq = self._phq9_group()
        if phq is not None:
            groups.append(phq)
        done = self.note.a.status is not Status.INCOMPLETE and not self.d.draft
        qr = {"resourceType": "QuestionnaireResponse", "status": "completed" if done else "in-progress",
              "subject": self.ref(patient), "authored": _moment(held_at(self.r)), "author": self.ref(author)}
        if groups:
            qr["item"] = groups
        return self.add(qr)

    def _answer_coding(self, score: int) -> dict:
        label = self.scale.response_labels[score - self.scale.item_min]
        return _coding(LOINC, PHQ9_ANSWERS[score - self.scale.item_min], label[:1].upper() + label[1:])

    def _observation(self, code: tuple[str, str | None], text: str, patient: str, when: str,
                     derived_from: str | None) -> dict:
        obs = {"resourceType": "Observation", "status": "final",
               "category": [{"coding": [_coding(OBSERVATION_CATEGORY, "survey", "Survey")]}],
               "code": {"coding": [_coding(LOINC, *code)], "text": text},
               "subject": self.ref(patient), "effectiveDateTime": when}
        if derived_from is not None:
            obs["derivedFrom"] = [self.ref(derived_from)]
        return obs

    def phq9_panel(self, items, total_given, when: str, patient: str, derived_from: str | None) -> str | None:
        """One PHQ-9 (the consultation's, or a follow-up's) as a panel Observation with its members."""
        s = self.scale
        members = []
        for n, score in enumerate(items or (), 1):
            if score is None:
                continue
            code = PHQ9_ITEMS[n - 1]
            obs = self._observation((code, PHQ9_DISPLAYS.get(code)), s.item_labels[n - 1], patient, when, derived_from)
            obs["valueCodeableConcept"] = {"coding": [self._answer_coding(score)],
                                           "text": s.response_labels[score - s.item_min]}
            members.append(self.add(obs))
        total = phq9_total(Phq9(items=items, total=total_given))
        if total is not None:
            obs = self._observation(PHQ9_TOTAL, f"{s.name} total score", patient, when, derived_from)
            obs["valueQuantity"] = {"value": total, "unit": "{score}", "system": UCUM, "code": "{score}"}
            try:
                obs["interpretation"] = [{"text": phq9_band(s, total)}]
            except ValueError:
                pass
            members.append(self.add(obs))
        if not members:
            return None
        panel = self._observation(PHQ9_PANEL, s.name, patient, when, derived_from)
        panel["hasMember"] = [self.ref(m) for m in members]
        return self.add(panel)

    def document_reference(self, patient: str, author: str) -> str:
        return self.add({
            "resourceType": "DocumentReference", "status": "current",
            "docStatus": "preliminary" if self.d.draft else "final",
            "type": {"coding": [_coding(LOINC, *CONSULT_NOTE)], "text": "Clinician record"},
            "subject": self.ref(patient), "date": _moment(self.d.made_at), "author": [self.ref(author)],
            "description": "Clinician record of the discussion (PDF)",
            "content": [{"attachment": {
                "contentType": "application/pdf", "data": base64.b64encode(self.pdf).decode("ascii"),
                "size": len(self.pdf), "hash": base64.b64encode(hashlib.sha1(self.pdf).digest()).decode("ascii"),
                "title": f"Clinician record, session {self.d.session_id}", "creation": _moment(self.d.made_at)}}]})

    def bundle(self) -> dict:
        n = self.note
        composition: dict = {}
        self.entries.append({"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": composition})
        patient, author = self.patient(), self.author()
        qr = self.questionnaire_response(patient, author)
        panels = [self.phq9_panel(self.r.phq9_items, self.r.phq9_total, _moment(held_at(self.r)), patient, qr)]
        for visit in self.d.follow_ups:
            panels.append(self.phq9_panel(visit.items, visit.total, _when(visit.when), patient, None))
        panels = [p for p in panels if p is not None]
        doc = self.document_reference(patient, author)

        def section(title: str, lines: list[str], entries=()) -> dict:
            out = {"title": title, "text": narrative(lines)}
            if entries:
                out["entry"] = [self.ref(e) for e in entries]
            return out

        short = False
        composition.update({
            "resourceType": "Composition",
            "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{uuid.uuid4()}"},
            "status": "preliminary" if self.d.draft else "final",
            "type": {"coding": [_coding(LOINC, *CONSULT_NOTE)], "text": "Consult note"},
            "subject": self.ref(patient), "date": _moment(self.d.made_at), "author": [self.ref(author)],
            "title": TITLE,
            "event": [{"period": {"start": _moment(held_at(self.r))}}],
            "section": [
                section("Discussion", n.header() + n.reason() + n.off_label(short) + n.evidence(short)),
                section("Checklist", n.safety(short) + n.contraindications(short) + n.values(short) + n.status(),
                        [qr]),
                section(self.scale.name, n.phq9_lines(short) + n.follow_up()[2:], panels),
                section("Decision", n.decision() + n.follow_up()[:2] + n.notes() + n.clinician()),
                section("Clinician record (PDF)", ["Clinician record (PDF)",
                                                   "- The clinician record of this session, attached."], [doc]),
            ]})
        if not panels:
            composition["section"][2].pop("entry", None)
        return {"resourceType": "Bundle",
                "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{uuid.uuid4()}"},
                "type": "document", "timestamp": _moment(self.d.made_at), "entry": self.entries}


def build_bundle(data: HandoffInput, record_pdf: bytes) -> dict:
    """The FHIR R4 document Bundle as a dict. Raises HandoffError for a session without a patient reference."""
    return _Builder(data, record_pdf).bundle()


def bundle_bytes(bundle: dict) -> bytes:
    """The Bundle as UTF-8 JSON (what the file holds)."""
    return (json.dumps(bundle, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


__all__ = ["FollowUpVisit", "build_bundle", "bundle_bytes", "fhir_string", "narrative", "DEFAULT_FILE_NAME"]
