"""KPI cards and what their colours mean: a card per figure (against its target, or on its own), the
grid they wrap in, the deadline banner above them, and the status legend under a coloured chart or table."""

from __future__ import annotations

import html
from collections.abc import Sequence

import streamlit as st

from tracker.present import deadlines, theme
from tracker.present import progress_card as progress_card_text
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
    """A card for one indicator against its target (under its own label unless one is given), in the
    words the weekly summary uses too (tracker.present.progress_card)."""
    words = progress_card_text.card_text(card, label)
    return kpi_card(
        words.label,
        words.value,
        words.target,
        words.percent,
        [words.change, words.due],
        words.status,
        words.basis,
    )
