"""What every kind of message shares: the part to send, the run's context (settings, HTTP session,
rate limiter, links), and the words (title, 数据截至, what is overdue, 本周简报 cut to a size)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import requests

from tracker.push.config import Settings
from tracker.push.rate import RateLimiter
from tracker.push.week import ScopeReport

CUT = "……（全文见周报PDF）"


@dataclass
class Part:
    """One message (or upload and message) of a channel: its name in the log, what it is, how to send it."""

    name: str  # markdown, image, file, post, email
    describe: str  # for --dry-run: markdown（1,234 字节）
    send: Callable[[], None]


@dataclass
class Context:
    """What the parts of one run share."""

    settings: Settings
    session: requests.Session
    limiter: RateLimiter
    dashboard_url: str = ""
    public_url: str = ""
    sleep: Callable[[float], None] = time.sleep

    def link(self, report: ScopeReport) -> str:
        """The scope's dashboard page for the week ("" without dashboard_url)."""
        if not self.dashboard_url:
            return ""
        query = {"as_of": report.as_of.isoformat()} | (
            {"township": report.township} if report.township else {}
        )
        return f"{self.dashboard_url}/?{urlencode(query)}"

    def image_url(self, report: ScopeReport) -> str:
        """Where the summary image is served ("" without public_url)."""
        return f"{self.public_url}/{quote(report.summary.name)}" if self.public_url else ""


def overdue_line(report: ScopeReport) -> str:
    """逾期未完成：… ("" when nothing is overdue)."""
    return f"逾期未完成：{'、'.join(report.overdue)}" if report.overdue else ""


def fit(text: str, budget: int) -> str:
    """The text cut at a sentence end so it takes at most `budget` UTF-8 bytes (with a note that it
    was cut); the whole text when it fits."""
    if len(text.encode()) <= budget:
        return text
    room = budget - len(CUT.encode())
    sentences = [s + "。" for s in text.split("。") if s]
    kept = ""
    for sentence in sentences:
        if len((kept + sentence).encode()) > room:
            break
        kept += sentence
    if not kept:  # one long sentence: cut it by characters
        kept = text.encode()[: max(room, 0)].decode(errors="ignore")
    return kept + CUT


def size(data: bytes | str) -> str:
    """1,234 字节 / 409 KB / 1.2 MB."""
    count = len(data.encode() if isinstance(data, str) else data)
    if count < 10_000:
        return f"{count:,} 字节"
    if count < 2**20:
        return f"{count / 1024:,.0f} KB"
    return f"{count / 2**20:.1f} MB"
