"""The consultation checklist: items and scales as data (resources/checklist), and the rules that judge answers.

No Qt, no SQLite, no reportlab here (tests/test_layering.py).
"""
