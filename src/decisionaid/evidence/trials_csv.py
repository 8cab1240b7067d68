"""Read a CSV of two-arm trials for pooling.

The header is exactly the five columns below, in any order (surrounding spaces and letter
case are ignored; a UTF-8 byte-order mark from Excel is fine). Blank lines are skipped.
Every problem is a `TrialsFileError` whose message is one line naming the file and the row
as a spreadsheet counts it (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat

from decisionaid.evidence.pooling import MAX_COUNT, Study

COLUMNS = ("study", "events_treatment", "total_treatment", "events_control", "total_control")
_HEADER = ",".join(COLUMNS)
_WHOLE = re.compile(r"[+-]?[0-9]+")
MAX_BYTES = 4 * 1024 * 1024  # a table of trials is a few kilobytes; anything near this is the wrong file
_SIGNATURES = ((b"%PDF", "a PDF"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
               (b"PK\x03\x04", "an Excel workbook or other zip file"),
               (b"\xd0\xcf\x11\xe0", "an old Excel or Word file"))


class TrialsFileError(ValueError):
    """The trials file cannot be used; the message is one line naming the file and row."""


def _show(text: str, limit: int = 30) -> str:
    """A cell as it can be quoted in a one-line message: no line breaks, not too long."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "..."


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder, not a CSV file"
    if stat.S_ISFIFO(mode):
        return "is a pipe, not a CSV file; save the table as a file and give its name"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a CSV file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a CSV file"
    return "is not a regular file; give the name of a CSV file"


def _read_text(name: str, path: str | os.PathLike) -> str:
    """The file's text: a regular file (a pipe would wait for ever, a device read for ever), at most MAX_BYTES."""
    try:
        mode = os.stat(path).st_mode  # before opening: opening a pipe for reading waits for a writer
        if not stat.S_ISREG(mode):
            raise TrialsFileError(f"{name}: {_kind(mode)}")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb") as f:
            mode = os.fstat(f.fileno()).st_mode  # the same file it was a moment ago (not swapped for a pipe)
            if not stat.S_ISREG(mode):
                raise TrialsFileError(f"{name}: {_kind(mode)}")
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise TrialsFileError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise TrialsFileError(f"{name}: is a folder, not a CSV file") from None
    except PermissionError:
        raise TrialsFileError(f"{name}: not allowed to read this file") from None
    except OSError as exc:
        raise TrialsFileError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise TrialsFileError(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MB; a table of trials is a few "
                              "kilobytes, so this is probably not the right file")
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            raise TrialsFileError(f"{name}: this is {kind}, not a CSV file; save the table as CSV (comma separated)")
    if b"\x00" in data:
        raise TrialsFileError(f"{name}: not a text file; save the table as CSV (comma separated)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TrialsFileError(f"{name}: not UTF-8 text; save the table as 'CSV UTF-8 (comma delimited)'") from None
    if not text.strip():
        raise TrialsFileError(f"{name}: the file is empty; the first row must be {_HEADER}")
    if text.lstrip()[:1] in ("{", "["):
        raise TrialsFileError(f"{name}: this looks like JSON, not CSV; the first row must be {_HEADER}")
    return text


def _header(name: str, row_no: int, cells: list[str]) -> dict[str, int]:
    names = [c.strip().lower() for c in cells]
    where = f"{name} row {row_no}"
    for n in names:
        if n and names.count(n) > 1:
            raise TrialsFileError(f"{where}: the column '{_show(n)}' appears more than once")
    if len(cells) == 1 and (";" in cells[0] or "\t" in cells[0]):
        raise TrialsFileError(f"{where}: the columns are separated by semicolons or tabs; save the table "
                              "as CSV with commas")
    missing = [c for c in COLUMNS if c not in names]
    extra = [f"'{_show(n)}'" if n else "(unnamed)" for n in names if n not in COLUMNS]
    if missing or extra:
        problems = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + \
                   ([f"unexpected column(s) {', '.join(extra)}"] if extra else [])
        raise TrialsFileError(f"{where}: {'; '.join(problems)}; the header must be {_HEADER}")
    return {c: names.index(c) for c in COLUMNS}


def _count(where: str, column: str, raw: str) -> int:
    value = raw.strip()
    if not value:
        raise TrialsFileError(f"{where}: {column} is empty")
    if not _WHOLE.fullmatch(value):
        raise TrialsFileError(f"{where}: {column} must be a whole number, found '{_show(value)}'")
    if value.startswith("-") and value.strip("-0"):
        raise TrialsFileError(f"{where}: {column} cannot be negative ({_show(value)})")
    digits = value.lstrip("+-").lstrip("0")
    if len(digits) > len(str(MAX_COUNT)) or int(digits or "0") > MAX_COUNT:  # length first: int() of 5,000
        raise TrialsFileError(f"{where}: {column} is {_show(value)}, more than the {MAX_COUNT:,} accepted; "
                              "check the counts")                  # digits is itself an error
    return int(digits or "0")


def _study(where: str, cells: list[str], index: dict[str, int]) -> Study:
    label = cells[index["study"]].strip()
    if not label:
        raise TrialsFileError(f"{where}: the study name is empty")
    if "\n" in label or "\r" in label:
        raise TrialsFileError(f"{where}: the study name runs over more than one line")
    counts = {c: _count(where, c, cells[index[c]]) for c in COLUMNS[1:]}
    for arm in ("treatment", "control"):
        events, total = counts[f"events_{arm}"], counts[f"total_{arm}"]
        if total == 0:
            raise TrialsFileError(f"{where}: total_{arm} is 0; each arm needs at least one patient")
        if events > total:
            raise TrialsFileError(f"{where}: events_{arm} ({events}) is larger than total_{arm} ({total})")
    return Study(label, **counts)


def read_trials_csv(path: str | os.PathLike) -> list[Study]:
    """The trials in `path`, in file order; at least two, with unique names."""
    name = os.fspath(path)
    text = _read_text(name, path)
    index: dict[str, int] | None = None
    studies: list[Study] = []
    first_row: dict[str, int] = {}
    try:
        for row_no, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if not any(c.strip() for c in cells):
                continue
            if index is None:
                index = _header(name, row_no, cells)
                continue
            where = f"{name} row {row_no}"
            if len(cells) != len(COLUMNS):
                raise TrialsFileError(f"{where}: expected {len(COLUMNS)} values, found {len(cells)}")
            study = _study(where, cells, index)
            if study.label in first_row:
                raise TrialsFileError(f"{where}: the study '{study.label}' is already on row {first_row[study.label]}; "
                                      "study names must be unique")
            first_row[study.label] = row_no
            studies.append(study)
    except csv.Error as exc:
        raise TrialsFileError(f"{name}: not a readable CSV file ({exc})") from None
    if len(studies) < 2:
        found = "no trials below the header" if not studies else f"only one study ({studies[0].label})"
        raise TrialsFileError(f"{name}: {found}; at least 2 studies are needed to pool")
    return studies
