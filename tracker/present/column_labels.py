"""The dashboard's column headings: what a leader reads over each column a page's query returns,
written once, and each table's columns in the order it shows them.

A word is written once in `HEADINGS` (已入住户 is the same heading over the relocation page's
township table, its village table and the overview's ranking); a table names its columns, and
gives its own word only where its column means something narrower (迁出村 for the village a
household over the cap left; 户数, 人数 per resettlement mode). The page-specific tables the rules
build (`tracker.rules.collective`, `tracker.rules.party`) keep their headings next to their
builders.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

HEADINGS: dict[str, str] = {
    "status": "状态",
    # Places
    "township": "乡镇",
    "village": "村名",
    "receiving_village": "迁入村",
    # Relocation: villages and their progress
    "relocation_batch": "批次",
    "relocation_status": "搬迁进度",
    "completed_on": "搬迁完成日期",
    "relocation_villages": "搬迁村",
    "villages_completed": "已完成搬迁村",
    "planned_households": "计划搬迁户",
    "planned_people": "计划搬迁人",
    "households": "搬迁户",
    "households_moved": "已入住户",
    "people_moved": "已入住人",
    "moved_percent": "入住比例（%）",
    "villages_hukou": "户籍已迁移村",
    "households_hukou": "户籍已迁移户",
    "hukou_transferred": "户籍已迁移",
    # Relocation: what the move left behind, and what it cost
    "villages_reclaimed": "已拆除复垦村",
    "rooms_demolished": "拆除房屋（间）",
    "homestead_m2": "腾退宅基地（平方米）",
    "reclaimed_m2": "已复垦（平方米）",
    "reclaimed": "已复垦",
    "subsidy_10k": "奖补资金（万元）",
    "self_funded_10k": "自筹资金（万元）",
    "subsidy_yuan": "奖补资金（元）",
    "self_funded_yuan": "自筹资金（元）",
    "cap_yuan": "自筹上限（元）",
    "over_cap": "超出自筹上限",
    "poor_households": "贫困户",
    "poor_paying_nothing": "零自筹贫困户",
    "poor_over_cap": "超自筹上限贫困户",
    # Relocation: one household
    "household_id": "户编号",
    "head_name_masked": "户主",
    "people": "人口数",
    "is_poor": "贫困户",
    "resettlement_mode": "安置方式",
    "resettled_at": "安置地点",
    "moved_on": "入住日期",
    "share_percent": "占比（%）",
    # Collective economy and party organizations (the ranking's columns)
    "villages": "行政村",
    "villages_past_zero": "已破零村",
    "zero_break_rate": "破零率（%）",
    "weak_orgs": "软弱涣散组织",
    "weak_orgs_rectified": "已整顿",
    "weak": "软弱涣散党组织",
    "rectified": "已整顿",
    # Funds
    "allocated_on": "拨付日期",
    "source": "资金来源",
    "purpose": "用途",
    "amount_10k": "金额（万元）",
    # Imports: the log and the rows refused
    "imported_at": "导入时间",
    "file": "文件",
    "sheet": "工作表",
    "table_name": "台账",
    "as_of": "数据截至",
    "rows_accepted": "有效行",
    "rows_rejected": "错误行",
    "rows_totals_dropped": "跳过的合计行",
    "row": "行",
    "column": "列",
    "value": "值",
    "reason": "原因",
}


def labels(columns: Sequence[str], **own: str) -> dict[str, str]:
    """{column: heading} for a table's columns, in its order: each column's word in HEADINGS, or
    the table's own word given by keyword."""
    return {column: own.get(column) or HEADINGS[column] for column in columns}


def headed(frame: pd.DataFrame, table: dict[str, str]) -> pd.DataFrame:
    """The table's columns of `frame`, in its order, under its headings."""
    return frame[list(table)].rename(columns=table)


# --- 整村搬迁 -------------------------------------------------------------------------------------
# The township detail in two tables of ten columns, each whole on a 1600 px screen (one of
# nineteen columns was cut off): how far the move is, then what it left behind and what it cost.
RELOCATION_TOWNSHIPS = labels(
    (
        "township",
        "relocation_villages",
        "villages_completed",
        "planned_households",
        "planned_people",
        "households_moved",
        "people_moved",
        "moved_percent",
        "villages_hukou",
        "households_hukou",
    )
)
RELOCATION_TOWNSHIPS_AFTER = labels(
    (
        "township",
        "villages_reclaimed",
        "rooms_demolished",
        "homestead_m2",
        "reclaimed_m2",
        "subsidy_10k",
        "self_funded_10k",
        "poor_households",
        "poor_paying_nothing",
        "poor_over_cap",
    )
)
RELOCATION_VILLAGES = labels(
    (
        "township",
        "village",
        "relocation_batch",
        "relocation_status",
        "completed_on",
        "receiving_village",
        "planned_households",
        "planned_people",
        "households_moved",
        "people_moved",
        "hukou_transferred",
        "households_hukou",
        "rooms_demolished",
        "homestead_m2",
        "reclaimed_m2",
    )
)
RELOCATION_HOUSEHOLDS = labels(
    (
        "household_id",
        "head_name_masked",
        "people",
        "is_poor",
        "resettlement_mode",
        "resettled_at",
        "moved_on",
        "rooms_demolished",
        "homestead_m2",
        "reclaimed",
        "hukou_transferred",
        "subsidy_yuan",
        "self_funded_yuan",
        "cap_yuan",
        "over_cap",
    )
)
RELOCATION_MODES = labels(
    ("resettlement_mode", "households", "people", "share_percent"), households="户数", people="人数"
)
RELOCATION_OVER_CAP = labels(
    ("township", "village", "household_id", "head_name_masked", "people", "self_funded_yuan", "cap_yuan"),
    village="迁出村",
)

# --- 总览: the ranking's whole table (its place and measure columns are named by ui/ranking.py) ---
RANKING = labels(
    (
        "status",
        "relocation_villages",
        "villages_completed",
        "households",
        "households_moved",
        "people_moved",
        "villages",
        "villages_past_zero",
        "zero_break_rate",
        "weak_orgs",
        "weak_orgs_rectified",
    )
)

# --- 党建: rectification per township (its target: assigned, or 按台账计划) ---------------------------
PARTY_RECTIFICATION = labels(
    ("township", "weak", "rectified", "target", "basis"), target="整顿目标", basis="目标依据"
)

# --- 资金 -----------------------------------------------------------------------------------------
FUNDS_ALLOCATIONS = labels(("allocated_on", "source", "township", "village", "purpose", "amount_10k"))

# --- 数据: the import log and the rows refused ------------------------------------------------------
IMPORT_LOG = labels(
    (
        "imported_at",
        "file",
        "sheet",
        "table_name",
        "as_of",
        "rows_accepted",
        "rows_rejected",
        "rows_totals_dropped",
    )
)
REJECTED_ROWS = labels(("table_name", "as_of", "file", "sheet", "row", "column", "value", "reason"))
