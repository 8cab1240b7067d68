"""Inputs for handout and record tests: the bundled evidence and checklist, and a filled-in consultation."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from decisionaid.checklist.items import load_checklist
from decisionaid.evidence.pack import load_pack
from decisionaid.evidence.summary import summarise
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.settings import Settings

MADE = dt.datetime(2026, 11, 21, 14, 45)
PATIENT = "Şükrü <Smith> & Co 中文"


@lru_cache(maxsize=1)
def summary():
    return summarise(load_pack(), dt.date(2026, 11, 21))


@lru_cache(maxsize=1)
def checklist():
    return load_checklist()


def settings(**kw) -> Settings:
    kw.setdefault("paper", "a4")  # not "auto": the tests' documents do not depend on the machine's locale
    return Settings(clinician_name=kw.pop("clinician_name", "Dr Łukasz Nowak"), **kw)


def answered(**overrides) -> dict[str, str]:
    """Every checklist question answered with no red flags, then `overrides`."""
    answers = {}
    for item in checklist().items:
        if item.answer_type in ("yes_no", "yes_no_unsure"):
            answers[item.id] = "yes" if item.id.startswith("sure_") else "no"
        elif item.answer_type == "discussed":
            answers[item.id] = "discussed"
        elif item.answer_type == "choice":
            answers[item.id] = item.choices[0]
    answers.update({"fit_severity": "moderate", "fit_treatment_history": "one treatment, not enough help",
                    "values_other": "Seeing my grandchildren <b>smile</b>"})
    answers.update(overrides)
    return answers


def record(**kw) -> SessionRecord:
    values = dict(patient_ref=PATIENT, clinician="Dr Łukasz Nowak", held_at="2026-11-21T14:30",
                  phq9_items=(2, 2, 1, 2, 1, 1, 2, 1, 0), answers=answered(), notes="Discussed options.",
                  decision="defer", follow_up="2026-12-05", status="")
    values.update(kw)
    return SessionRecord(**values)
