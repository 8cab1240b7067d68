"""What the About dialogs say: the version (defined once, in pyproject.toml), the content versions, the licences of
what we ship (resources/about/third-party.json), and 'About this decision aid': who made it, who paid, how the evidence
was found, and each IPDAS criterion with where decisionaid meets it (resources/about/ipdas.json). No Qt here."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

STATEMENT = ("decisionaid supports, and does not replace, clinical judgement. Botox (botulinum toxin A) is not "
             "licensed for depression: using it for depression is off-label.")
PRIVACY = "It makes no network connection. Consultation records stay on this computer, readable only by you."


@dataclass(frozen=True)
class Component:
    name: str
    role: str
    licence: str
    url: str
    packages: tuple[str, ...]


def third_party() -> tuple[tuple[Component, ...], dict[str, str]]:
    """The shipped components, and the run-time dependencies deliberately left out (name -> why)."""
    from decisionaid.resources import resource_path

    data = json.loads(resource_path("about", "third-party.json").read_text(encoding="utf-8"))
    components = tuple(Component(c["name"], c["role"], c["licence"], c["url"], tuple(c["packages"]))
                       for c in data["components"])
    return components, dict(data["not_shipped"])


def version() -> str:
    from decisionaid import __version__

    return __version__


# --- "About this decision aid": the IPDAS criteria, generated from resources/about/ipdas.json ---------------------

@dataclass(frozen=True)
class Criterion:
    id: str
    group: str        # qualifying | certification | quality
    text: str
    status: str       # met | partly | not_yet | not_applicable
    where: str        # where decisionaid meets it, in a user's words
    evidence: tuple[str, ...]   # pointers to the content that meets it: "pack:condition.text", "handout:sections[id=found]"


@dataclass(frozen=True)
class Ipdas:
    version: str
    last_reviewed: str
    standard: str
    wording_note: str
    statuses: dict[str, str]
    criteria: tuple[Criterion, ...]

    def group(self, name: str) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.group == name)


GROUPS = (("qualifying", "Qualifying criteria (what makes it a decision aid)"),
          ("certification", "Certification criteria (without these a decision aid risks harmful bias)"),
          ("quality", "Quality criteria"))


def load_ipdas(path=None) -> Ipdas:
    from decisionaid.resources import resource_path

    data = json.loads((path or resource_path("about", "ipdas.json")).read_text(encoding="utf-8"))
    return Ipdas(data["version"], data["last_reviewed"], data["standard"], data["wording_note"], dict(data["statuses"]),
                 tuple(Criterion(c["id"], c["group"], c["text"], c["status"], c["where"], tuple(c["evidence"]))
                       for c in data["criteria"]))


def content_documents() -> dict[str, Any]:
    """The content files a pointer may name, as raw JSON: pack, handout, checklist."""
    from decisionaid.resources import resource_path

    files = {"pack": ("evidence", "pack.json"), "handout": ("handout", "handout.json"),
             "checklist": ("checklist", "checklist.json")}
    return {name: json.loads(resource_path(*parts).read_text(encoding="utf-8")) for name, parts in files.items()}


_STEP = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*)(?:\[(?P<field>[a-z_]+)=(?P<value>[^\]]+)\])?$")


def resolve(pointer: str, documents: dict[str, Any]) -> Any:
    """The content a pointer names. Raises LookupError saying which step failed."""
    name, _, path = pointer.partition(":")
    if name not in documents or not path:
        raise LookupError(f"{pointer}: unknown content file '{name}'")
    node = documents[name]
    for step in path.split("."):
        m = _STEP.match(step)
        if not m or not isinstance(node, dict) or m["key"] not in node:
            raise LookupError(f"{pointer}: '{step}' not found")
        node = node[m["key"]]
        if m["field"]:
            matches = [x for x in node if isinstance(x, dict) and str(x.get(m["field"])) == m["value"]] \
                if isinstance(node, list) else []
            if not matches:
                raise LookupError(f"{pointer}: no entry with {m['field']} = {m['value']}")
            node = matches[0]
    return node


def _empty(node: Any) -> bool:
    if node is None:
        return True
    if isinstance(node, str):
        return not node.strip()
    if isinstance(node, (list, dict)):
        return not node
    return False


def missing_evidence(ipdas: Ipdas, documents: dict[str, Any]) -> list[str]:
    """One line per problem: a met or partly met criterion without a pointer, or a pointer that no longer leads to
    non-empty content. Empty when every criterion still has its evidence."""
    problems = []
    for c in ipdas.criteria:
        if c.status not in ipdas.statuses:
            problems.append(f"{c.id}: unknown status '{c.status}'")
        if c.status in ("met", "partly") and not c.evidence:
            problems.append(f"{c.id}: marked {c.status} but names no content")
        for pointer in c.evidence:
            try:
                node = resolve(pointer, documents)
            except LookupError as exc:
                problems.append(f"{c.id}: {exc}")
                continue
            if _empty(node):
                problems.append(f"{c.id}: {pointer} is empty")
    return problems


def decision_aid_sections(pack) -> list[tuple[str, str]]:
    """What 'About this decision aid' says before the criteria: (heading, text) pairs, all from the evidence pack."""
    a = pack.about
    return [("The decision", pack.decision),
            ("The condition", pack.condition.text),
            ("Who made it", a.made_by),
            ("Who paid for it", a.funding),
            ("Conflicts of interest", a.conflicts),
            ("How the evidence was found and checked", a.evidence_method),
            ("Updates", f"Evidence last reviewed {pack.last_reviewed:%-d %B %Y}. {pack.update_policy}"),
            ("Testing with patients", a.user_testing)]
