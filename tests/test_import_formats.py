"""Every form of export the contract lists imports with the right numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.exports import id_number, write_csv, write_xls, write_xlsx

HEADER = [
    "序号",
    "户编号",
    "户主姓名",
    "户主身份证号",
    "乡镇",
    "迁出村",
    "搬迁批次",
    "人口数",
    "安置方式",
    "入住日期",
    "备注",
]
ROWS = [
    [
        1,
        "1409302080010001",
        "张海根",
        id_number("14093019620315123"),
        "赵家沟乡",
        "葫芦山村",
        "第二批",
        "3",
        "县城集中安置",
        "2017-09-02",
        "",
    ],
    [
        2,
        "1409302080010002",
        "李引师",
        id_number("14093019400101551"),
        "赵家沟",
        "葫芦山村",
        "第二批",
        "1",
        "邻村就近",
        "",
        "独居",
    ],
    [
        3,
        "0409302080010003",
        "王二",
        id_number("14093019800808002"),
        "巡镇",
        "下榆皮洼村",
        "第一批",
        "4",
        "外县安置",
        "2017-06-01",
        "",
    ],
]


def _households(tracker, as_of: str = "2017-10-13") -> list[dict]:
    result = tracker(
        "sql",
        "SELECT household_id, township, village, relocation_batch, people, resettlement_mode, moved_on, "
        f"head_name_masked FROM households WHERE as_of = DATE '{as_of}' ORDER BY household_id",
        "--format",
        "json",
    )
    assert result.code == 0, result.err
    return result.json()


def _assert_the_three_households(rows: list[dict]) -> None:
    assert [r["household_id"] for r in rows] == ["0409302080010003", "1409302080010001", "1409302080010002"]
    assert [r["people"] for r in rows] == [4, 3, 1]
    assert [r["township"] for r in rows] == ["巡镇镇", "赵家沟乡", "赵家沟乡"]
    assert [r["relocation_batch"] for r in rows] == [1, 2, 2]
    assert rows[2]["resettlement_mode"] == "邻村就近安置"
    assert rows[0]["moved_on"] == "2017-06-01" and rows[2]["moved_on"] is None
    assert rows[1]["head_name_masked"] == "张*根"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_imports_the_same_households(tmp_path: Path, tracker, encoding: str) -> None:
    path = write_csv(tmp_path / "搬迁户台账_2017-10-13.csv", [HEADER, *ROWS], encoding)
    result = tracker("import", path)
    assert result.code == 0, result.err
    _assert_the_three_households(_households(tracker))


def test_xlsx_with_title_row_and_merged_two_row_header(tmp_path: Path, tracker) -> None:
    title = ["河曲县整村搬迁户台账（截至2017年10月13日）"] + [None] * 9
    parents = ["户编号", "户主", None, "乡镇", "迁出村", "搬迁批次", "人口数", "安置方式", "入住日期", "备注"]
    children = [None, "姓名", "身份证号", None, None, None, None, None, None, None]
    body = [r[1:] for r in ROWS]
    merges = ["A1:J1", "B2:C2", "A2:A3", "D2:D3", "E2:E3", "F2:F3", "G2:G3", "H2:H3", "I2:I3", "J2:J3"]
    path = write_xlsx(tmp_path / "households.xlsx", [title, parents, children, *body], merges, sheet="搬迁户")
    result = tracker("import", path)  # the day comes from the title row
    assert result.code == 0, result.err
    _assert_the_three_households(_households(tracker))


def test_two_row_header_in_csv_without_merge_information(tmp_path: Path, tracker) -> None:
    rows = [
        ["乡镇", "村名", "计划搬迁", "", "搬迁批次", "搬迁进度"],
        ["", "", "户数", "人数", "", ""],
        ["巡镇镇", "下榆皮洼村", "16", "40", "第一批", "已销号"],
    ]
    result = tracker("import", write_csv(tmp_path / "村级台账2017-10-13.csv", rows), "--json")
    assert result.code == 0, result.out
    got = tracker("sql", "SELECT planned_households, planned_people FROM villages", "--format", "json").json()
    assert got == [{"planned_households": 16, "planned_people": 40}]


def test_legacy_xls_imports(tmp_path: Path, tracker) -> None:
    path = write_xls(tmp_path / "old.xls", [HEADER, *ROWS])
    result = tracker("import", path, "--as-of", "2017-10-13")
    assert result.code == 0, result.err
    _assert_the_three_households(_households(tracker))


def test_total_rows_are_dropped_and_reported(tmp_path: Path, tracker) -> None:
    rows = [
        HEADER,
        *ROWS,
        ["", "", "", "", "赵家沟乡小计", "", "", "4", "", "", ""],
        ["合  计", "", "", "", "", "", "", "8"],
    ]
    result = tracker("import", write_csv(tmp_path / "h_2017-10-13.csv", rows), "--json")
    assert result.code == 0, result.out
    summary = result.json()
    assert summary["files"][0]["rows_accepted"] == 3
    assert summary["files"][0]["rows_totals_dropped"] == 2
    total = tracker("sql", "SELECT sum(people) AS people FROM households", "--format", "json").json()
    assert total == [{"people": 8}]


def test_unknown_columns_are_ignored_and_reported(tmp_path: Path, tracker) -> None:
    result = tracker("import", write_csv(tmp_path / "h_2017-10-13.csv", [HEADER, *ROWS]), "--json")
    assert result.code == 0
    assert set(result.json()["files"][0]["unknown_columns"]) == {"序号", "备注"}


def test_full_width_digits_units_and_separators(tmp_path: Path, tracker) -> None:
    rows = [
        [
            "乡镇",
            "村名",
            "搬迁批次",
            "搬迁进度",
            "计划搬迁户数",
            "计划搬迁人数",
            "集体经济收入（万元）",
            "光伏电站(kW)",
            "党员数",
        ],
        ["巡镇", "下榆皮洼村", "第一批", "已销号", "１６户", " 40人 ", "0", "200kW", "9"],
        ["赵家沟乡", "枪佛也村", "", "", "", "", "1,050", "", "１２　"],
        ["沙坪乡", "张家也村", "1", "已搬迁", "20", "45", "3,500元", "", ""],
    ]
    assert tracker("import", write_csv(tmp_path / "v.csv", rows, "gbk"), "--as-of", "2017-10-13").code == 0
    got = tracker(
        "sql",
        "SELECT village, planned_households, planned_people, collective_income_10k, pv_kw, party_members "
        "FROM villages ORDER BY village",
        "--format",
        "json",
    ).json()
    by_village = {r["village"]: r for r in got}
    assert by_village["下榆皮洼村"]["planned_households"] == 16
    assert by_village["下榆皮洼村"]["planned_people"] == 40
    assert by_village["下榆皮洼村"]["pv_kw"] == 200
    assert by_village["枪佛也村"]["collective_income_10k"] == 1050
    assert by_village["枪佛也村"]["party_members"] == 12
    assert by_village["张家也村"]["collective_income_10k"] == pytest.approx(0.35)


@pytest.mark.parametrize(
    "written",
    ["2017-06-28", "2017/6/28", "2017.06.28", "2017年6月28日", "20170628", "42914"],
)
def test_every_date_form(tmp_path: Path, tracker, written: str) -> None:
    rows = [
        ["乡镇", "村名", "搬迁批次", "搬迁进度", "搬迁完成日期"],
        ["赵家沟乡", "葫芦山村", "第一批", "已搬迁", written],
    ]
    assert tracker("import", write_csv(tmp_path / "v_2017-10-13.csv", rows)).code == 0
    got = tracker("sql", "SELECT completed_on FROM villages", "--format", "json").json()
    assert got == [{"completed_on": "2017-06-28"}]


def test_real_excel_dates_in_xlsx(tmp_path: Path, tracker) -> None:
    rows = [
        ["乡镇", "村名", "搬迁批次", "搬迁进度", "搬迁完成日期"],
        ["赵家沟乡", "葫芦山村", "第一批", "已搬迁", dt.date(2017, 6, 28)],
    ]
    assert tracker("import", write_xlsx(tmp_path / "v.xlsx", rows), "--as-of", "2017-10-13").code == 0
    assert tracker("sql", "SELECT completed_on FROM villages", "--format", "json").json() == [
        {"completed_on": "2017-06-28"}
    ]


@pytest.mark.parametrize(
    ("yes", "no"),
    [("是", "否"), ("有", "无"), ("已", "未"), ("√", "×"), ("Y", "N"), ("1", "0"), ("已迁移", "未迁移")],
)
def test_every_boolean_form(tmp_path: Path, tracker, yes: str, no: str) -> None:
    rows = [["乡镇", "村名", "户籍已迁移"], ["赵家沟乡", "甲村", yes], ["赵家沟乡", "乙村", no]]
    assert tracker("import", write_csv(tmp_path / "v_2017-10-13.csv", rows)).code == 0
    got = tracker(
        "sql", "SELECT village, hukou_transferred FROM villages ORDER BY village", "--format", "json"
    ).json()
    assert got == [
        {"village": "乙村", "hukou_transferred": False},
        {"village": "甲村", "hukou_transferred": True},
    ]


def test_township_aliases_and_codes_map_to_official_names(tmp_path: Path, tracker) -> None:
    rows = [["乡镇", "村名"], ["巡镇", "甲村"], ["140930208", "乙村"], [" 赵家沟乡 ", "丙村"]]
    assert tracker("import", write_csv(tmp_path / "v_2017-10-13.csv", rows)).code == 0
    got = tracker("sql", "SELECT village, township FROM villages", "--format", "json").json()
    assert {r["village"]: r["township"] for r in got} == {
        "甲村": "巡镇镇",
        "乙村": "赵家沟乡",
        "丙村": "赵家沟乡",
    }


def test_snapshot_day_from_as_of_flag_beats_title_and_file_name(tmp_path: Path, tracker) -> None:
    rows = [["河曲县村级台账（截至2017年10月13日）"], ["乡镇", "村名"], ["巡镇", "甲村"]]
    path = write_csv(tmp_path / "村级台账_2017-10-06.csv", rows)
    assert tracker("import", path).code == 0
    assert tracker("import", path, "--as-of", "2017-09-29").code == 0
    days = tracker("sql", "SELECT DISTINCT as_of FROM villages ORDER BY 1", "--format", "json").json()
    assert days == [{"as_of": "2017-09-29"}, {"as_of": "2017-10-13"}]


def test_national_system_export_keeps_one_row_per_household(tmp_path: Path, tracker) -> None:
    header = [
        "县(市、区、旗)",
        "乡(镇)",
        "行政村",
        "自然村",
        "户编号",
        "姓名",
        "证件号码",
        "人数",
        "与户主关系",
    ]
    rows = [
        header,
        [
            "河曲县",
            "赵家沟乡",
            "葫芦山村",
            "后沟",
            "1409302080010001",
            "张海根",
            id_number("14093019620315123"),
            "3",
            "户主",
        ],
        [
            "河曲县",
            "赵家沟乡",
            "葫芦山村",
            "后沟",
            "1409302080010001",
            "李秀英",
            id_number("14093019650712124"),
            "3",
            "配偶",
        ],
        [
            "河曲县",
            "赵家沟乡",
            "葫芦山村",
            "后沟",
            "1409302080010001",
            "张小军",
            id_number("14093019900101125"),
            "3",
            "之子",
        ],
    ]
    result = tracker("import", write_csv(tmp_path / "贫困户_20171013.csv", rows, "gbk"), "--json")
    assert result.code == 0, result.out
    assert result.json()["files"][0]["rows_members_dropped"] == 2
    got = tracker(
        "sql", "SELECT household_id, people, head_name_masked FROM households", "--format", "json"
    ).json()
    assert got == [{"household_id": "1409302080010001", "people": 3, "head_name_masked": "张*根"}]


def test_a_folder_imports_every_export_in_it(tmp_path: Path, tracker) -> None:
    folder = tmp_path / "week"
    folder.mkdir()
    write_csv(folder / "households_2017-10-13.csv", [HEADER, *ROWS])
    write_csv(folder / "villages_2017-10-13.csv", [["乡镇", "村名"], ["巡镇", "下榆皮洼村"]], "gbk")
    result = tracker("import", folder, "--json")
    assert result.code == 0, result.out
    assert sorted(f["table"] for f in result.json()["files"]) == ["households", "villages"]


def test_a_township_cell_merged_down_over_its_villages_applies_to_each(tmp_path: Path, tracker) -> None:
    rows = [
        ["河曲县村级台账（截至2017年10月13日）", None, None],
        ["乡镇", "村名", "集体经济收入（万元）"],
        ["赵家沟乡", "葫芦山村", 0],
        [None, "枪佛也村", 1.5],
        [None, "后沟村", 2],
        ["巡镇镇", "上榆皮洼村", 3],
    ]
    path = write_xlsx(tmp_path / "v.xlsx", rows, merges=["A1:C1", "A3:A5"])
    assert tracker("import", path).code == 0
    got = tracker("sql", "SELECT village, township FROM villages", "--format", "json").json()
    assert {r["village"]: r["township"] for r in got} == {
        "葫芦山村": "赵家沟乡",
        "枪佛也村": "赵家沟乡",
        "后沟村": "赵家沟乡",
        "上榆皮洼村": "巡镇镇",
    }


def test_a_long_import_reports_its_progress_in_plain_lines_when_not_a_terminal(tmp_path: Path) -> None:
    from tests.conftest import run_module

    folder = tmp_path / "week"
    folder.mkdir()
    write_csv(folder / "households_2017-10-13.csv", [HEADER, *ROWS])
    write_csv(folder / "villages_2017-10-13.csv", [["乡镇", "村名"], ["巡镇", "下榆皮洼村"]], "gbk")
    done = run_module("--data-dir", tmp_path / "store", "import", folder)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert "[1/2] households_2017-10-13.csv：已检查 3 行" in lines
    assert "[2/2] villages_2017-10-13.csv：已检查 1 行" in lines
    assert lines[-1] == "[2/2] 写入数据存储"
    assert "\r" not in done.stderr  # no progress-bar redraws in a log file
