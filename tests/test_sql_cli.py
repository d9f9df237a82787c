"""The `sql` command: reads anything in the store, writes nothing, reads nothing outside it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import run_module
from tests.exports import write_csv


@pytest.fixture
def loaded(tmp_path: Path, tracker) -> None:
    rows = [
        ["乡镇", "村名", "集体经济收入（万元）"],
        ["巡镇", "上榆皮洼村", "2.5"],
        ["赵家沟乡", "葫芦山村", "0"],
    ]
    assert tracker("import", write_csv(tmp_path / "v_2017-10-13.csv", rows)).code == 0


def test_formats_agree(loaded, tracker) -> None:
    query = "SELECT village, collective_income_10k AS income, as_of FROM villages ORDER BY village"
    as_json = tracker("sql", query, "--format", "json").json()
    as_csv = list(csv.DictReader(io.StringIO(tracker("sql", query, "--format", "csv").out)))
    as_table = tracker("sql", query).out
    assert as_json == [
        {"village": "上榆皮洼村", "income": 2.5, "as_of": "2017-10-13"},
        {"village": "葫芦山村", "income": 0.0, "as_of": "2017-10-13"},
    ]
    assert [r["village"] for r in as_csv] == ["上榆皮洼村", "葫芦山村"]
    assert "上榆皮洼村" in as_table and "（2 行）" in as_table


def test_json_is_one_array_even_when_empty(tracker) -> None:
    assert tracker("sql", "SELECT * FROM households", "--format", "json").json() == []


def test_import_log_is_queryable(loaded, tracker) -> None:
    log = tracker(
        "sql", "SELECT file, table_name, as_of, rows_accepted FROM import_log", "--format", "json"
    ).json()
    assert log == [
        {"file": "v_2017-10-13.csv", "table_name": "villages", "as_of": "2017-10-13", "rows_accepted": 2}
    ]


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM villages",
        "INSERT INTO villages (village) VALUES ('x')",
        "CREATE TABLE x AS SELECT 1",
        "DROP VIEW villages",
        "COPY (SELECT 1) TO '/tmp/out.csv'",
        "ATTACH '/tmp/other.duckdb' AS other",
        "SET enable_external_access = true",
        "INSTALL httpfs",
        "PRAGMA database_list",
        "SELECT 1; DELETE FROM villages",
    ],
)
def test_anything_but_a_read_is_refused(loaded, tracker, statement: str) -> None:
    result = tracker("sql", statement)
    assert result.code == 2
    assert "只" in result.err or "拒绝" in result.err
    assert tracker("sql", "SELECT count(*) AS n FROM villages", "--format", "json").json() == [{"n": 2}]


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM read_parquet('/tmp/*.parquet')",
    ],
)
def test_files_outside_the_store_cannot_be_read(loaded, tracker, statement: str) -> None:
    result = tracker("sql", statement)
    assert result.code == 2
    assert "root:" not in result.out


def test_runs_as_a_real_process(tmp_path: Path) -> None:
    store = tmp_path / "s"
    done = run_module("--data-dir", store, "sql", "SELECT 42 AS answer", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"answer": 42}]
    bad = run_module("--data-dir", store, "sql", "SELEC 1")
    assert bad.returncode == 2 and "语法" in bad.stderr and "Traceback" not in bad.stderr
