"""The import-time summaries and the reader's snapshot days: they agree with the ledgers, an old store
without them reads the same, and a scoped reader sees only its own rows through them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.exports import write_csv
from tracker.contract import schema
from tracker.store import queries, summaries
from tracker.store.commit import write_missing_summaries
from tracker.store.manifest import MANIFEST, read_manifest
from tracker.store.reader import Reader

LAST = dt.date(2017, 10, 13)


def _page_queries() -> list[tuple[str, dict]]:
    """Every store query with the parameters the pages give it (whole county and one township)."""
    base = {
        "as_of": LAST,
        "batch": None,
        "village_township": "赵家沟乡",
        "village": "",
        "by_county": False,
    }
    calls = []
    for name, query in sorted(queries.catalogue().items()):
        for township in ([], ["赵家沟乡"]):
            calls.append(
                (name, {k: v for k, v in (base | {"township": township}).items() if k in query.params})
            )
    return calls


def _results(data_dir: Path) -> dict[str, pd.DataFrame]:
    cursor = Reader(data_dir).cursor()
    return {
        f"{name} {params.get('township')}": queries.run(cursor, name, **params)
        for name, params in _page_queries()
    }


def _assert_same(got: dict[str, pd.DataFrame], expected: dict[str, pd.DataFrame]) -> None:
    assert got.keys() == expected.keys()
    for key, frame in expected.items():
        pd.testing.assert_frame_equal(got[key], frame, obj=key)


def _without_summaries(source: Path, target: Path) -> Path:
    """A copy of the store as an import before the summaries wrote it (no summary in the manifest)."""
    shutil.copytree(source, target)
    manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    for name in summaries.SUMMARIES:
        manifest["snapshots"].pop(name, None)
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return target


def test_each_summary_counts_the_rows_of_its_ledger(sample_store: Path) -> None:
    cursor = Reader(sample_store).cursor()
    for ledger, (summary, column) in summaries.ROW_COUNTS.items():
        counted = cursor.execute(f"SELECT as_of, count(*) FROM {ledger} GROUP BY ALL ORDER BY ALL").fetchall()
        summed = cursor.execute(
            f"SELECT as_of, sum({column})::BIGINT FROM {summary} GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        assert counted and summed == counted, ledger


def test_an_import_writes_every_summary_of_every_ledger_snapshot(sample_store: Path) -> None:
    snapshots = read_manifest(sample_store)["snapshots"]
    for name, derived in summaries.SUMMARIES.items():
        assert snapshots[name].keys() == snapshots[derived.source].keys(), name
    assert write_missing_summaries(sample_store) == []


def test_snapshot_days_are_the_days_each_ledger_has_rows(sample_store: Path) -> None:
    reader = Reader(sample_store)
    cursor = reader.cursor()
    for table in schema.TABLES:
        days = cursor.execute(
            "SELECT as_of FROM snapshot_days WHERE table_name = $t ORDER BY as_of", {"t": table}
        ).fetchall()
        assert [d for (d,) in days] == reader.snapshot_days(table), table


def test_a_store_written_before_the_summaries_reads_the_same(sample_store: Path, tmp_path: Path) -> None:
    old = _without_summaries(sample_store, tmp_path / "old")
    _assert_same(_results(old), _results(sample_store))


def test_check_repair_writes_the_summaries_an_old_store_lacks(
    sample_store: Path, tmp_path: Path, tracker
) -> None:
    old = _without_summaries(sample_store, tmp_path / "store")
    result = tracker("check", "--repair")
    assert result.code == 0, result.err
    assert "汇总" in result.out
    manifest = read_manifest(old)
    for name, derived in summaries.SUMMARIES.items():
        assert manifest["snapshots"][name].keys() == manifest["snapshots"][derived.source].keys(), name
    assert write_missing_summaries(old) == []  # nothing left to write
    _assert_same(_results(old), _results(sample_store))


REGION = """
name = "忻州市"
province = "山西省"
[[counties]]
name = "河曲县"
code = "140930"
townships = [{ name = "城关镇", code = "140930100" }]
[[counties]]
name = "保德县"
code = "140931"
townships = [{ name = "城关镇", code = "140931100" }]
"""


@pytest.fixture
def two_counties(tmp_path: Path, tracker, data_dir: Path) -> Path:
    """Two counties on 2017-10-13; on 2017-10-20 only 河曲县 sent its village ledger."""
    config = tmp_path / "region.toml"
    config.write_text(REGION, encoding="utf-8")
    head = ["县", "乡镇", "村名", "集体经济收入（万元）", "搬迁批次", "搬迁进度"]
    first = [
        head,
        ["河曲县", "城关镇", "甲村", "1", "1", "已搬迁"],
        ["保德县", "城关镇", "乙村", "0", "2", "搬迁中"],
    ]
    later = [head, ["河曲县", "城关镇", "甲村", "2", "1", "已搬迁"]]
    for name, rows in (("村级台账_2017-10-13.csv", first), ("村级台账_2017-10-20.csv", later)):
        result = tracker("import", config, write_csv(tmp_path / name, rows), "--json")
        assert result.code == 0, result.out
    return data_dir


def test_a_scoped_reader_sees_only_its_county_in_summaries_and_snapshot_days(two_counties: Path) -> None:
    cursor = Reader(two_counties, {"county": ["保德县"]}).cursor()
    for name in summaries.SUMMARIES:
        counties = cursor.execute(f"SELECT DISTINCT county FROM {name}").fetchall()
        assert counties in ([], [("保德县",)]), name
    assert cursor.execute("SELECT DISTINCT relocation_batch FROM village_summary").fetchall() == [(2,)]
    days = cursor.execute("SELECT as_of FROM snapshot_days WHERE table_name = 'villages'").fetchall()
    # 河曲县's file of 2017-10-20 covers only 河曲县: 保德县's rows are kept, from their own day
    assert sorted(days) == [(dt.date(2017, 10, 13),), (dt.date(2017, 10, 20),)]
    kept = cursor.execute(
        "SELECT village, township_as_of FROM villages WHERE as_of = DATE '2017-10-20'"
    ).fetchall()
    assert kept == [("乙村", dt.date(2017, 10, 13))]
    shown = queries.run(cursor, "collective_zero_income_villages", as_of=dt.date(2017, 10, 20), township=[])
    assert shown["village"].tolist() == ["乙村"]
    assert queries.run(cursor, "batches")["relocation_batch"].tolist() == [2]


def test_a_scoped_reader_derives_an_old_stores_summaries_for_its_county_only(two_counties: Path) -> None:
    old = _without_summaries(two_counties, two_counties.parent / "old")
    cursor = Reader(old, {"county": ["河曲县"]}).cursor()
    for name in summaries.SUMMARIES:
        counties = cursor.execute(f"SELECT DISTINCT county FROM {name}").fetchall()
        assert counties in ([], [("河曲县",)]), name
    series = queries.run(cursor, "collective_series", as_of=dt.date(2017, 10, 20), township=[])
    assert series["villages"].tolist() == [1, 1]
