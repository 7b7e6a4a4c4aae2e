"""The package's layout follows the data's path, and its imports only go back along it.

lib/juesuan: data/ (read and check a year) → report/ (a department's report) → build/ (many reports, their
formats) and audit/ (published reports read back); cli.py and notebook.py, the two faces, use them all. The
few top-level modules (errors, ids, files, resources) hold what every layer shares and import nothing.
Every import counts, a function's own included: a lazy import is still a dependency.
"""
from __future__ import annotations

import ast
from pathlib import Path

import juesuan

PACKAGE = Path(juesuan.__file__).resolve().parent
SHARED = {"juesuan.errors", "juesuan.ids", "juesuan.files", "juesuan.resources", "juesuan"}
#: which layers a module of each may import (beside its own and the shared modules)
MAY_IMPORT = {"data": set(), "report": {"data"}, "build": {"data", "report"}, "audit": {"data", "report"},
              "shared": set(), "face": {"data", "report", "build", "audit", "face"}}
FACES = {"juesuan.cli", "juesuan.notebook"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(name: str) -> str:
    if name in FACES:
        return "face"
    if name in SHARED:
        return "shared"
    return name.split(".")[1]


def imports_of(path: Path) -> set[str]:
    """Every juesuan module `path` imports, anywhere in it; `from juesuan.x import y` counts y when y is a module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("juesuan")}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import (the layout reads better with absolute ones)"
            if node.module and node.module.startswith("juesuan"):
                for alias in node.names:
                    candidate = f"{node.module}.{alias.name}"
                    found.add(candidate if candidate in MODULES else node.module)
    return found - {"juesuan"}


SOURCES = {p: None for p in sorted(PACKAGE.rglob("*.py"))}
MODULES = {module_name(p) for p in SOURCES}
GRAPH = {module_name(p): imports_of(p) - {module_name(p)} for p in SOURCES}


def test_the_layout_has_the_four_layers_and_no_loose_modules():
    layers = {layer(name) for name in MODULES}
    assert layers == {"data", "report", "build", "audit", "shared", "face"}
    top_level = sorted(n for n in MODULES if n.count(".") == 1 and n not in SHARED | FACES)
    assert top_level == ["juesuan.audit", "juesuan.build", "juesuan.data", "juesuan.report"]


def test_each_layer_imports_only_what_comes_before_it_on_the_data_path():
    wrong = []
    for name, targets in GRAPH.items():
        own = layer(name)
        allowed = MAY_IMPORT[own] | {own, "shared"}
        wrong += [f"{name} imports {t}" for t in sorted(targets) if layer(t) not in allowed]
    assert wrong == []


def test_no_import_cycles():
    cycles, state = [], {}

    def visit(name, path):
        state[name] = "open"
        for target in sorted(GRAPH.get(name, ())):
            if state.get(target) == "open":
                cycles.append(" → ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[name] = "done"

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_the_checker_sees_a_wrong_import(tmp_path):
    """The rule above can fail: a data module importing the report is named."""
    source = tmp_path / "bad.py"
    source.write_text("def f():\n    from juesuan.report.narrative import render\n", encoding="utf-8")
    assert imports_of(source) == {"juesuan.report.narrative"}
    assert layer("juesuan.report.narrative") not in MAY_IMPORT["data"] | {"data", "shared"}
