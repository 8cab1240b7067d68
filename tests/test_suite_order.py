"""The suite hands its longest files to the workers first (conftest.py), so both finish together."""

from pathlib import Path
from types import SimpleNamespace

import conftest

TESTS = Path(__file__).resolve().parent


def test_every_file_named_longest_first_exists_once():
    assert len(set(conftest.LONGEST_FIRST)) == len(conftest.LONGEST_FIRST)
    assert [n for n in conftest.LONGEST_FIRST if not (TESTS / n).is_file()] == []


def test_the_longest_files_come_first_then_the_files_with_most_tests_and_each_file_keeps_its_order():
    def item(name, test):
        return SimpleNamespace(path=TESTS / name, name=test)

    items = [item("test_a.py", "a1"), item("test_sessions_crash.py", "crash"), item("test_b.py", "b1"),
             item("test_b.py", "b2"), item("test_ui_consultation.py", "c1"), item("test_bundle.py", "bundle"),
             item("test_ui_consultation.py", "c2")]
    conftest.pytest_collection_modifyitems(items)
    assert [i.name for i in items] == ["bundle", "c1", "c2", "crash", "b1", "b2", "a1"]


def test_xdist_is_told_to_keep_that_order(pytestconfig):
    assert getattr(pytestconfig.option, "loadscopereorder", False) is False
