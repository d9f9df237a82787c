"""集体经济 rules: what 破零 means, how incomes are banded, and the figures and tables of the page.

A village has broken zero (破零) when its collective income this year is above
zero (docs/data-contract.md: `collective_income_10k > 0`); an empty income counts as
zero, since a clerk who leaves it blank has not reported any. The 破零 rate is
the share of all administrative villages in the selection that have broken zero,
so it is computed from village counts, never averaged over townships.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from tracker.contract import formatting
from tracker.rules import indicators

INDICATOR = "zero_break_rate"
AT_ZERO = "未破零"
# 破零: collective income (万元) above this; the queries apply it as the macro past_zero.
PAST_ZERO_ABOVE_10K = 0.0

# Income bands in 万元, lower bound inclusive: the way county reports group village
# collective economies (空壳村 at zero, 薄弱村 under 5 万元, then the stronger ones).
INCOME_BANDS: tuple[tuple[str, float, float], ...] = (
    ("5万元以下", 0.0, 5.0),
    ("5万–10万元", 5.0, 10.0),
    ("10万–20万元", 10.0, 20.0),
    ("20万–50万元", 20.0, 50.0),
    ("50万元及以上", 50.0, math.inf),
)


@dataclass(frozen=True)
class Totals:
    """The selection's collective-economy figures on the day shown."""

    villages: int
    past_zero: int
    income_10k: float
    pv_kw: float
    pv_villages: int

    @property
    def at_zero(self) -> int:
        """Villages still at zero income."""
        return self.villages - self.past_zero

    @property
    def rate(self) -> float | None:
        """破零 rate in percent (None without villages)."""
        return 100.0 * self.past_zero / self.villages if self.villages else None


def totals(by_township: pd.DataFrame) -> Totals:
    """Sum of the township rows of `collective_by_township` (rates recomputed from counts)."""
    if by_township.empty:
        return Totals(0, 0, 0.0, 0.0, 0)
    return Totals(
        villages=int(by_township["villages"].sum()),
        past_zero=int(by_township["villages_past_zero"].sum()),
        income_10k=float(by_township["income_10k"].sum()),
        pv_kw=float(by_township["pv_kw"].sum()),
        pv_villages=int(by_township["pv_villages"].sum()),
    )


def zero_break_target(targets: pd.DataFrame) -> tuple[float | None, dt.date | None]:
    """The 破零 rate target (percent) and its due date among the targets that apply, or (None, None)."""
    return indicators.target_of(targets, INDICATOR)


def zero_break_progress(series: pd.DataFrame, targets: pd.DataFrame, as_of: dt.date) -> indicators.Progress:
    """The 破零 rate card: actual of the snapshot in force, change since last week, against the target.

    `series` is `collective_series`; `targets` the rows that apply to the filter
    (indicators.targets_for). Without a target the card still shows the actual.
    """
    long = pd.DataFrame(
        {
            "as_of": series["as_of"],
            "indicator": INDICATOR,
            "relocation_batch": None,
            "actual": series["zero_break_rate"],
        }
    )
    target, due = zero_break_target(targets)
    row = pd.DataFrame(
        [
            {
                "indicator": INDICATOR,
                "relocation_batch": None,
                "township": None,
                "target": target,
                "due": due,
                "label": None,
            }
        ]
    )
    return indicators.progress(long, row, as_of)[0]


def income_bands(incomes: pd.DataFrame) -> pd.DataFrame:
    """Villages per income band, 未破零 first, every band present (zero when empty).

    `incomes` is `collective_income_distribution` (villages per income); the result has band, villages, past_zero.
    """
    values = incomes["collective_income_10k"].fillna(0.0) if not incomes.empty else pd.Series(dtype=float)
    weights = incomes["villages"] if not incomes.empty else pd.Series(dtype=int)
    past_zero = values > PAST_ZERO_ABOVE_10K
    rows = [{"band": AT_ZERO, "villages": int(weights[~past_zero].sum()), "past_zero": False}]
    for label, low, high in INCOME_BANDS:
        inside = past_zero & (values >= low) & (values < high)
        rows.append({"band": label, "villages": int(weights[inside].sum()), "past_zero": True})
    return pd.DataFrame(rows)


def rounded_series(series: pd.DataFrame) -> pd.DataFrame:
    """The series with the rate to one decimal and income to two, as charts label them."""
    return series.assign(
        zero_break_rate=series["zero_break_rate"].round(1),
        income_10k=series["income_10k"].round(2),
    )


TOWNSHIP_COLUMNS = {
    "township": "乡镇",
    "villages": "行政村",
    "villages_past_zero": "已破零村",
    "villages_at_zero": "未破零村",
    "zero_break_rate": "破零率（%）",
    "income_10k": "集体经济收入合计（万元）",
    "income_per_village_10k": "已破零村村均收入（万元）",
    "pv_kw": "光伏装机（千瓦）",
    "pv_villages": "有光伏电站的村",
}


def township_table(by_township: pd.DataFrame) -> pd.DataFrame:
    """`collective_by_township` with Chinese headers and numbers rounded as leaders read them."""
    frame = by_township.assign(
        zero_break_rate=by_township["zero_break_rate"].round(1),
        income_10k=by_township["income_10k"].round(2),
        income_per_village_10k=by_township["income_per_village_10k"].round(2),
        pv_kw=by_township["pv_kw"].round(0),
    )
    return frame[list(TOWNSHIP_COLUMNS)].rename(columns=TOWNSHIP_COLUMNS)


# The columns a leader reads first come first: on a phone the rest scroll sideways.
ZERO_LIST_COLUMNS = {
    "township": "乡镇",
    "village": "村名",
    "poverty_class": "村类别",
    "income": "收入情况",
    "party_members": "党员数",
    "pv_kw": "光伏装机（千瓦）",
    "relocation_batch": "搬迁批次",
}


def zero_income_table(villages: pd.DataFrame) -> pd.DataFrame:
    """`collective_zero_income_villages` with Chinese headers: the list of villages still at zero."""
    frame = villages.assign(
        relocation_batch=["" if pd.isna(b) else formatting.batch(b) for b in villages["relocation_batch"]],
        income=["未填报" if pd.isna(v) else "收入为零" for v in villages["collective_income_10k"]],
        pv_kw=villages["pv_kw"].fillna(0.0),  # no station: 0 kW (a blank would read as None)
    )
    frame["poverty_class"] = frame["poverty_class"].fillna("")
    return frame[list(ZERO_LIST_COLUMNS)].rename(columns=ZERO_LIST_COLUMNS)
