"""Pages in tabs, in AppTest: a first view draws one section, each tab draws its own, a link opens
the tab it names, the filters hold in every tab, and the report layout still draws every section.

The figures are found by the titles a leader reads; their numbers are checked against
docs/sample-facts.md (2, 3 and 20: the first batch's 189 households / 425 people moved, the second
batch's 455 / 1,052 due 2017-10-31).
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import open_tab, page_text, tab_labels
from tests.plotly_spec import chart_annotations, figure

# Each page's tabs, and the figures each tab draws (by a part of its title).
SECTIONS: dict[str, dict[str, list[str]]] = {
    "app_pages/overview.py": {"排名": [], "排名表": [], "督办清单": [], "红黑榜": []},  # no plotly on 总览
    "app_pages/relocation.py": {
        "进度": ["各乡镇搬迁村所处阶段", "第一批搬迁入住进度", "第二批搬迁入住进度"],
        "安置方式": ["全部搬迁户按安置方式", "各乡镇安置方式"],
        "拆除复垦": ["宅基地腾退与复垦"],
        "资金": ["贫困户自筹资金与上限"],
        "明细": [],
        "督办清单": [],
    },
    "app_pages/collective.py": {
        "破零率": ["村集体经济破零率", "全县破零率逐周变化"],
        "未破零村": [],
        "收入与光伏": ["行政村集体经济收入分布", "各乡镇光伏装机"],
        "乡镇明细": [],
    },
    "app_pages/party.py": {
        "整顿": ["各乡镇整顿进度", "整顿进度逐周变化"],
        "联合党支部": ["各乡镇联合党支部"],
        "流动党员": ["各乡镇流动党员", "流动党员逐周变化"],
        "第一书记": ["第一书记覆盖率"],
        "督办清单": [],
    },
    "app_pages/funds.py": {
        "逐月": ["逐月拨付与累计"],
        "按来源": ["各来源资金"],
        "按乡镇": ["各乡镇资金"],
        "拨付明细": [],
    },
}


def _titles(at) -> list[str]:
    return [
        json.loads(c.proto.spec)["layout"].get("title", {}).get("text", "") for c in at.get("plotly_chart")
    ]


def _drawn(at, wanted: list[str]) -> bool:
    titles = _titles(at)
    return len(titles) == len(wanted) and all(any(w in t for t in titles) for w in wanted)


@pytest.mark.parametrize("page", list(SECTIONS))
def test_a_first_view_draws_the_first_section_and_each_tab_its_own(open_page, page: str) -> None:
    at = open_page(page)
    sections = SECTIONS[page]
    assert tab_labels(at) == list(sections)
    first = next(iter(sections))
    assert _drawn(at, sections[first]), (first, _titles(at))
    if page != "app_pages/party.py":  # (党建's first section ends with its list of organizations)
        assert not at.dataframe, "a first view waits for no data grid"
    for label, wanted in sections.items():
        open_tab(at, label)
        assert _drawn(at, wanted), (label, _titles(at))


def test_the_relocation_pages_first_view_shows_the_batches_as_reported(open_page) -> None:
    at = open_page("app_pages/relocation.py")
    stages = figure(at, "各乡镇搬迁村所处阶段")
    assert sum(sum(trace["x"]) for trace in stages["data"]) == 33  # 13 + 20 relocation villages
    first = figure(at, "第一批搬迁入住进度")
    moved = {trace["name"]: trace["y"][-1] for trace in first["data"]}
    assert (moved["入住户数"], moved["入住人数"]) == (189, 425)
    assert {"目标 189 户", "目标 425 人"} <= set(chart_annotations(first))
    second = figure(at, "第二批搬迁入住进度")
    assert {"目标 455 户", "目标 1,052 人"} <= set(chart_annotations(second))
    assert "时限 10月31日" in second["layout"]["title"]["text"]


def test_the_funds_pages_first_view_adds_up_to_the_total(open_page) -> None:
    at = open_page("app_pages/funds.py")
    traces = {t["name"]: t for t in figure(at, "逐月拨付与累计")["data"]}
    monthly, cumulative = traces["当月拨付"]["y"], traces["累计拨付"]["y"]
    assert cumulative[-1] == pytest.approx(sum(monthly))
    # Every allocation of the sample has a date, so the line ends at the total on the card.
    assert "未填拨付日期" not in page_text(at)
    card = next(h.proto.body for h in at.get("html") if "整合资金" in h.proto.body)
    assert f'<div class="value">{cumulative[-1]:,.2f} 万元<' in card


def test_a_link_with_a_tab_opens_that_tab_and_an_unknown_tab_the_first(open_page) -> None:
    at = open_page("app_pages/relocation.py", tab="资金")
    assert at.session_state["tab"] == "资金" and at.query_params["tab"] == "资金"
    assert _titles(at) == ["贫困户自筹资金与上限"]
    assert "超出自筹上限的贫困户" in page_text(at)
    odd = open_page("app_pages/relocation.py", tab="不存在的标签")
    assert odd.session_state["tab"] == "进度" and "tab" not in odd.query_params
    assert _drawn(odd, SECTIONS["app_pages/relocation.py"]["进度"])


def test_the_filters_hold_in_every_tab_and_a_tab_outlives_a_filter_change(open_page) -> None:
    at = open_page("app_pages/relocation.py", township=["赵家沟乡"], tab="明细")
    for label in tab_labels(at):
        open_tab(at, label)
        assert "赵家沟乡" in at.query_params["township"]
        for frame in at.dataframe:
            if "乡镇" in frame.value.columns:
                assert set(frame.value["乡镇"]) == {"赵家沟乡"}, label
    open_tab(at, "明细")
    at.sidebar.multiselect(key="township").set_value(["巡镇镇"]).run()
    assert not at.exception
    assert at.session_state["tab"] == "明细"
    villages = next(d.value for d in at.dataframe if "村名" in d.value.columns)
    assert set(villages["乡镇"]) == {"巡镇镇"}


@pytest.mark.parametrize("page", list(SECTIONS))
def test_the_report_layout_draws_every_section_of_the_page(open_page, page: str) -> None:
    report = open_page(page, report="1")
    assert not tab_labels(report), "the report has no tabs"
    every = [title for titles in SECTIONS[page].values() for title in titles]
    assert _drawn(report, every), _titles(report)
