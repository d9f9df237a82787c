"""Figures travel light: the plotly template each one carries is cut to what the figures draw.

Every plotly figure is sent to the browser with its whole template; plotly_white alone is
6.5 KB of JSON, mostly defaults for trace types and subplots no page has. tracker.present.theme keeps
only the defaults of the trace types drawn. These tests check that this changes nothing a
leader sees (the kept defaults are plotly_white's own, our settings on top), and that every
figure on every page is of a kept type, so none loses a default it needed.
"""

from __future__ import annotations

import json

import plotly.io as pio
import pytest

from tracker.present import theme

# (总览 draws no plotly figure: its ranking is an HTML table.)
PAGES = [
    "app_pages/relocation.py",
    "app_pages/collective.py",
    "app_pages/party.py",
    "app_pages/funds.py",
]


def test_the_cut_template_draws_what_plotly_white_with_ours_drew() -> None:
    theme.register()
    whole = pio.templates.merge_templates(pio.templates["plotly_white"], theme._template())
    cut = pio.templates[theme.TEMPLATE_NAME]
    for kind in theme.DRAWN_TRACES:
        assert cut.data[kind] == whole.data[kind], kind
    kept = whole.layout.to_plotly_json()
    for key in theme.UNUSED_LAYOUT:
        kept.pop(key, None)
    assert cut.layout.to_plotly_json() == kept


@pytest.mark.parametrize("page", PAGES)
def test_every_figure_is_of_a_drawn_type_and_carries_a_small_template(open_page, page: str) -> None:
    at = open_page(page)
    charts = at.get("plotly_chart")
    assert charts, page
    for chart in charts:
        spec = json.loads(chart.proto.spec)
        kinds = {trace.get("type", "scatter") for trace in spec["data"]}
        assert kinds <= set(theme.DRAWN_TRACES), (page, kinds)
        template = json.dumps(spec["layout"]["template"])
        assert len(template) < 2500, (page, len(template))  # plotly_white's was 6,500 characters
