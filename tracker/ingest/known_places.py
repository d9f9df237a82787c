"""A 包保责任台账 row must name a village or organisation the other ledgers know.

A responsibility is for a relocation village of the village ledger (村级台账, with a 搬迁批次) or a
weak organisation of the party ledger (党组织台账, marked 软弱涣散). Which village ledger: the
snapshot in force on the responsibility file's own day, as the store would hold it once this
import lands — the latest village snapshot on or before that day, merged with whatever village
files the same import brings (a county importing a week's folder checks the week's plan against
the week's villages). It is worked out by the same coverage plan that lands the import
(`tracker.ingest.coverage.plan`), so the check and the store can never disagree about it.

A row that names a village or organisation the ledger in force does not list is a row error
naming the file, row and column, as every rule of the import is: the clerk is told where the
village is listed when it is listed under another township.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from tracker.contract import schema
from tracker.contract.arrow import arrow_schema
from tracker.ingest import coverage
from tracker.ingest.outcome import SheetResult
from tracker.ingest.parsed import ParsedRows, RowError
from tracker.ingest.parts import parts_of

TABLE = "responsibilities"
# The ledger each kind of row is checked against, and the columns read from it.
LEDGERS = {
    "villages": ("county", "township", "village", "relocation_batch"),
    "party_orgs": ("county", "township", "org_name", "weak_lax"),
}


@dataclass(frozen=True)
class _Places:
    """What one ledger's snapshot in force lists: (county, township, name) -> its flag, and where each
    name is listed (for the hint when a row gives another township)."""

    day: dt.date | None
    listed: dict[tuple[Any, Any, Any], Any]
    townships_of: dict[tuple[Any, Any], list[str]]


def check(parsed: list[tuple[SheetResult, ParsedRows]], data_dir: Path, replace_all: bool = False) -> None:
    """Mark every responsibility row whose village or organisation is unknown on its day as a row error."""
    items = [(r, rows) for r, rows in parsed if r.table == TABLE]
    if not items:
        return
    days = sorted({r.as_of for r, _ in items})
    places = {ledger: _in_force(parsed, data_dir, ledger, days, replace_all) for ledger in LEDGERS}
    for result, rows in items:
        _check_rows(result, rows, places["villages"][result.as_of], places["party_orgs"][result.as_of])


def _in_force(
    parsed: list[tuple[SheetResult, ParsedRows]],
    data_dir: Path,
    ledger: str,
    days: list[dt.date],
    replace_all: bool,
) -> dict[dt.date, _Places]:
    """The ledger's snapshot in force on each day, once this import's files of that ledger have landed:
    the latest of this import's own snapshots (as they will land) and the store's on or before it.

    The store's is found by asking the coverage plan to merge an empty part on that day (it keeps
    every row of the snapshot in force and replaces nothing)."""
    own = sorted(parts_of([(r, rows) for r, rows in parsed if r.table == ledger]), key=lambda p: p.as_of)
    landing = {
        part.as_of: snapshot.rows
        for part, (snapshot, _) in zip(own, coverage.plan(data_dir, own, replace_all))
    }
    empty = arrow_schema(ledger).empty_table()
    # (A probe names a file no import has, so the day's kept rejected rows stay as they are.)
    probes = [coverage.Part(ledger, day, empty, frozenset(), files=frozenset({"\x00"})) for day in days]
    out: dict[dt.date, _Places] = {}
    for probe, (snapshot, change) in zip(probes, coverage.plan(data_dir, probes)):
        stored = change.previous_day
        mine = max((d for d in landing if d <= probe.as_of), default=None)
        if mine is not None and (stored is None or mine >= stored):
            out[probe.as_of] = _places(landing[mine], mine, ledger)
        else:
            out[probe.as_of] = _places(snapshot.rows, stored, ledger)
    return out


def _places(rows: pa.Table, day: dt.date | None, ledger: str) -> _Places:
    county, township, name, flag = (rows[c].to_pylist() for c in LEDGERS[ledger])
    listed = {}
    townships_of: dict[tuple[Any, Any], list[str]] = defaultdict(list)
    for c, t, n, f in zip(county, township, name, flag):
        listed[(c, t, n)] = f
        townships_of[(c, n)].append(t)
    return _Places(day, listed, townships_of)


def _check_rows(result: SheetResult, rows: ParsedRows, villages: _Places, orgs: _Places) -> None:
    county = rows.records["county"].to_pylist()
    township = rows.records["township"].to_pylist()
    for column, places in (("village", villages), ("org_name", orgs)):
        names = rows.records[column].to_pylist()
        for position, name in enumerate(names):
            if name is None or position in rows.rejected_rows:
                continue
            reason = _unknown(column, places, county[position], township[position], name, result.as_of)
            if reason:
                header = schema.RESPONSIBILITIES.column(column).headers[0]
                number = rows.row_numbers[position]
                rows.errors.append(RowError(result.file, result.sheet, number, header, name, reason))
                rows.rejected_rows.add(position)
                rows.rejected_cells.add((position, column))


def _unknown(column: str, places: _Places, county: Any, township: Any, name: str, day: dt.date) -> str:
    """Why the row's village or organisation is not one the ledger in force knows ("" when it is)."""
    village = column == "village"
    label = "村级台账" if village else "党组织台账"
    if places.day is None:
        return f"截至 {day.isoformat()} 尚未导入{label}，无法核对{'该村' if village else '该党组织'}；请先导入{label}"
    where = f"{places.day.isoformat()} 的{label}"
    if (county, township, name) not in places.listed:
        elsewhere = [t for t in places.townships_of.get((county, name), []) if t != township]
        if elsewhere:
            return f"{where}中{township}没有{'该村' if village else '该党组织'}（列在{'、'.join(elsewhere)}）"
        return f"{where}中没有{'该村' if village else '该党组织'}（{township}）"
    flag = places.listed[(county, township, name)]
    if village and flag is None:
        return f"{where}中该村未填搬迁批次，不是整村搬迁村"
    if not village and not flag:
        return f"{where}中该党组织未标为软弱涣散"
    return ""
