"""The shape of the code: the packages of app/ import one another without a cycle (imports inside
functions and under TYPE_CHECKING count), the database module knows no domain, no ORM hook hides a
change, and modules and functions stay small enough to read (README: Architecture)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _sources() -> list[Path]:
    return sorted(p for p in APP.rglob("*.py") if "migrations" not in p.relative_to(APP).parts)


def _unit(path: Path) -> str:
    """A top-level package of app/ (its directory) or a top-level module (its file name)."""
    return path.relative_to(APP).parts[0].removesuffix(".py")


def _imported(path: Path) -> set[str]:
    """Every `app.X` module the file names in an import, at any depth of the file."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _units() -> set[str]:
    return {_unit(p) for p in APP.rglob("*.py") if p.parent != APP or p.name != "__init__.py"}


def package_graph() -> dict[str, set[str]]:
    """unit → the other units of app/ it imports."""
    units = _units()
    graph: dict[str, set[str]] = defaultdict(set)
    for path in _sources():
        if path == APP / "__init__.py":
            continue
        source = _unit(path)
        for name in _imported(path):
            parts = name.split(".")
            if parts[0] == "app" and len(parts) > 1 and parts[1] in units and parts[1] != source:
                graph[source].add(parts[1])
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph as a path that returns to its start, or [] when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return []


def test_find_cycle_sees_a_cycle_and_its_absence():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_the_packages_of_app_import_one_another_without_a_cycle():
    graph = package_graph()
    assert graph["take"] and graph["voice"], "the graph reads the imports"  # it sees something to check
    assert find_cycle(graph) == []


def test_lower_layers_never_import_what_is_built_on_them():
    graph = package_graph()
    assert graph["db"] <= {"changes", "settings"}  # infrastructure knows no domain
    assert not graph["take"] & {"voice", "privacy", "suggestions"}  # the modes plug in (app/take/modes.py)
    assert not graph["scorecards"] & {"suggestions", "analysis", "dashboard"}  # parts plug in (app/scorecards/parts.py)
    assert not graph["specs"] & {"questions", "dashboard", "interviews"}


def test_no_orm_hook_hides_a_change():
    offenders = [str(p.relative_to(ROOT)) for p in _sources()
                 if "listens_for(Session" in p.read_text() or "event.listen(Session" in p.read_text()]
    assert offenders == []


def test_modules_and_functions_stay_short():
    long_modules, long_functions = [], []
    for path in [*_sources(), *sorted((ROOT / "scoring").rglob("*.py"))]:
        text = path.read_text()
        if len(text.splitlines()) >= MAX_MODULE_LINES:
            long_modules.append(str(path.relative_to(ROOT)))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length >= MAX_FUNCTION_LINES:
                    long_functions.append(f"{path.relative_to(ROOT)}:{node.name} ({length} lines)")
    assert long_modules == [] and long_functions == []
