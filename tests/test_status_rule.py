"""The status rule, the batch a ranking counts, what is urgent, township targets and total rows,
on small hand-made cases whose answers are worked out here (the sample's are in test_oracle.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tracker.present import deadlines
from tracker.rules import indicators, targets, totals

AS_OF = dt.date(2017, 10, 13)


def _series(values: list[float], indicator: str = "households_moved", batch: int | None = 2) -> pd.DataFrame:
    """Weekly values, the last on AS_OF."""
    days = [AS_OF - dt.timedelta(days=7 * (len(values) - 1 - i)) for i in range(len(values))]
    return pd.DataFrame({"as_of": days, "indicator": indicator, "relocation_batch": batch, "actual": values})


def _target(target: float, due: dt.date | None, indicator: str = "households_moved", batch: int | None = 2):
    return pd.DataFrame(
        [{"indicator": indicator, "relocation_batch": batch, "township": None, "target": target, "due": due,
          "label": None}]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("values", "target", "due", "status"),
    [
        ([80, 90, 100], 100, AS_OF + dt.timedelta(days=30), "done"),
        ([80, 90, 100], 100, AS_OF - dt.timedelta(days=30), "done"),  # met late is still met
        ([80, 90, 95], 100, AS_OF - dt.timedelta(days=1), "overdue"),
        # 10 a week for 3 more weeks: 95 + 30 = 125 by the due date.
        ([75, 85, 95], 100, AS_OF + dt.timedelta(days=21), "on_track"),
        # 2 a week for 3 weeks: 91 + 6 = 97, short of 100 however close: 滞后, not a softer word.
        ([87, 89, 91], 100, AS_OF + dt.timedelta(days=21), "behind"),
        ([91], 100, AS_OF + dt.timedelta(days=21), "unknown"),  # one snapshot: no pace yet
    ],
)
def test_the_status_rule(values: list[float], target: float, due: dt.date, status: str) -> None:
    card = indicators.progress(_series(values), _target(target, due), AS_OF)[0]
    assert card.status == status


def test_the_pace_is_that_of_the_last_four_weeks() -> None:
    # Fast long ago (0 → 60 in the first weeks), stalled in the last four (60 → 64): at 1 a week for
    # 2 more weeks, 64 + 2 < 100, late, though the whole history's pace would have made it.
    card = indicators.progress(
        _series([0, 20, 40, 60, 61, 62, 63, 64]), _target(100, AS_OF + dt.timedelta(days=14)), AS_OF
    )[0]
    assert card.status == "behind"
    assert card.projected == pytest.approx(64 + 14 * (64 - 60) / 28)


def test_late_and_due_within_two_weeks_is_urgent_overdue_comes_first() -> None:
    late_soon = indicators.progress(
        _series([10, 11, 12]), _target(100, AS_OF + dt.timedelta(days=13)), AS_OF
    )[0]
    late_later = indicators.progress(
        _series([10, 11, 12]), _target(100, AS_OF + dt.timedelta(days=14)), AS_OF
    )[0]
    overdue = indicators.progress(
        _series([10, 11, 12], "villages_completed"),
        _target(20, AS_OF - dt.timedelta(days=3), "villages_completed"),
        AS_OF,
    )[0]
    assert late_soon.urgent and not late_later.urgent and not overdue.urgent
    found = deadlines.alerts([late_later, late_soon, overdue])
    assert [(a.kind, a.card.indicator) for a in found] == [
        ("overdue", "villages_completed"),
        ("urgent", "households_moved"),
    ]
    assert "已逾期 3 天" in found[0].text and "仅剩 13 天" in found[1].text
    sentence = deadlines.sentence(found, AS_OF, "全县")
    assert sentence.startswith("截至2017年10月13日，全县有1项目标逾期未完成：")
    assert "另有1项目标距完成时限不足两周且进度滞后" in sentence
    assert deadlines.sentence([], AS_OF, "全县") == "" and deadlines.banner_html([]) == ""


def _card(batch: int, status: str, due: dt.date, indicator: str = "households_moved") -> indicators.Progress:
    return indicators.Progress(indicator, batch, "", "户", 1.0, 2.0, due, None, AS_OF, None, status)


def test_the_ranking_counts_the_chosen_batch_else_the_open_one_due_first_else_the_last() -> None:
    first_done = _card(1, "done", dt.date(2017, 6, 30))
    second_open = _card(2, "behind", dt.date(2017, 10, 31))
    third_open = _card(3, "on_track", dt.date(2018, 6, 30))
    assert indicators.measured_batch([first_done, second_open, third_open], None) == 2
    assert indicators.measured_batch([first_done, third_open, second_open], 1) == 1
    assert indicators.measured_batch([first_done, _card(2, "done", dt.date(2017, 10, 31))], None) == 2
    assert indicators.measured_batch([], None) is None


IN_FORCE = pd.DataFrame(
    [
        {"indicator": "households_moved", "relocation_batch": 2, "county": "甲县", "township": None,
         "target": 100.0, "due": dt.date(2017, 10, 31), "label": "第二批搬迁户数"},
        {"indicator": "households_moved", "relocation_batch": 2, "county": "甲县", "township": "东乡",
         "target": 70.0, "due": dt.date(2017, 10, 31), "label": "东乡"},
        {"indicator": "zero_break_rate", "relocation_batch": None, "county": "甲县", "township": None,
         "target": 75.0, "due": dt.date(2017, 12, 31), "label": None},
        {"indicator": "funds_10k", "relocation_batch": None, "county": "甲县", "township": None,
         "target": 800.0, "due": dt.date(2017, 10, 31), "label": None},
    ]
)  # fmt: skip
PLAN = pd.DataFrame(
    [
        {"county": "甲县", "township": "东乡", "relocation_batch": 2, "relocation_villages": 2,
         "planned_households": 66, "planned_people": 150, "weak_orgs": None},
        {"county": "甲县", "township": "西乡", "relocation_batch": 2, "relocation_villages": 1,
         "planned_households": 30, "planned_people": 70, "weak_orgs": None},
        {"county": "甲县", "township": "北乡", "relocation_batch": None, "relocation_villages": None,
         "planned_households": None, "planned_people": None, "weak_orgs": 2},
    ]
)  # fmt: skip


def _one(frame: pd.DataFrame, indicator: str) -> pd.Series:
    return frame[frame["indicator"] == indicator].iloc[0]


def test_a_township_keeps_its_assigned_target_and_another_gets_its_ledgers_plan() -> None:
    east = indicators.targets_for(IN_FORCE, ["东乡"], None, PLAN)
    west = indicators.targets_for(IN_FORCE, ["西乡"], None, PLAN)
    assert (_one(east, "households_moved")["target"], _one(east, "households_moved")["basis"]) == (70.0, None)
    assert (_one(west, "households_moved")["target"], _one(west, "households_moved")["basis"]) == (
        30.0,
        "按台账计划",
    )
    assert _one(west, "households_moved")["due"] == dt.date(2017, 10, 31)  # the county's deadline
    assert _one(west, "zero_break_rate")["basis"] == "沿用全县目标"
    assert "funds_10k" not in set(west["indicator"])  # no share of funds in any ledger
    # Without the plan, only assigned township targets apply (as before).
    assert "households_moved" not in set(indicators.targets_for(IN_FORCE, ["西乡"], None)["indicator"])


def test_several_townships_sum_and_one_without_a_plan_adds_nothing() -> None:
    both = indicators.targets_for(IN_FORCE, ["东乡", "西乡", "北乡"], None, PLAN)
    row = _one(both, "households_moved")
    assert (row["target"], row["basis"]) == (100.0, "按台账计划")  # 70 assigned + 30 planned + 0
    north = indicators.targets_for(IN_FORCE, ["北乡"], None, PLAN)
    assert "households_moved" not in set(north["indicator"])  # no village of the batch: no target


def test_another_countys_target_is_not_split_to_this_countys_townships() -> None:
    other = IN_FORCE.assign(county="乙县")
    rows = targets.township_targets(other, PLAN)
    assert rows["basis"].isna().all() and list(rows["township"]) == ["东乡"]  # only its assigned row


def test_the_total_row_sums_counts_and_works_rates_out_again() -> None:
    frame = pd.DataFrame(
        {"township": ["东乡", "西乡"], "moved": [10, 30], "households": [40, 40], "percent": [25.0, 75.0],
         "per_village": [2.0, 5.0], "villages": [1, 3]}
    )  # fmt: skip
    whole = totals.with_total(
        frame,
        "township",
        "全县",
        ratios={"percent": ("moved", "households", 100.0)},
        means={"per_village": "villages"},
    )
    total = whole.iloc[-1]
    assert (total["township"], total["moved"], total["households"]) == ("全县", 40, 80)
    assert total["percent"] == 50.0  # 40 of 80, not the mean of 25 and 75 (which is also 50: see below)
    assert total["per_village"] == pytest.approx((2.0 * 1 + 5.0 * 3) / 4)
    lopsided = totals.with_total(
        frame.assign(households=[10, 90], percent=[100.0, 100 * 30 / 90]), "township", "全县",
        ratios={"percent": ("moved", "households", 100.0)},
    )  # fmt: skip
    assert lopsided.iloc[-1]["percent"] == pytest.approx(40.0)  # 40 of 100; the mean would say 66.7
    assert len(totals.with_total(frame.iloc[:1], "township", "全县")) == 1  # one township: no total
