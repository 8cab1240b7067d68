"""Read a content file and decode it into its Structs; every problem becomes one sentence: file, field, problem."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable, Collection, Iterator, TypeVar

import msgspec

T = TypeVar("T")


class CheckedFileError(Exception):
    """A checked content file cannot be used. str() is one sentence: what, file, field, problem.

    The evidence pack, the checklist and the wordings each subclass it with their own `what`."""

    what = "File"

    def __init__(self, path: Path | str, field: str, problem: str):
        self.path, self.field, self.problem = Path(path), field, problem
        where = f", field {field}" if field else ""
        super().__init__(f"{self.what} {self.path.name}{where}: {problem}")


def field_name(path: list[Any] | tuple[Any, ...]) -> str:
    """['trials', 0, 'arms'] -> 'trials[0].arms'; the empty path is '(top level)'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def strings(node: Any, where: str = "", skip: Collection[str] = ()) -> Iterator[tuple[str, str]]:
    """(field, text) for every string in a file's plain data, the field named as in a problem's sentence
    ('sections[1].blocks[0].text'); the top-level fields in `skip` (a file's metadata) are left out."""
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, dict):
        for key, value in node.items():
            if not where and key in skip:
                continue
            yield from strings(value, f"{where}.{key}" if where else key)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from strings(value, f"{where}[{i}]")


def load_checked(name: str, path: Path | str | None, default_path: Callable[[], Path],
                 error: type[CheckedFileError], model: type[T]) -> tuple[Path, T]:
    """Read a JSON content file and decode it into `model`; every problem becomes ``error(path, field, problem)``.

    Unreadable, non-UTF-8, malformed and wrongly shaped files get the same words whichever file it is.
    `name` names the file when the resource folder itself is missing. Returns the path read and the model."""
    from decisionaid.resources import ResourceError

    try:
        path = Path(path) if path is not None else default_path()
        raw = path.read_bytes()
    except ResourceError as exc:
        raise error(Path(f"{name}.json"), "", str(exc)) from exc
    except OSError as exc:
        raise error(path, "", f"cannot be read ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(path, "", f"is not UTF-8 text (byte {exc.start})") from exc
    try:
        return path, msgspec.json.decode(text, type=model)
    except msgspec.DecodeError as exc:  # ValidationError is a DecodeError too
        problem = exc
    # A broken file only from here on. The decoder stops at the first problem, which may be a field it does not know
    # before a syntax error further on: the syntax error is the one to report, worded as Python's json module does.
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(path, "", f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(problem, msgspec.ValidationError):
        raise error(path, "", "is not valid JSON")
    raise error(path, *explain(data, model, problem)) from None


# --- turning msgspec's message into (field, problem) -------------------------------------------------------------

_AT = " - at `$"
_PART = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")
_TYPES = {"str": "text", "int": "an integer (a whole number)", "float": "a number", "bool": "true or false",
          "null": "null", "object": "object", "array": "a list"}
_MISSING = object()


def _message_and_path(exc: Exception) -> tuple[str, list[Any]]:
    message, _, where = str(exc).partition(_AT)
    parts: list[Any] = []
    for key, index in _PART.findall(where.rstrip("`")):
        parts.append(key if key else (int(index) if index.isdigit() else ...))
    return message, parts


def _at(data: Any, parts: list[Any]) -> Any:
    for part in parts:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return data


def _resolve_keys(data: Any, parts: list[Any], model: type, message: str) -> list[Any]:
    """msgspec names a dict's key as [...]: find it. The file is decoded again with the dict cut after each key
    in turn; the first cut that fails the same way ends at the key at fault. Only runs for a broken file."""
    original = None
    for i, part in enumerate(parts):
        if part is not ...:
            continue
        parent, key = (_at(data, parts[:i - 1]), parts[i - 1]) if i else (None, None)
        mapping = _at(data, parts[:i])
        if not isinstance(mapping, dict) or parent is None:
            return parts[:i]
        original = original or f"{message}{_AT}{''.join(_show(p) for p in parts)}`"
        found = None
        keys = list(mapping)
        for n, candidate in enumerate(keys, 1):
            parent[key] = {k: mapping[k] for k in keys[:n]}
            try:
                msgspec.json.decode(msgspec.json.encode(data), type=model)
            except msgspec.ValidationError as exc:
                if str(exc) == original:
                    found = candidate
            finally:
                parent[key] = mapping
            if found is not None:
                break
        if found is None:
            return parts[:i]
        parts = parts[:i] + [found] + parts[i + 1:]
        original = None
    return parts


def _show(part: Any) -> str:
    return "[...]" if part is ... else f"[{part}]" if isinstance(part, int) else f".{part}"


def _plain_type(spec: str) -> str:
    return " or ".join(_TYPES.get(t.strip(), t.strip()) for t in spec.split("|"))


def _found(value: Any) -> str:
    if value is _MISSING:
        return ""
    shown = repr(value)
    return f" (found {shown if len(shown) <= 60 else shown[:57] + '...'})"


def explain(data: Any, model: type, exc: msgspec.ValidationError) -> tuple[str, str]:
    """(field, problem in plain words) for a file that is valid JSON (parsed: `data`) but not the shape `model`
    describes."""
    message, parts = _message_and_path(exc)
    if ... in parts:
        parts = _resolve_keys(data, parts, model, message)
    value = _at(data, parts)
    if m := re.fullmatch(r"Object missing required field `(.+)`", message):
        return field_name(parts), f"missing required field {m[1]}"
    if m := re.fullmatch(r"Object contains unknown field `(.+)`", message):
        return field_name(parts), f"has a field {m[1]} that does not belong here" + _found(_at(value, [m[1]]))
    if m := re.fullmatch(r"Expected `(.+?)`, got `(.+)`", message):
        return field_name(parts), f"must be {_plain_type(m[1])}{_found(value)}"
    if m := re.fullmatch(r"Expected `(.+?)` matching regex '(.+)'", message):
        return field_name(parts), f"must match the pattern {m[2]}{_found(value)}"
    if m := re.fullmatch(r"Expected `(str|array|object)` of length ([<>]=?) (\d+)", message):
        unit = {"str": "characters", "array": "items", "object": "entries"}[m[1]]
        need = {">=": "at least", "<=": "at most", ">": "more than", "<": "fewer than"}[m[2]]
        if m[1] == "str" and m[2] == ">=" and m[3] == "1":
            return field_name(parts), f"must not be empty{_found(value)}"
        return field_name(parts), f"must have {need} {m[3]} {unit}{_found(value)}"
    if m := re.fullmatch(r"Expected `(int|float)` ([<>]=?) (\S+)", message):
        need = {">=": "at least", "<=": "at most", ">": "more than", "<": "less than"}[m[2]]
        return field_name(parts), f"must be {need} {m[3]}{_found(value)}"
    if message.startswith("Invalid enum value") or message.startswith("Invalid value"):
        return field_name(parts), f"is not one of the allowed values{_found(value)}"
    if message.startswith("Invalid RFC3339 encoded date"):
        return field_name(parts), f"is not a real date in the form YYYY-MM-DD{_found(value)}"
    if m := re.fullmatch(r"field ([\w.]+): (.*)", message):  # a Struct's own check naming one of its fields
        parts = parts + m[1].split(".")
        return field_name(parts), m[2]
    return field_name(parts), message[:1].lower() + message[1:] + _found(value if not isinstance(value, dict) else
                                                                         _MISSING)
