"""Columns with many distinct values are read in bulk by Arrow: the values must be the ones the
one-at-a-time parsers give, so that a large export and a small one of the same cells agree."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.contract import schema
from tracker.ingest import columns as rows  # the column parsers, once in rows.py
from tracker.ingest.values import ValueProblem

HOUSEHOLDS = schema.TABLES["households"]
COLUMNS = [HOUSEHOLDS.column(n) for n in ("household_id", "people", "subsidy_yuan", "homestead_m2")]
# Enough plain values to take the bulk path, as a province export has.
PLAIN = [str(i) for i in range(rows._MANY)] + [f"{i}.{i % 100:02d}" for i in range(rows._MANY)]

cell = st.one_of(
    st.text(max_size=12),
    st.from_regex(r"[0-9]{1,20}(\.[0-9]{0,8})?", fullmatch=True),
    st.sampled_from(["007", "1,050", "1,5", "16户", "5000元", "0.5万元", " 12 ", "-3", "１２", "1e5", "٣"]),
    st.floats(allow_nan=False, allow_infinity=False).map(str),
)


def _outcome(value: object) -> object:
    return ("problem", str(value)) if isinstance(value, ValueProblem) else value


@settings(max_examples=40, deadline=None)
@given(st.lists(cell, max_size=40, unique=True))
def test_bulk_values_are_the_values_one_at_a_time(extra: list[str]) -> None:
    distinct = list(dict.fromkeys(PLAIN + extra))
    for column in COLUMNS:
        parse = rows._safe(rows._cell_parser(column, None))  # type: ignore[arg-type]
        bulk = rows._parse_texts(column, pa.array(distinct, pa.string()), parse)
        one_by_one = [parse(v) for v in distinct]
        assert [_outcome(v) for v in bulk] == [_outcome(v) for v in one_by_one], column.name
