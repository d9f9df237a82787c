"""整村搬迁: batch by batch, villages by stage, households moved against the target, where they went,
what was demolished and reclaimed, registrations, subsidy and self-funding, and each village's households.

Read top to bottom: small UI functions first, then the page. Every number comes
from a named query `queries/relocation_*.sql` run with the sidebar filters and the
rules of tracker.rules.relocation; every figure from tracker.present.relocation_charts.
"""

import pandas as pd
import streamlit as st

from tracker.contract import formatting
from tracker.present import literal_text, theme
from tracker.present import relocation_charts as figures
from tracker.rules import indicators, relocation, totals
from ui import data, sections, supervision, widgets
from ui.filters import PageFilters

VILLAGE_KEY = "relocation_village"
NO_HOUSEHOLDS = "所选日期尚无搬迁户台账数据，户数、人数、安置方式、拆除复垦和资金情况暂无法显示。请在“数据”页导入搬迁户台账。"

# The township detail in two tables of ten columns, each whole on a 1600 px screen (one of
# nineteen columns was cut off): how far the move is, then what it left behind and what it cost.
TOWNSHIP_COLUMNS = {
    "township": "乡镇",
    "relocation_villages": "搬迁村",
    "villages_completed": "已完成搬迁村",
    "planned_households": "计划搬迁户",
    "planned_people": "计划搬迁人",
    "households_moved": "已入住户",
    "people_moved": "已入住人",
    "moved_percent": "入住比例（%）",
    "villages_hukou": "户籍已迁移村",
    "households_hukou": "户籍已迁移户",
}
TOWNSHIP_AFTER_COLUMNS = {
    "township": "乡镇",
    "villages_reclaimed": "已拆除复垦村",
    "rooms_demolished": "拆除房屋（间）",
    "homestead_m2": "腾退宅基地（平方米）",
    "reclaimed_m2": "已复垦（平方米）",
    "subsidy_10k": "奖补资金（万元）",
    "self_funded_10k": "自筹资金（万元）",
    "poor_households": "贫困户",
    "poor_paying_nothing": "零自筹贫困户",
    "poor_over_cap": "超自筹上限贫困户",
}
VILLAGE_COLUMNS = {
    "township": "乡镇",
    "village": "村名",
    "relocation_batch": "批次",
    "relocation_status": "搬迁进度",
    "completed_on": "搬迁完成日期",
    "receiving_village": "迁入村",
    "planned_households": "计划搬迁户",
    "planned_people": "计划搬迁人",
    "households_moved": "已入住户",
    "people_moved": "已入住人",
    "hukou_transferred": "户籍已迁移",
    "households_hukou": "户籍已迁移户",
    "rooms_demolished": "拆除房屋（间）",
    "homestead_m2": "腾退宅基地（平方米）",
    "reclaimed_m2": "已复垦（平方米）",
}
HOUSEHOLD_COLUMNS = {
    "household_id": "户编号",
    "head_name_masked": "户主",
    "people": "人口数",
    "is_poor": "贫困户",
    "resettlement_mode": "安置方式",
    "resettled_at": "安置地点",
    "moved_on": "入住日期",
    "rooms_demolished": "拆除房屋（间）",
    "homestead_m2": "腾退宅基地（平方米）",
    "reclaimed": "已复垦",
    "hukou_transferred": "户籍已迁移",
    "subsidy_yuan": "奖补资金（元）",
    "self_funded_yuan": "自筹资金（元）",
    "cap_yuan": "自筹上限（元）",
    "over_cap": "超出自筹上限",
}
MODE_COLUMNS = {
    "resettlement_mode": "安置方式",
    "households": "户数",
    "people": "人数",
    "share_percent": "占比（%）",
}
FLAGGED_COLUMNS = {
    "township": "乡镇",
    "village": "迁出村",
    "household_id": "户编号",
    "head_name_masked": "户主",
    "people": "人口数",
    "self_funded_yuan": "自筹资金（元）",
    "cap_yuan": "自筹上限（元）",
}
DATE = st.column_config.DateColumn(format="YYYY年M月D日")
NUMBER = st.column_config.NumberColumn(format="localized")
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
PERCENT = st.column_config.NumberColumn(format="%.1f")
WAN = st.column_config.NumberColumn(format="%.2f")


# --- useful functions ------------------------------------------------------------------------


def village_label(township: str, village: str) -> str:
    """How the drill-down names a village: 巡镇镇 · 下榆皮洼村."""
    return f"{township} · {village}"


def stat_card(label: str, value: str, note: str = "", status: str = "no_target") -> str:
    """A card without a target of its own (the note says what it is measured against)."""
    return widgets.kpi_card(label, value, note, status=status)


def batch_cards(cards: dict[int, list[indicators.Progress]], targets: pd.DataFrame) -> None:
    """One row of cards per batch, its deadline in the row's heading."""
    for batch, row in cards.items():
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
        shown[list(HOUSEHOLD_COLUMNS)].rename(columns=HOUSEHOLD_COLUMNS),
        f"{village}搬迁户_{day}",
        key="relocation_households",
        column_config={
            "入住日期": DATE,
            "腾退宅基地（平方米）": NUMBER,
            "奖补资金（元）": NUMBER,
            "自筹资金（元）": NUMBER,
            "自筹上限（元）": NUMBER,
        },
    )
    st.caption("户主姓名已脱敏，身份证号不在看板中显示。")


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
        mode_totals.rename(columns=MODE_COLUMNS),
        f"安置方式_{day}",
        key="relocation_modes_table",
        column_config={"占比（%）": PERCENT},
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
        flagged[list(FLAGGED_COLUMNS)].rename(columns=FLAGGED_COLUMNS),
        f"超自筹上限贫困户_{day}",
        key="relocation_flagged",
        column_config={"自筹资金（元）": NUMBER, "自筹上限（元）": NUMBER},
    )


def township_rows(f: PageFilters, townships: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The townships with the scope's total row last, and the name of the column that holds each
    one's status on the batch the overview ranks (the filter's, or the one still open)."""
    cards = widgets.target_cards(f)
    batch = indicators.measured_batch(cards, f.batch)
    by_township = widgets.township_cards(f, batch)
    total = indicators.card_of(cards, "households_moved", batch)
    statuses = []
    for name in townships["township"]:
        card = indicators.card_of(by_township.get(name, []), "households_moved", batch)
        statuses.append(theme.status_label(card.status) if card is not None else "")
    statuses.append(theme.status_label(total.status) if total is not None else "")
    ratios = {"moved_percent": ("households_moved", "households", 100.0)}
    frame = totals.with_total(townships, "township", f.whole if not f.townships else "合计", ratios)
    column = f"状态（{formatting.batch(batch)}入住）" if batch is not None else "状态"
    return frame.assign(**{column: statuses[: len(frame)]}), column


def detail_section(f: PageFilters, townships: pd.DataFrame, params: dict[str, object], day: str) -> None:
    """The townships (progress, then demolition and money) and the villages, with each village's households."""
    st.subheader("乡镇明细")
    if widgets.townships_need_a_county(f):
        # A region's villages are listed county by county: the same village name recurs across counties.
        return
    rows, status = township_rows(f, townships)
    total_rows = len(rows) - len(townships)
    progress = rows[list(TOWNSHIP_COLUMNS)].rename(columns=TOWNSHIP_COLUMNS)
    progress.insert(1, status, rows[status].to_numpy())
    widgets.township_table(
        progress,
        f"整村搬迁乡镇明细_搬迁入住_{day}",
        "relocation_townships",
        column_config={"入住比例（%）": PERCENT},
        total_rows=total_rows,
    )
    st.markdown("**拆除复垦与资金**")
    widgets.township_table(
        rows[list(TOWNSHIP_AFTER_COLUMNS)].rename(columns=TOWNSHIP_AFTER_COLUMNS),
        f"整村搬迁乡镇明细_拆除复垦与资金_{day}",
        "relocation_townships_after",
        column_config={
            "腾退宅基地（平方米）": NUMBER,
            "已复垦（平方米）": NUMBER,
            "奖补资金（万元）": WAN,
            "自筹资金（万元）": WAN,
        },
        total_rows=total_rows,
    )
    st.subheader("搬迁村明细")
    if not widgets.report_mode():  # the report has no households (personal data) and nothing to choose
        st.caption("各村搬迁户见表下“查看搬迁户”：选择一个村即可。")
    villages = data.query("relocation_villages", **params)
    village_table = (
        relocation.yes_no(villages, ["hukou_transferred"])
        .assign(relocation_batch=villages["relocation_batch"].map(formatting.batch))[list(VILLAGE_COLUMNS)]
        .rename(columns=VILLAGE_COLUMNS)
    )
    widgets.table(
        village_table,
        f"整村搬迁村明细_{day}",
        key="relocation_villages",
        column_config=SHORT_VILLAGE_HEADINGS,
    )
    households_drilldown(villages, params, day)


# --- draw the page -----------------------------------------------------------------------------

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
batch_cards(cards, targets)

# --- One section at a time: only the open tab's queries, figures and tables are built -------------
progress, modes, demolition, funding, detail, *supervised = sections.tabs(
    ["进度", "安置方式", "拆除复垦", "资金", "明细", *supervision.LIST_TABS]
)
total = townships.sum(numeric_only=True)
if progress.open:
    with progress:
        st.subheader("搬迁进度")
        if not widgets.townships_need_a_county(f):
            widgets.caption("各乡镇搬迁村按进度（未启动 → 已销号）分段；点击乡镇可筛选。")
            widgets.township_chart(
                widgets.figure(figures.stages_by_township, data.query("relocation_by_stage", **params)),
                "relocation_stage_chart",
            )
        if has_households:
            moved_charts(series, targets, list(cards))
        else:
            widgets.no_data(NO_HOUSEHOLDS)
if has_households:
    if modes.open:
        with modes:
            modes_section(f, params, day)
    if demolition.open:
        with demolition:
            demolition_section(f, total, townships)
    if funding.open:
        with funding:
            funding_section(total, params, day)
elif not widgets.report_mode():  # the report said so once, under 搬迁进度
    for section in (modes, demolition, funding):
        if section.open:
            with section:
                widgets.no_data(NO_HOUSEHOLDS)
if detail.open:
    with detail:
        detail_section(f, townships, params, day)
supervision.draw(
    f, supervised, kind=supervision.VILLAGES
)  # 督办清单 of the relocation villages (ui/supervision.py)
