"""The data contract as code: tables, canonical columns, header aliases and value kinds.

Everything the importer, the store and the queries know about the meaning of the
exported records comes from here, so that `docs/data-contract.md` has one
place to be checked against. Headers are matched after normalisation (see
`tracker.ingest.headers`), so aliases are written here the way the contract writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Ordered stages: the order is meaningful ("已搬迁 or later" means completed).
RELOCATION_STAGES: tuple[str, ...] = ("未启动", "动员中", "搬迁中", "已搬迁", "已拆除复垦", "已销号")
COMPLETED_STAGES: tuple[str, ...] = RELOCATION_STAGES[3:]
RECTIFICATION_STAGES: tuple[str, ...] = ("未整顿", "整顿中", "已整顿", "已验收")
POVERTY_CLASSES: tuple[str, ...] = ("深度贫困村", "贫困村", "非贫困村")
ORG_TYPES: tuple[str, ...] = ("村党支部", "联合党支部", "社区党支部", "流动党员党支部")
# The county's own modes first (their order is the charts' order and colours), then the
# national system's: 集中安置 (concentrated) or 分散安置 (dispersed), each with a sub-type.
RESETTLEMENT_MODES: tuple[str, ...] = (
    "县城集中安置",
    "中心村安置",
    "邻村就近安置",
    "其他乡镇安置",
    "外县安置",
    "自主分散安置",
    "集镇集中安置",
    "其他集中安置",
    "集中安置",  # 集中安置 with no sub-type given
    "插花安置",
    "投亲靠友安置",
    "其他分散安置",
    "分散安置",  # 分散安置 with no sub-type given
)
# The national system writes 安置方式 as 集中安置 / 分散安置 and the sub-type beside it (or in
# the same cell: 集中安置-县城): (group, sub-type) -> mode. An empty sub-type keeps the group
# alone rather than guessing one (集中安置 is not 县城集中安置).
RESETTLEMENT_SUBTYPES: dict[tuple[str, str], str] = {
    ("集中", "县城"): "县城集中安置",
    ("集中", "中心村"): "中心村安置",
    ("集中", "集镇"): "集镇集中安置",
    ("集中", "其他"): "其他集中安置",
    ("集中", ""): "集中安置",
    ("分散", "插花"): "插花安置",
    ("分散", "投亲靠友"): "投亲靠友安置",
    ("分散", "其他"): "其他分散安置",
    ("分散", "自主"): "自主分散安置",
    ("分散", ""): "分散安置",
}

# Spellings clerks use for the enumerations, beyond the canonical value itself
# and the canonical value without its "安置" suffix (which every mode accepts).
ENUM_ALIASES: dict[str, dict[str, str]] = {
    "resettlement_mode": {
        "县城安置": "县城集中安置",
        "邻村安置": "邻村就近安置",
        "就近安置": "邻村就近安置",
        "中心村集中安置": "中心村安置",
        "外县": "外县安置",
        "县外安置": "外县安置",
        "自主安置": "自主分散安置",
        "集镇安置": "集镇集中安置",
        "投亲靠友": "投亲靠友安置",
        "乡镇安置": "其他乡镇安置",
    },
    "relocation_status": {
        "未开始": "未启动",
        "宣传动员": "动员中",
        "正在搬迁": "搬迁中",
        "搬迁完成": "已搬迁",
        "已完成": "已搬迁",
        "已拆除": "已拆除复垦",
        "已复垦": "已拆除复垦",
        "拆除复垦": "已拆除复垦",
        "销号": "已销号",
    },
    "rectification_status": {
        "未开始": "未整顿",
        "正在整顿": "整顿中",
        "整顿完成": "已整顿",
        "验收": "已验收",
        "通过验收": "已验收",
    },
    "poverty_class": {
        "深度贫困": "深度贫困村",
        "贫困": "贫困村",
        "非贫困": "非贫困村",
        # 村属性 in the national village table
        "建档立卡贫困村": "贫困村",
    },
    "org_type": {"支部": "村党支部", "联合支部": "联合党支部", "流动党支部": "流动党员党支部"},
}

# Indicator keys a targets row may name; the dashboard computes the actual of each.
INDICATORS: dict[str, str] = {
    "villages_completed": "完成整村搬迁村数",
    "households_moved": "搬迁入住户数",
    "people_moved": "搬迁入住人数",
    "zero_break_rate": "集体经济破零率（%）",
    "weak_orgs_rectified": "软弱涣散党组织整顿完成数",
    "joint_branches": "搬迁村联合党支部数",
    "hukou_transferred": "户籍已迁移村数",
    "demolished_reclaimed": "旧房拆除复垦完成村数",
    "homestead_reclaimed_m2": "宅基地腾退复垦面积（平方米）",
    "funds_10k": "整合资金（万元）",
}
# Chinese labels clerks may write instead of the key.
INDICATOR_ALIASES: dict[str, str] = {label: key for key, label in INDICATORS.items()} | {
    "完成搬迁村数": "villages_completed",
    "整村搬迁村数": "villages_completed",
    "搬迁户数": "households_moved",
    "搬迁人数": "people_moved",
    "破零率": "zero_break_rate",
    "集体经济破零率": "zero_break_rate",
    "软弱涣散党组织整顿": "weak_orgs_rectified",
    "联合党支部": "joint_branches",
    "联合支部": "joint_branches",
    "户籍迁移": "hukou_transferred",
    "拆除复垦": "demolished_reclaimed",
    "宅基地腾退面积": "homestead_reclaimed_m2",
    "整合资金": "funds_10k",
    "资金": "funds_10k",
}


@dataclass(frozen=True)
class Column:
    """One canonical column: its name in SQL, the headers clerks give it, and its kind.

    kind is one of: text, code (a number kept as text, such as 户编号), int, year,
    decimal, date, bool, enum, batch, township, id_number (stored as id_hash),
    person_name (stored masked), indicator.
    `unit` names what a number counts, so that `16户` or `200kW` can be read and a
    money value in 元 can be told from one in 万元.
    """

    name: str
    headers: tuple[str, ...]
    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    unit: str | None = None
    sql_type: str = "VARCHAR"
    # Set by the importer, never read from a file (no header names it).
    derived: bool = False


def _c(name: str, headers: str, kind: str = "text", **kw: object) -> Column:
    sql_type = {
        "int": "INTEGER",
        "year": "INTEGER",
        "batch": "INTEGER",
        "decimal": "DOUBLE",
        "date": "DATE",
        "bool": "BOOLEAN",
    }.get(kind, "VARCHAR")
    return Column(name, tuple(h.strip() for h in headers.split("/")), kind, sql_type=sql_type, **kw)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Table:
    """One record type of the contract."""

    name: str
    label: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # Headers that, when found, make this table the likely record type.
    signature: tuple[str, ...] = field(default=())

    def column(self, name: str) -> Column:
        """The column called name."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the columns every row must fill."""
        return tuple(c.name for c in self.columns if c.required)

    @property
    def read_columns(self) -> tuple[Column, ...]:
        """The columns a file may hold (the derived ones are the importer's)."""
        return tuple(c for c in self.columns if not c.derived)

    @property
    def units(self) -> tuple[str, ...]:
        """The columns naming an import's unit of coverage (see tracker.ingest.coverage)."""
        names = {c.name for c in self.columns}
        return (COUNTY, "township") if "township" in names and self.name != "targets" else (COUNTY,)


TOWNSHIP_HEADERS = "乡镇 / 乡(镇) / 所属乡镇 / 乡镇名称 / 镇 / 乡 / 乡镇(街道)"
# The day each township's rows are from: a file that covers some townships replaces only
# theirs, so one snapshot may hold townships last reported on different days.
TOWNSHIP_AS_OF = "township_as_of"
# Added to the contract for city and province deployments: which county a row belongs to.
# A one-county deployment may leave it out (it is filled in); several counties need it
# unless the township's name says which county it is.
COUNTY = "county"
COUNTY_HEADERS = "县 / 县(市、区、旗) / 县(市、区) / 县(市) / 所属县 / 县区 / 县名称 / 县市区"

VILLAGES = Table(
    "villages",
    "村级台账",
    (
        _c(COUNTY, COUNTY_HEADERS, "county"),
        _c("township", TOWNSHIP_HEADERS, "township", required=True),
        _c("village", "村名 / 行政村 / 村 / 迁出村 / 村名称", required=True),
        _c("poverty_class", "村类别 / 贫困村类型 / 村属性", "enum", choices=POVERTY_CLASSES),
        _c("relocation_batch", "搬迁批次 / 批次", "batch", minimum=1),
        _c("relocation_status", "搬迁进度 / 搬迁状态", "enum", choices=RELOCATION_STAGES),
        _c("planned_households", "计划搬迁户数", "int", minimum=0, unit="户"),
        _c("planned_people", "计划搬迁人数", "int", minimum=0, unit="人"),
        _c("completed_on", "搬迁完成日期", "date"),
        _c("receiving_village", "迁入村 / 安置村"),
        _c("hukou_transferred", "户籍已迁移 / 户籍转移", "bool"),
        _c("joint_branch", "联合党支部 / 已建联合支部", "bool"),
        _c("party_members", "党员数 / 中共党员人数 / 党员人数", "int", minimum=0, unit="人"),
        _c(
            "collective_income_10k",
            "集体经济收入（万元） / 村集体经济收入 / 村级集体经济收入",
            "decimal",
            minimum=0,
            unit="万元",
        ),
        _c("pv_kw", "光伏装机（千瓦） / 光伏电站(kW)", "decimal", minimum=0, unit="kW"),
        # Added for the national village table: whether a poor village has exited poverty (出列).
        _c("exited_poverty", "是否出列 / 是否退出 / 已出列", "bool"),
        _c(TOWNSHIP_AS_OF, "数据截至", "date", derived=True),
    ),
    key=("county", "township", "village"),
    signature=("搬迁进度", "村类别", "集体经济收入", "计划搬迁户数", "光伏装机", "迁入村"),
)

HOUSEHOLDS = Table(
    "households",
    "搬迁户台账",
    (
        _c(COUNTY, COUNTY_HEADERS, "county"),
        _c("household_id", "户编号 / 户码 / 户号", "code", required=True),
        _c(
            "id_hash",
            "户主身份证号 / 身份证号 / 证件号码 / 户主证件号码 / 身份证号码 / 户主身份证号码",
            "id_number",
        ),
        _c("head_name_masked", "户主 / 户主姓名 / 姓名", "person_name"),
        _c("township", TOWNSHIP_HEADERS, "township", required=True),
        _c("village", "迁出村 / 村名 / 行政村", required=True),
        _c("relocation_batch", "搬迁批次 / 批次", "batch", minimum=1),
        _c("is_poor", "是否贫困户 / 贫困户 / 建档立卡贫困户", "bool"),
        _c(
            "people",
            "人口数 / 家庭人口 / 搬迁人数 / 人数 / 家庭人口数 / 家庭人数 / 当前家庭人口数",
            "int",
            required=True,
            minimum=1,
            unit="人",
        ),
        _c("resettlement_mode", "安置方式", "enum", choices=RESETTLEMENT_MODES),
        _c("resettled_at", "安置地点 / 搬迁地点 / 迁入地 / 安置点名称 / 安置点"),
        _c("moved_on", "入住日期 / 搬迁日期 / 入住时间", "date"),
        # Added for the national relocation export: the year the household is planned to move.
        _c("relocation_year", "搬迁年度 / 搬迁年份", "year"),
        _c("rooms_demolished", "拆除房屋（间） / 拆除间数", "int", minimum=0, unit="间"),
        _c("homestead_m2", "宅基地腾退面积（平方米） / 腾退面积", "decimal", minimum=0, unit="m2"),
        _c("reclaimed", "已复垦 / 复垦", "bool"),
        _c("subsidy_yuan", "奖补资金（元）", "decimal", minimum=0, unit="元"),
        _c("self_funded_yuan", "自筹资金（元）", "decimal", minimum=0, unit="元"),
        _c("hukou_transferred", "户籍已迁移 / 户籍迁移", "bool"),
        _c("income_per_capita_yuan", "人均年收入（元） / 人均纯收入", "decimal", minimum=0, unit="元"),
        _c("livelihood", "后续扶持 / 就业途径"),
        _c(TOWNSHIP_AS_OF, "数据截至", "date", derived=True),
    ),
    key=("household_id",),
    signature=("户编号", "安置方式", "入住日期", "户主", "人口数", "与户主关系"),
)

PARTY_ORGS = Table(
    "party_orgs",
    "党组织台账",
    (
        _c(COUNTY, COUNTY_HEADERS, "county"),
        _c("township", TOWNSHIP_HEADERS, "township", required=True),
        _c("org_name", "党组织名称 / 支部名称", required=True),
        _c("org_type", "组织类型", "enum", choices=ORG_TYPES),
        _c("members", "党员数", "int", minimum=0, unit="人"),
        _c("weak_lax", "软弱涣散 / 是否软弱涣散", "bool"),
        _c("rectification_status", "整顿状态 / 整顿进度", "enum", choices=RECTIFICATION_STAGES),
        _c("rectified_on", "整顿完成日期", "date"),
        _c("first_secretary", "第一书记"),
        _c("floating_members", "流动党员数", "int", minimum=0, unit="人"),
        _c(TOWNSHIP_AS_OF, "数据截至", "date", derived=True),
    ),
    key=("county", "township", "org_name"),
    signature=("党组织名称", "支部名称", "软弱涣散", "整顿状态"),
)

FUNDS = Table(
    "funds",
    "资金台账",
    (
        _c(COUNTY, COUNTY_HEADERS, "county"),
        _c("source", "资金来源 / 资金类别", required=True),
        _c("amount_10k", "金额（万元） / 金额", "decimal", required=True, minimum=0, unit="万元"),
        _c("township", TOWNSHIP_HEADERS, "township"),
        _c("village", "村名"),
        _c("allocated_on", "拨付日期", "date"),
        _c("purpose", "用途 / 项目名称"),
        _c(TOWNSHIP_AS_OF, "数据截至", "date", derived=True),
    ),
    key=(),
    signature=("资金来源", "资金类别", "拨付日期"),
)

TARGETS = Table(
    "targets",
    "目标任务",
    (
        _c(COUNTY, COUNTY_HEADERS, "county"),
        _c("indicator", "指标", "indicator", required=True),
        _c("relocation_batch", "批次 / 搬迁批次", "batch", minimum=1),
        _c("township", TOWNSHIP_HEADERS, "township"),
        _c("target", "目标值", "decimal", required=True),
        _c("due", "完成时限", "date"),
        _c("label", "说明"),
    ),
    key=("indicator", "relocation_batch", "county", "township"),
    signature=("指标", "目标值", "完成时限"),
)

# 包保责任台账: who answers for each relocation village and each weak party organisation, and the
# backward-planned schedule (倒排工期) it commits to. One row per item: a village row fills 村名 and
# the relocation dates, an organisation row fills 党组织名称 and 计划整顿完成. Officials' names are
# public (unlike households' names) and are stored and shown in full.
RESPONSIBILITIES = Table(
    "responsibilities",
    "包保责任台账",
    (
        _c(COUNTY, COUNTY_HEADERS, "county"),
        _c("township", TOWNSHIP_HEADERS, "township", required=True),
        _c("village", "村名 / 行政村 / 搬迁村 / 包保村 / 村"),
        _c("org_name", "党组织名称 / 支部名称 / 包点党组织"),
        _c(
            "leader",
            "包保县级领导 / 包保领导 / 县级包保领导 / 包保县级领导姓名 / 包点县级领导",
            required=True,
        ),
        _c("leader_title", "职务 / 包保领导职务 / 包保县级领导职务"),
        _c("lead_department", "牵头部门 / 牵头单位 / 责任部门"),
        _c("task_force_head", "工作专班负责人 / 专班负责人"),
        _c("funds_10k", "保障经费（万元） / 保障经费 / 工作经费（万元）", "decimal", minimum=0, unit="万元"),
        _c("plan_mobilised_on", "计划动员完成 / 计划动员完成日期 / 计划动员完成时间", "date"),
        _c("plan_move_start_on", "计划开始搬迁 / 计划开始搬迁日期 / 计划开始搬迁时间", "date"),
        _c("plan_moved_on", "计划搬迁完成 / 计划搬迁完成日期 / 计划搬迁完成时间", "date"),
        _c("plan_reclaimed_on", "计划拆除复垦完成 / 计划拆除复垦完成日期 / 计划拆除复垦完成时间", "date"),
        _c("plan_rectified_on", "计划整顿完成 / 计划整顿完成日期 / 计划整顿完成时间", "date"),
        _c(TOWNSHIP_AS_OF, "数据截至", "date", derived=True),
    ),
    key=("county", "township", "village", "org_name"),
    signature=("包保县级领导", "牵头部门", "工作专班负责人", "计划搬迁完成", "计划整顿完成", "保障经费"),
)
# The 倒排工期 columns of a relocation village, in the order of the stages they lead to.
VILLAGE_PLAN_COLUMNS: tuple[str, ...] = (
    "plan_mobilised_on",
    "plan_move_start_on",
    "plan_moved_on",
    "plan_reclaimed_on",
)
ORG_PLAN_COLUMNS: tuple[str, ...] = ("plan_rectified_on",)

TABLES: dict[str, Table] = {
    t.name: t for t in (VILLAGES, HOUSEHOLDS, PARTY_ORGS, FUNDS, TARGETS, RESPONSIBILITIES)
}
# The weekly ledgers (targets are the plan, not a week's state): their days are the weeks the dashboard shows.
LEDGERS: tuple[str, ...] = ("villages", "households", "party_orgs", "funds")

# A wide fund ledger has one amount column per source instead of 资金来源 + 金额: each
# header below (unit stripped) names the source its column's amounts come from.
WIDE_FUND_SOURCES: dict[str, str] = {
    "中央资金": "中央资金",
    "中央财政资金": "中央资金",
    "中央专项资金": "中央资金",
    "省级资金": "省级资金",
    "省级财政资金": "省级资金",
    "省级专项资金": "省级资金",
    "市级资金": "市级资金",
    "市级财政资金": "市级资金",
    "县级资金": "县级资金",
    "县级财政资金": "县级资金",
    "社会资金": "社会资金",
    "社会帮扶资金": "社会资金",
    "信贷资金": "信贷资金",
    "其他资金": "其他资金",
    "财政专项资金": "财政专项资金",
    "财政转贷资金": "财政转贷资金",
    "脱贫双增长资金": "脱贫双增长资金",
    "基础设施补助": "基础设施补助",
    "公共服务设施补助": "公共服务设施补助",
}
