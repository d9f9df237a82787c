"""总览: every target at a glance, what changed since last week, and how the townships rank."""

import html

import streamlit as st

from tracker.present import charts, theme
from tracker.rules import freshness
from ui import data, filters, sections, supervision, widgets

f = widgets.dashboard_page("总览")

# --- Targets: one card per indicator (and batch) -----------------------------------------
cards = widgets.target_cards(f)
if not cards:
    widgets.no_data("尚未导入目标任务，无法对照目标。请在“数据”页导入目标任务表。")
else:
    widgets.weekly_briefing(f, cards)
    widgets.kpi_grid([widgets.progress_card(c) for c in cards])
    late = [c.label for c in cards if c.status in ("behind", "at_risk")]
    if late:
        st.warning("按近四周进度推算，以下指标可能无法按期完成：" + "、".join(late))

# --- Townships (or, in a region view, counties) -------------------------------------------
place, place_label = ("county", "县") if f.region_view else ("township", "乡镇")
st.subheader(f"{place_label}排名")
ranking = data.query("ranking", **f.params(), by_county=f.region_view).rename(columns={"place": place})
if ranking.empty:
    widgets.no_data("所选范围内没有村级台账数据。")
else:
    select = filters.select_county if f.region_view else filters.select_township
    # The chart first, the whole table a tab away: a first view need not load the data grid.
    chart_tab, table_tab, *supervised = sections.tabs(["排名", "排名表", *supervision.OVERVIEW_TABS])
    moving = ranking[ranking["households"] > 0]
    if chart_tab.open:
        with chart_tab:
            if moving.empty and not widgets.report_mode():  # the report shows the table right below
                widgets.no_data(f"所选范围内没有搬迁户，无法按入住比例排名；各{place_label}情况见“排名表”。")
            elif not moving.empty:
                figure = widgets.figure(
                    charts.township_bars,
                    moving,
                    "moved_percent",
                    f"搬迁户入住比例（点击{place_label}可筛选）",
                    unit="%",
                    target=100,
                    colour=theme.DONE,
                    place=place,
                )
                widgets.chart(
                    figure,
                    key="overview_rank_chart",
                    on_click=lambda: widgets.filter_from_chart("overview_rank_chart", select),
                )
    if table_tab.open:
        with table_tab:
            shown = ranking.rename(
                columns={
                    place: place_label,
                    "relocation_villages": "搬迁村",
                    "villages_completed": "已完成搬迁村",
                    "households": "搬迁户",
                    "households_moved": "已入住户",
                    "people_moved": "已入住人",
                    "moved_percent": "入住比例（%）",
                    "villages": "行政村",
                    "villages_past_zero": "已破零村",
                    "zero_break_rate": "破零率（%）",
                    "weak_orgs": "软弱涣散组织",
                    "weak_orgs_rectified": "已整顿",
                }
            )
            widgets.table(
                shown,
                f"{place_label}排名_{f.as_of.isoformat()}",
                key="overview_ranking",
                column_config={
                    "入住比例（%）": st.column_config.NumberColumn(format="%.1f"),
                    "破零率（%）": st.column_config.NumberColumn(format="%.1f"),
                },
            )

    supervision.draw(f, supervised)  # 督办清单 and 红黑榜 (ui/supervision.py)

# --- Freshness ------------------------------------------------------------------------------
fresh = data.query("data_freshness", as_of=f.as_of)
lagging = data.query("data_freshness_townships", **f.params())
st.html(f'<div class="freshness">{html.escape(freshness.freshness_line(fresh, lagging))}</div>')
