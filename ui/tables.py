"""Tables on a page: every row shown or said how to reach, numbers rounded to their column, status
cells coloured, total rows in bold, and XLSX and CSV downloads; a data grid on a desktop, HTML
(a card per row) on a phone and in the report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd
import streamlit as st

from tracker.present import table_display, theme
from tracker.present.table_display import ColumnFormat
from ui.cards import status_legend
from ui.column_formats import formats_of
from ui.layout import is_phone, no_data, report_mode

# A table longer than this scrolls in its box on a desktop, and is paged on a phone; the page says so.
TABLE_ROWS = 20
SCROLLED_ROWS = 15


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
    formats = formats_of(column_config)
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
