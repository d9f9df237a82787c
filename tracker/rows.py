"""Turning the data rows of one sheet into canonical records, or row errors.

Work goes column by column and each distinct raw value is parsed once, since
ledgers repeat the same townships, dates and flags on every row: a 100,000-row
export has a few thousand distinct cells outside its keys. Rows are never
guessed at; a row that breaks a rule is kept aside with every reason it broke.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from tracker import personal, schema
from tracker.county import County
from tracker.headers import RELATION, Layout
from tracker.values import ValueProblem, clean_text, compact, parser_for

_TOTAL_ROW = re.compile(r"(合计|总计|小计)[:：]?$")
_HEAD_OF_HOUSEHOLD = frozenset({"户主", "本人", "户主本人"})


@dataclass(frozen=True)
class RowError:
    """One reason a row cannot be imported, located as the clerk sees the file in Excel."""

    file: str
    sheet: str | None
    row: int
    column: str
    value: str
    reason: str

    def describe(self) -> str:
        """One line in Chinese: where, which value, why."""
        where = f"{self.file}" + (f"［{self.sheet}］" if self.sheet else "")
        column = f"“{self.column}”列" if self.column else ""
        value = f"值“{self.value}”：" if self.value else ""
        return f"{where} 第{self.row}行 {column}{value}{self.reason}"


@dataclass
class ParsedRows:
    """The outcome for one sheet: accepted records column by column, and the rest."""

    table: str
    records: dict[str, list[Any]]
    row_numbers: list[int]
    errors: list[RowError] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)
    rejected_cells: set[tuple[int, str]] = field(default_factory=set)
    totals_dropped: int = 0
    members_dropped: int = 0


@dataclass
class _Context:
    file: str
    sheet: str | None
    headers: dict[str, str]  # canonical column -> header as written
    county: County
    key: bytes


def parse_rows(
    rows: list[list[Any]],
    layout: Layout,
    county: County,
    id_key: bytes,
    file: str,
    sheet: str | None,
    header_names: dict[str, str],
) -> ParsedRows:
    """Validate and normalise the data rows of a sheet laid out as layout."""
    table = schema.TABLES[layout.table]
    ctx = _Context(file, sheet, header_names, county, id_key)
    data, numbers, totals, members = _data_rows(rows, layout)
    out = ParsedRows(table.name, {}, numbers, totals_dropped=totals, members_dropped=members)
    index_of = {name: i for i, name in layout.columns.items()}
    for col in table.columns:
        raw = [r[index_of[col.name]] if col.name in index_of else None for r in data]
        if col.kind == "township":
            out.records[col.name] = _parse_townships(col, raw, out.records[schema.COUNTY], ctx, out)
        else:
            out.records[col.name] = _parse_column(col, raw, numbers, ctx, out)
    _fill_single_county(out.records[schema.COUNTY], ctx.county)
    _check_row_rules(table, out, ctx)
    _check_unique(table, out, ctx)
    return out


def _data_rows(rows: list[list[Any]], layout: Layout) -> tuple[list[list[Any]], list[int], int, int]:
    """Rows below the header that hold data, padded; total rows and member rows counted."""
    width = max(layout.columns) + 1 if layout.columns else 0
    relation_col = next((i for i, n in layout.columns.items() if n == RELATION), None)
    data, numbers, totals, members = [], [], 0, 0
    for index in range(layout.first_data_row, len(rows)):
        row = rows[index]
        if not any(_filled(v) for v in row):
            continue
        if _is_total(row):
            totals += 1
            continue
        if relation_col is not None and relation_col < len(row):
            relation = compact(clean_text(row[relation_col]) or "")
            if relation and relation not in _HEAD_OF_HOUSEHOLD:
                members += 1
                continue
        if len(row) < width:
            row = list(row) + [None] * (width - len(row))
        data.append(row)
        numbers.append(index + 1)
    return data, numbers, totals, members


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _is_total(row: list[Any]) -> bool:
    # 合计, 总计 and 小计 all end in 计: test for it before paying for a regex.
    return any(isinstance(v, str) and "计" in v and _TOTAL_ROW.search(compact(v)) for v in row[:6])


def _parse_column(
    col: schema.Column, raw: list[Any], numbers: list[int], ctx: _Context, out: ParsedRows
) -> list[Any]:
    parse = _safe(_cell_parser(col, ctx))
    if col.kind != "id_number":
        encoded = _dictionary(raw)
        if encoded is not None:
            return _parse_distinct(col, raw, *encoded, parse, numbers, ctx, out)
    return _parse_each(col, raw, parse, numbers, ctx, out)


def _safe(parse: Any) -> Any:
    def run(cell: Any) -> Any:
        try:
            return parse(cell)
        except ValueProblem as problem:
            return problem
        except (TypeError, OverflowError):
            return ValueProblem("无法识别的值")

    return run


def _dictionary(raw: list[Any]) -> tuple[list[Any], list[int]] | None:
    """(distinct values, index of each cell's value) for a column of text, or None for mixed cells.

    Ledgers repeat the same township, date and flag on every row: parsing each
    distinct text once, and mapping rows to results in C, is most of an import's speed.
    """
    try:
        encoded = pa.array(raw, type=pa.string()).dictionary_encode()
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None  # numbers or dates from a workbook: keyed with their type below
    distinct = encoded.dictionary.to_pylist() + [None]
    indices = encoded.indices.fill_null(len(distinct) - 1).to_pylist()
    return distinct, indices


def _parse_distinct(
    col: schema.Column,
    raw: list[Any],
    distinct: list[Any],
    indices: list[int],
    parse: Any,
    numbers: list[int],
    ctx: _Context,
    out: ParsedRows,
) -> list[Any]:
    results = [parse(value) for value in distinct]
    bad = {i for i, r in enumerate(results) if isinstance(r, ValueProblem)}
    if bad:
        for position, index in enumerate(indices):
            if index in bad:
                _reject(
                    out, ctx, position, numbers, col.name, _shown(col, raw[position]), str(results[index])
                )
        results = [None if i in bad else r for i, r in enumerate(results)]
    return list(map(results.__getitem__, indices))


def _parse_each(
    col: schema.Column, raw: list[Any], parse: Any, numbers: list[int], ctx: _Context, out: ParsedRows
) -> list[Any]:
    memo: dict[Any, Any] = {}
    values: list[Any] = []
    for position, cell in enumerate(raw):
        # Text cells key the memo as they are; others with their type, since 1 == 1.0 == True.
        token = cell if type(cell) is str else (type(cell), cell)
        if token in memo:
            result = memo[token]
        else:
            result = parse(cell)
            if col.kind != "id_number":
                memo[token] = result
        if isinstance(result, ValueProblem):
            _reject(out, ctx, position, numbers, col.name, _shown(col, cell), str(result))
            values.append(None)
        else:
            values.append(result)
    return values


def _cell_parser(col: schema.Column, ctx: _Context) -> Any:
    base = parser_for(col)
    if col.kind == "id_number":
        return lambda cell: _hash_or_none(personal.normalise_id_number(cell), ctx.key)
    if col.kind == "person_name":
        return personal.mask_name
    if col.kind == "county":
        return lambda cell: _county(cell, ctx.county)

    def checked(cell: Any) -> Any:
        value = base(cell)
        if value is not None and col.minimum is not None and value < col.minimum:
            raise ValueProblem(f"不能小于{col.minimum:g}")
        return value

    return checked


def _hash_or_none(id_number: str | None, key: bytes) -> str | None:
    return personal.hash_id_number(id_number, key) if id_number else None


def _county(cell: Any, region: County) -> str | None:
    if clean_text(cell) is None:
        return None
    county = region.county(cell)
    if county is None:
        raise ValueProblem(f"不是{region.name}的县（见县配置文件）")
    return county.name


def _parse_townships(
    col: schema.Column, raw: list[Any], counties: list[str | None], ctx: _Context, out: ParsedRows
) -> list[str | None]:
    """Townships, each looked up in its row's county; a missing county is filled when the township says it."""
    memo: dict[tuple[str | None, type, Any], tuple[str | None, str | None] | ValueProblem] = {}
    values: list[str | None] = []
    for position, cell in enumerate(raw):
        token = (counties[position], type(cell), cell)
        if token not in memo:
            memo[token] = _township(cell, counties[position], ctx.county)
        result = memo[token]
        if isinstance(result, ValueProblem):
            _reject(out, ctx, position, out.row_numbers, col.name, _shown(col, cell), str(result))
            values.append(None)
            continue
        county, township = result
        counties[position] = county
        values.append(township)
    return values


def _township(
    cell: Any, county_name: str | None, region: County
) -> tuple[str | None, str | None] | ValueProblem:
    """(county, township) for a township cell, or the problem with it."""
    if clean_text(cell) is None:
        return county_name, None
    if county_name is not None:
        county = region.county(county_name)
        name = county.township(cell) if county else None
        if name is None:
            return ValueProblem(f"不是{county_name}的乡镇（见县配置文件）")
        return county_name, name
    candidates = [c for c in region.counties if c.township(cell) is not None]
    if not candidates:
        return ValueProblem(f"不是{region.name}的乡镇（见县配置文件）")
    if len(candidates) > 1:
        return ValueProblem("多个县都有这个乡镇，请在“县”列写明所属县")
    return candidates[0].name, candidates[0].township(cell)


def _fill_single_county(counties: list[str | None], region: County) -> None:
    """A one-county deployment needs no 县 column: every row is that county's."""
    if len(region.counties) == 1:
        only = region.counties[0].name
        for position, value in enumerate(counties):
            if value is None:
                counties[position] = only


def _shown(col: schema.Column, cell: Any) -> str:
    """A cell as an error message may show it: personal data never in clear."""
    if col.kind == "id_number":
        return personal.redact_id_number(cell)
    if col.kind == "person_name":
        return personal.mask_name(cell) or ""
    text = clean_text(cell)
    if text is None:
        return ""
    return text if len(text) <= 60 else text[:57] + "…"


def _reject(
    out: ParsedRows, ctx: _Context, position: int, numbers: list[int], column: str, value: Any, reason: str
) -> None:
    header = ctx.headers.get(column, column)
    out.errors.append(RowError(ctx.file, ctx.sheet, numbers[position], header, value or "", reason))
    out.rejected_rows.add(position)
    out.rejected_cells.add((position, column))


def _check_row_rules(table: schema.Table, out: ParsedRows, ctx: _Context) -> None:
    rec = out.records
    for name in table.required:
        for position, value in enumerate(rec[name]):
            if value is None and (position, name) not in out.rejected_cells:
                _reject(out, ctx, position, out.row_numbers, name, "", "必填项为空")
    if table.name == "villages":
        _require_when(out, ctx, "relocation_status", "relocation_batch", "已填搬迁批次，搬迁进度必填")
    if table.name == "party_orgs":
        _require_when(out, ctx, "rectification_status", "weak_lax", "软弱涣散党组织须填整顿状态")


def _require_when(out: ParsedRows, ctx: _Context, needed: str, when: str, reason: str) -> None:
    for position, (value, condition) in enumerate(zip(out.records[needed], out.records[when])):
        if condition and value is None and position not in out.rejected_rows:
            _reject(out, ctx, position, out.row_numbers, needed, "", reason)


def _check_unique(table: schema.Table, out: ParsedRows, ctx: _Context) -> None:
    if not table.key:
        return
    seen: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    columns = [out.records[k] for k in table.key]
    for position, key in enumerate(zip(*columns)):
        if key[0] is not None:
            seen[key].append(position)
    shown = [k for k in table.key if k != schema.COUNTY or k in ctx.headers]
    label = "、".join(ctx.headers.get(k, table.column(k).headers[0]) for k in shown)
    for positions in seen.values():
        if len(positions) < 2:
            continue
        rows = "、".join(str(out.row_numbers[p]) for p in positions)
        for position in positions:
            value = " ".join(
                str(out.records[k][position]) for k in table.key if out.records[k][position] is not None
            )
            reason = f"{label}重复（第{rows}行），无法确定哪一行正确"
            _reject(out, ctx, position, out.row_numbers, table.key[-1], value, reason)
