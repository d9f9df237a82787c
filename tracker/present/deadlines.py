"""Overdue first: the targets past their due date, then the late ones due within two weeks.

One list, written once, read in three places that must say the same: the banner above the
overview's cards (and atop the summary image), and the first sentence of 本周简报. Which
targets are overdue or urgent is the status rule's (tracker.rules.indicators.overdue, .urgent);
this module only words and draws them.

    alerts = deadlines.alerts(cards)          # [Alert(kind="overdue", card=…, text="…"), …]
    deadlines.banner_html(alerts)             # the banner, escaped HTML
    deadlines.sentence(alerts, as_of, scope)  # 截至…，全县有1项目标逾期未完成：…。
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.contract import formatting
from tracker.present import theme
from tracker.rules import indicators
from tracker.rules.indicators import Progress

OVERDUE = "overdue"
URGENT = "urgent"
HEADINGS = {OVERDUE: "逾期", URGENT: "临近时限"}


def card_value(value: float | None, unit: str) -> str:
    """An indicator's value in its unit, as the cards write it: 12 个, 70.0%, 8,236.47 万元."""
    if unit == "%":
        return formatting.percent(value)
    if unit == "万元":
        return formatting.wan_yuan(value)
    return formatting.count(value, unit)


def _compact(value: float | None, unit: str) -> str:
    """The same for running text: 12个, 70.0%, 8,236.47万元."""
    return card_value(value, unit).replace(" ", "")


@dataclass(frozen=True)
class Alert:
    """One target to name first: overdue (past due, not met) or urgent (late, due within two weeks)."""

    kind: str
    card: Progress

    @property
    def heading(self) -> str:
        """逾期 / 临近时限."""
        return HEADINGS[self.kind]

    @property
    def colour(self) -> str:
        """Red for overdue, the 滞后 orange for urgent: the status rule's colours."""
        return theme.status_colour(indicators.OVERDUE if self.kind == OVERDUE else indicators.BEHIND)

    @property
    def text(self) -> str:
        """第一批搬迁村联合党支部数 12 个，目标 13 个，完成时限 2017年6月30日，已逾期 105 天."""
        card = self.card
        left = card.days_left or 0
        when = f"已逾期 {-left} 天" if self.kind == OVERDUE else f"仅剩 {left} 天"
        return (
            f"{card.label} {card_value(card.actual, card.unit)}，目标 {card_value(card.target, card.unit)}"
            f"{_basis(card)}，完成时限 {formatting.day(card.due)}，{when}"
        )

    @property
    def clause(self) -> str:
        """The same for the briefing: 第一批搬迁村联合党支部数12个（目标13个，时限2017年6月30日，已逾期105天）."""
        card = self.card
        left = card.days_left or 0
        when = f"已逾期{-left}天" if self.kind == OVERDUE else f"仅剩{left}天"
        return (
            f"{card.label}{_compact(card.actual, card.unit)}（目标{_compact(card.target, card.unit)}"
            f"{_basis(card)}，时限{formatting.day(card.due)}，{when}）"
        )


def _basis(card: Progress) -> str:
    return f"（{card.basis}）" if card.basis else ""


def alerts(cards: Sequence[Progress]) -> list[Alert]:
    """The overdue targets (longest overdue first), then the urgent ones (nearest deadline first)."""
    cards = list(cards)
    return [Alert(OVERDUE, c) for c in indicators.overdue(cards)] + [
        Alert(URGENT, c) for c in indicators.urgent(cards)
    ]


def banner_html(found: Sequence[Alert]) -> str:
    """The banner: one line per alert, red for overdue, amber for urgent ("" when there is none)."""
    if not found:
        return ""
    lines = []
    for alert in found:
        colour = alert.colour
        lines.append(
            f'<div class="deadline {alert.kind}" data-kind="{alert.kind}" style="--accent:{colour}">'
            f'<span class="status-badge" style="--accent:{colour}">{alert.heading}</span> '
            f'<span class="what">{html.escape(alert.text)}</span></div>'
        )
    return '<div class="deadlines">' + "".join(lines) + "</div>"


def sentence(found: Sequence[Alert], as_of: dt.date, scope: str) -> str:
    """The briefing's first sentence when something is overdue or urgent ("" otherwise)."""
    overdue = [a.clause for a in found if a.kind == OVERDUE]
    urgent = [a.clause for a in found if a.kind == URGENT]
    parts = []
    if overdue:
        parts.append(f"有{len(overdue)}项目标逾期未完成：{'；'.join(overdue)}")
    if urgent:
        lead = "另有" if overdue else "有"
        parts.append(f"{lead}{len(urgent)}项目标距完成时限不足两周且进度滞后：{'；'.join(urgent)}")
    if not parts:
        return ""
    return f"截至{formatting.day(as_of)}，{scope}" + "。".join(parts) + "。"
