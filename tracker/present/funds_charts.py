"""Figure builders for the funds page: running total against the target, and the split by source and township.

(And the township-by-source table that sits under the township chart, built from the same rows.)

Kept apart from `tracker.present.charts` because every figure here speaks 万元 with two
decimals and colours by fund source, a meaning no other page has. Sources keep
one colour on every chart, so a leader can follow 脱贫双增长资金 from the split
by source to the bars of each township.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from tracker.present import charts, literal_text, theme

# The contract's five sources, each with its own colour; any other source takes the next spare colour.
KNOWN_SOURCES: tuple[str, ...] = (
    "财政专项资金",
    "财政转贷资金",
    "脱贫双增长资金",
    "基础设施补助",
    "公共服务设施补助",
)
_PALETTE = ("#1565C0", "#26A69A", "#7E57C2", "#8D6E63", "#EC407A", "#78909C", "#FFA726", "#5C6BC0")


def source_colours(sources: list[str]) -> dict[str, str]:
    """A colour for every source: the known five fixed, others after them in order."""
    colours = dict(zip(KNOWN_SOURCES, _PALETTE, strict=False))
    spare = iter(_PALETTE[len(KNOWN_SOURCES) :])
    for name in sources:
        if name not in colours:
            colours[name] = next(spare, theme.MUTED)
    return colours


def _wan(value: float) -> str:
    return f"{value:,.2f}"


def cumulative_by_month(
    frame: pd.DataFrame, title: str, target: float | None = None, due: dt.date | None = None
) -> go.Figure:
    """Monthly allocations as bars, the running total as a line, and the target as a dashed line.

    frame: month, amount_10k, cumulative_10k (as from queries/funds_by_month.sql).
    """
    months = pd.to_datetime(frame["month"])
    when = f"（时限 {due.month}月{due.day}日）" if due is not None else ""
    figure = go.Figure()
    figure.update_layout(title={"text": title}, height=400)
    figure.add_bar(
        x=months,
        y=frame["amount_10k"],
        name="当月拨付",
        marker_color=theme.NOT_STARTED,
        hovertemplate="%{x|%Y年%-m月} 当月拨付：%{y:,.2f} 万元<extra></extra>",
    )
    figure.add_scatter(
        x=months,
        y=frame["cumulative_10k"],
        mode="lines+markers",
        name="累计拨付",
        line={"color": theme.NEUTRAL, "width": 3},  # green is kept for "on track"
        hovertemplate="截至%{x|%Y年%-m月}底 累计：%{y:,.2f} 万元<extra></extra>",
    )
    if target is not None:
        charts.target_line(figure, target, f"目标 {_wan(target)} 万元{when}")
    top = max([float(frame["cumulative_10k"].max() or 0), target or 0]) * 1.12
    figure.update_xaxes(tickformat="%-m月", dtick="M1", title_text="", tickangle=0)
    figure.update_yaxes(range=[0, top or 1], title_text="万元", tickformat=",.0f")
    # The legend at the foot of the figure, under the months: above the plot it sat on the title.
    figure.update_layout(
        bargap=0.35,
        hovermode="x unified",
        dragmode=False,
        margin={"b": 64},
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0},
    )
    return figure


def by_source(frame: pd.DataFrame, title: str) -> go.Figure:
    """One horizontal bar per source (contract order, top to bottom), labelled with amount and share.

    frame: source, amount_10k, share_percent (as from queries/funds_by_source.sql).
    """
    rows = frame.iloc[::-1]
    colours = source_colours(list(frame["source"]))
    figure = go.Figure()
    figure.update_layout(title={"text": title}, height=max(240, 46 * len(rows) + 110))
    figure.add_bar(
        y=[literal_text.plotly(s) for s in rows["source"]],  # a source is ledger text: no HTML in a label
        x=rows["amount_10k"],
        orientation="h",
        marker_color=[colours[s] for s in rows["source"]],
        text=[
            f"{_wan(a)}（{s:.1f}%）"
            for a, s in zip(rows["amount_10k"], rows["share_percent"].fillna(0), strict=True)
        ],
        textposition="auto",
        cliponaxis=False,
        hovertemplate="%{y}：%{x:,.2f} 万元<extra></extra>",
    )
    figure.update_layout(showlegend=False, dragmode=False)
    figure.update_xaxes(rangemode="tozero", tickformat=",.0f")
    return figure


def by_township(frame: pd.DataFrame, title: str) -> go.Figure:
    """Per township, a bar stacked by source (largest township on top); clicking a bar selects its township.

    frame: township, source, amount_10k, township_10k (as from queries/funds_by_township.sql).
    """
    totals = frame.groupby("township")["amount_10k"].sum().sort_values()
    sources = list(dict.fromkeys(frame["source"]))
    ordered = [s for s in KNOWN_SOURCES if s in sources] + [s for s in sources if s not in KNOWN_SOURCES]
    colours = source_colours(ordered)
    figure = go.Figure()
    height = charts.rows_height(len(totals), 200)
    figure.update_layout(title={"text": title}, height=height)
    for name in ordered:
        part = (
            frame[frame["source"] == name].set_index("township")["amount_10k"].reindex(totals.index).fillna(0)
        )
        figure.add_bar(
            y=list(part.index),
            x=list(part.values),
            orientation="h",
            name=literal_text.plotly(name),
            marker_color=colours[name],
            customdata=list(part.index),
            hovertemplate="%{y} · %{fullData.name}：%{x:,.2f} 万元<extra></extra>",
        )
    figure.add_scatter(
        y=list(totals.index),
        x=list(totals.values),
        mode="text",
        text=[f" {_wan(v)}" for v in totals.values],
        textposition="middle right",
        showlegend=False,
        hoverinfo="skip",
        cliponaxis=False,
    )
    # The legend sits at the foot of the figure, below the tick labels: on a phone its five
    # entries wrap onto three lines, which the bottom margin leaves room for.
    figure.update_layout(
        barmode="stack",
        clickmode="event+select",
        dragmode=False,
        margin={"b": 96},
        legend={
            "traceorder": "normal",
            "orientation": "h",
            "yref": "container",
            "yanchor": "bottom",
            "y": 0,
            "x": 0,
        },
    )
    figure.update_xaxes(rangemode="tozero", tickformat=",.0f", range=[0, float(totals.max()) * 1.25])
    return figure


def township_source_table(frame: pd.DataFrame, sources: list[str]) -> pd.DataFrame:
    """One row per township (乡镇), one column per source in the given order, and 合计; largest first.

    frame: township, source, amount_10k (as from queries/funds_by_township.sql).
    """
    matrix = frame.pivot_table(
        index="township", columns="source", values="amount_10k", aggfunc="sum", fill_value=0
    )
    matrix = matrix.reindex(
        columns=[s for s in sources if s in matrix.columns] + [s for s in matrix.columns if s not in sources]
    )
    matrix["合计"] = matrix.sum(axis=1)
    matrix = matrix.sort_values("合计", ascending=False).round(2).reset_index()
    matrix.columns.name = None
    return matrix.rename(columns={"township": "乡镇"})
