"""整村搬迁 rules: what counts as done, the self-funding caps, and the cards and summaries of the page.

The rules live here, not in the SQL and not in the page. The named queries reach
them as DuckDB macros that `tracker.rules.macros` makes from these constants (a
query asks `is_reclaimed(relocation_status)`, `over_cap(self_funded_yuan, people)`),
so changing a rule is one edit here and every query, the page and the report follow.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from tracker.contract import formatting, schema
from tracker.rules import indicators

# app_pages/relocation.py still asks relocation.target_of; issue 12 part B points it at indicators.target_of.
from tracker.rules.indicators import target_of as target_of

# A village has completed its whole-village relocation (已完成整村搬迁) at 已搬迁 or later:
# schema.COMPLETED_STAGES, the one definition (macro is_completed).
# Old houses demolished and homesteads reclaimed (旧房拆除、宅基地复垦) at 已拆除复垦 or later.
RECLAIMED_STAGES: tuple[str, ...] = schema.RELOCATION_STAGES[schema.RELOCATION_STAGES.index("已拆除复垦") :]

# Self-funding of a poor (建档立卡) relocated household is capped at 3,000 yuan a person
# and 8,000 yuan a household, whichever is lower; more than half pay nothing at all.
# A poor household above its cap is flagged. Other households have no cap. The cap itself is
# computed in one place only, the macro self_funding_cap (tracker/rules/macros.py).
SELF_FUNDING_CAP_PER_PERSON_YUAN = 3000
SELF_FUNDING_CAP_PER_HOUSEHOLD_YUAN = 8000

# The indicators the page shows as cards, per batch, in this order.
CARD_INDICATORS: tuple[str, ...] = (
    "villages_completed",
    "households_moved",
    "people_moved",
    "hukou_transferred",
    "demolished_reclaimed",
    "homestead_reclaimed_m2",
)
UNKNOWN_MODE = "未填写"


def cap_rule_text() -> str:
    """The cap as leaders read it: 每人不超过 3,000 元、每户不超过 8,000 元."""
    return (
        f"每人不超过 {formatting.yuan(SELF_FUNDING_CAP_PER_PERSON_YUAN)}、"
        f"每户不超过 {formatting.yuan(SELF_FUNDING_CAP_PER_HOUSEHOLD_YUAN)}"
    )


def batches(series: pd.DataFrame) -> list[int]:
    """The batches the progress series covers, ascending."""
    if series.empty:
        return []
    return sorted({int(b) for b in series["relocation_batch"].dropna()})


def cards(
    series: pd.DataFrame, targets: pd.DataFrame, as_of: dt.date
) -> dict[int, list[indicators.Progress]]:
    """Per batch, one card per CARD_INDICATORS, against its target where one applies.

    `targets` are the rows that apply to the filter (indicators.targets_for); an
    indicator without a target still gets a card, marked as having none, so a
    township without assigned targets still sees its own figures.
    """
    out: dict[int, list[indicators.Progress]] = {}
    for batch in batches(series):
        wanted = []
        for indicator in CARD_INDICATORS:
            rows = targets[(targets["indicator"] == indicator) & (targets["relocation_batch"] == batch)]
            if len(rows):
                wanted.append(rows.iloc[0].to_dict())
            else:
                wanted.append({"indicator": indicator, "relocation_batch": batch, "township": None,
                               "target": math.nan, "due": None, "label": None, "basis": None})  # fmt: skip
        frame = pd.DataFrame(
            wanted, columns=["indicator", "relocation_batch", "township", "target", "due", "label", "basis"]
        )
        progress = indicators.progress(series, frame, as_of)
        out[batch] = sorted(progress, key=lambda card: CARD_INDICATORS.index(card.indicator))
    return out


def open_batches_first(cards: dict[int, list[indicators.Progress]]) -> list[int]:
    """The batches in the order a leader should read them: those with a target still open first
    (by batch), then those whose every target is met (cards without a target aside), so that a
    phone does not scroll past a finished first batch to reach the one that is behind."""
    finished = set()
    for batch, row in cards.items():
        measured = [c.status for c in row if c.status != indicators.NO_TARGET]
        if measured and all(s == indicators.DONE for s in measured):
            finished.add(batch)
    return sorted(cards, key=lambda batch: (batch in finished, batch))


def due_of(targets: pd.DataFrame, batch: int) -> dt.date | None:
    """The batch's deadline: the due date of its villages target, else of any of its targets."""
    for indicator in ("villages_completed", "households_moved", "people_moved"):
        _, due = indicators.target_of(targets, indicator, batch)
        if due is not None:
            return due
    return None


def by_mode(modes: pd.DataFrame) -> pd.DataFrame:
    """Households and people per resettlement mode over the townships shown, most households first.

    `modes` has one row per (township, resettlement_mode); the result has
    resettlement_mode, households, people and share_percent (of households).
    """
    columns = ["resettlement_mode", "households", "people", "share_percent"]
    if modes.empty:
        return pd.DataFrame(columns=columns)
    totals = modes.groupby("resettlement_mode", as_index=False)[["households", "people"]].sum()
    order = {mode: i for i, mode in enumerate((*schema.RESETTLEMENT_MODES, UNKNOWN_MODE))}
    totals["order"] = totals["resettlement_mode"].map(order).fillna(99)
    totals = totals.sort_values(["households", "order"], ascending=[False, True])
    totals["share_percent"] = 100.0 * totals["households"] / totals["households"].sum()
    return totals[columns].reset_index(drop=True)


def mode_summary(households: pd.DataFrame) -> str:
    """One village's households by mode, as leaders say it: 县城集中安置 9户28人；邻村就近安置 2户5人."""
    if households.empty:
        return ""
    modes = households.assign(resettlement_mode=households["resettlement_mode"].fillna(UNKNOWN_MODE))
    grouped = modes.groupby("resettlement_mode").agg(
        households=("household_id", "count"), people=("people", "sum")
    )
    order = {mode: i for i, mode in enumerate((*schema.RESETTLEMENT_MODES, UNKNOWN_MODE))}
    grouped["order"] = grouped.index.map(order)
    grouped = grouped.sort_values(["households", "order"], ascending=[False, True])
    return "；".join(f"{mode} {int(r.households)}户{int(r.people)}人" for mode, r in grouped.iterrows())


def village_summary(households: pd.DataFrame) -> str:
    """One village's households, people and poor among them: 16 户 40 人，其中贫困户 3 户 5 人."""
    poor = households[households["is_poor"].fillna(False).astype(bool)]
    return (
        f"{formatting.households(len(households))} {formatting.people(households['people'].sum())}，"
        f"其中贫困户 {formatting.households(len(poor))} {formatting.people(poor['people'].sum())}"
    )


def yes_no(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Booleans as 是/否 (blank when unknown), so the table and its downloads read in Chinese."""
    out = frame.copy()
    for column in columns:
        out[column] = out[column].map(lambda v: "" if v is None or pd.isna(v) else ("是" if v else "否"))
    return out
