"""Plotly charts on a page: built once per input (Streamlit's cache), drawn full width with the toolbar
a desktop, a phone or the report wants, and a township's bar that narrows the view when clicked."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from tracker.present import theme
from tracker.weekly.report_layout import without_hints
from ui.filters import select_township
from ui.layout import is_phone, report_mode

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


def township_chart(figure: go.Figure, key: str) -> None:
    """A chart of townships: clicking a bar narrows the view to that township."""
    chart(figure, key=key, on_click=lambda: filter_from_chart(key))
