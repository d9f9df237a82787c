"""tracker/ never loads streamlit, so the CLI, the report and the tests can use it alone.

import-linter (tests/test_import_layers.py) checks our own imports, circles included; this test imports
each module in a fresh interpreter, so it also catches streamlit loaded through another library."""

from __future__ import annotations

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
