"""Figure builders: plain data in, a plotly figure out, styled by tracker.present.theme.

Every chart that has a target draws it beside the actual (a red dashed line or
marker), so no chart can be read as "done" without the goal in view.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from tracker.present import theme


def _base(title: str, height: int = 380) -> go.Figure:
    figure = go.Figure()
    figure.update_layout(title={"text": title}, height=height)
    return figure


def rows_height(rows: int, furniture: int) -> int:
    """The height of a chart of one horizontal bar per row: about 34 px a bar plus its title and axis
    (`furniture`), so that a single township's chart is one bar of the usual thickness, not a block."""
    return max(150, 34 * rows + furniture)


# Tick steps for a count axis: 1, 2, 5, 10, 20, 50 …, whole numbers only.
_WHOLE_STEPS = [m * 10**e for e in range(9) for m in (1, 2, 5)]


def whole_number_ticks(figure: go.Figure, largest: float, axis: str = "x", ticks: int = 7) -> go.Figure:
    """A count axis (villages, households, people, organisations): ticks at whole numbers from 0, at
    most about `ticks` of them, so that no axis reads "0.5 个党组织" or "0, 0, 0, 1, 1, 1". `largest`
    is the biggest value the axis must reach, targets included; an axis of zeros runs 0 to 1. `axis`
    names it as traces do: "x", "y", "y2"."""
    step = next(s for s in _WHOLE_STEPS if max(largest, 0) / s <= ticks)
    update: dict[str, object] = {"tick0": 0, "dtick": step, "tickformat": ",d"}
    if largest <= 0:
        update["range"] = [0, 1]
    return figure.update_layout({f"{axis[0]}axis{axis[1:]}": update})  # "y2" is layout.yaxis2


def target_line(
    figure: go.Figure, value: float, text: str, across: bool = True, position: str = "top left"
) -> None:
    """Draw the target beside the actual: a red dashed line across the plot at `value` (across=False:
    a vertical one), labelled `text` in the target red."""
    draw = figure.add_hline if across else figure.add_vline
    draw(
        value,
        line=theme.TARGET_LINE,
        annotation={"text": text, "font": {"color": theme.TARGET}},
        annotation_position=position,
    )


def township_bars(
    frame: pd.DataFrame,
    value: str,
    title: str,
    unit: str = "",
    target: float | None = None,
    target_label: str = "目标",
    colour: str = theme.NEUTRAL,
    place: str = "township",
    status: str | None = None,
    target_column: str | None = None,
) -> go.Figure:
    """One horizontal bar per township (or per `place`, e.g. county), largest on top, target dashed.

    With `status` (a column of tracker.rules.indicators statuses) each bar takes its status's colour
    instead of `colour`; with `target_column` each township's own target is marked on its bar."""
    rows = frame.dropna(subset=[value]).sort_values(value)
    height = rows_height(len(rows), 110)
    figure = _base(title, height)
    figure.add_bar(
        y=rows[place],
        x=rows[value],
        orientation="h",
        marker_color=[theme.status_colour(s) for s in rows[status]] if status else colour,
        text=[f"{v:,.1f}{unit}" if unit == "%" else f"{v:,.0f}{unit}" for v in rows[value]],
        textposition="auto",
        # Inside a bar its label starts at the left, well clear of a target line near the bar's end.
        insidetextanchor="start",
        name="实际",
        customdata=rows[place],
        hovertemplate="%{y}：%{text}<extra></extra>",
    )
    if target_column is not None:
        marked = rows.dropna(subset=[target_column])
        figure.add_scatter(
            y=marked[place],
            x=marked[target_column],
            mode="markers",
            marker={"symbol": "line-ns", "size": 24, "line": {"color": theme.TARGET_MARK, "width": 3}},
            name=target_label,
            customdata=marked[place],
            hovertemplate=f"%{{y}}：{target_label} %{{x:,.1f}}{unit}<extra></extra>",
        )
    elif target is not None:
        target_line(figure, target, f"{target_label} {target:g}{unit}", across=False, position="top")
    figure.update_layout(showlegend=False, clickmode="event+select", dragmode=False)
    figure.update_xaxes(ticksuffix=unit if unit == "%" else "", rangemode="tozero")
    if unit != "%":
        whole_number_ticks(figure, max([float(rows[value].max()) if len(rows) else 0.0, target or 0.0]))
    return figure


def stacked_by_township(
    frame: pd.DataFrame,
    category: str,
    value: str,
    order: list[str],
    colours: dict[str, str],
    title: str,
    unit: str = "",
) -> go.Figure:
    """Horizontal stacked bars: per township, how many are in each category (stages, modes …)."""
    totals = frame.groupby("township")[value].sum().sort_values()
    height = rows_height(len(totals), 130)
    figure = _base(title, height)
    for name in order:
        part = frame[frame[category] == name].set_index("township")[value].reindex(totals.index).fillna(0)
        if part.sum() == 0:
            continue
        figure.add_bar(
            y=part.index,
            x=part.values,
            orientation="h",
            name=name,
            marker_color=colours.get(name),
            customdata=list(part.index),
            hovertemplate=f"%{{y}} · {name}：%{{x}}{unit}<extra></extra>",
        )
    figure.update_layout(barmode="stack", clickmode="event+select", dragmode=False)
    figure.update_xaxes(rangemode="tozero")
    return whole_number_ticks(figure, float(totals.max()) if len(totals) else 0.0)


def progress_over_time(
    frame: pd.DataFrame,
    day: str,
    series: dict[str, str],
    title: str,
    target: float | None = None,
    due: dt.date | None = None,
    unit: str = "",
) -> go.Figure:
    """Lines over the weekly snapshots against the target line and its due date."""
    figure = _base(title)
    # Not green: green means "on track" on every page (the status rule), and a line of a township
    # that is behind must not read as fine.
    colours = [theme.NEUTRAL, "#7E57C2", "#8D6E63", theme.MUTED]
    for (column, label), colour in zip(series.items(), colours):
        figure.add_scatter(
            x=frame[day],
            y=frame[column],
            mode="lines+markers",
            name=label,
            line={"color": colour, "width": 3},
            hovertemplate=f"%{{x|%Y年%-m月%-d日}} {label}：%{{y:,}}{unit}<extra></extra>",
        )
    if target is not None:
        target_line(figure, target, f"目标 {target:,.0f}{unit}")
    if due is not None:
        figure.add_vline(
            x=pd.Timestamp(due).timestamp() * 1000, line={"color": theme.TARGET, "dash": "dot", "width": 1}
        )
        figure.add_annotation(
            x=pd.Timestamp(due),
            y=1,
            yref="paper",
            text=f"时限 {due.month}月{due.day}日",
            showarrow=False,
            font={"color": theme.TARGET},
            xanchor="right",
            yanchor="bottom",
        )
    figure.update_xaxes(tickformat="%-m月%-d日", title_text="")
    figure.update_yaxes(rangemode="tozero", title_text=unit)
    if unit != "%":
        reach = [float(frame[c].max()) for c in series if c in frame and frame[c].notna().any()]
        whole_number_ticks(figure, max([*reach, target or 0.0]), axis="y")
    return figure
