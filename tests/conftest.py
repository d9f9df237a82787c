"""Shared fixtures: a throwaway store per test, and the real CLI run in-process."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tracker import cli

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's own store and settings out of the tests."""
    for name in ("TRACKER_DATA_DIR", "TRACKER_ID_KEY", "TRACKER_COUNTY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TZ", "Asia/Shanghai")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty store folder."""
    return tmp_path / "store"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> object:
        return json.loads(self.out)


@pytest.fixture
def tracker(data_dir: Path, capsys: pytest.CaptureFixture[str]):
    """Run `python -m tracker ARGS` in-process against the test's store."""

    def run(*args: object) -> Result:
        code = cli.main(["--data-dir", str(data_dir), *map(str, args)])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def run_module(*args: object, cwd: Path = REPO, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python -m tracker ARGS` as a separate process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "tracker", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
