"""Page furniture every page shares: the heading, KPI cards, charts, downloadable tables, empty states."""

from __future__ import annotations

import html
import importlib
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tracker.access import DEMO_USER
from tracker.present import deadlines, formatting, table_display, theme
from tracker.present.table_display import ColumnFormat
from tracker.rules import freshness, indicators
from tracker.rules import targets as target_rules
from tracker.rules.indicators import Progress
from tracker.weekly import briefing
from tracker.weekly.report_layout import without_hints
from ui import data
from ui.filters import Filters, current, select_township
from ui.session import current_user

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "locale": "zh-CN"}
# The report's charts are pictures: no toolbar, no hover, nothing to click.
REPORT_PLOTLY_CONFIG = PLOTLY_CONFIG | {"staticPlot": True}


def report_mode() -> bool:
    """Whether this run draws the weekly report's layout (`?report=1`): no widgets, no hints, whole tables."""
    return st.query_params.get("report") == "1"


def caption(text: str) -> None:
    """A caption; in the report layout without its interactive hints (and not at all if that was all)."""
    shown = without_hints(text) if report_mode() else text
    if shown:
        st.caption(shown)


def dashboard_page(title: str) -> Filters:
    """Open a page of figures: the filters and the heading; the page stops there until data is imported."""
    filters = current()
    page_start(title, filters)
    if filters.as_of is None:
        no_data()
        st.stop()
    return filters


def page_start(title: str, filters: Filters) -> None:
    """The heading: page title, whom it is about, and the snapshot day."""
    st.html(theme.PAGE_CSS)
    st.title(title)
    when = formatting.day(filters.as_of) if filters.as_of else "暂无数据"
    week = f" · {formatting.week(filters.as_of)}" if filters.as_of else ""
    batch = f" · {formatting.batch(filters.batch)}" if filters.batch else ""
    county = data.county().name
    if current_user() is DEMO_USER and not report_mode():
        st.caption("演示模式：未配置登录，所有数据对任何访问者可见。")
    st.html(
        f'<div class="report-header">{html.escape(county)} · {html.escape(filters.scope)}{batch}{week}'
        f" · 数据截至 {html.escape(when)}</div>"
    )
    if filters.as_of is not None:
        # A file that covered only some townships leaves the others' older rows in the snapshot.
        note = freshness.heading_note(data.query("data_freshness_townships", **filters.params()))
        if note:
            st.caption(note)


def applicable_targets(filters: Filters, batch: int | None = None) -> pd.DataFrame:
    """The targets that apply to the filtered scope (batch: the filter's unless given), a township
    without an assigned one getting the one its ledgers hold (按台账计划)."""
    in_force = data.query("targets_in_force", as_of=filters.as_of)
    plan = data.query("township_plan", as_of=filters.as_of, township=filters.townships)
    chosen = filters.batch if batch is None else batch
    return data.derived(indicators.targets_for, in_force, filters.townships, chosen, plan)


def target_cards(filters: Filters) -> list[Progress]:
    """Every indicator (and batch) against its target on the day shown, for the filtered scope."""
    series = data.query("indicator_series", **filters.params())
    return data.derived(indicators.progress, series, applicable_targets(filters), filters.as_of)


def township_cards(filters: Filters, batch: int | None) -> dict[str, list[Progress]]:
    """Each township's cards (of one batch, or every batch) against its own target, assigned or
    worked out from its ledgers: the status its bar or table row is coloured by."""
    series = data.query("township_series", as_of=filters.as_of, township=filters.townships, batch=batch)
    in_force = data.query("targets_in_force", as_of=filters.as_of)
    plan = data.query("township_plan", as_of=filters.as_of, township=filters.townships)
    if batch is not None:
        in_force = in_force[in_force["relocation_batch"].isna() | (in_force["relocation_batch"] == batch)]
    targets = data.derived(target_rules.township_targets, in_force, plan)
    return data.derived(indicators.by_township, series, targets, filters.as_of)


def deadline_banner(cards: Sequence[Progress]) -> None:
    """What is overdue, then what is late and due within two weeks: above everything else."""
    banner = deadlines.banner_html(deadlines.alerts(cards))
    if banner:
        st.html(banner)


def status_legend(grey: str = "", target: bool = True) -> None:
    """What the status colours mean (and the target mark), under a status-coloured chart or table."""
    st.html(theme.status_legend_html(target=target, grey=grey))


def weekly_briefing(filters: Filters, cards: Sequence[Progress]) -> None:
    """The week in one paragraph (公文 style): deadlines, what is missing, the pace needed, who lags."""
    rankings = {}
    if not filters.region_view and len(filters.townships) != 1:
        for batch in briefing.open_batches(cards):
            params = filters.params() | {"batch": batch}
            rankings[batch] = data.query("ranking", **params, by_county=False)
    text = briefing.weekly_briefing(filters.as_of, filters.scope, cards, rankings)
    st.html(f'<div class="briefing-title">本周简报</div><div class="briefing">{html.escape(text)}</div>')


def no_data(message: str = "暂无数据。请先在“数据”页导入台账，或运行 make run 载入示例数据。") -> None:
    """A friendly message in place of a chart or table that has nothing to show (in the report layout
    without what to click)."""
    st.info(without_hints(message) if report_mode() else message)


def kpi_card(
    label: str,
    value: str,
    target: str = "",
    percent: float | None = None,
    meta: Sequence[str] = (),
    status: str = "no_target",
    basis: str | None = None,
) -> str:
    """The HTML of one card (cards are joined into a grid by kpi_grid); basis says where a target
    not assigned in the targets file comes from (按台账计划)."""
    accent = theme.status_colour(status)
    if report_mode():
        target = without_hints(target)
    bar = ""
    if percent is not None:
        width = max(0.0, min(percent, 100.0))
        bar = f'<div class="bar"><span style="width:{width:.1f}%"></span></div>'
    status_text = theme.status_label(status)
    metas = "".join(f"<span>{html.escape(m)}</span>" for m in meta if m)
    status_html = f'<span class="status-badge">{status_text}</span>' if status_text else ""
    basis_html = f'<span class="basis">{html.escape(basis)}</span>' if basis else ""
    return (
        f'<div class="kpi" data-status="{html.escape(status)}" style="--accent:{accent}">'
        f'<div class="label">{html.escape(label)}</div>'
        f'<div class="value">{html.escape(value)}</div>'
        f'<div class="target">{html.escape(target)}{basis_html}</div>{bar}'
        f'<div class="meta">{status_html}{metas}</div></div>'
    )


def kpi_grid(cards: Sequence[str]) -> None:
    """Cards in a grid that wraps, one per row on a phone."""
    st.html('<div class="kpi-grid">' + "".join(cards) + "</div>")


def format_value(value: float | None, unit: str) -> str:
    """An indicator value in its unit, as leaders read it."""
    return deadlines.card_value(value, unit)


def progress_card(card: Progress, label: str | None = None) -> str:
    """A card for one indicator against its target (under its own label unless one is given)."""
    target = ""
    if card.target is not None:
        target = f"目标 {format_value(card.target, card.unit)}"
        if card.percent is not None:
            target += f" · 完成 {formatting.percent(card.percent)}"
    digits = 1 if card.unit in ("%", "万元") else 0
    change = f"较上周 {formatting.signed(card.change, '' if card.unit == '%' else card.unit, digits)}"
    due = ""
    if card.due is not None:
        left = card.days_left
        due = f"时限 {formatting.day(card.due)}"
        if card.status != indicators.DONE:
            due += f"（剩 {left} 天）" if left is not None and left >= 0 else f"（已逾期 {-(left or 0)} 天）"
    return kpi_card(
        label or card.label,
        format_value(card.actual, card.unit),
        target,
        card.percent,
        [change, due],
        card.status,
        card.basis if card.target is not None else None,
    )


# Kept as built (cache_resource), not pickled: nothing changes a figure once built (the report's
# title without hints is drawn from a copy), and a hit then costs no unpickling on every rerun.
@st.cache_resource(max_entries=2000, show_spinner=False)
def _built(module: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> go.Figure:
    return getattr(importlib.import_module(module), name)(*args, **kwargs)


def figure(builder: Callable[..., go.Figure], *args: Any, **kwargs: Any) -> go.Figure:
    """`builder(*args, **kwargs)`, built once per distinct input, then taken from Streamlit's cache.

    Building a plotly figure validates every property it sets (20-70 ms a figure on this
    machine, a fifth of a page's rerun); a cache hit returns the finished figure.
    The builders (tracker.present.charts and the per-page *_charts) are pure: data in, figure out.
    """
    return _built(builder.__module__, builder.__qualname__, args, kwargs)


def chart(figure: go.Figure, key: str, on_click: Callable[[], None] | None = None) -> None:
    """A plotly chart at full width; with on_click, clicking a bar or point calls it.

    In the report layout the chart is a static picture and its title loses the click hint."""
    if report_mode():
        title = figure.layout.title.text
        if title:
            figure = go.Figure(figure).update_layout(title_text=without_hints(title))
        st.plotly_chart(figure, width="stretch", config=REPORT_PLOTLY_CONFIG, key=key)
    elif on_click is None:
        st.plotly_chart(figure, width="stretch", config=PLOTLY_CONFIG, key=key)
    else:
        st.plotly_chart(
            figure,
            width="stretch",
            config=PLOTLY_CONFIG,
            key=key,
            on_select=on_click,
            selection_mode="points",
        )


def filter_from_chart(key: str, select: Callable[[str], None] = select_township) -> None:
    """Callback: narrow the view to the township (or with select_county, the county) whose bar was clicked."""
    state = st.session_state.get(key) or {}
    points = state.get("selection", {}).get("points", [])
    if points:
        point = points[0]
        name = point.get("customdata") or point.get("y") or point.get("x")
        if isinstance(name, list):
            name = name[0] if name else None
        if isinstance(name, str):
            select(name)


def filter_from_table(
    key: str, frame: pd.DataFrame, column: str, select: Callable[[str], None] = select_township
) -> None:
    """Callback: narrow the view to the township (or county) of the row selected in table `key`."""
    state = st.session_state.get(key) or {}
    rows = state.get("selection", {}).get("rows", [])
    if rows and rows[0] < len(frame):
        select(str(frame.iloc[rows[0]][column]))


def townships_need_a_county(filters: Filters) -> bool:
    """In a region view, say that township breakdowns wait for a county; True when they do."""
    if filters.region_view:
        st.caption("各县的乡镇同名者众多（如城关镇），乡镇分布请先在左侧选择一个县。")
    return filters.region_view


def township_chart(figure: go.Figure, key: str) -> None:
    """A chart of townships: clicking a bar narrows the view to that township."""
    chart(figure, key=key, on_click=lambda: filter_from_chart(key))


def township_table(
    frame: pd.DataFrame,
    name: str,
    key: str,
    column_config: dict[str, Any] | None = None,
    max_height: int | None = 420,
    total_rows: int = 0,
) -> None:
    """A table with a 乡镇 column: clicking a row narrows the view to that township.

    It grows with its rows up to max_height (None: Streamlit's own height), then scrolls; the
    last `total_rows` rows are totals (the county's), and a 状态 column is coloured by status."""
    height: int | str = "auto" if max_height is None else min(max_height, 38 + 35 * len(frame))
    table(
        frame,
        name,
        key,
        column_config,
        height,
        on_select=lambda: filter_from_table(key, frame, "乡镇"),
        total_rows=total_rows,
    )


def table(
    frame: pd.DataFrame,
    name: str,
    key: str,
    column_config: dict[str, Any] | None = None,
    height: int | str = "auto",
    on_select: Callable[[], None] | None = None,
    total_rows: int = 0,
) -> None:
    """A table that scrolls, with CSV (UTF-8 BOM, opens in Excel) and XLSX downloads; in the report
    layout every row as a static table. Numbers are rounded to their column's precision in both.

    A table with a status column (状态…) shows its cells in their status's colour, with the legend;
    the last `total_rows` rows are totals, in bold."""
    if frame.empty:
        no_data("没有符合条件的记录。")
        return
    formats = column_formats(column_config)
    frame = table_display.tidy(frame, formats)
    coloured = any(theme.is_status_column(c) for c in frame.columns)
    if coloured:
        status_legend(target=False)
    if report_mode():
        st.html(table_display.to_html(frame, name, formats, total_rows))
        return
    options: dict[str, Any] = {
        "hide_index": True,
        "placeholder": table_display.MISSING,
        "column_config": column_config,
        "height": height,
        "key": key,
    }
    if on_select is not None:
        options |= {"on_select": on_select, "selection_mode": "single-row"}
    shown = table_display.styled(frame, formats, total_rows) if coloured or total_rows else frame
    st.dataframe(shown, width="stretch", **options)
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(
        "下载 CSV",
        data=lambda: table_display.csv_bytes(frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
    )
    right.download_button(
        "下载 Excel",
        data=lambda: table_display.xlsx_bytes(frame, name),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
    )


def column_formats(column_config: dict[str, Any] | None) -> dict[str, ColumnFormat]:
    """How each configured column is shown, read from its Streamlit column config (format strings such as
    "%.1f", "%.1f%%", "localized", "accounting", "YYYY年M月D日", "YYYY-MM-DD")."""
    formats = {}
    for column, config in (column_config or {}).items():
        spec = (config or {}).get("type_config", {}) if isinstance(config, dict) else {}
        kind, pattern = spec.get("type"), spec.get("format") or ""
        if kind == "date":
            formats[column] = ColumnFormat("date", style="iso" if pattern.startswith("YYYY-") else "cn")
        elif kind == "number":
            digits = {"accounting": 2, "dollar": 2, "euro": 2}.get(pattern)
            if pattern.startswith("%.") and pattern[2:3].isdigit():
                digits = int(pattern[2])
            percent = pattern.endswith("%%") or pattern == "percent"
            formats[column] = ColumnFormat("percent" if percent else "number", digits)
    return formats
