"""Parsing a sheet column by column: each distinct cell once, plain ones in bulk, every problem a row error.

Ledgers repeat the same townships, dates and flags on every row: a 100,000-row
export has a few thousand distinct cells outside its keys. ID numbers are checked
as a grid of bytes and hashed in one statement; townships are looked up once per
(county, township) pair.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tracker.contract import schema
from tracker.contract.cell_text import clean_text
from tracker.contract.county import County
from tracker.ingest import personal
from tracker.ingest.parsed import ParsedRows, RowContext, reject, shown
from tracker.ingest.values import EXCEL_DIGITS, ValueProblem, parser_for


def parse_column(
    col: schema.Column, raw: list[Any] | pa.Array, kind: pa.DataType, ctx: RowContext, out: ParsedRows
) -> pa.Array:
    """The column's cells as values of `kind`; a cell that is not one is null and its row rejected."""
    if col.kind == "id_number":
        return _parse_id_numbers(col, raw, ctx, out)
    if col.kind == "code":
        return _check_truncated_codes(col, _parse_text_column(col, raw, kind, ctx, out), ctx, out)
    return _parse_text_column(col, raw, kind, ctx, out)


def _parse_text_column(
    col: schema.Column, raw: list[Any] | pa.Array, kind: pa.DataType, ctx: RowContext, out: ParsedRows
) -> pa.Array:
    # A column of household numbers: the parser would return every cell unchanged
    # (a code only once no cell is in Excel's scientific notation).
    plain = col.kind in ("text", "code") and isinstance(raw, pa.Array) and _all_plain(raw)
    if plain and (col.kind == "text" or not pc.any(pc.match_substring_regex(raw, r"[eE]\+?[0-9]")).as_py()):
        return raw
    parse = _safe(_cell_parser(col, ctx))
    encoded = distinct_cells(raw)
    if encoded is None:
        return _parse_each(col, raw, parse, kind, ctx, out)
    return _parse_distinct(col, *encoded, parse, kind, ctx, out)


def _check_truncated_codes(col: schema.Column, codes: pa.Array, ctx: RowContext, out: ParsedRows) -> pa.Array:
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
        reject(out, ctx, position, col.name, codes[int(position)].as_py(), reason)
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


def distinct_cells(raw: list[Any] | pa.Array) -> tuple[pa.Array, pa.Array] | None:
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
    ctx: RowContext,
    out: ParsedRows,
) -> pa.Array:
    results = _parse_texts(col, distinct, parse) + [None]
    bad = [i for i, r in enumerate(results) if isinstance(r, ValueProblem)]
    if bad:
        codes = indices.to_numpy()
        for position in np.flatnonzero(np.isin(codes, bad)):
            text = distinct[int(codes[position])].as_py()
            reject(out, ctx, position, col.name, shown(col, text), str(results[codes[position]]))
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
    col: schema.Column, raw: list[Any], parse: Any, kind: pa.DataType, ctx: RowContext, out: ParsedRows
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
            reject(out, ctx, position, col.name, shown(col, cell), str(result))
            values.append(None)
        else:
            values.append(result)
    return pa.array(values, type=kind)


def _parse_id_numbers(
    col: schema.Column, raw: list[Any] | pa.Array, ctx: RowContext, out: ParsedRows
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
            reject(out, ctx, position, col.name, shown(col, cell), str(problem))
            continue
        if number:
            hashes[position] = personal.hash_id_number(number, ctx.key)
    return pa.array(hashes, type=pa.string())


def _cell_parser(col: schema.Column, ctx: RowContext) -> Any:
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


def parse_townships(
    col: schema.Column, raw: list[Any] | pa.Array, counties: pa.Array, ctx: RowContext, out: ParsedRows
) -> tuple[pa.Array, pa.Array]:
    """(county, township) of every row, each township looked up in its row's county; a missing
    county is filled when the township says it."""
    encoded = distinct_cells(raw)
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
        reject(out, ctx, position, col.name, shown(col, cell), str(result))
    found = [(None, None) if isinstance(r, ValueProblem) else r for r in results]
    take = pa.array(inverse)
    return (
        pa.array([c for c, _ in found], pa.string()).take(take),
        pa.array([t for _, t in found], pa.string()).take(take),
    )


def _parse_townships_each(
    col: schema.Column, raw: list[Any], counties: pa.Array, ctx: RowContext, out: ParsedRows
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
            reject(out, ctx, position, col.name, shown(col, cell), str(result))
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
