"""A ranking drawn as a table with a bar in each row: no chart library, every row, the target marked.

The overview's township ranking is the first thing a leader compares, on a phone as on a
desk; a plotly figure there cost the page its first second and a half. This is plain HTML
built on the server (every text escaped): one row per township, its bar coloured by its
status (tracker.present.theme), the mark where its own target is, the figure and what it
counts beside it, and a total row for the scope. A row that can be clicked carries the
township in `data-place` (ui/ranking.py turns a click into the township filter); the
report draws the same HTML, static.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.present import theme


@dataclass(frozen=True)
class BarRow:
    """One row: a place, its bar (percent of the full width), what the bar says, and its status."""

    place: str
    percent: float | None
    value: str
    detail: str
    status: str
    target_percent: float | None = None  # where its target is on the same scale
    target_text: str = ""
    total: bool = False


def _bar(row: BarRow) -> str:
    width = 0.0 if row.percent is None else max(0.0, min(row.percent, 100.0))
    mark = ""
    if row.target_percent is not None:
        at = max(0.0, min(row.target_percent, 100.0))
        mark = f'<i class="mark" style="left:{at:.1f}%" title="{html.escape(row.target_text)}"></i>'
    return f'<div class="rank-bar"><span class="fill" style="width:{width:.1f}%"></span>{mark}</div>'


def _row(row: BarRow, clickable: bool) -> str:
    colour = theme.status_colour(row.status)
    label = theme.status_label(row.status)
    badge = f'<span class="status-badge" style="--accent:{colour}">{label}</span>' if label else ""
    attrs = f' data-status="{html.escape(row.status)}" style="--accent:{colour}"'
    if row.total:
        attrs += ' class="total"'
    elif clickable:
        attrs += f' data-place="{html.escape(row.place)}" tabindex="0" role="button"'
    title = f' title="{html.escape(row.target_text)}"' if row.target_text else ""
    return (
        f"<tr{attrs}>"
        f'<td class="place">{html.escape(row.place)}</td>'
        f'<td class="bar-cell"{title}>{_bar(row)}</td>'
        f'<td class="pct">{html.escape(row.value)}</td>'
        f'<td class="sub">{html.escape(row.detail)}</td>'
        f'<td class="state">{badge}</td></tr>'
    )


def bar_table_html(
    rows: Sequence[BarRow], place_header: str, value_header: str, name: str, clickable: bool = True
) -> str:
    """The table: a header, one row per place in the order given, the total row(s) last.

    `data-rows` says how many rows it shows, the total's included (the report's check compares it
    with the rows drawn)."""
    places = [r for r in rows if not r.total]
    body = "".join(_row(r, clickable) for r in places) + "".join(_row(r, False) for r in rows if r.total)
    return (
        f'<table class="rank-table" data-name="{html.escape(name)}" data-rows="{len(rows)}">'
        '<colgroup><col class="place"><col><col class="pct"><col class="sub"><col class="state"></colgroup>'
        f'<thead><tr><th>{html.escape(place_header)}</th><th colspan="3">{html.escape(value_header)}</th>'
        f"<th>状态</th></tr></thead><tbody>{body}</tbody></table>"
    )
