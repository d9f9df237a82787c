"""Figure builders for the 集体经济 page: the income distribution (the other figures use tracker.present.charts).

Villages still at zero income are drawn in the "not started" grey and the ones
past zero in the "done" green, the meanings every page shares (tracker.present.theme).
Bands run down the page as horizontal bars so that their labels stay readable on
a phone.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from tracker.present import charts, theme


def income_distribution(bands: pd.DataFrame, title: str) -> go.Figure:
    """Villages per income band (from tracker.rules.collective.income_bands), 未破零 on top."""
    figure = go.Figure()
    figure.update_layout(title={"text": title}, height=max(260, 40 * len(bands) + 120))
    most = float(bands["villages"].max()) if len(bands) else 0.0
    figure.add_bar(
        y=bands["band"],
        x=bands["villages"],
        orientation="h",
        marker_color=[theme.DONE if past else theme.NOT_STARTED for past in bands["past_zero"]],
        text=[f"{int(v):,} 个村" for v in bands["villages"]],
        textposition="outside",
        cliponaxis=False,
        name="村数",
        hovertemplate="%{y}：%{x:,} 个村<extra></extra>",
    )
    figure.update_layout(showlegend=False, dragmode=False, bargap=0.3)
    figure.update_yaxes(type="category", autorange="reversed", title_text="")
    figure.update_xaxes(title_text="村数（个）", rangemode="tozero", range=[0, max(most * 1.4, 1)])
    return charts.whole_number_ticks(figure, most * 1.4)
