"""Reading our PDFs back (pypdf), for the handout, record and UI printing tests."""

from __future__ import annotations

import copy
import functools
import io
import re
import weakref

from pypdf import PdfReader


def _parse_each_font_once() -> None:
    """pypdf parses every font's ToUnicode map again each time a form XObject is drawn (an icon array draws one
    for each of its 100 icons), which made reading one handout back take a second. Parse each font dictionary of
    a reader once and hand out copies: the text and every visitor call stay exactly what pypdf gives
    (tests/test_pdf_text.py).
    Without the pypdf internals this relies on (another pypdf version), reading stays as pypdf has it."""
    try:
        from pypdf.generic._font import Font
    except ImportError:
        return
    method = Font.__dict__.get("from_font_resource")
    if not isinstance(method, classmethod) or getattr(method.__func__, "parses_each_font_once", False):
        return
    parse, parsed = method.__func__, {}

    def from_font_resource(cls, font_dict):
        key = id(font_dict)
        hit = parsed.get(key)
        if hit is None or hit[0]() is not font_dict:
            try:
                alive = weakref.ref(font_dict, lambda _ref, key=key: parsed.pop(key, None))
            except TypeError:  # cannot be watched, so cannot be remembered safely
                return parse(cls, font_dict)
            hit = parsed[key] = (alive, parse(cls, font_dict))
        return copy.copy(hit[1])  # extraction sets space_width on the copy it gets

    from_font_resource.parses_each_font_once = True
    from_font_resource.original = parse
    Font.from_font_resource = classmethod(from_font_resource)


_parse_each_font_once()


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


PAGE_NUMBER = re.compile(r"Page \d+ of \d+")


def text(data: bytes, page_numbers: bool = False) -> str:
    """All the text, page by page; the "Page n of N" footers are left out unless asked for."""
    out = _all_text(data) if isinstance(data, bytes) else _read_all_text(data)
    return out if page_numbers else PAGE_NUMBER.sub("", out)


@functools.lru_cache(maxsize=16)
def _all_text(data: bytes) -> str:
    """The same bytes give the same text: a PDF several tests read (a module fixture's) is read once."""
    return _read_all_text(data)


def _read_all_text(data) -> str:
    return "\n".join(page.extract_text() for page in reader(data).pages)


def squash(s: str) -> str:
    """Text with all whitespace (and the no-break spaces that keep runs of spaces) removed, for comparing."""
    return re.sub(r"[\s\u00a0]+", "", s)


def font_sizes(data: bytes) -> dict[float, int]:
    """Characters drawn at each font size."""
    sizes: dict[float, int] = {}

    def visit(t, cm, tm, font, size):
        if t.strip():
            key = round(size * tm[0], 1)
            sizes[key] = sizes.get(key, 0) + len(t.strip())

    for page in reader(data).pages:
        page.extract_text(visitor_text=visit)
    return sizes


def embedded_fonts(data: bytes) -> set[str]:
    """Base names of the fonts embedded as TrueType programs (FontFile2)."""
    names = set()
    for page in reader(data).pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            for f in ([d.get_object() for d in descendants] if descendants else [font]):
                desc = f.get("/FontDescriptor")
                if desc is not None and "/FontFile2" in desc.get_object():
                    names.add(str(f["/BaseFont"]).split("+")[-1])
    return names
