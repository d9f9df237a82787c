"""The page's toolbox: its heading (the filters, whom it is about, the snapshot day), 本周简报, and the
region view's note; the cards, charts and tables every page draws, from the modules that hold them.

A page calls `widgets.table(...)`, `widgets.kpi_card(...)`, `widgets.figure(...)`: each is defined
once, in `ui/cards.py`, `ui/charts.py`, `ui/tables.py`, `ui/layout.py` or `ui/targets.py`, and only
named again here.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import streamlit as st

from tracker.access import DEMO_USER
from tracker.contract import formatting
from tracker.present import theme
from tracker.rules import freshness
from tracker.rules.indicators import Progress
from tracker.weekly import briefing
from ui import data
from ui.cards import deadline_banner, format_value, kpi_card, kpi_grid, progress_card, status_legend
from ui.charts import chart, figure, filter_from_chart, township_chart
from ui.filters import Filters, PageFilters, current
from ui.layout import caption, is_phone, no_data, report_mode
from ui.session import current_user
from ui.tables import table, township_table
from ui.targets import applicable_targets, target_cards, township_cards

__all__ = [
    "applicable_targets",
    "caption",
    "chart",
    "dashboard_page",
    "deadline_banner",
    "figure",
    "filter_from_chart",
    "format_value",
    "is_phone",
    "kpi_card",
    "kpi_grid",
    "no_data",
    "page_start",
    "progress_card",
    "report_mode",
    "status_legend",
    "table",
    "target_cards",
    "township_cards",
    "township_chart",
    "township_table",
    "townships_need_a_county",
    "weekly_briefing",
]


def dashboard_page(title: str) -> PageFilters:
    """Open a page of figures: the filters and the heading; the page stops there until data is imported."""
    filters = current()
    page_start(title, filters)
    if filters.as_of is None:
        no_data()
        st.stop()
    return PageFilters(**{**vars(filters), "as_of": filters.as_of})


def page_start(title: str, filters: Filters) -> None:
    """The heading: page title, whom it is about, and the snapshot day."""
    st.html(theme.PAGE_CSS)
    st.title(title)
    when = formatting.day(filters.as_of) if filters.as_of else "暂无数据"
    week = f" · {formatting.week(filters.as_of)}" if filters.as_of else ""
    batch = f" · {formatting.batch(filters.batch)}" if filters.batch else ""
    county = data.county().name
    if current_user() is DEMO_USER and not report_mode() and is_phone():
        # A desktop shows the sidebar's warning beside the page; a phone keeps its sidebar closed.
        st.caption("演示模式：未配置登录，所有数据对任何访问者可见。")
    st.html(
        f'<div class="report-header">{html.escape(county)} · {html.escape(filters.scope)}{batch}{week}'
        f" · 数据截至 {html.escape(when)}</div>"
    )
    if filters.as_of is not None:
        # A file that covered only some townships leaves the others' older rows in the snapshot.
        note = freshness.heading_note(data.query("data_freshness_townships", **filters.params()))
        if note:
            st.caption(note)


def weekly_briefing(filters: PageFilters, cards: Sequence[Progress]) -> None:
    """The week in one paragraph (公文 style): deadlines, what is missing, the pace needed, who lags,
    and the villages furthest behind their plan with their 包保领导 (as the weekly report writes it)."""
    text = briefing.scope_briefing(
        data.query,
        filters.as_of,
        filters.scope,
        filters.townships,
        filters.batch,
        cards,
        filters.region_view,
        data.derived,
    )
    st.html(f'<div class="briefing-title">本周简报</div><div class="briefing">{html.escape(text)}</div>')


def townships_need_a_county(filters: Filters) -> bool:
    """In a region view, say that township breakdowns wait for a county; True when they do."""
    if filters.region_view:
        st.caption("各县的乡镇同名者众多（如城关镇），乡镇分布请先在左侧选择一个县。")
    return filters.region_view
