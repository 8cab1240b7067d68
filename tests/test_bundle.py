"""The desktop bundle: PyInstaller builds it from packaging/decisionaid.spec, it passes its own --self-test,
it carries the version, resources, icons and licence texts, and nothing it must not ship (about a minute)."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))
import build  # noqa: E402  packaging/build.py

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the CI bundle is built on Linux")]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    where = tmp_path_factory.mktemp("bundle")
    return build.build(ROOT / "packaging" / "decisionaid.spec", where / "dist", where / "work", "decisionaid")


def _clean_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DECISIONAID_", "PYTHON", "QT_"))}
    return {**env, "HOME": str(tmp_path)}  # never the developer's own data folder


def test_bundle_passes_its_self_test_and_holds_nothing_forbidden(bundle, capsys):
    assert build.check(bundle)
    out = capsys.readouterr().out
    assert "(bundle " in out and "self-test passed" in out
    assert "nothing forbidden inside" in out


def test_bundle_reports_the_pyproject_version(bundle, tmp_path):
    result = subprocess.run([str(bundle / "decisionaid"), "--version"], capture_output=True, text=True,
                            env=_clean_env(tmp_path), timeout=60)
    assert result.stdout.strip() == f"decisionaid {VERSION}"


def test_bundle_carries_resources_icons_and_licence_texts(bundle):
    internal = bundle / "_internal"
    for part in ("resources/evidence/pack.json", "resources/checklist/checklist.json",
                 "resources/handout/handout.json", "resources/fonts/DejaVuSans.ttf.gz",
                 "resources/fonts/LICENSE-DejaVu.txt", "resources/icons/decisionaid-256.png",
                 "resources/about/licences/LGPL-3.0.txt", "resources/about/third-party.json"):
        assert (internal / part).is_file(), part
    licences = [p.name for p in internal.glob("reportlab-*.dist-info/**/*") if p.is_file()]
    assert licences == ["LICENSE"]  # licence texts kept, the rest of the package metadata left out


def test_bundle_headless_command_runs(bundle, tmp_path):
    result = subprocess.run([str(bundle / "decisionaid"), "evidence"], capture_output=True, text=True,
                            env=_clean_env(tmp_path), timeout=60)
    assert result.returncode == 0, result.stderr
    assert "4.16" in result.stdout and "off-label" in result.stdout.lower()
