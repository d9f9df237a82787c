"""A long CSV is read column by column (Arrow) and a workbook row by row: one ledger, one result.

The two readers share no code for finding data rows, totals and member rows,
or for the bulk checks of key columns, ID numbers and amounts; a clerk who
sends the same ledger as CSV or as Excel must get the same records and the
same row errors, whatever is wrong in it.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.exports import id_number, write_csv, write_xlsx
from tracker.ingest.importer import import_paths
from tracker.store.reader import Reader

HEADERS = [
    "户编号",
    "户主姓名",
    "户主身份证号",
    "与户主关系",
    "乡镇",
    "迁出村",
    "搬迁批次",
    "人口数",
    "入住日期",
    "是否贫困户",
    "自筹资金（元）",
    "宅基地腾退面积（平方米）",
]
TITLE = ["河曲县整村搬迁户台账（截至2017年10月13日）"]
TOWNSHIPS = ["文笔镇", "楼子营镇", "刘家塔镇", "巡镇镇", "鹿固乡", "前川乡", "赵家沟乡"]
# More distinct household numbers, ID numbers and amounts than the bulk checks' threshold.
PLAIN_ROWS = 3_000

messy_cell = st.one_of(
    # Control characters cannot be written to a workbook, so they cannot be compared.
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=10),
    st.sampled_from(
        [
            "",
            " ",
            "合计",
            "小计：",
            "户主",
            "妻子",
            "赵家沟乡",
            "巡 镇镇",
            "第一批",
            "2",
            "是",
            "否",
            "１６户",
            "-3",
            "1,050",
            "1,5",
            "2017年6月1日",
            "1.40930E+17",
            "14093019800101001x",
            "140930198001010000",
            "1409302017000001",
        ]
    ),
    st.integers(-5, 10**12).map(str),
)
messy_row = st.lists(messy_cell, min_size=len(HEADERS), max_size=len(HEADERS))


def _plain_rows(seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(PLAIN_ROWS):
        birth = f"19{rng.randint(30, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        number = id_number(f"140930{birth}{rng.randint(1, 998):03d}")
        rows.append(
            [
                f"1409302{i:09d}",
                rng.choice("王李张刘") + rng.choice("海根引师") + rng.choice("福田金良"),
                number if not number.endswith("000") else "",
                "户主",
                rng.choice(TOWNSHIPS),
                f"村{i % 90:02d}",
                rng.choice(["第一批", "第二批"]),
                str(rng.randint(1, 6)),
                f"2017-{rng.randint(5, 10):02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.6 else "",
                rng.choice(["是", "否"]),
                str(rng.randint(0, 40_000)),
                f"{rng.randint(0, 400)}.{rng.randint(0, 99):02d}",
            ]
        )
    return rows


def _ledger(messy: list[list[str]], seed: int) -> list[list[str]]:
    rows = _plain_rows(seed)
    rng = random.Random(seed)
    for row in messy:
        rows.insert(rng.randint(0, len(rows)), row)
    return [TITLE, HEADERS, *rows]


def _import(path: Path, data_dir: Path) -> tuple[int, list[tuple[int, str, str, str]], list[tuple]]:
    outcome = import_paths([path], data_dir, allow_rejects=True)
    errors = [(e.row, e.column, e.value, e.reason) for e in outcome.errors]
    landed = []
    if outcome.status == 0:
        cursor = Reader(data_dir).cursor()
        landed = cursor.execute("SELECT * FROM households ORDER BY household_id").fetchall()
    problems = outcome.file_problems
    return outcome.status, errors + [(0, "", "", p.split("：", 1)[-1]) for p in problems], landed


@pytest.fixture(autouse=True)
def _one_key(monkeypatch: pytest.MonkeyPatch) -> None:
    # Both stores hash ID numbers with the same key, so their rows compare equal.
    monkeypatch.setenv("TRACKER_ID_KEY", "same-key-for-both-stores")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(messy_row, max_size=12), st.integers(0, 1000))
def test_a_long_csv_imports_as_the_same_ledger_in_excel_does(
    tmp_path_factory: pytest.TempPathFactory, messy: list[list[str]], seed: int
) -> None:
    work = tmp_path_factory.mktemp("ledger")
    rows = _ledger(messy, seed)
    from_csv = _import(write_csv(work / "h.csv", rows), work / "csv-store")
    from_xlsx = _import(write_xlsx(work / "h.xlsx", rows), work / "xlsx-store")
    assert from_csv == from_xlsx
    # Rows of a real ledger land, so the comparison is not between two refusals.
    assert from_csv[0] != 0 or len(from_csv[2]) >= PLAIN_ROWS - len(messy)


def test_blank_lines_and_short_rows_keep_row_numbers(tmp_path: Path) -> None:
    rows = _ledger([], seed=7)
    rows.insert(500, [])  # a blank line, Excel row 501
    rows.insert(900, ["1409302999999999", "王海根"])  # a short row (901): read the slow way, not refused
    rows[1500][7] = "七口"  # not a number, on Excel row 1501
    status, errors, landed = _import(write_csv(tmp_path / "h.csv", rows), tmp_path / "store")
    assert status == 0
    assert (1501, "人口数", "七口", "应为数字") in errors
    assert any(row == 901 and "必填项为空" in reason for row, _, _, reason in errors)
    assert len(landed) == PLAIN_ROWS - 1
