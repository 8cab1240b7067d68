"""Consultation records in SQLite: the only package that talks to a database. No Qt, no reportlab.

record.py (SessionRecord, validation), store.py (SessionStore: revisions, drafts, reads), listing.py (pages,
filters, search), schema.py (versions and migrations), backup.py, export.py, errors.py (what to tell the
clinician), connection.py (the one place a connection is made). Owner-only files: decisionaid/files.py.
"""
