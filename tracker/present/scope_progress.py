"""The cards of a scope and of each township in it, as every page and the weekly report count them.

One place says which targets apply to a scope (the county's, or a township's: assigned, else
按台账计划 from its ledgers, tracker.rules.targets), which weekly series they are measured on,
and how each township's own cards are made for its bar or table row. The overview, the other
pages (through ui.widgets) and the weekly report (tracker.weekly.scope_week) all call these, so
a card, a ranking row and the report's line about it cannot disagree.

`query(name, **params)` runs a named query: the dashboard's cached `ui.data.query`, or one
bound to a store reader's cursor. `derive(rule, *args)` applies a pure rule of tracker.rules to
query results: the dashboard passes `ui.data.derived` (computed once per distinct input), the
report nothing (the rule is called directly).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from tracker.rules import indicators
from tracker.rules import targets as target_rules
from tracker.rules.indicators import Progress

Query = Callable[..., pd.DataFrame]
Derive = Callable[..., Any]


def direct(rule: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Apply the rule as it is (no cache): the report's, and any tool's, way."""
    return rule(*args, **kwargs)


def applicable_targets(
    query: Query, as_of: dt.date, townships: Sequence[str], batch: int | None, derive: Derive = direct
) -> pd.DataFrame:
    """The targets that apply to the scope (the county with no townships), for one batch or every
    batch (None); a township without an assigned one gets the one its ledgers hold (按台账计划)."""
    in_force = query("targets_in_force", as_of=as_of)
    plan = query("township_plan", as_of=as_of, township=list(townships))
    return derive(indicators.targets_for, in_force, list(townships), batch, plan)


def target_cards(
    query: Query, as_of: dt.date, townships: Sequence[str], batch: int | None, derive: Derive = direct
) -> list[Progress]:
    """Every indicator (and batch) of the scope against its target on as_of: the overview's cards."""
    series = query("indicator_series", as_of=as_of, township=list(townships), batch=batch)
    targets = applicable_targets(query, as_of, townships, batch, derive)
    return derive(indicators.progress, series, targets, as_of)


def township_cards(
    query: Query, as_of: dt.date, townships: Sequence[str], batch: int | None, derive: Derive = direct
) -> dict[str, list[Progress]]:
    """Each township's cards (of one batch, or every batch) against its own target, assigned or
    worked out from its ledgers: the status its ranking bar or table row is coloured by."""
    series = query("township_series", as_of=as_of, township=list(townships), batch=batch)
    in_force = query("targets_in_force", as_of=as_of)
    plan = query("township_plan", as_of=as_of, township=list(townships))
    if batch is not None:
        in_force = in_force[in_force["relocation_batch"].isna() | (in_force["relocation_batch"] == batch)]
    targets = derive(target_rules.township_targets, in_force, plan)
    return derive(indicators.by_township, series, targets, as_of)
