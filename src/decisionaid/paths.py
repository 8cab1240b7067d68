"""Where the clinician's data lives: the user data directory, overridable for tests and portable use.

Order: ``set_data_dir()`` (the CLI's ``--data-dir``), then the ``DECISIONAID_DATA_DIR`` environment variable,
then the platform's user data directory (platformdirs). Folders are created owner-only (0700).

The log folder: ``DECISIONAID_LOG_DIR``; else ``logs`` inside a data folder chosen by ``set_data_dir()`` or
``DECISIONAID_DATA_DIR`` (portable use and tests keep everything together); else the platform's user log folder.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "DECISIONAID_DATA_DIR"
LOG_ENV_VAR = "DECISIONAID_LOG_DIR"
DATABASE_NAME = "sessions.sqlite3"
_override: Path | None = None


def set_data_dir(path: str | os.PathLike | None) -> None:
    """Use `path` for this process (``--data-dir``); None goes back to the environment or platform default."""
    global _override
    _override = Path(path).expanduser() if path else None


def _private_dir(path: Path) -> Path:
    from decisionaid.files import owner_only

    with owner_only():  # folders made on the way (e.g. ~/.local/state/decisionaid) too, whatever the umask
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o700)
    except OSError:
        pass  # a folder we do not own (e.g. a read-only share): storage reports the real problem on write
    return path


def chosen_data_dir() -> Path:
    """The data folder in use, without creating it (the output guard asks what to protect)."""
    if _override is not None:
        return _override
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("decisionaid", appauthor=False))


def data_dir() -> Path:
    return _private_dir(chosen_data_dir())


def database_path() -> Path:
    return data_dir() / DATABASE_NAME


def backup_dir() -> Path:
    return _private_dir(data_dir() / "backups")


def settings_path() -> Path:
    return data_dir() / "settings.json"


def chosen_log_dir() -> Path:
    """The log folder in use, without creating it."""
    if os.environ.get(LOG_ENV_VAR):
        return Path(os.environ[LOG_ENV_VAR]).expanduser()
    if _override is not None or os.environ.get(ENV_VAR):
        return chosen_data_dir() / "logs"
    from platformdirs import user_log_dir

    return Path(user_log_dir("decisionaid", appauthor=False))


def log_dir() -> Path:
    return _private_dir(chosen_log_dir())
