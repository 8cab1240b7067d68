"""Checks of a FHIR R4 document Bundle: the official R4 JSON schema (vendored, gzipped, in fixtures/fhir) and the
document rules the schema cannot express."""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

SCHEMA = Path(__file__).parent / "fixtures" / "fhir" / "fhir.schema.json.gz"
_TIME = re.compile(r"T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
MOMENT_KEYS = {"date", "timestamp", "authored", "effectiveDateTime", "creation", "start", "end"}


def schema() -> dict:
    data = json.loads(gzip.decompress(SCHEMA.read_bytes()))
    assert data["id"] == "http://hl7.org/fhir/json-schema/4.0"
    return data


def _one_of(validator, one_of, instance, parent):
    """Draft 6's oneOf, asked first whether exactly one choice holds (each choice stops at its first error). The R4
    schema's resources are a oneOf of 146 types, and jsonschema's own oneOf lists every error of every other type
    for each resource: most of the time of a check. Only when the answer is no does jsonschema's oneOf run, so
    a document is refused exactly when it was, with the same messages (tests/test_fhir_checks.py)."""
    import jsonschema

    if sum(validator.evolve(schema=choice).is_valid(instance) for choice in one_of) == 1:
        return
    yield from jsonschema.Draft6Validator.VALIDATORS["oneOf"](validator, one_of, instance, parent)


@lru_cache(maxsize=1)
def validator():
    import jsonschema

    return jsonschema.validators.extend(jsonschema.Draft6Validator, {"oneOf": _one_of})(schema())


def schema_errors(resource: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator().iter_errors(resource)]


def _walk(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield path + (key,), key, value
            yield from _walk(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, path + (i,))


def document_problems(bundle: dict) -> list[str]:
    """The document rules: Composition first, urn:uuid fullUrls, every reference resolved and every entry reached
    from the Composition, moments with a time zone, identifier and timestamp on the Bundle."""
    problems = []
    entries = bundle.get("entry", [])
    if bundle.get("type") != "document":
        problems.append("Bundle.type is not document")
    ident = bundle.get("identifier", {})
    if ident.get("system") != "urn:ietf:rfc:3986" or not re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", ident.get("value", "")):
        problems.append(f"Bundle.identifier {ident!r}")
    if not _TIME.search(bundle.get("timestamp", "")):
        problems.append("Bundle.timestamp missing or without a time zone")
    if not entries or entries[0]["resource"]["resourceType"] != "Composition":
        problems.append("the first entry is not the Composition")
    urls = [e.get("fullUrl", "") for e in entries]
    if len(set(urls)) != len(urls) or not all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", u) for u in urls):
        problems.append("fullUrls are not unique urn:uuid values")
    refs = {}
    for e in entries:
        for path, key, value in _walk(e["resource"]):
            if key == "reference":
                refs.setdefault(e["fullUrl"], set()).add(value)
                if value not in urls:
                    problems.append(f"unresolved reference {value} at {path}")
            if key == "div":
                try:
                    root = ElementTree.fromstring(value)
                except ElementTree.ParseError as exc:
                    problems.append(f"{path}: the narrative is not well-formed XHTML ({exc})")
                else:
                    if root.tag != "{http://www.w3.org/1999/xhtml}div":
                        problems.append(f"{path}: the narrative is not an XHTML div")
            if key in MOMENT_KEYS and isinstance(value, str) and "T" in value and not _TIME.search(value):
                problems.append(f"{path}: {value} has no time zone")
    reached, todo = set(), [urls[0]] if urls else []
    while todo:
        url = todo.pop()
        if url not in reached:
            reached.add(url)
            todo += list(refs.get(url, ()))
    if set(urls) - reached:
        problems.append(f"{len(set(urls) - reached)} entries not reached from the Composition")
    return problems


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def by_url(bundle: dict) -> dict[str, dict]:
    return {e["fullUrl"]: e["resource"] for e in bundle["entry"]}


def code_of(resource: dict) -> tuple[str, str]:
    coding = resource["code"]["coding"][0]
    return coding["system"], coding["code"]


def assert_valid(bundle: dict) -> None:
    errors = schema_errors(bundle)
    assert errors == [], errors[:5]
    problems = document_problems(bundle)
    assert problems == [], problems[:5]
