"""The weekly briefing paragraph, checked on the sample data against figures computed here.

Targets and the deadline come from docs/sample-facts.md (#2, #3, #20); what has been
done is counted straight from the ledgers with read-only SQL, not through the
queries the dashboard uses, so the wording and the arithmetic are both tested.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from tracker.rules import indicators
from tracker.store import queries
from tracker.store.reader import Reader
from tracker.store.sql_console import run_read_only
from tracker.weekly import briefing

AS_OF = dt.date(2017, 10, 13)
SECOND_DUE = dt.date(2017, 10, 31)  # docs/sample-facts.md #20
SECOND_TARGET = {"villages": 20, "households": 455, "people": 1052}
COMPLETED = ("已搬迁", "已拆除复垦", "已销号")


def _one(store_dir: Path, sql: str) -> list[tuple]:
    return run_read_only(store_dir, sql)[1]


@pytest.fixture(scope="module")
def done(sample_store: Path) -> dict[str, float]:
    """Second-batch villages completed and households / people moved by 2017-10-13, from the ledgers."""
    villages = _one(
        sample_store,
        "SELECT count(*) FROM villages WHERE as_of = DATE '2017-10-13' AND relocation_batch = 2 "
        f"AND relocation_status IN {COMPLETED}",
    )[0][0]
    households, people = _one(
        sample_store,
        "SELECT count(*), sum(people) FROM households WHERE as_of = DATE '2017-10-13' AND relocation_batch = 2 "
        "AND moved_on <= DATE '2017-10-13'",
    )[0]
    return {"villages": villages, "households": households, "people": people}


@pytest.fixture(scope="module")
def text(sample_store: Path) -> str:
    reader = Reader(sample_store)
    series = queries.run(reader.cursor(), "indicator_series", as_of=AS_OF, township=[], batch=None)
    targets = indicators.targets_for(queries.run(reader.cursor(), "targets_in_force", as_of=AS_OF), [], None)
    cards = indicators.progress(series, targets, AS_OF)
    rankings = {
        b: queries.run(reader.cursor(), "ranking", as_of=AS_OF, township=[], batch=b, by_county=False)
        for b in briefing.open_batches(cards)
    }
    return briefing.weekly_briefing(AS_OF, "全县", cards, rankings)


def test_first_batch_is_reported_done_with_its_figures(text: str) -> None:
    assert text.startswith("截至2017年10月13日，全县")
    assert "第一批13个村、189户、425人已全部完成搬迁入住。" in text  # docs/sample-facts.md #2, #3


def test_second_batch_days_left_what_is_missing_and_the_weekly_pace(
    text: str, done: dict[str, float]
) -> None:
    days = (SECOND_DUE - AS_OF).days
    assert days == 18
    missing = {k: SECOND_TARGET[k] - done[k] for k in SECOND_TARGET}
    assert all(v > 0 for v in missing.values())
    assert (
        f"第二批已完成搬迁{done['villages']}个村，入住{done['households']}户、{int(done['people'])}人" in text
    )
    assert f"距完成时限（2017年10月31日）还有{days}天" in text
    assert f"尚差{missing['villages']}个村、{missing['households']}户、{int(missing['people'])}人" in text
    weeks = days / 7
    pace = [math.ceil(missing[k] / weeks) for k in ("villages", "households", "people")]
    assert f"每周需完成约{pace[0]}个村、{pace[1]}户、{pace[2]}人" in text


def test_townships_behind_the_county_share_are_named_slowest_first(sample_store: Path, text: str) -> None:
    rows = _one(
        sample_store,
        "SELECT township, count(*), count(*) FILTER (WHERE moved_on <= DATE '2017-10-13') FROM households "
        "WHERE as_of = DATE '2017-10-13' AND relocation_batch = 2 GROUP BY township",
    )
    county = 100 * sum(r[2] for r in rows) / sum(r[1] for r in rows)
    behind = sorted(
        (100 * moved / planned, name) for name, planned, moved in rows if 100 * moved / planned < county
    )
    assert behind, "the sample has townships behind in the second batch"
    listed = "、".join(f"{name}{share:.1f}%" for share, name in behind)
    assert f"第二批入住进度低于全县平均（{county:.1f}%）的乡镇：{listed}。" in text
    ahead = [name for name, planned, moved in rows if 100 * moved / planned >= county]
    named = text.split("的乡镇：")[1]
    assert ahead and not any(name in named for name in ahead)


def test_open_targets_other_than_relocation_are_named_against_their_target(text: str) -> None:
    assert "村集体经济破零率70.0%（目标75.0%）" in text  # docs/sample-facts.md #8 and the targets file
    assert "软弱涣散党组织已整顿" in text and "（目标36个）" in text  # docs/sample-facts.md #7


def test_a_batch_past_its_deadline_says_how_many_days_overdue() -> None:
    card = indicators.Progress(
        "households_moved", 2, "第二批搬迁入住户数", "户", 400.0, 455.0, SECOND_DUE, 390.0,
        dt.date(2017, 11, 3), 410.0, "behind",
    )  # fmt: skip
    text = briefing.weekly_briefing(dt.date(2017, 11, 3), "全县", [card])
    assert "已超过完成时限（2017年10月31日）3天，尚差55户" in text


def test_weekly_pace_counts_a_last_short_week_as_a_whole_week() -> None:
    assert briefing.weekly_pace(10, 3) == 10
    assert briefing.weekly_pace(222, 18) == math.ceil(222 / (18 / 7))
    assert briefing.weekly_pace(0, 18) == 0
