"""`decisionaid --self-test`: every step passes on a good installation, and a damaged one is named, not hidden."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("content", "pooling", "store", "handout", "window")


def _self_test(tmp_path, **env):
    data = tmp_path / "my-real-data"
    full_env = {**os.environ, "DECISIONAID_DATA_DIR": str(data), **env}
    full_env.pop("QT_QPA_PLATFORM", None)  # the self-test must choose the offscreen platform itself
    result = subprocess.run([sys.executable, "-m", "decisionaid", "--self-test"], capture_output=True, text=True,
                            env=full_env, timeout=180)
    return result, data


def test_self_test_passes_every_step_and_leaves_the_clinicians_data_alone(tmp_path):
    result, data = _self_test(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for step in STEPS:
        assert any(line.startswith(f"ok   {step} ") for line in lines), (step, result.stdout)
    assert "response RR 4.16 [2.12, 8.17] from 3 trials" in result.stdout  # the pool, computed, not typed in
    assert lines[-1] == "self-test passed"
    assert not data.exists()  # the store step used a temporary folder


@pytest.fixture
def damaged_resources(tmp_path):
    copy = tmp_path / "resources"
    shutil.copytree(ROOT / "resources", copy)
    return copy


def test_a_damaged_checklist_fails_the_content_step_and_the_rest_still_runs(tmp_path, damaged_resources):
    path = damaged_resources / "checklist" / "checklist.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["sections"]
    path.write_text(json.dumps(data), encoding="utf-8")
    result, _ = _self_test(tmp_path, DECISIONAID_RESOURCES=str(damaged_resources))
    assert result.returncode == 1
    assert "FAIL content: ChecklistError:" in result.stdout and "sections" in result.stdout
    assert "ok   pooling" in result.stdout  # one failure does not hide the other steps' results
    assert result.stdout.splitlines()[-1].startswith("self-test FAILED")


def test_a_missing_font_fails_the_handout_step(tmp_path, damaged_resources):
    (damaged_resources / "fonts" / "DejaVuSans-Bold.ttf.gz").unlink()
    result, _ = _self_test(tmp_path, DECISIONAID_RESOURCES=str(damaged_resources))
    assert result.returncode == 1
    assert "FAIL handout:" in result.stdout and "DejaVuSans-Bold.ttf.gz" in result.stdout
