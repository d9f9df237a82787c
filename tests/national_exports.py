"""Files laid out as the real exports are: the national poverty-alleviation information system's
(全国扶贫开发信息系统) person-level 建档立卡 export, its village table, and the county templates
clerks also send (a relocation household table with a three-row merged header, a wide fund
ledger, a family-member list, a project template, a 党内统计 summary table).

Column names follow the national system's exports (县(市、区、旗), 乡(镇), 行政村, 自然村,
户编号, 人编号, 姓名, 证件号码, 人数, 与户主关系, 民族, 文化程度 …). Every person is
synthetic; ID numbers carry valid check digits. Each builder documents the figures a
correct import gives, counted by hand from the rows written here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from tests.exports import id_number, write_xlsx

# --------------------------------------------------------------------------- person-level export

PERSON_HEADER = [
    "序号", "县(市、区、旗)", "乡(镇)", "行政村", "自然村", "户编号", "人编号", "姓名", "证件号码", "人数",
    "与户主关系", "民族", "文化程度", "在校生状况", "健康状况", "劳动技能", "务工时间（月）",
    "是否参加大病保险", "致贫原因1", "危房户", "人均纯收入", "户联系电话",
]  # fmt: skip

# Five households of 巡镇镇, one row per person: (village, household number, [(name, relation)]).
# Heads: 5 households; people: 3 + 1 + 4 + 2 + 5 = 15.
PERSON_HOUSEHOLDS = [
    ("下榆皮洼村", "1409301030110001", [("刘福田", "户主"), ("王秀英", "配偶"), ("刘小军", "之子")]),
    ("下榆皮洼村", "1409301030110002", [("张金良", "户主")]),
    (
        "上榆皮洼村",
        "1409301030120003",
        [("李建国", "户主"), ("赵桂兰", "配偶"), ("李玉梅", "之女"), ("李志强", "之子")],
    ),
    ("上榆皮洼村", "1409301030120004", [("陈海根", "户主"), ("周秀英", "配偶")]),
    (
        "上榆皮洼村",
        "1409301030120005",
        [("杨引师", "户主"), ("吴桂兰", "配偶"), ("杨小军", "之子"), ("杨玉梅", "之女"), ("杨福田", "孙子")],
    ),
]
PERSON_EXPORT_HOUSEHOLDS = 5
PERSON_EXPORT_PEOPLE = 15
PERSON_NAMES = [name for _, _, people in PERSON_HOUSEHOLDS for name, _ in people]


def _person_rows(with_count: bool = True) -> list[list[Any]]:
    rows, number = [], 0
    for village, household, people in PERSON_HOUSEHOLDS:
        for order, (name, relation) in enumerate(people, 1):
            number += 1
            birth = f"{1950 + number * 3}0{1 + number % 9}1{number % 10}"
            row = [
                number, "河曲县", "巡镇镇", village, "后沟", household, f"{household}{order:02d}", name,
                id_number(f"140930{birth}{100 + number:03d}"), len(people) if with_count else "", relation,
                "汉族", "小学", "非在校生", "健康", "普通劳动力", "6", "是", "缺资金", "否", "3560", "",
            ]  # fmt: skip
            if not with_count:
                row = row[:9] + row[10:]
            rows.append(row)
    return rows


def write_person_export(path: Path, with_count: bool = True) -> Path:
    """The person-level 建档立卡 export of one township as the national system writes it: GBK,
    CRLF, every data row ending in a comma (one empty field more than the header).
    Without with_count the 人数 column is left out: people are the rows of each household."""
    header = PERSON_HEADER if with_count else [h for h in PERSON_HEADER if h != "人数"]
    lines = [",".join(header)]
    lines += [",".join(str(v) for v in row) + "," for row in _person_rows(with_count)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path


# --------------------------------------------------------------------------- village table

VILLAGE_TABLE_HEADER = [
    "序号", "县(市、区、旗)", "乡(镇)", "行政村", "村属性", "是否出列", "户籍人口", "建档立卡户数",
    "中共党员人数", "村级集体经济收入（万元）",
]  # fmt: skip
# Five villages of 赵家沟乡: 3 with collective income > 0 (破零), 27 party members, 2 exited.
VILLAGE_TABLE_ROWS = [
    [1, "河曲县", "赵家沟乡", "葫芦山村", "贫困村", "否", 412, 61, 9, "0"],
    [2, "河曲县", "赵家沟乡", "枪佛也村", "贫困村", "是", 388, 47, 6, "2.5"],
    [3, "河曲县", "赵家沟乡", "后沟村", "深度贫困村", "否", 205, 55, 4, "0"],
    [4, "河曲县", "赵家沟乡", "前桥滩村", "非贫困村", "", 530, 12, 5, "6.8"],
    [5, "河曲县", "赵家沟乡", "石窑村", "贫困村", "是", 301, 33, 3, "1.2"],
]
VILLAGE_TABLE_PAST_ZERO = 3
VILLAGE_TABLE_PARTY_MEMBERS = 27
VILLAGE_TABLE_INCOME = 10.5


def write_village_table(path: Path) -> Path:
    """The national system's 贫困村基本信息 table: five villages, an XLSX with a title row."""
    title = ["贫困村基本信息表（截至2017年10月13日）"] + [None] * (len(VILLAGE_TABLE_HEADER) - 1)
    return write_xlsx(
        path, [title, VILLAGE_TABLE_HEADER, *VILLAGE_TABLE_ROWS], merges=["A1:J1"], sheet="贫困村"
    )


# --------------------------------------------------------------------------- relocation households

# A county template with a three-row merged header, title above:
#   row 2: 基本情况 (A:G)                                  | 搬迁安置情况 (H:L)
#   row 3: 序号 | 户编号 | 户主 (C:D) | 家庭人口数 | 镇 | 行政村 | 安置方式 | 安置类型 | 安置点名称 | 入住时间 | 搬迁年度
#   row 4:      |        | 姓名 | 身份证号码 |
RELOCATION_ROWS: list[list[Any]] = [
    # 户编号, 户主, ID body, 家庭人口数, 镇, 行政村, 安置方式, 安置类型, 安置点名称, 入住时间, 搬迁年度
    ["1409302080210001", "郝海根", "14093019600312111", 3, "赵家沟乡", "葫芦山村", "集中安置", "县城", "文笔新区安置点", "2017年9月", "2017"],
    ["1409302080210002", "郝引师", "14093019580715112", 2, "赵家沟乡", "葫芦山村", "集中安置", "中心村", "巡镇中心村", "2017年12月", "2017年"],
    ["1409302080210003", "韩福田", "14093019700101113", 4, "赵家沟乡", "葫芦山村", "集中安置", "集镇", "楼子营集镇", "", 2018],
    ["1409301030310004", "白金良", "14093019660505114", 5, "巡镇", "下榆皮洼村", "分散安置", "插花", "上榆皮洼村", "2017年8月", "2017年度"],
    ["1409301030310005", "白建国", "14093019750909115", 1, "巡镇", "下榆皮洼村", "分散安置", "投亲靠友", "保德县", "2017年10月", "2017"],
    ["1409301030310006", "白志强", "14093019801212116", 2, "巡镇", "下榆皮洼村", "分散安置", "其他", "", "", "2018"],
]  # fmt: skip
# By hand: 6 households, 17 people; 赵家沟乡 3 / 9, 巡镇镇 3 / 8.
RELOCATION_MODES = ["县城集中安置", "中心村安置", "集镇集中安置", "插花安置", "投亲靠友安置", "其他分散安置"]
RELOCATION_MOVED_ON = ["2017-09-30", "2017-12-31", None, "2017-08-31", "2017-10-31", None]
RELOCATION_YEARS = [2017, 2017, 2018, 2017, 2017, 2018]
# Moved by 2017-10-13 (入住 on or before it): 2017-09-30 and 2017-08-31 → 2 households, 3 + 5 = 8 people.
RELOCATION_MOVED = (2, 8)


def write_relocation_table(path: Path) -> Path:
    """The relocation household table: three header rows under merged cells, the day in the title."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "搬迁户"
    ws.append(["河曲县易地扶贫搬迁建档立卡户信息表（截至2017年10月13日）"] + [None] * 11)
    ws.append(["基本情况", None, None, None, None, None, None, "搬迁安置情况", None, None, None, None])
    ws.append(["序号", "户编号", "户主", None, "家庭人口数", "镇", "行政村", "安置方式", "安置类型", "安置点名称", "入住时间", "搬迁年度"])  # fmt: skip
    ws.append([None, None, "姓名", "身份证号码", None, None, None, None, None, None, None, None])
    for number, row in enumerate(RELOCATION_ROWS, 1):
        household, head, body, people, town, village, mode, kind, place, moved, year = row
        ws.append(
            [number, household, head, id_number(body), people, town, village, mode, kind, place, moved, year]
        )
    for cell in ws["B"]:
        cell.number_format = "@"
    ws.merge_cells("A1:L1")
    ws.merge_cells("A2:G2")
    ws.merge_cells("H2:L2")
    ws.merge_cells("C3:D3")
    for column in "ABEFGHIJKL":
        ws.merge_cells(f"{column}3:{column}4")
    book.save(path)
    return path


# --------------------------------------------------------------------------- wide fund ledger

# Title, then a three-row header: 资金来源（万元） over 合计, 财政资金 (over 中央/省级/市级/县级) and 社会资金.
FUND_ROWS: list[list[Any]] = [
    # 乡镇, 村名, 项目名称, 合计, 中央, 省级, 市级, 县级, 社会, 拨付日期
    ["赵家沟乡", "葫芦山村", "安置区道路", 125.5, 100, 20, 0, 5.5, None, "2017-08-15"],
    ["巡镇镇", "上榆皮洼村", "光伏电站", 42, None, None, None, 12, 30, "2017年9月"],
    [None, None, "县城安置小区", 250.25, 250.25, 0, 0, 0, 0, "2017-06-30"],
]
# By hand: allocations 3 + 2 + 1 = 6; total 125.5 + 42 + 250.25 = 417.75;
# by source 中央资金 350.25, 省级资金 20, 县级资金 17.5, 社会资金 30; county level 250.25.
FUND_ALLOCATIONS = 6
FUND_TOTAL = 417.75
FUND_BY_SOURCE = {"中央资金": 350.25, "省级资金": 20.0, "县级资金": 17.5, "社会资金": 30.0}


def write_wide_fund_ledger(path: Path) -> Path:
    """A wide fund ledger: one amount column per source, three merged header rows, a 合计 row."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "资金拨付"
    ws.append(["河曲县统筹整合财政涉农资金拨付台账（截至2017年10月13日）"] + [None] * 10)
    ws.append(
        ["序号", "乡镇", "村名", "项目名称", "资金来源（万元）", None, None, None, None, None, "拨付日期"]
    )
    ws.append([None, None, None, None, "合计", "财政资金", None, None, None, "社会资金", None])
    ws.append([None, None, None, None, None, "中央资金", "省级资金", "市级资金", "县级资金", None, None])
    for number, row in enumerate(FUND_ROWS, 1):
        ws.append([number, *row])
    ws.append(["合计", None, None, None, FUND_TOTAL, 350.25, 20, 0, 17.5, 30, None])
    ws.merge_cells("A1:K1")
    ws.merge_cells("E2:J2")
    ws.merge_cells("F3:I3")
    for column in "ABCDK":
        ws.merge_cells(f"{column}2:{column}4")
    for column in "EJ":
        ws.merge_cells(f"{column}3:{column}4")
    book.save(path)
    return path


# --------------------------------------------------------------------------- files that are not ledgers

FAMILY_HEADER = [
    "序号",
    "乡镇",
    "村",
    "户编号",
    "户主姓名",
    "家庭成员姓名",
    "与户主关系",
    "性别",
    "身份证号码",
    "出生日期",
]


def write_family_list(path: Path) -> Path:
    """A county's 易迁户家庭人员 list: one row per family member, several per 户编号, no
    column of a village ledger (and no 迁出村/村名, so not a household ledger either)."""
    rows: list[list[Any]] = [["赵家沟乡易迁户家庭人员花名册（截至2017年10月13日）"], FAMILY_HEADER]
    members = [
        ("1409302080010001", "张海根", [("张海根", "户主"), ("李秀英", "配偶"), ("张小军", "之子")]),
        ("1409302080010002", "李引师", [("李引师", "户主"), ("王桂兰", "配偶")]),
    ]
    number = 0
    for household, head, people in members:
        for name, relation in people:
            number += 1
            sex = "男" if relation in ("户主", "之子") else "女"
            rows.append(
                [number, "赵家沟乡", "葫芦山村", household, head, name, relation, sex,
                 id_number(f"1409301965071{number:03d}1"), "1965-07-12"]
            )  # fmt: skip
    return write_xlsx(path, rows, merges=["A1:J1"], text_columns=(4, 9))


def write_project_template(path: Path) -> Path:
    """A county's 扶贫项目库 import template, filled in: projects with where, what and how much —
    a plan, not a village ledger nor an allocation ledger (no 拨付日期)."""
    rows = [
        ["2018年度河曲县脱贫攻坚项目库入库项目表"] + [None] * 12,
        ["序号", "项目名称", "项目类别", "建设性质", "实施地点", None, "建设内容", "建设规模", "资金规模（万元）", None, None, "受益户数", "责任单位"],
        [None, None, None, None, "乡镇", "村", None, None, "合计", "财政专项资金", "其他资金", None, None],
        [1, "葫芦山村光伏扶贫电站", "产业发展", "新建", "赵家沟乡", "葫芦山村", "村级光伏电站", "300kW", 240, 200, 40, 61, "县扶贫办"],
        [2, "下榆皮洼村通村道路硬化", "基础设施", "改建", "巡镇镇", "下榆皮洼村", "道路硬化", "3.2公里", 96, 96, 0, 16, "县交通局"],
    ]  # fmt: skip
    merges = ["A1:M1", "E2:F2", "I2:K2"] + [f"{c}2:{c}3" for c in "ABCDGHLM"]
    return write_xlsx(path, rows, merges=merges)


# A 党内统计 table: rows are categories with a 总计, columns are counts.
PARTY_STATISTICS = [
    ["河曲县党组织和党员统计表（截至2017年10月13日）", None, None, None, None, None],
    ["项目", "基层党组织数", "党委", "党总支", "党支部", "党员数"],
    ["总计", 412, 15, 21, 376, 9875],
    ["乡镇", 13, 13, 0, 0, 1203],
    ["村", 340, 0, 12, 328, 6521],
    ["社区", 9, 2, 3, 4, 611],
    ["机关", 50, 0, 6, 44, 1540],
]


def write_party_statistics(path: Path) -> Path:
    """A 党内统计 summary form: 总计, 乡镇, 村, 社区, 机关 as row labels, counts as columns."""
    return write_xlsx(path, PARTY_STATISTICS, merges=["A1:F1"], sheet="党内统计")
