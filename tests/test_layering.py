"""The layering as a table (STYLE.md; docs/design/architecture.md shows the same table).

Every module under src/decisionaid is read with ast (imports at any depth, inside functions too) and each import of a
project module is checked against ALLOWED: which part of decisionaid may import which. Third-party libraries that
must stay behind one part are in CONFINED. Project modules are never loaded by name (importlib / __import__), which
would hide an import from this check, and module-level imports form no circle. A new module inside an existing
package needs no edit here; a new package or top-level module must be added to ALLOWED (the test says so).

The subprocess tests at the end load a module in a fresh interpreter and catch what the reading cannot: a library
loaded through a chain of imports.

    python tests/test_layering.py      prints the table in the form docs/design/architecture.md holds it
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
ARCHITECTURE = ROOT / "docs" / "design" / "architecture.md"

# Which part may import which (besides itself). A part is a package under decisionaid/ (all its modules), a
# top-level module, or "decisionaid" for the package's own __init__ (the version).
_BASE = {"decisionaid", "resources", "paths", "files", "output_guard"}
_DOMAIN = {"content", "evidence", "checklist", "patient_view", "handoff", "handout", "sessions"}
ALLOWED: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in {
    # the ground floor: no Qt, no domain
    "decisionaid": set(),
    "resources": set(),
    "files": set(),
    "paths": {"files"},
    "output_guard": {"decisionaid", "files", "paths", "resources"},
    "log": {"decisionaid", "paths"},
    "instance_lock": {"files"},
    "about": {"decisionaid", "resources"},
    "look": {"paths", "files"},
    "settings": {"decisionaid", "files", "paths", "resources", "look"},
    # the domain: plain Python, testable without a window
    "content": {"resources"},
    "evidence": {"resources", "content"},
    "checklist": {"resources", "content", "evidence"},
    "patient_view": {"resources", "content", "evidence"},
    "sessions": {"files", "paths", "output_guard", "log", "checklist", "resources"},
    "handoff": {"decisionaid", "content", "evidence", "checklist"},
    "handout": {*_BASE, "settings", "content", "evidence", "checklist", "patient_view", "sessions"},
    # the faces: the window and the command line, and the start-up code that chooses between them
    "ui": {*_BASE, "log", "instance_lock", "about", "settings", "look", *_DOMAIN},
    "cli": {*_BASE, "settings", *_DOMAIN, "app", "selftest"},
    "app": {"decisionaid", "resources", "paths", "log", "instance_lock", "ui", "look"},
    "selftest": {*_BASE, "about", "settings", *_DOMAIN, "ui"},
    "__main__": {"cli"},
}.items()}

# Third-party modules only these parts may import.
CONFINED: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in {
    "PySide6": {"ui", "app", "selftest"},       # selftest opens the window offscreen
    "shiboken6": {"ui", "app", "selftest"},
    "sqlite3": {"sessions"},
    "sqlite_utils": {"sessions"},
    "sqlcipher3": {"sessions"},
    "reportlab": {"handout"},
    "pypdfium2": {"ui", "selftest"},            # page images of our own PDFs: the preview and printing
}.items()}

# Known exceptions, each with its reason; test_no_stale_exceptions fails once one is no longer needed.
EXCEPTIONS: dict[tuple, str] = {}


@dataclass(frozen=True)
class Import:
    module: str        # the importing module, e.g. decisionaid.cli.pdf
    target: str        # what it imports: a project module, or a third-party top-level name
    line: int
    module_level: bool  # runs when the module is loaded (not inside a function, not under TYPE_CHECKING)
    takes: str | None = None  # `from target import takes`, when takes is a name in target (not a submodule)


def module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part_of(module: str) -> str:
    """decisionaid.sessions.store -> sessions; decisionaid.paths -> paths; decisionaid -> decisionaid."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def read_imports(src: Path, top: str = "decisionaid") -> tuple[dict[str, list[Import]], list[tuple[str, int]]]:
    """({module: its imports}, [(module, line) of each importlib.import_module / __import__ call])."""
    files = {module_name(p, src): p for p in sorted((src / top).rglob("*.py"))}
    imports: dict[str, list[Import]] = {}
    dynamic: list[tuple[str, int]] = []
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: list[Import] = []

        def resolve(node: ast.ImportFrom) -> str:
            if not node.level:
                return node.module or ""
            base = package.split(".")
            base = base[:len(base) - node.level + 1]
            return ".".join(base + ([node.module] if node.module else []))

        def visit(node: ast.AST, module_level: bool) -> None:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found.append(Import(name, alias.name, node.lineno, module_level))
            elif isinstance(node, ast.ImportFrom):
                base = resolve(node)
                for alias in node.names:
                    sub = f"{base}.{alias.name}"  # `from decisionaid import paths` imports a module
                    found.append(Import(name, sub, node.lineno, module_level) if sub in files
                                 else Import(name, base, node.lineno, module_level, alias.name))
            elif isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if called in ("import_module", "__import__"):
                    arg = node.args[0] if node.args else None
                    literal = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
                    if literal is None or literal.split(".")[0] == top:
                        dynamic.append((name, node.lineno))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                module_level = False
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                for child in node.body:
                    visit(child, False)
                for child in node.orelse:
                    visit(child, module_level)
                return
            for child in ast.iter_child_nodes(node):
                visit(child, module_level)

        visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), True)
        imports[name] = found
    return imports, dynamic


def defined_names(src: Path, top: str = "decisionaid") -> dict[str, set[str] | None]:
    """{module: the names it defines at its top level (functions, classes, assignments, imports)}; None for a module
    that may define any name (a star import, a module __getattr__)."""
    found: dict[str, set[str] | None] = {}
    for path in sorted((src / top).rglob("*.py")):
        names: set[str] = set()
        anything = False
        stack = list(ast.parse(path.read_text(encoding="utf-8"), str(path)).body)
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
                anything |= node.name == "__getattr__"
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    anything |= alias.name == "*"
                    names.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.With)):
                targets = node.targets if isinstance(node, ast.Assign) else \
                    [i.optional_vars for i in node.items if i.optional_vars] if isinstance(node, ast.With) else \
                    [node.target]
                for target in targets:
                    names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
            if isinstance(node, (ast.If, ast.Try, ast.For, ast.With, ast.While)):
                for field in ("body", "orelse", "finalbody", "handlers"):
                    stack.extend(getattr(node, field, []))
            if isinstance(node, ast.ExceptHandler):
                stack.extend(node.body)
        found[module_name(path, src)] = None if anything else names
    return found


def unknown_names(imports: dict[str, list[Import]], defined: dict[str, set[str] | None]) -> list[str]:
    """`from decisionaid.x import name` where x defines no such name: after a move, an import inside a function
    would fail only when that function first runs."""
    problems = set()
    for module, found in imports.items():
        for imp in found:
            names = defined.get(imp.target, set())
            if imp.takes is not None and imp.target in defined and names is not None and imp.takes not in names:
                problems.add(f"{module} line {imp.line}: {imp.target} has no {imp.takes}")
    return sorted(problems)


def wrong_way(imports: dict[str, list[Import]], top: str = "decisionaid", allowed=None, confined=None) -> list[str]:
    """One line per import the table does not allow (a part missing from the table is one line too)."""
    allowed = ALLOWED if allowed is None else allowed
    confined = CONFINED if confined is None else confined
    problems = []
    for module, found in imports.items():
        part = part_of(module)
        if part not in allowed:
            problems.append(f"{module}: {part!r} is not in the layering table: add it to ALLOWED")
            continue
        for imp in found:
            root = imp.target.split(".")[0]
            if root == top:
                target = part_of(imp.target)
                if target != part and target not in allowed[part]:
                    problems.append(f"{module} line {imp.line}: {part} may not import {imp.target} ({target})")
            elif root in confined and part not in confined[root]:
                problems.append(f"{module} line {imp.line}: {root} only in {', '.join(sorted(confined[root]))}")
    return sorted(set(problems))


def circles(imports: dict[str, list[Import]], lazy: bool = False) -> list[list[str]]:
    """Groups of modules that import each other at load time, or also through imports inside functions if `lazy`
    (Tarjan's strongly connected components)."""
    graph = {m: sorted({i.target for i in found
                        if (lazy or i.module_level) and i.target in imports and i.target != m})
             for m, found in imports.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in graph:
        if v not in index:
            connect(v)
    return sorted(groups)


def table_markdown() -> str:
    """The table as docs/design/architecture.md shows it."""
    rows = ["| part | may import (besides itself) |", "| --- | --- |"]
    rows += [f"| {part} | {', '.join(sorted(may)) or '(nothing of ours)'} |" for part, may in ALLOWED.items()]
    rows += ["", "| library | only in |", "| --- | --- |"]
    rows += [f"| {lib} | {', '.join(sorted(parts))} |" for lib, parts in CONFINED.items()]
    return "\n".join(rows)


@pytest.fixture(scope="module")
def project():
    return read_imports(SRC)


def test_every_import_is_allowed_by_the_table(project):
    imports, _dynamic = project
    assert len(imports) == len(list((SRC / "decisionaid").rglob("*.py")))  # every module, not a hand-picked list
    assert wrong_way(imports) == []


def test_no_project_module_is_loaded_by_name(project):
    _imports, dynamic = project
    assert [m for m, _line in dynamic if ("dynamic", m) not in EXCEPTIONS] == []


def test_no_stale_exceptions(project):
    imports, dynamic = project
    found = {("dynamic", m) for m, _line in dynamic} | {("circle", tuple(c)) for c in circles(imports, lazy=True)}
    assert [key for key in EXCEPTIONS if key not in found] == []


def test_every_name_imported_from_our_modules_exists(project):
    imports, _dynamic = project
    assert unknown_names(imports, defined_names(SRC)) == []


def test_no_import_circles_at_load_time(project):
    imports, _dynamic = project
    assert circles(imports) == []


def test_no_import_circles_even_through_imports_inside_functions(project):
    """A circle closed only by a function-level import still ties two modules into one: neither can be read,
    tested or moved alone."""
    imports, _dynamic = project
    assert [c for c in circles(imports, lazy=True) if ("circle", tuple(c)) not in EXCEPTIONS] == []


def test_every_part_in_the_table_exists(project):
    imports, _dynamic = project
    parts = {part_of(m) for m in imports}
    assert [p for p in ALLOWED if p not in parts] == []


def test_architecture_document_shows_this_table():
    assert table_markdown() in ARCHITECTURE.read_text(encoding="utf-8"), \
        "docs/design/architecture.md: paste the output of `python tests/test_layering.py`"


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in {"decisionaid/__init__.py": "", **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_the_checker_reports_a_wrong_way_import(tmp_path):
    """The checker itself: a domain module importing the window (inside a function, where it is easy to miss)."""
    src = _tree(tmp_path, {"decisionaid/evidence/__init__.py": "",
                           "decisionaid/evidence/pooling.py": "import math\n\ndef f():\n    import decisionaid.ui\n",
                           "decisionaid/ui/__init__.py": "from decisionaid.evidence import pooling\n"})
    imports, _dynamic = read_imports(src)
    assert wrong_way(imports) == ["decisionaid.evidence.pooling line 4: evidence may not import decisionaid.ui (ui)"]


def test_the_checker_reports_confined_libraries_loading_by_name_circles_and_new_parts(tmp_path):
    src = _tree(tmp_path, {"decisionaid/checklist/__init__.py": "",
                           "decisionaid/checklist/items.py": "from PySide6.QtCore import QObject\n"
                                                             "from . import phq9\n",
                           "decisionaid/checklist/phq9.py": "from decisionaid.checklist.items import x\n",
                           "decisionaid/evidence/__init__.py": "",
                           "decisionaid/evidence/pack.py": "import importlib\n"
                                                           "importlib.import_module('decisionaid.ui')\n"
                                                           "importlib.import_module('json')\n",
                           "decisionaid/plugins.py": "import sqlite3\n"})
    imports, dynamic = read_imports(src)
    assert wrong_way(imports) == [
        "decisionaid.checklist.items line 1: PySide6 only in app, selftest, ui",
        "decisionaid.plugins: 'plugins' is not in the layering table: add it to ALLOWED"]
    assert dynamic == [("decisionaid.evidence.pack", 2)]
    assert circles(imports) == [["decisionaid.checklist.items", "decisionaid.checklist.phq9"]]


def test_the_checker_reports_a_name_that_moved_away(tmp_path):
    src = _tree(tmp_path, {"decisionaid/files.py": "import os\nfrom pathlib import Path\n\ndef replacing():\n    pass\n"
                                                   "try:\n    LIMIT = 1\nexcept ImportError:\n    pass\n",
                           "decisionaid/cli/__init__.py": "from decisionaid.files import LIMIT, Path, replacing\n"
                                                          "def main():\n"
                                                          "    from decisionaid.files import write_private\n"})
    imports, _dynamic = read_imports(src)
    assert unknown_names(imports, defined_names(src)) == [
        "decisionaid.cli line 3: decisionaid.files has no write_private"]


def test_a_lazy_import_makes_no_circle(tmp_path):
    src = _tree(tmp_path, {"decisionaid/cli/__init__.py": "from decisionaid.cli import pdf\n",
                           "decisionaid/cli/pdf.py": "def f():\n    from decisionaid.cli import main\n",
                           "decisionaid/handout/__init__.py": "from typing import TYPE_CHECKING\n"
                                                              "if TYPE_CHECKING:\n    import decisionaid.cli\n"})
    imports, _dynamic = read_imports(src)
    assert circles(imports) == []
    assert circles(imports, lazy=True) == [["decisionaid.cli", "decisionaid.cli.pdf"]]
    assert wrong_way(imports) == ["decisionaid.handout line 3: handout may not import decisionaid.cli (cli)"]


# --- in a fresh interpreter: what a chain of imports loads -----------------------------------------------------

DOMAIN = ["decisionaid.evidence.pack", "decisionaid.evidence.pooling", "decisionaid.evidence.summary",
          "decisionaid.evidence.trials_csv", "decisionaid.cli", "decisionaid.resources", "decisionaid.paths",
          "decisionaid.settings", "decisionaid.checklist.items", "decisionaid.checklist.assessment",
          "decisionaid.checklist.phq9", "decisionaid.sessions.store", "decisionaid.sessions.export",
          "decisionaid.sessions.backup", "decisionaid.handoff.note", "decisionaid.handoff.fhir",
           "decisionaid.cli.handoff", "decisionaid.patient_view.wording", "decisionaid.content"]
# Only sessions/ talks to SQLite (STYLE.md): the rest of the domain must not even load the module.
NO_SQLITE = ["decisionaid.evidence.summary", "decisionaid.checklist.assessment", "decisionaid.settings",
             "decisionaid.paths", "decisionaid.handoff.note", "decisionaid.handoff.fhir", "decisionaid.content"]
HEAVY = ("PySide6", "numpy", "statsmodels", "reportlab", "scipy", "pandas")


@pytest.mark.parametrize("module", DOMAIN)
def test_domain_module_loads_without_qt_or_heavy_libraries(module):
    code = (f"import sys, {module}\n"
            f"bad = [m for m in {HEAVY!r} if m in sys.modules]\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PATH": ""})
    assert out.stdout.strip() == ""


def test_evidence_command_runs_without_qt():
    code = ("import sys, io, contextlib\nfrom decisionaid.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()): main(['evidence'])\n"
            "print('PySide6' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PATH": ""})
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("module", NO_SQLITE)
def test_only_sessions_loads_sqlite(module):
    code = f"import sys, {module}\nprint('sqlite3' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PATH": ""})
    assert out.stdout.strip() == "False"


HANDOUT = ["decisionaid.handout.patient", "decisionaid.handout.clinician_record", "decisionaid.handout.inputs",
           "decisionaid.handout.wording"]


@pytest.mark.parametrize("module", HANDOUT)
def test_handout_loads_neither_qt_nor_sqlite(module):
    code = f"import sys, {module}\nprint(sorted(m for m in ('PySide6', 'sqlite3', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PATH": ""})
    assert out.stdout.strip() == "[]"


if __name__ == "__main__":
    print(table_markdown())
