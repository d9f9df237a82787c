"""Which layout this run draws — the weekly report's (`?report=1`), a phone's, or a desktop's — and the
page texts that change with it: a caption or an empty state loses what to click in the report."""

from __future__ import annotations

import streamlit as st

from tracker.weekly.report_layout import without_hints


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


def no_data(message: str = "暂无数据。请先在“数据”页导入台账，或请管理员载入示例数据。") -> None:
    """A friendly message in place of a chart or table that has nothing to show (in the report layout
    without what to click)."""
    st.info(without_hints(message) if report_mode() else message)
