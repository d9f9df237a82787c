"""集体经济's cards and sections: the 破零 rate by township against its target and over the weeks, the
villages still at zero, incomes and PV, and the township table.

Every number comes from a named query `queries/collective_*.sql`; what counts as 破零 lives in
tracker.rules.collective, the figures in tracker.present.charts and collective_charts.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from tracker.contract import formatting
from tracker.present import charts, collective_charts, theme
from tracker.rules import collective, indicators
from tracker.rules.totals import with_total
from ui import column_formats, data, widgets
from ui.filters import PageFilters


def with_status(f: PageFilters, by_township: pd.DataFrame) -> pd.DataFrame:
    """Each township's 破零 target (its own, else the county's) and its status against it."""
    cards = {
        name: indicators.card_of(own, collective.INDICATOR)
        for name, own in widgets.township_cards(f, None).items()
    }
    found = [cards.get(name) for name in by_township["township"]]
    return by_township.assign(
        target=[c.target if c is not None else None for c in found],
        status=[c.status if c is not None else indicators.NO_TARGET for c in found],
    )


def headline(card: indicators.Progress, totals: collective.Totals) -> None:
    """The 破零 rate against its target, the villages past and still at zero, incomes and PV."""
    widgets.kpi_grid(
        [
            widgets.progress_card(card),
            widgets.kpi_card(
                "已破零村",
                formatting.count(totals.past_zero, "个村"),
                f"共 {formatting.count(totals.villages, '个行政村')}",
                totals.rate,
            ),
            widgets.kpi_card(
                "未破零村（集体经济收入为零）",
                formatting.count(totals.at_zero, "个村"),
                "名单见“未破零村”，可下载" if not widgets.report_mode() else "名单见下方",
            ),
            widgets.kpi_card("村集体经济收入合计", formatting.wan_yuan(totals.income_10k), "当年累计"),
            widgets.kpi_card(
                "村级光伏电站装机",
                formatting.count(totals.pv_kw, "千瓦"),
                f"{formatting.count(totals.pv_villages, '个村')}建有光伏电站",
            ),
        ]
    )


def rates_section(
    f: PageFilters, by_township: pd.DataFrame, series: pd.DataFrame, target: float | None, due: dt.date | None
) -> None:
    """Each township's 破零 rate against its target, and the scope's rate over the weeks."""
    st.subheader("各乡镇破零率")
    if not widgets.townships_need_a_county(f):
        rate_chart = widgets.figure(
            charts.township_bars,
            with_status(f, by_township),
            "zero_break_rate",
            "村集体经济破零率（点击乡镇可筛选）",
            unit="%",
            target_label="目标",
            status="status",
            target_column="target",
        )
        widgets.status_legend()
        widgets.township_chart(rate_chart, "collective_rate_chart")
    trend = widgets.figure(
        charts.progress_over_time,
        series,
        "as_of",
        {"zero_break_rate": "破零率"},
        f"{f.scope}破零率逐周变化",
        target=target,
        due=due,
        unit="%",
    )
    widgets.chart(trend, key="collective_trend_chart")


def zero_section(f: PageFilters, scope: dict[str, object], at_zero: int) -> None:
    """The villages still at zero, to download."""
    st.subheader(f"未破零村名单（{formatting.count(at_zero, '个村')}）")
    zero_list = collective.zero_income_table(data.query("collective_zero_income_villages", **scope))
    if zero_list.empty:
        st.success("所选范围内所有行政村均已破零。")
        return
    widgets.caption("集体经济收入为零或未填报的行政村。")
    widgets.township_table(
        zero_list,
        f"未破零村名单_{f.scope}_{f.as_of.isoformat()}",
        "collective_zero_list",
        column_config={"光伏装机（千瓦）": column_formats.WHOLE},
    )


def incomes_section(f: PageFilters, scope: dict[str, object], by_township: pd.DataFrame) -> None:
    """How the villages' incomes are spread, and each township's PV."""
    st.subheader("收入分布与光伏电站")
    bands = collective.income_bands(data.query("collective_income_distribution", **scope))
    widgets.chart(
        widgets.figure(collective_charts.income_distribution, bands, "行政村集体经济收入分布"),
        key="collective_income_chart",
    )
    if not f.region_view:
        pv_chart = widgets.figure(
            charts.township_bars,
            by_township,
            "pv_kw",
            "各乡镇光伏装机（点击乡镇可筛选）",
            unit=" 千瓦",
            colour=theme.NEUTRAL,
        )
        widgets.township_chart(pv_chart, "collective_pv_chart")


def detail_section(f: PageFilters, by_township: pd.DataFrame, card: indicators.Progress) -> None:
    """The township table: each one's status and target, the scope's total row last."""
    st.subheader("分乡镇明细")
    if widgets.townships_need_a_county(f):
        return
    rated = with_status(f, by_township)
    whole = with_total(
        by_township,
        "township",
        f.total_label,
        ratios={"zero_break_rate": ("villages_past_zero", "villages", 100.0)},
        means={"income_per_village_10k": "villages_past_zero"},
    )
    shown = collective.township_table(whole)
    statuses = [theme.status_label(s) for s in rated["status"]] + [theme.status_label(card.status)]
    shown.insert(1, "状态", statuses[: len(whole)])
    shown.insert(2, "破零率目标（%）", [*rated["target"], card.target][: len(whole)])
    widgets.township_table(
        shown,
        f"集体经济分乡镇_{f.scope}_{f.as_of.isoformat()}",
        "collective_townships",
        column_config={
            "破零率（%）": column_formats.PERCENT,
            "破零率目标（%）": column_formats.PERCENT,
            "集体经济收入合计（万元）": column_formats.TWO_DECIMALS,
            "已破零村村均收入（万元）": column_formats.TWO_DECIMALS,
            "光伏装机（千瓦）": column_formats.WHOLE,
        },
        total_rows=len(whole) - len(by_township),
    )
