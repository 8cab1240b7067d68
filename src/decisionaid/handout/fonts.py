"""The fonts every PDF uses: DejaVu Sans (regular, bold, oblique) and Droid Sans Fallback for what DejaVu lacks.

The files ship in resources/fonts with their licences, xz-compressed (6.1 MB of fonts take 2.5 MB installed; they
are unpacked in memory once per process, in about 0.1 s on the worker that makes the first PDF). Registering is done once per process and is thread-safe,
because PDFs are built on worker threads.
"""

from __future__ import annotations

import io
import lzma
import threading
from functools import lru_cache

REGULAR, BOLD, OBLIQUE, FALLBACK = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DroidSansFallback"
# Families whose every style is one face: for a character only that face has (<b> cannot turn it into a box).
ONLY_REGULAR, ONLY_BOLD = "DejaVuSans-Upright", "DejaVuSans-BoldAlways"
_FILES = {REGULAR: "DejaVuSans.ttf.xz", BOLD: "DejaVuSans-Bold.ttf.xz", OBLIQUE: "DejaVuSans-Oblique.ttf.xz",
          FALLBACK: "DroidSansFallbackFull.ttf.xz"}
_lock = threading.Lock()
_done = False


class FontError(Exception):
    """A bundled font file is missing or unreadable. str() names the file and what to do."""


def register() -> None:
    """Register the four faces with reportlab, and DejaVu Sans as a family so <b> and <i> pick bold and oblique."""
    global _done
    if _done:
        return
    with _lock:
        if _done:
            return
        from reportlab.pdfbase import pdfmetrics, ttfonts
        from reportlab.pdfbase.ttfonts import TTFont

        from decisionaid.resources import resource_path

        ttfonts.makeToUnicodeCMap = _to_unicode_cmap
        from reportlab import rl_config

        rl_config.useA85 = 0  # streams stay binary (Flate): smaller files, and no time spent on ASCII85

        unpacked = {}
        for name, filename in _FILES.items():
            path = resource_path("fonts", filename)
            try:
                unpacked[name] = _unpacked(path)
                pdfmetrics.registerFont(TTFont(name, unpacked[name]))
            except Exception as exc:  # reportlab raises TTFError or OSError, depending on the damage
                raise FontError(f"The font file {path} could not be read ({exc}). Reinstall decisionaid.") from None
        for alias, name in ((ONLY_REGULAR, REGULAR), (ONLY_BOLD, BOLD)):
            # The same face under a second name, bold and italic included: reportlab gives the alias the face
            # already registered (one embedded font, not two).
            unpacked[name].seek(0)
            pdfmetrics.registerFont(TTFont(alias, unpacked[name]))
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=OBLIQUE, boldItalic=BOLD)
        _done = True


def _unpacked(path) -> io.BytesIO:
    """The TrueType bytes of an .xz font file, as the file-like object reportlab reads fonts from."""
    with lzma.open(path) as packed:
        data = io.BytesIO(packed.read())
    data.name = str(path)  # reportlab names the file in its messages
    return data


@lru_cache(maxsize=4)
def _charmap(name: str) -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    register()
    return frozenset(pdfmetrics.getFont(name).face.charToGlyph)


def has_glyph(char: str, name: str = REGULAR) -> bool:
    """Whether the face draws this character (rather than an empty box)."""
    return ord(char) in _charmap(name)


def _to_unicode_cmap(fontname: str, subset) -> str:
    """reportlab's ToUnicode CMap, with characters beyond U+FFFF written as UTF-16 surrogate pairs.

    reportlab 4-5 writes them as five hex digits (<1F600>), which PDF readers reject: an emoji in a name
    printed but vanished when the text was copied, searched or read aloud."""
    def utf16(code: int) -> str:
        return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()

    head = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
            f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
            f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
            "<00> <%02X>" % (len(subset) - 1), "endcodespacerange", f"{len(subset)} beginbfchar"]
    tail = ["endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(head + ["<%02X> <%s>" % (i, utf16(v)) for i, v in enumerate(subset)] + tail)
