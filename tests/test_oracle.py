"""The dashboard's numbers against an independent oracle, for every week, township and batch of the sample.

tests/oracle.py works each figure out from the sample generator's world (before it
writes the messy files) with its own rules; here the same figures come from the
imported sample store through the real reader, the named queries and the page
functions the overview and the other pages call. They must agree everywhere: every
weekly snapshot × the whole county and each township × all batches, 第一批, 第二批.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from synth.sample import make_world
from tests import oracle as oracle_module
from tests.oracle import Card, Oracle
from tracker.rules import indicators, party
from tracker.rules import targets as target_rules
from tracker.store import queries
from tracker.store.reader import Reader

BATCHES = (None, 1, 2)


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    return Oracle(make_world())


@pytest.fixture(scope="module")
def cursor(sample_store: Path):
    return Reader(sample_store).cursor()


def _same(got: Any, expected: object) -> bool:
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return got is None or (isinstance(got, float) and math.isnan(got))
    if got is None or (isinstance(got, float) and math.isnan(got)):
        return False
    if isinstance(expected, int | float):
        return math.isclose(float(got), float(expected), rel_tol=1e-12, abs_tol=1e-9)
    return got == expected


def _card(card: indicators.Progress | Card) -> dict:
    return {
        "actual": card.actual,
        "previous": card.previous,
        "change": card.change,
        "target": card.target,
        "due": card.due,
        "basis": card.basis,
        "status": card.status,
    }


def _views(oracle: Oracle) -> list[list[str]]:
    return [[], *([t] for t in oracle.townships)]


def test_the_oracle_uses_no_rule_or_query_of_the_dashboard() -> None:
    tree = ast.parse(Path(oracle_module.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name if isinstance(node, ast.Import) else f"{node.module}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert {m for m in imported if m.startswith(("tracker", "synth"))} == {"synth.sample"}


def test_the_sample_covers_what_the_oracle_is_asked(oracle: Oracle, cursor) -> None:
    """24 Fridays, 13 townships, two batches: the combinations below are the whole sample."""
    days = [d for (d,) in cursor.execute("SELECT DISTINCT as_of FROM villages ORDER BY 1").fetchall()]
    assert days == list(oracle.weeks) and len(days) == 24
    townships = [t for (t,) in cursor.execute("SELECT DISTINCT township FROM villages ORDER BY 1").fetchall()]
    assert townships == oracle.townships and len(townships) == 13
    assert queries.run(cursor, "batches")["relocation_batch"].tolist() == [1, 2]


def test_every_overview_card_of_every_week_township_and_batch(oracle: Oracle, cursor) -> None:
    """Each card's actual, target (a township's own, else its share by its ledgers, 按台账计划),
    change since last week and status, as indicators.progress gives the overview.

    The whole county's series is queried for each week as the page queries it. A township's
    series is queried once, on the last week, and each earlier week's cards are worked out from
    the rows up to that week (what the query returns on that week: checked below on one week
    for every township and batch), so the check stays at a few hundred queries."""
    wrong: list[str] = []
    compared = 0
    in_force = {as_of: queries.run(cursor, "targets_in_force", as_of=as_of) for as_of in oracle.weeks}
    plans = {as_of: queries.run(cursor, "township_plan", as_of=as_of, township=[]) for as_of in oracle.weeks}
    applicable: dict[tuple, pd.DataFrame] = {}  # targets_for is a pure function: once per distinct input

    def targets_for(as_of: dt.date, townships: list[str], batch: int | None) -> pd.DataFrame:
        frame, plan = in_force[as_of], plans[as_of]
        key = (frame.to_json(date_format="iso"), plan.to_json(), tuple(townships), batch)
        if key not in applicable:
            applicable[key] = indicators.targets_for(frame, townships, batch, plan)
        return applicable[key]

    for townships in _views(oracle):
        for batch in BATCHES:
            params = {"township": townships, "batch": batch}
            last = queries.run(cursor, "indicator_series", as_of=oracle.weeks[-1], **params)
            for as_of in oracle.weeks:
                series = (
                    queries.run(cursor, "indicator_series", as_of=as_of, **params) if not townships else last
                )
                shown = indicators.progress(series, targets_for(as_of, townships, batch), as_of)
                got = {(c.indicator, c.batch): _card(c) for c in shown}
                want = {(c.indicator, c.batch): _card(c) for c in oracle.cards(as_of, townships, batch)}
                if got.keys() != want.keys():
                    wrong.append(f"{as_of} {townships} {batch}: cards {sorted(got)} != {sorted(want)}")
                    continue
                for key, figures in want.items():
                    compared += 1
                    bad = {k: (got[key][k], v) for k, v in figures.items() if not _same(got[key][k], v)}
                    if bad:
                        wrong.append(
                            f"{as_of} {townships or '全县'} batch={batch} {key}: (shown, oracle) {bad}"
                        )
    assert not wrong, f"{len(wrong)} wrong, e.g.:\n" + "\n".join(wrong[:12])
    assert compared > 24 * 14 * 3  # every combination had at least one card


def test_every_townships_own_cards_from_the_township_series(oracle: Oracle, cursor) -> None:
    """The status a township's bar or table row is coloured by: its cards worked out from its own
    series (township_series) against its own targets (assigned or 按台账计划), as the oracle has
    each township's cards, on four weeks and every batch."""
    wrong: list[str] = []
    compared = 0
    for as_of in (oracle.weeks[3], oracle.weeks[8], oracle.weeks[15], oracle.weeks[-1]):
        in_force = queries.run(cursor, "targets_in_force", as_of=as_of)
        plan = queries.run(cursor, "township_plan", as_of=as_of, township=[])
        for batch in BATCHES:
            if batch is not None:
                in_force_b = in_force[
                    in_force["relocation_batch"].isna() | (in_force["relocation_batch"] == batch)
                ]
            else:
                in_force_b = in_force
            series = queries.run(cursor, "township_series", as_of=as_of, township=[], batch=batch)
            shown = indicators.by_township(series, target_rules.township_targets(in_force_b, plan), as_of)
            for township in oracle.townships:
                measured = set(series.loc[series["township"] == township, "indicator"])
                got = {(c.indicator, c.batch): _card(c) for c in shown.get(township, [])}
                want = {
                    (c.indicator, c.batch): _card(c)
                    for c in oracle.cards(as_of, [township], batch)
                    if c.indicator in measured
                }
                got = {k: v for k, v in got.items() if k[0] in measured}
                if got.keys() != want.keys():
                    wrong.append(f"{as_of} {township} {batch}: cards {sorted(got)} != {sorted(want)}")
                    continue
                for key, figures in want.items():
                    compared += 1
                    bad = {k: (got[key][k], v) for k, v in figures.items() if not _same(got[key][k], v)}
                    if bad:
                        wrong.append(f"{as_of} {township} batch={batch} {key}: (shown, oracle) {bad}")
    assert not wrong, f"{len(wrong)} wrong, e.g.:\n" + "\n".join(wrong[:12])
    assert compared > 4 * 13 * 3


def test_the_sample_townships_get_their_targets_from_their_ledgers(oracle: Oracle) -> None:
    """The oracle's own reading of the sample: 沙泉乡 (no target in the file) gets its second batch
    from its two villages, and 赵家沟乡 keeps its assigned villages target beside derived ones."""
    as_of = oracle.weeks[-1]
    shaquan = {(t["indicator"], t["batch"]): t for t in oracle.targets(["沙泉乡"], None, as_of)}
    villages = [v for v in oracle.world.villages if v.township == "沙泉乡" and v.batch == 2]
    assert len(villages) == 2
    assert shaquan[("villages_completed", 2)]["target"] == 2
    assert shaquan[("households_moved", 2)]["target"] == sum(v.planned[0] for v in villages)
    assert shaquan[("households_moved", 2)]["basis"] == "按台账计划"
    assert not any(b == 1 for _, b in shaquan)  # no first-batch village there: no first-batch target
    zhao = {(t["indicator"], t["batch"]): t for t in oracle.targets(["赵家沟乡"], None, as_of)}
    assert (zhao[("villages_completed", 2)]["target"], zhao[("villages_completed", 2)]["basis"]) == (3, None)
    assert zhao[("households_moved", 2)]["basis"] == "按台账计划"


def test_a_townships_series_on_a_past_week_is_its_rows_up_to_that_week(oracle: Oracle, cursor) -> None:
    week = oracle.weeks[9]
    for township in oracle.townships:
        for batch in BATCHES:
            params = {"township": [township], "batch": batch}
            then = queries.run(cursor, "indicator_series", as_of=week, **params)
            last = queries.run(cursor, "indicator_series", as_of=oracle.weeks[-1], **params)
            upto = last[pd.to_datetime(last["as_of"]).dt.date <= week].reset_index(drop=True)
            pd.testing.assert_frame_equal(then, upto, obj=f"{township} batch={batch}")


def test_every_ranking_row_of_every_week_and_batch(oracle: Oracle, cursor) -> None:
    """The overview's township ranking, row by row and in order: the whole county's ranking of each
    week and batch holds every township's row; each township alone is checked on three weeks."""
    wrong: list[str] = []
    views: list[tuple[dt.date, list[str]]] = [(as_of, []) for as_of in oracle.weeks]
    views += [
        (as_of, t)
        for as_of in (oracle.weeks[0], oracle.weeks[12], oracle.weeks[-1])
        for t in _views(oracle)[1:]
    ]
    for as_of, townships in views:
        for batch in BATCHES:
            shown = queries.run(
                cursor, "ranking", as_of=as_of, township=townships, batch=batch, by_county=False
            ).to_dict("records")
            expected = oracle.ranking(as_of, townships, batch)
            if [r["place"] for r in shown] != [r["place"] for r in expected]:
                wrong.append(f"{as_of} {townships} {batch}: order {[r['place'] for r in shown]}")
                continue
            for got, want in zip(shown, expected, strict=True):
                bad = {k: (got[k], v) for k, v in want.items() if not _same(got[k], v)}
                if bad:
                    wrong.append(f"{as_of} {townships or '全县'} batch={batch} {want['place']}: {bad}")
    assert not wrong, f"{len(wrong)} wrong, e.g.:\n" + "\n".join(wrong[:12])


def test_zero_break_weak_orgs_joint_branches_and_funds_per_township_every_week(
    oracle: Oracle, cursor
) -> None:
    wrong: list[str] = []

    def check(what: str, got: object, want: object) -> None:
        bad: dict[str, object]
        if isinstance(want, dict) and isinstance(got, dict) and got.keys() == want.keys():
            bad = {k: (got[k], v) for k, v in want.items() if not all(map(_same, _tuple(got[k]), _tuple(v)))}
        else:
            bad = {"shown": got, "oracle": want} if got != want else {}
        if bad:
            wrong.append(f"{what}: {bad}")

    for as_of in oracle.weeks:
        where = {"as_of": as_of, "township": []}
        collective = queries.run(cursor, "collective_by_township", **where)
        check(
            f"{as_of} 破零",
            {
                r.township: (r.villages, r.villages_past_zero, r.zero_break_rate)
                for r in collective.itertuples()
            },
            oracle.zero_break_by_township(as_of),
        )
        stages = party.stages_by_township(queries.run(cursor, "party_weak_orgs", **where))
        shown = {
            town: {
                stage: int(rows.loc[rows["stage"] == stage, "orgs"].sum())
                for stage in oracle_module.RECTIFICATION_STAGES
            }
            for town, rows in stages.groupby("township")
        }
        check(f"{as_of} 软弱涣散", shown, oracle.weak_orgs_by_township(as_of))
        for batch in BATCHES:
            joint = party.joint_by_township(queries.run(cursor, "party_joint_branches", **where, batch=batch))
            check(
                f"{as_of} batch={batch} 联合党支部",
                {r.township: (r.completed, r.with_joint) for r in joint.itertuples()},
                oracle.joint_branches_by_township(as_of, batch),
            )
        funds = queries.run(cursor, "funds_by_township", **where)
        check(
            f"{as_of} 资金",
            {r.township: (r.township_10k,) for r in funds.drop_duplicates("township").itertuples()},
            {town: (round(amount, 2),) for town, amount in oracle.funds_by_township(as_of).items()},
        )
    assert not wrong, f"{len(wrong)} wrong, e.g.:\n" + "\n".join(wrong[:12])


def _tuple(value: object) -> tuple:
    return tuple(value.values()) if isinstance(value, dict) else tuple(value)  # type: ignore[arg-type]


# A handful of views opened as a leader opens them: the cards the overview draws, as text.
OPENED = [
    ({}, dt.date(2017, 10, 13), [], None),
    ({"batch": "第二批", "as_of": "2017-09-01"}, dt.date(2017, 9, 1), [], 2),
    (
        {"township": ["赵家沟乡"], "batch": "第一批", "as_of": "2017-06-02"},
        dt.date(2017, 6, 2),
        ["赵家沟乡"],
        1,
    ),
    ({"township": ["巡镇镇"], "as_of": "2017-07-14"}, dt.date(2017, 7, 14), ["巡镇镇"], None),
]


def _shown_cards(at) -> list[dict[str, str]]:
    import re

    html = "\n".join(h.proto.body for h in at.get("html") if "kpi-grid" in h.proto.body)
    cards = []
    for block in html.split('<div class="kpi"')[1:]:
        basis = re.search(r'<span class="basis">(.*?)</span>', block)
        block = re.sub(r'<span class="basis">.*?</span>', "", block)
        field = {k: re.search(rf'<div class="{k}">(.*?)</div>', block) for k in ("label", "value", "target")}
        metas = re.findall(r"<span>(.*?)</span>", block)
        cards.append(
            {k: m.group(1) if m else "" for k, m in field.items()}
            | {"basis": basis.group(1) if basis else ""}
            | {"change": next((m for m in metas if m.startswith("较上周")), "")}
        )
    return cards


@pytest.mark.parametrize(("query", "as_of", "townships", "batch"), OPENED)
def test_the_overview_page_shows_the_oracles_cards(
    open_page, oracle: Oracle, query: dict, as_of: dt.date, townships: list[str], batch: int | None
) -> None:
    at = open_page(**query, tab="排名表")  # the cards head every tab; the ranking table is under 排名表
    shown = _shown_cards(at)
    expected = [card.text() for card in oracle.cards(as_of, townships, batch)]
    assert shown == expected
    # The ranking counts one batch (the chosen one, else the one still open): its rows, then the total.
    measured = oracle.measured_batch(as_of, townships, batch)
    table = at.dataframe[0].value
    table = getattr(table, "data", table)  # a status-coloured table is a pandas Styler
    rows = oracle.ranking(as_of, townships, measured)
    # A total row closes a table of several townships (one township's would only repeat its row).
    ranking, total = (table.iloc[:-1], table.iloc[-1]) if len(rows) > 1 else (table, table.iloc[-1])
    moved = next(
        c
        for c in oracle.cards(as_of, townships, measured)
        if (c.indicator, c.batch) == ("households_moved", measured)
    )
    assert total["乡镇"] == ("全县" if len(rows) > 1 else townships[0])
    assert total["已入住户"] == moved.actual
    assert ranking["乡镇"].tolist() == [r["place"] for r in rows]
    assert ranking["已入住户"].tolist() == [r["households_moved"] for r in rows]
    assert ranking["已整顿"].tolist() == [r["weak_orgs_rectified"] for r in rows]
    # The table shows a rate to its precision, one decimal (the oracle's exact rate, rounded).
    assert pd.Series(ranking["破零率（%）"]).tolist() == [round(r["zero_break_rate"], 1) for r in rows]
