"""Checked content files: the JSON in resources/ that the evidence pack, the checklist and the wordings are read from.

Each file's shape is a set of frozen msgspec Structs beside the code that uses it (evidence/pack.py,
checklist/items.py, handout/wording.py, patient_view/wording.py); `load_checked` reads a file and decodes it into
them in one pass, and turns any problem into one sentence naming the file, the field and the problem.
No Qt, no SQLite, no reportlab here.
"""

from decisionaid.content.loader import CheckedFileError, field_name, load_checked, strings
from decisionaid.content.types import Date, Id, Text

__all__ = ["CheckedFileError", "Date", "Id", "Text", "field_name", "load_checked", "strings"]
