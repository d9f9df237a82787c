"""One scope's week (the county, or one township): what the summary image and the document say.

Nothing here has rules or wording of its own: every part is what a page shows, built by the same
functions the page calls, so the report and the dashboard tell one story:

- the cards: tracker.present.scope_progress.target_cards (总览's cards; a township's targets
  assigned, else 按台账计划 from its ledgers);
- what is overdue, then what is late and due within two weeks: tracker.present.deadlines.alerts
  (总览's banner), and the other late targets (总览's warning line);
- 本周简报: tracker.weekly.briefing.scope_briefing (总览's, with the villages behind their 倒排工期);
- the township ranking on the measured batch, each row coloured by its own status with its target
  marked, the done batch as a line, the total row: tracker.present.ranking (总览's 排名 and 排名表);
- the 督办清单 and the 红黑榜: tracker.present.supervision (总览's tabs);
- the zero-income villages and the first secretaries: the 集体经济 and 党建 pages' table rules.

`gather` takes the function that runs a named query: the report passes a store reader's, the
summary page the dashboard's cached one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from tracker.present import deadlines, scope_progress, supervision
from tracker.present import ranking as rows
from tracker.present.bar_table import BarRow
from tracker.present.scope_progress import Query
from tracker.rules import collective, indicators, party, responsibility
from tracker.rules.indicators import Progress
from tracker.weekly import briefing

COUNTY_WIDE = "全县"
PLACE = "place"  # the ranking query's place column


@dataclass
class Ranking:
    """The township ranking of a scope, as 总览 draws it (bars) and tabulates it (table)."""

    batch: int | None  # the measured batch (indicators.measured_batch)
    measure: str  # 第二批入住比例
    notes: list[str]  # the lines above it: which batch, the other batches
    bars: list[BarRow]  # the places with households of the batch, then the total row
    table: pd.DataFrame  # every place with every column and `status` (its word), the total row last
    places: int  # how many of table's rows are places (the rest: the total row)
    without: str = ""  # 无第二批搬迁户的乡镇：…


@dataclass
class Board:
    """The 红黑榜 on the scope's day: the batch it ranks, its rows as the page shows them, the note."""

    batch: int | None
    table: pd.DataFrame  # tracker.present.supervision.red_black_table (Chinese headers)
    note: str
    ranked: int = 0  # how many townships the board ranks (a township's report shows its own row)


@dataclass
class ScopeWeek:
    """What one scope's report says for one snapshot day."""

    county: str
    township: str | None
    as_of: dt.date
    cards: list[Progress]
    alerts: list[deadlines.Alert]
    briefing: str
    ranking: Ranking
    supervision: pd.DataFrame = field(default_factory=pd.DataFrame)  # 督办清单, Chinese headers
    supervision_kinds: list[str] = field(default_factory=list)  # per row: responsibility.VILLAGE or ORG
    supervision_lead: str = ""  # how many items, how many 逾期 and 滞后 ("" without a 包保责任台账)
    board: Board | None = None  # None where the scope may not see the whole county
    villages: pd.DataFrame = field(default_factory=pd.DataFrame)  # a township's relocation villages
    zero_income: pd.DataFrame = field(default_factory=pd.DataFrame)  # 集体经济 page's list, Chinese headers
    secretaries: pd.DataFrame = field(default_factory=pd.DataFrame)  # 党建 page's list, Chinese headers

    @property
    def scope(self) -> str:
        """Whom the report is about: 全县 or the township."""
        return self.township or COUNTY_WIDE

    @property
    def overdue(self) -> list[Progress]:
        """Targets past their deadline and not met, the longest overdue first (the banner's red lines)."""
        return [a.card for a in self.alerts if a.kind == deadlines.OVERDUE]

    @property
    def late(self) -> list[Progress]:
        """The late (滞后) targets the banner does not name: 总览's line under its cards."""
        named = {id(a.card) for a in self.alerts}
        return [c for c in self.cards if c.status == indicators.BEHIND and id(c) not in named]


def _ranking(
    query: Query,
    as_of: dt.date,
    township: str | None,
    cards: list[Progress],
    county_cards: list[Progress] | None,
) -> Ranking:
    """总览's ranking for the county; for a township, its own row and (given the county's cards: where
    the scope may see the whole county) the county's row under it."""
    townships = [township] if township else []
    batch = indicators.measured_batch(cards, None)
    frame = query("ranking", as_of=as_of, township=townships, batch=batch, by_county=False)
    by_place = scope_progress.township_cards(query, as_of, townships, batch)
    total = indicators.card_of(cards, "households_moved", batch)
    bars = rows.bar_rows(rows.moving(frame), PLACE, by_place, batch, total, COUNTY_WIDE)
    table = rows.ranking_table(frame, PLACE, COUNTY_WIDE, by_place, batch, total)
    places = len(frame)
    # The county's row under a township's own (its bar only where the township has a bar to compare).
    if township and county_cards is not None:
        county = query("ranking", as_of=as_of, township=[], batch=batch, by_county=False)
        county_total = indicators.card_of(county_cards, "households_moved", batch)
        if len(county) > 1:
            if bars:
                sums = county[["households", "households_moved"]].sum()
                bars.append(rows.bar_row(COUNTY_WIDE, sums, county_total, total=True))
            whole = rows.ranking_table(county, PLACE, COUNTY_WIDE, {}, batch, county_total)
            table = pd.concat([table, whole.iloc[[-1]]], ignore_index=True)
    return Ranking(
        batch=batch,
        measure=rows.measure_title(batch),
        notes=rows.notes(cards, batch, None),
        bars=bars,
        table=table,
        places=places,
        without=rows.without_households(frame, PLACE, "乡镇", batch) if not township else "",
    )


def _board(query: Query, as_of: dt.date) -> Board:
    """总览's 红黑榜, ranked over the county."""
    batch, board, last_day = supervision.red_black_board(query, as_of, None)
    note = supervision.red_black_note(batch, last_day)
    return Board(batch, supervision.red_black_table(board), note, len(board))


def _own_row(board: Board, township: str) -> Board:
    """A township's row of the county's 红黑榜 (its rank among them all)."""
    table = board.table[board.table["乡镇"] == township].reset_index(drop=True)
    return Board(board.batch, table, board.note, board.ranked)


def gather(
    query: Query,
    county: str,
    as_of: dt.date,
    township: str | None = None,
    whole_county: bool = True,
    county_week: ScopeWeek | None = None,
) -> ScopeWeek:
    """The week of one scope, from the named queries (`query(name, **params)`).

    whole_county: whether `query` sees every township (a township user's dashboard does not: its
    summary then has no county row and no 红黑榜, as its pages have none). county_week: the county's
    week of the same day, when already gathered (a township's takes its cards and 红黑榜 from it)."""
    townships = [township] if township else []
    county_cards, board = None, None
    if whole_county:
        if township is None:
            board = _board(query, as_of)
        else:
            whole = county_week or gather(query, county, as_of)
            county_cards = whole.cards
            board = _own_row(whole.board, township) if whole.board is not None else None
    scope = township or COUNTY_WIDE
    cards = scope_progress.target_cards(query, as_of, townships, None)
    text = briefing.scope_briefing(query, as_of, scope, townships, None, cards)
    assessed = supervision.assessed_items(query, as_of, townships)
    listed = responsibility.supervision_list(assessed)
    own = {"as_of": as_of, "township": townships, "batch": None}
    return ScopeWeek(
        county=county,
        township=township,
        as_of=as_of,
        cards=cards,
        alerts=deadlines.alerts(cards),
        briefing=text,
        ranking=_ranking(query, as_of, township, cards, county_cards),
        supervision=supervision.supervision_table(listed),
        supervision_kinds=listed["kind"].tolist() if not listed.empty else [],
        supervision_lead=supervision.list_summary(assessed, listed) if not assessed.empty else "",
        board=board,
        villages=query("relocation_villages", **own) if township else pd.DataFrame(),
        zero_income=collective.zero_income_table(query("collective_zero_income_villages", **own)),
        secretaries=party.coverage_table(query("party_first_secretary", **own)),
    )
