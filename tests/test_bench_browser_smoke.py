"""The browser benchmark runs (one run, the sample data) and its figures are sane; its speed is measured elsewhere."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.browser

PAGES = {"总览", "整村搬迁", "集体经济", "党建", "资金", "数据"}


def test_every_page_is_timed_until_drawn_on_desktop_and_phone() -> None:
    done = subprocess.run(
        [sys.executable, "bench/browser_speed.py", "--scale", "county", "--runs", "1", "--views", "township",
         "--floor", "--smoke"],
        cwd=REPO, capture_output=True, text=True, timeout=1500,  # 530 s measured beside a CPU hog
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    county = figures["scales"]["county"]
    assert set(county["pages"]) == PAGES
    assert county["server_cores"] != county["browser_cores"]  # one core each
    for page, views in county["pages"].items():
        for device in ("desktop", "phone"):
            r = views["township"][device]
            assert "赵家沟乡" in r["header"], (page, device)  # the view asked for was drawn
            assert r["reruns"] == 1, (page, device)  # one navigation, one rerun
            assert 0 < r["server_median_s"] < r["median_s"], (page, device)
            assert 0 < r["app_median_s"] < r["median_s"] and r["cold_s"] > 0, (page, device)
            assert r["height_px"] > 800, (page, device)
            # Every page but 数据 has charts, and 总览 (its ranking an HTML table, no chart library).
            assert (r["figures"] > 0) == (page not in ("数据", "总览")), (page, device)
        clicked = views["township"]["desktop"]  # the same page reached from the sidebar's page list
        assert 0 < clicked["click_server_median_s"] < clicked["click_median_s"], page
    phone, desktop = (
        county["pages"]["整村搬迁"]["township"]["phone"],
        county["pages"]["整村搬迁"]["township"]["desktop"],
    )
    assert phone["height_px"] > desktop["height_px"]  # one column on a phone
    assert set(figures["verdicts"]) >= {"county_median_s", "county_p95_s", "county_cold_s"}
    assert figures["others"]["waited"] is False and figures["others"]["repeated"] == 0
    # The floor: a minimal Streamlit page, timed the same way, with what it was asked to hold.
    floor = figures["floor"]
    assert {k: floor[k]["phone"]["figures"] for k in floor} == {
        "text": 0,
        "figure": 1,
        "figures3": 3,
        "grid": 0,
    }
    assert all(floor[k][d]["median_s"] > 0 for k in floor for d in ("desktop", "phone"))


def test_two_checkouts_are_timed_side_by_side() -> None:
    # The same checkout under two names: both drawn, each visit timed, the figures in order.
    done = subprocess.run(
        [sys.executable, "bench/ab_pages.py", "a=.", "b=.", "--page", "relocation", "--rounds", "1", "--runs", "1"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["page"] == "relocation" and set(figures["checkouts"]) == {"a", "b"}
    for r in figures["checkouts"].values():
        assert r["visits"] == 1
        assert 0 < r["min_s"] <= r["median_s"] < 120
