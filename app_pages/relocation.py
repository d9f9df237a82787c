"""整村搬迁: batch by batch, villages by stage, households moved against the target, where they went,
what was demolished and reclaimed, registrations, subsidy and self-funding, and each village's households.

The page reads the filters, runs the named queries its cards and tabs share, and draws: each batch's
cards and the tabs 进度, 安置方式, 拆除复垦, 资金 (`ui/relocation_sections.py`), 明细
(`ui/relocation_detail.py`) and 督办清单 (`ui/supervision.py`).
"""

import streamlit as st

from tracker.contract import formatting
from tracker.rules import relocation
from ui import data, relocation_detail, relocation_sections, sections, supervision, widgets

f = widgets.dashboard_page("整村搬迁")

params = f.params()
day = f.as_of.isoformat()
townships = data.query("relocation_townships", **params)
if townships.empty:
    which = formatting.batch(f.batch) if f.batch else ""
    widgets.no_data(f"{f.scope}{which}没有整村搬迁村。可在侧栏选择其他乡镇或批次，或清空乡镇查看全县。")
    st.stop()
has_households = townships["households"].sum() > 0

# --- Targets: cards per batch ---------------------------------------------------------------------
series = data.query("relocation_progress", **params)
targets = widgets.applicable_targets(f)
cards = data.derived(relocation.cards, series, targets, f.as_of)
relocation_sections.batch_cards(cards, targets)

# --- One section at a time: only the open tab's queries, figures and tables are built -------------
progress, modes, demolition, funding, detail, *supervised = sections.tabs(
    ["进度", "安置方式", "拆除复垦", "资金", "明细", *supervision.LIST_TABS]
)
total = townships.sum(numeric_only=True)
if progress.open:
    with progress:
        relocation_sections.progress_section(f, series, targets, list(cards), has_households)
if has_households:
    if modes.open:
        with modes:
            relocation_sections.modes_section(f, params, day)
    if demolition.open:
        with demolition:
            relocation_sections.demolition_section(f, total, townships)
    if funding.open:
        with funding:
            relocation_sections.funding_section(total, params, day)
elif not widgets.report_mode():  # the report said so once, under 搬迁进度
    for section in (modes, demolition, funding):
        if section.open:
            with section:
                widgets.no_data(relocation_sections.NO_HOUSEHOLDS)
if detail.open:
    with detail:
        relocation_detail.detail_section(f, townships, params, day)
supervision.draw(f, supervised, kind=supervision.VILLAGES)  # 督办清单 of the relocation villages
