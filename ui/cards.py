"""KPI cards and what their colours mean: a card per figure (against its target, or on its own), the
grid they wrap in, the deadline banner above them, and the status legend under a coloured chart or table."""

from __future__ import annotations

import html
from collections.abc import Sequence

import streamlit as st

from tracker.contract import formatting
from tracker.present import deadlines, theme
from tracker.rules import indicators
from tracker.rules.indicators import Progress
from tracker.weekly.report_layout import without_hints
from ui.layout import report_mode


def deadline_banner(cards: Sequence[Progress]) -> None:
    """What is overdue, then what is late and due within two weeks: above everything else."""
    banner = deadlines.banner_html(deadlines.alerts(cards))
    if banner:
        st.html(banner)


def status_legend(grey: str = "", target: bool = True) -> None:
    """What the status colours mean (and the target mark), under a status-coloured chart or table."""
    st.html(theme.status_legend_html(target=target, grey=grey))


def kpi_card(
    label: str,
    value: str,
    target: str = "",
    percent: float | None = None,
    meta: Sequence[str] = (),
    status: str = "no_target",
    basis: str | None = None,
) -> str:
    """The HTML of one card (cards are joined into a grid by kpi_grid); basis says where a target
    not assigned in the targets file comes from (按台账计划)."""
    accent = theme.status_colour(status)
    if report_mode():
        target = without_hints(target)
    bar = ""
    if percent is not None:
        width = max(0.0, min(percent, 100.0))
        bar = f'<div class="bar"><span style="width:{width:.1f}%"></span></div>'
    status_text = theme.status_label(status)
    metas = "".join(f"<span>{html.escape(m)}</span>" for m in meta if m)
    status_html = f'<span class="status-badge">{status_text}</span>' if status_text else ""
    basis_html = f'<span class="basis">{html.escape(basis)}</span>' if basis else ""
    return (
        f'<div class="kpi" data-status="{html.escape(status)}" style="--accent:{accent}">'
        f'<div class="label">{html.escape(label)}</div>'
        f'<div class="value">{html.escape(value)}</div>'
        f'<div class="target">{html.escape(target)}{basis_html}</div>{bar}'
        f'<div class="meta">{status_html}{metas}</div></div>'
    )


def kpi_grid(cards: Sequence[str]) -> None:
    """Cards in a grid that wraps, two a row on a phone."""
    st.html('<div class="kpi-grid">' + "".join(cards) + "</div>")


def format_value(value: float | None, unit: str) -> str:
    """An indicator value in its unit, as leaders read it."""
    return deadlines.card_value(value, unit)


def progress_card(card: Progress, label: str | None = None) -> str:
    """A card for one indicator against its target (under its own label unless one is given)."""
    target = ""
    if card.target is not None:
        target = f"目标 {format_value(card.target, card.unit)}"
        if card.percent is not None:
            target += f" · 完成 {formatting.percent(card.percent)}"
    digits = 1 if card.unit in ("%", "万元") else 0
    change = f"较上周 {formatting.signed(card.change, '' if card.unit == '%' else card.unit, digits)}"
    due = ""
    if card.due is not None:
        left = card.days_left
        due = f"时限 {formatting.day(card.due)}"
        if card.status != indicators.DONE:
            due += f"（剩 {left} 天）" if left is not None and left >= 0 else f"（已逾期 {-(left or 0)} 天）"
    return kpi_card(
        label or card.label,
        format_value(card.actual, card.unit),
        target,
        card.percent,
        [change, due],
        card.status,
        card.basis if card.target is not None else None,
    )
