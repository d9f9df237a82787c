"""A page's sections as tabs that run lazily, bound to the URL; in the report layout, all of them.

A leader who opens a page sees its cards and the first section; the other sections are
built, sent and drawn only when their tab is chosen. Each figure and each data grid costs
the browser far more than the server (plotly.js lays out and draws every figure; the data
grid's module loads on the first table), so a first view with two figures instead of
seven is what makes a page appear quickly, on a phone above all.

The open tab is a query parameter (`?tab=明细`), so a link opens what its sender saw, and
the sidebar's filters (their own query parameters) keep applying to every tab. The weekly
report's layout (`?report=1`) has no tabs: every section is drawn, one after another, as
before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.layout import report_mode

# The query parameter that names the open tab. Pages are separate scripts, but a page's tabs
# and their labels are its own: Streamlit drops a value that is not one of them (a link to
# another page's tab, or a hand-edited URL) and opens the first tab.
PARAM = "tab"


@dataclass(frozen=True)
class Section:
    """One section of a page: where it is drawn, and whether to build it on this run."""

    label: str
    container: DeltaGenerator
    open: bool

    def __enter__(self) -> None:
        # Streamlit's container yields nothing either: what is drawn inside the block goes into it.
        self.container.__enter__()

    def __exit__(
        self, typ: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        return bool(self.container.__exit__(typ, exc, tb))


def tabs(labels: Sequence[str]) -> list[Section]:
    """The page's sections: tabs of which only the chosen one is open (the first by default).

    In the report layout every section is open and drawn in place, one after another, so the
    report still shows the whole page. A section's code runs only `if section.open:`.
    """
    if report_mode():
        return [Section(label, st.container(), True) for label in labels]
    drawn = st.tabs(list(labels), key=PARAM, bind="query-params")
    return [Section(label, tab, bool(tab.open)) for label, tab in zip(labels, drawn)]
