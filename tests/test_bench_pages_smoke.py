"""The page-speed and memory benchmarks run at a tiny size so they cannot rot; their figures are measured elsewhere."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from synth.province import generate
from tests.conftest import REPO

PAGES = {"总览", "整村搬迁", "集体经济", "党建", "资金", "数据"}


def last_json(stdout: str) -> dict:
    """The one JSON line a benchmark prints last."""
    return json.loads(stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two counties, two weeks of exports (the smallest case with a county and a township view)."""
    folder = tmp_path_factory.mktemp("bench_pages")
    generate(2, 2, folder / "exports")
    return folder / "exports", folder / "store"


def run_bench(*args: object, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *map(str, args)], cwd=REPO, capture_output=True, text=True, timeout=timeout
    )


def test_pages_speed_reports_every_page_in_every_view(tiny: tuple[Path, Path]) -> None:
    exports, store = tiny
    done = run_bench("bench/pages_speed.py", "--data", exports, "--store", store, "--runs", "1", timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = last_json(done.stdout)
    assert figures["bench"] == "pages_speed"
    assert set(figures["pages"]) == PAGES
    for page, views in figures["pages"].items():
        assert set(views) == {"all", "county", "township"}, page
        for view, r in views.items():
            assert r["queries"] > 0, (page, view)
            assert r["uncached"]["median_ms"] > 0 and r["cached"]["median_ms"] > 0, (page, view)
            assert r["apptest"]["median_ms"] > 0 and r["floor"]["median_ms"] > 0, (page, view)
            assert r["pandas"]["median_ms"] > 0 and r["vs_pandas"] and r["vs_floor"], (page, view)
            assert r["pandas"]["check"] == r["figures"], (page, view)  # pandas computes the same figures
            assert not r["cached"]["warnings"], (page, view)
    township = figures["pages"]["总览"]["township"]["header"]
    assert figures["views"]["township"]["township"][0] in township
    assert set(figures["verdicts"]) == {"uncached_ms", "cached_ms", "vs_pandas", "vs_floor"}


@pytest.mark.browser
def test_memory_reports_the_peak_after_every_page(tiny: tuple[Path, Path]) -> None:
    exports, store = tiny
    done = run_bench("bench/memory.py", "--data", exports, "--store", store, "--views", "all", timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = last_json(done.stdout)
    assert figures["bench"] == "memory"
    assert set(figures["pages"]) == PAGES
    assert all(set(views) == {"all"} for views in figures["pages"].values())
    assert 0 < figures["started_mib"] <= figures["peak_mib"]
    assert isinstance(figures["met"], bool)
