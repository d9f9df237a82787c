"""Every rule is defined once: no query file repeats one, and a rule changed in Python changes every query.

The rules live in tracker/ (schema, relocation, party, collective) and reach SQL only as the
macros tracker.rules.macros makes from them. These tests fail when a query writes a stage
name, a 'snapshot in force' subquery or the township or batch clause itself, and when a
changed constant does not change every query (and page figure) that applies it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tracker.contract import schema
from tracker.rules import collective, party, relocation
from tracker.rules import macros as rule_macros
from tracker.store import queries, summaries
from tracker.store.reader import Reader

LAST = dt.date(2017, 10, 13)
# The pages' named queries and the import-time summaries' (queries/summaries/): every one calls the macros.
CATALOGUE = queries.catalogue() | {name: d.query for name, d in summaries.SUMMARIES.items()}


def _body(sql: str) -> str:
    """The SQL without its comments (a comment may name a stage to explain the query)."""
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


BODIES = {name: _body(query.sql) for name, query in CATALOGUE.items()}
VOCABULARIES = (
    schema.RELOCATION_STAGES + schema.RECTIFICATION_STAGES + schema.POVERTY_CLASSES + schema.ORG_TYPES
)


# --------------------------------------------------------------------------- the query files


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_no_query_names_a_stage_status_class_or_organization_type(name: str) -> None:
    named = [value for value in VOCABULARIES if value in BODIES[name]]
    assert not named, f"{name}.sql writes {named}: call the rule's macro (tracker/rules/macros.py)"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_no_query_writes_out_the_snapshot_in_force(name: str) -> None:
    body = BODIES[name]
    assert not re.search(r"\bmax\s*\(\s*as_of\s*\)", body, re.IGNORECASE), f"{name}: use snapshot_day()"
    assert "snapshot_days" not in body, f"{name}: use snapshot_day() or targets_day()"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_the_township_and_batch_filters_come_only_from_their_macros(name: str) -> None:
    body = BODIES[name]
    township_uses = len(re.findall(r"\$township\b", body))
    through_macro = len(re.findall(r"\bin_townships\([^()]*,\s*\$township\)", body))
    assert township_uses == through_macro, f"{name}: filter townships with in_townships(township, $township)"
    batch_uses = len(re.findall(r"\$batch\b", body))
    batch_macro = len(re.findall(r"\bin_(?:relocation_)?batch\([^()]*,\s*\$batch\)", body))
    assert batch_uses == batch_macro, f"{name}: filter batches with in_batch / in_relocation_batch"


def test_no_query_takes_a_rule_as_a_parameter() -> None:
    rules = {"completed_stages", "reclaimed_stages", "poverty_classes", "cap_per_person", "cap_per_household"}
    taking = {name: sorted(q.params & rules) for name, q in CATALOGUE.items() if q.params & rules}
    assert not taking


def test_the_checks_above_see_a_repeated_rule() -> None:
    """The checks are not vacuous: the query text of the bug the review found is flagged."""
    broken = "SELECT sum(villages) FILTER (WHERE relocation_status IN ('已拆除复垦', '已销号')) FROM v"
    assert [v for v in VOCABULARIES if v in _body(broken)] == ["已拆除复垦", "已销号"]
    snapshot = "WHERE as_of = (SELECT max(as_of) FROM snapshot_days WHERE table_name = 'villages')"
    assert re.search(r"\bmax\s*\(\s*as_of\s*\)", _body(snapshot))
    clause = "WHERE (len($township) = 0 OR list_contains($township, township))"
    assert len(re.findall(r"\$township\b", clause)) == 2
    assert not re.findall(r"\bin_townships\([^()]*,\s*\$township\)", clause)


# --------------------------------------------------------------------------- the macros say what the rules say


def _scalar(con: duckdb.DuckDBPyConnection, expression: str, **params: object) -> object:
    return con.execute(f"SELECT {expression}", params).fetchall()[0][0]


def test_the_value_rules_as_the_readme_and_the_contract_state_them() -> None:
    con = duckdb.connect()
    rule_macros.define_value_rules(con)
    stages = ["未启动", "动员中", "搬迁中", "已搬迁", "已拆除复垦", "已销号"]
    completed = {s for s in stages if _scalar(con, "is_completed($s)", s=s)}
    assert completed == {"已搬迁", "已拆除复垦", "已销号"}
    assert {s for s in stages if _scalar(con, "is_reclaimed($s)", s=s)} == {"已拆除复垦", "已销号"}
    rectification = ["未整顿", "整顿中", "已整顿", "已验收"]
    assert {s for s in rectification if _scalar(con, "is_rectified($s)", s=s)} == {"已整顿", "已验收"}
    assert _scalar(con, "rectification_stage(NULL::VARCHAR)") == "未整顿"
    assert _scalar(con, "relocation_stage(NULL::VARCHAR)") == "未启动"
    columns = ("not_started", "rectifying", "rectified", "accepted")
    assert [_scalar(con, f"stage_{column}()") for column in columns] == rectification
    assert [_scalar(con, "past_zero($x::DOUBLE)", x=x) for x in (None, 0.0, 0.01, 3.5)] == [
        False,
        False,
        True,
        True,
    ]
    assert _scalar(con, "zero_break_rate(238, 340)") == pytest.approx(70.0)
    # 3,000 元 a person, at most 8,000 元 a household (DESIGN: 自筹 caps).
    assert [_scalar(con, f"self_funding_cap({n})") for n in (1, 2, 3, 5)] == [3000.0, 6000.0, 8000.0, 8000.0]
    assert _scalar(con, "over_cap(6500.0, 2)") and not _scalar(con, "over_cap(6000.0, 2)")
    # A size of zero or less (a broken row) has a cap of 0 元, never a negative one: whatever it pays
    # is flagged for checking, and a household that pays nothing is not.
    assert [_scalar(con, f"self_funding_cap({n})") for n in (0, -2)] == [0.0, 0.0]
    assert _scalar(con, "over_cap(500.0, -2)") and not _scalar(con, "over_cap(0.0, -2)")
    assert _scalar(con, "self_funding_cap(NULL::INTEGER)") == 8000.0
    assert _scalar(con, "has_moved(DATE '2017-10-13', DATE '2017-10-13')")
    assert not _scalar(con, "has_moved(DATE '2017-10-14', DATE '2017-10-13')")
    assert not _scalar(con, "has_moved(NULL::DATE, DATE '2017-10-13')")
    assert {c for c in ("深度贫困村", "贫困村", "非贫困村") if _scalar(con, "is_covered_class($c)", c=c)} == {
        "深度贫困村",
        "贫困村",
    }


def test_a_constant_that_is_not_plain_text_never_reaches_sql(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "COMPLETED_STAGES", ("已搬迁', '未启动",))
    with pytest.raises(ValueError, match="not a plain constant"):
        rule_macros.value_rules()


def test_the_filters_and_the_snapshot_in_force(sample_store: Path) -> None:
    cursor = Reader(sample_store).cursor()
    # A day between two Fridays sees the Friday before; a day before the first snapshot sees none.
    assert _scalar(cursor, "snapshot_day('villages', $d)", d=dt.date(2017, 10, 12)) == dt.date(2017, 10, 6)
    assert _scalar(cursor, "snapshot_day('villages', $d)", d=dt.date(2017, 10, 13)) == dt.date(2017, 10, 13)
    assert _scalar(cursor, "snapshot_day('villages', $d)", d=dt.date(2017, 5, 4)) is None
    # The targets in force fall back to the earliest targets before their first day.
    assert _scalar(cursor, "targets_day($d)", d=dt.date(2017, 1, 1)) == dt.date(2017, 5, 5)
    assert _scalar(cursor, "in_townships('赵家沟乡', $t)", t=[]) is True
    assert _scalar(cursor, "in_townships('赵家沟乡', $t)", t=["巡镇镇"]) is False
    assert _scalar(cursor, "in_batch(NULL::INTEGER, $b)", b=None) is True
    assert not _scalar(cursor, "in_relocation_batch(NULL::INTEGER, $b)", b=None)
    assert _scalar(cursor, "in_relocation_batch(2, $b)", b=1) is False


# --------------------------------------------------------------------------- a changed rule changes every query

BASE = {
    "as_of": LAST,
    "township": [],
    "batch": None,
    "by_county": False,
    "village_township": "巡镇镇",
    "village": "下榆皮洼村",
}


def _run(cursor: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    return queries.run(cursor, name, **BASE)


def _on_last(frame: pd.DataFrame, indicator: str) -> float:
    rows = frame[(frame["indicator"] == indicator) & (pd.to_datetime(frame["as_of"]).dt.date == LAST)]
    return float(rows["actual"].sum())


def _calling(macro: str) -> set[str]:
    return {name for name, body in BODIES.items() if re.search(rf"\b{macro}\(", body)}


def _ledger(cursor: duckdb.DuckDBPyConnection, sql: str, **params: object) -> int:
    return int(cursor.execute(sql, {"day": LAST, **params}).fetchall()[0][0] or 0)


# What each query that applies a rule shows for it on 2017-10-13, county-wide, all batches.
Figure = Callable[[duckdb.DuckDBPyConnection], float]
COMPLETED_FIGURES: dict[str, Figure] = {
    "indicator_series": lambda c: _on_last(_run(c, "indicator_series"), "villages_completed"),
    "relocation_progress": lambda c: _on_last(_run(c, "relocation_progress"), "villages_completed"),
    "relocation_townships": lambda c: _run(c, "relocation_townships")["villages_completed"].sum(),
    "ranking": lambda c: _run(c, "ranking")["villages_completed"].sum(),
    "township_series": lambda c: _on_last(_run(c, "township_series"), "villages_completed"),
    "party_joint_branches": lambda c: len(_run(c, "party_joint_branches")),
    "party_joint_series": lambda c: _run(c, "party_joint_series").query("as_of == @LAST")["completed"].sum(),
    # the 包保责任台账 lists every relocation village: the 督办清单 counts the same villages as moved
    "responsibility_items": lambda c: (
        _run(c, "responsibility_items").query("kind == 'village'")["completed"].sum()
    ),
}
RECLAIMED_FIGURES: dict[str, Figure] = {
    "indicator_series": lambda c: _on_last(_run(c, "indicator_series"), "demolished_reclaimed"),
    "relocation_progress": lambda c: _on_last(_run(c, "relocation_progress"), "demolished_reclaimed"),
    "relocation_townships": lambda c: _run(c, "relocation_townships")["villages_reclaimed"].sum(),
}
RECTIFIED_FIGURES: dict[str, Figure] = {
    "indicator_series": lambda c: _on_last(_run(c, "indicator_series"), "weak_orgs_rectified"),
    "ranking": lambda c: _run(c, "ranking")["weak_orgs_rectified"].sum(),
    "responsibility_items": lambda c: (
        _run(c, "responsibility_items").query("kind == 'org'")["completed"].sum()
    ),
    "township_series": lambda c: _on_last(_run(c, "township_series"), "weak_orgs_rectified"),
}
OVER_CAP_FIGURES: dict[str, Figure] = {
    "relocation_over_cap": lambda c: len(_run(c, "relocation_over_cap")),
    "relocation_self_funding": lambda c: (
        _run(c, "relocation_self_funding").query("over_cap")["households"].sum()
    ),
    "relocation_townships": lambda c: _run(c, "relocation_townships")["poor_over_cap"].sum(),
}


def _completed_in_ledger(cursor: duckdb.DuckDBPyConnection, stages: list[str]) -> int:
    return _ledger(
        cursor,
        "SELECT count(*) FROM villages WHERE as_of = $day AND relocation_batch IS NOT NULL "
        "AND list_contains($stages, relocation_status)",
        stages=stages,
    )


@pytest.mark.parametrize(
    ("stages", "expected"),
    [
        (
            None,
            21,
        ),  # the rule as it stands: 13 first-batch villages and 8 of the second (docs/sample-facts.md 2, 20)
        (("搬迁中", "已搬迁", "已拆除复垦", "已销号"), 30),  # a wider rule: the 9 villages moving too
    ],
)
def test_a_changed_completion_rule_changes_every_query_that_applies_it(
    sample_store: Path, monkeypatch: pytest.MonkeyPatch, stages: tuple[str, ...] | None, expected: int
) -> None:
    if stages is not None:
        monkeypatch.setattr(schema, "COMPLETED_STAGES", stages)
    cursor = Reader(sample_store).cursor()
    rule = list(stages or ("已搬迁", "已拆除复垦", "已销号"))
    assert _completed_in_ledger(cursor, rule) == expected
    assert _calling("is_completed") == set(COMPLETED_FIGURES) | {"data_check_completed_not_moved"}
    shown = {name: float(figure(cursor)) for name, figure in COMPLETED_FIGURES.items()}
    assert shown == dict.fromkeys(COMPLETED_FIGURES, float(expected))
    # The data check flags the villages the rule calls completed whose households have not all moved in.
    unmoved = _ledger(
        cursor,
        "SELECT count(DISTINCT v.village) FROM villages v JOIN households h "
        "ON h.as_of = v.as_of AND h.township = v.township AND h.village = v.village "
        "WHERE v.as_of = $day AND list_contains($stages, v.relocation_status) "
        "AND (h.moved_on IS NULL OR h.moved_on > $day)",
        stages=rule,
    )
    assert len(_run(cursor, "data_check_completed_not_moved")) == unmoved
    assert unmoved == (0 if stages is None else 9)


@pytest.mark.parametrize(("stages", "expected"), [(None, 13), (("已销号",), 5)])
def test_a_changed_reclamation_rule_changes_every_query_that_applies_it(
    sample_store: Path, monkeypatch: pytest.MonkeyPatch, stages: tuple[str, ...] | None, expected: int
) -> None:
    if stages is not None:
        monkeypatch.setattr(relocation, "RECLAIMED_STAGES", stages)
    cursor = Reader(sample_store).cursor()
    assert _completed_in_ledger(cursor, list(stages or ("已拆除复垦", "已销号"))) == expected
    assert _calling("is_reclaimed") == set(RECLAIMED_FIGURES)
    shown = {name: float(figure(cursor)) for name, figure in RECLAIMED_FIGURES.items()}
    assert shown == dict.fromkeys(RECLAIMED_FIGURES, float(expected))


@pytest.mark.parametrize(("stages", "expected"), [(None, 28), (("已验收",), 19)])
def test_a_changed_rectification_rule_changes_the_queries_and_the_party_page(
    sample_store: Path, monkeypatch: pytest.MonkeyPatch, stages: tuple[str, ...] | None, expected: int
) -> None:
    if stages is not None:
        monkeypatch.setattr(party, "RECTIFIED_STAGES", stages)
    cursor = Reader(sample_store).cursor()
    in_ledger = _ledger(
        cursor,
        "SELECT count(*) FROM party_orgs WHERE as_of = $day AND weak_lax AND list_contains($stages, rectification_status)",
        stages=list(stages or ("已整顿", "已验收")),
    )
    assert in_ledger == expected
    assert _calling("is_rectified") == set(RECTIFIED_FIGURES)
    shown = {name: float(figure(cursor)) for name, figure in RECTIFIED_FIGURES.items()}
    # The 党建 page's card counts from party_series in Python, with the same constant.
    targets = pd.DataFrame(columns=["indicator", "relocation_batch", "township", "target", "due", "label"])
    card = party.rectified_progress(_run(cursor, "party_series"), targets, LAST)
    assert card.actual is not None
    shown["party page card"] = card.actual
    assert shown == dict.fromkeys([*RECTIFIED_FIGURES, "party page card"], float(expected))


@pytest.mark.parametrize(("per_household", "expected"), [(None, 0), (1000, 143)])
def test_a_changed_self_funding_cap_changes_every_query_that_applies_it(
    sample_store: Path, monkeypatch: pytest.MonkeyPatch, per_household: int | None, expected: int
) -> None:
    if per_household is not None:
        monkeypatch.setattr(relocation, "SELF_FUNDING_CAP_PER_HOUSEHOLD_YUAN", per_household)
    cursor = Reader(sample_store).cursor()
    in_ledger = _ledger(
        cursor,
        "SELECT count(*) FROM households WHERE as_of = $day AND is_poor AND relocation_batch IS NOT NULL "
        "AND self_funded_yuan > least(3000 * people, $cap)",
        cap=per_household or 8000,
    )
    assert in_ledger == expected
    assert _calling("over_cap") == set(OVER_CAP_FIGURES) | {"relocation_households"}
    shown = {name: float(figure(cursor)) for name, figure in OVER_CAP_FIGURES.items()}
    assert shown == dict.fromkeys(OVER_CAP_FIGURES, float(expected))
    village = _run(cursor, "relocation_households")
    flagged = village[village["over_cap"].fillna(False).astype(bool)]
    caps = village.loc[village["is_poor"].astype(bool), "cap_yuan"]
    assert (caps <= (per_household or 8000)).all()
    poor = village[village["is_poor"].astype(bool)]
    assert len(flagged) == int(
        (
            poor["self_funded_yuan"]
            > (poor["people"] * relocation.SELF_FUNDING_CAP_PER_PERSON_YUAN).clip(upper=per_household or 8000)
        ).sum()
    )


@pytest.mark.parametrize(("classes", "expected"), [(None, 114), (("深度贫困村",), 33)])
def test_a_changed_coverage_rule_changes_the_first_secretary_list(
    sample_store: Path, monkeypatch: pytest.MonkeyPatch, classes: tuple[str, ...] | None, expected: int
) -> None:
    if classes is not None:
        monkeypatch.setattr(party, "COVERED_CLASSES", classes)
    cursor = Reader(sample_store).cursor()
    assert _calling("is_covered_class") == {"party_first_secretary"}
    rows = _run(cursor, "party_first_secretary")
    assert len(rows) == expected
    assert len(party.poor_villages(rows)) == expected  # the page's own selection agrees


def test_a_changed_zero_break_rule_changes_the_import_time_summary_and_the_bands(
    sample_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cursor = Reader(sample_store).cursor()
    ledger = cursor.sql(
        "SELECT * EXCLUDE (as_of) FROM villages WHERE as_of = $day", params={"day": LAST}
    ).to_arrow_table()
    incomes = queries.run(cursor, "collective_income_distribution", as_of=LAST, township=[])
    for above, expected in ((None, 238), (5.0, None)):
        if above is not None:
            monkeypatch.setattr(collective, "PAST_ZERO_ABOVE_10K", above)
        threshold = collective.PAST_ZERO_ABOVE_10K
        if expected is None:
            expected = int(incomes.loc[incomes["collective_income_10k"] > threshold, "villages"].sum())
            assert expected < 238
        derived = summaries.derive_many(["village_summary"], ledger, LAST)["village_summary"].to_pandas()
        assert int(derived["villages_past_zero"].sum()) == expected
        bands = collective.income_bands(incomes)
        assert int(bands.loc[bands["past_zero"], "villages"].sum()) == expected
