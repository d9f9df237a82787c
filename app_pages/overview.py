"""总览: what is overdue, every target at a glance, what changed since last week, and how the townships rank.

No chart library on this page: the cards, the briefing, the overdue line and the ranking are
HTML built on the server, so the first view a leader opens from a link draws at once; plotly.js
is loaded after it is drawn (ui/chart_prefetch.py), ready for the chart page clicked next.
"""

import html

import streamlit as st

from tracker.rules import freshness, indicators
from ui import chart_prefetch, data, ranking, supervision, widgets

f = widgets.dashboard_page("总览")

# --- Overdue first, then the briefing and one card per indicator (and batch) ----------------------
cards = widgets.target_cards(f)
if not cards:
    widgets.no_data("尚未导入目标任务，无法对照目标。请在“数据”页导入目标任务表。")
else:
    widgets.deadline_banner(cards)
    widgets.weekly_briefing(f, cards)
    widgets.kpi_grid([widgets.progress_card(c) for c in cards])
    named = {id(c) for c in indicators.overdue(cards) + indicators.urgent(cards)}
    late = [c.label for c in cards if c.status == indicators.BEHIND and id(c) not in named]
    if late:
        st.warning("按近四周进度推算，以下指标难以按期完成：" + "、".join(late))

# --- Townships (or, in a region view, counties) -------------------------------------------
supervised = ranking.township_ranking(f, cards, more_tabs=supervision.OVERVIEW_TABS)
supervision.draw(f, supervised)  # 督办清单 and 红黑榜 (ui/supervision.py)

# --- Freshness ------------------------------------------------------------------------------
fresh = data.query("data_freshness", as_of=f.as_of)
lagging = data.query("data_freshness_townships", **f.params())
st.html(f'<div class="freshness">{html.escape(freshness.freshness_line(fresh, lagging))}</div>')
chart_prefetch.prefetch_charts()  # the chart pages a leader goes on to find plotly.js loaded
