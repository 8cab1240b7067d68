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


# The files that take longest (over 6 s each on the 2-core CI machine, December 2026), longest first; the bundle build
# takes about a minute when PyInstaller's cache is cold. xdist hands whole files to its workers (--dist loadfile) in the
# order collected, so these start at once and the short files fill in at the end: both workers finish together.
# A name missing here only costs time; `--durations=0` summed by file shows what belongs here.
LONGEST_FIRST = (
    "test_bundle.py",
    "test_ui_consultation.py",
    "test_encryption_drill.py",
    "test_drill_hostile_input.py",
    "test_ui_patient_view.py",
    "test_ui_reads.py",
    "test_sessions_crash.py",
    "test_ui_screens.py",
    "test_startup.py",
    "test_single_instance.py",
    "test_handout_glyphs.py",
    "test_ui_printing.py",
    "test_ui_appearance.py",
    "test_no_network.py",
    "test_ui_encryption.py",
    "test_handout_record.py",
    "test_sessions_crypto.py",
    "test_ui_saves.py",
    "test_ui_sessions.py",
)


def pytest_configure(config):
    if hasattr(config.option, "loadscopereorder"):  # xdist would put the files with most tests first instead
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items):
    """Files in LONGEST_FIRST order, then the rest by number of tests, most first (xdist's own order); the tests
    of each file keep their order."""
    per_file: dict[object, int] = {}
    for item in items:
        per_file[item.path] = per_file.get(item.path, 0) + 1

    def rank(item):
        name = item.path.name
        return (LONGEST_FIRST.index(name), 0) if name in LONGEST_FIRST else (len(LONGEST_FIRST), -per_file[item.path])

    items.sort(key=rank)
