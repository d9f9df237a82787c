"""集体经济: 破零 rate by township against the target and over time, the villages still at zero, incomes, PV."""

import pandas as pd
import streamlit as st

from tracker.contract import formatting
from tracker.present import charts, collective_charts, theme
from tracker.rules import collective, indicators
from tracker.rules.totals import with_total
from ui import data, sections, widgets
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
widgets.kpi_grid(
    [
        widgets.progress_card(headline),
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
if target is None:
    st.caption("所选范围未下达破零率目标。")

# --- One section at a time: only the open tab's queries, figures and tables are built ------------
rates, zero, incomes, detail = sections.tabs(["破零率", "未破零村", "收入与光伏", "乡镇明细"])
if rates.open:
    with rates:
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

# --- The villages still at zero ------------------------------------------------------------------
if zero.open:
    with zero:
        st.subheader(f"未破零村名单（{formatting.count(totals.at_zero, '个村')}）")
        zero_list = collective.zero_income_table(data.query("collective_zero_income_villages", **scope))
        if zero_list.empty:
            st.success("所选范围内所有行政村均已破零。")
        else:
            widgets.caption("集体经济收入为零或未填报的行政村。")
            widgets.township_table(
                zero_list,
                f"未破零村名单_{f.scope}_{f.as_of.isoformat()}",
                "collective_zero_list",
                column_config={"光伏装机（千瓦）": st.column_config.NumberColumn(format="%.0f")},
            )

# --- Incomes and PV -------------------------------------------------------------------------
if incomes.open:
    with incomes:
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

# --- The township table --------------------------------------------------------------------
if detail.open:
    with detail:
        st.subheader("分乡镇明细")
        if not widgets.townships_need_a_county(f):
            rated = with_status(f, by_township)
            whole = with_total(
                by_township,
                "township",
                f.whole if not f.townships else "合计",
                ratios={"zero_break_rate": ("villages_past_zero", "villages", 100.0)},
                means={"income_per_village_10k": "villages_past_zero"},
            )
            shown = collective.township_table(whole)
            shown.insert(
                1,
                "状态",
                ([theme.status_label(s) for s in rated["status"]] + [theme.status_label(headline.status)])[
                    : len(whole)
                ],
            )
            shown.insert(2, "破零率目标（%）", [*rated["target"], headline.target][: len(whole)])
            widgets.township_table(
                shown,
                f"集体经济分乡镇_{f.scope}_{f.as_of.isoformat()}",
                "collective_townships",
                column_config={
                    "破零率（%）": st.column_config.NumberColumn(format="%.1f%%"),
                    "破零率目标（%）": st.column_config.NumberColumn(format="%.1f%%"),
                    "集体经济收入合计（万元）": st.column_config.NumberColumn(format="%.2f"),
                    "已破零村村均收入（万元）": st.column_config.NumberColumn(format="%.2f"),
                    "光伏装机（千瓦）": st.column_config.NumberColumn(format="%.0f"),
                },
                total_rows=len(whole) - len(by_township),
            )
