"""Pre-aggregated tables written beside the snapshots at import, for the queries that read every week.

A weekly series over households scans every snapshot: at province scale that
is 13 million rows for one chart. The same series over `household_summary`
(one row per village, batch and week) reads about a hundred thousand.

Each summary is one file named after it, `queries/summaries/<name>.sql`: its
header says what it holds, which ledger it `reads:` and its `columns:` (name,
kind, label); its query fills it from one snapshot of that ledger, read under
the ledger's own name (`FROM households`) and applying the same rule macros as
the pages (`tracker.rules.macros`). It lands in the same commit as that
snapshot (`store.commit` adds the ones an import did not bring), is never
edited by hand, and the `sql` command can read it too.

A store written before a summary existed (or before it gained a column) still
reads: the store reader derives what is missing from the ledger's own files,
and `python -m tracker check --repair` writes it to the store for good.

Every summary keeps `county` and `township`, so the reader's scope limits it
exactly as it limits the ledger it sums.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from tracker.contract import schema
from tracker.contract.paths import SUMMARIES_DIR
from tracker.rules import macros
from tracker.store import queries


@dataclass(frozen=True)
class Derived:
    """A summary: its table (name, label, columns), the ledger one of its snapshots sums, and its query."""

    table: schema.Table
    source: str
    query: queries.NamedQuery


# `--   township_as_of  date  数据截至  (a note)` under `-- columns`: name, kind, label.
_COLUMN = re.compile(r"^--\s+([a-z_0-9]+)\s+([a-z_]+)\s+(\S+)")


def _definition(query: queries.NamedQuery) -> Derived:
    """A summary as its file defines it (header `name: label. what`, `reads:`, `columns:`)."""
    header = [line for line in query.sql.splitlines() if line.startswith("--")]
    label = header[0][2:].split(":", 1)[1].split(".", 1)[0].strip()
    source = next(line.split(":", 1)[1].split()[0] for line in header if line.startswith("-- reads:"))
    at = next(i for i, line in enumerate(header) if line.startswith("-- columns"))
    columns = tuple(
        schema._c(found[1], found[3], found[2]) for line in header[at + 1 :] if (found := _COLUMN.match(line))
    )
    if source not in schema.LEDGERS or not columns:
        raise queries.QueryProblem(f"{query.name}.sql: a summary names the ledger it reads and its columns")
    return Derived(schema.Table(query.name, label, columns, key=()), source, query)


SUMMARIES: dict[str, Derived] = {
    name: _definition(query) for name, query in queries.catalogue(SUMMARIES_DIR).items()
}
DERIVED: dict[str, schema.Table] = {name: d.table for name, d in SUMMARIES.items()}
# Which summary counts a ledger's rows (column `rows` of the summary's sum): the reader's snapshot days.
ROW_COUNTS: dict[str, tuple[str, str]] = {
    "villages": ("village_summary", "villages"),
    "households": ("household_summary", "households"),
    "party_orgs": ("org_summary", "orgs"),
    "funds": ("fund_summary", "allocations"),
}


def derive_many(names: list[str], rows: pa.Table, as_of: dt.date) -> dict[str, pa.Table]:
    """The summaries `names` of one snapshot of their ledger (rows), taken on as_of, on one connection."""
    if schema.TOWNSHIP_AS_OF not in rows.column_names:
        # A ledger written before rows kept their own day: every row is from the snapshot's day.
        rows = rows.append_column(
            schema.TOWNSHIP_AS_OF, pa.repeat(pa.scalar(as_of, pa.date32()), rows.num_rows)
        )
    con = duckdb.connect(":memory:")
    try:
        macros.define_value_rules(con)
        con.register(_source(names), rows)
        return {name: _run(con, name, as_of) for name in names}
    finally:
        con.close()


def derive_from_file(
    con: duckdb.DuckDBPyConnection, path: str, as_of: dt.date, names: list[str]
) -> dict[str, pa.Table]:
    """The summaries `names` of one snapshot file of their ledger (reading only the columns they sum),
    computed on con (a scratch connection: this replaces its view named after the ledger and the rule
    macros)."""
    macros.define_value_rules(con)
    relation = con.read_parquet(path)
    if schema.TOWNSHIP_AS_OF not in relation.columns:
        # A ledger written before rows kept their own day: every row is from the snapshot's day.
        day = duckdb.ConstantExpression(as_of).alias(schema.TOWNSHIP_AS_OF)
        relation = relation.select(duckdb.StarExpression(), day)
    relation.create_view(_source(names), replace=True)
    return {name: _run(con, name, as_of) for name in names}


def _source(names: list[str]) -> str:
    """The one ledger the summaries `names` read (its snapshot goes by the ledger's own name)."""
    (source,) = {SUMMARIES[name].source for name in names}
    return source


def _run(con: duckdb.DuckDBPyConnection, name: str, as_of: dt.date) -> pa.Table:
    sql, params = SUMMARIES[name].query.bound({"as_of": as_of})
    return con.sql(sql, params=params).to_arrow_table()


def for_ledger(table: str) -> list[str]:
    """The summaries derived from a ledger's snapshots."""
    return [name for name, d in SUMMARIES.items() if d.source == table]
