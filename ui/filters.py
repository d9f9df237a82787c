"""The shared filters: township, batch and snapshot, created once in the sidebar and bound to the URL.

A link such as `/relocation?township=赵家沟乡&as_of=2017-10-13` opens exactly that
view: each widget's key is its query parameter, and Streamlit drops URL values
that are not among the options, so a hand-edited or hostile URL can only ever
select a real township or day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from tracker.contract import formatting
from tracker.contract.formatting import ALL_BATCHES, LATEST
from ui import data
from ui.session import current_user

ALL_COUNTIES = "全部县"


@dataclass(frozen=True)
class Filters:
    """What the sidebar says to show."""

    townships: list[str]
    batch: int | None
    as_of: dt.date | None
    days: list[dt.date]

    whole: str = "全县"
    # Several counties and none chosen: township names repeat across counties (every county has
    # its 城关镇), so figures are compared by county and township breakdowns wait for a county.
    region_view: bool = False

    @property
    def scope(self) -> str:
        """Whom the numbers are about, for headings: 全县 or the townships."""
        return "、".join(self.townships) if self.townships else self.whole

    @property
    def total_label(self) -> str:
        """The name of a table's total row: the whole scope's (全县, 全部县), or 合计 of the townships chosen."""
        return "合计" if self.townships else self.whole

    def params(self) -> dict[str, object]:
        """The shared query parameters."""
        return {"township": self.townships, "batch": self.batch, "as_of": self.as_of}


@dataclass(frozen=True)
class PageFilters(Filters):
    """The filters of a page of figures, past widgets.dashboard_page: there is a snapshot to show."""

    as_of: dt.date


def snapshot_days() -> list[dt.date]:
    """Every day any ledger has a snapshot for, newest first."""
    reader = data.reader()
    days = {
        d for table in ("villages", "households", "party_orgs", "funds") for d in reader.snapshot_days(table)
    }
    return sorted(days, reverse=True)


def _batches() -> list[int]:
    batches = data.query("batches")["relocation_batch"]
    return [int(b) for b in batches] or [1, 2]


def township_options() -> list[str]:
    """The townships this user may choose: the county's (once a county is chosen), only their own."""
    region, county = data.region(), data.county()
    options = county.township_names if county is not region or len(region.counties) == 1 else []
    allowed = current_user().townships
    # A value outside these (a hand-edited URL, another township's name) is dropped, never used.
    return [t for t in options if t in allowed] if allowed else list(options)


def sidebar() -> Filters:
    """Draw the filters (once, from dashboard.py) and return their values."""
    region = data.region()
    if len(region.counties) > 1:
        # Township names repeat across counties: choose the county first.
        st.sidebar.selectbox(
            "县",
            [ALL_COUNTIES] + [c.name for c in region.counties],
            key="county",
            bind="query-params",
            help=f"{region.name}共 {len(region.counties)} 个县",
        )
    days = snapshot_days()
    st.sidebar.multiselect(
        "乡镇",
        township_options(),
        key="township",
        bind="query-params",
        placeholder="全县（可选一个或多个乡镇）",
        help="不选则显示全县；可多选",
        select_all=False,  # its "Select all" is English, and all townships is what 全县 already shows
    )
    batch_names = [ALL_BATCHES] + [formatting.batch(b) for b in _batches()]
    st.sidebar.selectbox("搬迁批次", batch_names, key="batch", bind="query-params")
    _day_box(days)
    return current()


def _day_box(days: list[dt.date]) -> None:
    """数据截至: the box shows 2017年10月13日, the address keeps `as_of=2017-10-13`.

    Not bound to the address by Streamlit: a bound box writes to the address what it shows, and the
    links, the weekly report and the benchmarks write the ISO day. The address is read once, when the
    session starts (a day that is not a snapshot is dropped, as a bound box drops it), and written
    whenever it differs from the box, so a link copied at any moment opens the day on screen."""
    options = [LATEST] + [d.isoformat() for d in days]
    if "as_of" not in st.session_state:
        wanted = st.query_params.get("as_of")
        st.session_state["as_of"] = wanted if wanted in options else LATEST
    chosen = st.sidebar.selectbox(
        "数据截至",
        options,
        format_func=_day_label,
        key="as_of",
        help="默认最新一期；可查看以往任一周",
        disabled=not days,
    )
    if chosen == LATEST:
        if "as_of" in st.query_params:
            del st.query_params["as_of"]
    elif st.query_params.get("as_of") != chosen:
        st.query_params["as_of"] = chosen


def _day_label(option: str) -> str:
    return option if option == LATEST else formatting.day(dt.date.fromisoformat(option))


def current() -> Filters:
    """The filter values of this run, for a page."""
    days = snapshot_days()
    townships = [t for t in st.session_state.get("township") or [] if t in township_options()]
    # A township user's "everything" is their own townships: their targets, their ranking.
    townships = townships or list(current_user().townships)
    batch_name = st.session_state.get("batch") or ALL_BATCHES
    batch = None
    if batch_name != ALL_BATCHES:
        batch = next((b for b in range(1, 11) if formatting.batch(b) == batch_name), None)
    chosen = st.session_state.get("as_of")
    # "最新一期" follows new snapshots as they land; a date in the URL stays put.
    as_of = dt.date.fromisoformat(chosen) if chosen and chosen != LATEST else (days[0] if days else None)
    several = len(data.region().counties) > 1 and data.county() is data.region()
    return Filters(townships, batch, as_of, days, "全部县" if several else "全县", region_view=several)


def follows_latest() -> bool:
    """Whether the pages show the newest snapshot, whichever it is (no day chosen)."""
    return st.session_state.get("as_of") in (None, LATEST)


def select_county(name: str) -> None:
    """Narrow a region view to one county (a click on its bar or row)."""
    if name in [c.name for c in data.region().counties]:
        st.session_state["county"] = name
        st.session_state["township"] = []


def select_township(name: str) -> None:
    """Narrow the view to one township (a click on its bar or row)."""
    county = data.county()
    if name in county.township_names and (county is not data.region() or len(county.counties) == 1):
        st.session_state["township"] = [name]
