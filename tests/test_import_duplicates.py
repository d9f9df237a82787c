"""Issue 18, hole 8: the same content twice in one import is refused, naming both files; funds rows
identical in every column are row errors, as duplicate keys are in the other ledgers. The money of a
day is never counted twice."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, run_module
from tests.exports import write_csv, write_xlsx
from tracker.store import queries
from tracker.store.reader import Reader

FUNDS = REPO / "sample_data" / "weekly" / "2017-10-13" / "资金台账_2017-10-13.csv"
DAY = dt.date(2017, 10, 20)


def _funds_rows() -> list[list[str]]:
    with open(FUNDS, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _integrated_total(store: Path, day: dt.date) -> float:
    reader = Reader(store)
    return float(queries.run(reader.cursor(), "funds_summary", as_of=day, township=[]).iloc[0]["amount_10k"])


@pytest.fixture
def store(sample_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(sample_store, copy)
    return copy


def test_one_funds_export_saved_twice_is_refused_naming_both(store: Path, tmp_path: Path) -> None:
    # The attack as run: the same 资金台账 downloaded twice (the browser names the second "… (1)"),
    # both in the folder imported. It landed with exit 0, and the day's money doubled.
    folder = tmp_path / "downloads"
    folder.mkdir()
    shutil.copy(FUNDS, folder / "资金台账_2017-10-20.csv")
    shutil.copy(FUNDS, folder / "资金台账_2017-10-20 (1).csv")
    before = _integrated_total(store, DAY)
    manifest = (store / "manifest.json").read_bytes()
    done = run_module("--data-dir", store, "import", folder)
    assert done.returncode == 2, done.stdout
    assert "资金台账_2017-10-20.csv 与 资金台账_2017-10-20 (1).csv 是同一个文件" in done.stderr
    assert "未做任何更改" in done.stdout
    assert (store / "manifest.json").read_bytes() == manifest
    assert _integrated_total(store, DAY) == pytest.approx(before)


def test_the_same_rows_as_csv_and_as_workbook_are_refused(store: Path, tmp_path: Path) -> None:
    rows = _funds_rows()
    as_csv = write_csv(tmp_path / "资金台账_2017-10-20.csv", rows)
    as_xlsx = write_xlsx(tmp_path / "资金台账导出_2017-10-20.xlsx", rows[:1] + list(reversed(rows[1:])))
    done = run_module("--data-dir", store, "import", as_csv, as_xlsx)
    assert done.returncode == 2
    assert (
        "资金台账导出_2017-10-20.xlsx［Sheet1］ 与 资金台账_2017-10-20.csv 的资金台账内容相同" in done.stderr
    )
    assert f"{len(rows) - 1} 行" in done.stderr


def test_funds_rows_identical_in_every_column_are_row_errors(tracker, tmp_path: Path) -> None:
    header = ["资金来源", "金额（万元）", "乡镇", "村名", "拨付日期", "用途"]
    twice = ["财政专项资金", "12.5", "赵家沟乡", "葫芦山村", "2017-10-19", "道路"]
    other = ["财政专项资金", "12.5", "赵家沟乡", "葫芦山村", "2017-10-19", "供水"]  # differs in one column
    path = write_csv(tmp_path / "资金台账_2017-10-20.csv", [header, twice, other, twice])
    done = tracker("import", path)
    assert done.code == 1
    assert done.err.count("与另一行完全相同（第2、4行）") == 2 and "第3行" not in done.err
    assert tracker("import", path, "--allow-rejects").code == 0
    total = tracker("sql", "SELECT sum(amount_10k) AS s, count(*) AS n FROM funds", "--format", "json").json()
    assert total == [{"s": 12.5, "n": 1}]


def test_funds_rows_repeated_across_two_files_of_a_day_are_row_errors(tracker, tmp_path: Path) -> None:
    header = ["资金来源", "金额（万元）", "乡镇", "村名", "拨付日期", "用途"]
    shared = ["基础设施补助", "30", "巡镇镇", "", "2017-10-18", "安置区道路"]
    first = write_csv(
        tmp_path / "资金台账_巡镇镇_2017-10-20.csv",
        [header, shared, ["财政专项资金", "5", "巡镇镇", "", "", "a"]],
    )
    second = write_csv(
        tmp_path / "资金台账_补录_2017-10-20.csv",
        [header, ["财政专项资金", "7", "巡镇镇", "", "", "b"], shared],
    )
    done = tracker("import", first, second)
    assert done.code == 1
    assert (
        "与其他文件中的行完全相同（资金台账_巡镇镇_2017-10-20.csv第2行、资金台账_补录_2017-10-20.csv第3行）"
        in done.err
    )
