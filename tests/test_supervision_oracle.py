"""The 督办清单, the 红黑榜 and the briefing's villages behind plan against an independent oracle.

tests/oracle.py (`Supervision`) works out, from the sample generator's world and its own 包保
plans (before any file is written), each item's stage against its 倒排工期, days behind, weeks
without progress and status, the list's order and the townships' ranks and changes, with its
own literal rules. Here the same comes from the imported sample store through the real reader,
the named queries and tracker.rules.responsibility; they must agree on every weekly snapshot.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from synth.sample import make_world
from tests.oracle import Item, Supervision
from tracker.contract.missing import is_missing
from tracker.present import supervision as present
from tracker.rules import responsibility as rules
from tracker.store.reader import Reader
from tracker.weekly import briefing

LAST = dt.date(2017, 10, 13)


@pytest.fixture(scope="module")
def truth() -> Supervision:
    return Supervision(make_world())


@pytest.fixture(scope="module")
def query(sample_store: Path):
    return present.cursor_query(Reader(sample_store))


def _day(value: object) -> dt.date | None:
    return None if is_missing(value) else pd.Timestamp(value).date()


def _shown(listed: pd.DataFrame) -> list[tuple]:
    return [
        (
            r.township,
            r.name,
            r.status,
            int(r.days_behind),
            int(r.days_overdue),
            int(r.weeks_still),
            None if is_missing(r.planned_stage) else r.planned_stage,
            _day(r.planned_on),
            r.leader,
            r.leader_title,
            r.lead_department,
            _day(r.deadline),
        )
        for r in listed.itertuples()
    ]


def _expected(items: list[Item]) -> list[tuple]:
    return [
        (
            i.township,
            i.name,
            i.status,
            i.days_behind,
            i.days_overdue,
            i.weeks_still,
            i.planned_stage,
            i.planned_on,
            i.leader,
            i.leader_title,
            i.department,
            i.deadline,
        )
        for i in items
    ]


def test_the_sample_has_items_behind_their_plan(truth: Supervision) -> None:
    """Not a vacuous comparison: on 2017-10-13 villages and organisations are behind their plans, and
    over the weeks items fall behind and catch up (the 红黑榜 moves)."""
    last = truth.supervision(LAST, [])
    assert len([i for i in last if i.kind == "village"]) >= 3
    assert len([i for i in last if i.kind == "org"]) >= 3
    assert sum(len(truth.supervision(week, [])) for week in truth.weeks) > 60
    moves = [r["change"] for week in truth.weeks[1:] for r in truth.red_black(week) if r["change"]]
    assert any(m > 0 for m in moves) and any(m < 0 for m in moves)


def test_every_weeks_supervision_list_agrees_with_the_oracle(truth: Supervision, query) -> None:
    """Each week's 督办清单 for the whole county, item by item and in order."""
    wrong = []
    for as_of in truth.weeks:
        listed = rules.supervision_list(present.assessed_items(query, as_of))
        got, want = _shown(listed), _expected(truth.supervision(as_of, []))
        if got != want:
            wrong.append(f"{as_of}: shown {got[:3]} … oracle {want[:3]} …")
    assert not wrong, "\n".join(wrong[:5])


@pytest.mark.parametrize("as_of", [dt.date(2017, 6, 23), dt.date(2017, 9, 1), LAST])
def test_each_townships_list_is_its_own_items(truth: Supervision, query, as_of: dt.date) -> None:
    for township in sorted({p.township for p in truth.plans}):
        listed = rules.supervision_list(present.assessed_items(query, as_of, [township]))
        assert _shown(listed) == _expected(truth.supervision(as_of, [township])), township


def test_every_leaders_own_list_agrees_with_the_oracle(truth: Supervision, query) -> None:
    assessed = present.assessed_items(query, LAST)
    leaders = sorted({p.leader.name for p in truth.plans})
    assert list(rules.leaders(assessed)) == leaders
    for leader in leaders:
        listed = rules.supervision_list(assessed, leader)
        assert _shown(listed) == _expected(truth.supervision(LAST, [], leader)), leader


def test_every_weeks_red_black_ranking_agrees_with_the_oracle(truth: Supervision, query) -> None:
    wrong = []
    for as_of in truth.weeks:
        for batch in (None, 1, 2):
            chosen, board, _ = present.red_black_board(query, as_of, batch)
            assert chosen == (batch or truth.open_batch(as_of))
            got = [
                {
                    "township": r.township,
                    "rank": int(r.rank),
                    "previous_rank": None if is_missing(r.previous_rank) else int(r.previous_rank),
                    "change": None if is_missing(r.change) else int(r.change),
                    "board": r.board,
                }
                for r in board.itertuples()
            ]
            want = truth.red_black(as_of, batch)
            if got != want:
                wrong.append(f"{as_of} batch={batch}: shown {got} oracle {want}")
    assert not wrong, "\n".join(wrong[:3])


def test_the_briefing_names_the_villages_furthest_behind_with_their_leaders(
    truth: Supervision, query
) -> None:
    text = briefing.behind_plan_sentence(present.assessed_items(query, LAST))
    villages = sorted(
        (i for i in truth.items(LAST) if i.kind == "village" and i.days_behind > 0),
        key=lambda i: (-i.days_behind, i.township, i.name),
    )
    assert f"{len(villages)}个搬迁村进度滞后" in text
    for item in villages[:3]:
        assert (
            f"{item.township}{item.name}{item.days_behind}天（包保领导：{item.leader_title}{item.leader}）"
            in text
        )
    for item in villages[3:]:
        assert item.name not in text
    orgs = [i for i in truth.items(LAST) if i.kind == "org" and i.days_behind > 0]
    assert f"{len(orgs)}个软弱涣散党组织整顿滞后" in text


def test_the_overview_shows_the_oracles_list_and_ranking(open_page, truth: Supervision) -> None:
    at = open_page(tab="督办清单")
    table = at.dataframe[0].value
    expected = truth.supervision(LAST, [])
    assert table["村（党组织）"].tolist() == [i.name for i in expected]
    assert table["滞后天数"].tolist() == [i.days_late for i in expected]
    assert table["停滞周数"].tolist() == [i.weeks_still for i in expected]
    assert table["包保领导"].tolist() == [f"{i.leader}（{i.leader_title}）" for i in expected]
    assert table["牵头部门"].tolist() == [i.department for i in expected]
    at = open_page(tab="红黑榜")
    board = at.dataframe[0].value
    ranking = truth.red_black(LAST)
    assert board["乡镇"].tolist() == [r["township"] for r in ranking]
    assert board["名次"].tolist() == [r["rank"] for r in ranking]
    arrows = {1: "↑", -1: "↓"}
    assert board["较上周"].tolist() == [
        "持平" if not r["change"] else f"{arrows[(r['change'] > 0) - (r['change'] < 0)]}{abs(r['change'])}"
        for r in ranking
    ]
    assert board["榜单"].tolist() == [r["board"] for r in ranking]
