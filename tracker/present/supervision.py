"""The 督办清单 and the 红黑榜 as leaders read them: tables with Chinese headers, for a scope and a day.

`assessed_items` runs the named queries (through whatever runs them: the dashboard's cached
`ui.data.query`, or a reader's cursor) and applies tracker.rules.responsibility; the `*_table`
functions turn the rules' frames into what a page, a download, the weekly summary and the weekly
document show, and `list_summary` / `red_black_note` are the sentences over them. The pages and
the weekly report (tracker.weekly.scope_week) call these with their own query function;
`supervision_for` and `red_black_for` do the same for a store reader, a scope and a day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from tracker.contract import formatting
from tracker.contract.missing import is_missing
from tracker.rules import responsibility as rules
from tracker.store import queries
from tracker.store.reader import Reader

# Runs a named query with parameters: ui.data.query, or one bound to a reader's cursor.
Query = Callable[..., pd.DataFrame]

SUPERVISION_HEADERS = {
    "status": "状态",
    "township": "乡镇",
    "name": "村（党组织）",
    "kind": "类别",
    "stage": "当前进度",
    "planned": "应达进度",
    "days_late": "滞后天数",
    "weeks_still": "停滞周数",
    "leader": "包保领导",
    "lead_department": "牵头部门",
    "task_force_head": "专班负责人",
    "deadline": "完成时限",
}
RED_BLACK_HEADERS = {
    "rank": "名次",
    "change": "较上周",
    "township": "乡镇",
    "board": "榜单",
    "villages": "搬迁村",
    "on_plan": "按期推进",
    "behind": "滞后",
    "on_plan_percent": "按期比例（%）",
    "mean_days_late": "平均滞后天数",
    "completed_percent": "已搬迁比例（%）",
}


def leader_label(name: Any, title: Any) -> str:
    """王伟（副县长）; the name alone when the title is not given."""
    if is_missing(name):
        return "—"
    return f"{name}（{title}）" if not is_missing(title) and str(title) else str(name)


def rank_change(change: Any, compared: bool = True) -> str:
    """↑2, ↓1, 持平; 新上榜 for a township not ranked last week; — when there is no last week."""
    if not compared:
        return "—"
    if is_missing(change):
        return "新上榜"
    number = int(change)
    if number > 0:
        return f"↑{number}"
    if number < 0:
        return f"↓{-number}"
    return "持平"


def kind_label(kind: str, batch: Any) -> str:
    """整村搬迁（第二批） or 软弱涣散党组织."""
    if kind == rules.VILLAGE and not is_missing(batch):
        return f"整村搬迁（{formatting.batch(batch)}）"
    return rules.KIND_LABELS.get(kind, kind)


def _planned(row: pd.Series) -> str:
    if is_missing(row["planned_stage"]):
        return "未到计划节点"
    return f"{row['planned_stage']}（{formatting.day(row['planned_on'])}）"


def supervision_table(listed: pd.DataFrame) -> pd.DataFrame:
    """The 督办清单 (or a leader's list) with Chinese headers, one row per item, as shown and downloaded."""
    if listed.empty:
        return pd.DataFrame(columns=list(SUPERVISION_HEADERS.values()))
    shown = pd.DataFrame(
        {
            "status": listed["status"],
            "township": listed["township"],
            "name": listed["name"],
            "kind": [
                kind_label(k, b) for k, b in zip(listed["kind"], listed["relocation_batch"], strict=True)
            ],
            "stage": listed["stage"].map(lambda s: "—" if is_missing(s) else s),
            "planned": listed.apply(_planned, axis=1),
            "days_late": listed["days_late"].astype("Int64"),
            # Standing still at the last stage of its plan is no lack of progress.
            "weeks_still": listed["weeks_still"].where(listed["status"] != rules.DONE).astype("Int64"),
            "leader": [
                leader_label(n, t) for n, t in zip(listed["leader"], listed["leader_title"], strict=True)
            ],
            "lead_department": listed["lead_department"],
            "task_force_head": listed["task_force_head"],
            "deadline": listed["deadline"].map(formatting.day),
        }
    )
    return shown.rename(columns=SUPERVISION_HEADERS).reset_index(drop=True)


def red_black_table(board: pd.DataFrame) -> pd.DataFrame:
    """The 红黑榜 with Chinese headers: rank, the change since last week (↑2, ↓1), the board."""
    if board.empty:
        return pd.DataFrame(columns=list(RED_BLACK_HEADERS.values()))
    shown = board.assign(
        change=[rank_change(c, bool(k)) for c, k in zip(board["change"], board["compared"], strict=True)],
        on_plan_percent=board["on_plan_percent"].round(1),
        mean_days_late=board["mean_days_late"].round(1),
        completed_percent=board["completed_percent"].round(1),
    )
    return shown[list(RED_BLACK_HEADERS)].rename(columns=RED_BLACK_HEADERS).reset_index(drop=True)


def list_summary(items: pd.DataFrame, listed: pd.DataFrame, leader: str | None = None) -> str:
    """The sentence over the 督办清单: how many items, how many 逾期 and 滞后, the order, what the
    figures mean (and, for one 包保领导's list, how many are theirs)."""
    counts = items["status"].value_counts()
    parts = [f"{status} {int(counts.get(status, 0))} 项" for status in (rules.OVERDUE, rules.BEHIND)]
    text = (
        f"对照倒排工期和批次完成时限，共 {len(items)} 项包保事项：" + "，".join(parts) + "。"
        "按逾期在前、滞后天数从多到少排列；滞后天数为应达节点（计划日期）之后的天数，"
        "停滞周数为停留在当前进度的整周数。"
    )
    if leader:
        text += f"本表为 {leader} 的 {len(listed)} 项。"
    return text


def red_black_note(batch: int | None, last_day: dt.date | None) -> str:
    """The sentence over the 红黑榜: what it ranks, in what order, who is 红榜 and 黑榜, what 较上周 is."""
    which = formatting.batch(batch) if batch else ""
    since = f"与上周（{formatting.day(last_day)}）相比" if last_day else "无上周数据可比"
    return (
        f"各乡镇{which}搬迁村对照倒排工期的进度排名：按期推进比例高者在前，相同时平均滞后天数少者在前，"
        f"再按已搬迁比例。前 {rules.RED_BLACK_SIZE} 名且无滞后村的乡镇为红榜，"
        f"后 {rules.RED_BLACK_SIZE} 名且有滞后村的乡镇为黑榜。“较上周”为{since}名次的变化（↑ 上升，↓ 下降）。"
    )


def assess(
    items: pd.DataFrame, targets: pd.DataFrame, as_of: dt.date, since: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The items of `responsibility_items` assessed against their plans and against the deadlines of
    the targets in force (`targets_in_force`), with weeks without progress when `since` (the query
    `responsibility_stage_since`) is given: tracker.rules.responsibility.assess."""
    if since is not None:
        keys = ["kind", "county", "township", "name"]
        items = items.merge(since[[*keys, "stage_since"]], on=keys, how="left")
    return rules.assess(items, as_of, rules.deadlines(targets))


def assessed_items(
    query: Query,
    as_of: dt.date,
    townships: Sequence[str] = (),
    batch: int | None = None,
    history: bool = True,
) -> pd.DataFrame:
    """Every item of the 包保责任台账 in force on as_of in the townships (none: all), assessed against
    its plan and its batch deadline; with batch, the villages of that batch (and every organisation);
    with history, its weeks without progress (which reads every week's ledgers)."""
    items = query("responsibility_items", as_of=as_of, township=list(townships), batch=batch)
    since = query("responsibility_stage_since", as_of=as_of, township=list(townships)) if history else None
    return assess(items, query("targets_in_force", as_of=as_of), as_of, since)


def red_black_board(
    query: Query, as_of: dt.date, batch: int | None = None
) -> tuple[int | None, pd.DataFrame, dt.date | None]:
    """(the batch ranked, the 红黑榜 of every township the query may see, last week's day) on as_of:
    this week against the village snapshot before it."""
    weeks = query("supervision_weeks", as_of=as_of)
    this_week = weeks["this_week"].iloc[0] if len(weeks) else None
    last_week = weeks["last_week"].iloc[0] if len(weeks) else None
    if is_missing(this_week):
        return None, rules.red_black(pd.DataFrame(columns=list(rules.SCORE_COLUMNS)), None), None
    now = assessed_items(query, as_of, history=False)
    due = rules.deadlines(query("targets_in_force", as_of=as_of))
    chosen = rules.open_batch(now, due, as_of, batch)
    before = None
    if not is_missing(last_week):
        last_day = pd.Timestamp(last_week).date()
        before = rules.township_scores(assessed_items(query, last_day, history=False), chosen)
    else:
        last_day = None
    return chosen, rules.red_black(rules.township_scores(now, chosen), before), last_day


def cursor_query(reader: Reader) -> Query:
    """A Query that runs named queries on a cursor of reader (one cursor, this thread's)."""
    cursor = reader.cursor()

    def run(name: str, **params: Any) -> pd.DataFrame:
        return queries.run(cursor, name, **params)

    return run


def supervision_for(
    reader: Reader, as_of: dt.date, townships: Sequence[str] = (), leader: str | None = None
) -> pd.DataFrame:
    """The 督办清单 for a scope (the reader's, narrowed to townships) and a day, as the weekly
    document prints it; with leader, that 包保领导's items."""
    listed = rules.supervision_list(assessed_items(cursor_query(reader), as_of, townships), leader)
    return supervision_table(listed)


def red_black_for(
    reader: Reader, as_of: dt.date, townships: Sequence[str] = (), batch: int | None = None
) -> pd.DataFrame:
    """The 红黑榜 on a day (ranked over every township the reader sees; the rows of `townships`
    when given), as the weekly document prints it."""
    _, board, _ = red_black_board(cursor_query(reader), as_of, batch)
    if townships:
        board = board[board["township"].isin(list(townships))]
    return red_black_table(board)
