"""Named queries: every file is well-formed, runs on an empty store, and binds its parameters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tracker.store import queries, summaries
from tracker.store.reader import Reader

CATALOGUE = queries.catalogue()
COMMON = {"as_of": dt.date(2017, 10, 13), "township": [], "batch": None}


def test_every_query_file_says_what_it_answers() -> None:
    assert CATALOGUE, "no queries found"
    for query in [*CATALOGUE.values(), *(d.query for d in summaries.SUMMARIES.values())]:
        assert len(query.doc) > 20, query.name
        assert "-- params:" in query.sql, query.name


# The summaries' queries (queries/summaries/) run over the rows being imported, not over the store.
STORE_QUERIES = sorted(CATALOGUE)


@pytest.mark.parametrize("name", STORE_QUERIES)
def test_query_runs_on_an_empty_store(tmp_path: Path, name: str) -> None:
    cursor = Reader(tmp_path / "empty").cursor()
    params = {k: COMMON.get(k) for k in CATALOGUE[name].params}
    frame = queries.run(cursor, name, **params)
    assert len(frame.columns) > 0  # the query binds and returns its shape even with no data


def test_a_missing_parameter_is_a_loud_error(tmp_path: Path) -> None:
    cursor = Reader(tmp_path / "empty").cursor()
    with pytest.raises(queries.QueryProblem, match="needs parameters"):
        queries.run(cursor, "ranking", as_of=dt.date(2017, 10, 13))


def test_an_unknown_query_is_a_loud_error() -> None:
    with pytest.raises(queries.QueryProblem, match="no query named"):
        queries.get("no_such_query")


def test_a_township_value_is_data_not_sql(tmp_path: Path) -> None:
    cursor = Reader(tmp_path / "empty").cursor()
    hostile = {"as_of": dt.date(2017, 10, 13), "township": ["' OR 1=1 --"], "batch": None, "by_county": False}
    assert queries.run(cursor, "ranking", **hostile).empty


def test_the_household_summary_agrees_with_the_ledger_it_summarises(sample_store: Path) -> None:
    cursor = Reader(sample_store).cursor()
    ledger = cursor.execute(
        "SELECT as_of, relocation_batch, count(*), sum(people), "
        "count(*) FILTER (WHERE moved_on <= as_of), sum(people) FILTER (WHERE moved_on <= as_of), "
        "sum(homestead_m2) FILTER (WHERE reclaimed) FROM households GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    summary = cursor.execute(
        "SELECT as_of, relocation_batch, sum(households), sum(people), sum(households_moved), "
        "sum(people_moved), sum(homestead_reclaimed_m2) FROM household_summary GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert len(ledger) == 2 * 24
    normalise = [tuple(0 if v is None else v for v in row) for row in ledger]
    assert [tuple(0 if v is None else v for v in row) for row in summary] == normalise
