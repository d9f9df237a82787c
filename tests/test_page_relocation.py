"""整村搬迁 in AppTest: what a leader reads on the page, checked against docs/sample-facts.md.

Every assertion is on text the page shows (cards, headings, messages) or on the
tables it offers for download, never on the queries behind them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import open_tab, page_text
from tracker.contract.paths import SAMPLE_DIR
from tracker.ingest.importer import import_paths
from tracker.store.reader import Reader

PAGE = "app_pages/relocation.py"
COMPLETED = {"已搬迁", "已拆除复垦", "已销号"}
HOUSEHOLD_COLUMNS = [
    "户编号",
    "户主",
    "人口数",
    "贫困户",
    "安置方式",
    "安置地点",
    "入住日期",
    "拆除房屋（间）",
    "腾退宅基地（平方米）",
    "已复垦",
    "户籍已迁移",
    "奖补资金（元）",
    "自筹资金（元）",
    "自筹上限（元）",
    "超出自筹上限",
]


def _cards(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html") if "kpi-grid" in h.proto.body)


def _card(at, label: str) -> str:
    """The HTML of the card with exactly this label."""
    found = re.findall(r'<div class="kpi".*?</div></div>', _cards(at))
    matching = [c for c in found if f'<div class="label">{label}</div>' in c]
    assert matching, f"no card {label!r}"
    return matching[0]


TABLES = {
    "townships": ("乡镇", "搬迁村", "已完成搬迁村"),
    "demolition by township": ("乡镇", "已拆除复垦村", "拆除房屋（间）"),
    "villages": ("乡镇", "村名", "批次", "搬迁进度"),
    "modes": ("安置方式", "户数", "人数"),
    "households": ("户编号", "户主", "人口数"),
}


def _table(at, name: str) -> pd.DataFrame:
    """The table the page shows under that name, found by its column headings."""
    wanted = TABLES[name]
    return next(d.value for d in at.dataframe if all(c in d.value.columns for c in wanted))


def _villages(at) -> pd.DataFrame:
    return _table(at, "villages")


def test_county_first_batch_as_reported_and_second_batch_against_its_target(open_page) -> None:
    at = open_page(PAGE, tab="明细")  # the cards head every tab; the tables are under 明细
    text = page_text(at)
    assert "数据截至 2017年10月13日" in text
    # docs/sample-facts.md 2, 3: 13 first-batch villages completed, 189 households / 425 people moved.
    assert ">13 个村<" in _card(at, "第一批完成整村搬迁村数")
    assert ">189 户<" in _card(at, "第一批搬迁入住户数")
    assert ">425 人<" in _card(at, "第一批搬迁入住人数")
    # docs/sample-facts.md 20: the second batch against 20 / 455 / 1,052 due 2017-10-31.
    assert "第二批**（完成时限 2017年10月31日）" in text
    assert "目标 20 个村" in _card(at, "第二批完成整村搬迁村数")
    assert "目标 455 户" in _card(at, "第二批搬迁入住户数")
    assert "目标 1,052 人" in _card(at, "第二批搬迁入住人数")
    assert "时限 2017年10月31日" in _card(at, "第二批搬迁入住人数")

    villages = _villages(at)
    assert len(villages) == 33  # 13 + 20 relocation villages
    first = villages[villages["批次"] == "第一批"]
    done = first[first["搬迁进度"].isin(COMPLETED)]
    assert len(done) == 13
    assert (done["已入住户"].sum(), done["已入住人"].sum()) == (189, 425)
    # docs/sample-facts.md 5, 6: all 13 registrations transferred, all demolished and reclaimed.
    assert (done["户籍已迁移"] == "是").sum() == 13
    assert done["搬迁进度"].isin({"已拆除复垦", "已销号"}).sum() == 13
    assert ">13 个村<" in _card(at, "第一批户籍已迁移村数")
    assert ">13 个村<" in _card(at, "第一批旧房拆除复垦完成村数")
    # docs/sample-facts.md 17: 沙坪乡张家也村 completed in the first batch.
    zhang = villages[(villages["乡镇"] == "沙坪乡") & (villages["村名"] == "张家也村")].iloc[0]
    assert zhang["批次"] == "第一批" and zhang["搬迁进度"] in COMPLETED

    # Every township with relocation villages is in the township table, which sums to the county,
    # and the county's row closes it (SAMPLE_FACTS 2, 20: 13 + 20 relocation villages).
    table = _table(at, "townships")
    townships, county = table.iloc[:-1], table.iloc[-1]
    assert townships["搬迁村"].sum() == 33 and (county["乡镇"], county["搬迁村"]) == ("全县", 33)
    assert "文笔镇" not in set(townships["乡镇"])


def test_self_funding_caps_are_shown_and_no_poor_household_breaks_them(open_page) -> None:
    at = open_page(PAGE, tab="资金")
    # docs/sample-facts.md 19: more than half of poor households pay nothing; none above the caps.
    free = _card(at, "零自筹贫困户")
    found = re.search(r"占贫困户 ([0-9.]+)%", free)
    assert found, free
    share = float(found.group(1))
    assert share > 50
    capped = _card(at, "超出自筹上限的贫困户")
    assert ">0 户<" in capped and "每人不超过 3,000 元、每户不超过 8,000 元" in capped
    assert "没有贫困户的自筹资金超出上限" in page_text(at)
    assert "万元" in _card(at, "奖补资金") and "万元" in _card(at, "自筹资金")


def test_zhaojiagou_first_batch_as_reported(open_page) -> None:
    at = open_page(PAGE, township=["赵家沟乡"], tab="拆除复垦")
    text = page_text(at)
    assert "赵家沟乡" in text
    # docs/sample-facts.md 10, 11: 7 villages, 101 households, 228 people, 401 rooms, 31,788 m².
    assert ">7 个村<" in _card(at, "第一批完成整村搬迁村数")
    assert "目标 7 个村" in _card(at, "第一批完成整村搬迁村数")
    assert ">101 户<" in _card(at, "第一批搬迁入住户数")
    assert ">228 人<" in _card(at, "第一批搬迁入住人数")
    assert ">401 间<" in _card(at, "拆除旧房")
    assert ">31,788 平方米<" in _card(at, "腾退宅基地")
    assert ">189 户<" not in _cards(at)

    open_tab(at, "明细")
    assert list(_table(at, "townships")["乡镇"]) == ["赵家沟乡"]
    row = _table(at, "demolition by township").iloc[0]
    assert (row["乡镇"], row["拆除房屋（间）"], row["腾退宅基地（平方米）"]) == ("赵家沟乡", 401, 31788)
    villages = _villages(at)
    assert set(villages["乡镇"]) == {"赵家沟乡"}
    # docs/sample-facts.md 12: three second-batch villages in preparation, 葫芦山村 among them.
    second = villages[villages["批次"] == "第二批"]
    assert len(second) == 3 and "葫芦山村" in set(second["村名"])
    assert not second["搬迁进度"].isin(COMPLETED).any()


def test_xiayupiwa_by_resettlement_mode_and_its_households(open_page) -> None:
    at = open_page(PAGE, township=["巡镇镇"], batch="第一批", tab="安置方式")
    # docs/sample-facts.md 14: 巡镇镇's first batch is 下榆皮洼村 alone, so the modes are its own.
    modes = _table(at, "modes").set_index("安置方式")
    expected = {
        "县城集中安置": (9, 28),
        "邻村就近安置": (2, 5),
        "外县安置": (3, 3),
        "中心村安置": (1, 3),
        "其他乡镇安置": (1, 1),
    }
    assert {m: (int(r["户数"]), int(r["人数"])) for m, r in modes.iterrows()} == expected

    open_tab(at, "明细")
    at.selectbox(key="relocation_village").select("巡镇镇 · 下榆皮洼村").run()
    assert not at.exception
    text = page_text(at)
    # docs/sample-facts.md 13, 15: 16 households / 40 people, 3 poor households / 5 people, into 上榆皮洼村.
    assert "16 户 40 人，其中贫困户 3 户 5 人" in text
    assert "迁入上榆皮洼村" in text
    assert "县城集中安置 9户28人" in text and "邻村就近安置 2户5人" in text
    households = _table(at, "households")
    assert list(households.columns) == HOUSEHOLD_COLUMNS
    assert len(households) == 16 and households["人口数"].sum() == 40
    assert (households["贫困户"] == "是").sum() == 3


def test_no_id_hash_or_unmasked_name_reaches_the_page(open_page, sample_store: Path) -> None:
    at = open_page(PAGE, township=["巡镇镇"])
    shown = ""
    for label in ("进度", "安置方式", "拆除复垦", "资金"):  # every section of the page, 明细 last
        open_tab(at, label)
        shown += page_text(at) + "\n".join(d.value.to_csv() for d in at.dataframe)
    open_tab(at, "明细")
    at.selectbox(key="relocation_village").select("巡镇镇 · 下榆皮洼村").run()
    shown += page_text(at) + "\n".join(d.value.to_csv() for d in at.dataframe)
    stored = (
        Reader(sample_store)
        .cursor()
        .execute("SELECT DISTINCT id_hash FROM households WHERE id_hash IS NOT NULL")
        .fetchall()
    )
    assert stored, "the sample should carry ID hashes"
    assert not any(h in shown for (h,) in stored)
    assert not any(h[:12] in shown for (h,) in stored)
    households = _table(at, "households")
    assert households["户主"].str.contains(r"\*").all()


def test_a_township_without_relocation_villages_gets_a_friendly_message(open_page) -> None:
    at = open_page(PAGE, township=["文笔镇"], tab="明细")
    assert "文笔镇没有整村搬迁村" in page_text(at)
    assert not at.dataframe


def test_the_batch_filter_narrows_every_card(open_page) -> None:
    at = open_page(PAGE, batch="第二批", tab="明细")
    cards = _cards(at)
    assert "第二批完成整村搬迁村数" in cards and "第一批完成整村搬迁村数" not in cards
    assert set(_villages(at)["批次"]) == {"第二批"}
    assert _villages(at).shape[0] == 20


def test_an_empty_store_gets_a_friendly_message(open_page, tmp_path: Path) -> None:
    at = open_page(PAGE, store=tmp_path / "empty")
    assert "暂无数据" in page_text(at)


@pytest.fixture
def villages_only(tmp_path: Path) -> Path:
    """A store with the village ledger of 2017-10-13 and no households ledger."""
    folder = tmp_path / "villages_only"
    ledger = SAMPLE_DIR / "weekly" / "2017-10-13" / "村级台账_2017-10-13.csv"
    assert import_paths([ledger], folder).status == 0
    return folder


def test_a_snapshot_without_households_shows_the_villages_and_says_why_the_rest_is_missing(
    open_page, villages_only: Path
) -> None:
    at = open_page(PAGE, store=villages_only)
    text = page_text(at)
    assert "尚无搬迁户台账数据" in text
    assert ">13 个村<" in _card(at, "第一批完成整村搬迁村数")
    open_tab(at, "明细")
    assert len(_villages(at)) == 33


def test_a_poor_household_over_the_cap_is_listed_masked(open_page, tmp_path) -> None:
    from tests.exports import write_csv
    from tracker.ingest.importer import import_paths

    villages = [["乡镇", "村名", "搬迁批次", "搬迁进度"], ["赵家沟乡", "葫芦山村", "第二批", "搬迁中"]]
    households = [
        ["户编号", "户主", "乡镇", "迁出村", "搬迁批次", "是否贫困户", "人口数", "自筹资金（元）"],
        ["1409302080010001", "张海根", "赵家沟乡", "葫芦山村", "第二批", "是", "2", "7000"],  # cap 6,000
        ["1409302080010002", "李引师", "赵家沟乡", "葫芦山村", "第二批", "是", "1", "0"],
        ["1409302080010003", "王二", "赵家沟乡", "葫芦山村", "第二批", "是", "4", "8000"],  # at the cap
    ]
    store = tmp_path / "store"
    outcome = import_paths(
        [
            write_csv(tmp_path / "v_2017-10-13.csv", villages),
            write_csv(tmp_path / "h_2017-10-13.csv", households),
        ],
        store,
    )
    assert outcome.status == 0, outcome.errors
    at = open_page("app_pages/relocation.py", store=store, tab="资金")
    assert "1 户贫困户的自筹资金超出上限" in page_text(at)
    flagged = next(t.value for t in at.dataframe if "自筹上限（元）" in t.value.columns)
    assert list(flagged["户编号"]) == ["1409302080010001"]
    assert "张*根" in set(flagged.astype(str).to_numpy().ravel())
    assert "张海根" not in page_text(at)


def _batch_headings(at) -> list[str]:
    """The batch rows' headings in the order the page draws them."""
    return [m.value.split("**")[1] for m in at.markdown if m.value.startswith("**第") and "批**" in m.value]


def test_the_batch_still_open_comes_before_a_finished_one(open_page) -> None:
    # On 2017-10-13 the first batch has met every target and the second is behind: a leader on a
    # phone reads the second batch's cards first, not after scrolling past six finished ones.
    assert _batch_headings(open_page(PAGE)) == ["第二批", "第一批"]
    # Before the first batch's deadline both are open, and they read in their own order.
    assert _batch_headings(open_page(PAGE, as_of="2017-06-02")) == ["第一批", "第二批"]
