"""The growth guard: no import quietly inflates a week (the shrink guard's counterpart).

A file of two million villages for one township landed once (26 → 2,000,000 villages): a
pasted block repeated, a generator gone wrong, or someone testing the dashboard. Two checks,
on the ledgers whose rows are the figures leaders read (villages, households, party
organizations):

- against the snapshot in force: within an import's scope (the units it replaces, see
  `tracker.ingest.coverage`), more than GROWTH_LIMIT times the rows before is refused,
  unless the clerk says it is real (`--allow-growth`, or the data page's box); a rise of
  at most GROWTH_SLACK rows always passes, so a township of three households may add a few;
- a sane bound per township, whatever the store held: more rows for one township than
  `county.toml`'s [limits] allow (DEFAULT_PER_TOWNSHIP unless set) is refused, with or
  without --allow-growth: a township of that size is a configuration to change, not a week.

Nothing changes when either refuses; the message gives the numbers.
"""

from __future__ import annotations

import pyarrow.compute as pc

from tracker.contract import schema
from tracker.contract.county import County
from tracker.ingest.coverage import Change, Part
from tracker.ingest.shrink_guard import scope_text

GROWTH_LIMIT = 2.0
GROWTH_SLACK = 10
WATCHED = ("villages", "households", "party_orgs")
# Rows one township may hold in each ledger (county.toml [limits] `<ledger>_per_township`). A county
# of China has at most a few hundred villages; these leave room for any real township.
DEFAULT_PER_TOWNSHIP = {"villages": 1_000, "households": 50_000, "party_orgs": 2_000}
COUNTED = {"villages": "个村", "households": "户", "party_orgs": "个党组织"}

HINT = "如确属实，请加 --allow-growth 重新导入"
PAGE_HINT = "如确属实，请勾选“允许数量大幅增加”后重新检查"


def limit_key(table: str) -> str:
    """The [limits] key of county.toml that bounds a ledger's rows per township."""
    return f"{table}_per_township"


def grows(change: Change) -> bool:
    """Whether the change more than doubles its scope's rows (by more than GROWTH_SLACK)."""
    return (
        change.table in WATCHED
        and change.before > 0
        and change.after > GROWTH_LIMIT * change.before
        and change.after - change.before > GROWTH_SLACK
    )


def judge(changes: list[Change], parts: list[Part], county: County, allow_growth: bool) -> list[str]:
    """Why the import is refused for growth (empty: it is not); marks the changes that grew."""
    problems = []
    for change in changes:
        change.grew = grows(change) and not allow_growth
        if change.grew:
            problems.append(message(change))
    for part in parts:
        if part.table in WATCHED:
            problems += _over_bound(part, county)
    return problems


def message(change: Change) -> str:
    """`村级台账（赵家沟乡）：上期 26 个村，本次 2,000,000 个村（为上期的 76,923.1 倍），超过翻倍的增长上限；…`"""
    label = schema.TABLES[change.table].label
    if not change.whole:
        label += f"（{scope_text(change)}）"
    unit = COUNTED[change.table]
    return (
        f"{label}：上期 {change.before:,} {unit}，本次 {change.after:,} {unit}"
        f"（为上期的 {change.after / change.before:,.1f} 倍），超过翻倍的增长上限；{HINT}"
    )


def _over_bound(part: Part, county: County) -> list[str]:
    bound = county.limits.get(limit_key(part.table), DEFAULT_PER_TOWNSHIP[part.table])
    if part.rows.num_rows <= bound:
        return []
    counts = part.rows.group_by([schema.COUNTY, "township"]).aggregate([([], "count_all")])
    over = counts.filter(pc.greater(counts["count_all"], bound)).to_pylist()
    label, unit = schema.TABLES[part.table].label, COUNTED[part.table]
    several = len(county.counties) > 1
    return [
        f"{label}：{(row[schema.COUNTY] + '·') if several else ''}{row['township']} 本次 {row['count_all']:,} {unit}，"
        f"超过每个乡镇 {bound:,} {unit}的上限（县配置 county.toml 的 [limits] {limit_key(part.table)}），"
        "疑似数据重复或文件有误；如确属实，请先修改县配置中的上限"
        for row in over
    ]
