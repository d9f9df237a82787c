"""Importing the 包保责任台账: told by its headers or by --table, checked row by row and against the
village and party ledgers in force on its day, replacing only the townships it covers, guarded
against shrinking, and read by `sql` with officials' names in full.

Expected figures are the rows these tests write (or the sample's own files, counted here).
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import run_module
from tests.exports import write_csv
from tracker import access
from tracker.contract.paths import SAMPLE_DIR

HEADER = [
    "乡镇",
    "村名",
    "党组织名称",
    "包保县级领导",
    "职务",
    "牵头部门",
    "工作专班负责人",
    "保障经费（万元）",
    "计划动员完成",
    "计划开始搬迁",
    "计划搬迁完成",
    "计划拆除复垦完成",
    "计划整顿完成",
]
VILLAGES = [
    ["乡镇", "村名", "搬迁批次", "搬迁进度"],
    ["赵家沟乡", "葫芦山村", "第二批", "动员中"],
    ["赵家沟乡", "枪佛也村", "第一批", "已拆除复垦"],
    ["沙坪乡", "张家也村", "第一批", "已销号"],
    ["沙坪乡", "大石沟村", "", ""],
]
ORGS = [
    ["乡镇", "党组织名称", "软弱涣散", "整顿状态"],
    ["沙坪乡", "大石沟村党支部", "是", "整顿中"],
    ["赵家沟乡", "小窑营村党支部", "是", "未整顿"],
    ["沙坪乡", "小石沟村党支部", "否", ""],
]


SECOND = ("2017-07-31", "2017-08-20", "2017-10-31", "2017-12-20")  # the 倒排工期 of a second-batch village
FIRST = ("2017-04-25", "2017-05-10", "2017-06-30", "2017-09-30")


def village_row(
    township: str, village: str, leader: str = "王伟", dates: tuple[str, ...] = SECOND
) -> list[str]:
    return [township, village, "", leader, "副县长", "县住建局", "李强", "20", *dates, ""]


def org_row(township: str, org: str, leader: str = "赵磊", due: str = "2017-11-30") -> list[str]:
    return [township, "", org, leader, "县人大常委会副主任", "县委组织部", "刘敏", "3", "", "", "", "", due]


GOOD = [
    village_row("赵家沟乡", "葫芦山村"),
    village_row("赵家沟乡", "枪佛也村", dates=FIRST),
    village_row("沙坪乡", "张家也村", leader="刘涛", dates=FIRST),
    org_row("沙坪乡", "大石沟村党支部"),
    org_row("赵家沟乡", "小窑营村党支部"),
]


@pytest.fixture
def ledgers(tracker, tmp_path: Path):
    """A store with a village and a party ledger of 2017-10-13 (and nothing else)."""
    week = tmp_path / "week"
    week.mkdir()
    write_csv(week / "村级台账_2017-10-13.csv", VILLAGES)
    write_csv(week / "党组织台账_2017-10-13.csv", ORGS)
    assert tracker("import", week).code == 0
    return tracker


def _sql(tracker, query: str) -> list[dict]:
    done = tracker("sql", query, "--format", "json")
    assert done.code == 0, done.err
    return done.json()


def _count(tracker, day: str = "2017-10-13") -> int:
    return _sql(tracker, f"SELECT count(*) AS n FROM responsibilities WHERE as_of = DATE '{day}'")[0]["n"]


def test_a_good_ledger_is_told_by_its_headers_and_lands_with_names_in_full(ledgers, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "包保责任台账_2017-10-13.csv", [HEADER, *GOOD], "gbk")
    done = ledgers("import", path)
    assert done.code == 0, done.out + done.err
    assert "→ 包保责任台账（按表头识别：乡镇、村名、党组织名称、包保县级领导" in done.out
    rows = _sql(
        ledgers,
        "SELECT township, village, org_name, leader, leader_title, funds_10k, plan_moved_on, plan_rectified_on "
        "FROM responsibilities ORDER BY township, village NULLS LAST, org_name",
    )
    assert rows[0] == {
        "township": "沙坪乡",
        "village": "张家也村",
        "org_name": None,
        "leader": "刘涛",
        "leader_title": "副县长",
        "funds_10k": 20.0,
        "plan_moved_on": "2017-06-30",
        "plan_rectified_on": None,
    }
    assert [(r["village"], r["org_name"]) for r in rows] == [
        ("张家也村", None),
        (None, "大石沟村党支部"),
        ("枪佛也村", None),
        ("葫芦山村", None),
        (None, "小窑营村党支部"),
    ]


def test_table_reads_a_file_as_the_ledger_and_refuses_one_without_its_columns(
    ledgers, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "包保_2017-10-13.csv", [HEADER, *GOOD])
    done = ledgers("import", path, "--table", "responsibilities")
    assert done.code == 0, done.out + done.err
    assert "包保责任台账（按指定的 --table responsibilities）" in done.out
    villages = write_csv(tmp_path / "村_2017-10-13.csv", VILLAGES)
    refused = ledgers("import", villages, "--table", "responsibilities")
    assert refused.code == 2
    assert "无法按包保责任台账导入" in refused.err and "缺少：包保县级领导" in refused.err


def test_an_unknown_village_or_organisation_is_a_row_error_naming_the_row(ledgers, tmp_path: Path) -> None:
    rows = [
        *GOOD,
        village_row("赵家沟乡", "不存在村"),  # row 7 (the header is row 1)
        village_row("赵家沟乡", "张家也村"),  # row 8: listed, but under 沙坪乡
        village_row("沙坪乡", "大石沟村"),  # row 9: a village, but no relocation village
        org_row("沙坪乡", "小石沟村党支部"),  # row 10: an organisation, but not a weak one
        org_row("沙坪乡", "无名党支部"),  # row 11
    ]
    path = write_csv(tmp_path / "包保责任台账_2017-10-13.csv", [HEADER, *rows])
    done = ledgers("import", path)
    assert done.code == 1
    errors = [line for line in done.err.splitlines() if line.startswith("行错误")]
    assert len(errors) == 5
    assert (
        "包保责任台账_2017-10-13.csv 第7行 “村名”列值“不存在村”：2017-10-13 的村级台账中没有该村（赵家沟乡）"
        in done.err
    )
    assert "第8行 “村名”列值“张家也村”：2017-10-13 的村级台账中赵家沟乡没有该村（列在沙坪乡）" in done.err
    assert "第9行 “村名”列值“大石沟村”：2017-10-13 的村级台账中该村未填搬迁批次，不是整村搬迁村" in done.err
    assert (
        "第10行 “党组织名称”列值“小石沟村党支部”：2017-10-13 的党组织台账中该党组织未标为软弱涣散" in done.err
    )
    assert "第11行 “党组织名称”列值“无名党支部”：2017-10-13 的党组织台账中没有该党组织（沙坪乡）" in done.err
    assert _count(ledgers) == 0  # nothing landed
    kept = ledgers("import", path, "--allow-rejects")
    assert kept.code == 0 and _count(ledgers) == len(GOOD)


def test_the_villages_checked_are_those_in_force_on_the_files_day(tracker, tmp_path: Path) -> None:
    """A village that lands in the same import is known; one that appears only in a later week's
    ledger is not yet; with no village ledger at all, the clerk is told to import one first."""
    plan = write_csv(tmp_path / "包保责任台账_2017-10-13.csv", [HEADER, village_row("赵家沟乡", "葫芦山村")])
    first = tracker("import", plan)
    assert first.code == 1 and "截至 2017-10-13 尚未导入村级台账，无法核对该村；请先导入村级台账" in first.err
    later = write_csv(tmp_path / "村级台账_2017-10-20.csv", VILLAGES)
    assert tracker("import", later).code == 0
    assert tracker("import", plan).code == 1  # the village ledger of 10-20 is not in force on 10-13
    together = write_csv(tmp_path / "村级台账_2017-10-13.csv", VILLAGES)
    done = tracker("import", together, plan)
    assert done.code == 0, done.err
    assert _count(tracker) == 1


def test_the_row_rules(ledgers, tmp_path: Path) -> None:
    both = [*village_row("赵家沟乡", "葫芦山村")]
    both[2] = "小窑营村党支部"
    reversed_dates = village_row("赵家沟乡", "葫芦山村")
    reversed_dates[9] = "2017-07-01"  # 计划开始搬迁 before 计划动员完成 (2017-07-31)
    org_with_move = org_row("沙坪乡", "大石沟村党支部")
    org_with_move[10] = "2017-10-31"
    no_date = village_row("沙坪乡", "张家也村", dates=("", "", "", ""))
    rows = [
        both,
        ["沙坪乡", "", "", "王伟", "", "", "", "", "", "", "", "", ""],
        reversed_dates,
        org_with_move,
        no_date,
    ]
    done = ledgers("import", write_csv(tmp_path / "包保责任台账_2017-10-13.csv", [HEADER, *rows]))
    assert done.code == 1
    assert "第2行 “村名”列值“葫芦山村 / 小窑营村党支部”：村名与党组织名称须填且只填一项" in done.err
    assert "第3行 “村名”列村名与党组织名称须填且只填一项" in done.err
    assert (
        "第4行 “计划开始搬迁”列值“2017-07-01”：早于“计划动员完成”（2017-07-31），倒排工期的顺序不对"
        in done.err
    )
    assert "第5行 “计划搬迁完成”列值“2017-10-31”：该列只适用于整村搬迁村" in done.err
    assert "第6行 “计划搬迁完成”列整村搬迁村须填计划搬迁完成日期" in done.err


def _one_township(ledgers, tmp_path: Path, rows: list[list[str]], name: str):
    return ledgers("import", write_csv(tmp_path / name, [HEADER, *rows]), "--json")


def test_a_townships_file_replaces_only_that_township(ledgers, tmp_path: Path) -> None:
    assert _one_township(ledgers, tmp_path, GOOD, "包保责任台账_2017-10-13.csv").code == 0
    shaping = [
        village_row("沙坪乡", "张家也村", leader="孙斌", dates=FIRST),
        org_row("沙坪乡", "大石沟村党支部"),
    ]
    done = _one_township(ledgers, tmp_path, shaping, "包保责任台账_沙坪乡_2017-10-20.csv")
    assert done.code == 0, done.out
    change = done.json()["changes"][0]
    assert change["table"] == "responsibilities" and change["scope"] == ["沙坪乡"]
    rows = _sql(
        ledgers,
        "SELECT township, leader, township_as_of FROM responsibilities WHERE as_of = DATE '2017-10-20' "
        "ORDER BY township, leader",
    )
    assert rows == [
        {"township": "沙坪乡", "leader": "孙斌", "township_as_of": "2017-10-20"},
        {"township": "沙坪乡", "leader": "赵磊", "township_as_of": "2017-10-20"},
        {"township": "赵家沟乡", "leader": "王伟", "township_as_of": "2017-10-13"},
        {"township": "赵家沟乡", "leader": "王伟", "township_as_of": "2017-10-13"},
        {"township": "赵家沟乡", "leader": "赵磊", "township_as_of": "2017-10-13"},
    ]


def test_the_shrink_guard_refuses_a_ledger_that_drops_most_rows(ledgers, tmp_path: Path) -> None:
    assert _one_township(ledgers, tmp_path, GOOD, "包保责任台账_2017-10-13.csv").code == 0
    rows = [
        village_row("赵家沟乡", "葫芦山村"),
        org_row("沙坪乡", "大石沟村党支部"),
    ]  # both townships, 2 of 5
    done = ledgers("import", write_csv(tmp_path / "包保责任台账_2017-10-20.csv", [HEADER, *rows]))
    assert done.code == 2
    assert "包保责任台账：上期 5 项包保责任，本次仅 2 项包保责任（减少 60.0%）" in done.err
    assert _count(ledgers, "2017-10-20") == 0
    assert ledgers("import", tmp_path / "包保责任台账_2017-10-20.csv", "--replace-all").code == 0
    assert _count(ledgers, "2017-10-20") == 2


def test_the_sample_ledger_counts_33_villages_and_36_organisations(sample_store: Path) -> None:
    done = run_module(
        "--data-dir",
        sample_store,
        "sql",
        "SELECT count(*) AS n, count(village) AS villages, count(org_name) AS orgs "
        "FROM responsibilities WHERE as_of = DATE '2017-10-13'",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"n": 69, "villages": 33, "orgs": 36}]
    # The sample's own file, read with openpyxl: 69 rows under a title and a two-row header.
    path = SAMPLE_DIR / "weekly" / "2017-10-13" / "包保责任台账_2017-10-13.xlsx"
    sheet = openpyxl.load_workbook(path, read_only=True).active
    assert sum(1 for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]) == 69


@pytest.fixture
def secured(sample_store: Path, tmp_path: Path) -> Path:
    import shutil

    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    access.add_user(
        access.users_path(store), "zjg", "赵家沟乡书记", "township", ["赵家沟乡"], "correct horse"
    )
    return store


def test_a_township_user_sees_only_their_township_in_every_table_with_a_township(secured: Path) -> None:
    from tracker.contract import schema
    from tracker.store import summaries

    tables = [t.name for t in schema.TABLES.values() if "township" in {c.name for c in t.columns}]
    tables += [
        name for name, d in summaries.SUMMARIES.items() if "township" in {c.name for c in d.table.columns}
    ]
    assert "responsibilities" in tables
    for table in tables:
        done = run_module(
            "--data-dir",
            secured,
            "sql",
            f"SELECT DISTINCT township FROM {table}",
            "--user",
            "zjg",
            "--format",
            "json",
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) in ([{"township": "赵家沟乡"}], []), table
    leaders = run_module(
        "--data-dir",
        secured,
        "sql",
        "SELECT count(*) AS n FROM responsibilities WHERE as_of = DATE '2017-10-13'",
        "--user",
        "zjg",
        "--format",
        "json",
    )
    # As many as the sample's own file lists under 赵家沟乡 (its 10 relocation villages and its weak organisations).
    path = SAMPLE_DIR / "weekly" / "2017-10-13" / "包保责任台账_2017-10-13.xlsx"
    sheet = openpyxl.load_workbook(path, read_only=True).active
    own = sum(1 for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] == "赵家沟乡")
    assert own >= 10 and json.loads(leaders.stdout) == [{"n": own}]


def test_a_township_user_reads_no_rejected_rows_nor_the_import_log(ledgers, tmp_path: Path) -> None:
    """Rejected rows have no township column to limit them by; their values name other townships'
    villages and leaders, so a township's reader has none (nor the import log)."""
    rows = [*GOOD, village_row("沙坪乡", "不存在村", leader="孙斌")]
    assert (
        ledgers(
            "import", write_csv(tmp_path / "包保责任台账_2017-10-13.csv", [HEADER, *rows]), "--allow-rejects"
        ).code
        == 0
    )
    store = ledgers.data_dir
    access.add_user(
        access.users_path(store), "zjg", "赵家沟乡书记", "township", ["赵家沟乡"], "correct horse"
    )
    county = _sql(ledgers, "SELECT value FROM rejects")
    assert county == [{"value": "不存在村"}]
    for table in ("rejects", "import_log"):
        done = ledgers("sql", f"SELECT count(*) AS n FROM {table}", "--user", "zjg", "--format", "json")
        assert done.code == 0 and done.json() == [{"n": 0}], table
