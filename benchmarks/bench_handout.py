"""Handout build time against a bare reportlab document of the same page count, measured in the same run.

    .venv/bin/python benchmarks/bench_handout.py [--runs N]

The bare document is platypus at its plainest: a SimpleDocTemplate of Helvetica paragraphs (no embedded fonts,
no pictures, no tables) with as many pages as the handout. Both are built in memory, interleaved, after one
warm-up build each (font registration, wording and evidence loading are start-up costs, printed separately).
Prints medians and the ratio; the target is <= 1.5x.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

MADE = dt.datetime(2026, 11, 21, 14, 45)
LOREM = ("Out of 100 people like those in the studies, about 44 felt much better after 6 weeks. "
         "This compares with about 11 out of 100 after a dummy shot. ") * 3


def bare(paragraphs: int, font: str) -> tuple[bytes, int]:
    """A SimpleDocTemplate of plain paragraphs in `font`; returns the PDF and its page count."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    style = ParagraphStyle("bare", parent=getSampleStyleSheet()["BodyText"], fontName=font)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, invariant=1)
    doc.build([Paragraph(LOREM, style) for _ in range(paragraphs)])
    return buf.getvalue(), doc.page


def paragraphs_for(pages: int, font: str) -> int:
    """The most paragraphs that still make exactly `pages` pages."""
    n = 1
    while bare(n + 1, font)[1] <= pages:
        n += 1
    return n


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="5 runs")
    args = parser.parse_args()
    runs = 5 if args.quick else args.runs

    t0 = time.perf_counter()
    from decisionaid.checklist.items import load_checklist
    from decisionaid.evidence.pack import load_pack
    from decisionaid.evidence.summary import summarise
    from decisionaid.handout.inputs import handout_input
    from decisionaid.handout.patient import build_handout
    from decisionaid.settings import Settings

    summary, checklist = summarise(load_pack()), load_checklist()
    data = handout_input(Settings(clinician_name="Dr A"), made_at=MADE, summary=summary, checklist=checklist)
    first = build_handout(data)
    cold = time.perf_counter() - t0
    pages = page_count(first)
    from decisionaid.handout import fonts

    floors = {"Helvetica (built in, not embedded)": "Helvetica", "DejaVu Sans (embedded, as ours)": fonts.REGULAR}
    counts = {name: paragraphs_for(pages, font) for name, font in floors.items()}
    ours, theirs = [], {name: [] for name in floors}
    for _ in range(runs):
        ours.append(timed(build_handout, data))
        for name, font in floors.items():
            theirs[name].append(timed(bare, counts[name], font))
    a = statistics.median(ours)
    print(f"handout, {pages} pages: median {a * 1000:6.1f} ms over {runs} builds")
    for name, times in theirs.items():
        b = statistics.median(times)
        print(f"bare reportlab, {pages} pages, {name}: median {b * 1000:6.1f} ms -> ratio {a / b:.2f}x "
              f"(target <= 1.5x)")
    print(f"first build in a fresh process, including imports, fonts, wording and evidence: {cold * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
