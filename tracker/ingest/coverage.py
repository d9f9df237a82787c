"""What an import replaces: the coverage rule, and the snapshot of the day it leaves behind.

The store keeps one snapshot file per (table, day), and the queries read "the snapshot
in force". An export, though, often covers only part of the county (one township's
workbook, the national system's export of one township). So an import merges: the
new snapshot of day D is the rows the files bring for the units they cover, plus the
rows of every other unit taken from the snapshot in force on D (the existing D
snapshot if there is one, else the latest earlier one, which may itself be one this
import lands). Every row keeps `township_as_of`, the day its unit's data is from, so
the snapshot of a day is "the last known rows of every township".

The unit of coverage:
- villages, households, party_orgs: (county, township);
- funds: (county, township) for rows that name a township; the rows without one are
  the county-level allocations of their county, a unit of their own;
- targets: the county (a targets file is the county's whole list).

A file that covers every township replaces the county. `replace_all` replaces the whole
snapshot of the day with what the files hold, even if they cover less (the shrink
guard, `tracker.ingest.shrink_guard`, refuses that without it). Merging is Arrow work over
whole columns: no Python loop over rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tracker.contract import schema
from tracker.contract.arrow import REJECT_COLUMNS, arrow_schema, reject_schema
from tracker.store.commit import Snapshot
from tracker.store.manifest import read_manifest

# Stands for an empty unit column in a unit key (county-level funds, a targets row of the region).
_NONE = "\x00"
_SEP = "\x1f"


@dataclass
class Part:
    """What an import brings for one (table, day)."""

    table: str
    as_of: dt.date
    rows: pa.Table  # the accepted rows, in the store's schema
    covered: frozenset[str]  # unit keys (see units_of) of every unit the files cover, rejected rows' too
    rejects: pa.Table | None = None
    files: frozenset[str] = frozenset()


@dataclass
class Change:
    """One (table, day) before and after an import: in the import's scope and in the whole snapshot."""

    table: str
    as_of: dt.date
    previous_day: dt.date | None  # the snapshot in force before, or None
    scope: list[str]  # the units replaced, as labels ("赵家沟乡", "河曲县·城关镇", "县级资金")
    whole: bool  # whether the scope is every unit (the file covers the county, or replace_all)
    replace_all: bool
    before: int  # rows of the previous snapshot in scope
    after: int  # rows that land in scope
    total_before: int
    total_after: int
    refused: bool = False  # by the shrink guard
    grew: bool = False  # refused by the growth guard
    damaged: list[str] = field(default_factory=list)  # snapshot days passed over: their files cannot be read


def units_of(rows: pa.Table, table: str) -> tuple[np.ndarray, list[str]]:
    """Each row's unit of coverage as (an index per row, the unit key of each index).

    A key is the county and the township joined (an empty one as _NONE). Units are
    few and rows many, so rows are coded by integers over each column's dictionary
    and only the distinct units are spelt out: a province's 500,000 households are a
    few thousand units."""
    codes = np.zeros(rows.num_rows, dtype=np.int64)
    words: list[list[str]] = []
    for name in schema.TABLES[table].units:
        column = rows[name].cast(pa.string())
        encoded = (
            column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        ).dictionary_encode()
        values = encoded.dictionary.to_pylist() + [_NONE]
        index = encoded.indices.fill_null(len(values) - 1).to_numpy(zero_copy_only=False).astype(np.int64)
        codes = codes * len(values) + index
        words.append(values)
    distinct, inverse = np.unique(codes, return_inverse=True)
    keys = []
    for code in distinct.tolist():
        parts = []
        for values in reversed(words):
            code, position = divmod(code, len(values))
            parts.append(values[position])
        keys.append(_SEP.join(reversed(parts)))
    return inverse.reshape(-1), keys


def unit_label(key: str, several_counties: bool) -> str:
    """A unit key as the clerk reads it."""
    county, _, township = key.partition(_SEP)
    county = "" if county == _NONE else county
    if not township:
        return county or "全部"
    if township == _NONE:
        return f"{county}县级（不分乡镇）" if several_counties else "县级（不分乡镇）"
    return f"{county}·{township}" if several_counties else township


def plan(data_dir: Path, parts: list[Part], replace_all: bool = False) -> list[tuple[Snapshot, Change]]:
    """The snapshot each part leaves (merged with the snapshot in force), and what changes.

    Parts are taken per table in day order, so a later day of the same import merges with
    the earlier day this import lands, as it would had they been imported one by one."""
    manifest = read_manifest(data_dir)
    landed: dict[str, tuple[dt.date, pa.Table]] = {}
    units: dict[str, frozenset[str]] = {}  # the units of what this import landed last, per table
    out = []
    for part in sorted(parts, key=lambda p: (p.table, p.as_of)):
        damaged: list[str] = []
        previous_day, previous = _in_force(data_dir, manifest, part, landed.get(part.table), damaged)
        mine = previous is not None and previous is landed.get(part.table, (None, None))[1]
        snapshot, change, kept_units = _merge(
            part, previous_day, previous, replace_all, units.get(part.table) if mine else None
        )
        change.damaged = damaged
        snapshot.rejects = _keep_rejects(data_dir, manifest, part, replace_all)
        landed[part.table] = (part.as_of, snapshot.rows)
        units[part.table] = part.covered | kept_units
        out.append((snapshot, change))
    return out


def _in_force(
    data_dir: Path,
    manifest: dict,
    part: Part,
    landed: tuple[dt.date, pa.Table] | None,
    damaged: list[str],
) -> tuple[dt.date | None, pa.Table | None]:
    """The snapshot in force on the part's day: this import's own, or the store's, whichever is later.

    A snapshot file that cannot be read (damaged on disk) is passed over for the one before it, and
    noted: re-importing a damaged week's export is how the store is restored (see `check`)."""
    days = manifest.get("snapshots", {}).get(part.table, {})
    for stored in sorted((d for d in days if d <= part.as_of.isoformat()), reverse=True):
        if landed is not None and landed[0].isoformat() >= stored:
            return landed
        try:
            rows = pq.read_table(data_dir / days[stored])
        except (OSError, pa.ArrowException):
            damaged.append(stored)
            continue
        day = dt.date.fromisoformat(stored)
        return day, conform(rows, part.table, day)
    return landed if landed is not None else (None, None)


def conform(rows: pa.Table, table: str, day: dt.date) -> pa.Table:
    """A snapshot read from the store in the current schema: columns an older version did not write
    are empty, and rows without their own day are from the snapshot's day."""
    target = arrow_schema(table)
    columns = []
    for field_ in target:
        if field_.name in rows.column_names:
            column = rows[field_.name].cast(field_.type)
        else:
            column = pa.nulls(rows.num_rows, field_.type)
        if field_.name == schema.TOWNSHIP_AS_OF:
            column = pc.fill_null(column, pa.scalar(day, pa.date32()))
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=target)


def _merge(
    part: Part,
    previous_day: dt.date | None,
    previous: pa.Table | None,
    replace_all: bool,
    known_units: frozenset[str] | None = None,
) -> tuple[Snapshot, Change, frozenset[str]]:
    """The part merged with the previous snapshot, the change, and the units of the rows kept.
    known_units: the previous snapshot's units when this import landed it (no need to read them)."""
    if previous is None:
        previous = arrow_schema(part.table).empty_table()
    keys: list[str] = sorted(known_units) if known_units is not None else []
    whole = replace_all or (known_units is not None and known_units <= part.covered)
    if not whole and known_units is None:
        inverse, keys = units_of(previous, part.table)
        whole = set(keys) <= part.covered
    if whole:  # the usual weekly export: every unit replaced, nothing to sort out row by row
        kept, scope_before = previous.slice(0, 0), previous
    else:
        if known_units is not None:
            inverse, keys = units_of(previous, part.table)
        replaced = [i for i, key in enumerate(keys) if key in part.covered]
        in_scope = pa.array(np.isin(inverse, replaced))
        kept, scope_before = previous.filter(pc.invert(in_scope)), previous.filter(in_scope)
    merged = pa.concat_tables([part.rows, kept]) if kept.num_rows else part.rows
    several = len({k.partition(_SEP)[0] for k in (*keys, *part.covered)}) > 1
    change = Change(
        table=part.table,
        as_of=part.as_of,
        previous_day=previous_day,
        scope=sorted(unit_label(k, several) for k in part.covered),
        whole=whole,
        replace_all=replace_all,
        before=scope_before.num_rows,
        after=part.rows.num_rows,
        total_before=previous.num_rows,
        total_after=merged.num_rows,
    )
    kept_units = frozenset() if whole else frozenset(keys) - part.covered
    return Snapshot(part.table, part.as_of, merged), change, kept_units


def _keep_rejects(data_dir: Path, manifest: dict, part: Part, replace_all: bool) -> pa.Table | None:
    """The day's rejected rows: this import's, and (unless the whole day is replaced) those an
    earlier import of the same day kept for files not imported again."""
    relative = manifest.get("rejects", {}).get(part.table, {}).get(part.as_of.isoformat())
    if replace_all or relative is None:
        return part.rejects
    try:
        stored = pq.read_table(data_dir / relative)
    except (OSError, pa.ArrowException):
        return part.rejects
    # A file written before a column existed (township) has it empty.
    target = reject_schema()
    earlier = pa.table(
        [
            stored[c].cast(target.field(c).type)
            if c in stored.column_names
            else pa.nulls(stored.num_rows, target.field(c).type)
            for c in REJECT_COLUMNS
        ],
        schema=target,
    )
    earlier = earlier.filter(pc.invert(pc.is_in(earlier["file"], value_set=pa.array(sorted(part.files)))))
    if part.rejects is None:
        return earlier if earlier.num_rows else None
    return pa.concat_tables([part.rejects, earlier])
