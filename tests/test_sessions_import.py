"""`decisionaid sessions import FILE.json`: an export read back into another store gives the same content when
exported again; sessions already there are left out and named; a malformed file changes nothing and is named."""

from __future__ import annotations

import json

import pytest

from decisionaid import paths
from decisionaid.cli import main
from decisionaid.sessions.export import export_sessions
from decisionaid.sessions.importing import import_sessions
from decisionaid.sessions.session_record import RecordError, SessionRecord
from decisionaid.sessions.store import SessionStore
from decisionaid.sessions.visits import VisitRecord


def content(path):
    """An export without the ids the new store gives (session and revision ids)."""
    items = json.loads(path.read_text(encoding="utf-8"))
    for item in items:
        del item["session_id"], item["saved_revision_id"]
    return items


@pytest.fixture
def source(tmp_path):
    with SessionStore.open(tmp_path / "a" / "sessions.sqlite3") as s:
        one = s.create(SessionRecord("MRN-1", "Dr \u0141ukasz", "2026-01-05T09:00", phq9_items=(2,) * 9,
                                     notes="=SUM(A1)\r\nline \u2068two\u2069"), "Dr \u0141ukasz")
        s.amend(one, SessionRecord("MRN-1", "Dr \u0141ukasz", "2026-01-05T09:00", phq9_items=(2,) * 8 + (0,),
                                   decision="proceed", follow_up="2026-02-16"), "Dr B", "Item 9 misread")
        s.autosave(one, SessionRecord("MRN-1", "Dr \u0141ukasz", "2026-01-05T09:00", notes="typing"), "Dr B")
        s.add_visit(one, VisitRecord("2026-02-16", phq9_total=9, side_effects=("headache",), botox_given=True),
                    "Dr B")
        s.add_visit(one, VisitRecord("2026-03-30", phq9_items=(0,) * 8 + (1,)), "Dr B")
        s.amend_visit(one, 1, VisitRecord("2026-02-16", phq9_total=8), "Dr B", "Mistyped")
        s.create(SessionRecord("", "Dr C", "2026-01-06T10:00", notes="never saved"), "Dr C", kind="autosave")
        yield s


def test_export_import_export_gives_the_same_content(source, tmp_path):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert export_sessions(source, None, "json", first) == 2
    with SessionStore.open(tmp_path / "b" / "sessions.sqlite3") as target:
        target.create(SessionRecord("MRN-9", "Dr Z", "2025-12-01T08:00"), "Dr Z")  # already there, not exported
        result = import_sessions(target, first)
        assert len(result.created) == 2 and result.duplicates == []
        new_one = dict(result.created)[1]
        assert [v.visit.phq9_total for v in target.visits(new_one)] == [8, None]
        assert target.visit_history(new_one, 1)[1].reason == "Mistyped"
        assert target.get(new_one).draft.notes == "typing"  # the draft stays a draft
        assert [h.kind for h in target.history(new_one, include_autosaves=True)] == ["autosave", "amend", "save"]
        export_sessions(target, [new for _old, new in result.created], "json", second)
    assert content(second) == content(first)
    (item,) = [i for i in content(first) if i["record"]["patient_ref"] == "MRN-1"]
    assert item["phq9_total_computed"] == 16 and item["revisions"][1]["reason"] == "Item 9 misread"


def test_sessions_already_in_the_store_are_left_out_and_named(source, tmp_path, capsys):
    out = tmp_path / "e.json"
    export_sessions(source, None, "json", out)
    folder = tmp_path / "c"
    assert main(["--data-dir", str(folder), "sessions", "import", str(out)]) == 0
    assert "Imported 2 sessions" in capsys.readouterr().out
    code = main(["--data-dir", str(folder), "sessions", "import", str(out)])
    captured = capsys.readouterr()
    assert code == 3 and "Imported 0 sessions" in captured.out
    assert "session 1 of e.json is already in this sessions file: left out." in captured.err
    with SessionStore.open(folder / paths.DATABASE_NAME) as store:
        assert store.count() == 2
    paths.set_data_dir(None)


@pytest.mark.parametrize("change, message", [
    (lambda items: items[1]["revisions"][0]["record"].update(held_at="2026-13-01T00:00"),
     "record 2 (session 1): revision 1: Consultation date and time"),
    (lambda items: items[1]["revisions"][1].update(reason=None), "record 2 (session 1): revision 2 is an amendment "
                                                                 "without its reason"),
    (lambda items: items[1]["visits"][0]["revisions"][0]["visit"].update(phq9_total=40),
     "record 2 (session 1): follow-up visit 1 revision 1: PHQ-9 total is 40"),
    (lambda items: items[0].pop("revisions"), "record 1 (session 2): has no revisions"),
    (lambda items: items.append("x"), "record 3: not a session"),
])
def test_a_malformed_file_is_refused_naming_the_record_and_nothing_is_written(source, tmp_path, change, message,
                                                                             capsys):
    out = tmp_path / "e.json"
    export_sessions(source, None, "json", out)
    items = json.loads(out.read_text(encoding="utf-8"))
    change(items)
    out.write_text(json.dumps(items), encoding="utf-8")
    folder = tmp_path / "d"
    code = main(["--data-dir", str(folder), "sessions", "import", str(out)])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == "" and len(captured.err.splitlines()) == 1
    assert message in captured.err and "Nothing imported." in captured.err and "Traceback" not in captured.err
    with SessionStore.open(folder / paths.DATABASE_NAME) as store:
        assert store.count() == 0
    paths.set_data_dir(None)


def test_a_file_that_is_not_an_export_is_refused_in_one_line(tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text("{", encoding="utf-8")
    with SessionStore.open(tmp_path / "s.sqlite3") as store, pytest.raises(RecordError, match="not valid JSON"):
        import_sessions(store, bad)


def test_csv_and_json_carry_every_item_the_computed_total_reasons_and_visits(source, tmp_path):
    import csv

    out_csv, out_json = tmp_path / "e.csv", tmp_path / "e.json"
    export_sessions(source, None, "csv", out_csv)
    export_sessions(source, None, "json", out_json)
    with open(out_csv, encoding="utf-8-sig", newline="") as f:
        (row,) = [r for r in csv.DictReader(f) if r["patient_ref"] == "MRN-1"]
    assert [row[f"phq9_item{n}"] for n in range(1, 10)] == ["2"] * 8 + ["0"]
    assert row["phq9_total"] == "" and row["phq9_total_computed"] == "16"  # only items were entered
    assert row["amendment_reasons"] == "Item 9 misread"
    assert row["follow_up_visits"] == "2026-02-16: PHQ-9 8; 2026-03-30: PHQ-9 1"
    (item,) = [i for i in json.loads(out_json.read_text(encoding="utf-8"))
               if i["record"]["patient_ref"] == "MRN-1"]
    assert item["record"]["phq9_total"] is None and item["phq9_total_computed"] == 16
    assert [(v["visit"], v["phq9_total_computed"], len(v["revisions"])) for v in item["visits"]] == [(1, 8, 2),
                                                                                                    (2, 1, 1)]
    assert item["visits"][0]["revisions"][1]["reason"] == "Mistyped"
