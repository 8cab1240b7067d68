"""What the About dialog says: the version (defined once, in pyproject.toml), the content versions and
the licences of what we ship (resources/about/third-party.json). No Qt here."""

from __future__ import annotations

import json
from dataclasses import dataclass

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
