"""python3 dev.py test: the one command that runs the whole suite, with Python allowed to keep its compiled files."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_dev():
    spec = importlib.util.spec_from_file_location("decisionaid_dev", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_tests_run_with_compiled_files_kept_and_the_rest_of_the_environment_as_given(monkeypatch):
    dev = load_dev()
    runs = []
    monkeypatch.setattr(dev, "ensure_venv", lambda: None)
    monkeypatch.setattr(dev, "_run", lambda cmd, **kw: runs.append((cmd, kw)) or 0)
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("DECISIONAID_DRILL_EXAMPLES", "7")

    assert dev.main(["test", "tests/test_resources.py", "-q"]) == 0

    [(cmd, kw)] = runs
    assert cmd == [dev.PYTHON, "-m", "pytest", "tests/test_resources.py", "-q"] and kw["cwd"] == dev.ROOT
    env = kw["env"]
    assert "PYTHONDONTWRITEBYTECODE" not in env  # pytest keeps the rewritten test files; 4 s of CPU per worker
    assert env["DECISIONAID_DRILL_EXAMPLES"] == "7" and env["PATH"] == dev.os.environ["PATH"]
