"""`decisionaid pool FILE`: what a user at the terminal sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from decisionaid.cli import main

HEADER = "study,events_treatment,total_treatment,events_control,total_control"

# BCG vaccine trials (Colditz et al. 1994; `dat.bcg` in R metafor): study, tpos, tneg, cpos, cneg.
BCG = [("Aronson", 4, 119, 11, 128), ("Ferguson & Simes", 6, 300, 29, 274), ("Rosenthal 1960", 3, 228, 11, 209),
       ("Hart & Sutherland", 62, 13536, 248, 12619), ("Frimodt-Moller", 33, 5036, 47, 5761),
       ("Stein & Aronson", 180, 1361, 372, 1079), ("Vandiviere", 8, 2537, 10, 619),
       ("TPT Madras", 505, 87886, 499, 87892), ("Coetzee & Berjak", 29, 7470, 45, 7232),
       ("Rosenthal 1961", 17, 1699, 65, 1600), ("Comstock 1974", 186, 50448, 141, 27197),
       ("Comstock & Webster", 5, 2493, 3, 2338), ("Comstock 1976", 27, 16886, 29, 17825)]


@pytest.fixture
def bcg_csv(tmp_path) -> Path:
    path = tmp_path / "bcg.csv"
    lines = [HEADER] + [f'"{name}",{tp},{tp + tn},{cp},{cp + cn}' for name, tp, tn, cp, cn in BCG]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def response_csv(tmp_path) -> Path:
    path = tmp_path / "response.csv"
    path.write_text(HEADER + "\nWollmer 2012,9,15,2,15\nFinzi 2014,17,33,6,41\nMagid 2014,6,11,0,19\n",
                    encoding="utf-8")
    return path


def run_json(capsys, *argv) -> dict:
    assert main(["pool", *map(str, argv), "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return json.loads(out)


def test_json_defaults_to_risk_ratio_dersimonian_laird_and_matches_published_bcg(capsys, bcg_csv):
    d = run_json(capsys, bcg_csv)
    assert {"measure", "method", "k", "pooled", "heterogeneity", "studies", "continuity_correction",
            "corrected_studies", "excluded"} <= d.keys()
    assert (d["measure"], d["method"], d["k"]) == ("rr", "dl", 13)
    # Published: wviechtb/metafor tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r,
    # "RE model w/ DL estimator, measure='RR'" (checked against Stata metan).
    assert d["pooled"]["log_estimate"] == pytest.approx(-0.7141, abs=1e-4)
    assert d["pooled"]["estimate"] == pytest.approx(0.4896, abs=1e-4)
    assert (d["pooled"]["ci_low"], d["pooled"]["ci_high"]) == pytest.approx((0.3449, 0.6950), abs=1e-4)
    assert d["pooled"]["z"] == pytest.approx(-3.9952, abs=1e-4)
    assert d["heterogeneity"]["tau2"] == pytest.approx(0.3088, abs=1e-4)
    assert d["heterogeneity"]["i2"] == pytest.approx(92.1173, abs=1e-4)
    assert d["heterogeneity"]["q"] == pytest.approx(152.2330, abs=1e-4)
    assert d["heterogeneity"]["df"] == 12
    assert [s["study"] for s in d["studies"]] == [row[0] for row in BCG]
    assert sum(s["weight"] for s in d["studies"]) == pytest.approx(100.0)
    assert d["continuity_correction"] == 0.5 and d["corrected_studies"] == [] and d["excluded"] == []


def test_measure_and_method_options(capsys, bcg_csv, response_csv):
    d = run_json(capsys, bcg_csv, "--measure", "or", "--method", "fixed")
    assert (d["measure"], d["method"]) == ("or", "fixed")
    assert d["pooled"]["log_estimate"] == pytest.approx(-0.4361, abs=1e-4)  # same source, FE model, OR
    d = run_json(capsys, response_csv, "--measure", "or")
    assert round(d["pooled"]["estimate"], 1) == 8.3  # Parsaik et al. 2016: response OR 8.3
    assert d["corrected_studies"] == ["Magid 2014"]


def test_text_output_is_a_readable_table(capsys, response_csv):
    assert main(["pool", str(response_csv), "--measure", "or"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "odds ratio" in out and "DerSimonian-Laird" in out
    for name in ("Wollmer 2012", "Finzi 2014", "Magid 2014 *", "Pooled"):
        assert name in out
    assert "8.27" in out and "I^2 = 0.0%" in out


@pytest.mark.parametrize("content,fragment", [
    (HEADER + "\nA,12,10,2,15\nB,1,2,1,2\n",
     "trials.csv row 2: events_treatment (12) is larger than total_treatment (10)"),
    (HEADER + "\nA,1,10,2,15\n", "trials.csv: only one study (A); at least 2 studies"),
    ("study,events_treatment\nA,1\n", "trials.csv row 1: missing column(s)"),
    (b"%PDF-1.4\n\xe2\xe3", "trials.csv: this is a PDF"),
    # the file is fine, but one of its two trials has no events in either arm, so nothing can be pooled
    (HEADER + "\nA,0,10,0,10\nB,1,2,1,2\n", "at least 2 studies are needed to pool, found 1 usable"),
])
def test_bad_file_exits_nonzero_with_one_line_on_stderr(capsys, tmp_path, content, fragment):
    path = tmp_path / "trials.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert main(["pool", str(path)]) != 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n")
    assert err.startswith("decisionaid pool: ") and fragment in err
    assert "Traceback" not in err


def test_missing_file_exits_nonzero(capsys, tmp_path):
    assert main(["pool", str(tmp_path / "nowhere.csv")]) != 0
    _, err = capsys.readouterr()
    assert "no such file" in err and err.count("\n") == 1


def test_python_m_decisionaid_reports_a_bad_file_without_traceback(tmp_path):
    bad = tmp_path / "trials.csv"
    bad.write_text(HEADER + "\nA,abc,10,2,15\nB,1,2,1,2\n", encoding="utf-8")
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([sys.executable, "-m", "decisionaid", "pool", str(bad)],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode != 0
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"decisionaid pool: {bad} row 2: events_treatment must be a whole number, found 'abc'"]
