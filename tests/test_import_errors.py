"""Bad input: clear Chinese errors, the right exit code, and the store exactly as it was."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from tests.exports import id_number, write_csv, write_xlsx

HEADER = ["户编号", "户主", "身份证号", "乡镇", "迁出村", "搬迁批次", "人口数"]
GOOD = ["1409302080010001", "张海根", id_number("14093019620315123"), "赵家沟乡", "葫芦山村", "第二批", "3"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _manifest_bytes(data_dir: Path) -> bytes | None:
    path = data_dir / "manifest.json"
    return path.read_bytes() if path.exists() else None


def _count(tracker, table: str) -> int:
    return tracker("sql", f"SELECT count(*) AS n FROM {table}", "--format", "json").json()[0]["n"]


def test_row_error_names_file_sheet_row_column_value_and_reason(tmp_path: Path, tracker) -> None:
    title = ["河曲县整村搬迁户台账（截至2017年10月13日）"]
    bad = [
        "1409302080010002",
        "李引师",
        id_number("14093019400101551"),
        "火星乡",
        "葫芦山村",
        "第二批",
        "三口",
    ]
    path = write_xlsx(tmp_path / "h.xlsx", [title, HEADER, GOOD, bad], sheet="搬迁户")
    result = tracker("import", path, "--json")
    assert result.code == 1
    errors = result.json()["errors"]
    by_column = {e["column"]: e for e in errors}
    assert by_column["乡镇"] == {
        "file": "h.xlsx",
        "sheet": "搬迁户",
        "row": 4,  # title is row 1, header row 2, good row 3
        "column": "乡镇",
        "value": "火星乡",
        "reason": by_column["乡镇"]["reason"],
    }
    assert "河曲县" in by_column["乡镇"]["reason"]
    assert by_column["人口数"]["value"] == "三口" and by_column["人口数"]["row"] == 4
    assert all(CJK.search(e["reason"]) for e in errors)


def test_row_errors_refuse_the_whole_import_and_change_nothing(
    tmp_path: Path, tracker, data_dir: Path
) -> None:
    assert tracker("import", write_csv(tmp_path / "h_2017-10-06.csv", [HEADER, GOOD])).code == 0
    before = _manifest_bytes(data_dir)
    bad = GOOD[:6] + ["0"]  # people must be ≥ 1
    villages = write_csv(tmp_path / "v_2017-10-13.csv", [["乡镇", "村名"], ["巡镇", "下榆皮洼村"]])
    households = write_csv(tmp_path / "h_2017-10-13.csv", [HEADER, bad])
    result = tracker("import", villages, households)
    assert result.code == 1
    assert "第2行" in result.err and "人口数" in result.err
    assert _manifest_bytes(data_dir) == before
    assert _count(tracker, "villages") == 0


def test_allow_rejects_keeps_valid_rows_and_shows_the_rejected_ones(tmp_path: Path, tracker) -> None:
    bad = ["1409302080010009", "王二", id_number("14093019800808002"), "赵家沟乡", "", "第二批", "2"]
    path = write_csv(tmp_path / "h_2017-10-13.csv", [HEADER, GOOD, bad])
    result = tracker("import", path, "--allow-rejects", "--json")
    assert result.code == 0
    assert result.json()["files"][0]["rows_accepted"] == 1
    assert result.json()["files"][0]["rows_rejected"] == 1
    assert _count(tracker, "households") == 1
    rejects = tracker(
        "sql", 'SELECT table_name, row, "column", reason FROM rejects', "--format", "json"
    ).json()
    assert rejects == [{"table_name": "households", "row": 3, "column": "迁出村", "reason": "必填项为空"}]


def test_every_row_sharing_a_key_is_an_error(tmp_path: Path, tracker) -> None:
    other = ["1409302080010002"] + GOOD[1:]
    path = write_csv(tmp_path / "h_2017-10-13.csv", [HEADER, GOOD, other, GOOD])
    result = tracker("import", path, "--json")
    assert result.code == 1
    rows = sorted(e["row"] for e in result.json()["errors"])
    assert rows == [2, 4]


def test_keys_must_be_unique_across_files_of_one_snapshot(tmp_path: Path, tracker) -> None:
    first = write_csv(tmp_path / "赵家沟乡_2017-10-13.csv", [HEADER, GOOD])
    # The same household (key) with another head count: not the same file twice, which is refused
    # as such (tests/test_import_duplicates.py), but two files that disagree about one key.
    second = write_csv(tmp_path / "巡镇_2017-10-13.csv", [HEADER, GOOD[:-1] + ["4"]])
    result = tracker("import", first, second, "--json")
    assert result.code == 1
    assert {e["file"] for e in result.json()["errors"]} == {first.name, second.name}


@pytest.mark.parametrize(
    ("mangled", "hint"),
    [("1.40930E+17", "科学计数法"), ("140930196203151000", "000"), ("14093019620315123", "18位")],
)
def test_id_numbers_excel_has_mangled_are_row_errors(
    tmp_path: Path, tracker, mangled: str, hint: str
) -> None:
    row = GOOD[:2] + [mangled] + GOOD[3:]
    result = tracker("import", write_csv(tmp_path / "h_2017-10-13.csv", [HEADER, row]), "--json")
    assert result.code == 1
    (error,) = result.json()["errors"]
    assert error["column"] == "身份证号" and hint in error["reason"]
    assert mangled not in result.out  # even a broken ID number is not echoed in clear


def test_id_number_stored_as_a_number_in_xlsx_is_refused(tmp_path: Path, tracker) -> None:
    row = GOOD[:2] + [140930196203151230] + GOOD[3:]
    result = tracker(
        "import", write_xlsx(tmp_path / "h.xlsx", [HEADER, row]), "--as-of", "2017-10-13", "--json"
    )
    assert result.code == 1
    assert "Excel" in result.json()["errors"][0]["reason"]


def _truncated_xlsx(tmp_path: Path) -> Path:
    good = write_xlsx(tmp_path / "full.xlsx", [HEADER, GOOD])
    path = tmp_path / "搬迁户_2017-10-13.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return path


def _pdf_named_xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "搬迁户_2017-10-13.xlsx"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n")
    return path


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "搬迁户_2017-10-13.csv"
    path.write_bytes(b"")
    return path


def _zip_bomb(tmp_path: Path) -> Path:
    path = tmp_path / "搬迁户_2017-10-13.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 300_000_000)
    return path


def _no_header(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "随便_2017-10-13.csv", [["甲", "乙"], ["1", "2"]])


def _no_day(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "households.csv", [HEADER, GOOD])


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_truncated_xlsx, "损坏"),
        (_pdf_named_xlsx, "PDF"),
        (_empty, "为空"),
        (_zip_bomb, "过大"),
        (_no_header, "表头"),
        (_no_day, "截至日期"),
    ],
)
def test_unusable_files_get_one_clear_line_and_exit_2(
    tmp_path: Path, tracker, data_dir: Path, make, says
) -> None:
    assert (
        tracker("import", write_csv(tmp_path / "v_2017-10-06.csv", [["乡镇", "村名"], ["巡镇", "甲村"]])).code
        == 0
    )
    before = _manifest_bytes(data_dir)
    good = write_csv(tmp_path / "v_2017-10-13.csv", [["乡镇", "村名"], ["巡镇", "乙村"]])
    result = tracker("import", good, make(tmp_path))
    assert result.code == 2
    problems = [line for line in result.err.splitlines() if line.startswith("无法导入")]
    assert len(problems) == 1 and says in problems[0], result.err
    assert "Traceback" not in result.err
    assert _manifest_bytes(data_dir) == before


def test_missing_path_and_bad_arguments_exit_2_in_chinese(tmp_path: Path, tracker) -> None:
    missing = tracker("import", tmp_path / "nope.csv")
    assert missing.code == 2 and "不存在" in missing.err
    with pytest.raises(SystemExit) as exit_info:
        tracker("import", "x.csv", "--as-of", "昨天")
    assert exit_info.value.code == 2


def test_reimporting_a_day_replaces_that_day_only(tmp_path: Path, tracker) -> None:
    week1 = write_csv(tmp_path / "v_2017-10-06.csv", [["乡镇", "村名"], ["巡镇", "甲村"], ["巡镇", "乙村"]])
    week2 = write_csv(tmp_path / "v_2017-10-13.csv", [["乡镇", "村名"], ["巡镇", "甲村"], ["巡镇", "丁村"]])
    assert tracker("import", week1, week2).code == 0
    assert tracker("import", week2).code == 0  # idempotent: same rows, not doubled
    fixed = write_csv(
        tmp_path / "v2_2017-10-13.csv",
        [["乡镇", "村名"], ["巡镇", "丙村"], ["巡镇", "丁村"], ["巡镇", "戊村"]],
    )
    assert tracker("import", fixed).code == 0
    got = tracker(
        "sql", "SELECT as_of, count(*) AS n FROM villages GROUP BY as_of ORDER BY as_of", "--format", "json"
    ).json()
    assert got == [{"as_of": "2017-10-06", "n": 2}, {"as_of": "2017-10-13", "n": 3}]


def test_personal_data_never_reaches_the_store_or_the_output(tmp_path: Path, tracker, data_dir: Path) -> None:
    names = ["张海根", "李引师"]
    ids = [id_number("14093019620315123"), id_number("14093019400101551")]
    rows = [HEADER] + [
        [f"140930208001000{i}", names[i], ids[i], "赵家沟乡", "葫芦山村", "第二批", "2"] for i in range(2)
    ]
    rows.append(["1409302080010009", "王小二", "1.40930E+17", "赵家沟乡", "葫芦山村", "第二批", "2"])
    path = write_csv(tmp_path / "h_2017-10-13.csv", rows, "gbk")
    result = tracker("import", path, "--allow-rejects")
    assert result.code == 0
    everything = b"".join(p.read_bytes() for p in data_dir.rglob("*") if p.is_file())
    shown = (result.out + result.err).encode()
    dump = tracker("sql", "SELECT * FROM households", "--format", "csv").out.encode()
    for secret in [*names, "王小二", *ids]:
        for encoding in ("utf-8", "gbk"):
            assert secret.encode(encoding) not in everything
        assert secret.encode() not in shown and secret.encode() not in dump
    masked = tracker("sql", "SELECT head_name_masked FROM households ORDER BY 1", "--format", "json").json()
    assert [m["head_name_masked"] for m in masked] == ["张*根", "李*师"]
    hashes = tracker("sql", "SELECT count(DISTINCT id_hash) AS n FROM households", "--format", "json").json()
    assert hashes == [{"n": 2}]
