"""Cell parsers, checked against docs/data-contract.md "Values as clerks write them".

Expected values come from the contract, not from what the code happens to return:
full-width digits and spaces, thousands separators, units after numbers, 元 and 万元,
every listed date form, the listed booleans, batches, enumeration aliases, and the
snapshot day found in titles and file names. A value that breaks its rule is a
ValueProblem whose message the clerk can read, so it must be in Chinese.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.contract import schema
from tracker.ingest import values
from tracker.ingest.values import ValueProblem

CJK = re.compile(r"[\u4e00-\u9fff]")
EXCEL_EPOCH = dt.date(1899, 12, 30)
INT32_MAX = 2**31 - 1

PROPERTY = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def column(table: str, name: str) -> schema.Column:
    return schema.TABLES[table].column(name)


def parse(table: str, name: str, raw: Any) -> Any:
    """The cell raw read the way the importer reads column name of table."""
    return values.parser_for(column(table, name))(raw)


def assert_problem(func: Any, *args: Any) -> ValueProblem:
    """func(*args) is refused with a ValueProblem whose message is in Chinese."""
    with pytest.raises(ValueProblem) as info:
        func(*args)
    message = str(info.value)
    assert CJK.search(message), f"ValueProblem message not in Chinese: {message!r}"
    return info.value


def full_width(text: str) -> str:
    """ASCII digits and punctuation as their full-width forms (１６, ，, ．)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# --- empty cells --------------------------------------------------------------------------

EMPTY = [None, "", "   ", "\u3000", "\u3000 \u3000", "\n"]


@pytest.mark.parametrize("raw", EMPTY)
@pytest.mark.parametrize(
    "func",
    [
        values.parse_text,
        values.parse_number,
        values.parse_int,
        values.parse_decimal,
        values.parse_date,
        values.parse_bool,
        values.parse_batch,
        values.parse_indicator,
        lambda raw: values.parse_enum(raw, "resettlement_mode", schema.RESETTLEMENT_MODES),
    ],
)
def test_empty_cell_is_none(func: Any, raw: Any) -> None:
    assert func(raw) is None


# --- text ---------------------------------------------------------------------------------


def test_text_is_trimmed_and_full_width_spaces_removed() -> None:
    assert values.parse_text("  县城安置点 ") == "县城安置点"
    assert values.parse_text("\u3000县城安置点\u3000") == "县城安置点"
    assert parse("households", "resettled_at", "\u3000文笔镇　安置小区 ") == "文笔镇 安置小区"


# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("16", 16),
        ("１６", 16),
        ("\u3000１６\u3000", 16),
        (" 16 ", 16),
        ("1,050", 1050),
        ("１，０５０", 1050),
        ("1,050,000", 1050000),
        (16, 16),
        (16.0, 16),
        ("16.0", 16),
        ("0", 0),
    ],
)
def test_int_accepts_what_clerks_write(raw: Any, expected: int) -> None:
    result = values.parse_int(raw)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize("raw", ["2.5", 2.5, "２．５", "1,050.5", "16.01"])
def test_int_rejects_fractions(raw: Any) -> None:
    assert_problem(values.parse_int, raw)


@pytest.mark.parametrize("raw", ["abc", "十六", "16-17", "约16", "?", "1..2", "NaN", "inf"])
def test_number_rejects_nonsense(raw: str) -> None:
    assert_problem(values.parse_number, raw)
    assert_problem(values.parse_int, raw)
    assert_problem(values.parse_decimal, raw)


@pytest.mark.parametrize("raw", [True, False])
def test_number_rejects_booleans(raw: bool) -> None:
    assert_problem(values.parse_number, raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1,050.5", 1050.5), ("１，０５０．５", 1050.5), ("0.25", 0.25), (" 3.5 ", 3.5), (3.5, 3.5)],
)
def test_decimal_accepts_what_clerks_write(raw: Any, expected: float) -> None:
    assert values.parse_decimal(raw) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("table", "name", "raw", "expected"),
    [
        ("villages", "planned_households", "16户", 16),
        ("villages", "planned_households", "１６户", 16),
        ("villages", "planned_households", "16 户", 16),
        ("villages", "planned_households", "1,050户", 1050),
        ("villages", "planned_people", "40人", 40),
        ("households", "people", "4人", 4),
        ("party_orgs", "members", "40人", 40),
        ("households", "rooms_demolished", "3间", 3),
    ],
)
def test_int_with_unit(table: str, name: str, raw: str, expected: int) -> None:
    assert parse(table, name, raw) == expected


@pytest.mark.parametrize(
    ("table", "name", "raw", "expected"),
    [
        ("villages", "pv_kw", "200kW", 200),
        ("villages", "pv_kw", "200KW", 200),
        ("villages", "pv_kw", "200 kW", 200),
        ("villages", "pv_kw", "200千瓦", 200),
        ("villages", "pv_kw", "２００ｋＷ", 200),
        ("households", "homestead_m2", "31788平方米", 31788),
        ("households", "homestead_m2", "31,788平方米", 31788),
        ("households", "homestead_m2", "120.5平方米", 120.5),
    ],
)
def test_decimal_with_unit(table: str, name: str, raw: str, expected: float) -> None:
    assert parse(table, name, raw) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("table", "name", "raw", "expected"),
    [
        # A column in 万元 reads 元 by dividing by 10,000 ...
        ("villages", "collective_income_10k", "5000元", 0.5),
        ("villages", "collective_income_10k", "5,000元", 0.5),
        ("villages", "collective_income_10k", "3万元", 3),
        ("villages", "collective_income_10k", "3", 3),
        ("funds", "amount_10k", "5000元", 0.5),
        ("funds", "amount_10k", "120万元", 120),
        # ... and a column in 元 reads 万元 by multiplying by 10,000.
        ("households", "subsidy_yuan", "2万元", 20000),
        ("households", "subsidy_yuan", "1.5万元", 15000),
        ("households", "subsidy_yuan", "5000元", 5000),
        ("households", "subsidy_yuan", "5,000", 5000),
        ("households", "self_funded_yuan", "2万元", 20000),
        ("households", "income_per_capita_yuan", "４，５００元", 4500),
    ],
)
def test_money_converts_between_yuan_and_10k_yuan(table: str, name: str, raw: str, expected: float) -> None:
    assert parse(table, name, raw) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("table", "name", "raw"),
    [
        ("villages", "planned_households", "16人"),
        ("villages", "planned_people", "16户"),
        ("villages", "planned_people", "16kW"),
        ("villages", "pv_kw", "200元"),
        ("villages", "pv_kw", "200平方米"),
        ("villages", "collective_income_10k", "5000kW"),
        ("households", "subsidy_yuan", "200户"),
        ("households", "homestead_m2", "100元"),
        ("households", "people", "4间"),
        ("households", "people", "4斤"),
        ("funds", "amount_10k", "5美元"),
    ],
)
def test_wrong_unit_is_a_problem(table: str, name: str, raw: str) -> None:
    assert_problem(parse, table, name, raw)


def test_unit_on_a_number_without_a_unit_is_a_problem() -> None:
    assert_problem(values.parse_int, "16户")
    assert_problem(values.parse_decimal, "16元")


@given(st.integers(min_value=0, max_value=10**9))
@PROPERTY
def test_int_round_trips_through_clerk_spellings(n: int) -> None:
    for text in (str(n), f"{n:,}", full_width(str(n)), full_width(f"{n:,}"), f"\u3000{n} ", f"{n}户"):
        assert parse("villages", "planned_households", text) == n


@given(st.integers(min_value=0, max_value=10**9))
@PROPERTY
def test_yuan_and_10k_yuan_agree(n: int) -> None:
    in_10k = parse("villages", "collective_income_10k", f"{n}元")
    assert in_10k == pytest.approx(n / 10000)
    assert parse("households", "subsidy_yuan", f"{n}万元") == pytest.approx(n * 10000)


# --- dates --------------------------------------------------------------------------------

OCT13 = dt.date(2017, 10, 13)


@pytest.mark.parametrize(
    "raw",
    [
        "2017-10-13",
        "2017/10/13",
        "2017.10.13",
        "2017年10月13日",
        "20171013",
        " 2017-10-13 ",
        "２０１７年１０月１３日",
        "２０１７－１０－１３",
        "\u30002017/10/13\u3000",
        43021,
        43021.0,
        "43021",
        OCT13,
        dt.datetime(2017, 10, 13),
        dt.datetime(2017, 10, 13, 8, 30),
    ],
)
def test_date_in_every_listed_form(raw: Any) -> None:
    result = values.parse_date(raw)
    assert result == OCT13
    assert type(result) is dt.date


def test_date_with_single_digit_month_and_day() -> None:
    assert values.parse_date("2017-3-5") == dt.date(2017, 3, 5)
    assert values.parse_date("2017/3/5") == dt.date(2017, 3, 5)
    assert values.parse_date("2017年3月5日") == dt.date(2017, 3, 5)


def test_excel_serial_numbers() -> None:
    assert values.parse_date(43021) == OCT13
    assert values.parse_date(43101) == dt.date(2018, 1, 1)
    # A time of day in the serial does not move the day.
    assert values.parse_date(43021.75) == OCT13


@pytest.mark.parametrize(
    "raw",
    [
        "2017-02-30",
        "2017/02/30",
        "2017.02.30",
        "2017年2月30日",
        "20170230",
        "2017-13-01",
        "2018-02-29",
        "2017-00-10",
    ],
)
def test_impossible_date_is_a_problem(raw: str) -> None:
    assert_problem(values.parse_date, raw)


@pytest.mark.parametrize(
    "raw",
    ["明天", "abc", "2017", "2017-10", "10月13日", "13/10/2017", "10/13/2017", "2017-10-13-14", "是", True],
)
def test_nonsense_date_is_a_problem(raw: Any) -> None:
    assert_problem(values.parse_date, raw)


@given(st.dates(min_value=dt.date(1960, 1, 1), max_value=dt.date(2060, 12, 31)))
@PROPERTY
def test_every_date_form_round_trips(day: dt.date) -> None:
    y, m, d = day.year, day.month, day.day
    forms = [
        f"{y:04d}-{m:02d}-{d:02d}",
        f"{y:04d}/{m:02d}/{d:02d}",
        f"{y:04d}.{m:02d}.{d:02d}",
        f"{y}-{m}-{d}",
        f"{y}年{m}月{d}日",
        f"{y:04d}{m:02d}{d:02d}",
        full_width(f"{y:04d}-{m:02d}-{d:02d}"),
        (day - EXCEL_EPOCH).days,
        float((day - EXCEL_EPOCH).days),
        dt.datetime(y, m, d, 12, 0),
        day,
    ]
    for form in forms:
        assert values.parse_date(form) == day, form


# --- find_date: titles and file names -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "河曲县整村搬迁户台账（截至2017年10月13日）",
        "河曲县整村搬迁户台账(截至2017年10月13日)",
        "河曲县整村搬迁户台账（截至２０１７年１０月１３日）",
        "数据截至 2017年10月13日",
        "households_2017-10-13.csv",
        "村级台账20171013.xlsx",
        "村级台账2017.10.13.xlsx",
        "党组织台账_2017_10_13.xls",
        "截至2017/10/13",
    ],
)
def test_find_date_in_titles_and_file_names(text: str) -> None:
    assert values.find_date(text) == OCT13


@pytest.mark.parametrize("text", ["河曲县整村搬迁户台账", "households.csv", "台账20170230.xlsx", "", "第2批"])
def test_find_date_without_a_day_is_none(text: str) -> None:
    assert values.find_date(text) is None


@given(st.text(max_size=80))
@PROPERTY
def test_find_date_never_raises(text: str) -> None:
    result = values.find_date(text)
    assert result is None or isinstance(result, dt.date)


# --- booleans -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yes", "no"),
    [
        ("是", "否"),
        ("有", "无"),
        ("已", "未"),
        ("√", "×"),
        ("Y", "N"),
        ("y", "n"),
        ("1", "0"),
        (1, 0),
        (1.0, 0.0),
        (True, False),
        ("已迁移", "未迁移"),
        (" 是 ", "\u3000否\u3000"),
        ("１", "０"),
        ("Ｙ", "Ｎ"),
    ],
)
def test_booleans(yes: Any, no: Any) -> None:
    assert values.parse_bool(yes) is True
    assert values.parse_bool(no) is False


def test_boolean_columns_use_the_boolean_parser() -> None:
    assert parse("villages", "hukou_transferred", "已迁移") is True
    assert parse("households", "hukou_transferred", "未迁移") is False
    assert parse("households", "is_poor", "是") is True
    assert parse("party_orgs", "weak_lax", "否") is False
    assert parse("villages", "joint_branch", "√") is True


@pytest.mark.parametrize("raw", ["可能", "abc", "2", "待定", "?", "12345678"])
def test_boolean_nonsense_is_a_problem(raw: str) -> None:
    assert_problem(values.parse_bool, raw)


# --- batches ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("第一批", 1),
        ("第二批", 2),
        ("第三批", 3),
        ("1", 1),
        ("第2批", 2),
        ("第２批", 2),
        (" 第一批 ", 1),
        (1, 1),
        (2.0, 2),
    ],
)
def test_batches(raw: Any, expected: int) -> None:
    result = values.parse_batch(raw)
    assert result == expected
    assert type(result) is int
    assert parse("villages", "relocation_batch", raw) == expected
    assert parse("households", "relocation_batch", raw) == expected


@pytest.mark.parametrize(
    "raw", ["第零批", "0", "第0批", "abc", "第1.5批", 2.5, "一二", "-1", "第99999999999批"]
)
def test_batch_nonsense_is_a_problem(raw: Any) -> None:
    assert_problem(values.parse_batch, raw)


# --- enumerations and indicators ----------------------------------------------------------


@pytest.mark.parametrize("mode", schema.RESETTLEMENT_MODES)
def test_every_resettlement_mode_with_and_without_its_suffix(mode: str) -> None:
    assert parse("households", "resettlement_mode", mode) == mode
    assert parse("households", "resettlement_mode", mode.removesuffix("安置")) == mode
    assert parse("households", "resettlement_mode", f"\u3000{mode} ") == mode


# Every spelling a clerk may write and the canonical value it must become, written out here
# (docs/data-contract.md and the indicator table of docs/import-rules.md), never read back from tracker.contract.schema:
# a test that loops over the table it checks agrees with any table, swapped entries included.
ENUM_SPELLINGS: dict[tuple[str, str], dict[str, str]] = {
    ("households", "resettlement_mode"): {
        "县城集中安置": "县城集中安置", "县城集中": "县城集中安置", "县城安置": "县城集中安置",
        "中心村安置": "中心村安置", "中心村": "中心村安置", "中心村集中安置": "中心村安置",
        "邻村就近安置": "邻村就近安置", "邻村就近": "邻村就近安置", "邻村安置": "邻村就近安置", "就近安置": "邻村就近安置",
        "其他乡镇安置": "其他乡镇安置", "其他乡镇": "其他乡镇安置", "乡镇安置": "其他乡镇安置",
        "外县安置": "外县安置", "外县": "外县安置", "县外安置": "外县安置",
        "自主分散安置": "自主分散安置", "自主分散": "自主分散安置", "自主安置": "自主分散安置",
        # The national system's 集中安置 / 分散安置 with no sub-type stay what they say (issue 10).
        "集中安置": "集中安置", "分散安置": "分散安置",
        "集镇集中安置": "集镇集中安置", "集镇安置": "集镇集中安置", "其他集中安置": "其他集中安置",
        "插花安置": "插花安置", "投亲靠友安置": "投亲靠友安置", "投亲靠友": "投亲靠友安置",
        "其他分散安置": "其他分散安置",
    },
    ("villages", "relocation_status"): {
        "未启动": "未启动", "未开始": "未启动", "动员中": "动员中", "宣传动员": "动员中",
        "搬迁中": "搬迁中", "正在搬迁": "搬迁中", "已搬迁": "已搬迁", "搬迁完成": "已搬迁", "已完成": "已搬迁",
        "已拆除复垦": "已拆除复垦", "已拆除": "已拆除复垦", "已复垦": "已拆除复垦", "拆除复垦": "已拆除复垦",
        "已销号": "已销号", "销号": "已销号",
    },
    ("party_orgs", "rectification_status"): {
        "未整顿": "未整顿", "未开始": "未整顿", "整顿中": "整顿中", "正在整顿": "整顿中",
        "已整顿": "已整顿", "整顿完成": "已整顿", "已验收": "已验收", "验收": "已验收", "通过验收": "已验收",
    },
    ("villages", "poverty_class"): {
        "深度贫困村": "深度贫困村", "深度贫困": "深度贫困村", "贫困村": "贫困村", "贫困": "贫困村", "建档立卡贫困村": "贫困村",
        "非贫困村": "非贫困村", "非贫困": "非贫困村",
    },
    ("party_orgs", "org_type"): {
        "村党支部": "村党支部", "支部": "村党支部", "联合党支部": "联合党支部", "联合支部": "联合党支部",
        "社区党支部": "社区党支部", "流动党员党支部": "流动党员党支部", "流动党支部": "流动党员党支部",
    },
}  # fmt: skip


@pytest.mark.parametrize(("table", "name"), list(ENUM_SPELLINGS))
def test_enum_spellings_become_their_canonical_value(table: str, name: str) -> None:
    spellings = ENUM_SPELLINGS[(table, name)]
    assert {spelling: parse(table, name, spelling) for spelling in spellings} == spellings
    # Every alias the schema lists is one the table above expects (a new alias needs its expectation).
    assert set(schema.ENUM_ALIASES.get(name, {})) <= set(spellings)


INDICATOR_SPELLINGS: dict[str, str] = {
    # the keys themselves
    **{key: key for key in (
        "villages_completed", "households_moved", "people_moved", "zero_break_rate", "weak_orgs_rectified",
        "joint_branches", "hukou_transferred", "demolished_reclaimed", "homestead_reclaimed_m2", "funds_10k",
    )},
    # the Chinese labels
    "完成整村搬迁村数": "villages_completed", "搬迁入住户数": "households_moved", "搬迁入住人数": "people_moved",
    "集体经济破零率（%）": "zero_break_rate", "软弱涣散党组织整顿完成数": "weak_orgs_rectified",
    "搬迁村联合党支部数": "joint_branches", "户籍已迁移村数": "hukou_transferred",
    "旧房拆除复垦完成村数": "demolished_reclaimed", "宅基地腾退复垦面积（平方米）": "homestead_reclaimed_m2",
    "整合资金（万元）": "funds_10k",
    # what clerks write instead
    "完成搬迁村数": "villages_completed", "整村搬迁村数": "villages_completed",
    "搬迁户数": "households_moved", "搬迁人数": "people_moved",
    "破零率": "zero_break_rate", "集体经济破零率": "zero_break_rate",
    "软弱涣散党组织整顿": "weak_orgs_rectified", "联合党支部": "joint_branches", "联合支部": "joint_branches",
    "户籍迁移": "hukou_transferred", "拆除复垦": "demolished_reclaimed", "宅基地腾退面积": "homestead_reclaimed_m2",
    "整合资金": "funds_10k", "资金": "funds_10k",
}  # fmt: skip


def test_indicators_by_key_label_or_alias() -> None:
    parsed = {spelling: parse("targets", "indicator", spelling) for spelling in INDICATOR_SPELLINGS}
    assert parsed == INDICATOR_SPELLINGS
    assert set(schema.INDICATOR_ALIASES) <= set(INDICATOR_SPELLINGS)
    assert_problem(parse, "targets", "indicator", "幸福指数")


# Every header of docs/data-contract.md (and the national system's names it lists), with the column
# it must land in; headers the project added are pinned here as well.
COUNTY_HEADERS = {
    h: "county"
    for h in ("县", "县(市、区、旗)", "县(市、区)", "县(市)", "所属县", "县区", "县名称", "县市区")
}
TOWNSHIP_HEADERS = {
    h: "township" for h in ("乡镇", "乡(镇)", "所属乡镇", "乡镇名称", "镇", "乡", "乡镇(街道)")
}
HEADERS: dict[str, dict[str, str]] = {
    "villages": {
        # national village tables and county templates (issue 10)
        "村属性": "poverty_class", "中共党员人数": "party_members", "党员人数": "party_members",
        "村级集体经济收入": "collective_income_10k", "是否出列": "exited_poverty", "是否退出": "exited_poverty",
        "已出列": "exited_poverty",
        "乡镇": "township", "乡(镇)": "township", "所属乡镇": "township", "乡镇名称": "township",
        "村名": "village", "行政村": "village", "村": "village", "迁出村": "village", "村名称": "village",
        "村类别": "poverty_class", "贫困村类型": "poverty_class",
        "搬迁批次": "relocation_batch", "批次": "relocation_batch",
        "搬迁进度": "relocation_status", "搬迁状态": "relocation_status",
        "计划搬迁户数": "planned_households", "计划搬迁人数": "planned_people",
        "搬迁完成日期": "completed_on", "迁入村": "receiving_village", "安置村": "receiving_village",
        "户籍已迁移": "hukou_transferred", "户籍转移": "hukou_transferred",
        "联合党支部": "joint_branch", "已建联合支部": "joint_branch", "党员数": "party_members",
        "集体经济收入（万元）": "collective_income_10k", "村集体经济收入": "collective_income_10k",
        "村集体经济收入（万元）": "collective_income_10k",
        "光伏装机（千瓦）": "pv_kw", "光伏电站(kW)": "pv_kw",
        "县(市、区、旗)": "county", "县": "county",
    },
    "households": {
        # national person-level exports and relocation lists (issue 10)
        "身份证号码": "id_hash", "户主身份证号码": "id_hash", "家庭人口数": "people", "家庭人数": "people",
        "当前家庭人口数": "people", "搬迁地点": "resettled_at", "迁入地": "resettled_at", "安置点名称": "resettled_at",
        "安置点": "resettled_at", "入住时间": "moved_on", "搬迁年度": "relocation_year", "搬迁年份": "relocation_year",
        "人均纯收入": "income_per_capita_yuan",
        "户编号": "household_id", "户码": "household_id", "户号": "household_id",
        "户主身份证号": "id_hash", "身份证号": "id_hash", "证件号码": "id_hash", "户主证件号码": "id_hash",
        "户主": "head_name_masked", "户主姓名": "head_name_masked", "姓名": "head_name_masked",
        "乡镇": "township", "乡(镇)": "township", "迁出村": "village", "村名": "village", "行政村": "village",
        "搬迁批次": "relocation_batch", "批次": "relocation_batch",
        "是否贫困户": "is_poor", "贫困户": "is_poor", "建档立卡贫困户": "is_poor",
        "人口数": "people", "家庭人口": "people", "搬迁人数": "people", "人数": "people",
        "安置方式": "resettlement_mode", "安置地点": "resettled_at",
        "入住日期": "moved_on", "搬迁日期": "moved_on",
        "拆除房屋（间）": "rooms_demolished", "拆除间数": "rooms_demolished",
        "宅基地腾退面积（平方米）": "homestead_m2", "腾退面积": "homestead_m2",
        "已复垦": "reclaimed", "复垦": "reclaimed",
        "奖补资金（元）": "subsidy_yuan", "自筹资金（元）": "self_funded_yuan",
        "户籍已迁移": "hukou_transferred", "户籍迁移": "hukou_transferred",
        "人均年收入（元）": "income_per_capita_yuan", "后续扶持": "livelihood", "就业途径": "livelihood",
        "县(市、区、旗)": "county",
    },
    "party_orgs": {
        "乡镇": "township", "党组织名称": "org_name", "支部名称": "org_name", "组织类型": "org_type",
        "党员数": "members", "软弱涣散": "weak_lax", "是否软弱涣散": "weak_lax",
        "整顿状态": "rectification_status", "整顿进度": "rectification_status", "整顿完成日期": "rectified_on",
        "第一书记": "first_secretary", "流动党员数": "floating_members",
    },
    "funds": {
        "项目名称": "purpose",
        "资金来源": "source", "资金类别": "source", "金额（万元）": "amount_10k", "金额": "amount_10k",
        "乡镇": "township", "村名": "village", "拨付日期": "allocated_on", "用途": "purpose",
    },
    "targets": {
        "指标": "indicator", "批次": "relocation_batch", "搬迁批次": "relocation_batch", "乡镇": "township",
        "目标值": "target", "完成时限": "due", "说明": "label",
    },
}  # fmt: skip


@pytest.mark.parametrize("table", list(HEADERS))
def test_every_header_names_its_contract_column(table: str) -> None:
    from tracker.ingest.header_names import column_for

    expected = COUNTY_HEADERS | TOWNSHIP_HEADERS | HEADERS[table]
    assert {header: column_for(table, header) for header in expected} == expected
    # Written with spaces, half-width brackets or a unit, a header still names its column.
    assert column_for(table, " 乡 镇 ") == "township"
    # Derived columns (数据截至) are set by the import, never read from a file.
    listed = {h for col in schema.TABLES[table].columns if not col.derived for h in col.headers}
    assert listed <= set(expected), f"headers without an expected column: {sorted(listed - set(expected))}"


@pytest.mark.parametrize(
    ("table", "name", "raw"),
    [
        ("households", "resettlement_mode", "火星安置"),
        ("households", "resettlement_mode", "县城"),
        ("villages", "relocation_status", "差不多了"),
        ("villages", "poverty_class", "富裕村"),
        ("party_orgs", "org_type", "委员会"),
        ("party_orgs", "rectification_status", "已搬迁"),
    ],
)
def test_unknown_enum_value_is_a_problem(table: str, name: str, raw: str) -> None:
    assert_problem(parse, table, name, raw)


# --- every parser of every column: a value or a ValueProblem, never anything else ---------

EXCLUDED_KINDS = {"township", "id_number", "person_name"}
COLUMNS = [
    (table.name, col)
    for table in schema.TABLES.values()
    for col in table.columns
    if col.kind not in EXCLUDED_KINDS
]

CLERK_ALPHABET = (
    "0123456789.,-+eE 　年月日号/户人间元万千瓦kKwWmM²㎡平方米第批次一二三十是否已未有无√×YN"
    "０１２３４５６７８９，．"
)

RAW_CELLS = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.text(alphabet=CLERK_ALPHABET, max_size=20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)


def _check_result(col: schema.Column, result: Any) -> None:
    """A parsed value has the type its column's SQL type stores."""
    if result is None:
        return
    if col.kind in {"int", "batch", "year"}:
        assert type(result) is int
        assert -INT32_MAX - 1 <= result <= INT32_MAX, f"{result} does not fit an INTEGER column"
    elif col.kind == "decimal":
        assert isinstance(result, float) and math.isfinite(result)
    elif col.kind == "date":
        assert type(result) is dt.date
    elif col.kind == "bool":
        assert type(result) is bool
    elif col.kind == "enum":
        assert result in col.choices
    elif col.kind == "indicator":
        assert result in schema.INDICATORS
    else:
        assert isinstance(result, str) and result == result.strip() and result


@pytest.mark.parametrize(("table", "col"), COLUMNS, ids=[f"{t}.{c.name}" for t, c in COLUMNS])
@given(raw=RAW_CELLS)
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_parser_returns_a_value_or_a_value_problem(table: str, col: schema.Column, raw: Any) -> None:
    parser = values.parser_for(col)
    try:
        result = parser(raw)
    except ValueProblem as problem:
        assert CJK.search(str(problem)), f"ValueProblem message not in Chinese: {problem}"
        return
    _check_result(col, result)


@given(col=st.sampled_from([c for _, c in COLUMNS]), raw=RAW_CELLS)
@PROPERTY
def test_any_column_any_cell(col: schema.Column, raw: Any) -> None:
    try:
        result = values.parser_for(col)(raw)
    except ValueProblem as problem:
        assert CJK.search(str(problem))
        return
    _check_result(col, result)
