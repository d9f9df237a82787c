"""The first screen tells one story (issue 19), in AppTest on the sample of 2017-10-13.

- One measure: the ranking counts the batch still open (第二批), says so in its title, and its
  lowest township and share are the ones 本周简报 names; the done first batch is a line above.
- One status rule: each ranking row has its own status (checked against the oracle's, worked out
  independently from the generator's world), its target marked, and is green only when the rule
  says so; a total row closes every township table.
- A target for every township: 沙泉乡 and 赵家沟乡 see cards for every batch they have relocation
  villages in, each with its target (from the ledgers, or the targets file), marked 按台账计划 when
  it came from the ledgers.
- Overdue first: the 逾期 joint-branch target leads the overview, 本周简报 and the summary.

Expected figures come from SAMPLE_FACTS.md, from read-only SQL over the imported ledgers, from the
targets file as shipped, or from the oracle (tests/oracle.py); none from the code under test.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from synth.sample import make_world
from tests.conftest import open_tab, page_text
from tests.oracle import Oracle
from tracker.contract.paths import SAMPLE_DIR
from tracker.store.sql_console import run_read_only

AS_OF = dt.date(2017, 10, 13)
JOINT_DUE = dt.date(2017, 6, 30)  # the targets file: 搬迁村建立联合党支部, first batch
NUMBERS = "一二三四五"


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    return Oracle(make_world())


class _Rows(HTMLParser):
    """The rows of the ranking table: attributes of each <tr>, its cells' text, its bar and target mark."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and "data-status" in found:
            self.rows.append({"attrs": found, "cells": [], "fill": None, "mark": None, "mark_title": ""})
        elif not self.rows:
            return
        elif tag == "td":
            self._cell = []
        elif tag == "span" and found.get("class") == "fill":
            self.rows[-1]["fill"] = float(_found(r"width:([\d.]+)%", found["style"] or ""))
        elif tag == "i" and found.get("class") == "mark":
            self.rows[-1]["mark"] = float(_found(r"left:([\d.]+)%", found["style"] or ""))
            self.rows[-1]["mark_title"] = found.get("title") or ""

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None and self.rows:
            self.rows[-1]["cells"].append("".join(self._cell).strip())
            self._cell = None


def _html(at) -> list[str]:
    return [h.proto.body for h in at.get("html")]


def _ranking(at) -> list[dict]:
    table = next(b for b in _html(at) if 'class="rank-table"' in b)
    parser = _Rows()
    parser.feed(table)
    return parser.rows


def _briefing(at) -> str:
    body = next(b for b in _html(at) if 'class="briefing"' in b)
    return re.sub(r"<[^>]+>", "", body.split('class="briefing">', 1)[1])


def _sql(store: Path, sql: str) -> list[tuple]:
    return run_read_only(store, sql)[1]


def _assigned() -> set[tuple[str, str, str]]:
    """(indicator, batch, township) of the township rows in the shipped targets file."""
    path = next(SAMPLE_DIR.glob("目标任务_*.csv"))
    with path.open(encoding="utf-8") as f:
        return {(r["指标"], r["批次"], r["乡镇"]) for r in csv.DictReader(f) if r["乡镇"]}


# --------------------------------------------------------------------------- one measure


def test_the_ranking_counts_the_open_batch_and_says_which(open_page) -> None:
    at = open_page()
    head = next(b for b in _html(at) if "rank-measure" in b)
    assert '<div class="rank-measure">第二批入住比例</div>' in head
    # The done first batch is a line above, with its figures (SAMPLE_FACTS 2 and 3), not mixed in.
    assert "第一批已全部完成：13 个村、189 户、425 人。" in head
    table = next(b for b in _html(at) if 'class="rank-table"' in b)
    assert '<th colspan="3">第二批入住比例</th>' in table
    assert not at.get("plotly_chart"), "总览 draws no plotly figure"


def test_the_lowest_township_is_the_one_the_briefing_names(open_page, sample_store: Path) -> None:
    at = open_page()
    rows = [r for r in _ranking(at) if r["attrs"].get("class") != "total"]
    place, share = rows[-1]["cells"][0], rows[-1]["cells"][2]
    # From the ledger: 赵家沟乡 has 48 second-batch households and none moved in yet.
    planned, moved = _sql(
        sample_store,
        "SELECT count(*), count(*) FILTER (WHERE moved_on <= DATE '2017-10-13') FROM households "
        "WHERE as_of = DATE '2017-10-13' AND relocation_batch = 2 AND township = '赵家沟乡'",
    )[0]
    assert (place, share) == ("赵家沟乡", "0.0%") and planned > 0 and moved == 0
    briefing = _briefing(at)
    named = briefing.split("第二批入住进度低于全县平均")[1].split("的乡镇：")[1].split("。")[0]
    # The briefing names the laggards slowest first: the first one named is the ranking's last.
    assert named.split("、")[0] == f"{place}{share}"


def test_each_row_has_its_own_status_and_target_and_green_means_on_pace(open_page, oracle: Oracle) -> None:
    at = open_page()
    rows = _ranking(at)
    places = [r for r in rows if r["attrs"].get("class") != "total"]
    assert len(places) == 10  # the townships with second-batch households
    words = {"done": "已完成", "on_track": "按期", "behind": "滞后", "overdue": "逾期"}
    for row in places:
        name = row["cells"][0]
        card = next(c for c in oracle.cards(AS_OF, [name], 2) if c.indicator == "households_moved")
        assert row["attrs"]["data-status"] == card.status, name
        assert row["cells"][4] == words[card.status], name
        # The mark is where the township's own target is: its planned households over its households.
        assert row["mark_title"].startswith(f"目标 {round(card.target):,} 户"), (name, row["mark_title"])
        if row["fill"] < row["mark"]:
            assert card.status != "done", name
    colours = {r["attrs"]["data-status"]: r["attrs"]["style"] for r in places}
    # One colour per status, and rows below their target never take the colour of a met one.
    below = {r["attrs"]["style"] for r in places if r["fill"] < r["mark"]}
    assert "done" in colours and colours["done"] not in below


def test_the_total_row_is_the_countys_second_batch(open_page, oracle: Oracle) -> None:
    at = open_page()
    total = next(r for r in _ranking(at) if r["attrs"].get("class") == "total")
    card = next(c for c in oracle.cards(AS_OF, [], 2) if c.indicator == "households_moved")
    assert total["cells"][0] == "全县"
    assert (
        card.actual is not None and total["cells"][3] == f"{round(card.actual)}/455 户"
    )  # 455: SAMPLE_FACTS 20
    assert total["attrs"]["data-status"] == card.status
    assert "data-place" not in total["attrs"]  # the total is not a township to filter to


def test_with_a_batch_chosen_the_ranking_counts_that_batch(open_page) -> None:
    at = open_page(batch="第一批")
    head = next(b for b in _html(at) if "rank-measure" in b)
    assert '<div class="rank-measure">第一批入住比例</div>' in head
    rows = {r["cells"][0]: r for r in _ranking(at)}
    assert rows["赵家沟乡"]["cells"][3] == "101/101 户"  # SAMPLE_FACTS 11
    assert rows["全县"]["cells"][3] == "189/189 户"  # SAMPLE_FACTS 3


# --------------------------------------------------------------------------- overdue first


def _overdue_text() -> str:
    days = (AS_OF - JOINT_DUE).days
    # SAMPLE_FACTS 4: 12 of the 13 first-batch villages have a joint branch; the file's target is 13.
    return f"第一批搬迁村联合党支部数 12 个，目标 13 个，完成时限 2017年6月30日，已逾期 {days} 天"


def test_the_overdue_target_leads_the_overview(open_page) -> None:
    at = open_page()
    bodies = _html(at)
    banner = next(i for i, b in enumerate(bodies) if 'class="deadlines"' in b)
    first_card = next(i for i, b in enumerate(bodies) if "kpi-grid" in b)
    briefing = next(i for i, b in enumerate(bodies) if 'class="briefing"' in b)
    assert banner < briefing < first_card
    assert _overdue_text() in bodies[banner] and 'data-kind="overdue"' in bodies[banner]
    first_sentence = _briefing(at).split("。")[0]
    assert "逾期" in first_sentence and "第一批搬迁村联合党支部数12个（目标13个" in first_sentence
    assert f"已逾期{(AS_OF - JOINT_DUE).days}天" in first_sentence


def test_the_summary_image_leads_with_the_overdue_target(open_page) -> None:
    at = open_page("app_pages/summary.py", report="1")
    # The summary is one fragment (the image's HTML); 总览's banner (deadlines.banner_html) is drawn
    # inside it, straight under its title: before 本周简报, the cards and the ranking.
    summary = next(b for b in _html(at) if 'class="wk-sum"' in b).split('class="wk-sum"', 1)[1]
    banner = summary.index('class="deadlines"')
    assert banner < summary.index('class="briefing"') < summary.index("乡镇排名")
    before = re.sub(r"<[^>]+>", "", summary[: summary.rindex("<", 0, banner)]).lstrip(">")
    assert before == "河曲县脱贫攻坚周报全县 · 2017年第41周 · 数据截至2017年10月13日"  # only the title above
    first = re.search(r'data-kind="(\w+)".*?<span class="what">(.*?)</span>', summary[banner:])
    assert first is not None and first.groups() == ("overdue", _overdue_text())
    assert "联合党支部" in _briefing(at).split("。")[0]


def test_a_township_with_nothing_overdue_has_no_banner(open_page, oracle: Oracle) -> None:
    at = open_page(township=["沙泉乡"])
    assert not any(c.status == "overdue" for c in oracle.cards(AS_OF, ["沙泉乡"], None))
    assert not any('class="deadlines"' in b for b in _html(at))


# --------------------------------------------------------------------------- a target for every township


def _cards(at) -> dict[str, str]:
    grid = "\n".join(b for b in _html(at) if "kpi-grid" in b)
    out = {}
    for block in grid.split('<div class="kpi"')[1:]:
        label = _found(r'<div class="label">(.*?)</div>', block)
        out[label] = block
    return out


@pytest.mark.parametrize("township", ["沙泉乡", "赵家沟乡"])
@pytest.mark.parametrize("page", ["app_pages/overview.py", "app_pages/relocation.py"])
def test_a_township_sees_every_batch_it_has_villages_in_with_its_targets(
    open_page, sample_store: Path, township: str, page: str
) -> None:
    plan = _sql(
        sample_store,
        "SELECT relocation_batch, count(*), sum(planned_households), sum(planned_people) FROM villages "
        f"WHERE as_of = DATE '2017-10-13' AND township = '{township}' AND relocation_batch IS NOT NULL "
        "GROUP BY ALL ORDER BY 1",
    )
    assert plan, "the sample has relocation villages there"
    at = open_page(page, township=[township])
    cards = _cards(at)
    assigned = _assigned()
    for batch, villages, households, people in plan:
        word = f"第{NUMBERS[batch - 1]}批"
        for indicator, label, target in (
            ("villages_completed", "完成整村搬迁村数", f"目标 {villages} 个村"),
            ("households_moved", "搬迁入住户数", f"目标 {households:,} 户"),
            ("people_moved", "搬迁入住人数", f"目标 {people:,} 人"),
        ):
            card = cards.get(f"{word}{label}")
            assert card is not None, (page, township, f"{word}{label}", list(cards))
            assert target in card, (page, township, label, card)
            derived = (indicator, str(batch), township) not in assigned
            assert ('<span class="basis">按台账计划</span>' in card) == derived, (page, township, label)
    text = page_text(at)
    assert "尚未下达" not in text and "未分解" not in text and "未下达" not in text


def test_a_townships_rectification_target_is_its_weak_organizations(open_page, sample_store: Path) -> None:
    weak = _sql(
        sample_store,
        "SELECT count(*) FROM party_orgs WHERE as_of = DATE '2017-10-13' AND weak_lax AND township = '赵家沟乡'",
    )[0][0]
    at = open_page("app_pages/party.py", township=["赵家沟乡"])
    card = _cards(at)["软弱涣散党组织整顿完成数"]
    assert f"目标 {weak} 个" in card and "按台账计划" in card
    assert "未分解" not in page_text(at)


# --------------------------------------------------------------------------- township tables


@pytest.mark.parametrize(
    ("page", "tab", "county_column", "sql"),
    [
        (
            "app_pages/relocation.py",
            "明细",
            "已入住户",
            "SELECT count(*) FROM households WHERE as_of = DATE '2017-10-13' AND moved_on <= DATE '2017-10-13'",
        ),
        (
            "app_pages/collective.py",
            "乡镇明细",
            "已破零村",
            "SELECT count(*) FROM villages WHERE as_of = DATE '2017-10-13' AND collective_income_10k > 0",
        ),
        (
            "app_pages/party.py",
            "整顿",
            "软弱涣散党组织",
            "SELECT count(*) FROM party_orgs WHERE as_of = DATE '2017-10-13' AND weak_lax",
        ),
        (
            "app_pages/funds.py",
            "按乡镇",
            "合计",
            "SELECT sum(amount_10k) FROM funds WHERE as_of = DATE '2017-10-13'",
        ),
        (
            "app_pages/overview.py",
            "排名表",
            "已入住户",
            "SELECT count(*) FROM households WHERE as_of = DATE '2017-10-13' AND relocation_batch = 2 "
            "AND moved_on <= DATE '2017-10-13'",
        ),
    ],
)
def test_every_township_table_ends_with_the_county(
    open_page, sample_store: Path, page: str, tab: str, county_column: str, sql: str
) -> None:
    at = open_tab(open_page(page), tab)
    table = next(d.value for d in at.dataframe if "乡镇" in getattr(d.value, "data", d.value).columns)
    frame = getattr(table, "data", table)
    last = frame.iloc[-1]
    assert last["乡镇"] == "全县"
    assert float(last[county_column]) == pytest.approx(float(_sql(sample_store, sql)[0][0]))
    status = [c for c in frame.columns if str(c).startswith("状态")]
    if page != "app_pages/funds.py":  # funds have no township targets: no status to show
        assert status, frame.columns
        assert set(frame[status[0]]) <= {"已完成", "按期", "滞后", "逾期", ""}


def _found(pattern: str, text: str) -> str:
    """The first group of pattern in text (the test fails where the drawn HTML lacks it)."""
    match = re.search(pattern, text)
    assert match is not None, f"{pattern} not in {text[:200]}"
    return match.group(1)
