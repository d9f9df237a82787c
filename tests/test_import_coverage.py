"""A file replaces only what it covers, and no import shrinks a week by more than the guard's share.

Expected figures come from the sample's own export files (read here with the csv module)
and from the rows these tests write, never from the importer.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from tests.exports import write_csv
from tracker import access
from tracker.contract.paths import SAMPLE_DIR
from tracker.ingest.importer import import_uploads
from tracker.ingest.shrink_guard import SHRINK_LIMIT
from tracker.store.manifest import read_manifest

WEEK = SAMPLE_DIR / "weekly" / "2017-10-13"


def _sample_villages() -> tuple[list[str], list[list[str]]]:
    """The header and village rows of the sample's 2017-10-13 village ledger (GBK, a title row
    above, a 合计 row below)."""
    with open(WEEK / "村级台账_2017-10-13.csv", encoding="gbk", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[1], [r for r in rows[2:] if any(r) and r[0] != "合计"]


def _of(rows: list[list[str]], township: str) -> list[list[str]]:
    """The rows of one township, however the ledger spells it (the sample writes 巡镇 for some)."""
    spellings = {"巡镇镇": ("巡镇镇", "巡镇")}.get(township, (township,))
    return [r for r in rows if r[0] in spellings]


def _income(row: list[str], header: list[str]) -> float:
    text = row[header.index("集体经济收入（万元）")]
    return float(text) if text else 0.0


def _counts(tracker, day: str) -> dict:
    """Households, villages and 破零 villages of one snapshot, asked through `sql`."""
    query = (
        f"SELECT (SELECT count(*) FROM households WHERE as_of = DATE '{day}') AS households, "
        f"(SELECT count(*) FROM villages WHERE as_of = DATE '{day}') AS villages, "
        f"(SELECT count(*) FROM villages WHERE as_of = DATE '{day}' AND collective_income_10k > 0) AS past_zero"
    )
    result = tracker("sql", query, "--format", "json")
    assert result.code == 0, result.err
    return result.json()[0]


SAMPLE = {
    "households": 644,
    "villages": 340,
    "past_zero": 238,
}  # docs/sample-facts.md: 644 / 340 / 70 % of 340


def test_the_sample_week_is_what_the_other_tests_start_from(on_sample) -> None:
    assert _counts(on_sample, "2017-10-13") == SAMPLE


def test_a_file_of_all_townships_but_one_keeps_that_townships_rows_from_their_own_day(
    on_sample, tmp_path: Path
) -> None:
    header, rows = _sample_villages()
    others = [r for r in rows if r[0] != "赵家沟乡"]
    kept = [r for r in rows if r[0] == "赵家沟乡"]
    path = write_csv(tmp_path / "村级台账_2017-10-20.csv", [header, *others], "gbk")
    result = on_sample("import", path, "--json")
    assert result.code == 0, result.out
    change = result.json()["changes"][0]
    assert (change["before"], change["after"], change["snapshot_after"]) == (len(others), len(others), 340)
    days = on_sample(
        "sql",
        "SELECT township, min(township_as_of) AS first, max(township_as_of) AS last, count(*) AS n "
        "FROM villages WHERE as_of = DATE '2017-10-20' GROUP BY township ORDER BY township",
        "--format",
        "json",
    ).json()
    by_town = {d["township"]: d for d in days}
    assert by_town["赵家沟乡"] == {
        "township": "赵家沟乡",
        "first": "2017-10-13",
        "last": "2017-10-13",
        "n": len(kept),
    }
    assert {d["first"] for t, d in by_town.items() if t != "赵家沟乡"} == {"2017-10-20"}
    assert sum(d["n"] for d in days) == 340
    past_zero = sum(1 for r in rows if _income(r, header) > 0)
    assert _counts(on_sample, "2017-10-20")["past_zero"] == past_zero == 238
    # The households ledger was not in the file: its snapshot in force is still 2017-10-13's.
    assert _counts(on_sample, "2017-10-13") == SAMPLE


def test_a_township_file_for_the_same_day_replaces_that_township_only(on_sample, tmp_path: Path) -> None:
    header, rows = _sample_villages()
    township = [list(r) for r in rows if r[0] == "赵家沟乡"]
    was_past_zero = sum(1 for r in township if _income(r, header) > 0)
    for row in township:  # every village of 赵家沟乡 now has income
        row[header.index("集体经济收入（万元）")] = "5"
    path = write_csv(tmp_path / "赵家沟乡村级台账_2017-10-13.csv", [header, *township], "gbk")
    assert on_sample("import", path).code == 0
    counts = _counts(on_sample, "2017-10-13")
    assert counts["villages"] == 340
    assert counts["past_zero"] == 238 - was_past_zero + len(township)
    assert counts["households"] == 644


def test_a_shrink_past_the_limit_is_refused_with_the_numbers_and_changes_nothing(
    on_sample, tmp_path: Path
) -> None:
    header, rows = _sample_villages()
    township = [r for r in rows if r[0] == "赵家沟乡"]
    before = read_manifest(on_sample.data_dir)
    path = write_csv(tmp_path / "村级台账_2017-10-13.csv", [header, *township[:5]], "gbk")
    result = on_sample("import", path)
    assert result.code == 2
    drop = 100 * (len(township) - 5) / len(township)
    assert (
        f"村级台账（赵家沟乡）：上期 {len(township)} 个村，本次仅 5 个村（减少 {drop:.1f}%），"
        "超过 20% 的缩减上限；如确需整体替换，请加 --replace-all"
    ) in result.err
    assert read_manifest(on_sample.data_dir) == before
    assert _counts(on_sample, "2017-10-13") == SAMPLE


def test_the_limit_is_a_fifth_of_the_scope(on_sample, tmp_path: Path) -> None:
    assert SHRINK_LIMIT == 0.20
    header, rows = _sample_villages()
    township = [r for r in rows if r[0] == "赵家沟乡"]  # 26 villages
    allowed = len(township) - int(len(township) * SHRINK_LIMIT)  # 21: 5 fewer is 19.2 %
    too_few = allowed - 1  # 20: 6 fewer is 23.1 %
    refused = write_csv(tmp_path / "a_2017-10-13.csv", [header, *township[:too_few]], "gbk")
    assert on_sample("import", refused).code == 2
    passed = write_csv(tmp_path / "b_2017-10-13.csv", [header, *township[:allowed]], "gbk")
    assert on_sample("import", passed).code == 0
    assert _counts(on_sample, "2017-10-13")["villages"] == 340 - (len(township) - allowed)


def test_exactly_a_fifth_fewer_passes_and_one_more_is_refused(on_sample, tmp_path: Path) -> None:
    # 前川乡 has 20 villages, a multiple of five: 16 is exactly 20 % fewer, which the guard allows
    # ("more than 20 %" is refused); 15 is 25 % fewer.
    header, rows = _sample_villages()
    township = [r for r in rows if r[0] == "前川乡"]
    assert len(township) == 20
    refused = write_csv(tmp_path / "a_2017-10-13.csv", [header, *township[:15]], "gbk")
    result = on_sample("import", refused)
    assert result.code == 2 and "上期 20 个村，本次仅 15 个村（减少 25.0%）" in result.err
    passed = write_csv(tmp_path / "b_2017-10-13.csv", [header, *township[:16]], "gbk")
    result = on_sample("import", passed)
    assert result.code == 0, result.err
    assert _counts(on_sample, "2017-10-13")["villages"] == 340 - 4


def test_rejected_rows_count_against_the_guard(on_sample, tmp_path: Path) -> None:
    header, rows = _sample_villages()
    township = [list(r) for r in rows if r[0] == "赵家沟乡"]
    for row in township[:10]:  # ten villages with a value that breaks its rule
        row[header.index("党员数")] = "很多"
    path = write_csv(tmp_path / "村级台账_2017-10-13.csv", [header, *township], "gbk")
    plain = on_sample("import", path, "--json")
    assert plain.code == 1  # row errors: nothing lands
    lenient = on_sample("import", path, "--allow-rejects", "--json")
    assert lenient.code == 2  # 26 → 16 valid rows: refused although the rejects are allowed
    assert any("上期 26 个村，本次仅 16 个村" in p for p in lenient.json()["problems"])
    assert _counts(on_sample, "2017-10-13") == SAMPLE


def test_replace_all_replaces_the_day_and_the_audit_log_says_who(on_sample, tmp_path: Path) -> None:
    import getpass

    header, rows = _sample_villages()
    path = write_csv(tmp_path / "村级台账_2017-10-13.csv", [header, *rows[:5]], "gbk")
    result = on_sample("import", path, "--replace-all", "--json")
    assert result.code == 0, result.out
    assert _counts(on_sample, "2017-10-13")["villages"] == 5
    assert _counts(on_sample, "2017-10-06")["villages"] == 340  # other days untouched
    record = access.read_audit(on_sample.data_dir)[-1]
    assert record["who"] == f"os:{getpass.getuser()}" and record["action"] == "import"
    assert record["details"]["replace_all"] is True
    assert record["details"]["replaced"] == [
        {"table": "villages", "as_of": "2017-10-13", "before": 340, "after": 5}
    ]


def test_funds_without_a_township_are_the_county_level_unit(on_sample, tmp_path: Path) -> None:
    with open(WEEK / "资金台账_2017-10-13.csv", encoding="utf-8-sig", newline="") as handle:
        funds = list(csv.DictReader(handle))
    county_level = [r for r in funds if not r["乡镇"]]
    townships = [r for r in funds if r["乡镇"]]
    rows = [["资金来源", "金额（万元）", "乡镇", "拨付日期"]]
    rows += [[r["资金来源"], r["金额（万元）"], "", r["拨付日期"]] for r in county_level]
    rows.append(["财政专项资金", "100", "", "2017-10-19"])
    assert on_sample("import", write_csv(tmp_path / "资金台账_2017-10-20.csv", rows)).code == 0
    got = on_sample(
        "sql",
        "SELECT count(*) AS n, sum(amount_10k) AS total, count(township) AS with_township "
        "FROM funds WHERE as_of = DATE '2017-10-20'",
        "--format",
        "json",
    ).json()[0]
    assert got["n"] == len(funds) + 1 and got["with_township"] == len(townships)
    assert got["total"] == pytest.approx(sum(float(r["金额（万元）"]) for r in funds) + 100)


def test_targets_are_replaced_whole_but_guarded(on_sample, tmp_path: Path) -> None:
    with open(SAMPLE_DIR / "目标任务_2017-05-05.csv", encoding="utf-8-sig", newline="") as handle:
        targets = list(csv.reader(handle))
    short = write_csv(tmp_path / "目标任务_2017-10-13.csv", targets[:4])  # 3 of the targets
    refused = on_sample("import", short)
    assert refused.code == 2
    assert f"目标任务：上期 {len(targets) - 1} 项目标，本次仅 3 项目标" in refused.err
    assert on_sample("import", short, "--replace-all").code == 0
    got = on_sample(
        "sql", "SELECT count(*) AS n FROM targets WHERE as_of = DATE '2017-10-13'", "--format", "json"
    )
    assert got.json() == [{"n": 3}]


def test_several_days_in_one_import_each_merge_with_the_day_before(on_sample, tmp_path: Path) -> None:
    header, rows = _sample_villages()
    first = write_csv(
        tmp_path / "赵家沟乡_2017-10-20.csv", [header, *[r for r in rows if r[0] == "赵家沟乡"]], "gbk"
    )
    second = write_csv(tmp_path / "巡镇镇_2017-10-27.csv", [header, *_of(rows, "巡镇镇")], "gbk")
    assert on_sample("import", first, second).code == 0
    got = on_sample(
        "sql",
        "SELECT township_as_of, count(*) AS n FROM villages WHERE as_of = DATE '2017-10-27' "
        "GROUP BY 1 ORDER BY 1",
        "--format",
        "json",
    ).json()
    zhao = sum(1 for r in rows if r[0] == "赵家沟乡")
    xun = len(_of(rows, "巡镇镇"))
    assert got == [
        {"township_as_of": "2017-10-13", "n": 340 - zhao - xun},
        {"township_as_of": "2017-10-20", "n": zhao},
        {"township_as_of": "2017-10-27", "n": xun},
    ]


def test_a_dry_run_tells_before_and_after_and_writes_nothing(sample_copy: Path) -> None:
    header, rows = _sample_villages()
    township = _of(rows, "巡镇镇")
    buffer = "\n".join(",".join(r) for r in [header, *township[:31]]).encode("utf-8")
    before = read_manifest(sample_copy)
    outcome = import_uploads([("村级台账_2017-10-20.csv", buffer)], sample_copy, dry_run=True)
    assert outcome.status == 0 and read_manifest(sample_copy) == before
    (change,) = outcome.changes
    assert (change.table, change.as_of, change.previous_day) == (
        "villages",
        dt.date(2017, 10, 20),
        dt.date(2017, 10, 13),
    )
    assert change.scope == ["巡镇镇"] and not change.whole
    assert (change.before, change.after) == (len(township), 31)
    assert (change.total_before, change.total_after) == (340, 340 - len(township) + 31)


REGION = """
name = "忻州市"
[[counties]]
name = "河曲县"
code = "140930"
townships = [{ name = "城关镇", code = "140930100" }, { name = "赵家沟乡", code = "140930208" }]
[[counties]]
name = "保德县"
code = "140931"
townships = [{ name = "城关镇", code = "140931100" }, { name = "杨家湾镇", code = "140931101" }]
"""


def test_in_a_region_the_unit_is_the_county_and_township(tmp_path: Path, tracker) -> None:
    config = tmp_path / "region.toml"
    config.write_text(REGION, encoding="utf-8")
    head = ["县", "乡镇", "村名", "集体经济收入（万元）"]
    first = [
        head,
        *[[c, t, f"{c}{t}{i}村", "1"] for c in ("河曲县", "保德县") for t in ("城关镇",) for i in range(4)],
    ]
    first += [["保德县", "杨家湾镇", f"杨家湾{i}村", "0"] for i in range(3)]
    assert tracker("import", config, write_csv(tmp_path / "村级台账_2017-10-13.csv", first)).code == 0
    # 河曲县 sends its 城关镇 again; 保德县's 城关镇 (the same name) must be kept.
    later = [head, *[["河曲县", "城关镇", f"新{i}村", "2"] for i in range(4)]]
    result = tracker("import", write_csv(tmp_path / "村级台账_2017-10-20.csv", later), "--json")
    assert result.code == 0, result.out
    assert result.json()["changes"][0]["scope"] == ["河曲县·城关镇"]
    got = tracker(
        "sql",
        "SELECT county, township, count(*) AS n, sum(collective_income_10k) AS income FROM villages "
        "WHERE as_of = DATE '2017-10-20' GROUP BY ALL ORDER BY ALL",
        "--format",
        "json",
    ).json()
    assert got == [
        {"county": "保德县", "township": "城关镇", "n": 4, "income": 4.0},
        {"county": "保德县", "township": "杨家湾镇", "n": 3, "income": 0.0},
        {"county": "河曲县", "township": "城关镇", "n": 4, "income": 8.0},
    ]


def test_the_json_says_what_each_file_was_taken_for_and_why(on_sample, tmp_path: Path) -> None:
    header, rows = _sample_villages()
    path = write_csv(tmp_path / "村级台账_2017-10-20.csv", [header, *rows], "gbk")
    summary = on_sample("import", path, "--json").json()
    (sheet,) = summary["files"]
    assert sheet["taken_as"] == "村级台账" and sheet["table_given"] is False
    assert {"乡镇", "村名", "搬迁进度", "集体经济收入（万元）"} <= set(sheet["recognised_by"])
    assert summary["changes"][0]["scope"] == "all"
    given = on_sample("import", path, "--table", "villages", "--json").json()
    assert given["files"][0]["table_given"] is True


def test_an_explicit_table_whose_headers_do_not_fit_is_refused_with_what_is_missing(
    on_sample, tmp_path: Path
) -> None:
    header, rows = _sample_villages()
    path = write_csv(tmp_path / "村级台账_2017-10-20.csv", [header, *rows[:3]], "gbk")
    result = on_sample("import", path, "--table", "party_orgs")
    assert result.code == 2
    assert "无法按党组织台账导入" in result.err and "缺少：党组织名称" in result.err
    assert "找到的表头：乡镇、村名、村类别" in result.err
    bare = write_csv(
        tmp_path / "村名单_2017-10-20.csv",
        [["乡镇", "村名", "户编号", "姓名"], ["巡镇", "甲村", "1", "张三"]],
    )
    assert on_sample("import", bare).code == 2  # guessed: no column of a village ledger of its own
    explicit = on_sample("import", bare, "--table", "villages", "--json")
    assert explicit.code == 2 and "村级台账（巡镇镇）：上期" in json.dumps(
        explicit.json(), ensure_ascii=False
    )
