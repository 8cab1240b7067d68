"""resources/ is found in development, in an installed wheel and in a PyInstaller-style bundle."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from decisionaid import resources

ROOT = Path(__file__).resolve().parents[1]


def test_development_layout_finds_the_source_tree_resources(monkeypatch):
    monkeypatch.delenv(resources.ENV_VAR, raising=False)
    found = resources.resources_dir()
    assert (found / "evidence" / "pack.json").is_file()


def test_bundle_layout_prefers_meipass(tmp_path, monkeypatch):
    monkeypatch.delenv(resources.ENV_VAR, raising=False)
    shutil.copytree(ROOT / "resources", tmp_path / "resources")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resources_dir() == tmp_path / "resources"


def test_missing_resource_file_is_named(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "resources", tmp_path / "res")
    monkeypatch.setenv(resources.ENV_VAR, str(tmp_path / "res"))
    with pytest.raises(resources.ResourceError, match="nothing.json"):
        resources.resource_path("evidence", "nothing.json")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(ROOT)], check=True)
    return next(out.glob("decisionaid-*.whl"))


def test_wheel_ships_resources_inside_the_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("decisionaid/resources/evidence/pack.json", "decisionaid/resources/evidence/pack.schema.json",
                 "decisionaid/cli/__init__.py", "decisionaid/evidence/pooling.py"):
        assert name in names


def test_installed_wheel_finds_its_resources_and_runs_evidence(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True)
    code = ("import decisionaid.resources as r, decisionaid.cli as c; print(r.resources_dir()); "
            "raise SystemExit(c.main(['evidence']))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={"PYTHONPATH": str(target), "PATH": ""})
    assert out.returncode == 0, out.stderr
    first = out.stdout.splitlines()[0]
    assert first == str(target / "decisionaid" / "resources")
    assert "Evidence pack" in out.stdout
