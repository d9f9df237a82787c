"""资金 in AppTest: the total against 8,000 万元, by source, township and month, checked against the store itself."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import open_tab, page_text, run_module, tab_labels
from tracker.contract.paths import SAMPLE_DIR
from tracker.ingest.importer import import_paths
from tracker.present.funds_charts import KNOWN_SOURCES

PAGE = "app_pages/funds.py"


def _sql(store: Path, query: str) -> list[dict]:
    """A read through the public `python -m tracker sql`, independent of the page's named queries."""
    done = run_module("--data-dir", store, "sql", query, "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _cards(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html") if "kpi-grid" in h.proto.body)


# Each table is in its own tab of the page.
TABS = {"乡镇": "按乡镇", "拨付日期": "拨付明细"}


def _table(at, first_column: str):
    open_tab(at, TABS[first_column])
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_column)


LATEST = "(SELECT max(as_of) FROM funds WHERE as_of <= DATE '{day}')"


def _total(store: Path, day: str = "2017-10-13", township: str | None = None) -> float:
    where = f"as_of = {LATEST.format(day=day)}" + (f" AND township = '{township}'" if township else "")
    return _sql(store, f"SELECT round(sum(amount_10k), 2) AS total FROM funds WHERE {where}")[0]["total"]


def test_the_county_total_passes_8000_wan_yuan_and_matches_the_ledger(open_page, sample_store: Path) -> None:
    at = open_page(PAGE)
    total = _total(sample_store)
    assert total > 8000  # docs/sample-facts.md 18: more than 80 million yuan in all
    cards = _cards(at)
    assert f">{total:,.2f} 万元<" in cards
    assert "目标 8,000.00 万元" in cards and "已完成" in cards
    assert "资金台账截至 2017年10月13日" in page_text(at)


def test_the_five_sources_add_up_to_the_total(open_page, sample_store: Path) -> None:
    at = open_page(PAGE)
    rows = _sql(
        sample_store,
        f"SELECT source, round(sum(amount_10k), 2) AS amount FROM funds WHERE as_of = {LATEST.format(day='2017-10-13')} "
        "GROUP BY source",
    )
    by_source = {r["source"]: r["amount"] for r in rows}
    assert set(by_source) == set(KNOWN_SOURCES)
    assert sum(by_source.values()) > 8000
    table = _table(at, "乡镇")
    matrix, county = table.iloc[:-1], table.iloc[-1]  # the townships, then the county's row
    assert county["乡镇"] == "全县"
    for source in KNOWN_SOURCES:
        assert round(matrix[source].sum(), 2) == by_source[source] == round(county[source], 2)
    assert round(matrix["合计"].sum(), 2) == _total(sample_store) == round(county["合计"], 2)
    assert "县级统筹" in set(matrix["乡镇"])  # allocations that name no township


def test_a_township_filter_shows_only_that_townships_money(open_page, sample_store: Path) -> None:
    at = open_page(PAGE, township=["赵家沟乡"])
    mine = _total(sample_store, township="赵家沟乡")
    assert 0 < mine < _total(sample_store)
    cards = _cards(at)
    assert f">{mine:,.2f} 万元<" in cards
    assert f">{_total(sample_store):,.2f} 万元<" not in cards
    assert list(_table(at, "乡镇")["乡镇"]) == ["赵家沟乡"]
    detail = _table(at, "拨付日期")
    assert set(detail["乡镇"]) == {"赵家沟乡"}
    assert round(detail["金额（万元）"].sum(), 2) == mine
    assert "不含县级统筹资金" in page_text(at)


def test_an_earlier_week_shows_that_weeks_ledger(open_page, sample_store: Path) -> None:
    at = open_page(PAGE, as_of="2017-06-02")
    then = _total(sample_store, day="2017-06-02")
    assert then < _total(sample_store)
    assert f">{then:,.2f} 万元<" in _cards(at)
    assert "资金台账截至 2017年6月2日" in page_text(at)
    assert "较上周 +" in _cards(at)


def test_amounts_in_the_detail_have_two_decimals(open_page) -> None:
    at = open_page(PAGE)
    detail = _table(at, "拨付日期")
    assert (detail["金额（万元）"].round(2) == detail["金额（万元）"]).all()
    assert sum(len(open_tab(at, label).get("plotly_chart")) for label in tab_labels(at)) == 3


def test_an_empty_store_gets_a_friendly_message(open_page, tmp_path: Path) -> None:
    at = open_page(PAGE, store=tmp_path / "empty")
    assert "暂无数据" in page_text(at)


def test_a_store_without_a_funds_ledger_says_so(open_page, tmp_path: Path) -> None:
    store = tmp_path / "villages_only"
    villages = next((SAMPLE_DIR / "weekly" / "2017-10-13").glob("村级台账_*"))
    assert import_paths([villages], store).status == 0
    at = open_page(PAGE, store=store)
    assert "尚未导入资金台账" in page_text(at)
