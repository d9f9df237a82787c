"""集体经济: 破零 rate by township against the target and over time, the villages still at zero, incomes, PV.

The page reads the filters, runs the named queries its cards and tabs share, and draws the cards and
the tabs 破零率, 未破零村, 收入与光伏 and 乡镇明细 (`ui/collective_sections.py`).
"""

import streamlit as st

from tracker.contract import formatting
from tracker.rules import collective
from ui import collective_sections, data, sections, widgets

f = widgets.dashboard_page("集体经济")

scope = {"as_of": f.as_of, "township": f.townships}
by_township = data.query("collective_by_township", **scope)
if by_township.empty:
    widgets.no_data(
        f"所选范围在 {formatting.day(f.as_of)} 及以前没有村级台账数据，无法统计集体经济。请在“数据”页导入村级台账。"
    )
    st.stop()
if f.batch is not None:
    st.caption("集体经济按全部行政村统计，不区分搬迁批次。")

# --- Headline ---------------------------------------------------------------------------------
series = collective.rounded_series(data.query("collective_series", **scope))
targets = widgets.applicable_targets(f)
target, due = collective.zero_break_target(targets)
totals = collective.totals(by_township)
headline = collective.zero_break_progress(series, targets, f.as_of)
collective_sections.headline(headline, totals)
if target is None:
    st.caption("所选范围未下达破零率目标。")

# --- One section at a time: only the open tab's queries, figures and tables are built ------------
rates, zero, incomes, detail = sections.tabs(["破零率", "未破零村", "收入与光伏", "乡镇明细"])
if rates.open:
    with rates:
        collective_sections.rates_section(f, by_township, series, target, due)
if zero.open:
    with zero:
        collective_sections.zero_section(f, scope, totals.at_zero)
if incomes.open:
    with incomes:
        collective_sections.incomes_section(f, scope, by_township)
if detail.open:
    with detail:
        collective_sections.detail_section(f, by_township, headline)
