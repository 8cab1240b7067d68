"""The patient handout and the clinician record against bare reportlab documents, and the first PDF of a process.

    .venv/bin/python benchmarks/bench_handout.py [--runs N | --quick]

1. Build time, in memory, from ONE interleaved run (handout, its bare document, record, its bare document, again
   and again) after one warm-up build of each: the median of each and the ratios "handout / bare" and
   "record / bare" (target <= 1.5x). A bare document is platypus at its plainest: a SimpleDocTemplate of plain
   paragraphs in DejaVu Sans, embedded as ours is, with as many pages as the document it is compared with.
   The baselines' fonts are reportlab's own TrueType fonts of the same files (`reportlab_font`): ours split text
   into subset codes faster (handout/drawing.SubsetFont), and would speed the baselines up as much.
   Wall and CPU time of each (on a busy machine the CPU time is the steadier figure).
   That bare document has about as many characters per page as ours, but far fewer paragraphs (the record draws
   218 paragraphs with text, most of them table cells, where the bare one has 34), so a second, fairer baseline is
   timed in the same run and printed on its own line: "same text, plain paragraphs", the very text of each
   paragraph our document draws (page footers included), in that paragraph's font and size, as plain paragraphs
   of a SimpleDocTemplate, each page's paragraphs followed by a page break (a page of table cells, which no
   longer stand side by side, gets a narrower leading so that it still fits): the same characters, paragraphs
   and pages, without tables, boxes, pictures, markup, keep-togethers or page numbering. Its lines are broken
   at every build, as reportlab does; ours are kept from the warm-up build (handout/common.Paragraph). Both ratios are
   printed; the first, "bare", is the target's.
2. The first PDF in a fresh process (target <= 0.3 s): from the first decisionaid import to the handout's bytes
   (imports, fonts, wording, evidence and checklist loading, the build), timed inside fresh interpreters,
   interleaved with fresh interpreters that only import reportlab's platypus and TrueType modules (the floor:
   no PDF can be made faster in a fresh process). Wall and CPU time of each; interpreter start-up (`python -c
   pass`) is printed beside them. The modules are byte-compiled first (into a temporary folder, by one untimed
   process), as in an installed program: compiling decisionaid's own sources took about 55 ms more.

`--pdfs DIR` instead writes six documents with fixed inputs into DIR, to check with `cmp` that a change meant
to keep the PDFs keeps them byte for byte.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))

MADE = dt.datetime(2026, 11, 21, 14, 45)
LOREM = ("Out of 100 people like those in the studies, about 44 felt much better after 6 weeks. "
         "This compares with about 11 out of 100 after a dummy shot. ") * 3
TARGET_RATIO, TARGET_FIRST = 1.5, 0.3

FIRST_PDF = """
import time
t0, c0 = time.perf_counter(), time.process_time()
import datetime as dt
from decisionaid.checklist.items import load_checklist
from decisionaid.evidence.pack import load_pack
from decisionaid.evidence.summary import summarise
from decisionaid.handout.inputs import handout_input
from decisionaid.handout.patient import build_handout
from decisionaid.settings import Settings
data = build_handout(handout_input(Settings(clinician_name="Dr A", paper="a4"), made_at=dt.datetime(2026, 11, 21),
                                   summary=summarise(load_pack()), checklist=load_checklist()))
assert data.startswith(b"%PDF")
print(time.perf_counter() - t0, time.process_time() - c0)
"""
FLOOR = """
import time
t0, c0 = time.perf_counter(), time.process_time()
import reportlab.platypus, reportlab.pdfbase.ttfonts
print(time.perf_counter() - t0, time.process_time() - c0)
"""


def six_pdfs(folder: Path) -> list[Path]:
    """Write six documents with fixed inputs (general handout, personal handout for a patient with a Chinese name,
    large print, Letter, record, record on Letter), so that a change meant to keep the PDFs can be checked with
    `cmp` against the same files written before it."""
    from decisionaid.checklist.items import load_checklist
    from decisionaid.evidence.pack import load_pack
    from decisionaid.evidence.summary import summarise
    from decisionaid.handout.clinician_record import build_record
    from decisionaid.handout.inputs import handout_input, record_input
    from decisionaid.handout.patient import build_handout
    from decisionaid.sessions.session_record import SessionRecord
    from decisionaid.settings import Settings

    settings = Settings(clinician_name="Dr \u0141ukasz Nowak", paper="a4")
    summary, checklist = summarise(load_pack(), dt.date(2026, 11, 21)), load_checklist()
    answers = {item.id: (item.choices[0] if item.answer_type == "choice" else "discussed"
                         if item.answer_type == "discussed" else "no") for item in checklist.items}
    answers["values_other"] = "Seeing my grandchildren <b>smile</b>"
    session = SessionRecord(patient_ref="\u015e\u00fckr\u00fc <Smith> & Co \u4e2d\u6587", clinician="Dr A",
                            held_at="2026-11-21T14:30", phq9_items=(2, 2, 1, 2, 1, 1, 2, 1, 0), answers=answers,
                            notes="Discussed options.", decision="defer", follow_up="2026-12-05", status="")
    common = dict(made_at=MADE, summary=summary, checklist=checklist)
    documents = {
        "handout": lambda: build_handout(handout_input(settings, **common)),
        "handout-personal": lambda: build_handout(handout_input(settings, 7, session, **common)),
        "handout-large-print": lambda: build_handout(handout_input(settings, large_print=True, **common)),
        "handout-letter": lambda: build_handout(handout_input(settings, paper="letter", **common)),
        "record": lambda: build_record(record_input(settings, 7, session, **common)),
        "record-letter": lambda: build_record(record_input(settings, 7, session, paper="letter", **common)),
    }
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in documents.items():
        path = folder / f"{name}.pdf"
        path.write_bytes(build())
        written.append(path)
    return written


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


def drawn_text(build) -> list[list[tuple[str, str, float, float]]]:
    """Each page's paragraphs as `build()` draws them: (text, font, size, leading), the text as its lines read
    (markup gone, pieces in other faces joined in), in the order drawn. Every paragraph is drawn by reportlab's
    drawPara here, where it is recorded (handout/common.Paragraph draws most of them without it)."""
    from reportlab.platypus.paragraph import Paragraph

    from decisionaid.handout import common

    pages: dict[int, list] = {}
    draw = Paragraph.drawPara
    plain_drawer = common.Paragraph._plain_drawer
    common.Paragraph._plain_drawer = lambda self, canvas: None

    def recording(self, debug=0):
        lines = self.blPara.lines
        text = " ".join(" ".join(line[1]) if isinstance(line, tuple) else "".join(w.text for w in line.words)
                        for line in lines).strip()
        if text:
            font = self.frags[0].fontName if self.blPara.kind == 0 and hasattr(self.frags[0], "fontName") \
                else self.style.fontName
            pages.setdefault(self.canv.getPageNumber(), []).append((text, font, self.style.fontSize,
                                                                     self.style.leading))
        return draw(self, debug)

    Paragraph.drawPara = recording
    try:
        build()
    finally:
        Paragraph.drawPara = draw
        common.Paragraph._plain_drawer = plain_drawer
    return [pages[n] for n in sorted(pages)]


def fit_pages(pages: list[list[tuple[str, str, float, float]]]) -> list[list[tuple[str, str, float, float]]]:
    """`drawn_text` with each page's leading narrowed where its paragraphs, set one under another at the full
    width, would not fit on one page (table cells side by side), so the plain document has as many pages; the
    font sizes, so the lines and their characters, stay the same."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    doc = SimpleDocTemplate(io.BytesIO(), pagesize=A4)
    room = (doc.height - 12) * 0.97  # the frame's paddings, and a little to spare
    out = []
    for page in pages:
        need = sum(Paragraph(escape(text), ParagraphStyle("m", fontName=font, fontSize=size, leading=leading))
                   .wrap(doc.width, room)[1] for text, font, size, leading in page)
        scale = min(1.0, room / need) if need else 1.0
        out.append([(text, font, size, leading * scale) for text, font, size, leading in page])
    return out


def plain_pages(pages: list[list[tuple[str, str, float, float]]]) -> tuple[bytes, int]:
    """The text of `drawn_text` as plain paragraphs of a SimpleDocTemplate, a page break after each page's; returns
    the PDF and its page count."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    styles: dict = {}
    story = []
    for n, page in enumerate(pages):
        if n:
            story.append(PageBreak())
        for text, font, size, leading in page:
            style = styles.get((font, size, leading))
            if style is None:
                style = styles[font, size, leading] = ParagraphStyle(f"plain{len(styles)}", fontName=font,
                                                                    fontSize=size, leading=leading)
            story.append(Paragraph(escape(text), style))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, invariant=1)
    doc.build(story)
    return buf.getvalue(), doc.page


def paragraphs_for(pages: int, font: str) -> int:
    """The most paragraphs that still make exactly `pages` pages."""
    n = 1
    while bare(n + 1, font)[1] <= pages:
        n += 1
    return n


def reportlab_font(name: str) -> str:
    """The same DejaVu (or Droid) face as reportlab's own TrueType font, under another name, for the baselines: the
    font decisionaid registers (handout/drawing.SubsetFont) is faster at splitting text, and would speed the bare
    documents up too. Returns the name it is registered under."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from decisionaid.handout import fonts
    from decisionaid.resources import resource_path

    bare_name = f"{name}-reportlab"
    if bare_name not in pdfmetrics.getRegisteredFontNames():
        face = {fonts.ONLY_REGULAR: fonts.REGULAR, fonts.ONLY_BOLD: fonts.BOLD}.get(name, name)
        data = fonts._unpacked(resource_path("fonts", fonts._FILES[face]))
        font = TTFont(bare_name, data)
        # reportlab registers a second font of a face it knows as the first (ours); another face name keeps it apart
        font.face.name = bare_name.encode("ascii")
        pdfmetrics.registerFont(font)
        assert type(pdfmetrics.getFont(bare_name)) is TTFont
    return bare_name


def page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def fresh(code: str, pycache: str) -> tuple[float, float, float]:
    """(wall time and CPU time the code prints, wall time of the whole interpreter) in a fresh process, its
    modules byte-compiled into `pycache` (as an installed program's are: pip compiles a wheel's modules when it
    installs them, PyInstaller ships bytecode), whatever PYTHONDONTWRITEBYTECODE says here."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
               PYTHONPYCACHEPREFIX=pycache)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    wall = time.perf_counter() - start
    wall_inside, cpu = (float(x) for x in (out.stdout.split() or ["0", "0"]))
    return wall_inside, cpu, wall


def accelerated() -> bool:
    """Whether reportlab uses its C accelerator (the rl_accel package) here."""
    from reportlab.lib import rl_accel

    return not rl_accel._py_funcs


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="5 runs (3 fresh processes each)")
    parser.add_argument("--pdfs", type=Path, metavar="DIR",
                        help="only write six documents with fixed inputs into DIR (to compare with cmp)")
    args = parser.parse_args()
    if args.pdfs:
        for path in six_pdfs(args.pdfs):
            print(path)
        return 0
    runs = 5 if args.quick else args.runs
    procs = 3 if args.quick else 7

    # --- 1. build time against bare reportlab, one interleaved run -----------------------------------------------
    from decisionaid.checklist.items import load_checklist
    from decisionaid.evidence.pack import load_pack
    from decisionaid.evidence.summary import summarise
    from decisionaid.handout import fonts
    from decisionaid.handout.inputs import handout_input, record_input
    from decisionaid.handout.patient import build_handout
    from decisionaid.handout.clinician_record import build_record
    from decisionaid.sessions.session_record import SessionRecord
    from decisionaid.settings import Settings

    settings = Settings(clinician_name="Dr A", paper="a4")
    summary, checklist = summarise(load_pack()), load_checklist()
    answers = {item.id: (item.choices[0] if item.answer_type == "choice" else "discussed"
                         if item.answer_type == "discussed" else "no") for item in checklist.items}
    session = SessionRecord(patient_ref="P-0042", clinician="Dr A", held_at="2026-11-21T14:30",
                            phq9_items=(2, 2, 1, 2, 1, 1, 2, 1, 0), answers=answers, notes="Discussed options.",
                            decision="defer", follow_up="2026-12-05", status="")
    handout_data = handout_input(settings, made_at=MADE, summary=summary, checklist=checklist)
    record_data = record_input(settings, 7, session, made_at=MADE, summary=summary, checklist=checklist)
    docs = {"handout": lambda: build_handout(handout_data), "record": lambda: build_record(record_data)}
    pages = {name: page_count(build()) for name, build in docs.items()}  # also the warm-up builds
    regular = reportlab_font(fonts.REGULAR)
    counts = {name: paragraphs_for(pages[name], regular) for name in docs}
    texts = {name: [[(text, reportlab_font(font), *sizes) for text, font, *sizes in page]
                    for page in fit_pages(drawn_text(build))] for name, build in docs.items()}
    for name in docs:
        bare(counts[name], regular)  # warm-up
        plain_pages(texts[name])
    wall: dict[str, list[float]] = {key: [] for name in docs for key in (name, f"bare {name}", f"plain {name}")}
    cpu: dict[str, list[float]] = {key: [] for key in wall}

    def timed(key, fn, *args) -> None:
        start, start_cpu = time.perf_counter(), time.process_time()
        fn(*args)
        wall[key].append(time.perf_counter() - start)
        cpu[key].append(time.process_time() - start_cpu)

    for _ in range(runs):
        for name, build in docs.items():
            timed(name, build)
            timed(f"bare {name}", bare, counts[name], regular)
            timed(f"plain {name}", plain_pages, texts[name])
    for name in docs:
        ours, floor = statistics.median(wall[name]), statistics.median(wall[f"bare {name}"])
        ours_cpu, floor_cpu = statistics.median(cpu[name]), statistics.median(cpu[f"bare {name}"])
        print(f"{name}, {pages[name]} pages: median {ours * 1000:.1f} ms wall, {ours_cpu * 1000:.1f} ms CPU; bare "
              f"reportlab, {pages[name]} pages, DejaVu Sans embedded: {floor * 1000:.1f} ms wall, "
              f"{floor_cpu * 1000:.1f} ms CPU -> ratio {ours / floor:.2f}x wall, {ours_cpu / floor_cpu:.2f}x CPU "
              f"(target <= {TARGET_RATIO}x; {runs} interleaved builds)")
        same, same_cpu = statistics.median(wall[f"plain {name}"]), statistics.median(cpu[f"plain {name}"])
        paragraphs = sum(len(page) for page in texts[name])
        characters = sum(len(text) for page in texts[name] for text, *_ in page)
        plain_count = plain_pages(texts[name])[1]
        print(f"  {name} against the same text, plain paragraphs ({paragraphs} paragraphs, {characters} characters, "
              f"{plain_count} pages; the bare document has {counts[name]} paragraphs): {same * 1000:.1f} ms wall, "
              f"{same_cpu * 1000:.1f} ms CPU -> ratio {ours / same:.2f}x wall, {ours_cpu / same_cpu:.2f}x CPU")

    # --- 2. the first PDF in a fresh process ---------------------------------------------------------------------
    first, floor, start_up = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as pycache:
        fresh(FIRST_PDF, pycache)  # compiles every module it imports: not timed
        for _ in range(procs):
            first.append(fresh(FIRST_PDF, pycache))
            floor.append(fresh(FLOOR, pycache))
            start_up.append(fresh("pass", pycache)[2])

    def med(samples, i):
        return statistics.median(x[i] for x in samples) * 1000

    print(f"first PDF in a fresh process (imports, fonts, wording, evidence, build): median {med(first, 0):.0f} ms "
          f"wall, {med(first, 1):.0f} ms CPU (target <= {TARGET_FIRST * 1000:.0f} ms); floor, importing reportlab "
          f"alone: {med(floor, 0):.0f} ms wall, {med(floor, 1):.0f} ms CPU -> ratio {med(first, 0) / med(floor, 0):.1f}x "
          f"wall, {med(first, 1) / med(floor, 1):.1f}x CPU; interpreter start-up (python -c pass, not included): "
          f"{statistics.median(start_up) * 1000:.0f} ms ({procs} interleaved processes each, modules byte-compiled; "
          "on a busy machine the CPU time is the steadier figure)")
    print(f"reportlab's C accelerator (rl_accel): {'in use' if accelerated() else 'not installed'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
