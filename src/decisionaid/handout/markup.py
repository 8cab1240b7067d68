"""The one way text reaches reportlab markup: `escape()`.

Everything a clinician or patient typed (names, identifiers, notes, answers, the crisis text) passes through
`escape()` exactly once, on its way into a Paragraph. Our own fixed wording goes through it too, so no text
anywhere is read as markup: `<img src=...>` stays text and never opens a file.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from html import escape as _html_escape

from decisionaid.handout import fonts

_SPACE_AFTER_SPACE = re.compile(r"(?<= ) ")
_PRINTABLE_ASCII = re.compile(r"[\n\x20-\x7e]*")  # drawn by DejaVu Sans and its bold, left to right
# Invisible characters that join or vary the one before (emoji sequences): kept inside a "[U+...]" code with them.
_JOINERS = frozenset("\u200c\u200d\ufe0e\ufe0f")


def _xml_escape(text: str) -> str:
    """&, < and > as entities (xml.sax.saxutils.escape does the same, but importing it loads urllib and ssl)."""
    return _html_escape(text, quote=False)


@lru_cache(maxsize=4096)  # a pure function of one character (the faces are fixed per process): asked per character
def _face(ch: str) -> str | None:
    """Where `ch` is drawn: "" in the paragraph's own face, a face name for a character that face alone has,
    or None when no embedded face has it (it would print as an empty box). A control character or a lone
    surrogate is None too: a face may map it, but only to an invisible glyph."""
    if unicodedata.category(ch) in ("Cc", "Cs"):
        return None
    if fonts.has_glyph(ch, fonts.REGULAR) and fonts.has_glyph(ch, fonts.BOLD):
        return ""
    if fonts.has_glyph(ch, fonts.FALLBACK):
        return fonts.FALLBACK
    if fonts.has_glyph(ch, fonts.REGULAR):
        return fonts.require(fonts.ONLY_REGULAR)   # e.g. mathematical sans-serif letters, which DejaVu Bold lacks
    if fonts.has_glyph(ch, fonts.BOLD):
        return fonts.require(fonts.ONLY_BOLD)
    return None


def _drawable(ch: str) -> bool:
    return _face(ch) is not None


@lru_cache(maxsize=1)
def _reshaper():
    """arabic-reshaper's default settings, less the ligatures our faces cannot draw: by default it joins الله
    into U+FDF2, which neither face has, so "Abdullah" printed as a box; now its letters are joined one by one."""
    import arabic_reshaper
    from arabic_reshaper.ligatures import LIGATURES

    missing = {name: False for name, (_match, forms) in LIGATURES
               if not all(_drawable(c) for form in forms for c in form)}
    return arabic_reshaper.ArabicReshaper(configuration=missing)


def _unshape(text: str) -> str:
    """A shaped (presentation-form) letter that no face draws, as its plain letter: unjoined, but readable."""
    missing = {ch for ch in set(text) if not _drawable(ch) and unicodedata.decomposition(ch).startswith("<")}
    if not missing:
        return text
    plain = {ch: unicodedata.normalize("NFKC", ch) for ch in missing}
    return text.translate({ord(ch): p for ch, p in plain.items() if p != ch})


def _visual(text: str) -> str:
    """Right-to-left lines (Hebrew, Arabic) in the order they are drawn, Arabic letters joined.

    reportlab draws characters left to right as stored, which would print שלום backwards. Each line is reordered
    on its own (Unicode bidi algorithm, python-bidi), after Arabic shaping (arabic-reshaper). A long RTL line that
    wraps still wraps from its logical start: fine for names and short answers, imperfect for long RTL notes."""
    if not any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in set(text)):
        return text
    from bidi import get_display

    reshape = _reshaper().reshape
    return "\n".join(get_display(_unshape(reshape(line))) if line else line for line in text.split("\n"))


def _code(run: str, hidden: dict[str, str]) -> str:
    """Characters no embedded face draws, as their code points: '[U+1F9E0]', '[U+1F468 U+200D U+1F469]'."""
    chars = "".join(hidden.get(c, c) for c in run)
    return '<font color="#555555">[' + " ".join(f"U+{ord(c):04X}" for c in chars) + "]</font>"


def _hide(text: str) -> tuple[str, dict[str, str]]:
    """Each run of characters no face draws (with the joiners inside it) replaced by one private-use character.

    Done before Arabic shaping and right-to-left reordering, so that a run keeps its typed order inside its
    code ('[U+1F468 U+200D U+1F469]', not reversed) and counts as one left-to-right unit in a right-to-left line."""
    none = {ch for ch in set(text) - {"\n"} if _face(ch) is None}
    if not none:
        return text, {}
    cls = "".join(re.escape(c) for c in sorted(none))
    joiners = "".join(sorted(_JOINERS))
    runs = re.compile(f"[{joiners}]*[{cls}](?:[{cls}{joiners}])*")
    free = (chr(c) for c in range(0x100000, 0x10FFFE) if chr(c) not in text)  # Private Use Area-B
    hidden: dict[str, str] = {}

    def hide(match):
        mark = next(free)
        hidden[mark] = match.group(0)
        return mark

    return runs.sub(hide, text), hidden


def _marked_up(text: str, hidden: dict[str, str]) -> str:
    """Escaped text, with each character set in a face that has it, or as its code point if none does."""
    faces = {ch: (None if ch in hidden else _face(ch)) for ch in set(text) - {" ", "\n"}}
    special = {ch for ch, face in faces.items() if face != ""}
    if not special:
        return _xml_escape(text)
    if None in faces.values():
        special |= _JOINERS & faces.keys()
    runs = re.compile("([" + "".join(re.escape(c) for c in sorted(special)) + "]+)").split(text)
    return "".join(_special(run, faces, hidden) if i % 2 else _xml_escape(run) for i, run in enumerate(runs) if run)


def _special(text: str, faces: dict, hidden: dict[str, str]) -> str:
    """A run of characters outside the paragraph's face: each in the face that has it, or as a code point."""
    out, i, n = [], 0, len(text)
    while i < n:
        ch, j = text[i], i + 1
        face = faces[ch]
        if face is None or (ch in _JOINERS and j < n and faces[text[j]] is None):
            while j < n and (faces[text[j]] is None or text[j] in _JOINERS):
                j += 1
            out.append(_code(text[i:j], hidden))
            i = j
            continue
        while j < n and faces[text[j]] == face and not (text[j] in _JOINERS and j + 1 < n
                                                        and faces[text[j + 1]] is None):
            j += 1
        piece = _xml_escape(text[i:j])
        out.append(f'<font face="{face}">{piece}</font>' if face else piece)
        i = j
    return "".join(out)


def plain(text: str) -> str:
    """Text for the PDF's metadata (title, author...), which has no fonts: only control characters and lone
    surrogates (which cannot be stored) are replaced, by their code points."""
    text = str(text)
    if not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in set(text)):
        return text
    return "".join(f"[U+{ord(ch):04X}]" if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in text)


def escape(text: str) -> str:
    """Paragraph markup that prints `text` exactly as typed, and never as an empty box.

    `<`, `>` and `&` become entities; a line break becomes <br/>; runs of spaces (a tab is four) keep their
    width; right-to-left lines are put in drawing order; a character DejaVu Sans lacks (Chinese, Japanese,
    Korean...) is set in the fallback face; a character that no embedded face draws (a control character, most
    emoji, a lone surrogate...) prints as its code point in grey, e.g. [U+0007] or [U+1F9E0].

    The markup of a text up to 1,000 characters is kept for the process (a pure function of the text: the faces
    are fixed per process): a document escapes the same labels and answers in every build."""
    if type(text) is str and len(text) <= ESCAPED_LENGTH:
        markup = _ESCAPED.get(text)
        if markup is None:
            if len(_ESCAPED) >= ESCAPED_LIMIT:
                _ESCAPED.clear()
            markup = _ESCAPED[text] = _markup(text)
        return markup
    return _markup(text)


ESCAPED_LENGTH, ESCAPED_LIMIT = 1000, 8192  # the longest text kept, and how many are kept before starting again
_ESCAPED: dict[str, str] = {}


def _markup(text) -> str:
    text = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    if text.isascii() and _PRINTABLE_ASCII.fullmatch(text):  # most text: every face has it, left to right
        return _SPACE_AFTER_SPACE.sub("\u00a0", _xml_escape(text)).replace("\n", "<br/>")
    text, hidden = _hide(text)
    markup = _marked_up(_visual(text), hidden)
    return _SPACE_AFTER_SPACE.sub("\u00a0", markup).replace("\n", "<br/>")
