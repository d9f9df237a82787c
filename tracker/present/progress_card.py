"""What a progress card says, in words: the overview's cards and the weekly summary's say the same.

A card is drawn twice: as the dashboard's card (ui.widgets.kpi_card, the page's CSS) and on the
weekly summary image (tracker.weekly.summary_html, the image's CSS). The words are made once,
here, from the card (tracker.rules.indicators.Progress): its value, its target (and where a target
not assigned in the targets file comes from, 按台账计划), the share done, the change since last
week, the deadline and the days left, and the status.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.contract import formatting
from tracker.present import deadlines
from tracker.rules import indicators
from tracker.rules.indicators import Progress


@dataclass(frozen=True)
class CardText:
    """A card's words: 第二批搬迁入住户数 / 233 户 / 目标 455 户 · 完成 51.2% / 较上周 +12 户 / …"""

    label: str
    value: str
    target: str  # "" without a target
    percent: float | None  # the bar's length
    change: str
    due: str  # "" without a deadline
    status: str  # the status key (tracker.rules.indicators)
    basis: str | None  # 按台账计划 / 沿用全县目标, None for an assigned target


def card_text(card: Progress, label: str | None = None) -> CardText:
    """The words of one card (under its own label unless one is given)."""
    target = ""
    if card.target is not None:
        target = f"目标 {deadlines.card_value(card.target, card.unit)}"
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
    return CardText(
        label=label or card.label,
        value=deadlines.card_value(card.actual, card.unit),
        target=target,
        percent=card.percent,
        change=change,
        due=due,
        status=card.status,
        basis=card.basis if card.target is not None else None,
    )
