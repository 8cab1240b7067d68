"""Paragraph styles for handouts and records, in a normal and a large-print size (body 14 pt or more)."""

from __future__ import annotations

from functools import lru_cache

import msgspec
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle

from decisionaid.handout import fonts

TEAL = colors.HexColor("#00574f")
SOFT = colors.HexColor("#eef5f4")       # light tint behind boxes; prints as a pale grey
ALERT = colors.HexColor("#8b1a1a")
GREY = colors.HexColor("#555555")


# Value types are frozen msgspec Structs, not dataclasses: made in microseconds at import (see
# docs/design/architecture.md, "Value types").
class Styles(msgspec.Struct, frozen=True):
    size: float
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    strong: ParagraphStyle
    bullet: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    alert: ParagraphStyle


def styles(large_print: bool = False, base: float | None = None) -> Styles:
    """Body 10 pt (14 pt in large print) with the rest scaled from it. The same objects for every document of a
    process (nothing changes a style once made), so what reportlab derives from a style can be kept."""
    fonts.register()
    return _styles(base or (14.0 if large_print else 10.0))


@lru_cache(maxsize=8)
def _styles(size: float) -> Styles:

    def style(name, scale=1.0, font=fonts.REGULAR, lead=1.3, before=0.0, after=0.35, color=colors.black, **kw):
        s = size * scale
        return ParagraphStyle(name, fontName=font, fontSize=s, leading=s * lead, spaceBefore=size * before,
                              spaceAfter=size * after, textColor=color, splitLongWords=1, **kw)

    return Styles(
        size=size,
        title=style("title", 1.9, fonts.BOLD, 1.15, after=0.3, color=TEAL),
        subtitle=style("subtitle", 1.1, after=0.4),
        heading=style("heading", 1.3, fonts.BOLD, 1.2, before=0.4, after=0.2, color=TEAL, keepWithNext=1),
        body=style("body"),
        strong=style("strong", font=fonts.BOLD),
        bullet=style("bullet", after=0.08, leftIndent=size * 1.2, bulletIndent=size * 0.2),
        small=style("small", 0.68, after=0.15, lead=1.15, color=GREY),
        cell=style("cell", 0.92, after=0, lead=1.25),
        cell_bold=style("cell_bold", 0.92, fonts.BOLD, after=0, lead=1.25),
        alert=style("alert", font=fonts.BOLD, color=ALERT),
    )
