"""The content files' two descriptions agree: the JSON Schemas authors read (resources/*/*.schema.json) and the
msgspec Structs the app decodes with. Every shipped file passes both, and many small breakages of each file
(a field left out, an unknown field added, a value of the wrong type, an empty text or list, a negative number,
a list item given twice)
are refused or accepted by both alike. Edit one description without the other and this fails.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import msgspec
import pytest

from decisionaid.checklist.items import ChecklistFile, load_checklist
from decisionaid.content import CheckedFileError
from decisionaid.evidence.pack import Pack, load_pack
from decisionaid.handout.wording import HandoutFile
from decisionaid.handout.wording import load_wording as load_handout_wording
from decisionaid.patient_view.wording import PatientViewFile
from decisionaid.patient_view.wording import load_wording as load_patient_view_wording

RESOURCES = Path(__file__).resolve().parents[1] / "resources"

FILES = {  # content file -> (its schema, the Struct it decodes into)
    "checklist/checklist.json": ("checklist/checklist.schema.json", ChecklistFile),
    "evidence/pack.json": ("evidence/pack.schema.json", Pack),
    "handout/handout.json": ("handout/handout.schema.json", HandoutFile),
    "patient_view/patient_view.json": ("patient_view/patient_view.schema.json", PatientViewFile),
}

def _schema(name: str):
    """The file's validator, with each `{"$ref": "#/$defs/x"}` replaced by the definition itself (a recursive one
    is left as a reference, and `$defs` stays for the references left): the same verdicts, in half the time, as
    jsonschema resolves a reference anew at every use (about 1,500 checks of the whole pack here)."""
    schema = json.loads((RESOURCES / name).read_text(encoding="utf-8"))
    schema = _inline_definitions(schema, schema.get("$defs", {}))
    return jsonschema.validators.validator_for(schema)(schema)


def _inline_definitions(node, defs, inside=()):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if len(node) == 1 and isinstance(ref, str) and ref.startswith("#/$defs/"):
            key = ref.removeprefix("#/$defs/")
            return node if key in inside else _inline_definitions(defs[key], defs, inside + (key,))
        return {k: v if k == "$defs" else _inline_definitions(v, defs, inside) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_definitions(v, defs, inside) for v in node]
    return node


# Keywords whose verdict on an object or list depends only on its type, its keys or length, and each child's own
# verdict against the one schema that applies to that child: under such a schema, a file broken inside one child
# is valid exactly when that child is valid against its schema (everything else is as in the shipped file, which
# is valid). Any other keyword (uniqueItems, if/then, allOf, enum, ...) looks at more than one child at once.
_LOCAL_KEYWORDS = {"type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
                   "minProperties", "maxProperties", "title", "description", "$comment", "$schema", "$defs"}


def _verdict(validator, broken, path) -> bool:
    """`validator.is_valid(broken)` for a file broken at `path` alone, found by checking only the smallest part of
    it that holds the breakage and whose schema's verdict can change: the whole file when no schema on the way
    down is made only of `_LOCAL_KEYWORDS`. The same verdicts as checking the whole file (a 3 KB trial rather
    than the 77 KB pack, 1,500 times), in a tenth of the time."""
    root = validator.schema
    schema, node = root, broken
    for depth, key in enumerate(path[:-1]):
        while isinstance(schema, dict) and set(schema) == {"$ref"} and schema["$ref"].startswith("#/$defs/"):
            schema = root["$defs"][schema["$ref"].removeprefix("#/$defs/")]
        if not isinstance(schema, dict) or not set(schema) <= _LOCAL_KEYWORDS:
            break
        if isinstance(node, dict) and isinstance(key, str):
            child = schema.get("properties", {}).get(key, schema.get("additionalProperties", True))
        elif isinstance(node, list) and isinstance(key, int) and "items" in schema:
            child = schema["items"]
        else:
            break
        schema, node = child, node[key]
    if schema is root:
        return validator.is_valid(broken)
    return validator.evolve(schema=schema).is_valid(node)


def _struct_accepts(model, data) -> bool:
    try:
        msgspec.json.decode(msgspec.json.encode(data), type=model)
    except msgspec.ValidationError:
        return False
    return True


def _broken(data, path, value):
    """A copy of `data` with the value at `path` replaced (or left out): only the containers on the path are copied."""
    top = copy.copy(data)
    target = top
    for p in path[:-1]:
        target[p] = copy.copy(target[p])
        target = target[p]
    if value is _DROP:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return top


_DROP = object()


def _at_path(data, path):
    for p in path:
        data = data[p]
    return data


def _wrong_type(value):
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, (int, float)):
        return "12"
    if isinstance(value, str):
        return 12345
    if isinstance(value, list):
        return {}
    if isinstance(value, dict):
        return []
    return "x"


def _value_mutations(path, value):
    yield "wrong type", path, _wrong_type(value)
    if isinstance(value, str):
        yield "empty text", path, ""
    elif isinstance(value, list):
        yield "empty list", path, []
    elif isinstance(value, int) and not isinstance(value, bool):
        yield "negative", path, -1


def mutations(node, path=(), seen=None):
    """(description, path, new value) for small breakages of every field. An object with the same fields and
    value types as one already broken (say, the twentieth figure) is not broken again inside, which keeps the
    count under a thousand without losing a kind of field."""
    seen = set() if seen is None else seen
    if isinstance(node, dict):
        signature = tuple(sorted((k, type(v).__name__) for k, v in node.items()))
        if signature in seen:
            return
        seen.add(signature)
        yield "unknown field", path + ("zz_unknown",), "x"
        for key, value in node.items():
            yield "left out", path + (key,), _DROP
            yield from _value_mutations(path + (key,), value)
            yield from mutations(value, path + (key,), seen)
    elif isinstance(node, list) and node:
        yield from _value_mutations(path + (0,), node[0])
        yield "repeated item", path, node + node[:1]
        for i, item in enumerate(node):  # items shaped like one already broken are skipped above
            yield from mutations(item, path + (i,), seen)


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_shipped_file_passes_its_schema_and_its_structs(name):
    schema_name, model = FILES[name]
    data = json.loads((RESOURCES / name).read_text(encoding="utf-8"))
    errors = [e.message for e in _schema(schema_name).iter_errors(data)]
    assert not errors, errors[:3]
    assert _struct_accepts(model, data)


@pytest.mark.parametrize("name", sorted(FILES))
def test_schema_and_structs_refuse_and_accept_the_same_broken_files(name):
    schema_name, model = FILES[name]
    validator = _schema(schema_name)
    data = json.loads((RESOURCES / name).read_text(encoding="utf-8"))
    disagreements, tried = [], 0

    def compare(what, path, value):
        nonlocal tried
        broken = _broken(data, path, value)
        tried += 1
        by_schema, by_structs = _verdict(validator, broken, path), _struct_accepts(model, broken)
        if by_schema != by_structs:
            shown = ".".join(str(p) for p in path)
            disagreements.append(f"{what} at {shown}: schema {'accepts' if by_schema else 'refuses'}, "
                                 f"Structs {'accept' if by_structs else 'refuse'}")
        return by_schema and by_structs

    for what, path, value in mutations(data):
        if compare(what, path, value) and what == "left out" and _at_path(data, path) is not None:
            compare("null", path, None)  # a field that may be left out: may it be null? (only where both say so)
    assert tried > 50
    assert not disagreements, "\n".join(disagreements)


@pytest.mark.parametrize("name, loader, what", [
    ("handout/handout.json", load_handout_wording, "Handout wording"),
    ("patient_view/patient_view.json", load_patient_view_wording, "Patient view wording"),
    ("evidence/pack.json", load_pack, "Evidence pack"),
    ("checklist/checklist.json", load_checklist, "Checklist"),
])
def test_a_review_date_that_is_no_real_day_gets_one_sentence(tmp_path, name, loader, what):
    """2026-02-30 has the right form but is no day: one line naming file and field, never a traceback."""
    data = json.loads((RESOURCES / name).read_text(encoding="utf-8"))
    data["last_reviewed"] = "2026-02-30"
    path = tmp_path / Path(name).name
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CheckedFileError) as info:
        loader(path)
    message = str(info.value)
    assert message.startswith(f"{what} {path.name}, field last_reviewed: ") and "2026-02-30" in message
    assert "\n" not in message


def _last_source(d):
    return list(d["sources"])[-1]


@pytest.mark.parametrize("change, field, words", [
    (lambda d: d["sources"][_last_source(d)].__setitem__("extra", 1), "sources.{last}", "extra"),
    (lambda d: d["practical"].pop("cost"), "practical", "missing required field cost"),
    (lambda d: d["options"]["rows"][0]["botox"].__setitem__("computed", "response"), "options.rows[0].botox",
     "exactly one of"),
    (lambda d: d["trials"][0]["randomized"].__setitem__("value", True), "trials[0].randomized.value", "True"),
    (lambda d: d["caveats"][0].__setitem__("title", ""), "caveats[0].title", "must not be empty"),
    (lambda d: d["update_policy"].__setitem__("review_every_months", 61), "update_policy.review_every_months",
     "at most 60 (found 61)"),
])
def test_a_broken_pack_is_named_in_plain_words(tmp_path, change, field, words):
    data = json.loads((RESOURCES / "evidence/pack.json").read_text(encoding="utf-8"))
    field = field.format(last=_last_source(data))
    change(data)
    path = tmp_path / "pack.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CheckedFileError) as info:
        load_pack(path)
    message = str(info.value)
    assert message.startswith(f"Evidence pack pack.json, field {field}: "), message
    assert words in message
    assert "`" not in message and "$." not in message  # no decoder wording


def test_a_block_of_unknown_kind_is_named_with_its_place(tmp_path):
    data = json.loads((RESOURCES / "handout/handout.json").read_text(encoding="utf-8"))
    data["sections"][1]["blocks"][0]["kind"] = "poem"
    path = tmp_path / "handout.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CheckedFileError, match=r"handout.json, field sections\[1\]\.blocks\[0\]\.kind: .*'poem'"):
        load_handout_wording(path)


def test_a_syntax_error_after_an_unknown_field_is_reported_as_invalid_json(tmp_path):
    """The decoder meets the unknown field first; the file's real problem is that it is not JSON at all."""
    path = tmp_path / "checklist.json"
    path.write_text('{"items": [ not json', encoding="utf-8")
    with pytest.raises(CheckedFileError) as info:
        load_checklist(path)
    assert str(info.value) == "Checklist checklist.json: is not valid JSON: Expecting value at line 1, column 13"


def test_the_patient_views_yes_and_no_are_the_checklists_not_the_wordings(tmp_path):
    """The SURE test's Yes and No on the Patient view are the checklist's answer labels (the same words as the
    clinician's form and the handout); the wording file has no words of its own for them, and an author who adds
    them is told so by both descriptions."""
    data = json.loads((RESOURCES / "patient_view/patient_view.json").read_text(encoding="utf-8"))
    assert not {"yes", "no"} & set(data["decision"])
    data["decision"]["yes"] = "Yes"
    assert not _schema("patient_view/patient_view.schema.json").is_valid(data)
    path = tmp_path / "patient_view.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CheckedFileError) as info:
        load_patient_view_wording(path)
    assert str(info.value) == ("Patient view wording patient_view.json, field decision: has a field yes that does not "
                               "belong here (found 'Yes')")


@pytest.mark.parametrize("path, field", [
    (("trials", 0, "not_pooled"), "trials[0].not_pooled"),         # left out of this trial: written as null
    (("trials", 0, "analysed"), "trials[0].analysed"),
    (("sources", "wollmer2012", "registry"), "sources.wollmer2012.registry"),
    (("options", "rows", 0, "botox", "text"), "options.rows[0].botox.text"),  # null beside the cell's real field
    (("options", "rows", 0, "botox", "computed"), "options.rows[0].botox.computed"),
    (("trials", 0, "randomized", "method"), "trials[0].randomized.method"),
    (("outcomes", 0, "arm_totals_check", "comparison_percent"), "outcomes[0].arm_totals_check.comparison_percent"),
    (("options", "columns"), "options.columns"),
])
def test_an_optional_pack_field_written_as_null_is_refused_as_the_schema_refuses_it(tmp_path, path, field):
    """A field the pack may leave out is left out, never null: the schema says so and the Structs agree; the author
    is told which field, in one sentence."""
    data = json.loads((RESOURCES / "evidence/pack.json").read_text(encoding="utf-8"))
    broken = _broken(data, path, None)
    assert not _schema("evidence/pack.schema.json").is_valid(broken)
    assert not _struct_accepts(Pack, broken)
    file = tmp_path / "pack.json"
    file.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(CheckedFileError) as info:
        load_pack(file)
    assert str(info.value).startswith(f"Evidence pack pack.json, field {field}: must be ")
    assert str(info.value).endswith("(found None)") and "\n" not in str(info.value)


def test_an_optional_pack_field_left_out_reads_as_none():
    pack = load_pack()
    first = pack.trials[0]
    assert (first.not_pooled, first.analysed, first.enrolled, first.treated) == (None, None, None, None)
    assert pack.sources["wollmer2012"].registry is None and pack.options.rows[0].botox.text is None


def test_every_text_of_a_file_is_found_with_its_field_named_as_in_a_problems_sentence():
    """The wordings' checks (a stray brace, a number) walk a file's texts with one function and name the field the
    way the loader's sentences do."""
    from decisionaid.content import field_name, strings

    data = {"version": "1.0.0", "sections": [{"id": "a", "blocks": [{"text": "Hi", "n": 3}]}], "title": "T"}
    assert list(strings(data)) == [("version", "1.0.0"), ("sections[0].id", "a"), ("sections[0].blocks[0].text", "Hi"),
                                   ("title", "T")]
    assert list(strings(data, skip=("version",)))[0] == (field_name(["sections", 0, "id"]), "a")
    assert list(strings({"x": {"version": "v"}}, skip=("version",))) == [("x.version", "v")]  # only at the top
