"""Every indicator against its target, for the filtered scope and for each township: the targets that
apply (assigned, or 按台账计划 from a township's own ledgers) and the cards the rules make of them."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from tracker.present import theme
from tracker.rules import indicators
from tracker.rules import targets as target_rules
from tracker.rules.indicators import Progress
from ui import data
from ui.filters import Filters, PageFilters


def applicable_targets(filters: Filters, batch: int | None = None) -> pd.DataFrame:
    """The targets that apply to the filtered scope (batch: the filter's unless given), a township
    without an assigned one getting the one its ledgers hold (按台账计划)."""
    in_force = data.query("targets_in_force", as_of=filters.as_of)
    plan = data.query("township_plan", as_of=filters.as_of, township=filters.townships)
    chosen = filters.batch if batch is None else batch
    return data.derived(indicators.targets_for, in_force, filters.townships, chosen, plan)


def target_cards(filters: PageFilters) -> list[Progress]:
    """Every indicator (and batch) against its target on the day shown, for the filtered scope."""
    series = data.query("indicator_series", **filters.params())
    return data.derived(indicators.progress, series, applicable_targets(filters), filters.as_of)


def township_cards(filters: Filters, batch: int | None) -> dict[str, list[Progress]]:
    """Each township's cards (of one batch, or every batch) against its own target, assigned or
    worked out from its ledgers: the status its bar or table row is coloured by."""
    series = data.query("township_series", as_of=filters.as_of, township=filters.townships, batch=batch)
    in_force = data.query("targets_in_force", as_of=filters.as_of)
    plan = data.query("township_plan", as_of=filters.as_of, township=filters.townships)
    if batch is not None:
        in_force = in_force[in_force["relocation_batch"].isna() | (in_force["relocation_batch"] == batch)]
    targets = data.derived(target_rules.township_targets, in_force, plan)
    return data.derived(indicators.by_township, series, targets, filters.as_of)


def moved_statuses(
    by_place: dict[str, list[Progress]], places: Iterable[str], total: Progress | None, batch: int | None
) -> list[str]:
    """A table's 状态 column on households moved (of `batch`): each place's status word against its own
    target, then the scope's (its total row's); blank where there is no card."""
    cards = [indicators.card_of(by_place.get(str(place), []), "households_moved", batch) for place in places]
    return [theme.status_label(card.status) if card is not None else "" for card in [*cards, total]]
