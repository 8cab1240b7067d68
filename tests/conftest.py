"""Shared test set-up. Qt must run headless, so the platform is chosen before any Qt import."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import pytest  # noqa: E402  (after the platform is chosen)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh data folder for this test, chosen as a clinician would (DECISIONAID_DATA_DIR); not created yet.
    Modules that need more (shorter retries, a cheaper key derivation) extend it under the same name."""
    from decisionaid import paths

    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path / "data"))
    paths.set_data_dir(None)
    return tmp_path / "data"
