"""Pre-aggregated tables written beside the snapshots at import, for the queries that read every week.

A weekly series over households scans every snapshot: at province scale that
is 13 million rows for one chart. The same series over `household_summary`
(one row per village, batch and week) reads about a hundred thousand. Each
summary is derived from one snapshot of its ledger by a named query
(`queries/derived_<name>.sql`, over the table `snapshot`, applying the same rule
macros as the pages: `tracker.rules.macros`), lands in the same
commit as that snapshot (`store.commit` adds the ones an import did not bring),
and is never edited by hand; the `sql` command can read them too.

A store written before a summary existed (or before it gained a column) still
reads: the store reader derives what is missing from the ledger's own files,
and `python -m tracker check --repair` writes it to the store for good.

Every summary keeps `county` and `township`, so the reader's scope limits it
exactly as it limits the ledger it sums.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from tracker.contract import schema
from tracker.rules import macros
from tracker.store import queries


@dataclass(frozen=True)
class Derived:
    """A summary: its table (name, label, columns) and the ledger one of its snapshots sums."""

    table: schema.Table
    source: str


def _table(name: str, label: str, *columns: tuple[str, str, str]) -> schema.Table:
    return schema.Table(name, label, tuple(schema._c(*c) for c in columns), key=())


_PLACE = ((schema.COUNTY, "县", "county"), ("township", "乡镇", "township"))
# The summaries the freshness line reads also say which day each township's rows are from.
_PLACE_DAY = (*_PLACE, (schema.TOWNSHIP_AS_OF, "数据截至", "date"))

HOUSEHOLD_SUMMARY = _table(
    "household_summary",
    "搬迁户汇总（导入时生成）",
    *_PLACE_DAY,
    ("village", "村名", "text"),
    ("relocation_batch", "搬迁批次", "batch"),
    ("households", "户数", "int"),
    ("people", "人数", "int"),
    ("households_moved", "已入住户数", "int"),
    ("people_moved", "已入住人数", "int"),
    ("homestead_m2", "腾退面积", "decimal"),
    ("homestead_reclaimed_m2", "已复垦面积", "decimal"),
    ("rooms_demolished", "拆除间数", "int"),
    ("households_hukou", "户籍已迁移户数", "int"),
    ("subsidy_yuan", "奖补资金", "decimal"),
    ("self_funded_yuan", "自筹资金", "decimal"),
    ("poor_households", "贫困户数", "int"),
    ("poor_paying_nothing", "零自筹贫困户数", "int"),
)
HOUSEHOLD_MODES = _table(
    "household_modes",
    "搬迁户安置方式汇总（导入时生成）",
    *_PLACE,
    ("relocation_batch", "搬迁批次", "batch"),
    ("resettlement_mode", "安置方式", "text"),
    ("households", "户数", "int"),
    ("people", "人数", "int"),
)
POOR_SELF_FUNDING = _table(
    "poor_self_funding",
    "贫困户自筹资金汇总（导入时生成）",
    *_PLACE,
    ("relocation_batch", "搬迁批次", "batch"),
    ("people", "人口数", "int"),
    ("self_funded_yuan", "自筹资金", "decimal"),
    ("households", "户数", "int"),
)
VILLAGE_SUMMARY = _table(
    "village_summary",
    "村级台账汇总（导入时生成）",
    *_PLACE_DAY,
    ("relocation_batch", "搬迁批次", "batch"),
    ("relocation_status", "搬迁进度", "text"),
    ("hukou_transferred", "户籍已迁移", "bool"),
    ("joint_branch", "联合党支部", "bool"),
    ("villages", "村数", "int"),
    ("villages_past_zero", "破零村数", "int"),
    ("income_10k", "集体经济收入", "decimal"),
    ("income_past_zero_10k", "已破零村集体经济收入", "decimal"),
    ("pv_kw", "光伏装机", "decimal"),
    ("pv_villages", "有光伏电站的村数", "int"),
    ("planned_households", "计划搬迁户数", "int"),
    ("planned_people", "计划搬迁人数", "int"),
)
ORG_SUMMARY = _table(
    "org_summary",
    "党组织台账汇总（导入时生成）",
    *_PLACE_DAY,
    ("org_type", "组织类型", "text"),
    ("weak_lax", "软弱涣散", "bool"),
    ("rectification_status", "整顿状态", "text"),
    ("orgs", "党组织数", "int"),
    ("floating_members", "流动党员数", "int"),
)
FUND_SUMMARY = _table(
    "fund_summary",
    "资金台账汇总（导入时生成）",
    *_PLACE_DAY,
    ("allocations", "笔数", "int"),
    ("amount_10k", "金额（万元）", "decimal"),
)

SUMMARIES: dict[str, Derived] = {
    "household_summary": Derived(HOUSEHOLD_SUMMARY, "households"),
    "household_modes": Derived(HOUSEHOLD_MODES, "households"),
    "poor_self_funding": Derived(POOR_SELF_FUNDING, "households"),
    "village_summary": Derived(VILLAGE_SUMMARY, "villages"),
    "org_summary": Derived(ORG_SUMMARY, "party_orgs"),
    "fund_summary": Derived(FUND_SUMMARY, "funds"),
}
DERIVED: dict[str, schema.Table] = {name: d.table for name, d in SUMMARIES.items()}
# The summaries the weekly series read across every week, on nearly every page: the store reader
# holds the rows its scope may see in memory (about 400,000 rows, 45 MiB, for a whole province of
# 26 weeks; a county's reader a hundredth of that) instead of opening every week's file per query.
# The other two are read one week at a time and stay on disk.
HELD_IN_MEMORY: frozenset[str] = frozenset(
    {"village_summary", "household_summary", "org_summary", "fund_summary"}
)
# Which summary counts a ledger's rows (column `rows` of the summary's sum): the reader's snapshot days.
ROW_COUNTS: dict[str, tuple[str, str]] = {
    "villages": ("village_summary", "villages"),
    "households": ("household_summary", "households"),
    "party_orgs": ("org_summary", "orgs"),
    "funds": ("fund_summary", "allocations"),
}


def derive_many(names: list[str], rows: pa.Table, as_of: dt.date) -> dict[str, pa.Table]:
    """The summaries `names` of one snapshot of their ledger (rows), taken on as_of, on one connection."""
    if schema.TOWNSHIP_AS_OF not in rows.column_names:
        # A ledger written before rows kept their own day: every row is from the snapshot's day.
        rows = rows.append_column(
            schema.TOWNSHIP_AS_OF, pa.repeat(pa.scalar(as_of, pa.date32()), rows.num_rows)
        )
    con = duckdb.connect(":memory:")
    try:
        macros.define_value_rules(con)
        con.register("snapshot", rows)
        return {name: _run(con, name, as_of) for name in names}
    finally:
        con.close()


def derive_from_file(
    con: duckdb.DuckDBPyConnection, path: str, as_of: dt.date, names: list[str]
) -> dict[str, pa.Table]:
    """The summaries `names` of one snapshot file of their ledger (reading only the columns they sum),
    computed on con (a scratch connection: this replaces its view `snapshot` and the rule macros)."""
    macros.define_value_rules(con)
    relation = con.read_parquet(path)
    if schema.TOWNSHIP_AS_OF not in relation.columns:
        # A ledger written before rows kept their own day: every row is from the snapshot's day.
        day = duckdb.ConstantExpression(as_of).alias(schema.TOWNSHIP_AS_OF)
        relation = relation.select(duckdb.StarExpression(), day)
    relation.create_view("snapshot", replace=True)
    return {name: _run(con, name, as_of) for name in names}


def _run(con: duckdb.DuckDBPyConnection, name: str, as_of: dt.date) -> pa.Table:
    sql, params = queries.bind(f"derived_{name}", {"as_of": as_of})
    return con.sql(sql, params=params).to_arrow_table()


def for_ledger(table: str) -> list[str]:
    """The summaries derived from a ledger's snapshots."""
    return [name for name, d in SUMMARIES.items() if d.source == table]
