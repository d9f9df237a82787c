"""Numbers and dates the way county leaders read them: 万元, 户, 人, 70.0%, 2017年10月13日.

It sits in the contract, the lowest layer, because the units are the contract's (amounts in 万元,
households, people, snapshot days) and every layer above writes them into text: the rules' sentences,
the import report, the figures, the weekly report and the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tracker.contract.missing import is_missing


def count(value: Any, unit: str = "") -> str:
    """A whole number with thousands separators and its unit: 1,052 人."""
    if is_missing(value):
        return "—"
    return f"{round(float(value)):,}{(' ' + unit) if unit else ''}"


def households(value: Any) -> str:
    """189 户."""
    return count(value, "户")


def people(value: Any) -> str:
    """425 人."""
    return count(value, "人")


def wan_yuan(value_10k: Any) -> str:
    """An amount already in 万元: 8,236.50 万元."""
    if is_missing(value_10k):
        return "—"
    return f"{float(value_10k):,.2f} 万元"


def yuan(value: Any) -> str:
    """An amount in 元: 3,000 元."""
    if is_missing(value):
        return "—"
    return f"{float(value):,.0f} 元"


def percent(value: Any, digits: int = 1) -> str:
    """A percentage given in percent units: 70.0%."""
    if is_missing(value):
        return "—"
    return f"{float(value):.{digits}f}%"


def day(value: dt.date | str | float | None) -> str:
    """2017年10月13日 (a missing day, None or NaN or NaT, is "—")."""
    if is_missing(value):
        return "—"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise TypeError(f"not a day: {value!r}")
    return f"{value.year}年{value.month}月{value.day}日"


def week(value: dt.date) -> str:
    """2017年第41周 (ISO week, as offices number them)."""
    year, number, _ = value.isocalendar()
    return f"{year}年第{number}周"


def week_code(value: dt.date) -> str:
    """2017-W41, for file names that sort."""
    year, number, _ = value.isocalendar()
    return f"{year}-W{number:02d}"


def signed(value: Any, unit: str = "", digits: int = 0) -> str:
    """A change since last week: +12 户, −3 人, ±0."""
    if is_missing(value):
        return "—"
    number = float(value)
    if abs(number) < 10 ** (-digits) / 2:
        return f"±0{(' ' + unit) if unit else ''}"
    sign = "+" if number > 0 else "−"
    body = f"{abs(number):,.{digits}f}"
    return f"{sign}{body}{(' ' + unit) if unit else ''}"


# The filters' words for "no batch chosen" and "the newest snapshot" (the sidebar's boxes and the
# address keep them; 总览's first view reads the address as the boxes do).
ALL_BATCHES = "全部批次"
LATEST = "最新一期"


def batch(value: Any) -> str:
    """第一批, 第二批 …"""
    if is_missing(value):
        return ALL_BATCHES
    names = "一二三四五六七八九十"
    number = int(value)
    return f"第{names[number - 1]}批" if 1 <= number <= 10 else f"第{number}批"
