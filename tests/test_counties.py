"""Several counties in one deployment: the 县 column, townships looked up per county, scoped readers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.exports import write_csv
from tracker.store.reader import Reader

REGION = """
name = "忻州市"
province = "山西省"
[[counties]]
name = "河曲县"
code = "140930"
townships = [{ name = "城关镇", code = "140930100" }, { name = "赵家沟乡", code = "140930208", aliases = ["赵家沟"] }]
[[counties]]
name = "保德县"
code = "140931"
townships = [{ name = "城关镇", code = "140931100" }, { name = "杨家湾镇", code = "140931101" }]
"""


@pytest.fixture
def region(tmp_path: Path, tracker) -> Path:
    config = tmp_path / "region.toml"
    config.write_text(REGION, encoding="utf-8")
    rows = [
        ["县", "乡镇", "村名", "集体经济收入（万元）"],
        ["河曲县", "城关镇", "甲村", "1"],
        ["保德县", "城关镇", "甲村", "0"],  # same township and village names, another county
        ["", "杨家湾镇", "乙村", "2"],  # county left out: only 保德县 has this township
        ["140930", "赵家沟", "丙村", "3"],  # county by code, township by alias
    ]
    result = tracker("import", config, write_csv(tmp_path / "村级台账_2017-10-13.csv", rows), "--json")
    assert result.code == 0, result.out
    return tmp_path


def test_rows_are_told_apart_by_county(region, tracker) -> None:
    got = tracker("sql", "SELECT county, township, village FROM villages", "--format", "json").json()
    assert {(r["county"], r["township"], r["village"]) for r in got} == {
        ("河曲县", "城关镇", "甲村"),
        ("保德县", "城关镇", "甲村"),
        ("保德县", "杨家湾镇", "乙村"),
        ("河曲县", "赵家沟乡", "丙村"),
    }


def test_a_township_of_another_county_is_a_row_error(region, tmp_path: Path, tracker) -> None:
    rows = [["县", "乡镇", "村名"], ["河曲县", "杨家湾镇", "丁村"]]
    result = tracker("import", write_csv(tmp_path / "v_2017-10-20.csv", rows), "--json")
    assert result.code == 1
    assert "不是河曲县的乡镇" in result.json()["errors"][0]["reason"]


def test_an_ambiguous_township_needs_its_county(region, tmp_path: Path, tracker) -> None:
    rows = [["乡镇", "村名"], ["城关镇", "丁村"]]
    result = tracker("import", write_csv(tmp_path / "v_2017-10-20.csv", rows), "--json")
    assert result.code == 1
    assert "县" in result.json()["errors"][0]["reason"]


def test_a_county_scoped_reader_sees_only_its_county(region, data_dir: Path) -> None:
    reader = Reader(data_dir, {"county": ["保德县"]})
    rows = reader.cursor().execute("SELECT DISTINCT county FROM villages").fetchall()
    assert rows == [("保德县",)]
    hostile = Reader(data_dir, {"county": ["' OR 1=1 --"]})
    assert hostile.cursor().execute("SELECT count(*) FROM villages").fetchall() == [(0,)]
