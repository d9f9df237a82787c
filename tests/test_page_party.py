"""党建 in AppTest: weak organizations under rectification, joint branches, floating members, first secretaries.

Figures are checked against docs/sample-facts.md (facts 4, 7 and 9 on 2017-10-13) and,
where the report says nothing, against the store read with plain SQL rather than
the page's own named queries.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import open_tab, page_text
from tests.plotly_spec import chart_annotations, figure
from tracker.contract.paths import SAMPLE_DIR
from tracker.ingest.importer import import_paths
from tracker.rules import party
from tracker.store.reader import Reader

PAGE = "app_pages/party.py"
LAST_WEEK = SAMPLE_DIR / "weekly" / "2017-10-13"


def _cards(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html") if "kpi-grid" in h.proto.body)


# Each list is in its own tab of the page.
TABS = {"整顿状态": "整顿", "联合党支部": "联合党支部", "流动党员数": "流动党员", "第一书记": "第一书记"}


def _table(at, column: str) -> pd.DataFrame:
    """The table that has this column, in the tab that holds it (tables are told apart by what they show)."""
    open_tab(at, TABS[column])
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _sql(folder: Path, sql: str, **params: object) -> list[tuple]:
    return Reader(folder).cursor().execute(sql, params).fetchall()


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_county_figures_match_the_report(open_page) -> None:
    at = open_page(PAGE)
    cards = _cards(at)
    # Fact 7: 36 weak and lax organizations under concentrated rectification.
    assert '软弱涣散党组织</div><div class="value">36 个<' in cards
    assert "目标 36 个" in cards  # the rectification target beside the number rectified
    # Fact 9: 665 floating party members kept by the floating-member branches.
    assert ">665 人<" in cards
    # Fact 4: 12 of the 13 completed first-batch villages have a joint branch.
    assert "第一批搬迁村联合党支部数" in cards and ">12 个<" in cards and "目标 13 个" in cards
    # The second batch has no joint-branch target: its card measures against the villages that need one.
    assert "第二批搬迁村联合党支部数" in cards and "应建 8 个（已完成整村搬迁村数）" in cards
    open_tab(at, "联合党支部")
    assert "第一批**：已完成整村搬迁 13 个村，其中 12 个已建立联合党支部，1 个尚未建立" in _markdown(at)
    weak = _table(at, "整顿状态")
    assert len(weak) == 36
    assert _table(at, "流动党员数")["流动党员数"].sum() == 665
    assert "数据截至 2017年10月13日" in page_text(at)


def test_weak_organizations_by_stage_add_up_and_the_target_is_drawn(open_page, sample_store: Path) -> None:
    at = open_page(PAGE)
    stages = dict(
        _sql(
            sample_store,
            "SELECT rectification_status, count(*) FROM party_orgs WHERE as_of = '2017-10-13' AND weak_lax GROUP BY 1",
        )
    )
    assert sum(stages.values()) == 36
    shown = _table(at, "整顿状态")["整顿状态"].value_counts().to_dict()
    assert shown == stages
    by_township = figure(at, "各乡镇整顿进度")
    assert sum(sum(trace["x"]) for trace in by_township["data"]) == 36
    assert {trace["name"] for trace in by_township["data"]} == set(stages)
    trend = figure(at, "整顿进度逐周变化")
    assert any("整顿完成目标 36 个" in text for text in chart_annotations(trend))
    assert len(trend["data"][0]["x"]) == 24
    rectified = stages.get("已整顿", 0) + stages.get("已验收", 0)
    assert f">{rectified} 个<" in _cards(at)


def test_the_first_batch_filter_lists_the_13_completed_villages(open_page) -> None:
    at = open_page(PAGE, batch="第一批")
    joint = _table(at, "联合党支部")
    assert len(joint) == 13
    assert (joint["联合党支部"] == "已建立").sum() == 12
    assert set(joint["搬迁批次"]) == {"第一批"}
    assert "第二批搬迁村联合党支部数" not in _cards(at)
    # The batch filter does not touch the organizations that are not about relocation.
    assert len(_table(at, "整顿状态")) == 36
    assert "搬迁批次筛选只作用于联合党支部" in page_text(at)


def test_a_township_filter_shows_only_that_township(open_page, sample_store: Path) -> None:
    at = open_page(PAGE, township=["赵家沟乡"])
    weak = _table(at, "整顿状态")
    expected_weak = _sql(
        sample_store,
        "SELECT count(*) FROM party_orgs WHERE as_of = '2017-10-13' AND weak_lax AND township = '赵家沟乡'",
    )[0][0]
    assert set(weak["乡镇"]) == {"赵家沟乡"} and len(weak) == expected_weak
    floating = _table(at, "流动党员数")
    assert list(floating["乡镇"]) == ["赵家沟乡"]
    mine = _sql(
        sample_store,
        "SELECT sum(floating_members) FROM party_orgs WHERE as_of = '2017-10-13' AND org_type = '流动党员党支部' "
        "AND township = '赵家沟乡'",
    )[0][0]
    cards = _cards(at)
    assert f">{mine} 人<" in cards and ">665 人<" not in cards
    # Fact 10: 赵家沟乡 completed 7 first-batch villages; each needs a joint branch.
    joint = _table(at, "联合党支部")
    assert set(joint["乡镇"]) == {"赵家沟乡"}
    assert (joint["搬迁批次"] == "第一批").sum() == 7
    coverage = _table(at, "第一书记")
    assert set(coverage["乡镇"]) == {"赵家沟乡"}
    # The targets file names no rectification target for a township: its own weak organizations
    # are its target, marked as worked out from the ledger (按台账计划), never as an assigned one.
    open_tab(at, "整顿")
    weak = _sql(
        sample_store,
        "SELECT count(*) FROM party_orgs WHERE as_of = '2017-10-13' AND weak_lax AND township = '赵家沟乡'",
    )[0][0]
    assert f"目标 {weak} 个" in cards and "按台账计划" in cards
    assert "未分解" not in page_text(at)


def test_two_townships_show_both_and_nothing_else(open_page) -> None:
    chosen = ["赵家沟乡", "沙坪乡"]
    at = open_page(PAGE, township=chosen)
    assert sorted(_table(at, "流动党员数")["乡镇"]) == sorted(chosen)
    assert set(_table(at, "整顿状态")["乡镇"]) <= set(chosen)
    assert set(_table(at, "联合党支部")["乡镇"]) == set(chosen)  # both completed first-batch villages
    assert set(_table(at, "第一书记")["乡镇"]) == set(chosen)


def test_first_secretary_coverage_is_defined_and_counted(open_page, sample_store: Path) -> None:
    at = open_page(PAGE)
    covered, branches, merged = _sql(
        sample_store,
        """
        SELECT count(o.first_secretary), count(o.org_name), count(*) - count(o.org_name)
        FROM villages v LEFT JOIN party_orgs o
          ON o.as_of = v.as_of AND o.township = v.township AND o.org_name = v.village || '党支部'
        WHERE v.as_of = '2017-10-13' AND v.poverty_class IN ('贫困村', '深度贫困村')
        """,
    )[0]
    cards = _cards(at)
    assert f">{100 * covered / branches:.1f}%<" in cards
    assert f"{covered} / {branches} 个贫困村党支部" in cards and "目标 100.0%（全覆盖）" in cards
    open_tab(at, "第一书记")
    text = page_text(at)
    assert party.COVERAGE_DEFINITION in text
    assert f"另有 {merged} 个贫困村" in text
    listed = _table(at, "第一书记")
    assert len(listed) == branches + merged
    assert (listed["第一书记"] == party.NO_BRANCH).sum() == merged
    assert any("全覆盖 100%" in t for t in chart_annotations(figure(at, "第一书记覆盖率")))


def test_an_earlier_week_shows_its_own_earlier_figures(open_page, sample_store: Path) -> None:
    at = open_page(PAGE, as_of="2017-06-02")
    floating = _sql(
        sample_store,
        "SELECT sum(floating_members) FROM party_orgs WHERE as_of = '2017-06-02' AND org_type = '流动党员党支部'",
    )[0][0]
    assert floating != 665
    cards = _cards(at)
    assert f">{floating} 人<" in cards and ">665 人<" not in cards
    weak = _table(at, "整顿状态")
    assert len(weak) == 36
    assert not weak["整顿状态"].isin(["已整顿", "已验收"]).any()  # none finished rectification by early June
    assert "数据截至 2017年6月2日" in page_text(at)
    assert len(figure(at, "整顿进度逐周变化")["data"][0]["x"]) == 5  # 5 May … 2 June
    open_tab(at, "联合党支部")
    assert "其中 12 个已建立联合党支部" not in _markdown(at)


def test_an_empty_store_gets_a_friendly_message(open_page, tmp_path: Path) -> None:
    at = open_page(PAGE, store=tmp_path / "empty")
    assert "暂无数据" in page_text(at)
    assert not at.dataframe


def test_a_store_without_the_party_ledger_says_so_and_still_shows_joint_branches(
    open_page, tmp_path: Path
) -> None:
    folder = tmp_path / "villages_only"
    assert import_paths([LAST_WEEK / "村级台账_2017-10-13.csv"], folder).status == 0
    at = open_page(PAGE, store=folder)
    assert "没有党组织台账数据" in page_text(at)
    assert len(_table(at, "联合党支部")) > 0
    open_tab(at, "整顿")
    assert not any("整顿状态" in d.value.columns for d in at.dataframe)


@pytest.mark.parametrize(
    ("org_name", "secretary", "counted", "covered"),
    [("甲村党支部", "王*", 1, 1), ("甲村党支部", None, 1, 0), ("甲村党支部", " ", 1, 0), (None, None, 0, 0)],
)
def test_coverage_counts_own_branches_with_a_named_secretary(
    org_name: str | None, secretary: str | None, counted: int, covered: int
) -> None:
    rows = pd.DataFrame(
        {
            "township": ["甲乡", "甲乡"],
            "village": ["甲村", "乙村"],
            "poverty_class": ["贫困村", "非贫困村"],  # a non-poor village never counts
            "org_name": [org_name, "乙村党支部"],
            "first_secretary": [secretary, "李*"],
        }
    )
    result = party.coverage(rows)
    assert (result.branches, result.covered, result.without_branch) == (counted, covered, 1 - counted)
    assert result.rate == (100.0 * covered / counted if counted else None)
