"""One scope's week (the county, or one township): the figures the summary image and the document show.

Everything comes from the named queries and rules the pages use (the cards of
tracker.rules.indicators.progress over `indicator_series` and `targets_in_force`, the briefing of
tracker.weekly.briefing, the township ranking of `ranking`, the lists of the 集体经济 and 党建 pages),
never from a drawn page, so the report's numbers are the dashboard's. `gather` takes the function
that runs a named query: the report passes a store reader's, the summary page the dashboard's
cached one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from tracker.rules import collective, indicators, party
from tracker.rules.indicators import Progress
from tracker.weekly import briefing

QueryFn = Callable[..., pd.DataFrame]
COUNTY_WIDE = "全县"
# A target still open with fewer days than this left is named with the overdue ones.
DUE_SOON_DAYS = 14


@dataclass
class ScopeWeek:
    """What one scope's report says for one snapshot day."""

    county: str
    township: str | None
    as_of: dt.date
    cards: list[Progress]
    briefing: str
    open_batch: int | None  # the relocation batch still open (the ranking counts it), None when none is
    ranking: pd.DataFrame  # `ranking` per township for open_batch, best first
    county_total: pd.DataFrame  # the same query for the whole county, one row
    villages: pd.DataFrame = field(default_factory=pd.DataFrame)  # a township's relocation villages
    zero_income: pd.DataFrame = field(default_factory=pd.DataFrame)  # 集体经济 page's list, Chinese headers
    secretaries: pd.DataFrame = field(default_factory=pd.DataFrame)  # 党建 page's list, Chinese headers

    @property
    def scope(self) -> str:
        """Whom the report is about: 全县 or the township."""
        return self.township or COUNTY_WIDE

    @property
    def overdue(self) -> list[Progress]:
        """Targets past their deadline and not met, the longest overdue first."""
        late = [c for c in self.cards if c.status != "done" and c.days_left is not None and c.days_left < 0]
        return sorted(late, key=lambda c: c.days_left or 0)

    @property
    def lagging(self) -> list[Progress]:
        """Targets still open that the recent pace will not meet, or due within DUE_SOON_DAYS; soonest first."""
        overdue = {id(c) for c in self.overdue}
        open_ = [
            c
            for c in self.cards
            if id(c) not in overdue
            and c.status != "done"
            and c.target is not None
            and (c.status in briefing.LATE or (c.days_left is not None and c.days_left < DUE_SOON_DAYS))
        ]
        return sorted(open_, key=lambda c: (c.days_left if c.days_left is not None else 10**6, c.label))

    @property
    def behind_townships(self) -> pd.DataFrame:
        """Townships whose open batch has moved in a smaller share than the county's, lowest first."""
        moving = self.ranking[self.ranking["households"] > 0]
        if moving.empty or self.county_total.empty:
            return moving.iloc[0:0]
        county = self.county_total.iloc[0]
        if not county["households"]:
            return moving.iloc[0:0]
        share = 100.0 * county["households_moved"] / county["households"]
        return moving[moving["moved_percent"] < share].sort_values(["moved_percent", "place"])


def _params(as_of: dt.date, township: str | None, batch: int | None = None) -> dict[str, object]:
    return {"as_of": as_of, "township": [township] if township else [], "batch": batch}


def progress_cards(query: QueryFn, as_of: dt.date, township: str | None) -> list[Progress]:
    """Every indicator (and batch) against its target, as the overview's cards (all batches)."""
    series = query("indicator_series", **_params(as_of, township))
    in_force = query("targets_in_force", as_of=as_of)
    targets = indicators.targets_for(in_force, [township] if township else [], None)
    return indicators.progress(series, targets, as_of)


def gather(query: QueryFn, county: str, as_of: dt.date, township: str | None = None) -> ScopeWeek:
    """The week of one scope, from the named queries (`query(name, **params)`)."""
    cards = progress_cards(query, as_of, township)
    open_batches = briefing.open_batches(cards)
    rankings = {}
    if township is None:  # as the overview: the townships behind are named for the county only
        rankings = {b: query("ranking", **_params(as_of, None, b), by_county=False) for b in open_batches}
    text = briefing.weekly_briefing(as_of, township or COUNTY_WIDE, cards, rankings)
    batch = open_batches[0] if open_batches else None
    ranking = query("ranking", **_params(as_of, None, batch), by_county=False)
    total = query("ranking", **_params(as_of, None, batch), by_county=True)
    own = _params(as_of, township)
    villages = query("relocation_villages", **own) if township else pd.DataFrame()
    return ScopeWeek(
        county=county,
        township=township,
        as_of=as_of,
        cards=cards,
        briefing=text,
        open_batch=batch,
        ranking=ranking,
        county_total=total,
        villages=villages,
        zero_income=collective.zero_income_table(query("collective_zero_income_villages", **own)),
        secretaries=party.coverage_table(query("party_first_secretary", **own)),
    )
