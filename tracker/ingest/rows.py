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

import dataclasses
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tracker.contract import schema
from tracker.contract.arrow import arrow_schema
from tracker.contract.county import County
from tracker.ingest import personal
from tracker.ingest.headers import MODE_DETAIL, RELATION, TOWNSHIP_VILLAGE, Layout, split_township_village
from tracker.ingest.values import EXCEL_DIGITS, ValueProblem, clean_text, compact, parse_number, parser_for

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
) -> ParsedRows:
    """Validate and normalise a sheet's data area (its rows from first_row down, laid out as layout)."""
    table = schema.TABLES[layout.table]
    types = arrow_schema(table.name)
    headers = dict(layout.names)
    body = (
        _table_body(area, first_row, layout)
        if isinstance(area, pa.Table)
        else _list_body(area, first_row, layout)
    )
    if layout.wide:
        body = _melt_wide(body, layout)
        headers["source"] = "资金来源（按列）"
        headers["amount_10k"] = "、".join(dict.fromkeys(source for source, _ in layout.wide.values()))
    ctx = _Context(file, sheet, headers, county, id_key)
    out = ParsedRows(table.name, {}, body.numbers, totals_dropped=body.totals, members_dropped=body.members)
    out.errors += [dataclasses.replace(e, file=file, sheet=sheet) for e in body.problems]
    raw = {name: body.columns[i] for i, name in layout.columns.items() if i in body.columns}
    raw |= body.extra
    _fill_from_layout(raw, layout, county, len(body.numbers))
    for col in table.columns:
        kind = types.field(col.name).type
        if col.derived:
            out.records[col.name] = pa.nulls(len(body.numbers), kind)
            continue
        cells = raw.get(col.name)
        if cells is None:
            cells = pa.nulls(len(body.numbers), pa.string())
        if col.kind == "township":
            counties, townships = _parse_townships(col, cells, out.records[schema.COUNTY], ctx, out)
            out.records[schema.COUNTY], out.records[col.name] = counties, townships
        else:
            out.records[col.name] = _parse_column(col, cells, kind, ctx, out)
    if layout.person_export and "is_poor" not in raw:
        # The national system's person-level export lists 建档立卡 households only.
        out.records["is_poor"] = pa.repeat(pa.scalar(True), len(body.numbers))
    if len(ctx.county.counties) == 1:
        # A one-county deployment needs no 县 column: every row is that county's.
        out.records[schema.COUNTY] = out.records[schema.COUNTY].fill_null(ctx.county.counties[0].name)
    _check_row_rules(table, out, ctx)
    _check_unique(table, out, ctx)
    return out


def _fill_from_layout(raw: dict[str, Any], layout: Layout, county: County, rows: int) -> None:
    """Columns a layout gives another way: township and village from one `乡镇-村社` cell, the
    township (and county) named only in the title, sheet or file name, and a 安置方式 whose
    sub-type stands in a column of its own."""
    if TOWNSHIP_VILLAGE in raw:
        towns, villages = _split_places(raw[TOWNSHIP_VILLAGE], county)
        raw.setdefault("township", towns)
        raw.setdefault("village", villages)
    if layout.township_hint is not None and "township" not in raw:
        county_name, township, _ = layout.township_hint
        raw["township"] = pa.repeat(pa.scalar(township), rows)
        raw.setdefault(schema.COUNTY, pa.repeat(pa.scalar(county_name), rows))
    if MODE_DETAIL in raw:
        modes = _as_list(raw.get("resettlement_mode"), rows)
        details = _as_list(raw[MODE_DETAIL], rows)
        joined = []
        for mode, detail in zip(modes, details):
            mode_text, detail_text = clean_text(mode), clean_text(detail)
            joined.append(f"{mode_text or ''}/{detail_text}" if detail_text else mode_text)
        raw["resettlement_mode"] = pa.array(joined, pa.string())


def _as_list(cells: list[Any] | pa.Array | None, rows: int) -> list[Any]:
    if cells is None:
        return [None] * rows
    return cells.to_pylist() if isinstance(cells, pa.Array) else list(cells)


def _split_places(cells: list[Any] | pa.Array, county: County) -> tuple[pa.Array, pa.Array]:
    """(township, village) texts of `乡镇-村社` cells, each distinct cell split once."""
    encoded = _dictionary(cells)
    if encoded is None:
        pairs = [split_township_village(c, county) for c in cells]
        return pa.array([t for t, _ in pairs], pa.string()), pa.array([v for _, v in pairs], pa.string())
    distinct, indices = encoded
    pairs = [split_township_village(c, county) for c in distinct.to_pylist()] + [(None, None)]
    return (
        pa.array([t for t, _ in pairs], pa.string()).take(indices),
        pa.array([v for _, v in pairs], pa.string()).take(indices),
    )


@dataclass
class _Body:
    """The rows that hold records: their cells by column index, and their row numbers as Excel shows them."""

    columns: dict[int, list[Any] | pa.Array]
    numbers: list[int]
    totals: int
    members: int
    extra: dict[str, list[Any] | pa.Array] = field(default_factory=dict)  # columns the layout derives
    problems: list[RowError] = field(default_factory=list)  # rows that never became records


def _indices(layout: Layout) -> list[int]:
    return sorted(set(layout.columns) | set(layout.wide))


def _list_body(rows: list[list[Any]], first_row: int, layout: Layout) -> _Body:
    """Rows of a workbook (or a short CSV): total rows and member rows counted and dropped."""
    wanted = _indices(layout)
    width = max(wanted) + 1 if wanted else 0
    relation_col = next((i for i, n in layout.columns.items() if n == RELATION), None)
    data, numbers, totals = [], [], 0
    member = []
    for index, row in enumerate(rows, first_row):
        if not any(_filled(v) for v in row):
            continue
        if _is_total(row):
            totals += 1
            continue
        if len(row) < width:
            row = list(row) + [None] * (width - len(row))
        data.append(row)
        numbers.append(index + 1)
        member.append(relation_col is not None and _is_member(row[relation_col]))
    body = _Body({i: [r[i] for r in data] for i in wanted}, numbers, totals, 0)
    if relation_col is None:
        return body
    return _fold_members(body, layout, np.array(member, dtype=bool))


def _fold_members(body: _Body, layout: Layout, member: np.ndarray) -> _Body:
    """One record per household from one row per person: the 户主 rows are kept; a household's
    people are its 人数, else the count of its rows; a household without a 户主 row is a problem."""
    id_col = next((i for i, n in layout.columns.items() if n == "household_id"), None)
    keep = ~member
    if id_col is not None:
        texts = _cleaned(body.columns[id_col])
        heads = texts.filter(pa.array(keep))
        if "people" not in layout.columns.values():
            counts = pa.table({"id": texts}).group_by("id").aggregate([("id", "count")])
            where = pc.index_in(heads, value_set=counts["id"])
            body.extra["people"] = counts["id_count"].take(where).cast(pa.string())
        orphans = member & ~pc.is_in(texts, value_set=heads).to_numpy(zero_copy_only=False)
        seen: set[str] = set()
        for position in np.flatnonzero(orphans):
            household = texts[int(position)].as_py()
            if household is None or household in seen:
                continue
            seen.add(household)
            body.problems.append(
                RowError(
                    "",
                    None,
                    body.numbers[int(position)],
                    layout.names.get("household_id", "户编号"),
                    household,
                    "这一户没有“与户主关系”为户主的行，无法确定户主，此户未导入",
                )  # fmt: skip
            )
    mask = pa.array(keep)
    body.columns = {
        i: (c.filter(mask) if isinstance(c, pa.Array) else [v for v, k in zip(c, keep) if k])
        for i, c in body.columns.items()
    }
    body.numbers = [n for n, k in zip(body.numbers, keep) if k]
    body.members = int(member.sum())
    return body


def _cleaned(cells: list[Any] | pa.Array) -> pa.Array:
    """Cells as the parsers read them (trimmed, blank as null), each distinct cell cleaned once."""
    encoded = _dictionary(cells)
    if encoded is None:
        return pa.array([clean_text(v) for v in cells], pa.string())
    distinct, indices = encoded
    return pa.array([clean_text(v) for v in distinct.to_pylist()] + [None], pa.string()).take(indices)


def _melt_wide(body: _Body, layout: Layout) -> _Body:
    """A wide fund ledger (one amount column per source) as one record per source and row with an
    amount: the long 资金来源 + 金额 form. Blank and zero amounts are no allocation."""
    positions, sources, amounts = [], [], []
    for index, (source, unit) in layout.wide.items():
        cells = body.columns[index]
        values = cells.to_pylist() if isinstance(cells, pa.Array) else list(cells)
        for position, value in enumerate(values):
            if _no_amount(value):
                continue
            positions.append(position)
            sources.append(source)
            amounts.append(_in_yuan(value) if unit == "元" else value)
    order = np.argsort(np.array(positions, dtype=np.int64), kind="stable")
    taken = np.array(positions, dtype=np.int64)[order]
    columns: dict[int, list[Any] | pa.Array] = {}
    for index, cells in body.columns.items():
        if index in layout.wide:
            continue
        columns[index] = (
            cells.take(pa.array(taken, pa.int64()))
            if isinstance(cells, pa.Array)
            else [cells[p] for p in taken]
        )
    melted = _Body(columns, [body.numbers[p] for p in taken], body.totals, body.members)
    melted.extra = {
        "source": pa.array([sources[i] for i in order], pa.string()),
        "amount_10k": [amounts[i] for i in order],
    }
    melted.problems = body.problems
    return melted


def _no_amount(value: Any) -> bool:
    text = clean_text(value)
    if text is None or text in {"-", "—", "/"}:
        return True
    try:
        return parse_number(value) == 0
    except ValueProblem:
        return False  # kept, so the row error says what is wrong with it


def _in_yuan(value: Any) -> Any:
    """An amount from a column headed in 元, written so the 万元 column converts it."""
    text = clean_text(value)
    return f"{text}元" if text is not None and not text.endswith("元") else value


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
    keep = filled & ~totals
    wanted = [i for i in _indices(layout) if i < len(cells)]
    if keep.all():  # the usual export: nothing to drop, nothing to copy
        columns = {i: cells[i] for i in wanted}
    else:
        mask = pa.array(keep)
        columns = {i: cells[i].filter(mask) for i in wanted}
    numbers = (np.flatnonzero(keep) + first_row + 1).tolist()
    body = _Body(columns, numbers, int(totals.sum()), 0)
    relation_col = next((i for i, n in layout.columns.items() if n == RELATION), None)
    if relation_col is None or relation_col not in columns:
        return body
    encoded = columns[relation_col].dictionary_encode()
    is_member = pa.array([_is_member(v) for v in encoded.dictionary.to_pylist()], pa.bool_())
    return _fold_members(body, layout, is_member.take(encoded.indices).to_numpy(zero_copy_only=False))


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
    if col.kind == "code":
        return _check_truncated_codes(col, _parse_text_column(col, raw, kind, ctx, out), ctx, out)
    return _parse_text_column(col, raw, kind, ctx, out)


def _parse_text_column(
    col: schema.Column, raw: list[Any] | pa.Array, kind: pa.DataType, ctx: _Context, out: ParsedRows
) -> pa.Array:
    # A column of household numbers: the parser would return every cell unchanged
    # (a code only once no cell is in Excel's scientific notation).
    plain = col.kind in ("text", "code") and isinstance(raw, pa.Array) and _all_plain(raw)
    if plain and (col.kind == "text" or not pc.any(pc.match_substring_regex(raw, r"[eE]\+?[0-9]")).as_py()):
        return raw
    parse = _safe(_cell_parser(col, ctx))
    encoded = _dictionary(raw)
    if encoded is None:
        return _parse_each(col, raw, parse, kind, ctx, out)
    return _parse_distinct(col, *encoded, parse, kind, ctx, out)


def _check_truncated_codes(col: schema.Column, codes: pa.Array, ctx: _Context, out: ParsedRows) -> pa.Array:
    """Codes of more than 15 digits that all end in zeros past the 15th: Excel kept 15 digits of each.

    One code ending in 0 is common; every long code of a column doing so is what Excel leaves of
    a column of numbers, and the households can no longer be told apart."""
    long = pc.fill_null(pc.match_substring_regex(codes, rf"^[0-9]{{{EXCEL_DIGITS + 1},}}$"), False)
    count = pc.sum(long).as_py() or 0
    if count < 2:
        return codes
    zeroed = pc.fill_null(pc.match_substring_regex(codes, rf"^[0-9]{{{EXCEL_DIGITS}}}0+$"), False)
    if pc.sum(zeroed).as_py() != count:
        return codes
    reason = f"超过{EXCEL_DIGITS}位的编号末尾都是0：Excel只保留{EXCEL_DIGITS}位数字，原编号已丢失；请把该列设为文本后重新导出"
    for position in np.flatnonzero(long.to_numpy(zero_copy_only=False)):
        _reject(out, ctx, position, col.name, codes[int(position)].as_py(), reason)
    return pc.if_else(long, pa.scalar(None, pa.string()), codes)


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
    if col.kind in _BULK_EXCLUDED:
        plain &= ~pc.fill_null(pc.match_substring_regex(distinct, _BULK_EXCLUDED[col.kind]), False).to_numpy(
            zero_copy_only=False
        )
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
    "code": (r"^[0-9A-Za-z_-]+$", None),  # the same, and no scientific notation
    "int": (r"^[0-9]{1,9}$", pa.int64()),
    "decimal": (r"^[0-9]{1,15}(\.[0-9]{1,6})?$", pa.float64()),
}
# Texts the pattern lets through that the parser would still refuse: 1E5 is Excel's notation.
_BULK_EXCLUDED = {"code": r"^[0-9][eE][0-9]+$"}
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
    for position in np.flatnonzero(~good).tolist():
        cell = cells[position] if cells is not None else raw[position].as_py()
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
