"""The weekly document of one scope, section by section, from its ScopeWeek.

The layout of a 公文 weekly report: the title and the snapshot day, 本周简报, what is overdue or
lagging, the key figures as a table, the townships (or, for a township, its villages), a line
pointing to the appendix, and the long lists (villages at zero income, first secretaries) as
appendix tables only. Each table is built here from the rows the pages show; each section is one
call on the Document.
"""

from __future__ import annotations

import pandas as pd

from tracker.contract import formatting
from tracker.present import theme
from tracker.present.table_display import ColumnFormat
from tracker.rules.indicators import Progress
from tracker.weekly.document import Document
from tracker.weekly.scope_week import ScopeWeek

OVERDUE = "overdue"
STATUS_LABELS = theme.STATUS_LABELS | {OVERDUE: "逾期"}
PERCENT = ColumnFormat("percent", 1)
WHOLE = ColumnFormat("number", 0)


def figure(value: float | None, unit: str) -> str:
    """An indicator's value in its unit, as the cards show it: 1,052 人, 70.0%, 8,236.47 万元."""
    if value is None:
        return "—"
    if unit == "%":
        return formatting.percent(value)
    if unit == "万元":
        return formatting.wan_yuan(value)
    return formatting.count(value, unit)


def status_of(card: Progress) -> str:
    """The card's status, with 逾期 for a target past its deadline and not met."""
    if card.status != "done" and card.days_left is not None and card.days_left < 0:
        return OVERDUE
    return card.status


def _due(card: Progress) -> str:
    """The deadline: 10月31日 within the report's year, 2018年6月30日 otherwise."""
    if card.due is None:
        return "—"
    if card.due.year == card.as_of.year:
        return f"{card.due.month}月{card.due.day}日"
    return formatting.day(card.due)


def _left(card: Progress) -> str:
    if card.status == "done" or card.days_left is None:
        return "—"
    return f"逾期{-card.days_left}天" if card.days_left < 0 else f"剩{card.days_left}天"


def _base_label(card: Progress) -> str:
    """The indicator without its batch and without the unit in brackets (the table has a 单位 column)."""
    batch = formatting.batch(card.batch) if card.batch is not None else ""
    label = card.label.removeprefix(batch) if batch else card.label
    return label.split("（")[0]


def _number(value: float | None, unit: str) -> str:
    """A value without its unit, to the unit's precision: 1,052 / 70.0 / 8,236.47."""
    if value is None:
        return "—"
    digits = 2 if unit == "万元" else 1 if unit == "%" else 0
    return f"{value:,.{digits}f}"


def key_figures(cards: list[Progress]) -> pd.DataFrame:
    """One row per card: batch, indicator, unit, target, actual, share, weekly change, deadline, status."""
    rows = []
    for card in cards:
        digits = 2 if card.unit == "万元" else 1 if card.unit == "%" else 0
        rows.append(
            {
                "批次": formatting.batch(card.batch) if card.batch is not None else "—",
                "指标": _base_label(card),
                "单位": "个" if card.unit.startswith("个") else card.unit,
                "目标": _number(card.target, card.unit),
                "完成": _number(card.actual, card.unit),
                "完成\n比例": card.percent,
                "较上周": formatting.signed(card.change, "", digits),
                "完成\n时限": _due(card),
                "状态": STATUS_LABELS.get(status_of(card), ""),
            }
        )
    return pd.DataFrame(rows)


def late_items(week: ScopeWeek) -> pd.DataFrame:
    """What is overdue, then what lags or is due soon: indicator, actual, target, deadline, days, status."""
    rows = []
    for card in week.overdue + week.lagging:
        rows.append(
            {
                "事项": card.label,
                "完成": figure(card.actual, card.unit),
                "目标": figure(card.target, card.unit),
                "完成时限": _due(card),
                "剩余时间": _left(card),
                "状态": STATUS_LABELS.get(status_of(card), ""),
            }
        )
    return pd.DataFrame(rows)


def _place_rows(frame: pd.DataFrame, batch_name: str) -> pd.DataFrame:
    relocation = f"整村搬迁（{batch_name}）" if batch_name else "整村搬迁"
    return pd.DataFrame(
        {
            ("", "乡镇"): frame["place"].tolist(),
            (relocation, "村数"): frame["relocation_villages"].tolist(),
            (relocation, "已完成"): frame["villages_completed"].tolist(),
            (relocation, "户数"): frame["households"].tolist(),
            (relocation, "已入住"): frame["households_moved"].tolist(),
            (relocation, "入住率"): frame["moved_percent"].tolist(),
            ("集体经济", "行政村"): frame["villages"].tolist(),
            ("集体经济", "已破零"): frame["villages_past_zero"].tolist(),
            ("集体经济", "破零率"): frame["zero_break_rate"].tolist(),
            ("软弱涣散党组织", "个数"): frame["weak_orgs"].tolist(),
            ("软弱涣散党组织", "已整顿"): frame["weak_orgs_rectified"].tolist(),
        }
    )


def township_table(week: ScopeWeek, places: list[str] | None = None) -> tuple[pd.DataFrame, list[int]]:
    """The townships (or the named ones) and the county total under them; the total row's index."""
    ranking = week.ranking if places is None else week.ranking[week.ranking["place"].isin(places)]
    total = week.county_total.assign(
        place=f"{week.county}合计" if places is None else f"全县（{week.county}）"
    )
    name = formatting.batch(week.open_batch) if week.open_batch is not None else ""
    frame = _place_rows(pd.concat([ranking, total], ignore_index=True), name)
    return frame, [len(frame) - 1]


def _place_formats(week: ScopeWeek) -> dict[object, ColumnFormat]:
    name = formatting.batch(week.open_batch) if week.open_batch is not None else ""
    relocation = f"整村搬迁（{name}）" if name else "整村搬迁"
    formats: dict[object, ColumnFormat] = {(relocation, "入住率"): PERCENT, ("集体经济", "破零率"): PERCENT}
    return formats | {(relocation, c): WHOLE for c in ("村数", "已完成", "户数", "已入住")}


def village_table(villages: pd.DataFrame) -> pd.DataFrame:
    """A township's relocation villages: batch, stage, households and people planned and moved in."""
    if villages.empty:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            "村名": villages["village"].tolist(),
            "批次": [formatting.batch(b) for b in villages["relocation_batch"]],
            "搬迁进度": villages["relocation_status"].fillna("—").tolist(),
            "户数": villages["households"].tolist(),
            "已入住\n户数": villages["households_moved"].tolist(),
            "人数": villages["people"].tolist(),
            "已入住\n人数": villages["people_moved"].tolist(),
            "完成日期": villages["completed_on"].tolist(),
        }
    )


def _lists_line(week: ScopeWeek) -> str:
    zero, secretaries = len(week.zero_income), len(week.secretaries)
    parts = []
    if zero:
        parts.append(f"集体经济收入为零或未填报的行政村{zero}个，名单见附表1")
    if secretaries:
        number = 2 if zero else 1
        parts.append(f"贫困村党支部及第一书记选派情况（{secretaries}个村）见附表{number}")
    return "；".join(parts) + "。" if parts else ""


def weekly_document(week: ScopeWeek) -> Document:
    """The scope's weekly document, section by section."""
    doc = Document(
        title=f"{week.county}脱贫攻坚周报",
        issue=formatting.week(week.as_of),
        scope=week.scope,
        as_of=week.as_of,
    )
    doc.section("本周简报", week.briefing)
    late = late_items(week)
    doc.table_section(
        "逾期和滞后事项",
        late,
        lead=_late_lead(week),
        status=[status_of(c) for c in week.overdue + week.lagging],
        empty="本周没有逾期或滞后的目标任务。",
    )
    cards = key_figures(week.cards)
    doc.table_section(
        "主要指标完成情况",
        cards,
        formats={"完成\n比例": PERCENT},
        status=[status_of(c) for c in week.cards],
        note="完成比例＝完成÷目标；状态按近四周进度推算至完成时限。",
        empty="尚未导入目标任务，无法对照目标。",
    )
    if week.township is None:
        frame, total = township_table(week)
        doc.table_section(
            "各乡镇进度",
            frame,
            formats=_place_formats(week),
            emphasis=total,
            lead=_behind_lead(week),
            empty="所选范围内没有村级台账数据。",
        )
    else:
        frame, total = township_table(week, [week.township])
        doc.table_section("本乡镇与全县对比", frame, formats=_place_formats(week), emphasis=total)
        doc.table_section(
            "各搬迁村进度",
            village_table(week.villages),
            formats={c: WHOLE for c in ("户数", "已入住\n户数", "人数", "已入住\n人数")},
            empty="本乡镇没有整村搬迁村。",
        )
    lists = _lists_line(week)
    if lists:
        doc.section("有关名单", lists)
    if not week.zero_income.empty:
        doc.table_section("集体经济收入为零的行政村", week.zero_income, appendix=True)
    if not week.secretaries.empty:
        doc.table_section("贫困村党支部及第一书记", week.secretaries, appendix=True)
    return doc


def _late_lead(week: ScopeWeek) -> str:
    overdue, lagging = len(week.overdue), len(week.lagging)
    if not overdue and not lagging:
        return ""
    parts = []
    if overdue:
        parts.append(f"已超过完成时限仍未完成的目标{overdue}项")
    if lagging:
        parts.append(f"按近四周进度推算难以按期完成或即将到期的目标{lagging}项")
    return "；".join(parts) + "，列表如下。"


def _behind_lead(week: ScopeWeek) -> str:
    behind = week.behind_townships
    if week.open_batch is None:
        return "各乡镇搬迁户入住、集体经济破零和软弱涣散党组织整顿情况如下。"
    batch = formatting.batch(week.open_batch)
    if behind.empty:
        return f"各乡镇{batch}入住进度均不低于全县平均。"
    names = "、".join(behind["place"])
    return f"按{batch}入住率从高到低排列；{names}低于全县平均。"
