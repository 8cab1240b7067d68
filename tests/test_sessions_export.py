"""Export: CSV and JSON files that read back to the same sessions, owner-only, never half-written."""

from __future__ import annotations

import csv
import dataclasses
import json
import stat

import pytest

from decisionaid.sessions.errors import NoSuchSession, StoreError
from decisionaid.sessions.export import export_sessions
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore

TRICKY = ['line one\nline two\r\nline three', 'she said "no", then "yes"', "a,b;c", "=HYPERLINK(\"http://x\")",
          "=cmd|' /C calc'!A0", "+1 555", "-2", "@SUM(A1)", "\tindented", "'already quoted", "\x00 and \x07",
          "<b>bold</b> &amp;", "😊 שלום e\u0301", ""]


def rec(i: int, **changes) -> SessionRecord:
    base = SessionRecord(patient_ref=f"MRN-{i}", clinician="Dr Okafor", held_at=f"2026-03-{10 + i:02d}T09:30",
                         phq9_items=(1, 1, 1, 1, 1, 1, 1, 1, i % 2), phq9_total=8 + i % 2,
                         answers={"pregnancy": "no", "suicidal_thoughts": TRICKY[i % len(TRICKY)]},
                         notes=TRICKY[i % len(TRICKY)], decision=["proceed", None][i % 2],
                         follow_up="2026-05-01" if i % 3 else None, status="Candidate with cautions")
    return dataclasses.replace(base, **changes)


@pytest.fixture
def store(tmp_path):
    with SessionStore.open(tmp_path / "sessions.sqlite3") as s:
        for i in range(len(TRICKY)):
            sid = s.create(rec(i), "Dr Okafor")
            if i == 3:
                s.save(sid, rec(i, answers={"sure_1": "yes"}), "Dr Okafor")
        s.create(rec(20, patient_ref="=draft"), "Dr Okafor", kind="autosave")
        yield s


def unquote(cell: str) -> str:
    """What the export docstring promises: one leading ' was added to such cells."""
    return cell[1:] if cell.startswith("'") else cell


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_csv_reads_back_to_the_same_sessions(store, tmp_path):
    out = tmp_path / "export.csv"
    assert export_sessions(store, None, "csv", out) == len(TRICKY) + 1
    rows = read_csv(out)
    assert list(rows[0]) == ["session_id", "patient_ref", "held_at", "clinician", "decision", "status", "follow_up",
                             "phq9_total", "answer.pregnancy", "answer.suicidal_thoughts", "answer.sure_1", "notes",
                             "saved_revision_id", "revision_count", *(f"phq9_item{n}" for n in range(1, 10)),
                             "phq9_total_computed", "amendment_reasons", "follow_up_visits"]
    assert [int(r["session_id"]) for r in rows] == [s.session_id for s in store.list_page(limit=100)]
    for row in rows:
        view = store.get(int(row["session_id"]))
        r = view.record
        assert unquote(row["patient_ref"]) == r.patient_ref and unquote(row["notes"]) == r.notes
        assert (row["held_at"], row["clinician"], row["status"]) == (r.held_at, r.clinician, r.status)
        assert (row["decision"] or None, row["follow_up"] or None) == (r.decision, r.follow_up)
        assert int(row["phq9_total"]) == r.phq9_total
        assert {k: unquote(row[f"answer.{k}"]) for k in r.answers} == r.answers
        assert row["saved_revision_id"] == str(view.saved_revision_id or "")
        assert int(row["revision_count"]) == view.revision_count


def test_csv_cells_cannot_run_as_formulas(store, tmp_path):
    out = tmp_path / "export.csv"
    export_sessions(store, None, "csv", out)
    cells = [cell for row in read_csv(out) for cell in row.values()]
    assert "'=cmd|' /C calc'!A0" in cells and "'-2" in cells and "'@SUM(A1)" in cells and "'=draft" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t")) for cell in cells)


def test_json_reads_back_to_the_same_records(store, tmp_path):
    out = tmp_path / "export.json"
    export_sessions(store, None, "json", out)
    items = json.loads(out.read_text(encoding="utf-8"))
    assert len(items) == len(TRICKY) + 1
    for item in items:
        view = store.get(item["session_id"])
        assert SessionRecord.from_dict(item["record"]) == view.record
        assert (item["saved_revision_id"], item["revision_count"]) == (view.saved_revision_id, view.revision_count)
    draft = next(i for i in items if i["record"]["patient_ref"] == "=draft")  # JSON text is never altered
    assert draft["saved_revision_id"] is None and draft["revision_count"] == 1


def test_only_the_chosen_sessions_in_the_given_order(store, tmp_path):
    out = tmp_path / "two.json"
    assert export_sessions(store, [3, 1], "json", out) == 2
    assert [item["session_id"] for item in json.loads(out.read_text())] == [3, 1]
    export_sessions(store, [2], "csv", tmp_path / "one.csv")
    assert [r["session_id"] for r in read_csv(tmp_path / "one.csv")] == ["2"]
    assert "answer.sure_1" not in read_csv(tmp_path / "one.csv")[0]


def test_exports_are_owner_only_and_leave_no_temporary_files(store, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    for fmt in ("csv", "json"):
        export_sessions(store, None, fmt, folder / f"all.{fmt}")
        assert stat.S_IMODE((folder / f"all.{fmt}").stat().st_mode) == 0o600
    assert sorted(p.name for p in folder.iterdir()) == ["all.csv", "all.json"]


def test_a_failed_export_leaves_no_file(store, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "keep.csv").write_text("earlier export\n")
    with pytest.raises(NoSuchSession):
        export_sessions(store, [1, 999], "csv", folder / "keep.csv")
    assert [p.name for p in folder.iterdir()] == ["keep.csv"]
    assert (folder / "keep.csv").read_text() == "earlier export\n"
    with pytest.raises(StoreError, match="missing"):
        export_sessions(store, None, "csv", tmp_path / "missing" / "x.csv")
