"""Pre-aggregated tables written beside the snapshots at import, for the queries that read every week.

A weekly series over households scans every snapshot: at province scale that
is 13 million rows for one chart. The same series over `household_summary`
(one row per village, batch and week) reads about a hundred thousand. The
summary is derived from a snapshot in the same import, replaced with it, and
never edited by hand; the `sql` command can read it too.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from tracker import queries, schema

HOUSEHOLD_SUMMARY = schema.Table(
    "household_summary",
    "搬迁户汇总（导入时生成）",
    (
        schema._c(schema.COUNTY, "县"),
        schema._c("township", "乡镇"),
        schema._c("village", "村名"),
        schema._c("relocation_batch", "搬迁批次", "batch"),
        schema._c("households", "户数", "int"),
        schema._c("people", "人数", "int"),
        schema._c("households_moved", "已入住户数", "int"),
        schema._c("people_moved", "已入住人数", "int"),
        schema._c("homestead_m2", "腾退面积", "decimal"),
        schema._c("homestead_reclaimed_m2", "已复垦面积", "decimal"),
        schema._c("rooms_demolished", "拆除间数", "int"),
    ),
    key=(),
)
DERIVED: dict[str, schema.Table] = {"household_summary": HOUSEHOLD_SUMMARY}


def household_summary(rows: pa.Table, as_of: dt.date) -> pa.Table:
    """The summary of one households snapshot about to land."""
    con = duckdb.connect(":memory:")
    con.register("snapshot", rows)
    sql, params = queries.bind("derived_household_summary", {"as_of": as_of})
    return con.sql(sql, params=params).to_arrow_table()
