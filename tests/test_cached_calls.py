"""The pages' caches of rules and figures are keyed on the function passed, not on a name looked up.

`ui.data.derived` and `ui.widgets.figure` call the function they are given: a rule or builder
defined anywhere (a nested function, a lambda) works, two functions never share a result, and the
same function with the same inputs is computed once.
"""

from __future__ import annotations

import plotly.graph_objects as go
import pytest
import streamlit as st

from ui import data, widgets


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def test_a_nested_rule_is_called_once_per_distinct_input() -> None:
    calls: list[int] = []

    def doubled(value: int) -> int:
        calls.append(value)
        return value * 2

    assert [data.derived(doubled, 3), data.derived(doubled, 3), data.derived(doubled, 4)] == [6, 6, 8]
    assert calls == [3, 4]


def test_two_rules_with_the_same_inputs_keep_their_own_results() -> None:
    def first(value: int) -> str:
        return f"first {value}"

    def second(value: int) -> str:
        return f"second {value}"

    assert data.derived(first, 1) == "first 1"
    assert data.derived(second, 1) == "second 1"


def test_a_lambda_builds_its_own_figure_once() -> None:
    built: list[str] = []

    def bars(title: str) -> go.Figure:
        built.append(title)
        return go.Figure(go.Bar(x=[1], y=[1]), layout={"title": {"text": title}})

    other = lambda title: go.Figure(layout={"title": {"text": f"另一个{title}"}})  # noqa: E731
    assert widgets.figure(bars, "村数").layout.title.text == "村数"
    assert widgets.figure(bars, "村数").layout.title.text == "村数"
    assert widgets.figure(other, "村数").layout.title.text == "另一个村数"
    assert built == ["村数"]
