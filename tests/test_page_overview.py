"""总览 in AppTest: the cards show the report's figures, for the county and for one township."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import page_text


def _cards(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html") if "kpi-grid" in h.proto.body)


def test_county_cards_show_the_first_batch_as_reported(open_page) -> None:
    at = open_page()
    cards = _cards(at)
    assert "第一批完成整村搬迁村数" in cards
    # 13 villages completed, 189 households and 425 people moved (docs/sample-facts.md 2, 3).
    assert ">13 个村<" in cards and ">189 户<" in cards and ">425 人<" in cards
    # Second batch against its target of 20 / 455 / 1,052 due 2017-10-31 (fact 20).
    assert "目标 20 个村" in cards and "目标 455 户" in cards and "目标 1,052 人" in cards
    assert "时限 2017年10月31日" in cards
    assert "数据截至 2017年10月13日" in page_text(at)


def test_township_filter_from_the_url_narrows_every_card(open_page) -> None:
    at = open_page(township=["赵家沟乡"])
    cards = _cards(at)
    # 赵家沟乡: 7 first-batch villages, 101 households, 228 people (facts 10, 11).
    assert ">7 个村<" in cards and ">101 户<" in cards and ">228 人<" in cards
    assert ">189 户<" not in cards
    assert "赵家沟乡" in page_text(at)


def test_an_earlier_week_shows_earlier_figures_and_the_weekly_change(open_page) -> None:
    at = open_page(as_of="2017-06-02")
    cards = _cards(at)
    assert "数据截至 2017年6月2日" in page_text(at)
    assert ">189 户<" not in cards  # the first batch was still moving in early June
    assert "较上周 +" in cards


def test_the_ranking_table_lists_every_township_and_the_county(open_page) -> None:
    at = open_page(tab="排名表")
    table = at.dataframe[0].value
    ranking = getattr(table, "data", table)  # status-coloured: a pandas Styler
    assert len(ranking) == 13 + 1 and ranking["乡镇"].iloc[-1] == "全县"
    # The table counts the batch still open, the second: 赵家沟乡's 3 villages are in preparation
    # (SAMPLE_FACTS 12), the county's 20 are due 2017-10-31 (SAMPLE_FACTS 20).
    zhaojiagou = ranking[ranking["乡镇"] == "赵家沟乡"].iloc[0]
    assert (zhaojiagou["搬迁村"], zhaojiagou["已完成搬迁村"]) == (3, 0)
    assert ranking["搬迁村"].iloc[-1] == 20


def test_an_empty_store_gets_a_friendly_message(open_page, tmp_path: Path) -> None:
    at = open_page(store=tmp_path / "empty")
    assert "暂无数据" in page_text(at)
