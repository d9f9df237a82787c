"""Every table a query reads can be found by its name: a view of the reader's one list (tracker.store.
reader.VIEWS), each ledger a table of the contract and each summary a file named after it,
`queries/summaries/<name>.sql`, holding its columns and the query that fills it from the ledger it names."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tracker.contract import schema
from tracker.contract.arrow import arrow_schema
from tracker.contract.paths import SUMMARIES_DIR
from tracker.store import queries, summaries
from tracker.store.reader import VIEWS

QUERIES = queries.catalogue() | {name: d.query for name, d in summaries.SUMMARIES.items()}
VIEW_NAMES = {view.name for view in VIEWS}


def _read_tables(sql: str) -> set[str]:
    """The names after FROM and JOIN (not table functions), less the query's own CTEs."""
    body = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    read = set(re.findall(r"\b(?:FROM|JOIN)\s+([A-Za-z_]\w*)\b(?!\s*\()", body, re.IGNORECASE))
    ctes = set(re.findall(r"\b([A-Za-z_]\w*)\s+AS\s*(?:MATERIALIZED\s*)?\(", body, re.IGNORECASE))
    return read - ctes


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_table_a_query_reads_is_a_view_of_the_reader(name: str) -> None:
    assert _read_tables(QUERIES[name].sql) <= VIEW_NAMES


def test_the_lineage_check_sees_an_unnamed_table() -> None:
    sql = "-- x\nWITH kept AS (SELECT 1) SELECT * FROM kept JOIN snapshot USING (a), unnest([1])"
    assert _read_tables(sql) == {"snapshot"}


def test_every_ledger_and_every_summary_file_is_a_view_and_nothing_else_is() -> None:
    ledgers = {view.name for view in VIEWS if view.rows == "ledger"}
    assert ledgers == set(schema.TABLES)
    files = {path.stem for path in SUMMARIES_DIR.glob("*.sql")}
    assert {view.name for view in VIEWS if view.rows == "summary"} == files == set(summaries.SUMMARIES)
    assert len(VIEW_NAMES) == len(VIEWS)


@pytest.mark.parametrize("name", sorted(summaries.SUMMARIES))
def test_a_summary_reads_the_ledger_its_file_names(name: str) -> None:
    derived = summaries.SUMMARIES[name]
    assert _read_tables(derived.query.sql) == {derived.source}
    assert derived.table.label.endswith("（导入时生成）")


@pytest.mark.parametrize("name", sorted(summaries.SUMMARIES))
def test_a_summary_fills_the_columns_its_file_defines(name: str) -> None:
    # The ledger's own columns, as an import hands them to the summaries (no rows needed).
    source = summaries.SUMMARIES[name].source
    empty = arrow_schema(source).empty_table()
    filled = summaries.derive_many([name], empty, dt.date(2017, 10, 13))[name]
    assert filled.column_names == [c.name for c in summaries.DERIVED[name].columns]
