"""The week in one paragraph, in the style of a 公文 weekly briefing, written from the figures.

It opens with what is overdue (and what is late and due within two weeks), in the words of
the overview's banner (tracker.present.deadlines); then says, batch by batch, what is done; for a batch still open, how many days are
left to its deadline, what is still missing (villages, households, people), the
weekly pace that would close the gap, and whether the recent pace will; then the
other targets still open, and the townships whose open batch lags the county.
Every number comes from the cards (tracker.rules.indicators), the township ranking
(queries/ranking.sql) and the 包保责任台账 assessed (tracker.rules.responsibility); nothing is
typed in. `scope_briefing` gathers those for a scope: 总览 and the weekly report both call it, so
their 本周简报 is one text.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

import pandas as pd

from tracker.contract import formatting
from tracker.present import deadlines, supervision
from tracker.present.scope_progress import Derive, Query, direct
from tracker.rules import indicators, responsibility
from tracker.rules.indicators import Progress

RELOCATION = ("villages_completed", "households_moved", "people_moved")
RELOCATION_UNITS = {"villages_completed": "个村", "households_moved": "户", "people_moved": "人"}
OTHER_LABELS = {
    "zero_break_rate": "村集体经济破零率",
    "weak_orgs_rectified": "软弱涣散党组织已整顿",
    "funds_10k": "整合搬迁资金",
}
LATE = (indicators.BEHIND, indicators.OVERDUE)


def open_batches(cards: Sequence[Progress]) -> list[int]:
    """Relocation batches with a target that is not met yet, in order."""
    return sorted(
        {c.batch for c in cards if c.indicator in RELOCATION and c.batch is not None and c.status != "done"}
    )


def weekly_pace(missing: float, days_left: int) -> int:
    """What must be done each week to close the gap by the deadline (a last week counts as a whole week)."""
    weeks = max(days_left / 7, 1.0)
    return math.ceil(missing / weeks) if missing > 0 else 0


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return formatting.percent(value)
    if unit == "万元":
        return formatting.wan_yuan(value).replace(" ", "")
    return f"{round(value):,}{unit}"


def _batch_sentence(batch: int, row: dict[str, Progress], as_of: dt.date) -> str:
    name = formatting.batch(batch)
    actual = {k: c.actual or 0 for k, c in row.items()}
    amounts = {k: _amount(actual[k], RELOCATION_UNITS[k]) for k in RELOCATION if k in row}
    if all(c.status == "done" for c in row.values()):
        return f"{name}{'、'.join(amounts.values())}已全部完成搬迁入住。"
    moved = "、".join(v for k, v in amounts.items() if k != "villages_completed")
    done = "，".join(
        part
        for part in (
            f"完成搬迁{amounts['villages_completed']}" if "villages_completed" in amounts else "",
            f"入住{moved}" if moved else "",
        )
        if part
    )
    due = next((c.due for c in row.values() if c.due), None)
    missing = {k: max((c.target or 0) - actual[k], 0) for k, c in row.items() if c.target is not None}
    gap = "、".join(_amount(missing[k], RELOCATION_UNITS[k]) for k in RELOCATION if k in missing)
    text = f"{name}已{done}"
    if due is None:
        return text + (f"，距目标尚差{gap}。" if gap else "。")
    days = (due - as_of).days
    if days < 0:
        return text + f"，已超过完成时限（{formatting.day(due)}）{-days}天，尚差{gap}，须尽快完成。"
    pace = "、".join(
        _amount(weekly_pace(missing[k], days), RELOCATION_UNITS[k]) for k in RELOCATION if k in missing
    )
    text += f"，距完成时限（{formatting.day(due)}）还有{days}天，尚差{gap}，每周需完成约{pace}"
    if any(c.status in LATE for c in row.values()):
        text += "；按近四周进度推算难以按期完成"
    return text + "。"


def _others_sentence(cards: Sequence[Progress]) -> str:
    parts = []
    for card in cards:
        label = OTHER_LABELS.get(card.indicator)
        if label is None or card.target is None or card.status == "done":
            continue
        parts.append(f"{label}{_amount(card.actual, card.unit)}（目标{_amount(card.target, card.unit)}）")
    return "；".join(parts) + "。" if parts else ""


def _behind_sentence(batch: int, ranking: pd.DataFrame) -> str:
    moving = ranking[ranking["households"] > 0]
    if len(moving) < 2:
        return ""
    county = 100.0 * moving["households_moved"].sum() / moving["households"].sum()
    behind = moving[moving["moved_percent"] < county].sort_values(["moved_percent", "place"])
    if behind.empty:
        return ""
    names = "、".join(f"{r.place}{formatting.percent(r.moved_percent)}" for r in behind.itertuples())
    return f"{formatting.batch(batch)}入住进度低于全县平均（{formatting.percent(county)}）的乡镇：{names}。"


# The villages furthest behind their own plan that the briefing names, with their 包保领导.
BEHIND_NAMED = 3


def _leader(row: object) -> str:
    """The 包保领导 as a 公文 names a leader: title, then name (县委常委、副县长王伟)."""
    title = getattr(row, "leader_title", None)
    return f"{'' if title is None or pd.isna(title) else title}{getattr(row, 'leader', '')}"


def behind_plan_sentence(assessed: pd.DataFrame) -> str:
    """How many relocation villages are behind their own 倒排工期, the three furthest behind with
    their 包保领导, and the weak organisations behind theirs ("" without a 包保责任台账).

    assessed: tracker.rules.responsibility.assess over the 包保责任台账 in force."""
    if assessed is None or assessed.empty:
        return ""
    villages = responsibility.behind_villages(assessed)
    orgs = assessed[(assessed["kind"] == responsibility.ORG) & (assessed["days_behind"].fillna(0) > 0)]
    overdue = assessed[
        (assessed["kind"] == responsibility.VILLAGE)
        & (assessed["status"] == responsibility.OVERDUE)
        & (assessed["days_behind"].fillna(0) == 0)
    ]
    if villages.empty:
        text = "对照倒排工期，各搬迁村均按计划推进"
    else:
        named = "、".join(
            f"{r.township}{r.name}{int(r.days_behind)}天（包保领导：{_leader(r)}）"
            for r in villages.head(BEHIND_NAMED).itertuples()
        )
        text = f"对照倒排工期，{len(villages)}个搬迁村进度滞后，滞后最多的是{named}"
    if len(overdue):
        text += f"；另有{len(overdue)}个搬迁村已超过批次完成时限"
    if len(orgs):
        text += f"；{len(orgs)}个软弱涣散党组织整顿滞后于计划"
    return text + "。"


def weekly_briefing(
    as_of: dt.date,
    scope: str,
    cards: Sequence[Progress],
    rankings: Mapping[int, pd.DataFrame] | None = None,
    supervision: pd.DataFrame | None = None,
) -> str:
    """The paragraph: what is overdue or urgent, relocation batch by batch, the other open targets,
    the townships behind, and the villages behind their own 倒排工期 with their 包保领导.

    rankings maps an open batch to its township ranking (queries/ranking.sql run for that batch);
    supervision is the 包保责任台账 assessed (tracker.rules.responsibility.assess), or None.
    """
    first = deadlines.sentence(deadlines.alerts(cards), as_of, scope)
    sentences = [first, _relocation_sentences(as_of, scope, cards, lead=not first), _others_sentence(cards)]
    sentences += [_behind_sentence(batch, ranking) for batch, ranking in sorted((rankings or {}).items())]
    if supervision is not None:
        sentences.append(behind_plan_sentence(supervision))
    return "".join(sentences)


def scope_briefing(
    query: Query,
    as_of: dt.date,
    scope: str,
    townships: Sequence[str],
    batch: int | None,
    cards: Sequence[Progress],
    by_county: bool = False,
    derive: Derive = direct,
) -> str:
    """本周简报 of a scope, as 总览 and the weekly report write it: from the scope's cards, the township
    ranking of each open batch (for the county or several townships; not for one township nor a
    region's counties), and the scope's 包保责任台账 assessed against its plans.

    query runs a named query, derive applies a rule (tracker.present.scope_progress)."""
    rankings = {}
    if not by_county and len(townships) != 1:
        for open_batch in open_batches(cards):
            params = {"as_of": as_of, "township": list(townships), "batch": open_batch}
            rankings[open_batch] = query("ranking", **params, by_county=False)
    items = query("responsibility_items", as_of=as_of, township=list(townships), batch=batch)
    targets = query("targets_in_force", as_of=as_of)
    behind = derive(supervision.assess, items, targets, as_of)
    return weekly_briefing(as_of, scope, cards, rankings, behind)


def _relocation_sentences(as_of: dt.date, scope: str, cards: Sequence[Progress], lead: bool) -> str:
    """整村搬迁 batch by batch; opening the paragraph (with the day and scope) when nothing is overdue."""
    rows: dict[int, dict[str, Progress]] = {}
    for card in cards:
        if card.indicator in RELOCATION and card.batch is not None and card.target is not None:
            rows.setdefault(card.batch, {})[card.indicator] = card
    opening = f"截至{formatting.day(as_of)}，{scope}" if lead else ""
    batches = "".join(_batch_sentence(b, rows[b], as_of) for b in sorted(rows))
    return f"{opening}整村搬迁：{batches}" if batches else f"{opening}无整村搬迁任务。"
