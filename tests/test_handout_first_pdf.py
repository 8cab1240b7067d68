"""What the first PDF of a process reads: Droid Sans Fallback (4 MB, a fifth of a second to read) only once a
document has a character DejaVu Sans lacks, then embedded as before (a damaged fallback file is still told
plainly); DejaVu Sans Oblique only once a paragraph is in italics; DejaVu Sans from gzip files, not xz (a tenth
of the unpacking time); reportlab's vector shapes only for a chart that uses them (the record's), not for the
handout.
Each check runs in a fresh interpreter, where nothing is registered or imported yet; PDFs are read back with pypdf."""

import shutil
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
RESOURCES = Path(__file__).resolve().parents[1] / "resources"

BUILD = """
import io, sys
sys.path.insert(0, {tests!r})
from handout_data import MADE, checklist, record, summary, settings
from decisionaid.handout.inputs import handout_input
from decisionaid.handout.patient import build_handout
from reportlab.pdfbase import pdfmetrics
from pypdf import PdfReader

def handout(**kw):
    return build_handout(handout_input(settings(), made_at=MADE, summary=summary(), checklist=checklist(), **kw))

def embedded(data):
    pdf = PdfReader(io.BytesIO(data))
    return sorted({{str(f["/BaseFont"]).split("+")[-1] for page in pdf.pages
                   for f in (page["/Resources"].get("/Font") or {{}}).values()}})
"""


def run(code: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(SRC), "PATH": "", **(env_extra or {})}
    return subprocess.run([sys.executable, "-c", BUILD.format(tests=str(Path(__file__).parent)) + code],
                          capture_output=True, text=True, env=env)


def test_the_fallback_font_is_read_only_for_a_character_dejavu_lacks():
    out = run("data = handout()\n"
              "print('DroidSansFallback' in pdfmetrics._fonts, embedded(data))\n"
              "data = handout(session_id=7, record=record())\n"  # the patient's name has Chinese characters
              "print('DroidSansFallback' in pdfmetrics._fonts, embedded(data))\n")
    assert out.returncode == 0, out.stderr
    general, personal = out.stdout.splitlines()
    assert general == "False ['DejaVuSans', 'DejaVuSans-Bold']"
    assert personal == "True ['DejaVuSans', 'DejaVuSans-Bold', 'DroidSansFallback']"


def test_a_damaged_fallback_font_is_told_when_a_document_needs_it(tmp_path):
    copy = tmp_path / "resources"
    shutil.copytree(RESOURCES, copy)
    (copy / "fonts" / "DroidSansFallbackFull.ttf.xz").write_bytes(b"not a font")
    out = run("from decisionaid.handout.fonts import FontError\n"
              "print(len(handout()) > 1000)\n"
              "try:\n    handout(session_id=7, record=record())\nexcept FontError as exc:\n    print(exc)\n",
              {"DECISIONAID_RESOURCES": str(copy)})
    assert out.returncode == 0, out.stderr
    made, message = out.stdout.splitlines()
    assert made == "True"
    assert "DroidSansFallbackFull.ttf.xz could not be read" in message and "Reinstall decisionaid" in message


def test_the_handout_does_not_import_the_chart_shapes_only_the_record_draws():
    out = run("data = handout()\n"
              "print('reportlab.graphics.shapes' in sys.modules, len(data) > 1000)\n"
              "from decisionaid.handout.inputs import record_input\n"
              "from decisionaid.handout.clinician_record import build_record\n"
              "data = build_record(record_input(settings(), 7, record(), made_at=MADE, summary=summary(),\n"
              "                                 checklist=checklist()))\n"
              "print('reportlab.graphics.shapes' in sys.modules, len(data) > 1000)\n")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["False True", "True True"]


def test_the_first_handout_and_record_read_only_the_two_gzip_dejavu_faces():
    out = run("import os\n"
              "read = []\n"
              "sys.addaudithook(lambda event, args: read.append(os.path.basename(str(args[0])))\n"
              "                 if event == 'open' and '.ttf' in str(args[0]) else None)\n"
              "from decisionaid.handout.inputs import record_input\n"
              "from decisionaid.handout.clinician_record import build_record\n"
              "data = handout()\n"
              "print(sorted(read), embedded(data))\n"
              "data = build_record(record_input(settings(), 7, record(clinician='Dr A', patient_ref='P-0042'),\n"
              "                                 made_at=MADE, summary=summary(), checklist=checklist()))\n"
              "print(sorted(read), embedded(data))\n")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["['DejaVuSans-Bold.ttf.gz', 'DejaVuSans.ttf.gz'] "
                                       "['DejaVuSans', 'DejaVuSans-Bold']"] * 2


def test_a_paragraph_in_italics_prints_in_the_oblique_face():
    out = run("from decisionaid.handout.common import Paragraph\n"
              "from decisionaid.handout.document import Meta, render\n"
              "from decisionaid.handout.styles import styles\n"
              "st = styles()\n"
              "print('DejaVuSans-Oblique' in pdfmetrics._fonts)\n"
              "data = render([Paragraph('Plain, then <i>in italics</i>, then <b><i>bold</i></b>.', st.body)],\n"
              "              Meta('t', 's', 'a'), MADE)\n"
              "print('DejaVuSans-Oblique' in pdfmetrics._fonts, embedded(data))\n"
              "print(' '.join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split()))\n")
    assert out.returncode == 0, out.stderr
    before, after, text = out.stdout.splitlines()
    assert before == "False"
    assert after == "True ['DejaVuSans', 'DejaVuSans-Bold', 'DejaVuSans-Oblique']"
    assert "Plain, then in italics, then bold." in text


def test_a_damaged_dejavu_font_is_told_plainly(tmp_path):
    copy = tmp_path / "resources"
    shutil.copytree(RESOURCES, copy)
    packed = copy / "fonts" / "DejaVuSans-Bold.ttf.gz"
    packed.write_bytes(packed.read_bytes()[:100_000])  # cut short, as by a broken download
    out = run("from decisionaid.handout.fonts import FontError\n"
              "try:\n    handout()\nexcept FontError as exc:\n    print(exc)\n",
              {"DECISIONAID_RESOURCES": str(copy)})
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.splitlines()) == 1
    assert "DejaVuSans-Bold.ttf.gz could not be read" in out.stdout and "Reinstall decisionaid" in out.stdout


def test_a_handout_does_not_load_the_clinician_record_module():
    out = run("data = handout(session_id=7, record=record())\n"
              "print('decisionaid.handout.clinician_record' in sys.modules, len(data) > 1000)\n"
              "from decisionaid.handout.inputs import record_input\n"
              "data = record_input(settings(), 7, record(), made_at=MADE, summary=summary(), checklist=checklist())\n"
              "print('decisionaid.handout.clinician_record' in sys.modules, type(data).__name__)\n")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["False True", "True RecordInput"]
