"""资金: integrated relocation funds by source, township and month, cumulative against the total target."""

import streamlit as st

from tracker.contract import formatting
from tracker.present import funds_charts
from tracker.rules import indicators
from tracker.rules.totals import with_total
from ui import data, sections, widgets

f = widgets.dashboard_page("资金")

summary = data.query("funds_summary", as_of=f.as_of, township=f.townships)
if summary.empty:
    widgets.no_data("尚未导入资金台账（或所选日期之前没有资金台账）。请在“数据”页上传资金台账。")
    st.stop()
totals = summary.iloc[0]
if not totals.allocations:
    widgets.no_data(f"所选乡镇在 {formatting.day(totals.as_of)} 的资金台账中没有拨付记录。")
    st.stop()

# --- Headline: the total against its target ------------------------------------------------
series = data.query("indicator_series", **f.params())
series = series[series["indicator"] == "funds_10k"]
targets = widgets.applicable_targets(f)
targets = targets[targets["indicator"] == "funds_10k"]
card = next(iter(data.derived(indicators.progress, series, targets, f.as_of)), None)
target = card.target if card else None
due = card.due if card else None

by_source = data.query("funds_by_source", as_of=f.as_of, township=f.townships)
cards = []
if card is not None:
    cards.append(widgets.progress_card(card, label="整合资金"))
else:
    cards.append(widgets.kpi_card("整合资金", formatting.wan_yuan(totals.amount_10k), "所选范围没有资金目标"))
top = by_source.sort_values("amount_10k", ascending=False).iloc[0]
cards.append(
    widgets.kpi_card(
        "资金来源", f"{int(totals.sources)} 类", f"最多：{top.source} {formatting.percent(top.share_percent)}"
    )
)
cards.append(
    widgets.kpi_card(
        "拨付笔数",
        formatting.count(totals.allocations, "笔"),
        f"涉及 {int(totals.townships)} 个乡镇、{int(totals.villages)} 个村",
    )
)
widgets.kpi_grid(cards)
notes = [f"资金台账截至 {formatting.day(totals.as_of)}，金额单位：万元。"]
if f.townships:
    notes.append("按乡镇筛选时不含县级统筹资金（未落到乡镇的拨付），整合资金目标为全县目标。")
if totals.undated_10k:
    notes.append(f"另有 {formatting.wan_yuan(totals.undated_10k)} 未填拨付日期，未计入按月统计。")
st.caption(" ".join(notes))

# --- One section at a time: only the open tab's queries, figures and tables are built ------------
monthly, sources, places_tab, detail_tab = sections.tabs(["逐月", "按来源", "按乡镇", "拨付明细"])
money = st.column_config.NumberColumn(format="accounting")
if monthly.open:
    with monthly:
        st.subheader("逐月拨付")
        months = data.query("funds_by_month", as_of=f.as_of, township=f.townships)
        if months.empty:
            widgets.no_data("所选范围的拨付均未填日期，无法按月统计。")
        else:
            widgets.chart(
                widgets.figure(
                    funds_charts.cumulative_by_month, months, "逐月拨付与累计", target=target, due=due
                ),
                key="funds_month_chart",
            )

# --- By source and by township ---------------------------------------------------------------
if sources.open:
    with sources:
        st.subheader("按资金来源")
        widgets.chart(
            widgets.figure(funds_charts.by_source, by_source, "各来源资金（万元，占比）"),
            key="funds_source_chart",
        )

if places_tab.open:
    with places_tab:
        st.subheader("按乡镇")
        if not widgets.townships_need_a_county(f):
            places = data.query("funds_by_township", as_of=f.as_of, township=f.townships)
            widgets.township_chart(
                widgets.figure(funds_charts.by_township, places, "各乡镇资金（万元，点击乡镇可筛选）"),
                "funds_township_chart",
            )
            matrix = funds_charts.township_source_table(places, list(by_source["source"]))
            whole = with_total(matrix, "乡镇", f.whole if not f.townships else "合计")
            widgets.table(
                whole,
                f"资金_分乡镇分来源_{f.as_of.isoformat()}",
                key="funds_matrix",
                column_config={c: money for c in matrix.columns if c != "乡镇"},
                total_rows=len(whole) - len(matrix),
            )

# --- Every allocation -------------------------------------------------------------------------
if detail_tab.open:
    with detail_tab:
        st.subheader("拨付明细")
        detail = data.query("funds_allocations", as_of=f.as_of, township=f.townships).rename(
            columns={
                "allocated_on": "拨付日期",
                "source": "资金来源",
                "township": "乡镇",
                "village": "村名",
                "purpose": "用途",
                "amount_10k": "金额（万元）",
            }
        )
        widgets.table(
            detail,
            f"资金_拨付明细_{f.as_of.isoformat()}",
            key="funds_detail",
            column_config={
                "拨付日期": st.column_config.DateColumn(format="YYYY年M月D日"),
                "金额（万元）": money,
            },
        )
