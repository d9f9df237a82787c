"""The township ranking as the overview draws it and the weekly report prints it: one measure, one rule.

One measure per question: the ranking counts the batch the filter selects; with every batch,
the one still open whose deadline comes first (tracker.rules.indicators.measured_batch), the
same batch 本周简报 names the laggards of, and its title says which (`measure_title`). A batch
already done is a line above it (`notes`), not mixed in. Each row is coloured by its own status
(the township's target, assigned or 按台账计划, its deadline and its pace) with its target
marked, and a total row for the scope closes it (`bar_rows`, drawn by
tracker.present.bar_table); the whole table a tab away (and the document's township table) is
`ranking_table`, the same rows with every column, a status column and the total row.

Everything here is pure: the ranking (queries/ranking.sql for the measured batch), the scope's
cards and each township's (tracker.present.scope_progress) in, rows out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from tracker.contract import formatting
from tracker.present import bar_table, deadlines, theme
from tracker.rules import indicators, totals
from tracker.rules.indicators import Progress

# A total row's rates are worked out again from its sums (tracker.rules.totals).
RATIOS = {
    "moved_percent": ("households_moved", "households", 100.0),
    "zero_break_rate": ("villages_past_zero", "villages", 100.0),
}
ALL_BATCHES_NOTE = "全部批次时，按尚未完成、完成时限最近的批次排名。"


def measure_title(batch: int | None) -> str:
    """第二批入住比例 (or, with no batch to count, 搬迁户入住比例)."""
    return f"{formatting.batch(batch)}入住比例" if batch is not None else "搬迁户入住比例"


def other_batches(cards: Sequence[Progress], measured: int | None) -> list[str]:
    """A line for each other batch: done (with its figures), or where it stands and its status."""
    lines = []
    batches = sorted({c.batch for c in cards if c.indicator in indicators.RELOCATION and c.batch is not None})
    for batch in batches:
        if batch == measured:
            continue
        row = indicators.batch_cards(list(cards), batch)
        figures = "、".join(
            deadlines.card_value(row[k].actual, row[k].unit) for k in indicators.RELOCATION if k in row
        )
        if all(c.status == indicators.DONE for c in row.values()):
            lines.append(f"{formatting.batch(batch)}已全部完成：{figures}。")
            continue
        status = theme.status_label(indicators.worst([c.status for c in row.values()]))
        lines.append(
            f"{formatting.batch(batch)}：已完成搬迁入住{figures}" + (f"（{status}）。" if status else "。")
        )
    return lines


def notes(cards: Sequence[Progress], measured: int | None, chosen: int | None) -> list[str]:
    """The lines above the ranking: which batch it counts when every batch is chosen, the other batches."""
    lines = other_batches(cards, measured)
    if chosen is None and measured is not None:
        lines.insert(0, ALL_BATCHES_NOTE)
    return lines


def moving(ranking: pd.DataFrame) -> pd.DataFrame:
    """The places the bars rank: those with households of the measured batch."""
    return ranking[ranking["households"] > 0]


def without_households(ranking: pd.DataFrame, place: str, place_label: str, batch: int | None) -> str:
    """无第二批搬迁户的乡镇：… ("" when every place has some)."""
    rest = ranking[ranking["households"] <= 0][place].tolist()
    if not rest:
        return ""
    return f"无{formatting.batch(batch) if batch else ''}搬迁户的{place_label}：" + "、".join(map(str, rest))


def bar_row(
    name: str, record: Mapping[str, object], card: Progress | None, total: bool = False
) -> bar_table.BarRow:
    """One place's bar: its households moved in over its households, coloured by its own card's status,
    its own target marked."""
    households = float(record["households"])  # type: ignore[arg-type]
    moved = float(record["households_moved"])  # type: ignore[arg-type]
    percent = 100.0 * moved / households if households else None
    target_percent = None
    target_text = ""
    if card is not None and card.target:
        target_percent = 100.0 * card.target / households if households else None
        basis = f"（{card.basis}）" if card.basis else ""
        target_text = f"目标 {deadlines.card_value(card.target, card.unit)}{basis}"
    return bar_table.BarRow(
        place=name,
        percent=percent,
        value=formatting.percent(percent),
        detail=f"{round(moved):,}/{round(households):,} 户",
        status=card.status if card is not None else indicators.NO_TARGET,
        target_percent=target_percent,
        target_text=target_text,
        total=total,
    )


def bar_rows(
    ranked: pd.DataFrame,
    place: str,
    by_place: Mapping[str, list[Progress]],
    batch: int | None,
    total: Progress | None,
    whole: str,
) -> list[bar_table.BarRow]:
    """The bars of `ranked` (the places with households, in the ranking's order), and the scope's total
    row (`whole`, coloured by the scope's own card `total`) when there is more than one place."""
    rows = [
        bar_row(
            str(r[place]), r, indicators.card_of(by_place.get(str(r[place]), []), "households_moved", batch)
        )
        for _, r in ranked.iterrows()
    ]
    if len(rows) > 1:  # one township's total would only repeat its row
        sums = ranked[["households", "households_moved"]].sum()
        rows.append(bar_row(whole, sums, total, total=True))
    return rows


def row_status(cards: Sequence[Progress], batch: int | None) -> str:
    """The status word of a place's row: its households_moved card of the batch ("" without one)."""
    card = indicators.card_of(list(cards), "households_moved", batch)
    return theme.status_label(card.status) if card is not None else ""


def moved_statuses(
    by_place: Mapping[str, list[Progress]], places: Iterable[str], total: Progress | None, batch: int | None
) -> list[str]:
    """A township table's 状态 column on households moved (of `batch`): each place's status word against
    its own target, then the scope's (its total row's); blank where there is no card."""
    own = [row_status(by_place.get(str(place), []), batch) for place in places]
    return [*own, theme.status_label(total.status) if total is not None else ""]


def ranking_table(
    ranking: pd.DataFrame,
    place: str,
    whole: str,
    by_place: Mapping[str, list[Progress]],
    batch: int | None,
    total: Progress | None,
) -> pd.DataFrame:
    """Every place of the ranking with every column, its status word (`status`), and the scope's total
    row last (`whole`; none for a single place); the query's column names."""
    statuses = moved_statuses(by_place, ranking[place], total, batch)
    frame = totals.with_total(ranking, place, whole, RATIOS)
    return frame.assign(status=statuses[: len(frame)])
