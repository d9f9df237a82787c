"""The 督办清单 and the 红黑榜 on the pages (AppTest): who answers for each item behind its plan,
filtered by township like everything else, a leader's own list from `?leader=`, a township user's
own items only, and the weekly report's layout. Expected items come from the oracle
(tests/oracle.py, `Supervision`), never from the code under test."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from synth.sample import make_world
from tests.conftest import open_tab, page_text, tab_labels
from tests.oracle import Supervision
from tracker import access

LAST = dt.date(2017, 10, 13)
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def truth() -> Supervision:
    return Supervision(make_world())


def _list(at):
    return next(d.value for d in at.dataframe if "村（党组织）" in d.value.columns)


def test_the_overviews_first_view_names_the_villages_furthest_behind(open_page, truth: Supervision) -> None:
    at = open_page()
    assert tab_labels(at) == ["排名", "排名表", "督办清单", "红黑榜"]
    assert not at.dataframe  # the list and the ranking wait in their tabs
    briefing = next(h.proto.body for h in at.get("html") if "本周简报" in h.proto.body)
    first = max((i for i in truth.items(LAST) if i.kind == "village"), key=lambda i: i.days_behind)
    assert (
        f"{first.township}{first.name}{first.days_behind}天（包保领导：{first.leader_title}{first.leader}）"
        in briefing
    )


@pytest.mark.parametrize(
    ("page", "kind"), [("app_pages/relocation.py", "village"), ("app_pages/party.py", "org")]
)
def test_relocation_and_party_list_their_own_items_for_the_township_chosen(
    open_page, truth: Supervision, page: str, kind: str
) -> None:
    at = open_page(page, tab="督办清单")
    table = _list(at)
    assert table["村（党组织）"].tolist() == [i.name for i in truth.supervision(LAST, []) if i.kind == kind]
    township = "赵家沟乡"
    at.sidebar.multiselect(key="township").set_value([township]).run()
    assert not at.exception
    expected = [i for i in truth.supervision(LAST, [township]) if i.kind == kind]
    if expected:
        table = _list(at)
        assert set(table["乡镇"]) == {township}
        assert table["村（党组织）"].tolist() == [i.name for i in expected]
    else:
        assert "没有需要督办的事项" in page_text(at)


def test_a_leaders_own_list_comes_from_the_address(open_page, truth: Supervision) -> None:
    leader = truth.supervision(LAST, [])[0].leader  # the leader of the item furthest behind
    at = open_page(tab="督办清单", leader=leader)
    assert at.selectbox(key="leader").value == leader
    table = _list(at)
    mine = truth.supervision(LAST, [], leader)
    assert table["村（党组织）"].tolist() == [i.name for i in mine]
    assert set(table["包保领导"]) == {f"{leader}（{mine[0].leader_title}）"}
    assert len(mine) > len([i for i in mine if i.status in ("逾期", "滞后")])  # their on-plan items too
    # Choosing every leader again brings back the whole list.
    at.selectbox(key="leader").set_value("全部包保领导").run()
    assert _list(at)["村（党组织）"].tolist() == [i.name for i in truth.supervision(LAST, [])]
    other = open_page(tab="督办清单", leader="' OR 1=1 --")  # not a leader: dropped, the whole list
    assert other.selectbox(key="leader").value == "全部包保领导"
    assert len(_list(other)) == len(truth.supervision(LAST, []))


def test_the_list_can_be_downloaded(open_page) -> None:
    at = open_page(tab="督办清单")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载电子表格", "下载逗号分隔文本"]


@pytest.fixture
def secured(sample_store: Path, tmp_path: Path) -> Path:
    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    access.add_user(access.users_path(store), "zjg", "赵家沟乡书记", "township", ["赵家沟乡"], PASSWORD)
    return store


def test_a_township_user_sees_only_their_townships_items(
    open_page, secured: Path, truth: Supervision
) -> None:
    at = open_page(store=secured, tab="督办清单")
    at.text_input(key="sign_in_login").input("zjg")
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.get("form_submit_button")[0].click()
    at.run()
    open_tab(at, "督办清单")
    table = _list(at)
    assert set(table["乡镇"]) == {"赵家沟乡"}
    assert table["村（党组织）"].tolist() == [i.name for i in truth.supervision(LAST, ["赵家沟乡"])]
    others = {i.leader for i in truth.items(LAST) if i.township != "赵家沟乡"} - {
        i.leader for i in truth.items(LAST) if i.township == "赵家沟乡"
    }
    assert not others & set(at.selectbox(key="leader").options)  # no other township's leader to choose
    open_tab(at, "红黑榜")
    assert not at.dataframe
    assert "乡镇账号只能查看本乡镇的数据" in page_text(at)


def test_the_report_layout_draws_the_list_and_the_ranking_without_widgets(
    open_page, truth: Supervision
) -> None:
    at = open_page(report="1")
    # (the sidebar's filters are hidden by the report's CSS; the page itself has no widget and no grid)
    assert "leader" not in [s.key for s in at.selectbox] and not at.dataframe
    text = page_text(at)
    for item in truth.supervision(LAST, []):
        assert item.name in text
    assert "第二批红黑榜" in text and "红榜" in text and "黑榜" in text


def test_without_a_ledger_the_list_says_what_to_import(open_page, tmp_path: Path) -> None:
    from tests.exports import write_csv
    from tracker.ingest.importer import import_paths

    week = tmp_path / "week"
    week.mkdir()
    write_csv(
        week / "村级台账_2017-10-13.csv",
        [["乡镇", "村名", "搬迁批次", "搬迁进度"], ["赵家沟乡", "葫芦山村", "第二批", "动员中"]],
    )
    assert import_paths([week], tmp_path / "s").status == 0
    at = open_page("app_pages/relocation.py", store=tmp_path / "s", tab="督办清单")
    assert "尚未导入包保责任台账" in page_text(at)


def test_the_batch_filter_keeps_that_batchs_villages_and_every_organisation(
    open_page, truth: Supervision
) -> None:
    day = dt.date(2017, 8, 4)  # villages of both batches behind their plans that week
    listed = truth.supervision(day, [])
    assert {i.batch for i in listed if i.kind == "village"} == {1, 2}
    at = open_page(tab="督办清单", batch="第一批", as_of=day.isoformat())
    assert _list(at)["村（党组织）"].tolist() == [i.name for i in listed if i.kind == "org" or i.batch == 1]
