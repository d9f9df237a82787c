"""党建: weak and lax organizations under rectification, joint branches, floating members, first secretaries.

The page reads the filters, runs the named queries, and draws the cards and the tabs 整顿, 联合党支部,
流动党员, 第一书记 (`ui/party_sections.py`) and 督办清单 (`ui/supervision.py`); the rules (what counts as
rectified, as covered by a first secretary …) live in tracker.rules.party.
"""

import pandas as pd
import streamlit as st

from tracker.contract import formatting
from ui import data, party_sections, sections, supervision, widgets

f = widgets.dashboard_page("党建")

scope = {"as_of": f.as_of, "township": f.townships}
targets = widgets.applicable_targets(f)
series = data.query("party_series", **scope)
has_orgs = not series.empty  # the party ledger has a snapshot on or before the day, for these townships
weak = data.query("party_weak_orgs", **scope) if has_orgs else pd.DataFrame()
secretaries = data.query("party_first_secretary", **scope) if has_orgs else pd.DataFrame()
joint = data.query("party_joint_branches", **scope, batch=f.batch)
joint_series = data.query("party_joint_series", **scope, batch=f.batch)

if f.batch is not None:
    st.caption(
        f"搬迁批次筛选只作用于联合党支部（{formatting.batch(f.batch)}）；其余党建指标按全部党组织统计。"
    )
party_sections.headline(f, series, weak, joint, joint_series, secretaries, targets)

# --- One section at a time: only the open tab's figures and tables are built ----------------------
rectify, joint_tab, floating_tab, secretary_tab, *supervised = sections.tabs(
    ["整顿", "联合党支部", "流动党员", "第一书记", *supervision.LIST_TABS]
)
no_ledger = (
    f"所选范围在 {formatting.day(f.as_of)} 及以前没有党组织台账数据，软弱涣散党组织、流动党员和第一书记暂无法统计。"
    "请在“数据”页导入党组织台账。"
)
if rectify.open:
    with rectify:
        if has_orgs:
            party_sections.weak_section(f, series, weak, targets)
        else:
            widgets.no_data(no_ledger)
if joint_tab.open:
    with joint_tab:
        party_sections.joint_section(f, joint)
if has_orgs:
    if floating_tab.open:
        with floating_tab:
            party_sections.floating_section(f, series, data.query("party_floating", **scope))
    if secretary_tab.open:
        with secretary_tab:
            party_sections.secretary_section(f, secretaries)
elif not widgets.report_mode():  # the report said so once, under 整顿
    for section in (floating_tab, secretary_tab):
        if section.open:
            with section:
                widgets.no_data(no_ledger)
supervision.draw(f, supervised, kind=supervision.ORGS)  # 督办清单 of the weak organisations
