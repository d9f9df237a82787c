"""A village name shared by two townships (the sample's 新庄村, in 社梁乡 and 土沟乡): every figure
that joins villages to their households joins on (township, village), never on the name alone.

Expected figures are asked of the ledgers themselves through `sql`-style SQL on the reader, never
taken from the queries under test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tracker.store import queries
from tracker.store.reader import Reader

LAST = dt.date(2017, 10, 13)
SHARED = "新庄村"


def _households_per_township(cursor) -> dict[str, int]:
    rows = cursor.execute(
        "SELECT township, count(*) FROM households WHERE as_of = $day AND village = $village GROUP BY 1",
        {"day": LAST, "village": SHARED},
    ).fetchall()
    return dict(rows)


def test_the_sample_has_the_name_in_two_townships_each_with_its_own_households(sample_store: Path) -> None:
    cursor = Reader(sample_store).cursor()
    own = _households_per_township(cursor)
    assert set(own) == {"社梁乡", "土沟乡"} and all(n > 0 for n in own.values())


def test_each_relocation_village_has_its_own_households_only(sample_store: Path) -> None:
    cursor = Reader(sample_store).cursor()
    own = _households_per_township(cursor)
    villages = queries.run(cursor, "relocation_villages", as_of=LAST, township=[], batch=None)
    shared = villages[villages["village"] == SHARED]
    assert sorted(shared["township"]) == sorted(own)  # one row each, not one per match of the name
    assert dict(zip(shared["township"], shared["households"], strict=True)) == own
    # The whole county's households are counted once.
    assert (
        villages["households"].sum()
        == cursor.execute(
            "SELECT count(*) FROM households WHERE as_of = $day AND relocation_batch IS NOT NULL",
            {"day": LAST},
        ).fetchall()[0][0]
    )


def test_one_townships_view_shows_its_own_village_only(sample_store: Path) -> None:
    cursor = Reader(sample_store).cursor()
    own = _households_per_township(cursor)
    for township, households in own.items():
        villages = queries.run(cursor, "relocation_villages", as_of=LAST, township=[township], batch=None)
        row = villages[villages["village"] == SHARED]
        assert list(row["households"]) == [households], township
