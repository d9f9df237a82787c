"""The shrink guard: no import quietly collapses a week.

A county must never see the dashboard show a collapsed county after a routine upload:
a file of five villages must not replace three hundred and forty. Within an import's
scope (the units it replaces, see `tracker.ingest.coverage`; the whole snapshot with
replace_all), the rows of the snapshot in force are compared with the rows that would
land — after rejected rows are dropped, so importing only the valid rows cannot shrink a
week either. Losing more than SHRINK_LIMIT of them refuses the import, and nothing
changes; only an explicit replace-all (`--replace-all`, or the data page's confirmation)
passes, and the audit log records who gave it.

The guard watches every ledger: villages, households and party organizations (the
figures the leaders read), and the allocations of the funds ledger and the rows of
the targets, which a shortened file would silently drop as well.
"""

from __future__ import annotations

from tracker.contract import schema
from tracker.ingest.coverage import Change

# The share of a scope's rows an import may drop without replace-all: 20 %. A week's
# ledgers move by a few rows (a household merged, a village renamed); a drop of a fifth
# is a file that covers less than it seems to, not a week's work.
SHRINK_LIMIT = 0.20

# How each ledger's rows are counted in messages.
COUNTED = {
    "villages": "个村",
    "households": "户",
    "party_orgs": "个党组织",
    "funds": "笔资金",
    "targets": "项目标",
    "responsibilities": "项包保责任",
}

CLI_HINT = "如确需整体替换，请加 --replace-all"
PAGE_HINT = "如确需整体替换，请勾选“整体替换本期数据”后重新检查"


def shrinks(change: Change) -> bool:
    """Whether the change drops more than SHRINK_LIMIT of its scope's rows."""
    return change.before > 0 and (change.before - change.after) / change.before > SHRINK_LIMIT


def judge(changes: list[Change]) -> list[Change]:
    """Mark and return the changes the guard refuses (a replace-all is never refused)."""
    refused = []
    for change in changes:
        change.refused = shrinks(change) and not change.replace_all
        if change.refused:
            refused.append(change)
    return refused


def scope_text(change: Change) -> str:
    """Whom a change replaces: 全县, or the townships (the first few, and how many)."""
    if change.whole:
        return "全县"
    if len(change.scope) <= 4:
        return "、".join(change.scope)
    return f"{'、'.join(change.scope[:3])}等 {len(change.scope)} 个单位"


def message(change: Change, hint: str = CLI_HINT) -> str:
    """Why the change is refused, with the numbers, in Chinese:
    `村级台账：上期 340 个村，本次仅 5 个村（减少 98.5%），超过 20% 的缩减上限；如确需整体替换，请加 --replace-all`."""
    label = schema.TABLES[change.table].label
    if not change.whole:
        label += f"（{scope_text(change)}）"
    unit = COUNTED[change.table]
    drop = 100 * (change.before - change.after) / change.before
    return (
        f"{label}：上期 {change.before:,} {unit}，本次仅 {change.after:,} {unit}"
        f"（减少 {drop:.1f}%），超过 {SHRINK_LIMIT:.0%} 的缩减上限；{hint}"
    )
