"""The clinician record PDF a FHIR document carries: the same PDF as `decisionaid record`, for the session handed off.

Used by the FHIR export of the command line (cli/handoff.py) and of the window (ui/handoff_actions.py); handoff/
itself stays free of reportlab (handoff.fhir.build_bundle is given these bytes).
"""

from __future__ import annotations


def record_pdf(settings, data, history, summary=None, visits=(), visit_revisions=(), patient_sessions=()) -> bytes:
    """The clinician record PDF of the session being handed off (the same as `decisionaid record`)."""
    from decisionaid.handout.inputs import record_input
    from decisionaid.handout.clinician_record import build_record

    return build_record(record_input(settings, data.session_id, data.record, history, draft=data.draft,
                                     visits=visits, visit_revisions=visit_revisions,
                                     patient_sessions=patient_sessions,
                                     revision_id=data.revision_id, made_at=data.made_at, summary=summary,
                                     checklist=data.checklist))
