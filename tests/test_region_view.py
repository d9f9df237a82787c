"""A region of several counties: with none chosen, figures compare counties, never same-named townships.

Every generated county has its own 城关镇; adding them up as one township would
show a leader a place that does not exist.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synth.province import generate
from tests.conftest import open_tab, page_text, tab_labels
from tracker.ingest.importer import import_paths
from tracker.store.reader import Reader


@pytest.fixture(scope="module")
def region_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two generated counties, one week."""
    folder = tmp_path_factory.mktemp("region")
    generate(2, 1, folder / "exports")
    outcome = import_paths([folder / "exports"], folder / "store")
    assert outcome.status == 0, (outcome.file_problems, outcome.errors[:3])
    return folder / "store"


def _sql(data_dir: Path, query: str, **params: object) -> list[tuple]:
    return Reader(data_dir).cursor().execute(query, params).fetchall()


def test_the_generated_counties_share_a_township_name(region_store: Path) -> None:
    # The premise of this file: without it the tests below would prove nothing.
    shared = _sql(
        region_store, "SELECT township FROM villages GROUP BY township HAVING count(DISTINCT county) > 1"
    )
    assert shared


def test_overview_ranks_counties_with_their_own_households(open_page, region_store: Path) -> None:
    at = open_page(store=region_store, tab="排名表")
    assert "县排名" in [s.value for s in at.subheader]
    table = at.dataframe[0].value
    # The ranking counts one batch (the one still open) and its columns say which.
    measure = next(c for c in table.columns if c.endswith("入住比例（%）"))
    batch = "一二三四五".index(measure[1]) + 1
    expected = dict(
        _sql(
            region_store,
            "SELECT county, count(*) FROM households WHERE relocation_batch = $batch GROUP BY 1",
            batch=batch,
        )
    )
    ranking, total = table.iloc[:-1], table.iloc[-1]
    assert dict(zip(ranking["县"], ranking["搬迁户"])) == expected
    assert (total["县"], total["搬迁户"]) == ("全部县", sum(expected.values()))


def test_township_breakdowns_wait_for_a_county(open_page, region_store: Path) -> None:
    for page in (
        "app_pages/relocation.py",
        "app_pages/collective.py",
        "app_pages/party.py",
        "app_pages/funds.py",
    ):
        # Every section (tab) of the page, as a leader clicking through them sees it.
        at = open_page(page, store=region_store)
        text, titles = "", []
        for label in tab_labels(at):
            at = open_tab(at, label)
            text += page_text(at)
            titles += [
                json.loads(c.proto.spec)["layout"].get("title", {}).get("text", "")
                for c in at.get("plotly_chart")
            ]
        assert "乡镇分布请先在左侧选择一个县" in text, page
        assert titles, page  # the page still draws its county-wide charts
        assert not [t for t in titles if "乡镇" in t], page


def test_choosing_a_county_ranks_its_own_townships(open_page, region_store: Path) -> None:
    county = _sql(region_store, "SELECT min(county) FROM villages")[0][0]
    at = open_page(store=region_store, county=county, tab="排名表")
    assert "乡镇排名" in [s.value for s in at.subheader]
    table = at.dataframe[0].value
    measure = next(c for c in table.columns if c.endswith("入住比例（%）"))  # the batch it counts
    expected = dict(
        _sql(
            region_store,
            "SELECT township, count(*) FROM households "
            "WHERE relocation_batch = $batch AND county = $county GROUP BY 1",
            county=county,
            batch="一二三四五".index(measure[1]) + 1,
        )
    )
    ranking, total = table.iloc[:-1], table.iloc[-1]
    shown = {
        t: n for t, n in zip(ranking["乡镇"], ranking["搬迁户"]) if n
    }  # townships without any listed as 0
    assert shown == expected
    assert (total["乡镇"], total["搬迁户"]) == ("全县", sum(expected.values()))
