"""Page furniture every page shares: the heading, KPI cards, charts, downloadable tables, empty states."""

from __future__ import annotations

import html
import weakref
from collections.abc import Callable, Sequence
from typing import Any, Literal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tracker.access import DEMO_USER
from tracker.contract import formatting
from tracker.present import deadlines, scope_progress, table_display, theme
from tracker.present import progress_card as progress_card_text
from tracker.present.table_display import ColumnFormat
from tracker.rules import freshness
from tracker.rules.indicators import Progress
from tracker.weekly import briefing
from tracker.weekly.report_layout import without_hints
from ui import data
from ui.filters import Filters, PageFilters, current, select_township
from ui.session import current_user

PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    # plotly.js as Streamlit bundles it has only English; its words come with each chart instead.
    "locale": theme.PLOTLY_LOCALE["name"],
    "locales": {theme.PLOTLY_LOCALE["name"]: theme.PLOTLY_LOCALE},
    # On a desktop the toolbar has one button, 下载图片: zooming and panning a bar chart of
    # thirteen townships only loses the reader, and Streamlit's own "Fullscreen" button speaks
    # English (an explicit button list leaves it out).
    "modeBarButtons": [["toImage"]],
}
# On a phone the toolbar would sit on the chart's title, and a tap meant for a bar would hit it.
PHONE_PLOTLY_CONFIG = PLOTLY_CONFIG | {"displayModeBar": False}
# The report's charts are pictures: no toolbar, no hover, nothing to click.
REPORT_PLOTLY_CONFIG = PLOTLY_CONFIG | {"staticPlot": True, "displayModeBar": False}
# A table longer than this scrolls in its box on a desktop, and is paged on a phone; the page says so.
TABLE_ROWS = 20
SCROLLED_ROWS = 15


def is_phone() -> bool:
    """Whether the browser says it is a phone (its user agent names "Mobi", as every phone browser's
    does): charts without a toolbar, tables as cards."""
    return "Mobi" in (st.context.headers.get("User-Agent") or "")


def report_mode() -> bool:
    """Whether this run draws the weekly report's layout (`?report=1`): no widgets, no hints, whole tables."""
    return st.query_params.get("report") == "1"


def caption(text: str) -> None:
    """A caption; in the report layout without its interactive hints (and not at all if that was all)."""
    shown = without_hints(text) if report_mode() else text
    if shown:
        st.caption(shown)


def dashboard_page(title: str) -> PageFilters:
    """Open a page of figures: the filters and the heading; the page stops there until data is imported."""
    filters = current()
    page_start(title, filters)
    if filters.as_of is None:
        no_data()
        st.stop()
    return PageFilters(**{**vars(filters), "as_of": filters.as_of})


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


def applicable_targets(filters: PageFilters, batch: int | None = None) -> pd.DataFrame:
    """The targets that apply to the filtered scope (batch: the filter's unless given), a township
    without an assigned one getting the one its ledgers hold (按台账计划)."""
    chosen = filters.batch if batch is None else batch
    return scope_progress.applicable_targets(
        data.query, filters.as_of, filters.townships, chosen, data.derived
    )


def target_cards(filters: PageFilters) -> list[Progress]:
    """Every indicator (and batch) against its target on the day shown, for the filtered scope."""
    return scope_progress.target_cards(
        data.query, filters.as_of, filters.townships, filters.batch, data.derived
    )


def township_cards(filters: PageFilters, batch: int | None) -> dict[str, list[Progress]]:
    """Each township's cards (of one batch, or every batch) against its own target, assigned or
    worked out from its ledgers: the status its bar or table row is coloured by."""
    return scope_progress.township_cards(data.query, filters.as_of, filters.townships, batch, data.derived)


def deadline_banner(cards: Sequence[Progress]) -> None:
    """What is overdue, then what is late and due within two weeks: above everything else."""
    banner = deadlines.banner_html(deadlines.alerts(cards))
    if banner:
        st.html(banner)


def status_legend(grey: str = "", target: bool = True) -> None:
    """What the status colours mean (and the target mark), under a status-coloured chart or table."""
    st.html(theme.status_legend_html(target=target, grey=grey))


def weekly_briefing(filters: PageFilters, cards: Sequence[Progress]) -> None:
    """The week in one paragraph (公文 style): deadlines, what is missing, the pace needed, who lags,
    and the villages furthest behind their plan with their 包保领导 (as the weekly report writes it)."""
    text = briefing.scope_briefing(
        data.query,
        filters.as_of,
        filters.scope,
        filters.townships,
        filters.batch,
        cards,
        filters.region_view,
        data.derived,
    )
    st.html(f'<div class="briefing-title">本周简报</div><div class="briefing">{html.escape(text)}</div>')


def no_data(message: str = "暂无数据。请先在“数据”页导入台账，或请管理员载入示例数据。") -> None:
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
    """Cards in a grid that wraps, two a row on a phone."""
    st.html('<div class="kpi-grid">' + "".join(cards) + "</div>")


def format_value(value: float | None, unit: str) -> str:
    """An indicator value in its unit, as leaders read it."""
    return deadlines.card_value(value, unit)


def progress_card(card: Progress, label: str | None = None) -> str:
    """A card for one indicator against its target (under its own label unless one is given), in the
    words the weekly summary uses too (tracker.present.progress_card)."""
    words = progress_card_text.card_text(card, label)
    return kpi_card(
        words.label,
        words.value,
        words.target,
        words.percent,
        [words.change, words.due],
        words.status,
        words.basis,
    )


# Kept as built (cache_resource), not pickled: nothing changes a figure once built (the report's
# title without hints is drawn from a copy), and a hit then costs no unpickling on every rerun.
# One cache per builder, made once per function object (as ui.data.derived does for rules): keyed on
# the builder itself and its arguments, and the builder called directly.
_BUILT: weakref.WeakKeyDictionary[Callable[..., go.Figure], Callable[..., go.Figure]] = (
    weakref.WeakKeyDictionary()
)


def figure(builder: Callable[..., go.Figure], *args: Any, **kwargs: Any) -> go.Figure:
    """`builder(*args, **kwargs)`, built once per distinct input, then taken from Streamlit's cache.

    Building a plotly figure validates every property it sets (20-70 ms a figure on this
    machine, a fifth of a page's rerun); a cache hit returns the finished figure.
    The builders (tracker.present.charts and the per-page *_charts) are pure: data in, figure out.
    """
    cached = _BUILT.get(builder)
    if cached is None:
        cached = _BUILT[builder] = st.cache_resource(max_entries=128, show_spinner=False)(builder)
    return cached(*args, **kwargs)


def chart(figure: go.Figure, key: str, on_click: Callable[[], None] | None = None) -> None:
    """A plotly chart at full width; with on_click, clicking a bar or point calls it.

    In the report layout the chart is a static picture and its title loses the click hint."""
    title = figure.layout.title.text or ""
    if report_mode():
        if title:
            figure = go.Figure(figure).update_layout(title_text=without_hints(title))
        st.plotly_chart(figure, width="stretch", config=REPORT_PLOTLY_CONFIG, key=key)
        return
    config = PHONE_PLOTLY_CONFIG if is_phone() else PLOTLY_CONFIG
    # A downloaded picture is named after its chart, not plotly's "newplot".
    config = config | {"toImageButtonOptions": {"filename": without_hints(title) or "图表", "scale": 2}}
    if on_click is None:
        st.plotly_chart(figure, width="stretch", config=config, key=key)
    else:
        st.plotly_chart(
            figure, width="stretch", config=config, key=key, on_select=on_click, selection_mode="points"
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
    total_rows: int = 0,
) -> None:
    """A table with a 乡镇 column (the sidebar's 乡镇 box, or a click on a chart's bar, narrows it);
    the last `total_rows` rows are totals (the county's), and a 状态 column is coloured by status."""
    table(frame, name, key, column_config, total_rows=total_rows)


def table(
    frame: pd.DataFrame,
    name: str,
    key: str,
    column_config: dict[str, Any] | None = None,
    download_only: Sequence[str] = (),
    total_rows: int = 0,
) -> None:
    """A table with XLSX and CSV (UTF-8 BOM, opens in Excel) downloads. Numbers are rounded to their
    column's precision everywhere. Columns named in download_only are in the downloads, not on screen
    (a table wider than a 1600 px screen keeps its details for Excel). A table with a status column
    (状态…) shows its cells in their status's colour, with the legend; the last `total_rows` rows are
    totals, in bold.

    Every row is drawn, or the table says how many it has and how to see the rest: on a desktop a
    table of up to TABLE_ROWS rows is drawn whole and a longer one scrolls in its box; on a phone
    (and in the report) it is an HTML table that a phone shows as one card per row, TABLE_ROWS
    rows a page. Rows are not selectable: a checkbox column would say nothing of what it does."""
    if frame.empty:
        no_data("没有符合条件的记录。")
        return
    formats = column_formats(column_config)
    frame = table_display.tidy(frame, formats)
    on_screen = frame.drop(columns=list(download_only))
    if any(theme.is_status_column(c) for c in on_screen.columns):
        status_legend(target=False)
    if report_mode():
        st.html(table_display.to_html(on_screen, name, formats, total_rows))
        return
    shown = table_display.dates_as_text(on_screen)  # the downloads keep real dates for Excel
    if is_phone():
        _paged_html_table(shown, name, key, formats, total_rows)
    else:
        _grid(shown, key, column_config, formats, total_rows)
    with st.container(horizontal=True):
        st.download_button(
            "下载电子表格",
            data=lambda: table_display.xlsx_bytes(frame, name),
            file_name=f"{name}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}_xlsx",
            on_click="ignore",
        )
        st.download_button(
            "下载逗号分隔文本",
            data=lambda: table_display.csv_bytes(frame),
            file_name=f"{name}.csv",
            mime="text/csv",
            key=f"{key}_csv",
            on_click="ignore",
        )


def _grid(
    frame: pd.DataFrame,
    key: str,
    column_config: dict[str, Any] | None,
    formats: dict[str, ColumnFormat],
    total_rows: int,
) -> None:
    """A desktop table: whole up to TABLE_ROWS rows, else SCROLLED_ROWS rows in a box that scrolls.
    (Its dates come as text, table_display.dates_as_text: a date column's own format is dropped.)"""
    rows = len(frame)
    column_config = {
        column: config
        for column, config in (column_config or {}).items()
        if not (
            isinstance(config, dict) and config.get("type_config", {}).get("type") in ("date", "datetime")
        )
    }
    height: int | Literal["content"] = "content"
    if rows > TABLE_ROWS:
        height = 38 + 35 * SCROLLED_ROWS
        st.html(
            f'<div class="table-note">共 {rows:,} 行，表内上下滚动可查看其余 {rows - SCROLLED_ROWS:,} 行。</div>'
        )
    coloured = any(theme.is_status_column(c) for c in frame.columns)
    st.dataframe(
        table_display.styled(frame, formats, total_rows) if coloured or total_rows else frame,
        width="stretch",
        height=height,
        hide_index=True,
        placeholder=table_display.MISSING,
        column_config=column_config,
        key=key,
    )


def _paged_html_table(
    frame: pd.DataFrame, name: str, key: str, formats: dict[str, ColumnFormat], total_rows: int
) -> None:
    """A phone's table: every row of one page as HTML (a card per row when it is wide), and the page."""
    rows = len(frame)
    pages = -(-rows // TABLE_ROWS)
    page = 0
    if pages > 1:
        page = st.selectbox(
            "翻页",
            range(pages),
            format_func=lambda i: (
                f"第 {i + 1} 页（第 {i * TABLE_ROWS + 1}–{min((i + 1) * TABLE_ROWS, rows)} 行）"
            ),
            key=f"{key}_page",
        )
    shown = frame.iloc[page * TABLE_ROWS : (page + 1) * TABLE_ROWS]
    note = ""
    if pages > 1:
        first = page * TABLE_ROWS + 1
        note = (
            f'<div class="table-note">共 {rows:,} 行，本页第 {first:,}–{first + len(shown) - 1:,} 行；'
            f"其余 {rows - len(shown):,} 行请翻页查看。</div>"
        )
    last = page == max(pages - 1, 0)  # the totals are the last rows, on the last page
    st.html(note + table_display.to_html(shown, name, formats, total_rows if last else 0, total=rows))


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
