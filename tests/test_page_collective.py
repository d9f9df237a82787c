"""集体经济 in AppTest: the 破零 rate against its target, the villages still at zero, incomes and PV.

Figures are checked against docs/sample-facts.md (fact 8: 70 % of about 340 villages past
zero on 2017-10-13) and, where the report says nothing, against the store read
with plain SQL rather than the page's own named queries.
"""

from __future__ import annotations

import colorsys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import open_tab, page_text
from tests.plotly_spec import chart_annotations, figure
from tracker.contract.paths import SAMPLE_DIR
from tracker.ingest.importer import import_paths
from tracker.present import theme
from tracker.rules import collective
from tracker.store.reader import Reader

PAGE = "app_pages/collective.py"
LAST_WEEK = SAMPLE_DIR / "weekly" / "2017-10-13"


def _cards(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html") if "kpi-grid" in h.proto.body)


# Each list is in its own tab of the page.
TABS = {"村名": "未破零村", "破零率（%）": "乡镇明细"}


def _table(at, column: str) -> pd.DataFrame:
    """The table that has this column, in the tab that holds it (tables are told apart by what they show)."""
    open_tab(at, TABS[column])
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _sql(folder: Path, sql: str, **params: object) -> list[tuple]:
    return Reader(folder).cursor().execute(sql, params).fetchall()


def _zero_villages(folder: Path, day: str, townships: list[str]) -> set[tuple[str, str]]:
    rows = _sql(
        folder,
        "SELECT township, village FROM villages WHERE as_of = $day AND coalesce(collective_income_10k, 0) = 0 "
        "AND list_contains($townships, township)",
        day=day,
        townships=townships,
    )
    return set(rows)


def test_county_rate_is_70_percent_of_340_villages_against_the_target(open_page) -> None:
    at = open_page(PAGE)
    cards = _cards(at)
    # docs/sample-facts.md 8: 70 % of the villages have broken zero: 238 of 340.
    assert ">70.0%<" in cards and ">238 个村<" in cards and "共 340 个行政村" in cards
    assert ">102 个村<" in cards
    assert "目标 75.0%" in cards and "时限 2017年12月31日" in cards
    text = page_text(at)
    assert "数据截至 2017年10月13日" in text
    # The target is drawn beside the actual on the township bars (each township's own mark: the
    # targets file sets none for a township, so the county's 75 % applies to each) and on the trend.
    bars = figure(at, "破零率（点击乡镇可筛选）")
    assert len(bars["data"][0]["y"]) == 13
    marks = next(trace for trace in bars["data"] if trace.get("name") == "目标")
    assert sorted(marks["y"]) == sorted(bars["data"][0]["y"]) and set(marks["x"]) == {75}
    trend = figure(at, "破零率逐周变化")
    assert any("目标 75%" in text for text in chart_annotations(trend))
    assert len(trend["data"][0]["x"]) == 24  # every weekly snapshot up to the day shown
    assert trend["data"][0]["y"][-1] == 70.0
    open_tab(at, "未破零村")
    assert "未破零村名单（102 个村）" in page_text(at)


def test_the_zero_income_list_has_the_102_villages(open_page, sample_store: Path) -> None:
    at = open_page(PAGE)
    listed = _table(at, "村名")
    assert len(listed) == 102
    everyone = set(_sql(sample_store, "SELECT township, village FROM villages WHERE as_of = '2017-10-13' "
                        "AND coalesce(collective_income_10k, 0) = 0"))  # fmt: skip
    assert set(zip(listed["乡镇"], listed["村名"], strict=True)) == everyone
    table = _table(at, "破零率（%）")
    townships, county = table.iloc[:-1], table.iloc[-1]
    assert len(townships) == 13 and county["乡镇"] == "全县"
    assert townships["已破零村"].sum() == 238 and townships["行政村"].sum() == 340
    assert townships["未破零村"].sum() == 102
    assert (county["已破零村"], county["行政村"], county["破零率（%）"]) == (238, 340, 70.0)


def test_a_township_filter_lists_only_its_villages(open_page, sample_store: Path) -> None:
    at = open_page(PAGE, township=["赵家沟乡"])
    listed = _table(at, "村名")
    assert set(listed["乡镇"]) == {"赵家沟乡"}
    assert set(zip(listed["乡镇"], listed["村名"], strict=True)) == _zero_villages(
        sample_store, "2017-10-13", ["赵家沟乡"]
    )
    villages, past = _sql(
        sample_store,
        "SELECT count(*), count(*) FILTER (WHERE collective_income_10k > 0) FROM villages "
        "WHERE as_of = '2017-10-13' AND township = '赵家沟乡'",
    )[0]
    cards = _cards(at)
    assert f"共 {villages} 个行政村" in cards and f">{past} 个村<" in cards
    assert f">{100 * past / villages:.1f}%<" in cards
    assert ">238 个村<" not in cards and "共 340 个行政村" not in cards
    # The county's rate target still applies to a township that has none of its own.
    assert "目标 75.0%" in cards
    assert list(_table(at, "破零率（%）")["乡镇"]) == ["赵家沟乡"]
    assert "赵家沟乡 · " in page_text(at)


def test_two_townships_show_both_and_nothing_else(open_page, sample_store: Path) -> None:
    chosen = ["赵家沟乡", "沙坪乡"]
    at = open_page(PAGE, township=chosen)
    listed = _table(at, "村名")
    assert set(listed["乡镇"]) == set(chosen)
    assert set(zip(listed["乡镇"], listed["村名"], strict=True)) == _zero_villages(
        sample_store, "2017-10-13", chosen
    )
    table = _table(at, "破零率（%）")  # the two townships, then their total
    assert sorted(table["乡镇"].iloc[:-1]) == sorted(chosen) and table["乡镇"].iloc[-1] == "合计"
    open_tab(at, "未破零村")
    assert f"未破零村名单（{len(listed)} 个村）" in page_text(at)


def test_an_earlier_week_shows_its_own_earlier_figures(open_page, sample_store: Path) -> None:
    at = open_page(PAGE, as_of="2017-06-02")
    villages, past = _sql(
        sample_store,
        "SELECT count(*), count(*) FILTER (WHERE collective_income_10k > 0) FROM villages WHERE as_of = '2017-06-02'",
    )[0]
    assert past < 238
    cards = _cards(at)
    assert f">{100 * past / villages:.1f}%<" in cards and ">70.0%<" not in cards
    assert f">{past} 个村<" in cards
    assert len(_table(at, "村名")) == villages - past > 102
    assert "数据截至 2017年6月2日" in page_text(at)
    open_tab(at, "破零率")
    trend = figure(at, "破零率逐周变化")
    assert str(max(trend["data"][0]["x"])).startswith("2017-06-02")


def test_income_distribution_and_pv_add_up(open_page, sample_store: Path) -> None:
    at = open_page(PAGE, tab="收入与光伏")
    bands = figure(at, "收入分布")["data"][0]
    assert bands["y"][0] == "未破零" and bands["x"][0] == 102
    assert sum(bands["x"]) == 340
    pv, pv_villages = _sql(
        sample_store,
        "SELECT sum(pv_kw), count(*) FILTER (WHERE pv_kw > 0) FROM villages WHERE as_of = '2017-10-13'",
    )[0]
    cards = _cards(at)
    assert f">{pv:,.0f} 千瓦<" in cards and f"{pv_villages} 个村建有光伏电站" in cards
    (income,) = _sql(
        sample_store, "SELECT sum(collective_income_10k) FROM villages WHERE as_of = '2017-10-13'"
    )[0]
    assert f">{income:,.2f} 万元<" in cards


def test_the_batch_filter_does_not_change_village_figures(open_page) -> None:
    at = open_page(PAGE, batch="第一批")
    assert ">70.0%<" in _cards(at)
    assert "不区分搬迁批次" in page_text(at)


def test_an_empty_store_gets_a_friendly_message(open_page, tmp_path: Path) -> None:
    at = open_page(PAGE, store=tmp_path / "empty")
    assert "暂无数据" in page_text(at)
    assert not at.dataframe


def test_a_store_without_the_village_ledger_says_so(open_page, tmp_path: Path) -> None:
    folder = tmp_path / "party_only"
    assert import_paths([LAST_WEEK / "党组织台账_2017-10-13.xlsx"], folder).status == 0
    at = open_page(PAGE, store=folder)
    assert "没有村级台账数据" in page_text(at)
    assert not at.dataframe


@pytest.mark.parametrize(
    ("income", "band"),
    [
        (None, "未破零"),
        (0.0, "未破零"),
        (0.01, "5万元以下"),
        (5.0, "5万–10万元"),
        (49.99, "20万–50万元"),
        (80, "50万元及以上"),
    ],
)
def test_income_bands_put_each_village_in_one_band(income: float | None, band: str) -> None:
    frame = pd.DataFrame(
        {"collective_income_10k": [income], "villages": [3]}
    )  # three villages with that income
    counts = collective.income_bands(frame).set_index("band")["villages"]
    assert counts[band] == 3 and counts.sum() == 3


def test_a_township_behind_its_target_is_drawn_in_no_on_track_colour(open_page) -> None:
    # 赵家沟乡 is at 50 % against 75 %: a leader reads green as "fine", so neither its ranking bar
    # nor its weekly line may be green; its card says 滞后 and the bar takes that card's colour.
    at = open_page(PAGE, township=["赵家沟乡"])
    assert "滞后" in _cards(at)
    bar = figure(at, "破零率（点击乡镇可筛选）")["data"][0]
    assert bar["marker"]["color"] == [theme.status_colour("behind")]
    line = figure(at, "破零率逐周变化")["data"][0]
    assert not _green(line["line"]["color"]), line["line"]["color"]


def _green(colour: str) -> bool:
    """Whether a #RRGGBB colour is one a reader calls green (hue 75°–165°, not grey)."""
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    return saturation > 0.25 and 75 <= hue * 360 <= 165
