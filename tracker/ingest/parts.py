"""From checked sheets to what would land: per (table, day) the accepted rows, the units they cover
(what the import replaces) and the rejected rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pyarrow as pa

from tracker.contract import schema
from tracker.contract.arrow import arrow_schema, reject_schema
from tracker.ingest import coverage
from tracker.ingest.outcome import SheetResult
from tracker.ingest.parsed import ParsedRows


def parts_of(parsed: list[tuple[SheetResult, ParsedRows]]) -> list[coverage.Part]:
    """What the checked sheets bring for each (table, day): the rows that would land and the units covered."""
    groups: dict[tuple[str, dt.date], list[tuple[SheetResult, ParsedRows]]] = defaultdict(list)
    for result, rows in parsed:
        groups[(result.table, result.as_of)].append((result, rows))
    return [
        coverage.Part(
            table,
            day,
            _accepted_table(table, day, members),
            _covered(table, members),
            _rejects_table(members),
            frozenset(r.file for r, _ in members),
        )
        for (table, day), members in groups.items()
    ]


def _accepted_table(table: str, day: dt.date, members: list[tuple[SheetResult, ParsedRows]]) -> pa.Table:
    target = arrow_schema(table)
    parts = []
    for _, rows in members:
        part = pa.table({n: rows.records[n] for n in target.names}, schema=target)
        if rows.rejected_rows:
            keep = np.ones(part.num_rows, dtype=bool)
            keep[list(rows.rejected_rows)] = False
            part = part.filter(keep)
        parts.append(part)
    accepted = pa.concat_tables(parts) if parts else target.empty_table()
    if schema.TOWNSHIP_AS_OF in target.names:
        # The rows a file brings are from its own day; rows kept from earlier keep theirs.
        position = target.get_field_index(schema.TOWNSHIP_AS_OF)
        days = pa.repeat(pa.scalar(day, pa.date32()), accepted.num_rows)
        accepted = accepted.set_column(position, target.field(position), days)
    return accepted


def _covered(table: str, members: list[tuple[SheetResult, ParsedRows]]) -> frozenset[str]:
    """The units the sheets cover: every row's county and township (a rejected row's too, where
    they themselves were readable), and for the funds ledger the county level for rows without one."""
    units = schema.TABLES[table].units
    keys: set[str] = set()
    for _, rows in members:
        frame = pa.table({n: rows.records[n] for n in units})
        readable = np.ones(frame.num_rows, dtype=bool)
        for position, column in rows.rejected_cells:
            if column in units:
                readable[position] = False
        if "township" in units and schema.TABLES[table].column("township").required:
            readable &= frame["township"].is_valid().to_numpy(zero_copy_only=False)
        readable &= frame[schema.COUNTY].is_valid().to_numpy(zero_copy_only=False)
        keys.update(coverage.units_of(frame.filter(readable), table)[1])
    return frozenset(keys)


def _rejects_table(members: list[tuple[SheetResult, ParsedRows]]) -> pa.Table | None:
    records = []
    for _, rows in members:
        if not rows.errors:
            continue
        township = _township_by_row(rows)
        records += [
            {
                "file": e.file,
                "sheet": e.sheet,
                "row": e.row,
                "column": e.column,
                "value": e.value,
                "reason": e.reason,
                "township": township.get(e.row),
            }
            for e in rows.errors
        ]
    return pa.Table.from_pylist(records, schema=reject_schema()) if records else None


def _township_by_row(rows: ParsedRows) -> dict[int, str | None]:
    """Each row's township (by its row number in the file), where the row names one that was read."""
    column = rows.records.get("township")
    if column is None:
        return {}
    return dict(zip(rows.row_numbers, column.to_pylist()))
