"""`decisionaid sessions followup add|amend`, `sessions show` with visits and outcomes, `sessions list --due /
--overdue`: what a user at the terminal sees, on a real sessions file."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from decisionaid import paths
from decisionaid.cli import main
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "data"
    today = dt.date.today()
    with SessionStore.open(folder / paths.DATABASE_NAME) as store:
        for ref, held, follow_up in [("MRN-1", "2026-01-05T09:00", today + dt.timedelta(days=3)),
                                     ("MRN-2", "2026-01-06T09:00", today - dt.timedelta(days=3)),
                                     ("MRN-3", "2026-01-07T09:00", today - dt.timedelta(days=9)),
                                     ("MRN-4", "2026-01-08T09:00", today + dt.timedelta(days=40))]:
            store.create(SessionRecord(ref, "Dr Okafor", held, phq9_total=18, follow_up=follow_up.isoformat()),
                         "Dr Okafor")
    yield folder
    paths.set_data_dir(None)


def run(capsys, data_dir, *argv):
    code = main(["--data-dir", str(data_dir), "sessions", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_patient_through_three_follow_ups(capsys, data_dir):
    code, out, err = run(capsys, data_dir, "followup", "add", "1", "--date", "2026-01-26", "--phq9-total", "14",
                         "--side-effect", "headache", "--botox", "yes", "--botox-date", "2026-01-05")
    assert code == 0 and "Saved follow-up visit 1 of session 1" in out and err == ""
    assert "Change from the first consultation: -4 points, -22.2%" in out and "Response: no" in out
    code, out, _ = run(capsys, data_dir, "followup", "add", "1", "--date", "2026-02-16", "--phq9-items",
                       "1,1,0,1,0,0,1,0,1")
    assert code == 0 and out.splitlines()[1].startswith("PHQ-9 item 9 is above 0: follow the crisis pathway")
    assert "Response: yes" in out and "Remission: no" in out
    code, out, _ = run(capsys, data_dir, "followup", "add", "1", "--date", "2026-03-30", "--phq9-total", "4",
                       "--next-step", "repeat")
    assert "Remission: yes" in out
    code, out, _ = run(capsys, data_dir, "followup", "amend", "1", "1", "--phq9-total", "13", "--reason",
                       "Mistyped")
    assert code == 0 and "Amended follow-up visit 1" in out
    code, out, _ = run(capsys, data_dir, "show", "1")
    assert "follow-up visit 1 on 2026-01-26 (amended, 2 revisions):" in out
    assert "revision 2 (amendment) by clinician" in out and "'Mistyped': PHQ-9 total: 14 \u2192 13" in out
    assert "side effects: Headache" in out and "next step: Repeat the injection" in out
    assert "HAMD, MADRS or BDI" in out and "Med Care 2004" in out
    assert "this patient's sessions" not in out  # one session only
    with SessionStore.open(data_dir / paths.DATABASE_NAME) as store:
        later = store.create(SessionRecord("MRN-1", "Dr Okafor", "2026-06-01T09:00"), "Dr Okafor")
    code, out, _ = run(capsys, data_dir, "show", str(later))
    assert "this patient's sessions (oldest first):" in out
    assert "session 1, 2026-01-05 09:00: first consultation, decision not decided, 3 follow-up visit(s)" in out
    assert f"session {later}, 2026-06-01 09:00: later consultation (this one)" in out
    code, out, _ = run(capsys, data_dir, "show", "1", "--json")
    shown = json.loads(out)
    assert [v["phq9_total_computed"] for v in shown["visits"]] == [13, 5, 4]
    assert shown["visits"][1]["phq9_items"] == [1, 1, 0, 1, 0, 0, 1, 0, 1]
    assert [r["kind"] for r in shown["visits"][0]["revisions"]] == ["saved", "amendment"]
    assert [(o["response"], o["remission"], o["crisis_pathway"]) for o in shown["outcomes"]] == [
        (False, False, False), (True, False, True), (True, True, False)]


def test_due_and_overdue_follow_ups_are_found(capsys, data_dir):
    code, out, _ = run(capsys, data_dir, "list", "--due", "--json")
    assert code == 0 and [r["patient_ref"] for r in json.loads(out)] == ["MRN-1"]
    code, out, _ = run(capsys, data_dir, "list", "--overdue", "--json")
    assert [r["patient_ref"] for r in json.loads(out)] == ["MRN-3", "MRN-2"]
    # a visit from a week before the follow-up date on counts as that follow-up; an earlier one does not
    three = (dt.date.today() - dt.timedelta(days=9))
    run(capsys, data_dir, "followup", "add", "3", "--date", (three - dt.timedelta(days=8)).isoformat(),
        "--phq9-total", "9")
    assert [r["patient_ref"] for r in json.loads(run(capsys, data_dir, "list", "--overdue", "--json")[1])] == [
        "MRN-3", "MRN-2"]
    run(capsys, data_dir, "followup", "add", "3", "--date", (three - dt.timedelta(days=7)).isoformat(),
        "--phq9-total", "9")
    assert [r["patient_ref"] for r in json.loads(run(capsys, data_dir, "list", "--overdue", "--json")[1])] == [
        "MRN-2"]


@pytest.mark.parametrize("argv, message", [
    (["followup", "add", "9", "--date", "2026-02-01", "--phq9-total", "3"], "There is no session 9"),
    (["followup", "add", "1", "--date", "2026-02-01", "--phq9-total", "30"], "PHQ-9 total is 30"),
    (["followup", "add", "1", "--date", "2026-02-01", "--phq9-items", "1,1,1"], "exactly 9 item scores"),
    (["followup", "add", "1", "--date", "2026-02-01", "--phq9-total", "3", "--side-effect", "rash"],
     "Side effect 'rash' is not one of"),
    (["followup", "amend", "1", "4", "--phq9-total", "3", "--reason", "x"], "follow-up visit 4 of session 1"),
])
def test_bad_input_gets_one_line_and_writes_nothing(capsys, data_dir, argv, message):
    code, out, err = run(capsys, data_dir, *argv)
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and message in err
    assert "Traceback" not in err
    with SessionStore.open(data_dir / paths.DATABASE_NAME) as store:
        assert store.visits(1) == []
