"""Small pieces both PDFs use: citations, boxes, bullet lists, dates and people out of 100."""

from __future__ import annotations

import datetime as dt

from reportlab.platypus import KeepTogether, ListFlowable, ListItem, Paragraph, Table, TableStyle

from decisionaid.evidence.formatting import whole_people
from decisionaid.evidence.pack import Pack
from decisionaid.handout.markup import escape
from decisionaid.handout.styles import SOFT, Styles, TEAL
from decisionaid.handout.wording import SourceNumbers, long_date


def cite_mark(numbers: list[int], st: Styles) -> str:
    """' [1, 2]' in small grey type after a sentence; empty when nothing is cited."""
    if not numbers:
        return ""
    return f' <font size="{st.size * 0.75:.1f}" color="#555555">[{", ".join(map(str, numbers))}]</font>'


def para(text: str, style, cites: list[int] | None = None, st: Styles | None = None) -> Paragraph:
    """A paragraph of plain text (escaped here), with its citation numbers."""
    return Paragraph(escape(text) + (cite_mark(cites, st) if cites and st else ""), style)


def bullets(paragraphs: list[Paragraph], st: Styles) -> ListFlowable:
    return ListFlowable([ListItem(p, leftIndent=st.size * 1.2, value="\u2022") for p in paragraphs],
                        bulletType="bullet", bulletFontName=st.body.fontName, bulletFontSize=st.size,
                        leftIndent=st.size * 1.2, spaceAfter=st.size * 0.3)


def box(flowables: list, width: float, st: Styles, border=TEAL, keep: bool = True):
    """Flowables in a tinted box with a coloured border (kept on one page when `keep`)."""
    t = Table([[f] for f in flowables], colWidths=[width], splitInRow=1)
    t.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2, border), ("BACKGROUND", (0, 0), (-1, -1), SOFT),
                           ("LEFTPADDING", (0, 0), (-1, -1), st.size * 0.7),
                           ("RIGHTPADDING", (0, 0), (-1, -1), st.size * 0.7),
                           ("TOPPADDING", (0, 0), (-1, -1), st.size * 0.25),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), st.size * 0.25)]))
    return KeepTogether([t]) if keep else t


def grid(rows: list[list], widths: list[float], st: Styles, header: bool = True) -> Table:
    """A ruled table; rows may split across pages, and the header row repeats."""
    t = Table(rows, colWidths=widths, repeatRows=1 if header else 0, splitInRow=1)
    style = [("GRID", (0, 0), (-1, -1), 0.4, "#9a9a9a"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), st.size * 0.35), ("RIGHTPADDING", (0, 0), (-1, -1), st.size * 0.35),
             ("TOPPADDING", (0, 0), (-1, -1), st.size * 0.2), ("BOTTOMPADDING", (0, 0), (-1, -1), st.size * 0.25)]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), SOFT))
    t.setStyle(TableStyle(style))
    return t


def moment(held_at: str) -> str:
    """'2026-11-21T14:30' -> '21 November 2026, 14:30'; anything unparsable is shown as stored."""
    try:
        when = dt.datetime.fromisoformat(held_at)
    except (TypeError, ValueError):
        return str(held_at)
    return f"{long_date(when.date())}, {when:%H:%M}"


def day(text: str | None) -> str | None:
    try:
        return long_date(dt.date.fromisoformat(text)) if text else None
    except ValueError:
        return text


def in_100(events: int, total: int) -> str:
    """'about 2 in 100 (16 of 665)': whole people, with the exact counts beside them."""
    per_100 = 100.0 * events / total
    if events == 0:
        words = "0 in 100"
    elif per_100 < 0.5:
        words = "fewer than 1 in 100"
    else:
        words = f"about {whole_people(per_100)} in 100"
    return f"{words} ({events} of {total})"


def source_list(pack: Pack, numbers: SourceNumbers, st: Styles) -> Paragraph:
    """The numbered references (PMID/DOI included) run together in one small paragraph, to save paper."""
    refs = [f"<b>[{i}]</b> {escape(pack.sources[sid].reference())}" for i, sid in enumerate(numbers.order, 1)]
    return Paragraph("\u2003".join(refs), st.small)
