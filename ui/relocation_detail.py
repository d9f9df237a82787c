"""整村搬迁's 明细 tab: the townships (how far the move is, then what it left behind and what it cost,
each with its status and the scope's total row), the villages, and one village's households.

The households are personal data: their head's name is masked by the import, ID numbers never
reach the store, and the report layout (`?report=1`) shows none of them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker.contract import formatting
from tracker.present import column_labels, literal_text, ranking
from tracker.rules import indicators, relocation, totals
from ui import column_formats, data, widgets
from ui.filters import PageFilters

VILLAGE_KEY = "relocation_village"
# The village table's fifteen columns fit a 1600 px screen under short headings (a grid's heading does
# not wrap); its downloads keep the full names.
SHORT_VILLAGE_HEADINGS = {
    "搬迁完成日期": st.column_config.Column("完成日期"),
    "计划搬迁户": st.column_config.NumberColumn("计划户"),
    "计划搬迁人": st.column_config.NumberColumn("计划人"),
    "已入住户": st.column_config.NumberColumn("入住户"),
    "已入住人": st.column_config.NumberColumn("入住人"),
    "户籍已迁移": st.column_config.Column("户籍迁移"),
    "户籍已迁移户": st.column_config.NumberColumn("户籍迁移户"),
    "拆除房屋（间）": st.column_config.NumberColumn("拆房（间）"),
    "腾退宅基地（平方米）": st.column_config.NumberColumn("腾退宅基地（㎡）", format="localized"),
    "已复垦（平方米）": st.column_config.NumberColumn("已复垦（㎡）", format="localized"),
}


def village_label(township: str, village: str) -> str:
    """How the drill-down names a village: 巡镇镇 · 下榆皮洼村."""
    return f"{township} · {village}"


def detail_section(f: PageFilters, townships: pd.DataFrame, params: dict[str, object], day: str) -> None:
    """The townships (progress, then demolition and money) and the villages, with each village's households."""
    st.subheader("乡镇明细")
    if widgets.townships_need_a_county(f):
        # A region's villages are listed county by county: the same village name recurs across counties.
        return
    township_tables(f, townships, day)
    st.subheader("搬迁村明细")
    if not widgets.report_mode():  # the report has no households (personal data) and nothing to choose
        st.caption("各村搬迁户见表下“查看搬迁户”：选择一个村即可。")
    villages = data.query("relocation_villages", **params)
    village_table = relocation.yes_no(villages, ["hukou_transferred"]).assign(
        relocation_batch=villages["relocation_batch"].map(formatting.batch)
    )
    widgets.table(
        column_labels.headed(village_table, column_labels.RELOCATION_VILLAGES),
        f"整村搬迁村明细_{day}",
        key="relocation_villages",
        column_config=SHORT_VILLAGE_HEADINGS,
    )
    households_drilldown(villages, params, day)


def township_tables(f: PageFilters, townships: pd.DataFrame, day: str) -> None:
    """The townships in two tables of ten columns, the first with each one's status, the total row last."""
    rows, status = township_rows(f, townships)
    total_rows = len(rows) - len(townships)
    progress = column_labels.headed(rows, column_labels.RELOCATION_TOWNSHIPS)
    progress.insert(1, status, rows[status].to_numpy())
    widgets.township_table(
        progress,
        f"整村搬迁乡镇明细_搬迁入住_{day}",
        "relocation_townships",
        column_config={"入住比例（%）": column_formats.ONE_DECIMAL},
        total_rows=total_rows,
    )
    st.markdown("**拆除复垦与资金**")
    widgets.township_table(
        column_labels.headed(rows, column_labels.RELOCATION_TOWNSHIPS_AFTER),
        f"整村搬迁乡镇明细_拆除复垦与资金_{day}",
        "relocation_townships_after",
        column_config={
            "腾退宅基地（平方米）": column_formats.LOCALIZED,
            "已复垦（平方米）": column_formats.LOCALIZED,
            "奖补资金（万元）": column_formats.TWO_DECIMALS,
            "自筹资金（万元）": column_formats.TWO_DECIMALS,
        },
        total_rows=total_rows,
    )


def township_rows(f: PageFilters, townships: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The townships with the scope's total row last, and the name of the column that holds each
    one's status on the batch the overview ranks (the filter's, or the one still open)."""
    cards = widgets.target_cards(f)
    batch = indicators.measured_batch(cards, f.batch)
    by_township = widgets.township_cards(f, batch)
    total = indicators.card_of(cards, "households_moved", batch)
    statuses = ranking.moved_statuses(by_township, townships["township"], total, batch)
    ratios = {"moved_percent": ("households_moved", "households", 100.0)}
    frame = totals.with_total(townships, "township", f.total_label, ratios)
    column = f"状态（{formatting.batch(batch)}入住）" if batch is not None else "状态"
    return frame.assign(**{column: statuses[: len(frame)]}), column


def households_drilldown(villages: pd.DataFrame, params: dict[str, object], day: str) -> None:
    """Pick a village (or click its row above) to see its households, personal data masked (not in the report)."""
    if widgets.report_mode():
        return
    labels = [village_label(t, v) for t, v in zip(villages["township"], villages["village"])]
    if st.session_state.get(VILLAGE_KEY) not in labels:
        st.session_state.pop(VILLAGE_KEY, None)
    chosen = st.selectbox("查看搬迁户", labels, index=None, key=VILLAGE_KEY, placeholder="选择一个村")
    if chosen is None:
        return
    township, village = chosen.split(" · ", 1)
    households = data.query("relocation_households", **params, village_township=township, village=village)
    if households.empty:
        widgets.no_data(f"{literal_text.markdown(village)}尚无搬迁户台账记录。")
        return
    receiving = villages.loc[
        (villages["township"] == township) & (villages["village"] == village), "receiving_village"
    ]
    moved_to = f"，迁入{receiving.iloc[0]}" if len(receiving) and pd.notna(receiving.iloc[0]) else ""
    # Names from the ledgers, shown as typed: never a link or an image fetched from elsewhere.
    place, summary = literal_text.markdown(f"（{township}）："), relocation.village_summary(households)
    st.markdown(f"**{literal_text.markdown(village)}**{place}{literal_text.markdown(summary + moved_to)}")
    st.caption(literal_text.markdown("安置方式：" + relocation.mode_summary(households)))
    shown = relocation.yes_no(households, ["is_poor", "reclaimed", "hukou_transferred", "over_cap"])
    widgets.table(
        column_labels.headed(shown, column_labels.RELOCATION_HOUSEHOLDS),
        f"{village}搬迁户_{day}",
        key="relocation_households",
        column_config={
            "入住日期": column_formats.DAY,
            "腾退宅基地（平方米）": column_formats.LOCALIZED,
            "奖补资金（元）": column_formats.LOCALIZED,
            "自筹资金（元）": column_formats.LOCALIZED,
            "自筹上限（元）": column_formats.LOCALIZED,
        },
    )
    st.caption("户主姓名已脱敏，身份证号不在看板中显示。")
