"""资金's cards and sections: the integrated funds against their target, then by month, by source, by
township (and source), and every allocation.

Every number comes from a named query `queries/funds_*.sql`; the figures from
tracker.present.funds_charts.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker.contract import formatting
from tracker.present import column_labels, funds_charts
from tracker.rules import indicators
from tracker.rules.totals import with_total
from ui import column_formats, data, widgets
from ui.filters import PageFilters


def funds_card(f: PageFilters) -> indicators.Progress | None:
    """The integrated funds against their target for the filtered scope, or None without a target."""
    series = data.query("indicator_series", **f.params())
    series = series[series["indicator"] == "funds_10k"]
    targets = widgets.applicable_targets(f)
    targets = targets[targets["indicator"] == "funds_10k"]
    return next(iter(data.derived(indicators.progress, series, targets, f.as_of)), None)


def headline(
    f: PageFilters, totals: pd.Series, by_source: pd.DataFrame, card: indicators.Progress | None
) -> None:
    """The total against its target, the sources, the allocations, and what the figures leave out."""
    cards = []
    if card is not None:
        cards.append(widgets.progress_card(card, label="整合资金"))
    else:
        cards.append(
            widgets.kpi_card("整合资金", formatting.wan_yuan(totals.amount_10k), "所选范围没有资金目标")
        )
    top = by_source.sort_values("amount_10k", ascending=False).iloc[0]
    cards.append(
        widgets.kpi_card(
            "资金来源",
            f"{int(totals.sources)} 类",
            f"最多：{top.source} {formatting.percent(top.share_percent)}",
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


def month_section(f: PageFilters, card: indicators.Progress | None) -> None:
    """Allocations month by month and their running total, against the target."""
    st.subheader("逐月拨付")
    months = data.query("funds_by_month", as_of=f.as_of, township=f.townships)
    if months.empty:
        widgets.no_data("所选范围的拨付均未填日期，无法按月统计。")
        return
    target = card.target if card else None
    due = card.due if card else None
    widgets.chart(
        widgets.figure(funds_charts.cumulative_by_month, months, "逐月拨付与累计", target=target, due=due),
        key="funds_month_chart",
    )


def source_section(by_source: pd.DataFrame) -> None:
    """Each source's funds and share."""
    st.subheader("按资金来源")
    widgets.chart(
        widgets.figure(funds_charts.by_source, by_source, "各来源资金（万元，占比）"),
        key="funds_source_chart",
    )


def township_section(f: PageFilters, by_source: pd.DataFrame) -> None:
    """Each township's funds, and a table of townships by source with the scope's total row."""
    st.subheader("按乡镇")
    if widgets.townships_need_a_county(f):
        return
    places = data.query("funds_by_township", as_of=f.as_of, township=f.townships)
    widgets.township_chart(
        widgets.figure(funds_charts.by_township, places, "各乡镇资金（万元，点击乡镇可筛选）"),
        "funds_township_chart",
    )
    matrix = funds_charts.township_source_table(places, list(by_source["source"]))
    whole = with_total(matrix, "乡镇", f.total_label)
    widgets.table(
        whole,
        f"资金_分乡镇分来源_{f.as_of.isoformat()}",
        key="funds_matrix",
        column_config={c: column_formats.MONEY for c in matrix.columns if c != "乡镇"},
        total_rows=len(whole) - len(matrix),
    )


def allocations_section(f: PageFilters) -> None:
    """Every allocation, newest first."""
    st.subheader("拨付明细")
    detail = data.query("funds_allocations", as_of=f.as_of, township=f.townships)
    widgets.table(
        detail.rename(columns=column_labels.FUNDS_ALLOCATIONS),
        f"资金_拨付明细_{f.as_of.isoformat()}",
        key="funds_detail",
        column_config={"拨付日期": column_formats.DAY, "金额（万元）": column_formats.MONEY},
    )
