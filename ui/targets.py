"""Every indicator against its target, for the filtered scope and for each township: the targets that
apply (assigned, or 按台账计划 from a township's own ledgers) and the cards the rules make of them."""

from __future__ import annotations

import pandas as pd

from tracker.present import scope_progress
from tracker.rules.indicators import Progress
from ui import data
from ui.filters import PageFilters


def applicable_targets(filters: PageFilters, batch: int | None = None) -> pd.DataFrame:
    """The targets that apply to the filtered scope (batch: the filter's unless given), a township
    without an assigned one getting the one its ledgers hold (按台账计划)."""
    chosen = filters.batch if batch is None else batch
    return scope_progress.applicable_targets(
        data.query, filters.as_of, filters.townships, chosen, data.derived
    )


def target_cards(filters: PageFilters) -> list[Progress]:
    """Every indicator (and batch) against its target on the day shown, for the filtered scope (the
    weekly report calls tracker.present.scope_progress the same way, with a store reader's query)."""
    return scope_progress.target_cards(
        data.query, filters.as_of, filters.townships, filters.batch, data.derived
    )


def township_cards(filters: PageFilters, batch: int | None) -> dict[str, list[Progress]]:
    """Each township's cards (of one batch, or every batch) against its own target, assigned or
    worked out from its ledgers: the status its bar or table row is coloured by."""
    return scope_progress.township_cards(data.query, filters.as_of, filters.townships, batch, data.derived)
