"""Hand-offs to the health record: a plain-text note to paste (note.py) and a FHIR R4 document (fhir.py).

Plain Python and the standard library only: no Qt, no SQLite, no reportlab (the FHIR document is given the
clinician record PDF as bytes by its caller).
"""
