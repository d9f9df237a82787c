"""Progress against targets: actual, target, weekly change, days left, and whether the pace will do.

The overview's cards come from here. The rules a leader relies on live in this
module, not in a page: which target applies to a township filter, what counts as
the previous week, and how the recent weekly pace projects to the due date.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from tracker.contract import formatting, schema
from tracker.contract.missing import is_missing

# Pace is measured over the last few weeks: long enough to smooth one slow week,
# short enough to notice that work has stalled.
PACE_WINDOW_DAYS = 28
# A projection within this share of the target is "at risk" rather than "behind".
AT_RISK_SHARE = 0.9

UNITS = {
    "villages_completed": "个村",
    "households_moved": "户",
    "people_moved": "人",
    "zero_break_rate": "%",
    "weak_orgs_rectified": "个",
    "joint_branches": "个",
    "hukou_transferred": "个村",
    "demolished_reclaimed": "个村",
    "homestead_reclaimed_m2": "平方米",
    "funds_10k": "万元",
}
RATE_INDICATORS = frozenset({"zero_break_rate"})
ORDER = list(schema.INDICATORS)


@dataclass(frozen=True)
class Progress:
    """One card: an indicator (for one batch) against its target on the day shown."""

    indicator: str
    batch: int | None
    label: str
    unit: str
    actual: float | None
    target: float | None
    due: dt.date | None
    previous: float | None
    as_of: dt.date
    projected: float | None
    status: str  # done, on_track, at_risk, behind, unknown (no pace yet), no_target

    @property
    def percent(self) -> float | None:
        """Actual as a percentage of target."""
        if self.actual is None or not self.target:
            return None
        return 100.0 * self.actual / self.target

    @property
    def change(self) -> float | None:
        """Change since the previous weekly snapshot."""
        if self.actual is None or self.previous is None:
            return None
        return self.actual - self.previous

    @property
    def days_left(self) -> int | None:
        """Days from the snapshot to the due date (negative when overdue)."""
        return None if self.due is None else (self.due - self.as_of).days


def targets_for(targets: pd.DataFrame, townships: list[str], batch: int | None) -> pd.DataFrame:
    """The target rows that apply to the filter: county rows, or the sum over the chosen townships.

    A sum is only a target when every chosen township has one; otherwise the
    indicator has no target for that selection rather than a misleading partial one.
    Rates are not summed: one township's own rate target, else the county's.
    """
    if targets.empty:
        return targets
    if "county" in targets and targets["county"].nunique() > 1:
        # A region view (several counties, none chosen) measures the region against its own targets.
        targets = targets[targets["county"].isna()]
    rows = (
        targets
        if batch is None
        else targets[targets["relocation_batch"].isna() | (targets["relocation_batch"] == batch)]
    )
    county = rows[rows["township"].isna()]
    if not townships:
        return county.reset_index(drop=True)
    chosen = rows[rows["township"].isin(townships)]
    out = []
    for (indicator, rel_batch), group in chosen.groupby(["indicator", "relocation_batch"], dropna=False):
        if indicator in RATE_INDICATORS or set(group["township"]) != set(townships):
            continue
        out.append(
            {
                "indicator": indicator,
                "relocation_batch": rel_batch,
                "county": group["county"].iloc[0] if "county" in group else None,
                "township": "、".join(townships),
                "target": group["target"].sum(),
                "due": group["due"].max(),
                "label": None,
            }
        )
    rates = chosen[chosen["indicator"].isin(RATE_INDICATORS)] if len(townships) == 1 else chosen.iloc[0:0]
    county_rates = county[
        county["indicator"].isin(RATE_INDICATORS) & ~county["indicator"].isin(rates["indicator"])
    ]
    return pd.concat([pd.DataFrame(out, columns=targets.columns), rates, county_rates], ignore_index=True)


def target_row(targets: pd.DataFrame, indicator: str, batch: int | None = None) -> pd.DataFrame:
    """The one target row of an indicator (for a batch; batch None: the row without one) among the
    targets that apply, as `progress` takes it; a row with no target when there is none."""
    rows = targets[targets["indicator"] == indicator] if not targets.empty else targets
    if not rows.empty:
        rows = (
            rows[rows["relocation_batch"].isna()]
            if batch is None
            else rows[rows["relocation_batch"] == batch]
        )
    if not rows.empty:
        return rows.iloc[[0]].reset_index(drop=True)
    blank = {"indicator": indicator, "relocation_batch": batch, "township": None, "target": None, "due": None}
    return pd.DataFrame([blank | {"label": None}])


def target_of(
    targets: pd.DataFrame, indicator: str, batch: int | None = None
) -> tuple[float | None, dt.date | None]:
    """The target and due date of an indicator (for a batch; batch None: the county-wide one) among
    the targets that apply, or (None, None)."""
    row = target_row(targets, indicator, batch).iloc[0]
    if is_missing(row["target"]):
        return None, None
    return float(row["target"]), (None if is_missing(row["due"]) else pd.Timestamp(row["due"]).date())


def progress(series: pd.DataFrame, targets: pd.DataFrame, as_of: dt.date) -> list[Progress]:
    """One Progress per applicable target, in the order of schema.INDICATORS."""
    cards = []
    histories = _histories(series, as_of)
    for row in targets.itertuples(index=False):
        batch = None if is_missing(row.relocation_batch) else int(row.relocation_batch)
        by_day = histories.get((row.indicator, batch), {})
        history = pd.Series(by_day, dtype=float) if by_day else _NO_HISTORY
        actual = history.iloc[-1] if len(history) else None
        previous = history.iloc[-2] if len(history) > 1 else None
        due = None if is_missing(row.due) else pd.Timestamp(row.due).date()
        projected = _project(history, as_of, due)
        cards.append(
            Progress(
                indicator=row.indicator,
                batch=batch,
                label=_label(row.indicator, batch, row.label),
                unit=UNITS.get(row.indicator, ""),
                actual=None if actual is None else float(actual),
                target=None if is_missing(row.target) else float(row.target),
                due=due,
                previous=None if previous is None else float(previous),
                as_of=as_of,
                projected=projected,
                status=_status(
                    actual, None if is_missing(row.target) else float(row.target), projected, due, as_of
                ),
            )
        )
    return sorted(
        cards, key=lambda c: (ORDER.index(c.indicator) if c.indicator in ORDER else 99, c.batch or 0)
    )


def _label(indicator: str, batch: int | None, label: object) -> str:
    base = schema.INDICATORS.get(indicator, indicator)
    if batch is not None:
        return f"{formatting.batch(batch)}{base}"
    return base


_NO_HISTORY = pd.Series(dtype=float)


def _histories(series: pd.DataFrame, as_of: dt.date) -> dict[tuple[str, int | None], dict[dt.date, float]]:
    """Each indicator's value per snapshot day up to as_of, by (indicator, batch), oldest first;
    (indicator, None) sums the indicator's rows of each day over every batch (a missing value
    counts as zero). One pass over the series: the overview asks for a dozen cards of it."""
    if series.empty:
        return {}
    days = pd.to_datetime(series["as_of"]).dt.date.tolist()
    values: dict[tuple[str, int | None], dict[dt.date, float]] = {}
    columns = (series["indicator"].tolist(), series["relocation_batch"].tolist(), series["actual"].tolist())
    for day, indicator, batch, actual in zip(days, *columns, strict=True):
        if day > as_of:
            continue
        actual = math.nan if actual is None else float(actual)
        if not is_missing(batch):
            values.setdefault((indicator, int(batch)), {})[day] = actual
        total = values.setdefault((indicator, None), {})
        total[day] = total.get(day, 0.0) + (0.0 if math.isnan(actual) else actual)
    return {key: dict(sorted(by_day.items())) for key, by_day in values.items()}


def _project(history: pd.Series, as_of: dt.date, due: dt.date | None) -> float | None:
    """The value at the due date if the pace of the last few weeks continues."""
    if due is None or len(history) < 2:
        return None
    window = history[[d >= as_of - dt.timedelta(days=PACE_WINDOW_DAYS) for d in history.index]]
    if len(window) < 2:
        window = history.iloc[-2:]
    days = (window.index[-1] - window.index[0]).days
    if days <= 0:
        return None
    pace = (window.iloc[-1] - window.iloc[0]) / days
    return float(history.iloc[-1] + pace * max((due - as_of).days, 0))


def _status(
    actual: float | None, target: float | None, projected: float | None, due: dt.date | None, as_of: dt.date
) -> str:
    if target is None or actual is None:
        return "no_target"
    if actual >= target:
        return "done"
    if due is not None and as_of > due:
        return "behind"
    if projected is None:
        return "unknown"  # too few weeks to measure a pace
    if projected >= target:
        return "on_track"
    return "at_risk" if projected >= AT_RISK_SHARE * target else "behind"
