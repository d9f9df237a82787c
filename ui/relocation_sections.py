"""整村搬迁's cards and sections: each batch's cards against its targets, then the tabs 进度 (villages by
stage, households moved against the target), 安置方式, 拆除复垦 and 资金.

Every number comes from a named query `queries/relocation_*.sql` run with the sidebar filters and
the rules of tracker.rules.relocation; every figure from tracker.present.relocation_charts. The
明细 tab is `ui/relocation_detail.py`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker.contract import formatting
from tracker.present import column_labels
from tracker.present import relocation_charts as figures
from tracker.rules import indicators, relocation
from ui import column_formats, data, widgets
from ui.filters import PageFilters

NO_HOUSEHOLDS = "所选日期尚无搬迁户台账数据，户数、人数、安置方式、拆除复垦和资金情况暂无法显示。请在“数据”页导入搬迁户台账。"


def stat_card(label: str, value: str, note: str = "", status: str = "no_target") -> str:
    """A card without a target of its own (the note says what it is measured against)."""
    return widgets.kpi_card(label, value, note, status=status)


def batch_cards(cards: dict[int, list[indicators.Progress]], targets: pd.DataFrame) -> None:
    """One row of cards per batch, its deadline in the row's heading; a finished batch comes last."""
    for batch in relocation.open_batches_first(cards):
        row = cards[batch]
        due = relocation.due_of(targets, batch)
        deadline = f"（完成时限 {formatting.day(due)}）" if due else "（未下达目标任务）"
        st.markdown(f"**{formatting.batch(batch)}**{deadline}")
        widgets.kpi_grid([widgets.progress_card(card) for card in row])
    overdue = [c.label for row in cards.values() for c in row if c.status == indicators.OVERDUE]
    if overdue:
        st.error("已过完成时限仍未完成：" + "、".join(overdue))
    late = [c.label for row in cards.values() for c in row if c.status == indicators.BEHIND]
    if late:
        st.warning("按近四周进度推算，以下指标难以按期完成：" + "、".join(late))


def progress_section(
    f: PageFilters, series: pd.DataFrame, targets: pd.DataFrame, batches: list[int], has_households: bool
) -> None:
    """The villages of each township by stage, and each batch's households and people moved."""
    st.subheader("搬迁进度")
    if not widgets.townships_need_a_county(f):
        widgets.caption("各乡镇搬迁村按进度（未启动 → 已销号）分段；点击乡镇可筛选。")
        widgets.township_chart(
            widgets.figure(figures.stages_by_township, data.query("relocation_by_stage", **f.params())),
            "relocation_stage_chart",
        )
    if has_households:
        moved_charts(series, targets, batches)
    else:
        widgets.no_data(NO_HOUSEHOLDS)


def moved_charts(series: pd.DataFrame, targets: pd.DataFrame, batches: list[int]) -> None:
    """Households and people moved over time, one chart per batch, side by side on a wide screen."""
    columns = st.columns(len(batches)) if len(batches) > 1 else [st.container()]
    for column, batch in zip(columns, batches):
        households_target, due = relocation.target_of(targets, "households_moved", batch)
        people_target, people_due = relocation.target_of(targets, "people_moved", batch)
        figure = widgets.figure(
            figures.moved_over_time,
            series,
            batch,
            households_target,
            people_target,
            due or people_due or relocation.due_of(targets, batch),
        )
        with column:
            widgets.chart(figure, key=f"relocation_moved_{batch}")
            if households_target is None and people_target is None:
                st.caption(f"所选范围{formatting.batch(batch)}未分解户数、人数目标。")


def modes_section(f: PageFilters, params: dict[str, object], day: str) -> None:
    """Where the households went: households and people per mode, and per township."""
    st.subheader("安置方式")
    widgets.caption("按搬迁户台账登记的安置方式统计，含尚未入住的户；点击乡镇可筛选。")
    modes = data.query("relocation_modes", **params)
    mode_totals = relocation.by_mode(modes)
    left, right = st.columns(2)
    with left:
        widgets.chart(widgets.figure(figures.modes_bars, mode_totals), key="relocation_modes_chart")
    with right:
        if not widgets.townships_need_a_county(f):
            widgets.township_chart(
                widgets.figure(figures.modes_by_township, modes), "relocation_modes_township_chart"
            )
    widgets.table(
        mode_totals.rename(columns=column_labels.RELOCATION_MODES),
        f"安置方式_{day}",
        key="relocation_modes_table",
        column_config={"占比（%）": column_formats.ONE_DECIMAL},
    )


def demolition_section(f: PageFilters, total: pd.Series, townships: pd.DataFrame) -> None:
    """Old houses demolished, homesteads vacated and reclaimed, registrations transferred."""
    st.subheader("拆除复垦与户籍迁移")
    reclaimed_share = ""
    if total["homestead_m2"]:
        reclaimed_share = (
            f"占已腾退 {formatting.percent(100 * total['reclaimed_m2'] / total['homestead_m2'])}"
        )
    widgets.kpi_grid(
        [
            stat_card("拆除旧房", formatting.count(total["rooms_demolished"], "间")),
            stat_card("腾退宅基地", formatting.count(total["homestead_m2"], "平方米")),
            stat_card("已复垦宅基地", formatting.count(total["reclaimed_m2"], "平方米"), reclaimed_share),
            stat_card(
                "户籍已迁移",
                formatting.households(total["households_hukou"]),
                f"共 {formatting.households(total['households'])}；已完成搬迁的 "
                f"{formatting.count(total['villages_completed'])} 个村中 {formatting.count(total['villages_hukou'])} 个村已整村迁移",
            ),
        ]
    )
    if total["homestead_m2"] > 0:
        if not widgets.townships_need_a_county(f):
            widgets.caption("灰色为拆除旧房后已腾退的宅基地，绿色为其中已复垦的面积；点击乡镇可筛选。")
            widgets.township_chart(
                widgets.figure(figures.homestead_by_township, townships), "relocation_homestead_chart"
            )
    else:
        widgets.no_data("所选范围尚未拆除旧房、腾退宅基地。")


def funding_section(total: pd.Series, params: dict[str, object], day: str) -> None:
    """Subsidy and self-funding, and the poor households whose self-funding breaks the caps."""
    st.subheader("奖补资金与自筹")
    poor = int(total["poor_households"])
    over = int(total["poor_over_cap"])
    free_share = f"占贫困户 {formatting.percent(100 * total['poor_paying_nothing'] / poor)}" if poor else ""
    widgets.kpi_grid(
        [
            stat_card("奖补资金", formatting.wan_yuan(total["subsidy_10k"])),
            stat_card("自筹资金", formatting.wan_yuan(total["self_funded_10k"])),
            stat_card("零自筹贫困户", formatting.households(total["poor_paying_nothing"]), free_share),
            stat_card(
                "超出自筹上限的贫困户",
                formatting.households(over),
                f"上限：{relocation.cap_rule_text()}",
                status="warning" if over else "no_target",
            ),
        ]
    )
    funding = data.query("relocation_self_funding", **params)
    if funding.empty:
        widgets.no_data("所选范围没有贫困户的自筹资金记录。")
        return
    widgets.chart(widgets.figure(figures.self_funding_vs_cap, funding), key="relocation_self_funding_chart")
    if not funding["over_cap"].any():
        st.success(f"没有贫困户的自筹资金超出上限（{relocation.cap_rule_text()}）。")
        return
    flagged = data.query("relocation_over_cap", **params)
    st.error(f"{len(flagged)} 户贫困户的自筹资金超出上限（{relocation.cap_rule_text()}），请核实：")
    widgets.table(
        column_labels.headed(flagged, column_labels.RELOCATION_OVER_CAP),
        f"超自筹上限贫困户_{day}",
        key="relocation_flagged",
        column_config={
            "自筹资金（元）": column_formats.LOCALIZED,
            "自筹上限（元）": column_formats.LOCALIZED,
        },
    )
