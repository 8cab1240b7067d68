"""What the hand-offs need about one session, and follow-up visits as plain data.

Follow-up visits come from the session store (`from_stored`): each visit with a PHQ-9 becomes a FollowUpVisit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class HandoffError(ValueError):
    """A session cannot be handed off as it is. str() is one sentence saying what to do."""


@dataclass(frozen=True)
class FollowUpVisit:
    """A later PHQ-9: the day (or moment) it was taken, the item scores (None where not asked) and/or a total."""
    when: dt.date | dt.datetime
    items: tuple[int | None, ...] | None = None
    total: int | None = None


def from_stored(visits) -> tuple[FollowUpVisit, ...]:
    """The store's visits (StoredVisit: .visit is a VisitRecord) with a PHQ-9, as FollowUpVisits, oldest first."""
    return tuple(FollowUpVisit(dt.date.fromisoformat(v.visit.visit_date), v.visit.phq9_items, v.visit.phq9_total)
                 for v in sorted(visits, key=lambda v: (v.visit.visit_date, v.visit_no))
                 if v.visit.phq9_items is not None or v.visit.phq9_total is not None)


@dataclass(frozen=True)
class HandoffInput:
    session_id: int
    record: object                       # sessions.session_record.SessionRecord
    checklist: object                    # checklist.items.Checklist
    pack: object                         # evidence.pack.Pack
    made_at: dt.datetime                 # when the note or document was made (local time, naive or aware)
    revision_id: int | None = None       # the saved revision handed off; None for an unsaved draft
    draft: bool = False
    follow_ups: tuple[FollowUpVisit, ...] = ()
    app_version: str = ""


def check_ready(data: HandoffInput) -> None:
    """Refuse what cannot go into a health record: a session without the patient's identifier."""
    if not isinstance(data.record.patient_ref, str) or not data.record.patient_ref.strip():
        state = "an unsaved draft" if data.draft else "a session"
        raise HandoffError(f"Session {data.session_id} is {state} without a patient reference: open it, enter the "
                           "patient's identifier and save it, then try again.")


def aware(moment: dt.datetime) -> dt.datetime:
    """A naive local time made aware in this computer's time zone; an aware one unchanged."""
    return moment if moment.tzinfo is not None else moment.astimezone()


def held_at(record) -> dt.datetime:
    """The consultation's moment (stored as local YYYY-MM-DDTHH:MM), with this computer's time zone."""
    return aware(dt.datetime.strptime(record.held_at, "%Y-%m-%dT%H:%M"))
