"""The 包保责任 rules on hand-made cases: the stage a 倒排工期 asks for, days behind, weeks without
progress, the four statuses, the 督办清单's order, and the 红黑榜's ranks and changes.

Every expected value below is worked out by hand from the dates in the case (the comment says how).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tracker.present import supervision as present
from tracker.rules import responsibility as rules

D = dt.date
# A second-batch village's plan: mobilised by 7-31, moving by 8-20, moved by 10-10, reclaimed by 12-20.
PLAN = {
    "plan_mobilised_on": D(2017, 7, 31),
    "plan_move_start_on": D(2017, 8, 20),
    "plan_moved_on": D(2017, 10, 10),
    "plan_reclaimed_on": D(2017, 12, 20),
}


@pytest.mark.parametrize(
    ("day", "stage", "planned", "behind"),
    [
        # 10-13: 已搬迁 was due 10-10; a village still 搬迁中 is 3 days behind (10-11, 10-12, 10-13).
        (D(2017, 10, 13), "搬迁中", ("已搬迁", D(2017, 10, 10)), 3),
        # On the planned day itself it is not late yet: the plan asks for 搬迁中 (due 8-20).
        (D(2017, 10, 10), "搬迁中", ("搬迁中", D(2017, 8, 20)), 0),
        # Still 动员中 on 10-13: the first milestone missed is 8-20 (搬迁中): 11 + 30 + 13 = 54 days.
        (D(2017, 10, 13), "动员中", ("已搬迁", D(2017, 10, 10)), 54),
        # 未启动 on 8-1: mobilisation was due 7-31, one day ago.
        (D(2017, 8, 1), "未启动", ("动员中", D(2017, 7, 31)), 1),
        # Ahead of its plan: nothing behind.
        (D(2017, 10, 13), "已拆除复垦", ("已搬迁", D(2017, 10, 10)), 0),
        # Before any planned date: the plan asks for nothing yet.
        (D(2017, 7, 31), "未启动", (None, None), 0),
    ],
)
def test_a_villages_planned_stage_and_days_behind(
    day: dt.date, stage: str, planned: tuple, behind: int
) -> None:
    assert rules.planned_stage(rules.VILLAGE, PLAN, day) == planned
    assert rules.days_behind(rules.VILLAGE, PLAN, stage, day) == behind


def test_an_organisations_plan_is_its_rectification_date() -> None:
    plan = {"plan_rectified_on": D(2017, 9, 10)}
    # 9-10 to 10-13: 20 days of September + 13 of October.
    assert rules.days_behind(rules.ORG, plan, "整顿中", D(2017, 10, 13)) == 33
    assert rules.planned_stage(rules.ORG, plan, D(2017, 10, 13)) == ("已整顿", D(2017, 9, 10))
    assert rules.days_behind(rules.ORG, plan, "已验收", D(2017, 10, 13)) == 0
    assert rules.days_behind(rules.ORG, plan, "未整顿", D(2017, 9, 10)) == 0


@pytest.mark.parametrize(
    ("since", "weeks"),
    [
        (D(2017, 9, 22), 3),
        (D(2017, 10, 13), 0),
        (D(2017, 10, 7), 0),
        (D(2017, 10, 6), 1),
        (D(2017, 5, 5), 23),
    ],
)
def test_weeks_without_progress_are_whole_weeks_at_the_stage(since: dt.date, weeks: int) -> None:
    assert rules.weeks_without_progress(since, D(2017, 10, 13)) == weeks


def _item(name: str, stage: str, completed: bool, since: dt.date, **plan: dt.date) -> dict:
    return {
        "kind": rules.VILLAGE,
        "county": "河曲县",
        "township": "赵家沟乡",
        "name": name,
        "relocation_batch": 2,
        "leader": "王伟",
        "leader_title": "副县长",
        "lead_department": "县住建局",
        "task_force_head": "李强",
        "funds_10k": 10.0,
        "plan_mobilised_on": None,
        "plan_move_start_on": None,
        "plan_moved_on": None,
        "plan_reclaimed_on": None,
        "plan_rectified_on": None,
        "stage": stage,
        "completed": completed,
        "stage_since": since,
    } | plan


DUE: dict[tuple[str, int | None], dt.date] = {(rules.VILLAGE, 2): D(2017, 10, 31)}


def test_the_four_statuses() -> None:
    items = pd.DataFrame(
        [
            # Past the batch deadline (10-31), not moved: 逾期 by 3 days although its own plan runs to 11-30.
            _item("甲村", "搬迁中", False, D(2017, 9, 1), plan_moved_on=D(2017, 11, 30)),
            # Moved (已搬迁) after its planned 10-20 and its plan ends there: done, neither late nor overdue.
            _item("乙村", "已搬迁", True, D(2017, 10, 27), plan_moved_on=D(2017, 10, 20)),
            # Moved, its plan ends at 已拆除复垦 on 12-20: on plan.
            _item("丙村", "已搬迁", True, D(2017, 10, 27), plan_moved_on=D(2017, 10, 20), plan_reclaimed_on=D(2017, 12, 20)),
            # Still 动员中, moving was due 10-15: 19 days behind.
            _item("丁村", "动员中", False, D(2017, 8, 4), plan_move_start_on=D(2017, 10, 15), plan_moved_on=D(2017, 12, 1)),
        ]
    )  # fmt: skip
    day = D(2017, 11, 3)
    assessed = rules.assess(items, day, DUE).set_index("name")
    assert assessed.loc["甲村", ["status", "days_overdue", "days_behind"]].tolist() == ["逾期", 3, 0]
    assert assessed.loc["乙村", "status"] == "已完成"  # moved: no longer overdue, and its plan ends at 已搬迁
    assert assessed.loc["丙村", "status"] == "按期"
    # 丁村 is both behind its plan (19 days) and past the deadline (3): 逾期, 19 days late.
    assert assessed.loc["丁村", ["status", "days_behind", "days_overdue", "days_late"]].tolist() == [
        "逾期",
        19,
        3,
        19,
    ]
    assert assessed.loc["丁村", "weeks_still"] == 13  # 8-4 to 11-3: 91 days


def test_the_list_is_worst_first_and_a_leaders_list_holds_all_their_items() -> None:
    day = D(2017, 10, 13)
    items = pd.DataFrame(
        [
            _item("甲村", "搬迁中", False, D(2017, 9, 29), plan_moved_on=D(2017, 9, 3)),  # 40 days, 2 weeks
            _item("乙村", "搬迁中", False, D(2017, 8, 4), plan_moved_on=D(2017, 9, 3)),  # 40 days, 10 weeks
            _item("丙村", "动员中", False, D(2017, 9, 1), plan_move_start_on=D(2017, 10, 3)),  # 10 days
            _item("丁村", "搬迁中", False, D(2017, 9, 1), plan_moved_on=D(2017, 10, 31)),  # on plan
        ]
    )
    items.loc[3, "leader"] = "赵磊"
    overdue = _item("戊村", "搬迁中", False, D(2017, 10, 13), plan_moved_on=D(2017, 11, 30))
    assessed = rules.assess(items, day, DUE)
    late = rules.assess(pd.DataFrame([overdue]), D(2017, 11, 1), DUE)  # one day past 10-31
    listed = rules.supervision_list(pd.concat([assessed, late], ignore_index=True))
    assert listed["name"].tolist() == ["戊村", "乙村", "甲村", "丙村"]
    assert rules.supervision_list(assessed, "赵磊")["name"].tolist() == ["丁村"]
    assert rules.supervision_list(assessed, "王伟")["name"].tolist() == ["乙村", "甲村", "丙村"]


def test_deadlines_prefer_the_county_row_and_fall_back_to_a_townships_own() -> None:
    targets = pd.DataFrame(
        [
            {"indicator": "villages_completed", "relocation_batch": 2, "township": "赵家沟乡", "due": D(2017, 10, 20)},
            {"indicator": "villages_completed", "relocation_batch": 2, "township": None, "due": D(2017, 10, 31)},
            {"indicator": "villages_completed", "relocation_batch": 1, "township": "赵家沟乡", "due": D(2017, 6, 30)},
            {"indicator": "weak_orgs_rectified", "relocation_batch": None, "township": None, "due": D(2017, 12, 31)},
            {"indicator": "households_moved", "relocation_batch": 2, "township": None, "due": D(2017, 9, 30)},
        ]
    )  # fmt: skip
    assert rules.deadlines(targets) == {
        (rules.VILLAGE, 2): D(2017, 10, 31),
        (rules.VILLAGE, 1): D(2017, 6, 30),
        (rules.ORG, None): D(2017, 12, 31),
    }


def test_the_open_batch_is_the_one_whose_deadline_comes_next() -> None:
    due: dict[tuple[str, int | None], dt.date] = {
        (rules.VILLAGE, 1): D(2017, 6, 30),
        (rules.VILLAGE, 2): D(2017, 10, 31),
    }
    items = pd.DataFrame(
        {"kind": [rules.VILLAGE] * 2, "relocation_batch": [1, 2], "completed": [True, False]}
    )
    assert rules.open_batch(items, due, D(2017, 6, 30)) == 1  # its own deadline day: still open
    assert rules.open_batch(items, due, D(2017, 7, 7)) == 2
    assert rules.open_batch(items, due, D(2017, 11, 3)) == 2  # past every deadline: the batch not moved
    assert rules.open_batch(items, due, D(2017, 11, 3), chosen=1) == 1
    done = items.assign(completed=True)
    assert rules.open_batch(done, due, D(2017, 11, 3)) == 2  # all moved: the last batch


def _scores(rows: list[tuple[str, int, int, float, float]]) -> pd.DataFrame:
    """(township, villages, on plan, mean days late, share moved)."""
    return pd.DataFrame(
        [
            {
                "township": t,
                "villages": n,
                "on_plan": on,
                "behind": n - on,
                "completed": 0,
                "on_plan_percent": 100.0 * on / n,
                "mean_days_late": late,
                "completed_percent": moved,
            }
            for t, n, on, late, moved in rows
        ]
    )


def test_ranks_ties_and_the_change_since_last_week() -> None:
    this_week = _scores(
        [
            ("甲乡", 2, 2, 0.0, 50.0),  # all on plan
            ("乙乡", 2, 1, 10.0, 0.0),  # half on plan, 10 days late on average
            ("丙乡", 2, 1, 5.0, 0.0),  # half on plan, 5 days: ahead of 乙乡
            ("丁乡", 4, 4, 0.0, 50.0),  # all on plan, as many moved as 甲乡: shares 甲乡's rank
            ("戊乡", 1, 1, 0.0, 100.0),  # all on plan and all moved: first
        ]
    )
    last_week = _scores(
        [
            ("甲乡", 2, 2, 0.0, 100.0),
            ("乙乡", 2, 2, 0.0, 0.0),
            ("丙乡", 2, 1, 1.0, 0.0),
            ("丁乡", 4, 2, 3.0, 0.0),
        ]
    )
    board = rules.red_black(this_week, last_week).set_index("township")
    # This week: 戊 1; 甲 and 丁 2 (tied); 丙 4; 乙 5. Last week: 甲 1, 乙 2, 丙 3, 丁 4; 戊 not ranked.
    assert board["rank"].to_dict() == {"戊乡": 1, "甲乡": 2, "丁乡": 2, "丙乡": 4, "乙乡": 5}
    change = {t: (None if pd.isna(c) else int(c)) for t, c in board["change"].items()}
    assert change == {"戊乡": None, "甲乡": -1, "丁乡": 2, "丙乡": -1, "乙乡": -3}
    texts = {t: present.rank_change(c, True) for t, c in board["change"].items()}
    assert texts == {"戊乡": "新上榜", "甲乡": "↓1", "丁乡": "↑2", "丙乡": "↓1", "乙乡": "↓3"}
    # 红榜: ranks 1-3 with no village behind; 黑榜: ranks 3-5 (the last three of five) with one behind.
    assert board["board"].to_dict() == {
        "戊乡": "红榜",
        "甲乡": "红榜",
        "丁乡": "红榜",
        "丙乡": "黑榜",
        "乙乡": "黑榜",
    }


def test_without_a_last_week_nothing_is_said_to_have_moved() -> None:
    board = rules.red_black(_scores([("甲乡", 1, 1, 0.0, 0.0)]), None)
    assert present.red_black_table(board)["较上周"].tolist() == ["—"]
    assert present.rank_change(0, True) == "持平"
