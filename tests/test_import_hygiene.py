"""tracker/ never imports streamlit, so the CLI, the report and the tests can use it alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MODULES = sorted(p.stem for p in (REPO / "tracker").glob("*.py") if p.stem not in {"__init__", "__main__"})


@pytest.mark.parametrize("module", MODULES)
def test_module_does_not_load_streamlit(module: str) -> None:
    code = f"import sys, tracker.{module}; print('streamlit' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
