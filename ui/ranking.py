"""The overview's ranking: townships (in a region view, counties) on the batch that is still open.

One measure per question: the ranking counts the batch the filter selects; with every batch,
the one still open whose deadline comes first (tracker.rules.indicators.measured_batch), the
same batch 本周简报 names the laggards of, and its title says which. A batch already done
is a line above it, not mixed in. Each row is coloured by its own status (the township's
target, assigned or 按台账计划, its deadline and its pace) with its target marked, and a
total row for the scope closes the table.

Its rows are tracker.present.ranking's (the weekly report prints the same); this module draws them.
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
from tracker.present import bar_table, column_labels, theme
from tracker.present import ranking as rows
from tracker.rules import indicators
from tracker.rules.indicators import Progress
from ui import column_formats, data, filters, sections, widgets
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


def _table(frame: pd.DataFrame, place: str, place_label: str, measure: str, places: int, name: str) -> None:
    """The whole ranking as a table (rows.ranking_table): every column, the status column, the total last."""
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
        total_rows=len(frame) - places,
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
    measure = rows.measure_title(batch)
    by_place = {} if f.region_view else widgets.township_cards(f, batch)
    total = indicators.card_of(cards, "households_moved", batch)
    whole = f.total_label
    chart_tab, table_tab, *more = sections.tabs(["排名", "排名表", *more_tabs])
    moving = rows.moving(ranking)
    if chart_tab.open:
        with chart_tab:
            notes = rows.notes(cards, batch, f.batch)
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
                bars = rows.bar_rows(moving, place, by_place, batch, total, whole)
                st.html(
                    bar_table.bar_table_html(
                        bars, place_label, measure, f"{place_label}排名", clickable=not widgets.report_mode()
                    )
                )
                if not widgets.report_mode():
                    _clicks(key=CLICK_KEY, on_place_change=lambda: _chosen(select))
                    st.caption(f"点击{place_label}可筛选到该{place_label}。")
                rest = rows.without_households(ranking, place, place_label, batch)
                if rest:
                    st.caption(rest)
    if table_tab.open:
        with table_tab:
            frame = rows.ranking_table(ranking, place, whole, by_place, batch, total)
            name = f"{place_label}排名_{f.as_of.isoformat()}"
            _table(frame, place, place_label, measure, len(ranking), name)
    return more


def _chosen(select: Callable[[str], None]) -> None:
    """Callback: the township (or county) of the clicked row becomes the filter."""
    state = st.session_state.get(CLICK_KEY)
    name = getattr(state, "place", None)
    if name is None and isinstance(state, dict):
        name = state.get("place")
    if isinstance(name, str):
        select(name)
