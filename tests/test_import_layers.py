"""The packages import one way only, as `[tool.importlinter]` in pyproject.toml orders them.

import-linter reads the whole import graph (indirect imports too, and imports inside functions);
these tests run it as `make test` does, show that it does fail on an import that runs upward, and
check that every part of `tracker/` is placed in the order, so a new package cannot slip past it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
CONTRACTS = PYPROJECT["tool"]["importlinter"]["contracts"]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports over the tree at `root`, its own packages first on the path."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _copy_of_the_tree(target: Path) -> Path:
    for package in PYPROJECT["tool"]["importlinter"]["root_packages"]:
        shutil.copytree(REPO / package, target / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", target / "pyproject.toml")
    return target


def test_every_contract_is_kept() -> None:
    done = _lint(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in done.stdout


def test_an_upward_import_breaks_the_layers(tmp_path: Path) -> None:
    # The rules drawing through the figures' theme: present is a layer above rules.
    tree = _copy_of_the_tree(tmp_path)
    rules = tree / "tracker" / "rules" / "collective.py"
    rules.write_text(rules.read_text(encoding="utf-8") + "\nfrom tracker.present import theme  # noqa\n")
    done = _lint(tree)
    assert done.returncode == 1
    assert "tracker.rules is not allowed to import tracker.present" in done.stdout
    assert "tracker.rules.collective -> tracker.present.theme" in done.stdout


def test_an_indirect_upward_import_breaks_the_layers(tmp_path: Path) -> None:
    # The contract reaching the store only through a module of its own that imports the reader.
    tree = _copy_of_the_tree(tmp_path)
    (tree / "tracker" / "contract" / "reach.py").write_text("from tracker.store import reader  # noqa\n")
    county = tree / "tracker" / "contract" / "county.py"
    county.write_text(county.read_text(encoding="utf-8") + "\nfrom tracker.contract import reach  # noqa\n")
    done = _lint(tree)
    assert done.returncode == 1
    assert "tracker.contract is not allowed to import tracker.store" in done.stdout


def test_every_part_of_tracker_has_its_place_in_the_order() -> None:
    layers = next(c for c in CONTRACTS if c["type"] == "layers")["layers"]
    placed = {name.strip("() ") for layer in layers for name in layer.split("|")}
    parts = {
        f"tracker.{path.stem if path.is_file() else path.name}"
        for path in (REPO / "tracker").iterdir()
        if (path.suffix == ".py" and path.name != "__init__.py") or (path / "__init__.py").exists()
    }
    assert parts - placed == set(), "place these in [tool.importlinter]'s layers"
