"""Turning the data rows of one sheet into canonical records, or row errors.

Work goes column by column and each distinct raw value is parsed once, since
ledgers repeat the same townships, dates and flags on every row: a 100,000-row
export has a few thousand distinct cells outside its keys. A long CSV arrives as
Arrow text columns and is checked with column kernels (blank, total and member
rows; plain keys, amounts and ID numbers in bulk); a workbook arrives as rows.
Both end as one Arrow array per column. Rows are never guessed at; a row that
breaks a rule is kept aside with every reason it broke.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tracker import personal, schema, store
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
    records: dict[str, pa.Array]
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
    area: list[list[Any]] | pa.Table,
    first_row: int,
    layout: Layout,
    county: County,
    id_key: bytes,
    file: str,
    sheet: str | None,
    header_names: dict[str, str],
) -> ParsedRows:
    """Validate and normalise a sheet's data area (its rows from first_row down, laid out as layout)."""
    table = schema.TABLES[layout.table]
    types = store.arrow_schema(table.name)
    ctx = _Context(file, sheet, header_names, county, id_key)
    body = (
        _table_body(area, first_row, layout)
        if isinstance(area, pa.Table)
        else _list_body(area, first_row, layout)
    )
    out = ParsedRows(table.name, {}, body.numbers, totals_dropped=body.totals, members_dropped=body.members)
    index_of = {name: i for i, name in layout.columns.items()}
    for col in table.columns:
        raw = body.columns.get(index_of.get(col.name, -1))
        if raw is None:
            raw = pa.nulls(len(body.numbers), pa.string())
        kind = types.field(col.name).type
        if col.kind == "township":
            counties, townships = _parse_townships(col, raw, out.records[schema.COUNTY], ctx, out)
            out.records[schema.COUNTY], out.records[col.name] = counties, townships
        else:
            out.records[col.name] = _parse_column(col, raw, kind, ctx, out)
    if len(ctx.county.counties) == 1:
        # A one-county deployment needs no 县 column: every row is that county's.
        out.records[schema.COUNTY] = out.records[schema.COUNTY].fill_null(ctx.county.counties[0].name)
    _check_row_rules(table, out, ctx)
    _check_unique(table, out, ctx)
    return out


@dataclass
class _Body:
    """The rows that hold records: their cells by column index, and their row numbers as Excel shows them."""

    columns: dict[int, list[Any] | pa.Array]
    numbers: list[int]
    totals: int
    members: int


def _list_body(rows: list[list[Any]], first_row: int, layout: Layout) -> _Body:
    """Rows of a workbook (or a short CSV): total rows and member rows counted and dropped."""
    width = max(layout.columns) + 1 if layout.columns else 0
    relation_col = next((i for i, n in layout.columns.items() if n == RELATION), None)
    data, numbers, totals, members = [], [], 0, 0
    for index, row in enumerate(rows, first_row):
        if not any(_filled(v) for v in row):
            continue
        if _is_total(row):
            totals += 1
            continue
        if relation_col is not None and relation_col < len(row) and _is_member(row[relation_col]):
            members += 1
            continue
        if len(row) < width:
            row = list(row) + [None] * (width - len(row))
        data.append(row)
        numbers.append(index + 1)
    columns = {i: [r[i] for r in data] for i in layout.columns}
    return _Body(columns, numbers, totals, members)


def _table_body(area: pa.Table, first_row: int, layout: Layout) -> _Body:
    """The same as _list_body for a CSV read column-wise: every test runs over whole columns."""
    cells = [column.combine_chunks() for column in area.columns]
    filled = np.zeros(area.num_rows, dtype=bool)
    for column in cells:
        filled |= _not_blank(column)
    totals = np.zeros(area.num_rows, dtype=bool)
    # Only rows with 计 in their first cells can be total rows; the rest never reach Python.
    maybe = np.zeros(area.num_rows, dtype=bool)
    for column in cells[:6]:
        maybe |= pc.match_substring(column, "计").to_numpy(zero_copy_only=False)
    for position in np.flatnonzero(maybe & filled):
        totals[position] = _is_total([c[position].as_py() for c in cells[:6]])
    members = np.zeros(area.num_rows, dtype=bool)
    relation_col = next((i for i, n in layout.columns.items() if n == RELATION), None)
    if relation_col is not None and relation_col < len(cells):
        encoded = cells[relation_col].dictionary_encode()
        is_member = pa.array([_is_member(v) for v in encoded.dictionary.to_pylist()], pa.bool_())
        members = is_member.take(encoded.indices).to_numpy(zero_copy_only=False) & filled & ~totals
    keep = filled & ~totals & ~members
    wanted = [i for i in layout.columns if i < len(cells)]
    if keep.all():  # the usual export: nothing to drop, nothing to copy
        columns = {i: cells[i] for i in wanted}
    else:
        mask = pa.array(keep)
        columns = {i: cells[i].filter(mask) for i in wanted}
    numbers = (np.flatnonzero(keep) + first_row + 1).tolist()
    return _Body(columns, numbers, int(totals.sum()), int(members.sum()))


def _not_blank(cells: pa.Array) -> np.ndarray:
    """Which cells hold more than spaces (the CSV reader gives text cells, never nulls)."""
    offsets = np.frombuffer(cells.buffers()[1], dtype=np.int32)[cells.offset : cells.offset + len(cells) + 1]
    return (np.diff(offsets) > 0) & ~pc.utf8_is_space(cells).to_numpy(zero_copy_only=False)


def _is_member(relation: Any) -> bool:
    text = compact(clean_text(relation) or "")
    return bool(text) and text not in _HEAD_OF_HOUSEHOLD


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _is_total(row: list[Any]) -> bool:
    # 合计, 总计 and 小计 all end in 计: test for it before paying for a regex.
    return any(isinstance(v, str) and "计" in v and _TOTAL_ROW.search(compact(v)) for v in row[:6])


def _parse_column(
    col: schema.Column, raw: list[Any] | pa.Array, kind: pa.DataType, ctx: _Context, out: ParsedRows
) -> pa.Array:
    if col.kind == "id_number":
        return _parse_id_numbers(col, raw, ctx, out)
    if col.kind == "text" and isinstance(raw, pa.Array) and _all_plain(raw):
        return raw  # a column of household numbers: parse_text would return every cell unchanged
    parse = _safe(_cell_parser(col, ctx))
    encoded = _dictionary(raw)
    if encoded is None:
        return _parse_each(col, raw, parse, kind, ctx, out)
    return _parse_distinct(col, *encoded, parse, kind, ctx, out)


def _all_plain(cells: pa.Array) -> bool:
    """Whether every cell is printable ASCII without spaces, read from Arrow's buffers in one pass."""
    if cells.type != pa.string() or cells.null_count or not len(cells):
        return False
    offsets = np.frombuffer(cells.buffers()[1], dtype=np.int32)[cells.offset : cells.offset + len(cells) + 1]
    if (np.diff(offsets) == 0).any():
        return False  # an empty cell is None, not ""
    data = np.frombuffer(cells.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return bool(((data >= ord("!")) & (data <= ord("~"))).all())


def _safe(parse: Any) -> Any:
    def run(cell: Any) -> Any:
        try:
            return parse(cell)
        except ValueProblem as problem:
            return problem
        except (TypeError, OverflowError):
            return ValueProblem("无法识别的值")

    return run


def _dictionary(raw: list[Any] | pa.Array) -> tuple[pa.Array, pa.Array] | None:
    """(distinct texts, index of each cell's text, nulls pointing past the end), or None for mixed cells.

    Ledgers repeat the same township, date and flag on every row: parsing each
    distinct text once, and mapping rows to results in C, is most of an import's speed.
    """
    try:
        array = raw if isinstance(raw, pa.Array) else pa.array(raw, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None  # numbers or dates from a workbook: keyed with their type below
    encoded = array.dictionary_encode()
    return encoded.dictionary, encoded.indices.fill_null(len(encoded.dictionary))


def _parse_distinct(
    col: schema.Column,
    distinct: pa.Array,
    indices: pa.Array,
    parse: Any,
    kind: pa.DataType,
    ctx: _Context,
    out: ParsedRows,
) -> pa.Array:
    results = _parse_texts(col, distinct, parse) + [None]
    bad = [i for i, r in enumerate(results) if isinstance(r, ValueProblem)]
    if bad:
        codes = indices.to_numpy()
        for position in np.flatnonzero(np.isin(codes, bad)):
            text = distinct[int(codes[position])].as_py()
            _reject(out, ctx, position, col.name, _shown(col, text), str(results[codes[position]]))
        for i in bad:
            results[i] = None
    return pa.array(results, type=kind).take(indices)


def _parse_texts(col: schema.Column, distinct: pa.Array, parse: Any) -> list[Any]:
    """parse applied to each distinct text; with many of them, plain ones are read in bulk.

    A column of 500,000 household numbers or of 40,000 different amounts would
    otherwise cost a Python call per value; values a parser would return as they
    are (ASCII without spaces) or as a plain number are read by Arrow instead.
    """
    values = distinct.to_pylist()
    bulk = _BULK.get(col.kind)
    if bulk is None or len(values) < _MANY:
        return [parse(v) for v in values]
    pattern, kind = bulk
    plain = pc.fill_null(pc.match_substring_regex(distinct, pattern), False).to_numpy(zero_copy_only=False)
    read = pc.cast(distinct.filter(plain), kind).to_pylist() if kind is not None else None
    if plain.all() and (col.minimum is None or not read or min(read) >= col.minimum):
        return read if read is not None else values
    results, taken = [], 0
    for i, value in enumerate(values):
        if not plain[i]:
            results.append(parse(value))
            continue
        result = read[taken] if read is not None else value
        taken += 1
        results.append(_below_minimum(col, result) or result)
    return results


def _below_minimum(col: schema.Column, value: Any) -> ValueProblem | None:
    if col.minimum is not None and value < col.minimum:
        return ValueProblem(f"不能小于{col.minimum:g}")
    return None


# Per kind: the texts its parser would read exactly as Arrow does, and the type Arrow reads them as.
_BULK: dict[str, tuple[str, pa.DataType | None]] = {
    "text": (r"^[!-~]+$", None),  # printable ASCII without spaces: NFKC and trimming change nothing
    "int": (r"^[0-9]{1,9}$", pa.int64()),
    "decimal": (r"^[0-9]{1,15}(\.[0-9]{1,6})?$", pa.float64()),
}
_MANY = 1000  # distinct values above which a column takes the bulk path


def _parse_each(
    col: schema.Column, raw: list[Any], parse: Any, kind: pa.DataType, ctx: _Context, out: ParsedRows
) -> pa.Array:
    memo: dict[Any, Any] = {}
    values: list[Any] = []
    for position, cell in enumerate(raw):
        # Text cells key the memo as they are; others with their type, since 1 == 1.0 == True.
        token = cell if type(cell) is str else (type(cell), cell)
        if token in memo:
            result = memo[token]
        else:
            result = memo[token] = parse(cell)
        if isinstance(result, ValueProblem):
            _reject(out, ctx, position, col.name, _shown(col, cell), str(result))
            values.append(None)
        else:
            values.append(result)
    return pa.array(values, type=kind)


def _parse_id_numbers(
    col: schema.Column, raw: list[Any] | pa.Array, ctx: _Context, out: ParsedRows
) -> pa.Array:
    """ID numbers checked and hashed; well-formed ones in bulk, the rest one by one for their reason."""
    try:
        texts = raw if isinstance(raw, pa.Array) else pa.array(raw, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        texts = None  # a workbook cell holding a number: normalise_id_number explains why it is refused
    good = personal.valid_id_numbers(texts) if texts is not None else np.zeros(len(raw), dtype=bool)
    if good.all():  # the usual export: every number well-formed, hashed in one statement
        return personal.hash_id_numbers(texts, ctx.key)
    hashes: list[str | None] = [None] * len(good)
    if good.any():
        chosen = np.flatnonzero(good)
        digests = personal.hash_id_numbers(texts.take(pa.array(chosen)), ctx.key).to_pylist()
        for position, digest in zip(chosen.tolist(), digests):
            hashes[position] = digest
    cells = raw if not isinstance(raw, pa.Array) else None
    for position in np.flatnonzero(~good):
        cell = cells[position] if cells is not None else raw[int(position)].as_py()
        try:
            number = personal.normalise_id_number(cell)
        except ValueProblem as problem:
            _reject(out, ctx, position, col.name, _shown(col, cell), str(problem))
            continue
        if number:
            hashes[position] = personal.hash_id_number(number, ctx.key)
    return pa.array(hashes, type=pa.string())


def _cell_parser(col: schema.Column, ctx: _Context) -> Any:
    base = parser_for(col)
    if col.kind == "person_name":
        return personal.mask_name
    if col.kind == "county":
        return lambda cell: _county(cell, ctx.county)

    def checked(cell: Any) -> Any:
        value = base(cell)
        if value is not None and (problem := _below_minimum(col, value)):
            raise problem
        return value

    return checked


def _county(cell: Any, region: County) -> str | None:
    if clean_text(cell) is None:
        return None
    county = region.county(cell)
    if county is None:
        raise ValueProblem(f"不是{region.name}的县（见县配置文件）")
    return county.name


def _parse_townships(
    col: schema.Column, raw: list[Any] | pa.Array, counties: pa.Array, ctx: _Context, out: ParsedRows
) -> tuple[pa.Array, pa.Array]:
    """(county, township) of every row, each township looked up in its row's county; a missing
    county is filled when the township says it."""
    encoded = _dictionary(raw)
    if encoded is None:
        return _parse_townships_each(col, raw, counties, ctx, out)
    towns, town_codes = encoded
    names = counties.dictionary_encode()
    county_codes = names.indices.fill_null(len(names.dictionary)).to_numpy().astype(np.int64)
    # Each distinct (county, township) pair is looked up once.
    pairs, inverse = np.unique(county_codes * (len(towns) + 1) + town_codes.to_numpy(), return_inverse=True)
    county_names = names.dictionary.to_pylist() + [None]
    town_names = towns.to_pylist() + [None]
    results = [
        _township(town_names[p % (len(towns) + 1)], county_names[p // (len(towns) + 1)], ctx.county)
        for p in pairs
    ]
    bad = [i for i, r in enumerate(results) if isinstance(r, ValueProblem)]
    for position in np.flatnonzero(np.isin(inverse, bad)):
        result = results[inverse[position]]
        cell = town_names[int(pairs[inverse[position]] % (len(towns) + 1))]
        _reject(out, ctx, position, col.name, _shown(col, cell), str(result))
    found = [(None, None) if isinstance(r, ValueProblem) else r for r in results]
    take = pa.array(inverse)
    return (
        pa.array([c for c, _ in found], pa.string()).take(take),
        pa.array([t for _, t in found], pa.string()).take(take),
    )


def _parse_townships_each(
    col: schema.Column, raw: list[Any], counties: pa.Array, ctx: _Context, out: ParsedRows
) -> tuple[pa.Array, pa.Array]:
    memo: dict[tuple[str | None, type, Any], tuple[str | None, str | None] | ValueProblem] = {}
    county_of = counties.to_pylist()
    values: list[str | None] = []
    for position, cell in enumerate(raw):
        token = (county_of[position], type(cell), cell)
        if token not in memo:
            memo[token] = _township(cell, county_of[position], ctx.county)
        result = memo[token]
        if isinstance(result, ValueProblem):
            _reject(out, ctx, position, col.name, _shown(col, cell), str(result))
            values.append(None)
            continue
        county_of[position], township = result
        values.append(township)
    return pa.array(county_of, pa.string()), pa.array(values, pa.string())


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


def _reject(out: ParsedRows, ctx: _Context, position: Any, column: str, value: Any, reason: str) -> None:
    position = int(position)
    header = ctx.headers.get(column, column)
    out.errors.append(RowError(ctx.file, ctx.sheet, out.row_numbers[position], header, value or "", reason))
    out.rejected_rows.add(position)
    out.rejected_cells.add((position, column))


def _check_row_rules(table: schema.Table, out: ParsedRows, ctx: _Context) -> None:
    rec = out.records
    for name in table.required:
        for position in np.flatnonzero(rec[name].is_null().to_numpy(zero_copy_only=False)):
            if (int(position), name) not in out.rejected_cells:
                _reject(out, ctx, position, name, "", "必填项为空")
    if table.name == "villages":
        _require_when(out, ctx, "relocation_status", "relocation_batch", "已填搬迁批次，搬迁进度必填")
    if table.name == "party_orgs":
        _require_when(out, ctx, "rectification_status", "weak_lax", "软弱涣散党组织须填整顿状态")


def _require_when(out: ParsedRows, ctx: _Context, needed: str, when: str, reason: str) -> None:
    # A batch of 0 or a "否" is no condition, as in Python's truth.
    condition = pc.fill_null(pc.cast(out.records[when], pa.bool_()), False)
    missing = pc.and_(condition, out.records[needed].is_null()).to_numpy(zero_copy_only=False)
    for position in np.flatnonzero(missing):
        if int(position) not in out.rejected_rows:
            _reject(out, ctx, position, needed, "", reason)


def _keys_unique(table: schema.Table, out: ParsedRows) -> bool:
    """Whether no two rows with a key share it, counted in Arrow."""
    first = out.records[table.key[0]]
    keys = pa.table({k: out.records[k] for k in table.key}).filter(first.is_valid())
    counts = keys.group_by(list(table.key)).aggregate([([], "count_all")])
    return keys.num_rows == 0 or pc.max(counts["count_all"]).as_py() < 2


def _check_unique(table: schema.Table, out: ParsedRows, ctx: _Context) -> None:
    if not table.key:
        return
    if _keys_unique(table, out):
        return  # the usual case, told without a Python loop over the rows
    seen: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    columns = [out.records[k].to_pylist() for k in table.key]
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
            value = " ".join(str(c[position]) for c in columns if c[position] is not None)
            reason = f"{label}重复（第{rows}行），无法确定哪一行正确"
            _reject(out, ctx, position, table.key[-1], value, reason)
