"""Damaged-payload drill: random revisions of a store of 20 sessions are damaged in several ways quick_check cannot
see (not JSON, not UTF-8, not a record, fields of the wrong type, an author that is not UTF-8), then every command
runs on it: list, search, show (with and without history, text and JSON), export (CSV and JSON, all and chosen),
backup, and the handout and record PDFs. Each command either works or prints one line naming the damaged session
and revision (never the stored bytes, never a traceback); the export writes every good session byte-identical to
what was saved and names each one it left out.

DECISIONAID_DAMAGE_ROUNDS sets how many damaged stores (default 3; CI runs those), DECISIONAID_DAMAGE_SEED the first
seed; DECISIONAID_DAMAGE_PDFS how many sessions per round get both PDFs (default 2):

    DECISIONAID_DAMAGE_ROUNDS=200 python3 dev.py test tests/test_sessions_damage_drill.py -s
"""

from __future__ import annotations

import csv
import json
import os
import random
import time

from decisionaid import paths
from decisionaid.cli import main
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore
from test_sessions_damage import DAMAGE, SECRET, damage  # noqa: E402  tests/ is on the path (see tests/window.py)

ROUNDS = int(os.environ.get("DECISIONAID_DAMAGE_ROUNDS", "3"))
SEED = int(os.environ.get("DECISIONAID_DAMAGE_SEED", "1"))
PDFS = int(os.environ.get("DECISIONAID_DAMAGE_PDFS", "2"))
SESSIONS = 20


def build(db, rng: random.Random) -> tuple[dict[int, list[int]], dict[int, dict], set[int]]:
    """20 sessions with saves, amendments and drafts. Returns each session's revision ids, for each session what
    the export must write (its saved record, or its draft if never saved) as JSON, and the autosaves' ids."""
    revisions: dict[int, list[int]] = {}
    autosaves: set[int] = set()
    with SessionStore.open(db) as store:
        for i in range(SESSIONS):
            base = SessionRecord(patient_ref=f"MRN-{i:03d}", clinician="Dr Okafor",
                                 held_at=f"2026-02-{i + 1:02d}T10:00",
                                 notes=f"{SECRET} visit {i} \u2068name{i}x\u2069", status="Incomplete",
                                 answers={"pregnancy": rng.choice(["no", "unsure"]), f"q{i % 3}": "yes"})
            kind = "autosave" if rng.random() < 0.15 else "save"  # some sessions were never saved
            sid = store.create(base, "Dr Okafor", kind=kind)
            ids = [store.get(sid).latest_revision_id]
            if kind == "autosave":
                autosaves.add(ids[0])
            for n in range(rng.randint(0, 3)):
                changed = SessionRecord(**{**base.__dict__, "notes": base.notes + f" more {n}"})
                if kind == "save" and rng.random() < 0.3:
                    ids.append(store.amend(sid, changed, "Dr Haddad", f"reason {n}"))
                else:
                    ids.append(store.autosave(sid, changed, "Dr Okafor"))
                    autosaves.add(ids[-1])
            revisions[sid] = ids
        expected = {}
        for sid in revisions:
            view = store.get(sid)
            expected[sid] = view.record.to_dict()
    return revisions, expected, autosaves


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def check_failure(err: str, command: str, sid: int, damaged: set[int]) -> None:
    assert err.count("\n") == 1 and "Traceback" not in err and SECRET not in err, err
    prefix = f"decisionaid {command}: Session {sid} revision "
    assert err.startswith(prefix), err
    assert int(err[len(prefix):].split()[0]) in damaged, err


def drill(capsys, tmp_path, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    folder = tmp_path / f"round-{seed}"
    db = folder / paths.DATABASE_NAME
    revisions, expected, autosaves = build(db, rng)
    every = [rid for ids in revisions.values() for rid in ids]
    chosen = rng.sample(every, rng.randint(1, 6))
    kinds = {rid: rng.choice([*DAMAGE, "author"]) for rid in chosen}
    for rid, kind in kinds.items():
        if kind == "author":
            damage(db, rid, SECRET.encode() + b"\xff\xfe", column="author")
        else:
            damage(db, rid, DAMAGE[kind])
    bad_payload = {rid for rid, kind in kinds.items() if kind != "author"}
    paths.set_data_dir(folder)
    commands = 0
    with SessionStore.open(db) as store:
        pointers = {sid: store._pointers(sid) for sid in revisions}  # (saved, draft, latest)

    def show_reads(sid):  # the revisions `show` reads: the draft and the saved one
        saved, draft, _latest = pointers[sid]
        return {r for r in (saved, draft) if r is not None}

    code, out, err = run(capsys, "--data-dir", str(folder), "sessions", "list", "--json")
    assert code == 0 and len(json.loads(out)) == SESSIONS and "Traceback" not in err
    code, out, err = run(capsys, "--data-dir", str(folder), "sessions", "list")
    assert code == 0 and f"{SESSIONS} of {SESSIONS} sessions" in err
    commands += 2
    for sid, ids in revisions.items():
        latest_ok = pointers[sid][2] not in bad_payload
        code, out, err = run(capsys, "--data-dir", str(folder), "sessions", "search", f"MRN-{sid - 1:03d}", "--json")
        assert code == 0 and "Traceback" not in err
        # Found by its identifier, unless its latest revision is damaged and was never indexed (still listed).
        assert not latest_ok or sid in [r["session_id"] for r in json.loads(out)]
        code, out, err = run(capsys, "--data-dir", str(folder), "sessions", "search", f"name{sid - 1}x", "--json")
        assert code == 0 and (not latest_ok or [r["session_id"] for r in json.loads(out)] == [sid])
        bad = show_reads(sid) & bad_payload
        for extra in ([], ["--json"]):
            code, out, err = run(capsys, "--data-dir", str(folder), "sessions", "show", str(sid), *extra)
            if bad:
                assert code == 2 and out == ""
                check_failure(err, "sessions", sid, bad)
            else:
                assert code == 0 and err == ""
                if extra:
                    assert json.loads(out)["record"] == expected[sid]
        bad_history = set(ids) & set(kinds)
        code, out, err = run(capsys, "--data-dir", str(folder), "sessions", "show", str(sid), "--history")
        if bad_history:
            assert code == 2 and out == ""
            check_failure(err, "sessions", sid, bad_history)
        else:
            assert code == 0 and err == ""
        commands += 5
    exported_revision = {sid: pointers[sid][0] or pointers[sid][2] for sid in revisions}
    left_out = {sid for sid, rid in exported_revision.items() if rid in bad_payload}
    for fmt in ("csv", "json"):
        target = folder / f"all.{fmt}"
        code, out, err = run(capsys, "--data-dir", str(folder), "sessions", "export", "--format", fmt,
                             "--out", str(target))
        assert code == (3 if left_out else 0)
        assert out == f"Exported {SESSIONS - len(left_out)} sessions to {target}\n"
        named = [int(line.split("Session ")[1].split()[0]) for line in err.splitlines()]
        assert sorted(named) == sorted(left_out) and len(named) == len(set(named))
        assert "Traceback" not in err and SECRET not in err
        if fmt == "json":
            items = json.loads(target.read_text(encoding="utf-8"))
            assert {i["session_id"]: i["record"] for i in items} == {s: expected[s] for s in revisions
                                                                       if s not in left_out}
        else:
            with open(target, encoding="utf-8-sig", newline="") as f:
                got = {int(r["session_id"]): r for r in csv.DictReader(f)}
            assert set(got) == set(revisions) - left_out
            assert all(got[s]["notes"] == expected[s]["notes"] for s in got)
        commands += 1
    some = rng.sample(sorted(revisions), 5)
    code, out, err = run(capsys, "--data-dir", str(folder), "sessions", "export", "--format", "json",
                         "--out", str(folder / "some.json"), *[a for s in some for a in ("--id", str(s))])
    assert code == (3 if left_out & set(some) else 0)
    assert [i["session_id"] for i in json.loads((folder / "some.json").read_text())] == [
        s for s in some if s not in left_out]
    code, out, err = run(capsys, "--data-dir", str(folder), "sessions", "backup", "--out", str(folder / "copy.sqlite3"))
    assert code == 0 and err == ""
    commands += 2
    damaged_sessions = sorted(s for s in revisions if show_reads(s) & bad_payload)
    good_sessions = sorted(s for s in revisions if not show_reads(s) & bad_payload)
    for sid in rng.sample(damaged_sessions, min(PDFS // 2 or 1, len(damaged_sessions))) + \
            rng.sample(good_sessions, min(PDFS - PDFS // 2, len(good_sessions))):
        for command in ("handout", "record"):
            target = folder / f"{command}-{sid}.pdf"
            code, out, err = run(capsys, "--data-dir", str(folder), command, "--session", str(sid), "--out",
                                 str(target))
            # Both read the session and its history without autosaves (the record prints it).
            bad = (show_reads(sid) & bad_payload) | {r for r in revisions[sid] if r in kinds and r not in autosaves}
            if bad:
                assert code == 2 and not target.exists()
                check_failure(err, command, sid, bad)
            else:
                assert code == 0 and target.exists(), err
            commands += 1
    return {"damaged revisions": len(chosen), "sessions left out of the export": len(left_out),
            "commands": commands}


def test_damaged_payload_drill(capsys, tmp_path):
    started, totals = time.monotonic(), {}
    try:
        for seed in range(SEED, SEED + ROUNDS):
            for name, n in drill(capsys, tmp_path, seed).items():
                totals[name] = totals.get(name, 0) + n
    finally:
        paths.set_data_dir(None)
    with capsys.disabled():
        print(f"\ndamaged-payload drill: {ROUNDS} stores of {SESSIONS} sessions, "
              + ", ".join(f"{n} {name}" for name, n in totals.items())
              + f", 0 failures, {time.monotonic() - started:.0f} s")
