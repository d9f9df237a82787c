"""包保责任 rules: where each village and organisation stands against its own 倒排工期, which of them
go on the 督办清单 and in what order, and how the townships rank on the 红黑榜.

The facts come from the named queries `responsibility_items` (the 包保责任台账 in force and each
item's stage) and `responsibility_stage_since` (since when it has stood there); every rule about
them is here, once:

- **The stage the plan asks for.** Each planned date of the 倒排工期 is the last day by which the
  item must have reached a stage (`MILESTONES`): a relocation village 动员中 by 计划动员完成 (the
  ledger has no stage "mobilised": a village that has finished mobilising stands at 动员中 until
  its first household moves), 搬迁中 by 计划开始搬迁, 已搬迁 by 计划搬迁完成, 已拆除复垦 by
  计划拆除复垦完成; a weak organisation 已整顿 by 计划整顿完成. On the planned day itself the item
  is not late yet (as a target's 完成时限 in `indicators`); from the day after, it is.
- **Days behind.** The days since the planned date of the first milestone the item should have
  reached and has not (0: on its plan).
- **Weeks without progress.** Whole weeks since the first weekly snapshot of its current run at
  the stage it stands at (a stage reached this week: 0).
- **Status**, in the words every page uses (已完成 / 按期 / 滞后 / 逾期): 逾期 when the item is not
  done (a village 已搬迁 or later, an organisation rectified) and its batch's deadline (完成时限 of
  the targets) has passed; else 滞后 when behind its own plan; else 已完成 when it has reached the
  stage of its last planned date; else 按期. A village may be 逾期 and on its own plan (a plan
  that ends after the batch deadline), or behind its plan well before any deadline.
- **The 督办清单**: every item 逾期 or 滞后, worst first: 逾期 before 滞后, then the most days late
  (behind its plan or past its deadline, whichever is more), then the most weeks without progress.
- **The 红黑榜**: townships ranked each week on the open batch (the batch chosen, else the one
  whose deadline comes next): the share of its villages of that batch on plan (按期 or 已完成),
  then the fewest days late on average, then the largest share already moved (已搬迁 or later);
  equal townships share a rank. The change is last week's
  rank minus this week's (+2: up two places). The first `RED_BLACK_SIZE` ranks are the 红榜 when
  none of the township's villages is behind; the last `RED_BLACK_SIZE` the 黑榜 when one is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from tracker.contract import schema
from tracker.contract.missing import is_missing
from tracker.rules import party, relocation

VILLAGE, ORG = "village", "org"
KIND_LABELS = {VILLAGE: "整村搬迁村", ORG: "软弱涣散党组织"}
STAGES: dict[str, tuple[str, ...]] = {VILLAGE: schema.RELOCATION_STAGES, ORG: schema.RECTIFICATION_STAGES}
# Each 倒排工期 column and the stage the item must have reached by its day, in stage order.
MILESTONES: dict[str, tuple[tuple[str, str], ...]] = {
    VILLAGE: (
        ("plan_mobilised_on", schema.RELOCATION_STAGES[1]),  # 计划动员完成: 动员中
        ("plan_move_start_on", schema.RELOCATION_STAGES[2]),  # 计划开始搬迁: 搬迁中
        ("plan_moved_on", schema.COMPLETED_STAGES[0]),  # 计划搬迁完成: 已搬迁
        ("plan_reclaimed_on", relocation.RECLAIMED_STAGES[0]),  # 计划拆除复垦完成: 已拆除复垦
    ),
    ORG: (("plan_rectified_on", party.RECTIFIED_STAGES[0]),),  # 计划整顿完成: 已整顿
}

# The status words (the same four on every page), and an item the ledgers in force do not list.
DONE, ON_PLAN, BEHIND, OVERDUE = "已完成", "按期", "滞后", "逾期"
NO_DATA = "无进度数据"
SUPERVISED = (OVERDUE, BEHIND)
# Worst first.
STATUS_ORDER = {OVERDUE: 0, BEHIND: 1, NO_DATA: 2, ON_PLAN: 3, DONE: 4}
# How many townships the 红榜 and the 黑榜 name at most.
RED_BLACK_SIZE = 3
RED, BLACK = "红榜", "黑榜"

PLAN_COLUMNS = tuple(column for milestones in MILESTONES.values() for column, _ in milestones)
ASSESSED_COLUMNS = (
    "planned_stage",
    "planned_on",
    "days_behind",
    "weeks_still",
    "deadline",
    "days_overdue",
    "days_late",
    "status",
)


def _day(value: Any) -> dt.date | None:
    return None if is_missing(value) else pd.Timestamp(value).date()


def planned_stage(kind: str, plan: Mapping[str, Any], day: dt.date) -> tuple[str | None, dt.date | None]:
    """The stage the 倒排工期 asks the item to have reached by `day`, and that milestone's date
    ((None, None) before its first planned date has passed)."""
    found: tuple[str | None, dt.date | None] = (None, None)
    for column, stage in MILESTONES[kind]:
        due = _day(plan.get(column))
        if due is not None and due < day:
            found = (stage, due)
    return found


def days_behind(kind: str, plan: Mapping[str, Any], stage: str, day: dt.date) -> int:
    """Days since the planned date of the first milestone passed and not reached (0: on its plan)."""
    order = STAGES[kind]
    reached = order.index(stage)
    for column, milestone in MILESTONES[kind]:
        due = _day(plan.get(column))
        if due is not None and due < day and order.index(milestone) > reached:
            return (day - due).days
    return 0


def weeks_without_progress(since: dt.date, day: dt.date) -> int:
    """Whole weeks the item has stood at its stage: since the first snapshot of its current run."""
    return max((day - since).days, 0) // 7


def final_stage(kind: str, plan: Mapping[str, Any]) -> str:
    """The stage of the item's last planned date: reaching it completes the plan."""
    dated = [stage for column, stage in MILESTONES[kind] if _day(plan.get(column)) is not None]
    return dated[-1] if dated else MILESTONES[kind][-1][1]


def deadlines(targets: pd.DataFrame) -> dict[tuple[str, int | None], dt.date]:
    """Each kind's deadline from the targets in force: a relocation batch's 完成时限 of
    villages_completed, the weak organisations' of weak_orgs_rectified. A county row (no township)
    is the deadline; without one (a township user sees only their township's targets), the
    earliest of the rows there are."""
    out: dict[tuple[str, int | None], dt.date] = {}
    if targets.empty:
        return out
    wanted = {"villages_completed": VILLAGE, "weak_orgs_rectified": ORG}
    rows = targets[targets["indicator"].isin(wanted) & targets["due"].notna()]
    rows = rows.assign(county_row=rows["township"].isna()).sort_values(
        ["county_row", "due"], ascending=[False, True]
    )
    for row in rows.itertuples(index=False):
        kind = wanted[row.indicator]
        batch = None if kind == ORG or is_missing(row.relocation_batch) else int(row.relocation_batch)
        out.setdefault((kind, batch), pd.Timestamp(row.due).date())
    return out


def assess(
    items: pd.DataFrame, as_of: dt.date, due: Mapping[tuple[str, int | None], dt.date]
) -> pd.DataFrame:
    """Every item of `responsibility_items` with where it stands against its plan and its deadline:
    planned_stage, planned_on, days_behind, weeks_still, deadline, days_overdue, days_late, status.
    weeks_still needs the items' `stage_since` (from `responsibility_stage_since`); without it, None."""
    rows = [_assess_one(item, as_of, due) for item in items.to_dict("records")]
    extra = pd.DataFrame(rows, columns=list(ASSESSED_COLUMNS), index=items.index)
    return pd.concat([items, extra], axis=1)


def _assess_one(item: dict[str, Any], as_of: dt.date, due: Mapping[tuple[str, int | None], dt.date]) -> dict:
    kind, stage = item["kind"], item["stage"]
    batch = None if kind == ORG or is_missing(item["relocation_batch"]) else int(item["relocation_batch"])
    deadline = due.get((kind, batch))
    planned, planned_on = planned_stage(kind, item, as_of)
    out: dict[str, Any] = {"planned_stage": planned, "planned_on": planned_on, "deadline": deadline}
    if is_missing(stage):
        return out | {"status": NO_DATA}
    behind = days_behind(kind, item, stage, as_of)
    overdue = (as_of - deadline).days if deadline and as_of > deadline and not item["completed"] else 0
    if overdue:
        status = OVERDUE
    elif behind:
        status = BEHIND
    elif STAGES[kind].index(stage) >= STAGES[kind].index(final_stage(kind, item)):
        status = DONE
    else:
        status = ON_PLAN
    since = _day(item.get("stage_since"))  # present when the item's weekly history was asked for
    return out | {
        "days_behind": behind,
        "weeks_still": weeks_without_progress(since, as_of) if since else None,
        "days_overdue": overdue,
        "days_late": max(behind, overdue),
        "status": status,
    }


def worst_first(assessed: pd.DataFrame) -> pd.DataFrame:
    """Items worst first: 逾期, 滞后, the rest; then the most days late, the most weeks without progress."""
    keyed = assessed.assign(
        _order=assessed["status"].map(STATUS_ORDER),
        _late=assessed["days_late"].fillna(0),
        _still=assessed["weeks_still"].fillna(0),
    )
    keyed = keyed.sort_values(
        ["_order", "_late", "_still", "township", "name"], ascending=[True, False, False, True, True]
    )
    return keyed.drop(columns=["_order", "_late", "_still"]).reset_index(drop=True)


def supervision_list(assessed: pd.DataFrame, leader: str | None = None) -> pd.DataFrame:
    """The 督办清单: every item 逾期 or 滞后, worst first; for one 包保领导, all of that leader's items."""
    if leader:
        return worst_first(assessed[assessed["leader"] == leader])
    return worst_first(assessed[assessed["status"].isin(SUPERVISED)])


def leaders(assessed: pd.DataFrame) -> dict[str, str]:
    """Each 包保领导's name and title, by name."""
    if assessed.empty:
        return {}
    named = assessed.drop_duplicates("leader").sort_values("leader")
    return {
        str(r.leader): "" if is_missing(r.leader_title) else str(r.leader_title) for r in named.itertuples()
    }


def open_batch(
    assessed: pd.DataFrame,
    due: Mapping[tuple[str, int | None], dt.date],
    as_of: dt.date,
    chosen: int | None = None,
) -> int | None:
    """The batch the 红黑榜 ranks: the one chosen; else the one whose deadline comes next (on or after
    the day); with no deadline ahead, the first batch with a village not yet moved; else the last."""
    if chosen is not None:
        return chosen
    villages = assessed[assessed["kind"] == VILLAGE]
    batches = sorted({int(b) for b in villages["relocation_batch"].dropna()})
    ahead = [(due[(VILLAGE, b)], b) for b in batches if (VILLAGE, b) in due and due[(VILLAGE, b)] >= as_of]
    if ahead:
        return min(ahead)[1]
    moving = villages[villages["completed"].eq(False)]
    open_ = sorted({int(b) for b in moving["relocation_batch"].dropna()})
    if open_:
        return open_[0]
    return batches[-1] if batches else None


SCORE_COLUMNS = (
    "township",
    "villages",
    "on_plan",
    "behind",
    "completed",
    "on_plan_percent",
    "mean_days_late",
    "completed_percent",
)


def township_scores(assessed: pd.DataFrame, batch: int | None) -> pd.DataFrame:
    """Per township, its villages of the batch against their plans: villages, on_plan, behind,
    completed (已搬迁 or later), on_plan_percent, mean_days_late and completed_percent."""
    columns = list(SCORE_COLUMNS)
    if assessed.empty or batch is None:
        return pd.DataFrame(columns=columns)
    rows = assessed[
        (assessed["kind"] == VILLAGE)
        & (assessed["relocation_batch"] == batch)
        & (assessed["status"] != NO_DATA)
    ]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    grouped = rows.assign(
        on=rows["status"].isin((ON_PLAN, DONE)),
        late=rows["status"].isin(SUPERVISED),
        moved=rows["completed"].astype(bool),
    ).groupby("township", as_index=False)
    out = grouped.agg(
        villages=("name", "count"),
        on_plan=("on", "sum"),
        behind=("late", "sum"),
        completed=("moved", "sum"),
        days=("days_late", "sum"),
    )
    out["on_plan_percent"] = 100.0 * out["on_plan"] / out["villages"]
    out["mean_days_late"] = out["days"] / out["villages"]
    out["completed_percent"] = 100.0 * out["completed"] / out["villages"]
    return out[columns]


def ranked(scores: pd.DataFrame) -> pd.DataFrame:
    """The scores with their rank: the highest share on plan first, then the fewest days late on
    average, then the highest share of villages moved; equal townships share the rank (1, 1, 3)."""
    if scores.empty:
        return scores.assign(rank=pd.Series(dtype="int64"))
    keys = list(
        zip(-scores["on_plan_percent"], scores["mean_days_late"], -scores["completed_percent"], strict=True)
    )
    ranks = [1 + sum(other < key for other in keys) for key in keys]
    out = scores.assign(rank=ranks)
    return out.sort_values(["rank", "township"]).reset_index(drop=True)


def red_black(this_week: pd.DataFrame, last_week: pd.DataFrame | None) -> pd.DataFrame:
    """The 红黑榜: this week's ranked townships with last week's rank (NA: not ranked then), the
    change (last week's rank minus this week's: positive is up), whether there was a last week to
    compare with (`compared`) and the board (红榜, 黑榜 or "")."""
    now = ranked(this_week)
    compared = last_week is not None and not last_week.empty
    before = ranked(last_week) if compared and last_week is not None else ranked(this_week.iloc[0:0])
    previous = dict(zip(before["township"], before["rank"], strict=True))
    now["previous_rank"] = pd.array([previous.get(t) for t in now["township"]], dtype="Int64")
    now["change"] = now["previous_rank"] - pd.array(now["rank"], dtype="Int64")
    now["compared"] = compared
    count = len(now)
    board = []
    for row in now.itertuples():
        if row.rank <= RED_BLACK_SIZE and row.behind == 0:
            board.append(RED)
        elif row.rank > count - RED_BLACK_SIZE and row.behind > 0:
            board.append(BLACK)
        else:
            board.append("")
    now["board"] = board
    return now


def behind_villages(assessed: pd.DataFrame) -> pd.DataFrame:
    """The relocation villages behind their own plan (滞后 or 逾期 and days behind the plan), most days first."""
    villages = assessed[(assessed["kind"] == VILLAGE) & (assessed["days_behind"].fillna(0) > 0)]
    return villages.sort_values(["days_behind", "township", "name"], ascending=[False, True, True])
