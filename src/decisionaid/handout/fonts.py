"""The fonts every PDF uses: DejaVu Sans (regular, bold, oblique) and Droid Sans Fallback for what DejaVu lacks.

The files ship in resources/fonts with their licences, compressed: DejaVu Sans with gzip (2.1 MB of fonts take 1.1
MB installed and unpack in about 3 ms a face), Droid Sans Fallback with xz (4.0 MB take 1.6 MB; 0.1 s to unpack,
paid only by a document that needs it). They are unpacked in memory once per process, on the worker that makes the
first PDF that needs them. Registering is done once per process and is thread-safe, because PDFs are built on worker
threads. DejaVu Sans and its bold are registered for every PDF; the oblique only once a paragraph is set in it
(`<i>` in markup: no document does today); Droid Sans Fallback only once a document has a character DejaVu Sans
lacks.
"""

from __future__ import annotations

import io
import threading
import zlib
from functools import lru_cache

REGULAR, BOLD, OBLIQUE, FALLBACK = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DroidSansFallback"
# Families whose every style is one face: for a character only that face has (<b> cannot turn it into a box).
ONLY_REGULAR, ONLY_BOLD = "DejaVuSans-Upright", "DejaVuSans-BoldAlways"
_FILES = {REGULAR: "DejaVuSans.ttf.gz", BOLD: "DejaVuSans-Bold.ttf.gz", OBLIQUE: "DejaVuSans-Oblique.ttf.gz",
          FALLBACK: "DroidSansFallbackFull.ttf.xz"}
_EVERY_PDF = (REGULAR, BOLD)
_lock = threading.RLock()
_done = False                # DejaVu Sans and its bold are registered (every PDF uses them)
_on_demand: set[str] = set()  # OBLIQUE, FALLBACK, ONLY_REGULAR, ONLY_BOLD once registered
_bytes: dict = {}            # DejaVu's unpacked TrueType files, kept for the faces registered on demand


class FontError(Exception):
    """A bundled font file is missing or unreadable. str() names the file and what to do."""


def register() -> None:
    """Register DejaVu Sans and its bold with reportlab, as a family so <b> and <i> pick bold and oblique. The
    oblique face is registered by `require_used`, once a paragraph's markup asks for it; Droid Sans Fallback (4 MB
    unpacked, 0.2 s) and the single-face families by `require`, only when a document has a character that needs
    them."""
    global _done
    if _done:
        return
    with _lock:
        if _done:
            return
        from reportlab.pdfbase import pdfmetrics, ttfonts

        ttfonts.makeToUnicodeCMap = _to_unicode_cmap
        from reportlab import rl_config

        rl_config.useA85 = 0  # streams stay binary (Flate): smaller files, and no time spent on ASCII85

        for name in _EVERY_PDF:
            _bytes[name] = _register(name, _FILES[name])
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=OBLIQUE, boldItalic=BOLD)
        _done = True


def require(name: str) -> str:
    """Make sure the face `name` is registered (the fallback and single-face families are registered on first
    use); returns `name`. Raises FontError when its file is missing or damaged."""
    register()
    if name in _EVERY_PDF or name in _on_demand:
        return name
    with _lock:
        if name not in _on_demand:
            if name in (OBLIQUE, FALLBACK):
                _register(name, _FILES[name])
            else:
                # The same face under a second name, bold and italic included: a character only that face has
                # (<b> cannot turn it into a box). One embedded font, not two.
                from reportlab.pdfbase import pdfmetrics

                from decisionaid.handout.drawing import SubsetFont

                data = _bytes[{ONLY_REGULAR: REGULAR, ONLY_BOLD: BOLD}[name]]
                data.seek(0)
                pdfmetrics.registerFont(SubsetFont(name, data))
            _on_demand.add(name)
    return name


def require_used(frags) -> None:
    """Register the faces registered on demand that a paragraph's parsed pieces (reportlab frags) are set in: the
    oblique face for <i> or <em>, which the family maps to it. Called once a paragraph's markup is parsed, before
    it is measured (reportlab looks a face up by name only then, and fails on one never registered)."""
    if OBLIQUE not in _on_demand and any(getattr(frag, "fontName", None) == OBLIQUE for frag in frags or ()):
        require(OBLIQUE)


def _register(name: str, filename: str) -> io.BytesIO:
    from reportlab.pdfbase import pdfmetrics

    from decisionaid.handout.drawing import SubsetFont
    from decisionaid.resources import resource_path

    path = resource_path("fonts", filename)
    try:
        data = _unpacked(path)
        pdfmetrics.registerFont(SubsetFont(name, data))
    except Exception as exc:  # reportlab raises TTFError or OSError, depending on the damage
        raise FontError(f"The font file {path} could not be read ({exc}). Reinstall decisionaid.") from None
    return data


def _unpacked(path) -> io.BytesIO:
    """The TrueType bytes of a .gz or .xz font file, as the file-like object reportlab reads fonts from. A damaged
    file raises (zlib checks the gzip file's CRC-32 and length, lzma the xz file's check)."""
    packed = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = zlib.decompress(packed, wbits=31)  # 31: a gzip file, header and trailer checked
    else:
        import lzma  # only for Droid Sans Fallback

        raw = lzma.decompress(packed)
    data = io.BytesIO(raw)
    data.name = str(path)  # reportlab names the file in its messages
    return data


@lru_cache(maxsize=4)
def _charmap(name: str) -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    return frozenset(pdfmetrics.getFont(require(name)).face.charToGlyph)


def has_glyph(char: str, name: str = REGULAR) -> bool:
    """Whether the face draws this character (rather than an empty box)."""
    return ord(char) in _charmap(name)


def _to_unicode_cmap(fontname: str, subset) -> str:
    """reportlab's ToUnicode CMap, with characters beyond U+FFFF written as UTF-16 surrogate pairs.

    reportlab 4-5 writes them as five hex digits (<1F600>), which PDF readers reject: an emoji in a name
    printed but vanished when the text was copied, searched or read aloud. Made once per font and subset in a
    process (every handout of a process has the same subsets)."""
    return _cmap(fontname, tuple(subset))


@lru_cache(maxsize=64)
def _cmap(fontname: str, subset: tuple[int, ...]) -> str:
    def utf16(code: int) -> str:
        if code < 0x10000:  # one UTF-16 unit (a lone surrogate too, as "surrogatepass" writes it)
            return "%04X" % code
        return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()

    head = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
            f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
            f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
            "<00> <%02X>" % (len(subset) - 1), "endcodespacerange", f"{len(subset)} beginbfchar"]
    tail = ["endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(head + ["<%02X> <%s>" % (i, utf16(v)) for i, v in enumerate(subset)] + tail)
