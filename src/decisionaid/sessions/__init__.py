"""Consultation records in SQLite: the only package that talks to a database. No Qt, no reportlab.

record.py (SessionRecord, validation), store.py (SessionStore: revisions, drafts, reads), listing.py (pages,
filters, search), schema.py (versions and migrations), backup.py, export.py, errors.py (what to tell the
clinician), connection.py (the one place a connection is made, and the key in memory). Encryption at rest:
keys.py (the passphrase's key and its key check), keyed_copy.py (one file copied under another key, checked),
crypto.py (turning encryption on, off or to a new passphrase, crash-safe; unlock; recover). Owner-only files:
decisionaid/files.py.
"""
