"""Figures of the 整村搬迁 page: plain frames in, plotly figures out, styled by tracker.present.theme.

Kept apart from tracker.present.charts (the generic builders every page shares) because
these know the relocation data: stages, resettlement modes, the self-funding cap.
Each draws its target beside the actual: the target line and due date for
households moved, the cap line for self-funding, the vacated area for reclamation.
Titles stay short so that they fit a phone; the explanation goes in the page.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tracker.contract import formatting, schema
from tracker.present import charts, theme
from tracker.rules import relocation

HOUSEHOLDS_COLOUR = theme.NEUTRAL
PEOPLE_COLOUR = "#7E57C2"  # not teal: a green-looking line would read as "on track"
DAY_FORMAT = "%-m月%-d日"


def _legend_below(figure: go.Figure) -> None:
    """Legend under the tick labels, where it can wrap on a phone without covering the title.

    Charts with a legend below carry no x-axis title (the unit is in the title or
    the tick labels), which is what would otherwise collide with the legend.
    """
    plot_height = max((figure.layout.height or 380) - 120, 120)
    figure.update_layout(
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -34 / plot_height,
            "xanchor": "left",
            "x": 0,
            "traceorder": "normal",
        }
    )


def stages_by_township(frame: pd.DataFrame) -> go.Figure:
    """Relocation villages of each township by stage, 未启动 (grey) to 已销号 (dark green)."""
    figure = charts.stacked_by_township(
        frame, "relocation_status", "villages", list(schema.RELOCATION_STAGES), theme.STAGE_COLOURS,
        "各乡镇搬迁村所处阶段（村数）", unit="个村",
    )  # fmt: skip
    figure.update_layout(height=max(200, 36 * frame["township"].nunique() + 150))
    _legend_below(figure)
    return figure


def moved_over_time(
    series: pd.DataFrame,
    batch: int,
    households_target: float | None,
    people_target: float | None,
    due: dt.date | None,
) -> go.Figure:
    """Households and people of one batch moved in, week by week, each in its own panel against its own
    target line, and the due date across both.

    Households (户) and people (人) never share an axis: on one axis 524 people ran above a target of
    455 households and read as met."""
    rows = series[
        (series["relocation_batch"] == batch) & series["indicator"].isin(["households_moved", "people_moved"])
    ]
    wide = rows.pivot_table(index="as_of", columns="indicator", values="actual", aggfunc="sum").sort_index()
    days = pd.to_datetime(wide.index)
    panels = (
        ("households_moved", "入住户数", "户", HOUSEHOLDS_COLOUR, households_target),
        ("people_moved", "入住人数", "人", PEOPLE_COLOUR, people_target),
    )
    figure = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.16,
        subplot_titles=[f"{label}（{unit}）" for _, label, unit, _, _ in panels],
    )  # fmt: skip
    figure.update_annotations(font={"size": 14, "color": "#455A64"}, xanchor="left", x=0)
    # The due date is in the title (the dotted line marks it): a label at the line ran into the panels' titles.
    when = f"（时限 {due.month}月{due.day}日）" if due is not None else ""
    figure.update_layout(
        title={"text": f"{formatting.batch(batch)}搬迁入住进度{when}"},
        height=540,
        showlegend=False,
        margin={"t": 80},  # room between the chart's title and its first panel's
    )
    start = days.min() if len(days) else pd.Timestamp(due or dt.date.today())
    ends = [
        d for d in (days.max() if len(days) else None, pd.Timestamp(due) if due else None) if d is not None
    ]
    end = max(ends) if ends else start
    for row, (column, label, unit, colour, target) in enumerate(panels, start=1):
        values = wide[column] if column in wide else pd.Series(dtype=float)
        if len(values):
            figure.add_scatter(
                x=days, y=values, mode="lines+markers", name=label, line={"color": colour, "width": 3},
                hovertemplate=f"%{{x|%Y年%-m月%-d日}} {label}：%{{y:,.0f}} {unit}<extra></extra>",
                row=row, col=1,
            )  # fmt: skip
        if target is not None:
            figure.add_scatter(
                x=[start, end], y=[target, target], mode="lines", name=f"{label}目标",
                line=theme.TARGET_LINE, row=row, col=1,
                hovertemplate=f"{label}目标：{formatting.count(target, unit)}<extra></extra>",
            )  # fmt: skip
            # The label sits on a white patch so that an actual line crossing it cannot hide it.
            figure.add_annotation(
                x=start, y=target, text=f"目标 {formatting.count(target, unit)}", showarrow=False,
                xanchor="left", yanchor="bottom", font={"color": theme.TARGET, "size": 13},
                bgcolor="rgba(255,255,255,0.85)", row=row, col=1,
            )  # fmt: skip
        largest = max([float(values.max()) if values.notna().any() else 0.0, target or 0.0])
        # Head room above the target, so its label is inside the panel.
        figure.update_yaxes(range=[0, max(largest * 1.15, 1)], row=row, col=1)
        charts.whole_number_ticks(figure, largest * 1.15, axis="y" if row == 1 else f"y{row}")
    if due is not None:
        figure.add_shape(
            type="line", x0=pd.Timestamp(due), x1=pd.Timestamp(due), y0=0, y1=1, yref="paper",
            line={"color": theme.TARGET, "dash": "dot", "width": 1.5},
        )  # fmt: skip
    pad = pd.Timedelta(days=4)
    figure.update_xaxes(tickformat=DAY_FORMAT, range=[start - pad, end + pad], title_text="")
    figure.update_yaxes(title_text="")
    return figure


def modes_bars(modes: pd.DataFrame) -> go.Figure:
    """Households per resettlement mode (with people and share), most used on top."""
    rows = modes.iloc[::-1]
    figure = go.Figure()
    figure.update_layout(title={"text": "全部搬迁户按安置方式"}, height=max(240, 46 * len(rows) + 90))
    figure.add_bar(
        y=rows["resettlement_mode"],
        x=rows["households"],
        orientation="h",
        marker_color=[theme.MODE_COLOURS.get(m, theme.MUTED) for m in rows["resettlement_mode"]],
        text=[
            f"{h:,.0f}户 {p:,.0f}人（{s:.0f}%）"
            for h, p, s in zip(rows["households"], rows["people"], rows["share_percent"])
        ],
        textposition="auto",
        cliponaxis=False,
        hovertemplate="%{y}：%{text}<extra></extra>",
    )
    figure.update_layout(showlegend=False, dragmode=False)
    figure.update_xaxes(title_text="户数", rangemode="tozero")
    return charts.whole_number_ticks(figure, float(rows["households"].max()) if len(rows) else 0.0)


def modes_by_township(frame: pd.DataFrame) -> go.Figure:
    """Households of each township by resettlement mode."""
    order = [*schema.RESETTLEMENT_MODES, relocation.UNKNOWN_MODE]
    colours = theme.MODE_COLOURS | {relocation.UNKNOWN_MODE: theme.NOT_STARTED}
    figure = charts.stacked_by_township(
        frame, "resettlement_mode", "households", order, colours, "各乡镇安置方式（户数）", unit="户"
    )
    _legend_below(figure)
    return figure


def homestead_by_township(frame: pd.DataFrame) -> go.Figure:
    """Homestead area vacated by demolition and, beside it, the part already reclaimed, per township."""
    rows = frame[frame["homestead_m2"] > 0].sort_values("homestead_m2")
    figure = go.Figure()
    figure.update_layout(title={"text": "宅基地腾退与复垦（平方米）"}, height=max(260, 56 * len(rows) + 130))
    # Plotly draws a group's bars from the bottom up: reclaimed first puts vacated on top of each pair.
    for column, label, colour in (
        ("reclaimed_m2", "已复垦", theme.DONE),
        ("homestead_m2", "已腾退", theme.NOT_STARTED),
    ):
        figure.add_bar(
            y=rows["township"], x=rows[column], orientation="h", name=label, marker_color=colour,
            text=[formatting.count(v) for v in rows[column]], textposition="auto",
            customdata=rows["township"],
            hovertemplate=f"%{{y}} {label}：%{{x:,.0f}} 平方米<extra></extra>",
        )  # fmt: skip
    figure.update_layout(barmode="group", clickmode="event+select", dragmode=False)
    figure.update_xaxes(tickformat=",d", rangemode="tozero")
    _legend_below(figure)
    figure.update_layout(legend={"traceorder": "reversed"})
    return figure


def self_funding_vs_cap(frame: pd.DataFrame) -> go.Figure:
    """Poor households' self-funding against the cap (a red step line): dots above it break the cap.

    frame has one row per household size and amount, with how many households that is;
    a dot's size grows with that number, so thousands of households stay one readable dot.
    """
    figure = go.Figure()
    figure.update_layout(title={"text": "贫困户自筹资金与上限"}, height=420)
    rows = frame.copy()
    groups = (
        (rows["self_funded_yuan"] == 0, "无需自筹", theme.DONE),
        ((rows["self_funded_yuan"] > 0) & ~rows["over_cap"], "未超上限", theme.NEUTRAL),
        (rows["over_cap"], "超出上限", theme.TARGET),
    )
    biggest = max(int(rows["households"].max()) if len(rows) else 1, 1)
    for mask, label, colour in groups:
        part = rows[mask]
        count = int(part["households"].sum())
        sizes = 6 + 18 * (part["households"] / biggest) ** 0.5
        figure.add_scatter(
            x=part["people"], y=part["self_funded_yuan"], mode="markers", name=f"{label}（{count}户）",
            marker={"color": colour, "size": sizes, "opacity": 0.75, "line": {"width": 0}},
            customdata=part[["households", "cap_yuan"]].to_numpy(),
            hovertemplate="%{x}人户，自筹 %{y:,.0f} 元：%{customdata[0]} 户（上限 %{customdata[1]:,.0f} 元）<extra></extra>",
        )  # fmt: skip
    largest = int(max(rows["people"].max() if len(rows) else 1, 4))
    # The cap of each household size shown, as the query's macro computed it (cap_yuan); a size
    # with no household has no dot and no step of the line.
    caps = rows.groupby("people")["cap_yuan"].first()
    xs: list[float | None] = []
    ys: list[float | None] = []
    for people in range(1, largest + 1):
        cap = caps.get(people)
        xs += [people - 0.5, people + 0.5, None]
        ys += [cap, cap, None]
    figure.add_scatter(
        x=xs, y=ys, mode="lines", name=f"自筹上限（{relocation.cap_rule_text()}）", line_shape="hv",
        line=theme.TARGET_LINE, hoverinfo="skip",
    )  # fmt: skip
    sizes = list(range(1, largest + 1))
    figure.update_xaxes(
        tickvals=sizes, ticktext=[f"{n}人户" for n in sizes], range=[0.4, largest + 0.6], showgrid=False
    )
    figure.update_yaxes(title_text="自筹资金（元）", tickformat=",d", rangemode="tozero")
    _legend_below(figure)
    return figure
