"""The one way text reaches reportlab markup: `escape()`.

Everything a clinician or patient typed (names, identifiers, notes, answers, the crisis text) passes through
`escape()` exactly once, on its way into a Paragraph. Our own fixed wording goes through it too, so no text
anywhere is read as markup: `<img src=...>` stays text and never opens a file.
"""

from __future__ import annotations

import re
import unicodedata
from html import escape as _html_escape

from decisionaid.handout import fonts

_CONTROL_PICTURES = {c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A)} | {0x7F: "\u2421"}
_SPACE_AFTER_SPACE = re.compile(r"(?<= ) ")


def _xml_escape(text: str) -> str:
    """&, < and > as entities (xml.sax.saxutils.escape does the same, but importing it loads urllib and ssl)."""
    return _html_escape(text, quote=False)


def _fallback_chars(text: str) -> set[str]:
    """Characters DejaVu Sans cannot draw but the fallback face can."""
    return {ch for ch in set(text) - {" ", "\n"}
            if not fonts.has_glyph(ch) and fonts.has_glyph(ch, fonts.FALLBACK)}


def _visual(text: str) -> str:
    """Right-to-left lines (Hebrew, Arabic) in the order they are drawn, Arabic letters joined.

    reportlab draws characters left to right as stored, which would print שלום backwards. Each line is reordered
    on its own (Unicode bidi algorithm, python-bidi), after Arabic shaping (arabic-reshaper). A long RTL line that
    wraps still wraps from its logical start: fine for names and short answers, imperfect for long RTL notes."""
    if not any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in set(text)):
        return text
    import arabic_reshaper
    from bidi import get_display

    return "\n".join(get_display(arabic_reshaper.reshape(line)) if line else line for line in text.split("\n"))


def escape(text: str) -> str:
    """Paragraph markup that prints `text` exactly as typed.

    `<`, `>` and `&` become entities; a line break becomes <br/>; runs of spaces (a tab is four) keep their
    width; a control character prints as its visible picture (U+2400 block); a character DejaVu Sans lacks
    (Chinese, Japanese, Korean...) is set in the fallback face; right-to-left lines are put in drawing order."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    text = _visual(text.translate(_CONTROL_PICTURES))
    wide = _fallback_chars(text)
    if wide:
        pattern = re.compile("([" + "".join(re.escape(c) for c in sorted(wide)) + "]+)")
        parts = pattern.split(text)  # odd indexes are runs of fallback characters
        markup = "".join(f'<font face="{fonts.FALLBACK}">{_xml_escape(p)}</font>' if i % 2 else _xml_escape(p)
                         for i, p in enumerate(parts) if p)
    else:
        markup = _xml_escape(text)
    return _SPACE_AFTER_SPACE.sub("\u00a0", markup).replace("\n", "<br/>")
