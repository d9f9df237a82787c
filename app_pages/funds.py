"""资金: integrated relocation funds by source, township and month, cumulative against the total target.

The page reads the filters, runs the named queries its cards and tabs share, and draws the cards and
the tabs 逐月, 按来源, 按乡镇 and 拨付明细 (`ui/funds_sections.py`).
"""

import streamlit as st

from tracker.contract import formatting
from ui import data, funds_sections, sections, widgets

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
card = funds_sections.funds_card(f)
by_source = data.query("funds_by_source", as_of=f.as_of, township=f.townships)
funds_sections.headline(f, totals, by_source, card)

# --- One section at a time: only the open tab's queries, figures and tables are built ------------
monthly, sources, places, detail = sections.tabs(["逐月", "按来源", "按乡镇", "拨付明细"])
if monthly.open:
    with monthly:
        funds_sections.month_section(f, card)
if sources.open:
    with sources:
        funds_sections.source_section(by_source)
if places.open:
    with places:
        funds_sections.township_section(f, by_source)
if detail.open:
    with detail:
        funds_sections.allocations_section(f)
