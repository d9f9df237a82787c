"""Figure builders for the 党建 page: rectification stages by township and over time, joint branches against need.

Stages keep the colours of tracker.present.theme.RECTIFICATION_COLOURS (grey not started,
amber under way, greens done), and every figure with a goal draws it in the
target red beside the actual. A legend of four stages wraps on a phone, so these
figures pin the title to the top edge and give the legend its own band between
title and plot (`_legend_band`), where neither can run into the other or into an
axis title.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from tracker.contract import schema
from tracker.present import charts, theme


def _legend_band(figure: go.Figure, traceorder: str = "normal") -> go.Figure:
    """Title at the very top, then the legend (up to two rows on a phone), then the plot."""
    figure.update_layout(
        title={"yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 10}},
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.02,
            "xanchor": "left",
            "x": 0,
            "traceorder": traceorder,
        },
        margin={"t": 104},
    )
    return figure


def stages_by_township(frame: pd.DataFrame, title: str) -> go.Figure:
    """Per township, weak organizations by rectification stage (stacked, in stage order), clickable.

    frame: township, stage, orgs (tracker.rules.party.stages_by_township).
    """
    figure = charts.stacked_by_township(
        frame,
        "stage",
        "orgs",
        list(schema.RECTIFICATION_STAGES),
        theme.RECTIFICATION_COLOURS,
        title,
        unit=" 个",
    )
    figure.update_xaxes(title_text="党组织（个）")
    return _legend_band(figure)


def stages_over_time(
    frame: pd.DataFrame, title: str, target: float | None = None, target_label: str = "目标"
) -> go.Figure:
    """Stacked bars per weekly snapshot: weak organizations by stage, done at the bottom, with the target line.

    frame: as_of, stage, orgs (tracker.rules.party.stages_over_time). The finished
    stages sit at the bottom so that their height reads directly against the target.
    """
    figure = go.Figure()
    figure.update_layout(title={"text": title}, height=420)
    days = pd.to_datetime(frame["as_of"])
    for stage in reversed(schema.RECTIFICATION_STAGES):
        part = frame[frame["stage"] == stage]
        if part.empty or part["orgs"].sum() == 0:
            continue
        figure.add_bar(
            x=days[part.index],
            y=part["orgs"],
            name=stage,
            marker_color=theme.RECTIFICATION_COLOURS[stage],
            hovertemplate=f"%{{x|%Y年%-m月%-d日}} {stage}：%{{y}} 个<extra></extra>",
        )
    if target is not None:
        charts.target_line(figure, target, f"{target_label} {target:,.0f} 个")
    figure.update_layout(barmode="stack", bargap=0.15, dragmode=False)
    figure.update_xaxes(tickformat="%-m月%-d日", title_text="")
    tallest = float(frame.groupby("as_of")["orgs"].sum().max()) if len(frame) else 0.0
    figure.update_yaxes(title_text="党组织（个）", rangemode="tozero")
    charts.whole_number_ticks(figure, max(tallest, target or 0.0), axis="y")
    return _legend_band(figure, "reversed")


def joint_branch_bars(frame: pd.DataFrame, title: str) -> go.Figure:
    """Per township: completed relocation villages (the need, outlined in target red) beside those with a joint branch.

    frame: township, completed, with_joint (tracker.rules.party.joint_by_township); with a `status`
    column, each township's joint-branch bar takes its status's colour.
    """
    rows = frame.sort_values(["completed", "township"])
    most = float(rows["completed"].max()) if len(rows) else 0.0
    figure = go.Figure()
    figure.update_layout(title={"text": title}, height=max(280, 52 * len(rows) + 150))
    figure.add_bar(
        y=rows["township"],
        x=rows["completed"],
        orientation="h",
        name="应建（已完成搬迁村）",
        marker={"color": "rgba(0,0,0,0)", "line": {"color": theme.TARGET, "width": 2}},
        text=[f"{int(v)} 个村" for v in rows["completed"]],
        textposition="outside",
        cliponaxis=False,
        customdata=rows["township"],
        hovertemplate="%{y} 已完成搬迁村：%{x} 个<extra></extra>",
    )
    figure.add_bar(
        y=rows["township"],
        x=rows["with_joint"],
        orientation="h",
        name="已建联合党支部",
        marker_color=[theme.status_colour(s) for s in rows["status"]] if "status" in rows else theme.DONE,
        text=[f"{int(v)} 个" for v in rows["with_joint"]],
        textposition="outside",
        cliponaxis=False,
        customdata=rows["township"],
        hovertemplate="%{y} 已建联合党支部：%{x} 个<extra></extra>",
    )
    figure.update_layout(barmode="group", clickmode="event+select", dragmode=False)
    figure.update_xaxes(title_text="村数（个）", range=[0, max(most * 1.3, 1)])
    charts.whole_number_ticks(figure, most * 1.3)
    return _legend_band(figure)
