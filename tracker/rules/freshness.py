"""How fresh the figures are: each ledger's snapshot day, and the townships whose rows are older.

A file that covers some townships replaces only theirs (see `tracker.ingest.coverage`), so a
snapshot can hold townships last reported on different days. Leaders must see that:
the overview's freshness line names each ledger's day and the townships that lag, and
every page's heading says when the townships it shows carry older rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pandas as pd

from tracker.contract import formatting, schema

LABELS = {name: table.label for name, table in schema.TABLES.items()}
# More lagging townships than this are counted, not named.
NAMED_AT_MOST = 4


def _who(townships: list[str]) -> str:
    if len(townships) <= NAMED_AT_MOST:
        return "、".join(townships)
    return f"{len(townships)} 个乡镇"


def _groups(rows: pd.DataFrame) -> list[tuple[dt.date, list[str]]]:
    """(day, places) of lagging rows, newest day first."""
    by_day: dict[dt.date, list[str]] = defaultdict(list)
    for row in rows.itertuples():
        place = "县级资金" if pd.isna(row.township) else str(row.township)
        by_day[pd.Timestamp(row.township_as_of).date()].append(place)
    return sorted(by_day.items(), reverse=True)


def lagging_text(lagging: pd.DataFrame, table: str) -> str:
    """The townships of one ledger whose rows are older than its snapshot: `赵家沟乡 截至 2017年10月13日`."""
    rows = lagging[lagging["table_name"] == table]
    return "；".join(f"{_who(places)} 截至 {formatting.day(day)}" for day, places in _groups(rows))


def freshness_line(tables: pd.DataFrame, lagging: pd.DataFrame) -> str:
    """The overview's line: each ledger's snapshot day and rows, and where some townships lag.

    tables: the query `data_freshness` (table_name, as_of, rows);
    lagging: the query `data_freshness_townships`."""
    parts = []
    for row in tables.itertuples():
        text = f"{LABELS.get(row.table_name, row.table_name)} {formatting.day(row.as_of)}（{row.rows:,} 行"
        older = lagging_text(lagging, row.table_name)
        text += f"；其中 {older}）" if older else "）"
        parts.append(text)
    present = set(tables["table_name"])
    parts += [f"{label} 暂无" for name, label in LABELS.items() if name not in present]
    return "数据截至：" + "；".join(parts)


def heading_note(lagging: pd.DataFrame) -> str | None:
    """A note under a page's heading when townships it shows carry rows older than the snapshot."""
    if lagging.empty:
        return None
    parts = [
        f"{LABELS.get(table, table)}：{lagging_text(lagging, table)}"
        for table in dict.fromkeys(lagging["table_name"])
    ]
    return "部分乡镇本期未更新，沿用此前的数据（" + "；".join(parts) + "）"
