"""Progress against targets: actual, target, weekly change, days left, and whether the pace will do.

The overview's cards come from here. The rules a leader relies on live in this
module, not in a page: which target applies to a township filter, what counts as
the previous week, how the recent weekly pace projects to the due date, and the
one status rule every card, bar, table row, the briefing and the summary use:

- 已完成 (`done`): the target is met;
- 逾期 (`overdue`): the due date has passed and the target is not met;
- 按期 (`on_track`): the pace of the last four weeks reaches the target by the due date;
- 滞后 (`behind`): it does not (however close: a projection of 95 % of the target is late too,
  and the weekly pace the briefing asks for says by how much).

Two states carry no status word: no target (`no_target`), and a target whose pace cannot be
measured yet (`unknown`: fewer than two weekly snapshots).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from tracker.contract import formatting, schema
from tracker.contract.missing import is_missing
from tracker.rules import targets as target_rules

# Pace is measured over the last few weeks: long enough to smooth one slow week,
# short enough to notice that work has stalled.
PACE_WINDOW_DAYS = 28
# A late target due within this many days is named right after the overdue ones.
URGENT_DAYS = 14

DONE = "done"
ON_TRACK = "on_track"
BEHIND = "behind"
OVERDUE = "overdue"
NO_PACE = "unknown"
NO_TARGET = "no_target"
# The four statuses a target can have, in the order a legend lists them.
STATUSES = (DONE, ON_TRACK, BEHIND, OVERDUE)

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
    status: str  # one of STATUSES, NO_PACE or NO_TARGET
    # Where the target comes from: None when assigned (下达) in the targets file, else
    # targets.LEDGER_PLAN (worked out from the ledgers) or targets.COUNTY_TARGET (the county's rate).
    basis: str | None = None

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

    @property
    def urgent(self) -> bool:
        """Late (滞后) with fewer than URGENT_DAYS days left: named right after the overdue targets."""
        left = self.days_left
        return self.status == BEHIND and left is not None and 0 <= left < URGENT_DAYS


def overdue(cards: list[Progress]) -> list[Progress]:
    """The cards past their due date and not met, the longest overdue first."""
    late = [c for c in cards if c.status == OVERDUE]
    return sorted(late, key=lambda c: (c.days_left or 0, _order(c)))


def urgent(cards: list[Progress]) -> list[Progress]:
    """The late cards due within URGENT_DAYS days, the nearest deadline first."""
    return sorted((c for c in cards if c.urgent), key=lambda c: (c.days_left or 0, _order(c)))


def _order(card: Progress) -> tuple[int, int]:
    return (ORDER.index(card.indicator) if card.indicator in ORDER else 99, card.batch or 0)


def targets_for(
    targets: pd.DataFrame, townships: list[str], batch: int | None, plan: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The target rows that apply to the filter: county rows, or the sum over the chosen townships.

    With `plan` (queries/township_plan.sql), a township the targets file names no target for gets
    the one its ledgers hold (tracker.rules.targets), its `basis` saying so; without it, only
    assigned township rows count. A sum is only a target when every chosen township has one (a
    township with no such plan counts as nothing); otherwise the indicator has no target for that
    selection rather than a misleading partial one. Rates are not summed: one township's own rate
    target, else the county's.
    """
    if targets.empty:
        return targets
    if "county" in targets and targets["county"].nunique() > 1:
        # A region view (several counties, none chosen) measures the region against its own targets.
        targets = targets[targets["county"].isna()]
    targets = targets.reindex(columns=target_rules.COLUMNS)
    rows = (
        targets
        if batch is None
        else targets[targets["relocation_batch"].isna() | (targets["relocation_batch"] == batch)]
    )
    county = rows[rows["township"].isna()]
    if not townships:
        return county.reset_index(drop=True)
    if plan is not None:
        chosen_plan = plan[plan["township"].isin(townships)]
        local = target_rules.township_targets(rows, chosen_plan, keep_zero=True)
        chosen = local[local["township"].isin(townships)]
    else:
        chosen = rows[rows["township"].isin(townships)]
    out = []
    for (indicator, rel_batch), group in chosen.groupby(["indicator", "relocation_batch"], dropna=False):
        if indicator in RATE_INDICATORS or set(group["township"]) != set(townships):
            continue
        derived = group["basis"].eq(target_rules.LEDGER_PLAN)
        if derived.all() and group["target"].sum() <= 0:
            continue  # no plan for it anywhere in the selection
        derived &= group["target"] > 0  # a township with no such plan adds nothing to say
        out.append(
            {
                "indicator": indicator,
                "relocation_batch": rel_batch,
                "county": group["county"].iloc[0],
                "township": "、".join(townships),
                "target": group["target"].sum(),
                "due": group["due"].max(),
                "label": None,
                "basis": target_rules.LEDGER_PLAN if derived.any() else None,
            }
        )
    single = len(townships) == 1
    rates = chosen[chosen["indicator"].isin(RATE_INDICATORS)] if single else chosen.iloc[0:0]
    county_rates = county[
        county["indicator"].isin(RATE_INDICATORS) & ~county["indicator"].isin(rates["indicator"])
    ].assign(basis=target_rules.COUNTY_TARGET)
    frames = [
        f for f in (pd.DataFrame(out, columns=target_rules.COLUMNS), rates, county_rates) if not f.empty
    ]
    if not frames:
        return county.iloc[0:0].reset_index(drop=True)
    return pd.concat(frames, ignore_index=True).astype({"relocation_batch": "Int64"})


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
    return pd.DataFrame([blank | {"label": None, "basis": None}])


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
                status=status(
                    actual, None if is_missing(row.target) else float(row.target), projected, due, as_of
                ),
                basis=_basis(row),
            )
        )
    return sorted(cards, key=_order)


def _basis(row: object) -> str | None:
    basis = getattr(row, "basis", None)
    return None if is_missing(basis) else str(basis)


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


def status(
    actual: float | None, target: float | None, projected: float | None, due: dt.date | None, as_of: dt.date
) -> str:
    """The one status rule: met, past due, on pace to meet it by the due date, or not."""
    if target is None or actual is None or (isinstance(actual, float) and math.isnan(actual)):
        return NO_TARGET
    if actual >= target:
        return DONE
    if due is not None and as_of > due:
        return OVERDUE
    if projected is None:
        return NO_PACE  # too few weeks to measure a pace
    return ON_TRACK if projected >= target else BEHIND


# --------------------------------------------------------------------------- one measure per question

RELOCATION = ("villages_completed", "households_moved", "people_moved")


def measured_batch(cards: list[Progress], chosen: int | None) -> int | None:
    """The batch a ranking of relocation progress counts: the one the filter selects; with every
    batch, the one still open whose deadline comes first (the next deadline), else, every batch
    being done, the last one. None when no relocation target applies."""
    if chosen is not None:
        return chosen
    relocation = [c for c in cards if c.indicator in RELOCATION and c.batch is not None]
    open_ = [c for c in relocation if c.status != DONE and c.target is not None]
    if open_:
        first = min(open_, key=lambda c: (c.due or dt.date.max, c.batch or 0))
        return first.batch
    return max((c.batch for c in relocation if c.batch is not None), default=None)


def batch_cards(cards: list[Progress], batch: int) -> dict[str, Progress]:
    """A batch's relocation cards (villages, households, people) by indicator."""
    return {c.indicator: c for c in cards if c.indicator in RELOCATION and c.batch == batch}


def by_township(series: pd.DataFrame, targets: pd.DataFrame, as_of: dt.date) -> dict[str, list[Progress]]:
    """Each township's cards against its own targets, from its own weekly series.

    `series` is `township_series` (a township column beside indicator_series'); `targets` one
    row per township and target (tracker.rules.targets.township_targets). The same rule as the
    county's cards, so a township's bar or row has the colour its own card would have."""
    if targets.empty:
        return {}
    groups = {name: rows for name, rows in series.groupby("township")} if not series.empty else {}
    empty = (
        series.iloc[0:0]
        if not series.empty
        else pd.DataFrame(columns=["as_of", "indicator", "relocation_batch", "actual"])
    )
    return {
        str(name): progress(groups.get(name, empty), rows, as_of)
        for name, rows in targets.groupby("township")
    }


# From the most to the least pressing: the status a row stands for when it sums several targets.
SEVERITY = (OVERDUE, BEHIND, NO_PACE, ON_TRACK, DONE, NO_TARGET)


def worst(statuses: list[str]) -> str:
    """The most pressing of several statuses (a township's row over its batches); NO_TARGET if none."""
    return min(statuses, key=SEVERITY.index, default=NO_TARGET)


def card_of(cards: list[Progress], indicator: str, batch: int | None = None) -> Progress | None:
    """The card of an indicator (and batch) among cards, or None."""
    return next((c for c in cards if c.indicator == indicator and c.batch == batch), None)
