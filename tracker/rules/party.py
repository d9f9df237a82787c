"""党建 rules: rectification of weak organizations, joint branches, floating members, first-secretary coverage.

What the page counts, and why:

- A weak and lax organization (软弱涣散党组织) is *rectified* at 已整顿 or 已验收,
  the same rule the overview's `weak_orgs_rectified` indicator uses.
- A relocation village needs a joint party branch (联合党支部) once its
  whole-village relocation is completed (已搬迁 or later): its members now live in
  the receiving village (schema.COMPLETED_STAGES, the same rule as 整村搬迁).
- Floating party members (流动党员) are those kept by the floating-member branches
  (流动党员党支部, `FLOATING_BRANCH`), not members merely away from their own branch.

The named queries reach these rules as DuckDB macros made from the constants here
(`tracker.rules.macros`: is_rectified, is_covered_class, is_floating_branch …).
- First-secretary coverage (第一书记覆盖率) is defined in `COVERAGE_DEFINITION`
  below and shown on the page word for word, so a leader reads the same rule the
  code applies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from tracker.contract import formatting, schema
from tracker.contract.missing import is_missing
from tracker.rules import indicators

# app_pages/party.py still asks party.target_of; issue 12 part B points it at indicators.target_of.
from tracker.rules.indicators import target_of as target_of

RECTIFIED_STAGES: tuple[str, ...] = schema.RECTIFICATION_STAGES[2:]  # 已整顿, 已验收
# The stage columns of `party_series`, in stage order.
STAGE_COLUMNS: dict[str, str] = dict(
    zip(schema.RECTIFICATION_STAGES, ("not_started", "rectifying", "rectified", "accepted"), strict=True)
)

# Every poor village (贫困村, 深度贫困村) is to have a first secretary sent by the county
# or higher (选派第一书记全覆盖): the denominator is their party branches, the goal all of them.
COVERED_CLASSES: tuple[str, ...] = ("深度贫困村", "贫困村")
# The organization types the rules name (values of schema.ORG_TYPES): a village's own branch,
# whose first secretary counts for coverage, and the branches that keep floating members.
VILLAGE_BRANCH = "村党支部"
FLOATING_BRANCH = "流动党员党支部"
COVERAGE_TARGET = 100.0
COVERAGE_DEFINITION = (
    "第一书记覆盖率 = 贫困村（含深度贫困村）现有村党支部中，已选派第一书记的村党支部所占比例。"
    "分母按村级台账的村类别和党组织台账中以村命名的村党支部（村名 + 党支部）计算；"
    "整村搬迁后党支部已并入联合党支部或迁入村党支部、不再单设村党支部的村，不计入分母，另行列出。"
)
FLOATING_DEFINITION = "流动党员人数为各乡镇流动党员党支部管理的流动党员合计。"
JOINT_DEFINITION = "已完成整村搬迁（已搬迁及以后阶段）的村，应在迁入地建立联合党支部。"


# --------------------------------------------------------------------------- weak organizations


def stage_counts(weak_orgs: pd.DataFrame) -> dict[str, int]:
    """Weak organizations per rectification stage (every stage present), from `party_weak_orgs`."""
    counts = weak_orgs["rectification_status"].value_counts() if not weak_orgs.empty else pd.Series(dtype=int)
    return {stage: int(counts.get(stage, 0)) for stage in schema.RECTIFICATION_STAGES}


def rectified(counts: dict[str, int]) -> int:
    """How many of the weak organizations are rectified."""
    return sum(counts.get(stage, 0) for stage in RECTIFIED_STAGES)


def stages_by_township(weak_orgs: pd.DataFrame) -> pd.DataFrame:
    """township, stage, orgs: weak organizations per township and stage (for the stacked bars)."""
    if weak_orgs.empty:
        return pd.DataFrame(columns=["township", "stage", "orgs"])
    grouped = weak_orgs.groupby(["township", "rectification_status"]).size().reset_index(name="orgs")
    return grouped.rename(columns={"rectification_status": "stage"})


def stages_over_time(series: pd.DataFrame) -> pd.DataFrame:
    """as_of, stage, orgs: weak organizations per snapshot and stage, from `party_series`."""
    long = series.melt(
        id_vars="as_of", value_vars=list(STAGE_COLUMNS.values()), var_name="column", value_name="orgs"
    )
    names = {column: stage for stage, column in STAGE_COLUMNS.items()}
    return long.assign(stage=long["column"].map(names))[["as_of", "stage", "orgs"]]


def rectified_progress(series: pd.DataFrame, targets: pd.DataFrame, as_of: dt.date) -> indicators.Progress:
    """The rectification card: organizations rectified against the target that applies (if any)."""
    actual = sum(series[STAGE_COLUMNS[stage]] for stage in RECTIFIED_STAGES)
    long = pd.DataFrame(
        {
            "as_of": series["as_of"],
            "indicator": "weak_orgs_rectified",
            "relocation_batch": None,
            "actual": actual,
        }
    )
    row = indicators.target_row(targets, "weak_orgs_rectified", None)
    return indicators.progress(long, row, as_of)[0]


# In every list the columns a leader reads first come first: on a phone the rest scroll sideways.
WEAK_COLUMNS = {
    "township": "乡镇",
    "org_name": "党组织名称",
    "rectification_status": "整顿状态",
    "rectified_on": "整顿完成日期",
    "members": "党员数",
    "org_type": "组织类型",
}


def weak_table(weak_orgs: pd.DataFrame) -> pd.DataFrame:
    """`party_weak_orgs` with Chinese headers and dates as leaders write them (blank until rectified)."""
    rows = weak_orgs.assign(
        rectified_on=_days(weak_orgs["rectified_on"]), org_type=weak_orgs["org_type"].fillna("")
    )
    return rows[list(WEAK_COLUMNS)].rename(columns=WEAK_COLUMNS)


def _days(values: pd.Series) -> list[str]:
    """Dates as 2017年10月13日, blank where there is none (so no table ever says None)."""
    return ["" if is_missing(v) else formatting.day(pd.Timestamp(v).date()) for v in values]


# --------------------------------------------------------------------------- joint branches


def in_force(joint: pd.DataFrame) -> pd.DataFrame:
    """The rows of `party_joint_branches` from the village snapshot in force."""
    return joint[joint["in_force"].astype(bool)] if not joint.empty else joint


def joint_by_batch(joint: pd.DataFrame) -> pd.DataFrame:
    """relocation_batch, completed, with_joint: completed villages and those with a joint branch, per batch."""
    rows = in_force(joint)
    if rows.empty:
        return pd.DataFrame(columns=["relocation_batch", "completed", "with_joint"])
    grouped = rows.groupby("relocation_batch").agg(
        completed=("village", "count"), with_joint=("joint_branch", "sum")
    )
    return grouped.reset_index().astype({"relocation_batch": int, "completed": int, "with_joint": int})


def joint_by_township(joint: pd.DataFrame) -> pd.DataFrame:
    """township, completed, with_joint, without_joint on the day shown."""
    rows = in_force(joint)
    if rows.empty:
        return pd.DataFrame(columns=["township", "completed", "with_joint", "without_joint"])
    grouped = rows.groupby("township").agg(completed=("village", "count"), with_joint=("joint_branch", "sum"))
    grouped = grouped.reset_index().astype({"completed": int, "with_joint": int})
    return grouped.assign(without_joint=grouped["completed"] - grouped["with_joint"])


def joint_progress(
    joint: pd.DataFrame, joint_series: pd.DataFrame, targets: pd.DataFrame, as_of: dt.date
) -> list[indicators.Progress]:
    """Per batch with completed villages on the day shown: joint branches (weekly, from
    `party_joint_series`) against the target that applies (if any)."""
    if in_force(joint).empty or joint_series.empty:
        return []
    counts = joint_series[["as_of", "relocation_batch", "joint_branches"]]
    long = counts.rename(columns={"joint_branches": "actual"}).assign(indicator="joint_branches")
    rows = pd.concat(
        [
            indicators.target_row(targets, "joint_branches", int(b))
            for b in sorted(in_force(joint)["relocation_batch"].unique())
        ],
        ignore_index=True,
    )
    return indicators.progress(long, rows, as_of) if not rows.empty else []


JOINT_COLUMNS = {
    "township": "乡镇",
    "village": "迁出村",
    "joint_branch": "联合党支部",
    "receiving_village": "迁入村",
    "relocation_batch": "搬迁批次",
    "relocation_status": "搬迁进度",
    "completed_on": "搬迁完成日期",
}


def joint_table(joint: pd.DataFrame) -> pd.DataFrame:
    """The completed villages on the day shown, those still without a joint branch first."""
    rows = in_force(joint).sort_values(["joint_branch", "relocation_batch", "township", "village"])
    rows = rows.assign(
        relocation_batch=[formatting.batch(b) for b in rows["relocation_batch"]],
        joint_branch=["已建立" if j else "未建立" for j in rows["joint_branch"]],
        completed_on=_days(rows["completed_on"]),
        receiving_village=rows["receiving_village"].fillna(""),
    )
    return rows[list(JOINT_COLUMNS)].rename(columns=JOINT_COLUMNS)


# --------------------------------------------------------------------------- floating members


def floating_change(series: pd.DataFrame) -> tuple[int | None, int | None]:
    """Floating members in the latest snapshot and the change since the one before, from `party_series`."""
    if series.empty:
        return None, None
    values = series.sort_values("as_of")["floating_members"].astype(int).tolist()
    return values[-1], (values[-1] - values[-2] if len(values) > 1 else None)


FLOATING_COLUMNS = {
    "township": "乡镇",
    "org_name": "流动党员党支部",
    "floating_members": "流动党员数",
}


def floating_table(floating: pd.DataFrame) -> pd.DataFrame:
    """`party_floating` with Chinese headers."""
    return floating[list(FLOATING_COLUMNS)].rename(columns=FLOATING_COLUMNS)


# --------------------------------------------------------------------------- first secretaries


@dataclass(frozen=True)
class Coverage:
    """First-secretary coverage of the poor villages' own party branches."""

    branches: int  # poor villages with a branch of their own: the denominator
    covered: int  # of which with a first secretary
    without_branch: int  # poor villages whose branch has merged away (not counted)

    @property
    def rate(self) -> float | None:
        """Coverage in percent (None when no poor village has a branch of its own)."""
        return 100.0 * self.covered / self.branches if self.branches else None


def poor_villages(villages: pd.DataFrame) -> pd.DataFrame:
    """The rows of `party_first_secretary` that count for coverage: 贫困村 and 深度贫困村."""
    return villages[villages["poverty_class"].isin(COVERED_CLASSES)]


def _has_branch(rows: pd.DataFrame) -> pd.Series:
    return rows["org_name"].notna()


def _has_secretary(rows: pd.DataFrame) -> pd.Series:
    return rows["org_name"].notna() & rows["first_secretary"].fillna("").astype(str).str.strip().ne("")


def coverage(villages: pd.DataFrame) -> Coverage:
    """Coverage over the villages of `party_first_secretary` (the selection on the day shown)."""
    rows = poor_villages(villages)
    branches = int(_has_branch(rows).sum())
    return Coverage(branches, int(_has_secretary(rows).sum()), len(rows) - branches)


def coverage_by_township(villages: pd.DataFrame) -> pd.DataFrame:
    """township, branches, covered, uncovered, coverage_rate, without_branch (townships with poor villages)."""
    columns = ["township", "branches", "covered", "uncovered", "coverage_rate", "without_branch"]
    rows = poor_villages(villages)
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = rows.assign(branch=_has_branch(rows).astype(int), secretary=_has_secretary(rows).astype(int))
    grouped = rows.groupby("township").agg(
        branches=("branch", "sum"), covered=("secretary", "sum"), villages=("village", "count")
    )
    grouped = grouped.reset_index()
    grouped["uncovered"] = grouped["branches"] - grouped["covered"]
    grouped["without_branch"] = grouped["villages"] - grouped["branches"]
    grouped["coverage_rate"] = [
        round(100.0 * c / b, 1) if b else None
        for c, b in zip(grouped["covered"], grouped["branches"], strict=True)
    ]
    return grouped[columns]


COVERAGE_COLUMNS = {
    "township": "乡镇",
    "village": "村名",
    "first_secretary": "第一书记",
    "poverty_class": "村类别",
    "org_name": "村党支部",
}
NO_SECRETARY = "未选派"
NO_BRANCH = "已并入联合党支部或迁入村，不单设"


def coverage_table(villages: pd.DataFrame) -> pd.DataFrame:
    """The poor villages with their branch and first secretary, those without one first.

    Names of first secretaries appear here only: they are public officials and the
    list is what a coverage check needs.
    """
    rows = poor_villages(villages)
    order = [
        0 if not s and b else 1 if s else 2
        for s, b in zip(_has_secretary(rows), _has_branch(rows), strict=True)
    ]
    rows = rows.assign(order=order).sort_values(["order", "township", "village"])
    secretary = [
        NO_BRANCH if pd.isna(o) else (NO_SECRETARY if pd.isna(s) or not str(s).strip() else s)
        for o, s in zip(rows["org_name"], rows["first_secretary"], strict=True)
    ]
    rows = rows.assign(first_secretary=secretary, org_name=rows["org_name"].fillna("—"))
    return rows[list(COVERAGE_COLUMNS)].rename(columns=COVERAGE_COLUMNS)
