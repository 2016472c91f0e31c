"""Dependencies point one way, and nothing imports in a circle.

Every import in the package (at module level or inside a function: a lazy import can hide
a cycle as well as break one) is read from the source with `ast`. Layers, bottom up:

    domain   graph/*.py (errors, ontology, records, cypher, validation, ...), graph/export/
    stores   graph/store/ (the store interface, both stores, the graph readers)
    service  graph/service.py
    outside  api/ (HTTP) and graph/cli.py (command line)

A module imports only from its own layer or below; the command line reaches the API only
inside its `serve` command.
"""
from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import conflictgraph.api
import conflictgraph.graph

PACKAGES = {"conflictgraph.graph": Path(conflictgraph.graph.__file__).parent,
            "conflictgraph.api": Path(conflictgraph.api.__file__).parent}


def _modules() -> dict[str, Path]:
    out = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join((package, *parts))] = path
    return out


def _imports(name: str, path: Path, known: set[str]) -> list[tuple[str, str]]:
    """(imported module, the function it is imported in or '') for imports of our modules."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    found = []

    def resolve(node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = name.split(".")
        base = base if is_package else base[:-1]
        base = base[:len(base) - (node.level - 1)]
        return ".".join(base + ([node.module] if node.module else []))

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(child, ast.Import):
                targets = [a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom):
                module = resolve(child)
                targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in known else module for a in child.names]
            else:
                visit(child, inner)
                continue
            for target in targets:
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    found.append((target, function))
    visit(tree, "")
    return found


def _layer(module: str) -> int:
    if module.startswith("conflictgraph.api") or module == "conflictgraph.graph.cli":
        return 3
    if module == "conflictgraph.graph.service":
        return 2
    if module.startswith("conflictgraph.graph.store"):
        return 1
    return 0


MODULES = _modules()
EDGES = [(name, target, function) for name, path in MODULES.items()
         for target, function in _imports(name, path, set(MODULES))]


def test_the_scan_sees_the_package():
    assert len(MODULES) > 40
    assert ("conflictgraph.graph.service", "conflictgraph.graph.store.base", "") in EDGES
    assert ("conflictgraph.graph.cli", "conflictgraph.api.app", "serve") in EDGES


def test_no_import_cycles():
    g = nx.DiGraph((a, b) for a, b, _ in EDGES if not b.endswith("__init__"))
    # A package's __init__ re-exporting its modules is not a cycle through them.
    g.remove_edges_from([(a, b) for a, b in list(g.edges) if a in PACKAGES or b in PACKAGES])
    cycles = list(nx.simple_cycles(g))
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c + [c[0]]) for c in cycles[:5])


def test_dependencies_point_one_way():
    upward = [f"{a} imports {b}" + (f" (in {f})" if f else "") for a, b, f in EDGES
              if _layer(b) > _layer(a) or (b.startswith("conflictgraph.api") and not a.startswith("conflictgraph.api")
                                          and not (a == "conflictgraph.graph.cli" and f == "serve"))]
    assert not upward, "imports against the layers:\n" + "\n".join(upward)
