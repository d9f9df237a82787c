"""tracker/ never imports streamlit, so the CLI, the report and the tests can use it alone; and no
package imports itself in a circle, so each module can be read (and imported) before those that use it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _modules(package: str) -> list[str]:
    """Every module of a package and its subpackages, dotted (tracker.store.reader)."""
    found = []
    for path in sorted((REPO / package).rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        if parts[-1] == "__main__":
            continue
        found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


MODULES = _modules("tracker") + _modules("synth")


@pytest.mark.parametrize("module", MODULES)
def test_module_does_not_load_streamlit(module: str) -> None:
    code = f"import sys, {module}; print('streamlit' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def _imports(module: str, known: set[str]) -> set[str]:
    """The modules of `known` that `module` imports anywhere in its text (in a function too)."""
    path = REPO / Path(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name in known and name != module}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of the graph, as the modules along it, or None."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = "done"
        path.pop()
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


@pytest.mark.parametrize("package", ["ui", "tracker"])
def test_no_import_cycle(package: str) -> None:
    # A package's __init__ is left out: importing a submodule runs it, but it imports nothing here.
    known = {m for m in _modules(package) if m != package}
    graph = {m: _imports(m, known) for m in known}
    assert _cycle(graph) is None, f"import cycle: {' → '.join(_cycle(graph) or [])}"


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycle({"ui.a": {"ui.b"}, "ui.b": {"ui.c"}, "ui.c": {"ui.a"}}) == ["ui.a", "ui.b", "ui.c", "ui.a"]
    assert _cycle({"ui.a": {"ui.b"}, "ui.b": set()}) is None
