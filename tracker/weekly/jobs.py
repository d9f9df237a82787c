"""What a weekly report is made of: the pages per scope (a Job each), the images taken of them (a
Shot each), and the widths they are taken at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

# (url path, title) in the order leaders read them. The overview is the dashboard's default page,
# served at "/" (and at "/overview", an alias dashboard.py adds). The data page
# (uploads, import log) is for clerks and stays out of the report.
PAGES = [
    ("", "总览"),
    ("relocation", "整村搬迁"),
    ("collective", "集体经济"),
    ("party", "党建"),
    ("funds", "资金"),
]
TOWNSHIP_PAGES = ("", "relocation")
DESKTOP_WIDTH = 1600
PHONE_WIDTH = 390
PHONE_SCALE = 2
COUNTY_SCOPE = "县"


@dataclass
class Shot:
    """One image of the report, and what was on the page when it was taken."""

    page: str
    title: str
    township: str | None
    as_of: str
    width: int
    scale: int
    file: str
    kind: str = "desktop"  # desktop, phone (one part of it), summary
    part: int = 1
    parts: int = 1
    height: int = 0
    text: str = field(default="", repr=False)


@dataclass
class Job:
    """One page to open for one scope, and what to make of it."""

    page: str
    title: str
    township: str | None
    as_of: str
    desktop: bool = True
    phone: bool = True
    width: int = DESKTOP_WIDTH

    @property
    def name(self) -> str:
        """How messages name the page: 全县·总览."""
        return f"{self.township or '全县'}·{self.title}"

    def url(self, base: str) -> str:
        """The page's address with the report layout and the filters in the query string."""
        query: list[tuple[str, str]] = [("report", "1"), ("as_of", self.as_of)]
        if self.township:
            query.append(("township", self.township))
        return f"{base}/{self.page}?{urlencode(query)}"

    def file(self, code: str, suffix: str = "") -> str:
        """2017-W41_赵家沟乡_总览_手机_1of3.png."""
        return f"{code}_{self.township or COUNTY_SCOPE}_{self.title}{suffix}.png"


def plan(
    as_of: dt.date,
    townships: list[str],
    width: int = DESKTOP_WIDTH,
    phone: bool = True,
    all_townships: Sequence[str] = (),
) -> list[Job]:
    """Every page of the week: all report pages for the county, overview and relocation per township."""
    scopes: list[tuple[str | None, list[tuple[str, str]]]] = [(None, PAGES)]
    scopes += [(t, [p for p in PAGES if p[0] in TOWNSHIP_PAGES]) for t in (townships or all_townships)]
    return [
        Job(path, title, township, as_of.isoformat(), phone=phone, width=width)
        for township, pages in scopes
        for path, title in pages
    ]
