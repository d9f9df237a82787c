"""The rules every query applies, as DuckDB macros made from the constants in `tracker/`.

Why macros: a rule written out in several query files drifts. "Completed = 已搬迁 or
later" was once a bound parameter in four queries and a literal list in three more, so
a change to the rule changed the 整村搬迁 page and not the overview. Now each rule has
one definition in Python (`schema`, `relocation`, `party`, `collective`), this module
turns it into one macro, and the store reader (`store.Reader`) and the import-time
summaries (`summaries`) create the macros on their connection before any query runs.
A query calls `is_completed(relocation_status)`; it never names a stage, never writes
out "the snapshot in force", never repeats the township or batch clause
(tests/test_query_rules.py checks the query files for all three).

Macros are expanded when a query is bound, so a query runs exactly as if the rule were
written in place (same plan, same speed). The constants are read when the macros are
created, so a reader built after a rule changes applies the new rule on every page.
They reach the macro text as SQL literals quoted here: our own constants, never user
values, and anything that is not plain printable text (a quote included) is refused.

Two groups:

- *value rules*, about one record: stages, 破零, moved in, the self-funding cap, the
  village classes and organization types that count. The summaries need these too.
- *store rules*, about the store a reader sees: the snapshot in force on a day
  (from the reader's `snapshot_days`), the targets in force, and the township and
  batch filters every page applies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import duckdb

from tracker.contract import schema
from tracker.rules import collective, party, relocation


def _text(value: str) -> str:
    """One of our constants as a SQL string literal."""
    if not isinstance(value, str) or not value or "'" in value or "\\" in value or not value.isprintable():
        raise ValueError(f"not a plain constant for a rule macro: {value!r}")
    return f"'{value}'"


def _texts(values: Iterable[str]) -> str:
    """A parenthesised list of string literals for IN; an empty rule matches nothing."""
    quoted = [_text(v) for v in values]
    return f"({', '.join(quoted)})" if quoted else "(NULL)"


def _number(value: float) -> str:
    """One of our numeric constants as a SQL literal."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"not a plain number for a rule macro: {value!r}")
    return repr(value)


def value_rules() -> dict[str, str]:
    """Macro name -> `(parameters) AS body`: the rules about one record, from today's constants."""
    first_rectification = schema.RECTIFICATION_STAGES[0]
    return {
        # 已完成整村搬迁: at 已搬迁 or later (schema.COMPLETED_STAGES).
        "is_completed": f"(status) AS status IN {_texts(schema.COMPLETED_STAGES)}",
        # 旧房拆除、宅基地复垦 done: at 已拆除复垦 or later (relocation.RECLAIMED_STAGES).
        "is_reclaimed": f"(status) AS status IN {_texts(relocation.RECLAIMED_STAGES)}",
        # A relocation stage as the pages count it: an empty stage is the first one (未启动).
        "relocation_stage": f"(status) AS coalesce(status, {_text(schema.RELOCATION_STAGES[0])})",
        # A weak organization is rectified at 已整顿 or 已验收 (party.RECTIFIED_STAGES).
        "is_rectified": f"(status) AS status IN {_texts(party.RECTIFIED_STAGES)}",
        # A rectification stage as the pages count it: an empty stage is the first one (未整顿).
        "rectification_stage": f"(status) AS coalesce(status, {_text(first_rectification)})",
        # Least advanced first: the position of a stage in schema.RECTIFICATION_STAGES.
        "rectification_order": (
            f"(status) AS list_position([{', '.join(map(_text, schema.RECTIFICATION_STAGES))}], status)"
        ),
        # Each rectification stage by the name of its party_series column (party.STAGE_COLUMNS):
        # stage_not_started() = '未整顿' … stage_accepted() = '已验收'.
        **{f"stage_{column}": f"() AS {_text(stage)}" for stage, column in party.STAGE_COLUMNS.items()},
        # 破零: collective income above collective.PAST_ZERO_ABOVE_10K (empty counts as not reported).
        "past_zero": f"(income_10k) AS coalesce(income_10k > {_number(collective.PAST_ZERO_ABOVE_10K)}, false)",
        # The 破零 rate: villages past zero over all administrative villages, in percent.
        "zero_break_rate": "(past, villages) AS 100.0 * past / villages",
        # A household has moved in when its 入住日期 is on or before the snapshot day.
        "has_moved": "(moved_on, day) AS moved_on IS NOT NULL AND moved_on <= day",
        # A poor household's self-funding cap: so much a person, at most so much a household. The one
        # definition (there is none in Python). A size of zero or less, a broken row, has a cap of 0 元,
        # so whatever it pays is flagged for checking; an unknown size has the household's cap (least()
        # passes over a NULL).
        "self_funding_cap": (
            f"(people) AS least({_number(relocation.SELF_FUNDING_CAP_PER_PERSON_YUAN)}::DOUBLE * CASE WHEN people < 0 THEN 0 ELSE people END, "
            f"{_number(relocation.SELF_FUNDING_CAP_PER_HOUSEHOLD_YUAN)}::DOUBLE)"
        ),
        "over_cap": "(self_funded_yuan, people) AS self_funded_yuan > self_funding_cap(people)",
        # The village classes whose branches first-secretary coverage counts (party.COVERED_CLASSES).
        "is_covered_class": f"(poverty_class) AS poverty_class IN {_texts(party.COVERED_CLASSES)}",
        "is_village_branch": f"(org_type) AS org_type = {_text(party.VILLAGE_BRANCH)}",
        "is_floating_branch": f"(org_type) AS org_type = {_text(party.FLOATING_BRANCH)}",
    }


def store_rules() -> dict[str, str]:
    """Macro name -> `(parameters) AS body`: the rules about the store (need `snapshot_days`)."""
    return {
        # The snapshot in force on a day: the ledger's latest snapshot on or before it (NULL: none yet).
        "snapshot_day": (
            "(ledger, day) AS (SELECT max(as_of) FROM snapshot_days WHERE table_name = ledger AND as_of <= day)"
        ),
        # The targets in force: the latest targets snapshot on or before the day, else the earliest.
        "targets_day": (
            "(day) AS (SELECT coalesce(max(as_of) FILTER (WHERE as_of <= day), min(as_of)) "
            "FROM snapshot_days WHERE table_name = 'targets')"
        ),
        # The township filter: an empty list is the whole county (or region).
        "in_townships": "(township, chosen) AS (len(chosen) = 0 OR list_contains(chosen, township))",
        # The batch filter: rows of the chosen batch; NULL chosen = every row.
        "in_batch": "(relocation_batch, chosen) AS (chosen::INTEGER IS NULL OR relocation_batch = chosen::INTEGER)",
        # Relocation rows (those with a batch) of the chosen batch; NULL chosen = every batch.
        "in_relocation_batch": (
            "(relocation_batch, chosen) AS relocation_batch IS NOT NULL AND in_batch(relocation_batch, chosen)"
        ),
    }


def _create(con: duckdb.DuckDBPyConnection, macros: dict[str, str]) -> None:
    # One statement per macro, in order: a later macro may call an earlier one.
    con.execute(";\n".join(f"CREATE OR REPLACE MACRO {name}{body}" for name, body in macros.items()))


def define_value_rules(con: duckdb.DuckDBPyConnection) -> None:
    """Create the value-rule macros on con (a scratch connection deriving summaries)."""
    _create(con, value_rules())


def define(con: duckdb.DuckDBPyConnection) -> None:
    """Create every rule macro on con, which must already hold the view `snapshot_days`."""
    _create(con, value_rules() | store_rules())
