"""The sample generator: the report's figures on 2017-10-13, a consistent story week by week.

The files are read back with csv, pandas and openpyxl directly (not with the project's
importer), so that these tests say what the files contain, whoever reads them.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tomllib
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from synth.sample import REAL_PEOPLE, WEEKS, id_check_digit, write_sample
from tracker.contract import schema

REPO = Path(__file__).resolve().parent.parent
LAST = dt.date(2017, 10, 13)
COMPLETED = set(schema.COMPLETED_STAGES)
STAGE = {name: rank for rank, name in enumerate(schema.RELOCATION_STAGES)}
RECTIFIED = {name: rank for rank, name in enumerate(schema.RECTIFICATION_STAGES)}
TRUE, FALSE = {"是", "√"}, {"否", "×"}


def _township_names() -> dict[str, str]:
    config = tomllib.loads((REPO / "sample_data" / "county.toml").read_text(encoding="utf-8"))
    names = {}
    for town in config["townships"]:
        for spelling in (town["name"], *town.get("aliases", ())):
            names[spelling] = town["name"]
    return names


TOWNSHIPS = _township_names()


# --------------------------------------------------------------------------- reading back


def _canonical(table: schema.Table, header: str) -> str:
    """The contract column a written header names; a header the contract lacks fails."""
    for column in table.columns:
        if header in column.headers:
            return column.name
    raise AssertionError(f"{table.name}: header {header!r} is not in the contract")


def _frame(table: schema.Table, header: list[str], rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[_canonical(table, h) for h in header], dtype=object)
    if "township" in frame:
        frame["written_township"] = frame["township"]
        frame["township"] = frame["township"].map(TOWNSHIPS)
    return frame


def _yes(value: object) -> bool:
    assert value in TRUE | FALSE, value
    return value in TRUE


def _date(value: object) -> dt.date | None:
    """A date cell as the sample writes them: ISO text, an Excel date, or 2017年8月18日."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    match = re.fullmatch(r"(\d{4})(?:-|年)(\d{1,2})(?:-|月)(\d{1,2})日?", str(value))
    assert match, value
    return dt.date(*map(int, match.groups()))


def _num(value: object) -> float:
    return 0.0 if value in (None, "") else float(value)  # type: ignore[arg-type]


def _week_dir(sample: Path, day: dt.date) -> Path:
    return sample / "weekly" / day.isoformat()


def read_villages(sample: Path, day: dt.date) -> pd.DataFrame:
    path = _week_dir(sample, day) / f"村级台账_{day.isoformat()}.csv"
    with path.open(encoding="gbk", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == f"河曲县村级台账（截至{day.year}年{day.month}月{day.day}日）"
    assert rows[-1][0] == "合计"
    return _frame(schema.VILLAGES, rows[1], rows[2:-1])


def _two_row_header(sheet: openpyxl.worksheet.worksheet.Worksheet) -> list[str]:
    """Row 2 parents spread over their merged children in row 3, joined parent + child."""
    parents = [c.value for c in sheet[2]]
    for merged in sheet.merged_cells.ranges:
        if merged.min_row == 2 and merged.max_row == 2:
            for column in range(merged.min_col, merged.max_col + 1):
                parents[column - 1] = parents[merged.min_col - 1]
    children = [c.value for c in sheet[3]]
    return [(p or "") + (c or "") if c != p else p for p, c in zip(parents, children, strict=True)]


@cache
def _household_book(path: Path) -> tuple[list[str], list[list[object]], list[list[str]]]:
    sheet = openpyxl.load_workbook(path)["搬迁户"]
    header = _two_row_header(sheet)
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    kinds = [[c.data_type for c in row] for row in sheet.iter_rows(min_row=4)]
    return header, rows, kinds


def read_households(sample: Path, day: dt.date) -> pd.DataFrame:
    path = _week_dir(sample, day) / f"搬迁户台账_{day.isoformat()}.xlsx"
    header, rows, _ = _household_book(path)
    assert rows[-1][0] == "合计"
    return _frame(schema.HOUSEHOLDS, header, rows[:-1])


def read_orgs(sample: Path, day: dt.date) -> pd.DataFrame:
    path = _week_dir(sample, day) / f"党组织台账_{day.isoformat()}.xlsx"
    rows = [list(r) for r in openpyxl.load_workbook(path, read_only=True).active.values]
    assert rows[0][0] == f"河曲县党组织台账（截至{day.year}年{day.month}月{day.day}日）"
    return _frame(schema.PARTY_ORGS, rows[1], rows[2:])


def read_funds(sample: Path, day: dt.date) -> pd.DataFrame:
    path = _week_dir(sample, day) / f"资金台账_{day.isoformat()}.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return _frame(schema.FUNDS, list(frame.columns), frame.values.tolist())


Reader = Callable[[dt.date], pd.DataFrame]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    write_sample(out)
    return out


@pytest.fixture(scope="module")
def ledgers(sample: Path) -> dict[str, Reader]:
    """Readers of each ledger by day, each file read once."""
    readers = {"villages": read_villages, "households": read_households}
    readers |= {"orgs": read_orgs, "funds": read_funds}
    return {name: cache(lambda day, read=read: read(sample, day)) for name, read in readers.items()}


@pytest.fixture(scope="module")
def last(ledgers: dict[str, Reader]) -> dict[str, pd.DataFrame]:
    return {name: read(LAST) for name, read in ledgers.items()}


# --------------------------------------------------------------------------- layout


def test_writes_24_fridays_of_five_ledgers_and_the_targets(sample: Path) -> None:
    assert len(WEEKS) == 24 and WEEKS[0] == dt.date(2017, 5, 5) and WEEKS[-1] == LAST
    assert all(day.weekday() == 4 for day in WEEKS)
    assert sorted(p.name for p in (sample / "weekly").iterdir()) == [d.isoformat() for d in WEEKS]
    for day in WEEKS:
        names = sorted(p.name for p in _week_dir(sample, day).iterdir())
        stamp = day.isoformat()
        expected = [f"党组织台账_{stamp}.xlsx", f"包保责任台账_{stamp}.xlsx", f"搬迁户台账_{stamp}.xlsx"]
        assert names == expected + [f"村级台账_{stamp}.csv", f"资金台账_{stamp}.csv"]
    assert sorted(p.name for p in sample.iterdir()) == ["weekly", "目标任务_2017-05-05.csv"]
    total = sum(p.stat().st_size for p in sample.rglob("*") if p.is_file())
    assert total < 5_000_000


def test_household_ledger_has_a_merged_two_row_header(sample: Path) -> None:
    path = _week_dir(sample, LAST) / f"搬迁户台账_{LAST.isoformat()}.xlsx"
    sheet = openpyxl.load_workbook(path)["搬迁户"]
    assert sheet.title == "搬迁户"
    assert sheet["A1"].value == "河曲县整村搬迁户台账（截至2017年10月13日）"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:S1", "A2:A3", "B2:C2", "I2:J2"} <= merged
    header = _two_row_header(sheet)
    assert header[:3] == ["户编号", "户主姓名", "户主身份证号"]
    assert "宅基地腾退面积（平方米）" in header and "安置地点" in header
    assert [_canonical(schema.HOUSEHOLDS, h) for h in header]  # every header is the contract's


def test_codes_are_text_and_id_numbers_valid(sample: Path, last: dict[str, pd.DataFrame]) -> None:
    path = _week_dir(sample, LAST) / f"搬迁户台账_{LAST.isoformat()}.xlsx"
    header, rows, kinds = _household_book(path)
    assert all(k[0] == "s" and k[2] == "s" for k in kinds[:-1])  # 户编号, 身份证号: text cells
    households = last["households"]
    for number in households["id_hash"]:
        assert re.fullmatch(r"140930\d{11}[\dX]", number) and not number.endswith("000")
        assert id_check_digit(number[:17]) == number[17]
        assert dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert households["id_hash"].is_unique
    assert households["household_id"].str.fullmatch(r"140930\d{10}").all()
    assert households["household_id"].is_unique
    at = header.index("入住日期")
    moved = [r[at] for r in rows[:-1] if r[at] is not None]
    assert moved and all(isinstance(v, dt.datetime) for v in moved)  # real Excel dates


def test_names_are_synthetic(last: dict[str, pd.DataFrame]) -> None:
    names = list(last["households"]["head_name_masked"]) + list(last["orgs"]["first_secretary"].dropna())
    assert all(2 <= len(n) <= 3 for n in names)
    assert not set(names) & REAL_PEOPLE


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize("day", [WEEKS[0], WEEKS[8], LAST])
def test_every_value_is_one_the_contract_allows(ledgers: dict[str, Reader], day: dt.date) -> None:
    villages, households, orgs = (ledgers[n](day) for n in ("villages", "households", "orgs"))
    for frame in (villages, households, orgs):
        assert frame["township"].notna().all()  # every township known (aliases included)
    assert (villages["written_township"] == "巡镇").sum() == 3  # the alias, in a few rows
    assert not villages.duplicated(["township", "village"]).any()
    # One village name is shared by two townships (新庄村), as in real counties: only
    # (township, village) tells villages apart, and both are relocation villages.
    shared = villages[villages["village"] == "新庄村"]
    assert sorted(shared["township"]) == ["土沟乡", "社梁乡"] and shared["relocation_batch"].ne("").all()
    assert len(villages) == 340 and villages["village"].ne("").all()
    assert set(villages["poverty_class"]) == set(schema.POVERTY_CLASSES)
    relocating = villages[villages["relocation_batch"] != ""]
    assert set(relocating["relocation_batch"]) <= {"第一批", "第二批"}
    assert set(relocating["relocation_status"]) <= set(schema.RELOCATION_STAGES)
    assert villages.loc[villages["relocation_batch"] == "", "relocation_status"].eq("").all()
    assert set(households["resettlement_mode"]) <= set(schema.RESETTLEMENT_MODES)
    assert households["people"].map(lambda n: isinstance(n, int) and n >= 1).all()
    assert set(households["village"]) <= set(relocating["village"])
    assert set(orgs["org_type"]) <= set(schema.ORG_TYPES)
    assert not orgs.duplicated(["township", "org_name"]).any()  # 新庄村党支部 in two townships
    weak = orgs[orgs["weak_lax"].map(_yes)]
    assert set(weak["rectification_status"]) <= set(schema.RECTIFICATION_STAGES)
    for frame, columns in (
        (villages, ["hukou_transferred", "joint_branch"]),
        (households, ["is_poor", "reclaimed", "hukou_transferred"]),
    ):
        for column in columns:
            assert set(frame[column]) <= TRUE | FALSE | {""}


# --------------------------------------------------------------------------- the report's facts


def test_relocation_villages_on_report_day(last: dict[str, pd.DataFrame]) -> None:
    villages = last["villages"]
    deep = villages[villages["poverty_class"] == "深度贫困村"]
    assert len(deep) == 33  # fact 1
    assert (deep["relocation_batch"] != "").all()
    assert (villages["relocation_batch"] != "").sum() == 33
    assert (villages["poverty_class"] == "贫困村").sum() == 81
    first = villages[villages["relocation_batch"] == "第一批"]
    assert len(first) == 13 and set(first["relocation_status"]) <= {"已拆除复垦", "已销号"}  # 2, 6
    assert first["planned_households"].astype(int).sum() == 189  # fact 3
    assert first["planned_people"].astype(int).sum() == 425
    assert first["joint_branch"].map(_yes).sum() == 12  # fact 4
    assert first["hukou_transferred"].map(_yes).all()  # fact 5
    assert ("沙坪乡", "张家也村") in set(zip(first["township"], first["village"], strict=True))  # 17
    second = villages[villages["relocation_batch"] == "第二批"]
    assert len(second) == 20  # fact 20
    assert second["planned_households"].astype(int).sum() == 455
    assert second["planned_people"].astype(int).sum() == 1052


def test_zhaojiagou(last: dict[str, pd.DataFrame]) -> None:
    villages = last["villages"][last["villages"]["township"] == "赵家沟乡"]
    first = villages[villages["relocation_batch"] == "第一批"]
    assert len(first) == 7 and set(first["relocation_status"]) <= COMPLETED  # fact 10
    done = first["completed_on"].map(_date)
    assert done.between(dt.date(2017, 5, 1), dt.date(2017, 6, 30)).all()
    assert "枪佛也村" in set(villages["village"])
    second = villages[villages["relocation_batch"] == "第二批"]
    assert len(second) == 3 and set(second["relocation_status"]) == {"动员中"}  # fact 12
    assert "葫芦山村" in set(second["village"])
    households = last["households"]
    batch1 = households[(households["township"] == "赵家沟乡") & (households["relocation_batch"] == "第一批")]
    assert len(batch1) == 101 and batch1["people"].sum() == 228  # fact 11
    assert batch1["rooms_demolished"].sum() == 401
    assert batch1["homestead_m2"].sum() == 31788
    assert set(batch1["resettlement_mode"]) <= {"县城集中安置", "邻村就近安置", "自主分散安置"}


def test_first_batch_households(last: dict[str, pd.DataFrame]) -> None:
    households = last["households"]
    first = households[households["relocation_batch"] == "第一批"]
    assert len(first) == 189 and first["people"].sum() == 425  # fact 3
    assert first["hukou_transferred"].map(_yes).all()  # fact 5
    assert (first["rooms_demolished"] > 0).all() and first["reclaimed"].map(_yes).all()  # fact 6
    assert first["moved_on"].map(lambda d: d.date() <= dt.date(2017, 6, 30)).all()
    second = households[households["relocation_batch"] == "第二批"]
    assert len(second) == 455 and second["people"].sum() == 1052  # fact 20
    moved = second["moved_on"].notna().mean()
    assert 0.4 <= moved <= 0.65  # roughly half of the second batch has moved


def test_xiayupiwa(last: dict[str, pd.DataFrame]) -> None:
    households = last["households"]
    xia = households[(households["township"] == "巡镇镇") & (households["village"] == "下榆皮洼村")]
    assert (len(xia), xia["people"].sum()) == (16, 40)  # fact 13
    poor = xia[xia["is_poor"].map(_yes)]
    assert (len(poor), poor["people"].sum()) == (3, 5)
    by_mode = xia.groupby("resettlement_mode")["people"].agg(["count", "sum"])
    assert by_mode.to_dict("index") == {  # fact 14
        "县城集中安置": {"count": 9, "sum": 28},
        "邻村就近安置": {"count": 2, "sum": 5},
        "外县安置": {"count": 3, "sum": 3},
        "中心村安置": {"count": 1, "sum": 3},
        "其他乡镇安置": {"count": 1, "sum": 1},
    }
    assert set(xia.loc[xia["resettlement_mode"] == "中心村安置", "resettled_at"]) == {"巡镇"}
    villages = last["villages"].set_index("village")
    assert villages.loc["下榆皮洼村", "receiving_village"] == "上榆皮洼村"  # fact 15
    assert villages.loc["上榆皮洼村", "township"] == "巡镇镇"
    assert villages.loc["上榆皮洼村", "party_members"] == "9"
    assert _num(villages.loc["下榆皮洼村", "pv_kw"]) == 200  # fact 16
    orgs = last["orgs"].set_index("org_name")
    assert orgs.loc["上榆皮洼村党支部", "members"] == 9


def test_party_organisations(last: dict[str, pd.DataFrame]) -> None:
    orgs = last["orgs"]
    weak = orgs[orgs["weak_lax"].map(_yes)]
    assert len(weak) == 36  # fact 7
    assert weak["rectification_status"].nunique() >= 3  # mixed, still progressing
    done = weak["rectification_status"].isin(["已整顿", "已验收"])
    assert weak.loc[done, "rectified_on"].map(_date).notna().all()
    assert weak.loc[~done, "rectified_on"].isna().all()
    floating = orgs[orgs["org_type"] == "流动党员党支部"]
    assert len(floating) == 13 and floating["floating_members"].sum() == 665  # fact 9
    assert orgs.loc[orgs["org_type"] != "流动党员党支部", "floating_members"].isna().all()
    assert (orgs["org_type"] == "联合党支部").sum() == 12


def test_collective_income_breaks_zero(ledgers: dict[str, Reader]) -> None:
    share = [(ledgers["villages"](d)["collective_income_10k"].map(_num) > 0).sum() for d in WEEKS]
    assert share[-1] == 238  # fact 8: 70 % of 340
    assert share[0] == 187  # 55 % in May
    assert share == sorted(share)


def test_funds(ledgers: dict[str, Reader], last: dict[str, pd.DataFrame]) -> None:
    funds = last["funds"]
    sources = {"财政专项资金", "财政转贷资金", "脱贫双增长资金", "基础设施补助", "公共服务设施补助"}
    assert set(funds["source"]) == sources
    assert funds["amount_10k"].str.fullmatch(r"\d+\.\d{2}").all()
    total = round(funds["amount_10k"].astype(float).sum(), 2)
    assert 8000 < total < 8300  # fact 18
    days = funds["allocated_on"].map(_date)
    assert days.min() >= dt.date(2017, 3, 1) and days.max() <= LAST
    previous: set[tuple[str, ...]] = set()
    for day in WEEKS:  # cumulative: every allocation made up to the day, and only those
        rows = ledgers["funds"](day)
        assert rows["allocated_on"].map(_date).le(day).all()
        listed = set(map(tuple, rows[["source", "amount_10k", "allocated_on", "village"]].values))
        assert previous <= listed
        previous = listed


def test_self_funding_of_poor_households(last: dict[str, pd.DataFrame]) -> None:
    households = last["households"]
    poor = households[households["is_poor"].map(_yes)]
    paying = poor[poor["self_funded_yuan"] > 0]
    assert (poor["self_funded_yuan"] == 0).sum() > len(poor) / 2  # fact 19
    assert (paying["self_funded_yuan"] <= 3000 * paying["people"]).all()
    assert (paying["self_funded_yuan"] <= 8000).all()


def test_targets(sample: Path) -> None:
    frame = pd.read_csv(sample / "目标任务_2017-05-05.csv", dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["指标", "批次", "乡镇", "目标值", "完成时限", "说明"]
    assert set(frame["指标"]) <= set(schema.INDICATORS)
    assert frame["说明"].ne("").all()
    rows = {(r.指标, r.批次, r.乡镇): (r.目标值, r.完成时限) for r in frame.itertuples()}
    assert rows[("villages_completed", "1", "")] == ("13", "2017-06-30")
    assert rows[("people_moved", "2", "")] == ("1052", "2017-10-31")
    assert rows[("zero_break_rate", "", "")] == ("75", "2017-12-31")
    assert rows[("households_moved", "1", "赵家沟乡")] == ("101", "2017-06-30")
    assert rows[("villages_completed", "2", "赵家沟乡")][0] == "3"
    homestead = float(rows[("homestead_reclaimed_m2", "1", "")][0])
    households = read_households(sample, LAST)
    first = households[households["relocation_batch"] == "第一批"]
    assert homestead == first["homestead_m2"].sum()


# --------------------------------------------------------------------------- the story


def test_weeks_tell_one_consistent_story(ledgers: dict[str, Reader]) -> None:
    keys: list[tuple[str, str]] | None = None
    stages: dict[tuple[str, str], int] = {}  # by (township, village): 新庄村 is in two townships
    moves: dict[str, object] = {}
    for day in WEEKS:
        villages, households = ledgers["villages"](day), ledgers["households"](day)
        week_keys = list(zip(villages["township"], villages["village"], strict=True))
        assert keys is None or week_keys == keys  # the same villages every week
        keys = week_keys
        assert len(households) == 644
        assert (households["relocation_batch"] == "第一批").sum() == 189
        _check_week(villages, households, day)
        for village, stage in zip(week_keys, villages["relocation_status"], strict=True):
            if stage:
                assert STAGE[stage] >= stages.get(village, 0), (day, village)
                stages[village] = STAGE[stage]
        for hid, moved in zip(households["household_id"], households["moved_on"], strict=True):
            assert moves.get(hid) is None or moves[hid] == moved  # a move never changes
            moves[hid] = moved


def _check_week(villages: pd.DataFrame, households: pd.DataFrame, day: dt.date) -> None:
    """Within one snapshot: completed villages have moved, moves are in the past."""
    by_village = households.groupby(["township", "village"])
    for row in villages[villages["relocation_status"] != ""].itertuples():
        members = by_village.get_group((row.township, row.village))
        moved = members["moved_on"].notna()
        if row.relocation_status in COMPLETED:
            assert moved.all() and _date(row.completed_on) == members["moved_on"].max().date()
        else:
            assert row.completed_on == ""
        if row.relocation_status in ("未启动", "动员中"):
            assert not moved.any()
        if row.relocation_status == "搬迁中":
            assert moved.any() and not moved.all()
        assert members["moved_on"].dropna().map(lambda d: d.date() <= day).all()
        demolished = members["rooms_demolished"].notna()
        assert (moved | ~demolished).all()  # nothing pulled down before its family moved out


def test_first_batch_done_by_june_second_batch_moves_from_august(
    ledgers: dict[str, Reader],
) -> None:
    def stages(day: dt.date, batch: str) -> set[str]:
        villages = ledgers["villages"](day)
        return set(villages.loc[villages["relocation_batch"] == batch, "relocation_status"])

    assert stages(WEEKS[0], "第一批") <= {"动员中", "搬迁中"}
    assert stages(dt.date(2017, 6, 30), "第一批") == {"已搬迁"}
    assert "已拆除复垦" in stages(dt.date(2017, 8, 4), "第一批")
    assert stages(dt.date(2017, 7, 28), "第二批") <= {"未启动", "动员中"}
    assert "搬迁中" in stages(dt.date(2017, 8, 25), "第二批")
    assert stages(LAST, "第二批") == {"动员中", "搬迁中", "已搬迁"}


def test_weak_organisations_progress(ledgers: dict[str, Reader]) -> None:
    seen: dict[str, int] = {}
    for day in WEEKS:
        orgs = ledgers["orgs"](day)
        weak = orgs[orgs["weak_lax"].map(_yes)]
        assert len(weak) == 36
        for name, stage in zip(weak["org_name"], weak["rectification_status"], strict=True):
            assert RECTIFIED[stage] >= seen.get(name, 0)
            seen[name] = RECTIFIED[stage]
    first = ledgers["orgs"](WEEKS[0])
    assert set(first.loc[first["weak_lax"].map(_yes), "rectification_status"]) <= {
        "未整顿",
        "整顿中",
    }


# --------------------------------------------------------------------------- determinism


def test_two_runs_write_identical_bytes(sample: Path, tmp_path: Path) -> None:
    write_sample(tmp_path)
    files = sorted(p.relative_to(sample) for p in sample.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    for name in files:
        assert (sample / name).read_bytes() == (tmp_path / name).read_bytes(), name
    assert not (tmp_path / "county.toml").exists()
