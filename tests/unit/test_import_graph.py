"""The package's import graph has no cycles, counting imports inside functions too (they hide cycles).

Built from the source with ``ast``: every ``import clinwgs.x`` / ``from clinwgs.x import y`` anywhere in a
module (module level, in functions, under ``TYPE_CHECKING``) is an edge to the module it names, or to the
submodule ``x.y`` where ``y`` is one. A package's ``__init__`` counts as a module of its own.
"""

from __future__ import annotations

import ast
from pathlib import Path

import clinwgs

ROOT = Path(clinwgs.__file__).resolve().parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {module_name(p): p for p in ROOT.rglob("*.py") if "migrations" not in p.parts}
    assert len(found) > 50, f"expected the whole package under {ROOT}, found {len(found)} modules"
    return found


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Modules of the package that ``name`` imports (resolving relative imports)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets.add(base)
            targets.update(f"{base}.{alias.name}" for alias in node.names)
    return {t for t in targets if t in known and t != name}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def package_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def test_the_package_has_no_import_cycle() -> None:
    cycle = find_cycle(package_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_walker_sees_in_function_imports_and_finds_a_cycle() -> None:
    """The check itself: a cycle closed by an import inside a function is found."""
    graph = {"a": {"b"}, "b": set(), "c": set()}
    assert find_cycle(graph) is None
    graph["b"].add("a")
    assert find_cycle(graph) == ["a", "b", "a"]
    src = "def f():\n    from clinwgs.core import errors\n"
    tree = ast.parse(src)
    assert any(isinstance(n, ast.ImportFrom) for n in ast.walk(tree))


def test_in_function_imports_are_edges(tmp_path: Path) -> None:
    known = {"clinwgs.x": tmp_path / "x.py", "clinwgs.core.errors": tmp_path / "errors.py"}
    known["clinwgs.x"].write_text("def f():\n    from clinwgs.core.errors import ConfigError\n")
    assert imports_of("clinwgs.x", known["clinwgs.x"], known) == {"clinwgs.core.errors"}


def test_argument_parsing_lives_only_in_the_cli_package() -> None:
    """Stage modules expose typed functions; only clinwgs.cli turns a command line into calls."""
    outside = [
        name
        for name, path in modules().items()
        if not name.startswith("clinwgs.cli") and "argparse" in imports_of_any(path)
    ]
    assert outside == [], f"argparse imported outside clinwgs.cli: {outside}"


def imports_of_any(path: Path) -> set[str]:
    """Every top-level module name imported anywhere in the file."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names
