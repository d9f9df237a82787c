"""Whatever the bytes, an import ends in a value, a row error or a file error, and never lands halfway."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.ingest.importer import import_uploads
from tracker.ingest.readers import MAX_FILE_BYTES
from tracker.store.manifest import read_manifest
from tracker.store.reader import Reader

HEADERS = [
    "户编号",
    "户主",
    "身份证号",
    "乡镇",
    "迁出村",
    "搬迁批次",
    "人口数",
    "入住日期",
    "是否贫困户",
    "自筹资金（元）",
]
cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["赵家沟乡", "巡镇", "第一批", "是", "否", "１６户", "2017年6月1日", "1.40930E+17", "合计", ""]
    ),
    st.integers(-5, 10**20).map(str),
    st.floats(allow_nan=True).map(str),
)


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADERS, *rows])
    return buffer.getvalue().encode("utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3000), st.sampled_from(["x.csv", "x.xlsx", "x.xls", "x.toml", "x.txt"]))
def test_arbitrary_bytes_are_a_clear_refusal_or_a_clean_result(
    tmp_path: Path, data: bytes, name: str
) -> None:
    outcome = import_uploads([(name, data)], tmp_path / "store", as_of=None, dry_run=True)
    assert outcome.status in (0, 1, 2)
    assert all(isinstance(p, str) and p for p in outcome.file_problems)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cells, min_size=0, max_size=len(HEADERS) + 2), max_size=8))
def test_arbitrary_rows_land_whole_or_not_at_all(tmp_path: Path, rows: list[list[str]]) -> None:
    data_dir = tmp_path / "store"
    before = read_manifest(data_dir)
    outcome = import_uploads([("h_2017-10-13.csv", _csv(rows))], data_dir)
    after = read_manifest(data_dir)
    if outcome.status == 0:
        accepted = sum(s.accepted for s in outcome.sheets)
        count = Reader(data_dir).cursor().execute("SELECT count(*) FROM households").fetchall()[0][0]
        assert count == accepted
    else:
        assert after == before
        assert outcome.errors or outcome.file_problems
    for error in outcome.errors:
        assert error.row >= 2 and error.reason


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    outcome = import_uploads([("big.csv", b"a" * (MAX_FILE_BYTES + 1))], tmp_path / "store", dry_run=True)
    assert outcome.status == 2 and "过大" in outcome.file_problems[0]
