"""Layers point one way (docs/architecture.md): no import circles, the store imports nothing
above it, the shared words import nothing but each other, and no job package imports the CLI
or a renderer (a service returns data; the CLI picks the format).

Read from the source with :mod:`ast`, imports inside functions included.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "src" / "salestrack"
BASE = {
    "errors", "clock", "config", "vocab", "domain", "names", "dates", "rules", "stats", "figures",
}  # fmt: skip
JOBS = {"capture", "intel", "reports", "clients", "interchange", "demo"}
# pure formatting of one value (a time in an error message) is allowed below output/
SHARED_OUTPUT = {"salestrack.output.show"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        found[".".join(parts).removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _imports() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module.startswith("salestrack"):
                    for alias in node.names:
                        edges[module].add(_resolve(f"{node.module}.{alias.name}"))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("salestrack"):
                        edges[module].add(_resolve(alias.name))
        edges[module].discard(module)
        edges[module].discard("salestrack")
    return edges


EDGES = _imports()


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_no_import_circles() -> None:
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(EDGES[module]):
            if state.get(target) == 1:
                circles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(MODULES):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_the_store_imports_nothing_above_it() -> None:
    wrong = {
        (m, t)
        for m, targets in EDGES.items()
        if _top(m) == "store"
        for t in targets
        if _top(t) not in BASE | {"store"}
    }
    assert wrong == set()


def test_shared_words_import_only_each_other() -> None:
    wrong = {
        (m, t) for m, targets in EDGES.items() if _top(m) in BASE for t in targets
        if _top(t) not in BASE
    }  # fmt: skip
    assert wrong == set()


def test_services_never_import_the_cli_or_a_renderer() -> None:
    wrong = {
        (m, t)
        for m, targets in EDGES.items()
        if _top(m) in JOBS
        for t in targets
        if _top(t) == "cli" or (_top(t) == "output" and t not in SHARED_OUTPUT)
    }
    assert wrong == set()


def test_the_check_sees_imports() -> None:
    assert "salestrack.store.sql" in EDGES["salestrack.capture.capture"]
    assert "salestrack.capture.capture" in EDGES["salestrack.cli.log"]
