"""Only its owner can read it: everything the app writes during a consultation (the sessions file and its -wal/-shm,
automatic and chosen backups, exports, handout and record PDFs, settings, the log) is created 0600, in folders
made 0700, even when the process umask would let everyone read (os.umask(0)).

Checked after every step of the scripted session, so a file that is widened later, or briefly, is caught too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import scripted_session
from decisionaid import log, paths, settings

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


@pytest.fixture
def open_umask():
    old = os.umask(0)
    yield
    os.umask(old)


def modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode) for p in [root, *root.rglob("*")]}


def too_open(found: dict[str, int], root_is_ours: bool = True) -> dict[str, str]:
    """Files not 0600 and folders not 0700 (the chosen-files folder is the clinician's, not ours)."""
    return {name: oct(mode) for name, mode in found.items()
            if mode & 0o077 and (root_is_ours or name != ".")}


def test_everything_written_during_a_session_is_owner_only(qtbot, tmp_path, monkeypatch, open_umask):
    data = tmp_path / "data"
    monkeypatch.setenv(paths.ENV_VAR, str(data))
    paths.set_data_dir(None)
    probe = tmp_path / "probe"
    probe.write_text("x")
    assert stat.S_IMODE(probe.stat().st_mode) == 0o666  # the umask really is open for this test
    chosen = tmp_path / "chosen"
    chosen.mkdir(mode=0o755)  # a folder the clinician picks, readable by others: our files in it are still not
    logged = log.start()
    assert logged is not None
    settings.save(settings.Settings(clinician_name="Dr Test"))
    problems: dict[str, dict[str, str]] = {}

    def step(name: str) -> None:
        bad = too_open(modes(data)) | {f"chosen/{k}": v for k, v in too_open(modes(chosen), False).items()}
        if bad:
            problems[name] = bad

    try:
        written = scripted_session.run(chosen, step)
    finally:
        log.stop()
    assert problems == {}
    seen = modes(data)
    expected_files = ["sessions.sqlite3", "settings.json", "logs/decisionaid.log"]
    for name in expected_files:
        assert seen[name] == 0o600, name
    assert any(name.startswith("backups/") and name.endswith(".sqlite3") for name in seen)  # taken on close
    for folder in (".", "backups", "logs"):
        assert seen[folder] == 0o700, folder
    for path in written.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_the_wal_and_shm_files_are_owner_only_while_the_store_is_open(tmp_path, open_umask):
    from decisionaid.sessions.session_record import SessionRecord
    from decisionaid.sessions.store import SessionStore

    path = tmp_path / "data" / "sessions.sqlite3"
    with SessionStore.open(path) as store:
        store.create(SessionRecord(patient_ref="P-1", clinician="Dr Test", held_at="2026-03-14T09:30",
                                   notes="n", status="Incomplete"), "Dr Test", kind="autosave")
        sidecars = [Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(p.exists() for p in sidecars)
        assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in [path, *sidecars]} == {
            p.name: "0o600" for p in [path, *sidecars]}
    assert oct(stat.S_IMODE(path.parent.stat().st_mode)) == "0o700"


def test_the_log_folder_and_file_are_owner_only_from_the_platform_default(tmp_path, monkeypatch, open_umask):
    """Folders made on the way to the platform log folder (e.g. ~/.local/state/decisionaid) are 0700 too."""
    monkeypatch.delenv(paths.ENV_VAR, raising=False)
    monkeypatch.delenv(paths.LOG_ENV_VAR, raising=False)
    paths.set_data_dir(None)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    where = log.start()
    try:
        import logging

        logging.getLogger("decisionaid.test").warning("an event")
    finally:
        log.stop()
    assert where is not None and where.is_relative_to(tmp_path)
    assert stat.S_IMODE(where.stat().st_mode) == 0o600
    folder = where.parent
    while folder != tmp_path:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
        folder = folder.parent


def test_a_rotated_log_stays_owner_only(tmp_path, monkeypatch, open_umask):
    import logging

    monkeypatch.setattr(log, "MAX_BYTES", 2000)
    where = log.start(tmp_path / "logs")
    try:
        for n in range(200):
            logging.getLogger("decisionaid.test").warning("event number %d", n)
    finally:
        log.stop()
    files = sorted(where.parent.iterdir())
    assert len(files) == 1 + log.KEEP  # rotated, with a small cap
    assert {f.name: stat.S_IMODE(f.stat().st_mode) for f in files} == {f.name: 0o600 for f in files}
    assert sum(f.stat().st_size for f in files) <= (1 + log.KEEP) * 2000 + 200
