"""A damaged store: said clearly (naming the file) on the dashboard and by `check`, and restorable."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import page_text, run_module
from tracker.contract.paths import SAMPLE_DIR
from tracker.store import queries


@pytest.fixture
def store(sample_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(sample_store, copy)
    return copy


def _households_file(store: Path) -> Path:
    manifest = json.loads((store / "manifest.json").read_text())
    return store / manifest["snapshots"]["households"]["2017-10-13"]


def test_a_damaged_snapshot_is_named_and_restored_by_reimporting_its_week(store: Path, open_page) -> None:
    damaged = _households_file(store)
    damaged.write_bytes(damaged.read_bytes()[:200])
    check = run_module("--data-dir", store, "check")
    assert check.returncode == 1
    assert str(damaged) in check.stderr and "已损坏" in check.stderr and "2017-10-13" in check.stderr
    at = open_page(store=store)
    text = page_text(at)
    # The damaged store is named, with where to read how to mend it (a page has no command lines).
    assert "数据存储有问题" in text and "数据存储损坏时" in text
    assert "程序的问题" not in text
    week = SAMPLE_DIR / "weekly" / "2017-10-13" / "搬迁户台账_2017-10-13.xlsx"
    assert run_module("--data-dir", store, "import", week).returncode == 0
    assert run_module("--data-dir", store, "check").returncode == 0
    assert ">189 户<" in page_text(open_page(store=store))


def test_a_damaged_manifest_is_repaired_from_its_backup(store: Path) -> None:
    (store / "manifest.json").write_text("{ half a manifest")
    broken = run_module("--data-dir", store, "sql", "SELECT count(*) AS n FROM villages")
    assert broken.returncode == 2 and "manifest.json" in broken.stderr and "--repair" in broken.stderr
    repaired = run_module("--data-dir", store, "check", "--repair")
    assert repaired.returncode == 0, repaired.stderr
    assert "已从备份恢复" in repaired.stdout
    ok = run_module(
        "--data-dir",
        store,
        "sql",
        "SELECT count(*) AS n FROM villages WHERE as_of = DATE '2017-10-13'",
        "--format",
        "json",
    )
    assert json.loads(ok.stdout) == [{"n": 340}]


def test_a_query_that_fails_is_a_bug_report_naming_it_not_a_damaged_store(
    store: Path, open_page, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A bug put into the overview's named query (a column that is not there): the store is whole.
    series = queries.get("indicator_series")
    broken = dataclasses.replace(series, sql=series.sql.replace("relocation_status", "relocation_stat", 1))
    monkeypatch.setitem(queries.catalogue(), "indicator_series", broken)
    text = page_text(open_page(store=store))
    assert "查询“indicator_series”运行失败" in text and "报告给系统维护人员" in text
    assert "数据存储有问题" not in text and "重新导入" not in text and "tracker check" not in text
    assert run_module("--data-dir", store, "check").returncode == 0
