"""The overview's ranking: townships (in a region view, counties) on the batch that is still open.

One measure per question: the ranking counts the batch the filter selects; with every batch,
the one still open whose deadline comes first (tracker.rules.indicators.measured_batch), the
same batch 本周简报 names the laggards of, and its title says which. A batch already done
is a line above it, not mixed in. Each row is coloured by its own status (the township's
target, assigned or 按台账计划, its deadline and its pace) with its target marked, and a
total row for the scope closes the table.

The ranking is an HTML table built on the server (tracker.present.bar_table), not a plotly
figure: the overview's first view loads no chart library. A click on a row narrows the view
to that township, through a small Streamlit component that listens for clicks on the rows
and reports the township (no page reload: the session and its sign-in stay).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from tracker.contract import formatting
from tracker.present import bar_table, column_labels, deadlines, theme
from tracker.rules import indicators, totals
from tracker.rules.indicators import Progress
from ui import column_formats, data, filters, sections, targets, widgets
from ui.filters import PageFilters
from ui.sections import Section

CLICK_KEY = "overview_ranking_click"
# Reports the township of a clicked (or Enter-pressed) ranking row. It listens on the document, so
# it finds the rows wherever st.html drew them; the cleanup removes the listeners with the component.
_CLICKS_JS = """
export default function(component) {
  const { setTriggerValue } = component;
  const pick = (event) => {
    if (event.type === 'keydown' && event.key !== 'Enter' && event.key !== ' ') return;
    const row = event.target.closest ? event.target.closest('table.rank-table tr[data-place]') : null;
    if (!row) return;
    event.preventDefault();
    setTriggerValue('place', row.getAttribute('data-place'));
  };
  document.addEventListener('click', pick);
  document.addEventListener('keydown', pick);
  return () => {
    document.removeEventListener('click', pick);
    document.removeEventListener('keydown', pick);
  };
}
"""
_clicks = st.components.v2.component("county_ranking_clicks", js=_CLICKS_JS)


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


def _row(name: str, record: pd.Series, card: Progress | None, total: bool = False) -> bar_table.BarRow:
    households = float(record["households"])
    moved = float(record["households_moved"])
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


def _rows(
    moving: pd.DataFrame,
    place: str,
    by_place: dict[str, list[Progress]],
    batch: int | None,
    total: Progress | None,
    whole: str,
) -> list[bar_table.BarRow]:
    rows = [
        _row(str(r[place]), r, indicators.card_of(by_place.get(str(r[place]), []), "households_moved", batch))
        for _, r in moving.iterrows()
    ]
    if len(rows) > 1:  # one township's total would only repeat its row
        sums = moving[["households", "households_moved"]].sum()
        rows.append(_row(whole, sums, total, total=True))
    return rows


def _table(
    ranking: pd.DataFrame,
    place: str,
    place_label: str,
    measure: str,
    statuses: list[str],
    whole: str,
    name: str,
) -> None:
    """The whole ranking as a table: every column, a status column, the scope's total row last."""
    ratios = {
        "moved_percent": ("households_moved", "households", 100.0),
        "zero_break_rate": ("villages_past_zero", "villages", 100.0),
    }
    frame = totals.with_total(ranking, place, whole, ratios)
    frame = frame.assign(status=statuses[: len(frame)])
    shown = frame.rename(
        columns={place: place_label, "moved_percent": f"{measure}（%）", **column_labels.RANKING}
    )
    widgets.table(
        shown[[place_label, "状态", *[c for c in shown.columns if c not in (place_label, "状态")]]],
        name,
        key="overview_ranking",
        column_config={
            f"{measure}（%）": column_formats.ONE_DECIMAL,
            "破零率（%）": column_formats.ONE_DECIMAL,
        },
        total_rows=len(frame) - len(ranking),
    )


def township_ranking(f: PageFilters, cards: list[Progress], more_tabs: Sequence[str] = ()) -> list[Section]:
    """The ranking section of 总览: its measure, the other batches' lines, the table of bars and the
    whole table a tab away; more_tabs follow those two, and their sections are returned to be drawn."""
    place, place_label = ("county", "县") if f.region_view else ("township", "乡镇")
    select: Callable[[str], None] = filters.select_county if f.region_view else filters.select_township
    st.subheader(f"{place_label}排名")
    batch = indicators.measured_batch(cards, f.batch)
    ranking = data.query("ranking", **(f.params() | {"batch": batch}), by_county=f.region_view)
    ranking = ranking.rename(columns={"place": place})
    if ranking.empty:
        widgets.no_data("所选范围内没有村级台账数据。")
        return []
    measure = measure_title(batch)
    by_place = {} if f.region_view else widgets.township_cards(f, batch)
    total = indicators.card_of(cards, "households_moved", batch)
    whole = f.total_label
    chart_tab, table_tab, *more = sections.tabs(["排名", "排名表", *more_tabs])
    moving = ranking[ranking["households"] > 0]
    if chart_tab.open:
        with chart_tab:
            notes = other_batches(cards, batch)
            if f.batch is None and batch is not None:
                notes.insert(0, "全部批次时，按尚未完成、完成时限最近的批次排名。")
            head = "".join(f'<div class="rank-note">{html.escape(n)}</div>' for n in notes)
            legend = theme.status_legend_html(grey="无目标" if f.region_view else "")
            st.html(
                f'<div class="rank-head"><div class="rank-measure">{html.escape(measure)}</div>{head}</div>'
                + ("" if moving.empty else legend)
            )
            if moving.empty:
                widgets.no_data(
                    f"所选范围内没有{formatting.batch(batch) if batch else ''}搬迁户，无法按入住比例排名。"
                )
            else:
                rows = _rows(moving, place, by_place, batch, total, whole)
                st.html(
                    bar_table.bar_table_html(
                        rows, place_label, measure, f"{place_label}排名", clickable=not widgets.report_mode()
                    )
                )
                if not widgets.report_mode():
                    _clicks(key=CLICK_KEY, on_place_change=lambda: _chosen(select))
                    st.caption(f"点击{place_label}可筛选到该{place_label}。")
                rest = ranking[ranking["households"] <= 0][place].tolist()
                if rest:
                    st.caption(
                        f"无{formatting.batch(batch) if batch else ''}搬迁户的{place_label}："
                        + "、".join(rest)
                    )
    if table_tab.open:
        with table_tab:
            statuses = targets.moved_statuses(by_place, ranking[place], total, batch)
            name = f"{place_label}排名_{f.as_of.isoformat()}"
            _table(ranking, place, place_label, measure, statuses, whole, name)
    return more


def _chosen(select: Callable[[str], None]) -> None:
    """Callback: the township (or county) of the clicked row becomes the filter."""
    state = st.session_state.get(CLICK_KEY)
    name = getattr(state, "place", None)
    if name is None and isinstance(state, dict):
        name = state.get("place")
    if isinstance(name, str):
        select(name)
