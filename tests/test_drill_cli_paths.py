"""CLI path drill: every `--out` aimed at the program's own files, hostile `--data-dir` values and numbers, the
passphrase prompt with nothing to read, and `pool` on special and oversized files (issue 12, items 1 and 8).

Each refusal must be what a clinician can act on: exit 2, one line on stderr (no traceback, no log record), nothing
written, the protected file byte-identical, and the store still listing its sessions afterwards. The `--out` matrix
runs in-process (fast); what only a real process shows (the last-resort log handler writing to stderr, no terminal
for the passphrase, a pipe that would block for ever) runs as a subprocess with a timeout and a memory limit.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from decisionaid import paths
from decisionaid.cli import main
from decisionaid.sessions.session_record import SessionRecord
from decisionaid.sessions.store import SessionStore

SRC = Path(__file__).resolve().parents[1] / "src"
REPO_RESOURCES = Path(__file__).resolve().parents[1] / "resources"
RECORD = SessionRecord(patient_ref="DRILL-1", clinician="Dr Drill", held_at="2026-03-14T09:30",
                       notes="must survive every --out", status="Incomplete")
HEADER = "study,events_treatment,total_treatment,events_control,total_control\n"


def commands(target: str) -> list[list[str]]:
    return [["sessions", "export", "--format", "json", "--out", target],
            ["sessions", "export", "--format", "csv", "--out", target],
            ["sessions", "backup", "--out", target],
            ["handout", "--out", target],
            ["record", "--session", "1", "--out", target],
            ["screenshot", target]]


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = err.strip("\n").splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture
def world(tmp_path, monkeypatch):
    """A data folder with one saved session, a backup, settings, the lock and a log; a copy of the program's
    resources (on the same file system, so they can be hard-linked); a folder for links."""
    data = tmp_path / "data"
    resources = tmp_path / "resources"
    for part in REPO_RESOURCES.iterdir():  # copied (the drill aims at them), except the fonts: only read
        if part.name == "fonts":
            (resources / "fonts").symlink_to(part)
        elif part.is_dir():
            shutil.copytree(part, resources / part.name)
    monkeypatch.setenv("DECISIONAID_RESOURCES", str(resources))
    monkeypatch.delenv(paths.ENV_VAR, raising=False)
    monkeypatch.delenv(paths.LOG_ENV_VAR, raising=False)
    with SessionStore.open(data / paths.DATABASE_NAME) as store:
        store.create(RECORD, "Dr Drill")
        store.automatic_backup()
    (data / "settings.json").write_text("{}\n")
    (data / "decisionaid.lock").write_text("12345\n")
    (data / "logs").mkdir(mode=0o700)
    (data / "logs" / "decisionaid.log").write_text("2026-12-01 INFO decisionaid: started\n")
    (tmp_path / "links").mkdir()
    yield data
    paths.set_data_dir(None)


def protected(data: Path) -> dict[str, Path]:
    backup = next((data / "backups").iterdir())
    return {"sessions file": data / paths.DATABASE_NAME,
            "-wal": data / f"{paths.DATABASE_NAME}-wal",
            "-shm": data / f"{paths.DATABASE_NAME}-shm",
            "-journal": data / f"{paths.DATABASE_NAME}-journal",
            "key check": data / f"{paths.DATABASE_NAME}.keycheck",
            "file set aside as damaged": data / f"{paths.DATABASE_NAME}.damaged-20260101T000000Z",
            "backup": backup,
            "new name in backups": data / "backups" / "mine.sqlite3",
            "lock": data / "decisionaid.lock",
            "settings": data / "settings.json",
            "log": data / "logs" / "decisionaid.log",
            "resource": data.parent / "resources" / "evidence" / "pack.json",
            "data folder": data}


def lists_its_session(capsys, data: Path) -> bool:
    code, out, _err = run(capsys, "--data-dir", str(data), "sessions", "list", "--json")
    return code == 0 and [r["patient_ref"] for r in json.loads(out)] == ["DRILL-1"]


PROTECTED = ["sessions file", "-wal", "-shm", "-journal", "key check", "file set aside as damaged", "backup",
             "new name in backups", "lock", "settings", "log", "resource", "data folder"]


@pytest.mark.parametrize("name", PROTECTED)
def test_every_out_refuses_the_programs_own_files(capsys, world, tmp_path, name):
    target = protected(world)[name]
    # Files that only exist while the program runs (or after a fault) are stood in for by a few bytes; they are
    # removed before the store is opened again (SQLite must not see a stand-in -wal or -journal).
    stand_in = not target.exists() and name not in ("new name in backups",)
    if stand_in:
        target.write_bytes(b"stand-in for " + name.encode())
    links = tmp_path / "links"
    aims = {"itself": target, "symlink": links / f"sym-{target.name}"}
    aims["symlink"].symlink_to(target)
    if target.is_file():
        aims["hard link"] = links / f"hard-{target.name}"
        os.link(target, aims["hard link"])
    before = {p: digest(p) for p in [target, *(world / "backups").iterdir()]}
    names = sorted(p.name for p in world.iterdir())
    outcomes = []
    for how, aim in aims.items():
        for argv in commands(str(aim)):
            code, out, err = run(capsys, "--data-dir", str(world), *argv)
            line = one_line(err)
            outcomes.append((how, argv[0], code))
            assert code == 2 and out == "", (how, argv, code, out, err)
            assert "writing there would destroy it" in line and "Nothing was written" in line
            assert {p: digest(p) for p in before} == before, (how, argv)
            assert sorted(p.name for p in world.iterdir()) == names, (how, argv)
            assert not [p for p in links.iterdir() if p.name.endswith(".tmp")]
    if stand_in:
        target.unlink()
    assert lists_its_session(capsys, world)
    print(f"\nDRILL --out at {name}: {len(outcomes)} commands refused (itself, symlink"
          f"{', hard link' if 'hard link' in aims else ''}), file unchanged, store lists its session")


def test_another_data_dir_does_not_unprotect_the_everyday_store(capsys, world, tmp_path, monkeypatch):
    """Run with --data-dir elsewhere, the store of DECISIONAID_DATA_DIR and of the platform's folder stay guarded."""
    everyday = tmp_path / "xdg" / "decisionaid"
    shutil.copytree(world, everyday)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # platformdirs' user data folder on Linux
    monkeypatch.setenv(paths.ENV_VAR, str(world))
    elsewhere = tmp_path / "elsewhere"
    for store in (world, everyday):
        if sys.platform != "linux" and store == everyday:
            continue
        db = store / paths.DATABASE_NAME
        before = digest(db)
        code, _out, err = run(capsys, "--data-dir", str(elsewhere), "sessions", "export", "--format", "json",
                              "--out", str(db))
        assert code == 2 and "is a file of the saved sessions" in one_line(err)
        assert digest(db) == before


def test_an_ordinary_out_still_works(capsys, world, tmp_path):
    code, out, err = run(capsys, "--data-dir", str(world), "sessions", "export", "--format", "json",
                         "--out", str(tmp_path / "export.json"))
    assert code == 0 and err == "" and json.loads((tmp_path / "export.json").read_text())[0]["session_id"] == 1
    code, out, err = run(capsys, "--data-dir", str(world), "sessions", "backup", "--out", str(tmp_path / "b.sqlite3"))
    assert code == 0 and (tmp_path / "b.sqlite3").is_file()
    # A hard link to some other file of the clinician's is theirs to overwrite.
    (tmp_path / "old.json").write_text("[]")
    os.link(tmp_path / "old.json", tmp_path / "links" / "old.json")
    code, _out, err = run(capsys, "--data-dir", str(world), "sessions", "export", "--format", "json",
                          "--out", str(tmp_path / "old.json"))
    assert code == 0, err


def test_the_programs_code_is_protected_too(world):
    """Checked without writing: a broken guard must not overwrite the code the tests run."""
    from decisionaid import output_guard

    for file in (SRC / "decisionaid" / "cli.py", Path(output_guard.__file__)):
        refused = output_guard.refusal(file)
        assert refused is not None and "one of decisionaid's program files" in str(refused)


def test_the_guard_is_in_the_storage_calls_too(world, tmp_path):
    """The window and later exports call the store directly: the same refusal there, nothing written."""
    from decisionaid.output_guard import ProtectedOutput
    from decisionaid.sessions.export import export_sessions

    db = world / paths.DATABASE_NAME
    (tmp_path / "links" / "db").symlink_to(db)
    before = digest(db)
    with SessionStore.open(db) as store:
        with pytest.raises(ProtectedOutput):
            export_sessions(store, None, "json", tmp_path / "links" / "db")
        with pytest.raises(ProtectedOutput):
            store.backup_to(db)
        with pytest.raises(ProtectedOutput):
            store.backup_to(next((world / "backups").iterdir()))
    assert digest(db) == before


# --- hostile --data-dir values and numbers ----------------------------------------------------------------------

def _make_immutable(folder: Path):
    """Make `folder` unwritable: chmod for a normal user, chattr +i for root. Returns the undo, or None."""
    if os.geteuid() != 0:
        folder.chmod(0o500)
        return lambda: folder.chmod(0o700)
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)], capture_output=True).returncode != 0:
        return None
    return lambda: subprocess.run([chattr, "-i", str(folder)], check=True)


@pytest.mark.parametrize("argv", [["sessions", "list"], ["sessions", "export", "--format", "csv", "--out", "{out}"],
                                  ["record", "--session", "1", "--out", "{out}"], ["handout", "--out", "{out}"]])
def test_hostile_data_dirs_get_one_line(capsys, tmp_path, argv):
    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    holder = tmp_path / "holder"
    (holder / paths.DATABASE_NAME).mkdir(parents=True)
    out = str(tmp_path / "out.file")
    cases = {"a file": (str(afile), "is a file, not a folder"),
             "inside a file": (str(afile / "data"), "part of its path is a file"),
             "sessions file is a folder": (str(holder), "is a folder or a special file, not the sessions file")}
    for case, (folder, said) in cases.items():
        code, stdout, err = run(capsys, "--data-dir", folder, *[a.replace("{out}", out) for a in argv])
        assert code == 2 and stdout == "" and said in one_line(err), (case, err)
        assert not Path(out).exists()
    assert afile.read_text() == "not a folder" and [p.name for p in holder.iterdir()] == [paths.DATABASE_NAME]
    paths.set_data_dir(None)


def test_the_window_with_a_hostile_data_dir_says_so_in_one_line(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    holder = tmp_path / "holder"
    (holder / paths.DATABASE_NAME).mkdir(parents=True)
    for folder, said in ((afile, "is a file, not a folder"), (afile / "x", "part of its path is a file"),
                         (holder, "not the sessions file")):
        done = _cli(["--data-dir", str(folder)], tmp_path, timeout=60, env_extra={"DECISIONAID_QUIT_WHEN_READY": "1"})
        assert done.returncode == 2 and said in one_line(done.stderr), done.stderr


def test_immutable_data_folder_without_backups(capsys, tmp_path):
    data = tmp_path / "data"
    with SessionStore.open(data / paths.DATABASE_NAME) as store:
        store.create(RECORD, "Dr Drill")
    shutil.rmtree(data / "backups", ignore_errors=True)
    before = digest(data / paths.DATABASE_NAME)
    undo = _make_immutable(data)
    if undo is None:
        pytest.skip("cannot make a folder unwritable here")
    try:
        for argv in (["sessions", "list"], ["sessions", "backup", "--out", str(tmp_path / "b.sqlite3")],
                     ["record", "--session", "1", "--out", str(tmp_path / "r.pdf")]):
            code, _out, err = run(capsys, "--data-dir", str(data), *argv)
            line = one_line(err)
            assert code in (0, 2), (argv, err)
            assert code == 0 or "cannot be written" in line or "cannot be made" in line, line
    finally:
        undo()
        paths.set_data_dir(None)
    assert digest(data / paths.DATABASE_NAME) == before


@pytest.mark.parametrize("argv, said", [
    (["sessions", "show", str(2**63)], f"session IDs are whole numbers from 1 to {2**63 - 1}"),
    (["sessions", "show", str(10**30)], "there is no session 1000000000000000000000000000000"),
    (["sessions", "show", "0"], "there is no session 0"),
    (["sessions", "show", "-4"], "there is no session -4"),
    (["sessions", "export", "--format", "json", "--out", "{tmp}/e.json", "--id", "1", "--id", str(2**63)],
     f"there is no session {2**63}"),
    (["record", "--session", str(2**64), "--out", "{tmp}/r.pdf"], f"there is no session {2**64}"),
    (["handout", "--session", str(2**63), "--out", "{tmp}/h.pdf"], f"there is no session {2**63}"),
    (["sessions", "list", "--limit", str(2**63)], "--limit must be a whole number from 1 to"),
    (["sessions", "search", "drill", "--limit", str(2**70)], "--limit must be a whole number from 1 to"),
    (["sessions", "list", "--limit", "0"], "not 0"),
    (["sessions", "list", "--limit", "-1"], "not -1"),
])
def test_out_of_range_numbers_get_one_line(capsys, world, tmp_path, argv, said):
    code, out, err = run(capsys, "--data-dir", str(world), *[a.replace("{tmp}", str(tmp_path)) for a in argv])
    assert code == 2 and out == "" and said.lower() in one_line(err).lower()
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob("*.json"))


def _cli(args: list[str], tmp_path: Path, stdin=subprocess.DEVNULL, timeout: float = 60, env_extra=None, **kw):
    """A real process, without a terminal, at most 1 GB of memory (so a runaway read cannot hurt the machine)."""
    def limit():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    env = {**os.environ, "PYTHONPATH": str(SRC), "QT_QPA_PLATFORM": "offscreen", **(env_extra or {})}
    env.pop(paths.ENV_VAR, None)
    return subprocess.run([sys.executable, "-m", "decisionaid", *args], capture_output=True, text=True, env=env,
                          stdin=stdin, timeout=timeout, start_new_session=True, cwd=tmp_path,
                          preexec_fn=limit if sys.platform != "win32" else None, **kw)


def test_a_refusal_writes_no_log_records_to_stderr(world, tmp_path):
    """Python's last-resort handler prints warnings when no handler is set: the one line must stay one."""
    db = world / paths.DATABASE_NAME
    db.write_bytes(b"this is not SQLite at all" * 100)
    done = _cli(["--data-dir", str(world), "sessions", "list"], tmp_path)
    assert done.returncode == 2 and one_line(done.stderr).startswith("decisionaid sessions: The sessions file is")
    done = _cli(["--data-dir", str(world), "sessions", "show", "99"], tmp_path)
    assert done.returncode == 2 and one_line(done.stderr).startswith("decisionaid sessions:")


def test_passphrase_prompt_with_nothing_to_read(tmp_path):
    from decisionaid.sessions import connection, crypto

    data = tmp_path / "data"
    with SessionStore.open(data / paths.DATABASE_NAME) as store:
        store.create(RECORD, "Dr Drill")
    crypto.enable(data / paths.DATABASE_NAME, data / "backups", "a long passphrase", iterations=2000)
    connection.forget_key(locked=False)  # as in a new process; later tests in this one open plain files
    before = digest(data / paths.DATABASE_NAME)
    cmd = ["--data-dir", str(data), "sessions", "list"]
    for done in (_cli(cmd, tmp_path),  # no terminal, standard input /dev/null
                 _cli(cmd, tmp_path, stdin=None, input=""),  # an empty pipe: Ctrl-D at once
                 _cli(cmd, tmp_path, stdin=None, input="\x04")):  # not a passphrase either: refused as wrong
        assert done.returncode == 2 and done.stdout == "" and "Traceback" not in done.stderr, done.stderr
        prompt, *rest = done.stderr.strip("\n").splitlines()
        assert prompt.startswith("Passphrase for the saved sessions:") and len(rest) == 1, done.stderr
        assert rest[0].startswith(("decisionaid sessions: No passphrase was typed",
                                   "decisionaid sessions: Wrong passphrase")), done.stderr
    assert digest(data / paths.DATABASE_NAME) == before  # nothing changed by the refusals
    done = _cli(cmd, tmp_path, stdin=None, input="a long passphrase\n")  # a pipe with the passphrase still works
    assert done.returncode == 0 and "DRILL-1" in done.stdout, done.stderr


# --- pool on special and oversized files ------------------------------------------------------------------------

def test_pool_refuses_a_fifo_at_once(tmp_path):
    fifo = tmp_path / "trials.csv"
    os.mkfifo(fifo)
    done = _cli(["pool", str(fifo)], tmp_path, timeout=20)  # today's code waited for ever for a writer
    assert done.returncode == 2 and "is a pipe, not a CSV file" in one_line(done.stderr)


def test_pool_refuses_dev_zero_without_reading_it(tmp_path):
    done = _cli(["pool", "/dev/zero"], tmp_path, timeout=20)  # today's code read until memory ran out
    assert done.returncode == 2 and "is a device, not a CSV file" in one_line(done.stderr)


@pytest.mark.parametrize("make, said", [
    (lambda p: p.mkdir(), "is a folder, not a CSV file"),
    (lambda p: p.write_text(HEADER + "A,1,100000000000000000000,2,100000000000000000000\nB,3,40,5,40\n"),
     "total_treatment is 100000000000000000000, more than the 10,000,000 accepted"),
    (lambda p: p.write_text(HEADER + f"A,{10**20},{10**20 + 1},{10**20},{10**20 + 1}\nB,3,40,5,40\n"),
     "row 2: events_treatment is 100000000000000000000, more than the 10,000,000 accepted"),
    (lambda p: p.write_text(HEADER + f"A,1,{'9' * 5000},2,30\nB,3,40,5,40\n"),
     "row 2: total_treatment is 999999999999999999999999999999..., more than the 10,000,000 accepted"),
    (lambda p: p.write_text(HEADER + f"A,1,{'0' * 5000}30,2,30\nB,3,40,5,40\n"), None),  # leading zeros are a number
    (lambda p: p.write_text(HEADER + "A,1,10000001,2,30\nB,3,40,5,40\n"), "more than the 10,000,000 accepted"),
    (lambda p: p.write_text(HEADER + "A,1,10000000,2,10000000\nB,3,40,5,40\n"), None),  # the largest accepted
    (lambda p: p.write_text(HEADER + "A,-0,30,2,30\nB,3,40,5,40\n"), None),
    (lambda p: p.write_text(HEADER + "A,11,10,2,30\nB,3,40,5,40\n"), "events_treatment (11) is larger than"),
    (lambda p: p.write_bytes(HEADER.encode() + b"B,3,40,5,40\n" * 400_000), "larger than 4 MB"),
])
def test_pool_bounds(capsys, tmp_path, make, said):
    trials = tmp_path / "trials.csv"
    make(trials)
    code, out, err = run(capsys, "pool", str(trials))
    if said is None:
        assert code == 0 and err == "" and "Pooled risk ratio" in out
    else:
        assert code == 2 and out == "" and said in one_line(err)


def test_pool_function_refuses_huge_counts_without_dividing_by_zero():
    from decisionaid.evidence.pooling import PoolingError, Study, pool

    studies = [Study("A", 10**20, 10**20 + 1, 10**20, 10**20 + 1), Study("B", 3, 40, 5, 40)]
    with pytest.raises(PoolingError, match="more than the 10,000,000 accepted"):
        pool(studies)


def test_output_guard_loads_without_qt_or_sqlite():
    code = ("import sys, decisionaid.output_guard\n"
            "print(sorted(m for m in ('PySide6', 'sqlite3', 'reportlab') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PATH": ""})
    assert out.stdout.strip() == "[]"
