"""The weekly document of one scope, section by section, from its ScopeWeek.

The layout of a 公文 weekly report, telling what 总览 tells in the same words:

一、本周简报 — 总览's paragraph;
二、逾期和滞后事项 — 总览's banner (overdue first, then what is late with under two weeks left) and
    the other late targets, one row each;
三、主要指标完成情况 — every card, with its target's basis (按台账计划) where it was not assigned;
四、各乡镇进度 — 总览's 排名表: the measured batch, each township's status by its own target, the
    county row last (a township's document: 本乡镇与全县对比, then its relocation villages);
then 督办清单 (every item, as supervision_for lists it; a long list goes to the appendix with a
line pointing to it), 红黑榜 (ranks and their change since last week), a line pointing to the
appendix, and the long lists as appendix tables only. Status words are the status rule's
(tracker.rules.indicators, tracker.present.theme); each section is one call on the Document.
"""

from __future__ import annotations

import pandas as pd

from tracker.contract import formatting
from tracker.present import deadlines, theme
from tracker.present.table_display import ColumnFormat
from tracker.rules import responsibility as duty
from tracker.rules.indicators import Progress
from tracker.weekly.document import NUMERALS, Document, Section
from tracker.weekly.scope_week import ScopeWeek

PERCENT = ColumnFormat("percent", 1)
WHOLE = ColumnFormat("number", 0)
# A 督办清单 longer than this goes to the appendix; the body keeps its summary and points there.
LONG_LIST_ROWS = 15
# The 督办清单's headers where a printed table may break them (between words), as page headers stay.
SUPERVISION_HEADERS = {
    "当前进度": "当前\n进度",
    "应达进度": "应达进度\n（计划日期）",
    "滞后天数": "滞后\n天数",
    "停滞周数": "停滞\n周数",
    "牵头部门": "牵头\n部门",
}
# As on the pages' screens (their downloads keep them): twelve columns do not fit an A4 page, and the
# batch's 完成时限 is in the key figures above.
SUPERVISION_LEFT_OUT = ("专班负责人", "完成时限")
BOARD_HEADERS = {
    "按期比例（%）": "按期比例\n（%）",
    "平均滞后天数": "平均滞后\n天数",
    "已搬迁比例（%）": "已搬迁比例\n（%）",
}
STATUS_NOTE = "；".join(f"{theme.STATUS_LABELS[k]}：{v}" for k, v in theme.STATUS_MEANINGS.items())


def figure(value: float | None, unit: str) -> str:
    """An indicator's value in its unit, as the cards show it: 1,052 人, 70.0%, 8,236.47 万元."""
    if value is None:
        return "—"
    return deadlines.card_value(value, unit)


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
    """One row per card: batch, indicator, unit, target (and its basis where not assigned), actual,
    share, weekly change, deadline, status."""
    based = any(c.basis for c in cards if c.target is not None)
    rows = []
    for card in cards:
        digits = 2 if card.unit == "万元" else 1 if card.unit == "%" else 0
        row: dict[str, object] = {
            "批次": formatting.batch(card.batch) if card.batch is not None else "—",
            "指标": _base_label(card),
            "单位": "个" if card.unit.startswith("个") else card.unit,
            "目标": _number(card.target, card.unit),
        }
        if based:
            row["目标\n依据"] = (card.basis or "下达") if card.target is not None else "—"
        rows.append(
            row
            | {
                "完成": _number(card.actual, card.unit),
                "完成\n比例": card.percent,
                "较上周": formatting.signed(card.change, "", digits),
                "完成\n时限": _due(card),
                "状态": theme.status_label(card.status),
            }
        )
    return pd.DataFrame(rows)


def _target(card: Progress) -> str:
    basis = f"（{card.basis}）" if card.basis else ""
    return figure(card.target, card.unit) + basis


def late_items(week: ScopeWeek) -> pd.DataFrame:
    """总览's banner (overdue, then late with under two weeks left), then the other late targets:
    indicator, actual, target, deadline, days, status."""
    rows = []
    for card in [a.card for a in week.alerts] + week.late:
        rows.append(
            {
                "事项": card.label,
                "完成": figure(card.actual, card.unit),
                "目标": _target(card),
                "完成时限": _due(card),
                "剩余时间": _left(card),
                "状态": theme.status_label(card.status),
            }
        )
    return pd.DataFrame(rows)


def _late_lead(week: ScopeWeek) -> str:
    overdue = [a for a in week.alerts if a.kind == deadlines.OVERDUE]
    urgent = [a for a in week.alerts if a.kind == deadlines.URGENT]
    parts = []
    if overdue:
        parts.append(f"已超过完成时限仍未完成的目标{len(overdue)}项")
    if urgent:
        parts.append(f"距完成时限不足两周且进度滞后的目标{len(urgent)}项")
    if week.late:
        parts.append(f"按近四周进度推算难以按期完成的{'其他' if parts else ''}目标{len(week.late)}项")
    return "；".join(parts) + "，列表如下。" if parts else ""


def place_table(week: ScopeWeek) -> pd.DataFrame:
    """总览's 排名表 (tracker.present.ranking.ranking_table) with the document's grouped headers."""
    frame = week.ranking.table
    batch = formatting.batch(week.ranking.batch) if week.ranking.batch is not None else ""
    relocation = f"整村搬迁（{batch}）" if batch else "整村搬迁"
    return pd.DataFrame(
        {
            ("", "乡镇"): frame["place"].tolist(),
            (relocation, "状态"): frame["status"].tolist(),
            (relocation, "村数"): frame["relocation_villages"].tolist(),
            (relocation, "已完成"): frame["villages_completed"].tolist(),
            (relocation, "户数"): frame["households"].tolist(),
            (relocation, "已入住"): frame["households_moved"].tolist(),
            (relocation, "入住比例"): frame["moved_percent"].tolist(),
            ("集体经济", "行政村"): frame["villages"].tolist(),
            ("集体经济", "已破零"): frame["villages_past_zero"].tolist(),
            ("集体经济", "破零率"): frame["zero_break_rate"].tolist(),
            ("软弱涣散党组织", "个数"): frame["weak_orgs"].tolist(),
            ("软弱涣散党组织", "已整顿"): frame["weak_orgs_rectified"].tolist(),
        }
    )


def _place_formats(week: ScopeWeek) -> dict[object, ColumnFormat]:
    batch = formatting.batch(week.ranking.batch) if week.ranking.batch is not None else ""
    relocation = f"整村搬迁（{batch}）" if batch else "整村搬迁"
    formats: dict[object, ColumnFormat] = {(relocation, "入住比例"): PERCENT, ("集体经济", "破零率"): PERCENT}
    return formats | {(relocation, c): WHOLE for c in ("村数", "已完成", "户数", "已入住")}


def _places_lead(week: ScopeWeek) -> str:
    ranking = week.ranking
    if ranking.batch is None:
        return "各乡镇搬迁户入住、集体经济破零和软弱涣散党组织整顿情况如下。"
    order = "" if week.township else f"按{ranking.measure}从高到低排列，全县合计列于最后；"
    text = (
        "".join(ranking.notes)
        + order
        + "状态按各乡镇自己的目标（下达的，或按台账计划）、完成时限和近四周进度判定。"
    )
    return text + (ranking.without + "。" if ranking.without else "")


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


def supervision_tables(week: ScopeWeek) -> list[tuple[str, pd.DataFrame]]:
    """The 督办清单 as supervision_for lists it, every row in its order, as two tables as 整村搬迁 and
    党建 show them: the relocation villages (类别 as their 批次) and the weak organisations (no 类别);
    the columns the pages show, headers that may break between words. (caption, table) each."""
    frame = week.supervision.drop(columns=list(SUPERVISION_LEFT_OUT))
    kinds = pd.Series(week.supervision_kinds, index=frame.index, dtype=object)
    out = []
    villages = frame[kinds == duty.VILLAGE]
    if not villages.empty:
        batches = villages["类别"].str.extract(r"（(.+)）", expand=False).fillna("—")
        villages = villages.assign(类别=batches).rename(columns={"类别": "批次", "村（党组织）": "村名"})
        out.append((f"{duty.KIND_LABELS[duty.VILLAGE]}（{len(villages)}项）", villages))
    orgs = frame[kinds == duty.ORG]
    if not orgs.empty:
        orgs = orgs.drop(columns=["类别"]).rename(columns={"村（党组织）": "党组织"})
        out.append((f"{duty.KIND_LABELS[duty.ORG]}（{len(orgs)}项）", orgs))
    numbered = [(f"（{NUMERALS[n]}）{caption}", table) for n, (caption, table) in enumerate(out)]
    return [(caption, table.rename(columns=SUPERVISION_HEADERS)) for caption, table in numbered]


def _appendices(week: ScopeWeek) -> list[str]:
    """The appendix tables, in order: a long 督办清单, the zero-income villages, the first secretaries."""
    names = []
    if len(week.supervision) > LONG_LIST_ROWS:
        names.append("督办清单")
    if not week.zero_income.empty:
        names.append("集体经济收入为零的行政村")
    if not week.secretaries.empty:
        names.append("贫困村党支部及第一书记")
    return names


def _lists_line(week: ScopeWeek, appendices: list[str]) -> str:
    parts = []
    for number, name in enumerate(appendices, start=1):
        if name == "督办清单":
            parts.append(f"督办清单（{len(week.supervision)}项）见附表{number}")
        elif name == "集体经济收入为零的行政村":
            parts.append(f"集体经济收入为零或未填报的行政村{len(week.zero_income)}个，名单见附表{number}")
        else:
            parts.append(f"贫困村党支部及第一书记选派情况（{len(week.secretaries)}个村）见附表{number}")
    return "；".join(parts) + "。" if parts else ""


def _supervision_section(doc: Document, week: ScopeWeek, appendices: list[str]) -> None:
    if not week.supervision_lead:
        doc.section("督办清单", "尚未导入包保责任台账，无法列出督办清单。")
    elif week.supervision.empty:
        doc.section("督办清单", week.supervision_lead, "各项均按倒排工期推进，没有需要督办的事项。")
    elif "督办清单" in appendices:
        number = appendices.index("督办清单") + 1
        first = week.supervision.iloc[0]
        worst = f"滞后最多的是{first['乡镇']}{first['村（党组织）']}（{first['滞后天数']}天，包保领导{first['包保领导']}）。"
        doc.section(
            "督办清单", week.supervision_lead + worst + f"全部{len(week.supervision)}项见附表{number}。"
        )
    else:
        _supervision_tables(doc.section("督办清单", week.supervision_lead), week)


def _supervision_tables(section: Section, week: ScopeWeek) -> None:
    for caption, table in supervision_tables(week):
        section.table(table, caption=caption, formats=_supervision_formats())


def _supervision_formats() -> dict[object, ColumnFormat]:
    return {SUPERVISION_HEADERS[c]: WHOLE for c in ("滞后天数", "停滞周数")}


def _board_section(doc: Document, week: ScopeWeek) -> None:
    board = week.board
    if board is None:
        return
    which = formatting.batch(board.batch) if board.batch else ""
    if board.table.empty:
        doc.section(f"{which}红黑榜", "没有可对照倒排工期排名的搬迁村。")
        return
    ranked = f"本乡镇在全县{board.ranked}个乡镇中的名次如下。" if week.township else ""
    doc.table_section(
        f"{which}红黑榜",
        board.table.rename(columns=BOARD_HEADERS),
        lead=board.note + ranked,
        formats={
            BOARD_HEADERS["按期比例（%）"]: ColumnFormat("number", 1),
            BOARD_HEADERS["平均滞后天数"]: ColumnFormat("number", 1),
            BOARD_HEADERS["已搬迁比例（%）"]: ColumnFormat("number", 1),
        },
    )


def weekly_document(week: ScopeWeek) -> Document:
    """The scope's weekly document, section by section."""
    doc = Document(
        title=f"{week.county}脱贫攻坚周报",
        issue=formatting.week(week.as_of),
        scope=week.scope,
        as_of=week.as_of,
        alerts=list(week.alerts),
    )
    doc.section("本周简报", week.briefing)
    doc.table_section(
        "逾期和滞后事项",
        late_items(week),
        lead=_late_lead(week),
        empty="本周没有逾期或滞后的目标任务。",
    )
    doc.table_section(
        "主要指标完成情况",
        key_figures(week.cards),
        formats={"完成\n比例": PERCENT},
        note=f"完成比例＝完成÷目标。{STATUS_NOTE}。",
        empty="尚未导入目标任务，无法对照目标。",
    )
    places = place_table(week)
    doc.table_section(
        "本乡镇与全县对比" if week.township else "各乡镇进度",
        places,
        formats=_place_formats(week),
        emphasis=list(range(week.ranking.places, len(places))),
        lead=_places_lead(week),
        empty="所选范围内没有村级台账数据。",
    )
    if week.township:
        doc.table_section(
            "各搬迁村进度",
            village_table(week.villages),
            formats={c: WHOLE for c in ("户数", "已入住\n户数", "人数", "已入住\n人数")},
            empty="本乡镇没有整村搬迁村。",
        )
    appendices = _appendices(week)
    _supervision_section(doc, week, appendices)
    _board_section(doc, week)
    lists = _lists_line(week, appendices)
    if lists:
        doc.section("有关名单", lists)
    for name in appendices:
        if name == "督办清单":
            _supervision_tables(doc.appendix_section(name), week)
        elif name == "集体经济收入为零的行政村":
            doc.table_section(name, week.zero_income, appendix=True)
        else:
            doc.table_section(name, week.secretaries, appendix=True)
    return doc
