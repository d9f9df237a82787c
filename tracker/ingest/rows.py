"""Turning the data rows of one sheet into canonical records, or row errors.

A long CSV arrives as Arrow text columns and is checked with column kernels; a
workbook arrives as rows. `body` finds the rows that hold records, `columns` parses
them column by column (each distinct cell once), and this module applies the rules
across a row's cells and across rows (required columns, conditions, unique keys).
Both kinds of input end as one Arrow array per column. Rows are never guessed at; a
row that breaks a rule is kept aside with every reason it broke.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tracker.contract import schema
from tracker.contract.arrow import arrow_schema
from tracker.contract.county import County
from tracker.ingest.body import fill_from_layout, list_body, melt_wide, table_body
from tracker.ingest.columns import parse_column, parse_townships
from tracker.ingest.headers import Layout
from tracker.ingest.parsed import ParsedRows, RowContext, reject


def parse_rows(
    area: list[list[Any]] | pa.Table,
    first_row: int,
    layout: Layout,
    county: County,
    id_key: bytes,
    file: str,
    sheet: str | None,
) -> ParsedRows:
    """Validate and normalise a sheet's data area (its rows from first_row down, laid out as layout)."""
    table = schema.TABLES[layout.table]
    types = arrow_schema(table.name)
    headers = dict(layout.names)
    body = (
        table_body(area, first_row, layout)
        if isinstance(area, pa.Table)
        else list_body(area, first_row, layout)
    )
    if layout.wide:
        body = melt_wide(body, layout)
        headers["source"] = "资金来源（按列）"
        headers["amount_10k"] = "、".join(dict.fromkeys(source for source, _ in layout.wide.values()))
    ctx = RowContext(file, sheet, headers, county, id_key)
    out = ParsedRows(table.name, {}, body.numbers, totals_dropped=body.totals, members_dropped=body.members)
    out.errors += [dataclasses.replace(e, file=file, sheet=sheet) for e in body.problems]
    raw = {name: body.columns[i] for i, name in layout.columns.items() if i in body.columns}
    raw |= body.extra
    fill_from_layout(raw, layout, county, len(body.numbers))
    for col in table.columns:
        kind = types.field(col.name).type
        if col.derived:
            out.records[col.name] = pa.nulls(len(body.numbers), kind)
            continue
        cells = raw.get(col.name)
        if cells is None:
            cells = pa.nulls(len(body.numbers), pa.string())
        if col.kind == "township":
            counties, townships = parse_townships(col, cells, out.records[schema.COUNTY], ctx, out)
            out.records[schema.COUNTY], out.records[col.name] = counties, townships
        else:
            out.records[col.name] = parse_column(col, cells, kind, ctx, out)
    if layout.person_export and "is_poor" not in raw:
        # The national system's person-level export lists 建档立卡 households only.
        out.records["is_poor"] = pa.repeat(pa.scalar(True), len(body.numbers))
    if len(ctx.county.counties) == 1:
        # A one-county deployment needs no 县 column: every row is that county's.
        out.records[schema.COUNTY] = out.records[schema.COUNTY].fill_null(ctx.county.counties[0].name)
    _check_row_rules(table, out, ctx)
    _check_unique(table, out, ctx)
    return out


def _check_row_rules(table: schema.Table, out: ParsedRows, ctx: RowContext) -> None:
    rec = out.records
    for name in table.required:
        for position in np.flatnonzero(rec[name].is_null().to_numpy(zero_copy_only=False)):
            if (int(position), name) not in out.rejected_cells:
                reject(out, ctx, position, name, "", "必填项为空")
    if table.name == "villages":
        _require_when(out, ctx, "relocation_status", "relocation_batch", "已填搬迁批次，搬迁进度必填")
    if table.name == "party_orgs":
        _require_when(out, ctx, "rectification_status", "weak_lax", "软弱涣散党组织须填整顿状态")
    if table.name == "responsibilities":
        _check_responsibilities(out, ctx)


# 包保责任台账: what each kind of row must (and must not) fill.
_VILLAGE_ONLY = "该列只适用于整村搬迁村（填了党组织名称的行不填）"
_ORG_ONLY = "该列只适用于软弱涣散党组织（填了村名的行不填）"


def _check_responsibilities(out: ParsedRows, ctx: RowContext) -> None:
    """A row is one relocation village (村名 and its 倒排工期) or one weak organisation (党组织名称 and
    计划整顿完成), never both; a village's planned dates follow the order of its stages."""
    rec = out.records
    villages, orgs = rec["village"].to_pylist(), rec["org_name"].to_pylist()
    plans = {name: rec[name].to_pylist() for name in (*schema.VILLAGE_PLAN_COLUMNS, *schema.ORG_PLAN_COLUMNS)}
    for position, (village, org) in enumerate(zip(villages, orgs)):
        if position in out.rejected_rows:
            continue
        if (village is None) == (org is None):
            reason = "村名与党组织名称须填且只填一项（整村搬迁村填村名，软弱涣散党组织填党组织名称）"
            reject(out, ctx, position, "village", " / ".join(x for x in (village, org) if x), reason)
            continue
        own, other, needed, wrong = (
            (schema.VILLAGE_PLAN_COLUMNS, schema.ORG_PLAN_COLUMNS, "plan_moved_on", _ORG_ONLY)
            if village is not None
            else (schema.ORG_PLAN_COLUMNS, schema.VILLAGE_PLAN_COLUMNS, "plan_rectified_on", _VILLAGE_ONLY)
        )
        if plans[needed][position] is None:
            what = (
                "整村搬迁村须填计划搬迁完成日期"
                if village is not None
                else "软弱涣散党组织须填计划整顿完成日期"
            )
            reject(out, ctx, position, needed, "", what)
            continue
        misplaced = next((name for name in other if plans[name][position] is not None), None)
        if misplaced is not None:
            reject(out, ctx, position, misplaced, str(plans[misplaced][position]), wrong)
            continue
        _check_plan_order(out, ctx, position, [(name, plans[name][position]) for name in own])


def _check_plan_order(out: ParsedRows, ctx: RowContext, position: int, dates: list[tuple[str, Any]]) -> None:
    """Each planned date on or after the ones of the stages before it (empty dates are skipped)."""
    filled = [(name, day) for name, day in dates if day is not None]
    for (before, earlier), (name, day) in zip(filled, filled[1:]):
        if day < earlier:
            shown = ctx.headers.get(before, schema.RESPONSIBILITIES.column(before).headers[0])
            reject(
                out,
                ctx,
                position,
                name,
                day.isoformat(),
                f"早于“{shown}”（{earlier.isoformat()}），倒排工期的顺序不对",
            )
            return


def _require_when(out: ParsedRows, ctx: RowContext, needed: str, when: str, reason: str) -> None:
    # A batch of 0 or a "否" is no condition, as in Python's truth.
    condition = pc.fill_null(pc.cast(out.records[when], pa.bool_()), False)
    missing = pc.and_(condition, out.records[needed].is_null()).to_numpy(zero_copy_only=False)
    for position in np.flatnonzero(missing):
        if int(position) not in out.rejected_rows:
            reject(out, ctx, position, needed, "", reason)


def identity(table: schema.Table) -> tuple[str, ...]:
    """The columns that tell one record from another: the ledger's key; for a ledger without one
    (the funds ledger: two allocations may share any one column), every column it reads."""
    return table.key or tuple(c.name for c in table.columns if not c.derived)


def listed(items: list[str], unit: str = "处", shown: int = 5) -> str:
    """A few items joined with 、 and how many there are in all: a row repeated 200,000 times must
    not make each of its 200,000 errors name every other row."""
    if len(items) <= shown:
        return "、".join(items)
    return "、".join(items[:shown]) + f"等 {len(items):,} {unit}"


def duplicate_column(table: schema.Table) -> str:
    """The column a duplicate row's error is filed under: the key's last, or (without a key) the
    first column every file of the ledger has."""
    return table.key[-1] if table.key else next(c.name for c in table.columns if c.required)


def duplicate_reason(table: schema.Table, label: str, rows: str, elsewhere: bool = False) -> str:
    """Why rows that share their identity are refused, in Chinese."""
    if table.key:
        where = "与其他文件中的行重复" if elsewhere else f"{label}重复"
        return f"{where}（{rows}），无法确定哪一行正确"
    where = "与其他文件中的行完全相同" if elsewhere else "与另一行完全相同"
    return f"{where}（{rows}），每一列都一样，疑似重复登记，无法确定是否应计两次"


def _keys_unique(table: schema.Table, out: ParsedRows) -> bool:
    """Whether no two rows with a key share it, counted in Arrow."""
    key = identity(table)
    keys = pa.table({k: out.records[k] for k in key})
    if table.key:
        keys = keys.filter(out.records[key[0]].is_valid())
    counts = keys.group_by(list(key)).aggregate([([], "count_all")])
    return keys.num_rows == 0 or pc.max(counts["count_all"]).as_py() < 2


def _check_unique(table: schema.Table, out: ParsedRows, ctx: RowContext) -> None:
    if _keys_unique(table, out):
        return  # the usual case, told without a Python loop over the rows
    key = identity(table)
    seen: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    columns = [out.records[k].to_pylist() for k in key]
    for position, values in enumerate(zip(*columns)):
        if values[0] is not None or not table.key:
            seen[values].append(position)
    shown = [k for k in table.key if k != schema.COUNTY or k in ctx.headers]
    label = "、".join(ctx.headers.get(k, table.column(k).headers[0]) for k in shown)
    for positions in seen.values():
        if len(positions) < 2:
            continue
        numbers = [str(out.row_numbers[p]) for p in positions]
        rows = (
            f"第{'、'.join(numbers)}行"
            if len(numbers) <= 5
            else f"第{'、'.join(numbers[:5])}行等 {len(numbers):,} 行"
        )
        for position in positions:
            value = " ".join(str(c[position]) for c in columns if c[position] is not None)
            reject(out, ctx, position, duplicate_column(table), value, duplicate_reason(table, label, rows))
