"""The FHIR checks (fhir_checks.py) refuse exactly what the official R4 schema refuses, with jsonschema's messages,
and turn away each of the 146 resource types a resource is not at its first error instead of listing them all."""

import copy

import jsonschema
import pytest
from jsonschema.exceptions import ValidationError

import fhir_checks
import handout_data as hd
from decisionaid.handoff.fhir import build_bundle
from decisionaid.handoff.visits import HandoffInput

PDF = b"%PDF-1.4 not a real record, for the builder only"


@pytest.fixture(scope="module")
def bundle():
    return build_bundle(HandoffInput(7, hd.record(), hd.checklist(), hd.summary().pack, hd.MADE, revision_id=3,
                                     draft=False, follow_ups=(), app_version="9.9"), PDF)


def errors(validator, document):
    def said(e):
        return list(e.absolute_path), list(e.schema_path), e.message, sorted(said(c) for c in e.context)

    return sorted(said(e) for e in validator.iter_errors(document))


def broken(bundle, change):
    document = copy.deepcopy(bundle)
    change(document)
    return document


def patient(document):
    (p,) = [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == "Patient"]
    return p


@pytest.mark.parametrize("change", [
    lambda d: None,
    lambda d: patient(d).__setitem__("identifier", [{"value": 5}]),
    lambda d: patient(d).__setitem__("resourceType", "Poem"),
    lambda d: patient(d).__setitem__("zz_unknown", "x"),
    lambda d: d.__setitem__("type", "novel"),
], ids=["valid", "wrong type", "unknown resource type", "unknown field", "bundle type"])
def test_the_checks_say_what_the_r4_schema_says(bundle, change):
    document = broken(bundle, change)
    ours = errors(fhir_checks.validator(), document)
    assert ours == errors(jsonschema.Draft6Validator(fhir_checks.schema()), document)
    assert (ours == []) == (document == bundle)


def test_each_other_resource_type_is_turned_away_at_its_first_error(bundle, monkeypatch):
    built = []
    real = ValidationError.__init__
    monkeypatch.setattr(ValidationError, "__init__", lambda self, *a, **kw: (built.append(1), real(self, *a, **kw))[1])
    assert fhir_checks.schema_errors(bundle) == []
    types = len(fhir_checks.schema()["definitions"]["ResourceList"]["oneOf"])
    checked = 1 + len(bundle["entry"])  # the Bundle is a resource too
    assert types == 146 and len(built) <= (types - 1) * checked, f"{len(built)} errors for {checked} resources"
