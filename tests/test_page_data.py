"""数据 in AppTest: upload with a checked preview, the import log, rejects, consistency checks, editable targets.

Tests that write work on a copy of the sample store, never on the session's.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ALL_PAGES, open_tab, page_text
from tracker.contract.paths import SAMPLE_DIR
from tracker.ingest.importer import expand_paths, import_uploads
from tracker.ingest.upload_review import targets_csv, targets_for_editing
from tracker.store import queries
from tracker.store.manifest import read_manifest
from tracker.store.reader import Reader

PAGE = "app_pages/data.py"
FUNDS_HEADER = "资金来源,金额（万元）,乡镇,村名,拨付日期,用途\n"
# 文笔镇 has no allocation in the sample: a file of its own adds to the week's funds.
GOOD_FUNDS = (
    FUNDS_HEADER
    + "财政专项资金,1234.56,文笔镇,城关村,2017-10-19,测试拨付\n基础设施补助,100,文笔镇,,2017-10-18,测试\n"
)
BAD_FUNDS = (
    FUNDS_HEADER
    + "财政专项资金,12.5,文笔镇,,2017-10-19,有效行\n"
    + "财政专项资金,十二,文笔镇,,2017-10-19,金额错\n"
    + "基础设施补助,10,不存在乡,,2017-10-19,乡镇错\n"
)


def _sample_funds_total() -> float:
    """The 2017-10-13 funds ledger's total, read from the sample file itself."""
    with open(
        SAMPLE_DIR / "weekly" / "2017-10-13" / "资金台账_2017-10-13.csv", encoding="utf-8-sig"
    ) as handle:
        return sum(float(row["金额（万元）"]) for row in csv.DictReader(handle))


@pytest.fixture
def store_copy(sample_store: Path, tmp_path: Path) -> Path:
    """A private copy of the sample store, for tests that import."""
    copy = tmp_path / "s"
    shutil.copytree(sample_store, copy)
    return copy


# The tab that holds each table, by its first column.
TABS = {"导入时间": "导入记录", "台账": "导入记录", "文件": "上传台账", "乡镇": "一致性检查"}


def _table(at, first_column: str):
    open_tab(at, TABS[first_column])
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_column)


def _upload(at, name: str, text: str):
    at.file_uploader[0].set_value((name, text.encode("utf-8"), "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _funds_total(data_dir: Path, day: dt.date) -> float:
    reader = Reader(data_dir)
    return queries.run(reader.cursor(), "funds_summary", as_of=day, township=[]).iloc[0]["amount_10k"]


def test_the_import_log_lists_every_sample_file(open_page) -> None:
    at = open_page(PAGE)
    log = _table(at, "导入时间")
    files, _ = expand_paths([SAMPLE_DIR])
    exports = {p.name for p in files if p.suffix != ".toml"}
    assert exports <= set(log["文件"])
    assert {"村级台账", "搬迁户台账", "党组织台账", "资金台账", "目标任务"} <= set(log["台账"])
    text = page_text(at)
    assert "没有被拒绝的行" in text
    text = page_text(open_tab(at, "一致性检查"))
    assert "村级台账标为已搬迁、但搬迁户尚未入住：未发现问题" in text
    assert "搬迁户所在村不在村级台账中：未发现问题" in text


def test_a_bad_upload_shows_its_row_errors_and_changes_nothing(open_page, store_copy: Path) -> None:
    before = read_manifest(store_copy)
    at = _upload(open_page(PAGE, store=store_copy), "资金台账_2017-10-20.csv", BAD_FUNDS)
    errors = next(d.value for d in at.dataframe if list(d.value.columns)[:3] == ["文件", "工作表", "行"])
    assert list(errors.columns) == ["文件", "工作表", "行", "列", "值", "原因"]
    assert sorted(errors["行"]) == [3, 4]
    assert set(errors["列"]) == {"金额（万元）", "乡镇"}
    assert "不存在乡" in set(errors["值"])
    preview = _table(at, "文件")
    assert preview.iloc[0]["台账"] == "资金台账" and preview.iloc[0]["数据截至"] == "2017年10月20日"
    assert "2 条行错误" in page_text(at)
    assert not [b for b in at.button if b.key == "upload_confirm"]
    assert read_manifest(store_copy) == before


def test_valid_rows_only_lands_them_and_keeps_the_rejects(open_page, store_copy: Path) -> None:
    at = _upload(open_page(PAGE, store=store_copy), "资金台账_2017-10-20.csv", BAD_FUNDS)
    at.checkbox(key="upload_allow_rejects").check().run()
    at.button(key="upload_confirm").click().run()
    assert not at.exception
    assert "导入完成" in page_text(at)
    # 文笔镇's valid row joins the other townships' allocations, kept from 2017-10-13
    assert _funds_total(store_copy, dt.date(2017, 10, 20)) == pytest.approx(_sample_funds_total() + 12.5)
    rejects = _table(at, "台账")
    assert set(rejects["文件"]) == {"资金台账_2017-10-20.csv"} and sorted(rejects["行"]) == [3, 4]


def test_a_good_upload_lands_and_every_page_shows_it(open_page, store_copy: Path) -> None:
    at = _upload(open_page(PAGE, store=store_copy), "资金台账_2017-10-20.csv", GOOD_FUNDS)
    assert "检查通过" in page_text(at)
    # The preview wrote nothing.
    assert Reader(store_copy).snapshot_days("funds")[-1] == dt.date(2017, 10, 13)
    at.button(key="upload_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    # The sidebar follows the newest snapshot, so the page moves to the new day at once.
    assert "导入完成" in page_text(at) and "各页已显示新数据" in page_text(at)
    assert "数据截至 2017年10月20日" in page_text(at)
    assert "资金台账_2017-10-20.csv" in set(_table(at, "导入时间")["文件"])
    total = _sample_funds_total() + 1334.56
    assert _funds_total(store_copy, dt.date(2017, 10, 20)) == pytest.approx(total)
    # The new day is now the latest snapshot: every page opened afresh shows it.
    assert len(ALL_PAGES) >= 6  # found on disk: a page added later is covered too
    for path in ALL_PAGES:
        opened = open_page(path, store=store_copy)
        assert "数据截至 2017年10月20日" in page_text(opened), path
    funds = open_page("app_pages/funds.py", store=store_copy)
    assert f">{total:,.2f} 万元<" in "\n".join(h.proto.body for h in funds.get("html"))
    overview = "\n".join(h.proto.body for h in open_page(store=store_copy).get("html"))
    assert (
        f'整合资金（万元）</div><div class="value">{total:,.2f} 万元<' in overview
    )  # the 10-20 snapshot's total


def test_a_county_configuration_alone_can_be_imported(open_page, store_copy: Path) -> None:
    at = open_page(PAGE, store=store_copy)
    at.file_uploader[0].set_value(
        ("county.toml", (SAMPLE_DIR / "county.toml").read_bytes(), "application/toml")
    )
    at.run()
    assert "县配置文件检查通过" in page_text(at)
    at.button(key="upload_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "县配置已更新" in page_text(at)
    stored = json.loads((store_copy / "manifest.json").read_text())["county_config"]
    assert (store_copy / stored).read_bytes() == (SAMPLE_DIR / "county.toml").read_bytes()


def test_editing_a_target_and_saving_changes_it_in_the_store(open_page, store_copy: Path) -> None:
    at = open_page(PAGE, store=store_copy, tab="目标任务")
    editor = at.data_editor[0]
    rows = editor.value
    row = int(rows.index[rows["指标"] == "整合资金（万元）"][0])
    at.session_state[editor.key] = {
        "edited_rows": {row: {"目标值": 9000}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="targets_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "目标任务已保存" in page_text(at)
    fresh = Reader(store_copy)  # a reader of its own, as another process would see the store
    latest = fresh.snapshot_days("funds")[-1]
    targets = queries.run(fresh.cursor(), "targets_in_force", as_of=latest)
    assert len(targets) == len(rows)
    funds = targets[targets["indicator"] == "funds_10k"].iloc[0]
    assert funds["target"] == 9000
    # Earlier weeks keep the targets they had.
    earlier = queries.run(fresh.cursor(), "targets_in_force", as_of=dt.date(2017, 6, 2))
    assert earlier[earlier["indicator"] == "funds_10k"].iloc[0]["target"] == 8000


def test_an_invalid_target_is_refused_and_changes_nothing(open_page, store_copy: Path) -> None:
    before = read_manifest(store_copy)
    at = open_page(PAGE, store=store_copy, tab="目标任务")
    editor = at.data_editor[0]
    at.session_state[editor.key] = {"edited_rows": {0: {"批次": 0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="targets_save").click().run()
    assert "未做任何更改" in page_text(at)
    assert read_manifest(store_copy) == before


def test_consistency_checks_find_contradicting_ledgers(open_page, tmp_path: Path) -> None:
    villages = "乡镇,村名,搬迁批次,搬迁进度\n赵家沟乡,葫芦山村,1,已搬迁\n赵家沟乡,前桥滩村,1,搬迁中\n"
    households = (
        "户编号,乡镇,迁出村,搬迁批次,人口数,入住日期\n"
        "H001,赵家沟乡,葫芦山村,1,3,2017-06-01\n"
        "H002,赵家沟乡,葫芦山村,1,4,\n"
        "H003,赵家沟乡,前桥滩村,1,2,\n"
        "H004,赵家沟乡,无此村,1,5,2017-06-01\n"
    )
    data_dir = tmp_path / "tiny"
    outcome = import_uploads(
        [("村级台账_2017-10-13.csv", villages.encode()), ("搬迁户台账_2017-10-13.csv", households.encode())],
        data_dir,
    )
    assert outcome.status == 0, outcome.errors
    at = open_page(PAGE, store=data_dir, tab="一致性检查")
    text = page_text(at)
    assert "村级台账标为已搬迁、但搬迁户尚未入住：1 处" in text
    assert "搬迁户所在村不在村级台账中：1 处" in text
    not_moved = _table(at, "乡镇")
    assert not_moved.iloc[0]["村名"] == "葫芦山村" and not_moved.iloc[0]["未入住户数"] == 1
    unknown = next(d.value for d in at.dataframe if "迁出村" in d.value.columns)
    assert list(unknown["迁出村"]) == ["无此村"] and unknown.iloc[0]["人数"] == 5
    # A township filter that excludes them shows none.
    text = page_text(open_page(PAGE, store=data_dir, township=["文笔镇"], tab="一致性检查"))
    assert "1 处" not in text


def test_an_empty_store_still_offers_the_upload(open_page, tmp_path: Path) -> None:
    at = open_page(PAGE, store=tmp_path / "empty")
    text = page_text(open_tab(at, "导入记录")) + page_text(open_tab(at, "一致性检查"))
    assert "尚无导入记录" in text and "尚无数据" in text
    open_tab(at, "上传台账")
    assert at.file_uploader[0].label == "选择要导入的台账导出文件"


def test_targets_round_trip_through_the_contracts_csv() -> None:
    import pandas as pd

    targets = pd.DataFrame(
        {
            "indicator": ["funds_10k", "villages_completed"],
            "relocation_batch": [None, 2],
            "township": [None, "赵家沟乡"],
            "target": [8000.0, 3.0],
            "due": [pd.Timestamp("2017-10-31"), None],
            "label": ["整合资金", None],
        }
    )
    text = targets_csv(targets_for_editing(targets)).decode()
    assert text.splitlines() == [
        "指标,批次,乡镇,目标值,完成时限,说明",
        "完成整村搬迁村数,2,赵家沟乡,3,,",  # in the dashboard's order of indicators
        "整合资金（万元）,,,8000,2017-10-31,整合资金",
    ]


@pytest.mark.browser
def test_the_report_button_makes_the_weeks_files_to_download(open_page, store_copy: Path) -> None:
    at = open_page(PAGE, store=store_copy, tab="周报")
    at.radio(key="report_scope").set_value("全县").run()
    at.button(key="report_make").click().run(timeout=300)
    assert not at.exception, [e.value for e in at.exception]
    assert "2017年第41周周报已生成：1 份（摘要图、打印版、可编辑版）" in page_text(at)
    folder = store_copy / "reports"
    names = {p.name for p in folder.glob("2017-W41_县_*")}
    assert names == {"2017-W41_县_周报摘要.png", "2017-W41_县_周报.pdf", "2017-W41_县_周报.docx"}
    labels = {b.label for b in at.get("download_button")}
    assert {"下载摘要图", "下载打印版周报", "下载可编辑周报", "下载全部（压缩包）"} <= labels
    assert "report_push" not in {b.key for b in at.button}, (
        "only a clerk may push (demo mode is a county user)"
    )


def test_the_report_button_without_chromium_says_so_in_chinese(
    open_page, store_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_CHROMIUM", str(tmp_path / "no-such-chromium"))
    at = open_page(PAGE, store=store_copy, tab="周报")
    at.button(key="report_make").click().run(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    assert "周报生成失败" in errors and "找不到 Chromium" in errors
    assert not (store_copy / "reports").exists() or not any((store_copy / "reports").glob("*.png"))
