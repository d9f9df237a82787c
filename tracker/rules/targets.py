"""A target for every township: the one assigned to it (下达), else its share worked out from the ledgers.

A county's targets file often names the county's targets only (or a few townships'),
yet a township secretary filters the dashboard to their own township and needs its
targets. Where the file names none for a township, the ledgers hold its plan:

- the relocation villages of a batch (`villages_completed`, and what every completed
  village must also reach: `joint_branches`, `hukou_transferred`, `demolished_reclaimed`);
- their 计划搬迁户数 and 计划搬迁人数 (`households_moved`, `people_moved`);
- its own weak and lax organizations (`weak_orgs_rectified`: every one rectified);
- and for the 破零 rate, the county's rate (a rate is not split, it applies as it is).

Such a target keeps the county target's due date and is marked with its basis
(LEDGER_PLAN, COUNTY_TARGET), so the pages show it as 按台账计划 and never pass it off as
an assigned one. Only indicators the county has a target for get one (a township's share
of a target nobody set is no target), and only where the township's plan is above zero.
Nothing here reads the store: the plan is `queries/township_plan.sql`.
"""

from __future__ import annotations

import pandas as pd

from tracker.contract.missing import is_missing

LEDGER_PLAN = "按台账计划"
COUNTY_TARGET = "沿用全县目标"

# indicator -> the column of `township_plan` that is a township's share of the county target.
PLAN_MEASURES: dict[str, str] = {
    "villages_completed": "relocation_villages",
    "joint_branches": "relocation_villages",
    "hukou_transferred": "relocation_villages",
    "demolished_reclaimed": "relocation_villages",
    "households_moved": "planned_households",
    "people_moved": "planned_people",
    "weak_orgs_rectified": "weak_orgs",
}
# Rates apply to a township as the county set them.
RATES = frozenset({"zero_break_rate"})

COLUMNS = ["indicator", "relocation_batch", "county", "township", "target", "due", "label", "basis"]


def _batch(value: object) -> int | None:
    return None if is_missing(value) else int(value)  # type: ignore[call-overload]


Place = tuple[object, str]  # (county, township); county None in a one-county store


def _plan_lookup(plan: pd.DataFrame) -> dict[tuple[str, int | None, str], float]:
    """(township, batch, measure) -> the plan's figure; weak organizations under batch None."""
    found: dict[tuple[str, int | None, str], float] = {}
    for row in plan.to_dict("records"):
        batch = _batch(row["relocation_batch"])
        for measure in ("relocation_villages", "planned_households", "planned_people", "weak_orgs"):
            value = row.get(measure)
            if not is_missing(value):
                found[(row["township"], batch, measure)] = float(value)
    return found


def _places(plan: pd.DataFrame) -> list[Place]:
    if plan.empty:
        return []
    counties = plan["county"] if "county" in plan else pd.Series([None] * len(plan))
    return sorted({(None if is_missing(c) else c, t) for c, t in zip(counties, plan["township"])}, key=str)


def township_targets(in_force: pd.DataFrame, plan: pd.DataFrame, keep_zero: bool = False) -> pd.DataFrame:
    """Every township's targets (COLUMNS): its own rows of `in_force`, and for each county target
    it has no row for, the one derived from `plan` (queries/township_plan.sql) with its basis.

    keep_zero: also a derived row of 0 where the township has no such plan (no relocation village
    of the batch, no weak organization), so that a sum over townships can count it as nothing."""
    if in_force.empty:
        return pd.DataFrame(columns=COLUMNS)
    rows = in_force.assign(basis=None) if "basis" not in in_force else in_force
    rows = rows.reindex(columns=COLUMNS)
    own = rows[rows["township"].notna()]
    county = rows[rows["township"].isna()]
    have = {(r["township"], r["indicator"], _batch(r["relocation_batch"])) for r in own.to_dict("records")}
    figures = _plan_lookup(plan)
    places = _places(plan)
    derived = []
    for target in county.to_dict("records"):
        indicator, batch = target["indicator"], _batch(target["relocation_batch"])
        if indicator not in PLAN_MEASURES and indicator not in RATES:
            continue
        for place_county, township in places:
            if (township, indicator, batch) in have:
                continue
            if not is_missing(target["county"]) and place_county not in (None, target["county"]):
                continue  # another county's target (a region's store)
            if indicator in RATES:
                derived.append(target | {"township": township, "basis": COUNTY_TARGET})
                continue
            value = figures.get((township, batch, PLAN_MEASURES[indicator]), 0.0)
            if value > 0 or keep_zero:
                derived.append(
                    target | {"township": township, "target": value, "label": None, "basis": LEDGER_PLAN}
                )
    out = pd.concat([own, pd.DataFrame(derived, columns=COLUMNS)], ignore_index=True) if derived else own
    return out.reset_index(drop=True).astype({"relocation_batch": "Int64"})


def split_suggestion(
    in_force: pd.DataFrame, plan: pd.DataFrame, indicator: str, batch: int | None
) -> pd.DataFrame:
    """For splitting one county target by township (the data page's 分解): each township with a plan
    for it, its share by the ledgers (`plan`, 0 where it has none) and the target assigned to it now
    (missing where there is none). Columns: township, planned, assigned."""
    rows = in_force.assign(basis=None) if "basis" not in in_force else in_force
    of_it = rows[(rows["indicator"] == indicator) & _same_batch(rows["relocation_batch"], batch)]
    assigned = {
        t: float(v) for t, v in zip(of_it["township"], of_it["target"], strict=True) if not is_missing(t)
    }
    measure = PLAN_MEASURES.get(indicator)
    figures = _plan_lookup(plan)
    places = sorted({t for _, t in _places(plan)} | set(assigned))
    planned = [
        figures.get((t, batch if measure != "weak_orgs" else None, measure), 0.0) if measure else 0.0
        for t in places
    ]
    return pd.DataFrame(
        {"township": places, "planned": planned, "assigned": [assigned.get(t) for t in places]},
        columns=["township", "planned", "assigned"],
    )


def _same_batch(column: pd.Series, batch: int | None) -> pd.Series:
    return column.isna() if batch is None else column.eq(batch).fillna(False)
