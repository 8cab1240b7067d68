"""Reading our PDFs back (pypdf), for the handout, record and UI printing tests."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


PAGE_NUMBER = re.compile(r"Page \d+ of \d+")


def text(data: bytes, page_numbers: bool = False) -> str:
    """All the text, page by page; the "Page n of N" footers are left out unless asked for."""
    out = "\n".join(page.extract_text() for page in reader(data).pages)
    return out if page_numbers else PAGE_NUMBER.sub("", out)


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
