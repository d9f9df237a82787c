"""The cells of a sheet that hold records: blank, total (合计) and member rows dropped, a person list
folded into households, a wide fund ledger melted into one allocation per source, and the columns a
layout gives another way (乡镇-村社 in one cell, a township named only in the title)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tracker.contract import schema
from tracker.contract.cell_text import clean_text, compact
from tracker.contract.county import County
from tracker.ingest.columns import distinct_cells
from tracker.ingest.header_names import MODE_DETAIL, RELATION, TOWNSHIP_VILLAGE
from tracker.ingest.headers import Layout
from tracker.ingest.parsed import RowError
from tracker.ingest.sheet_text import split_township_village
from tracker.ingest.values import ValueProblem, parse_number

_TOTAL_ROW = re.compile(r"(合计|总计|小计)[:：]?$")
_HEAD_OF_HOUSEHOLD = frozenset({"户主", "本人", "户主本人"})


def fill_from_layout(raw: dict[str, Any], layout: Layout, county: County, rows: int) -> None:
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
    encoded = distinct_cells(cells)
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
class Body:
    """The rows that hold records: their cells by column index, and their row numbers as Excel shows them."""

    columns: dict[int, list[Any] | pa.Array]
    numbers: list[int]
    totals: int
    members: int
    extra: dict[str, list[Any] | pa.Array] = field(default_factory=dict)  # columns the layout derives
    problems: list[RowError] = field(default_factory=list)  # rows that never became records


def _indices(layout: Layout) -> list[int]:
    return sorted(set(layout.columns) | set(layout.wide))


def list_body(rows: list[list[Any]], first_row: int, layout: Layout) -> Body:
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
    body = Body({i: [r[i] for r in data] for i in wanted}, numbers, totals, 0)
    if relation_col is None:
        return body
    return _fold_members(body, layout, np.array(member, dtype=bool))


def _fold_members(body: Body, layout: Layout, member: np.ndarray) -> Body:
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
    encoded = distinct_cells(cells)
    if encoded is None:
        return pa.array([clean_text(v) for v in cells], pa.string())
    distinct, indices = encoded
    return pa.array([clean_text(v) for v in distinct.to_pylist()] + [None], pa.string()).take(indices)


def melt_wide(body: Body, layout: Layout) -> Body:
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
    melted = Body(columns, [body.numbers[p] for p in taken], body.totals, body.members)
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


def table_body(area: pa.Table, first_row: int, layout: Layout) -> Body:
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
    body = Body(columns, numbers, int(totals.sum()), 0)
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
