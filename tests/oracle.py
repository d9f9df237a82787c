"""An independent oracle: what the dashboard should show, worked out from the sample generator's world.

The sample generator first builds a *world* (villages, households, organizations and
allocations, each with the days its events happen) and only then renders the messy
weekly files the importer reads. This module starts from that world and computes,
with plain Python and pandas, every figure of the overview (each card's actual,
target and change since last week; each row of the township ranking) and the
per-township 破零 rate, weak organizations by stage, joint branches and funds.

It also works out, on its own, the targets a township gets when the targets file names
none for it (按台账计划: its share by the ledgers — relocation villages of the batch,
their planned households and people, its weak organizations; the county's 破零 rate as it
is) and each card's status (已完成 / 按期 / 滞后 / 逾期 from the target, the due date
and the pace of the last four weeks), as docs/status-and-targets.md states those rules.

It shares nothing with the dashboard's rules: no `tracker.contract.schema` constants, no
`tracker.rules.relocation / party / collective / indicators / targets`, no query and no SQL.
The rules are written here again, as the README and DATA_CONTRACT.md state them, with
their own literal stage lists. tests/test_oracle.py checks that this module imports
nothing else from `tracker` than the sample generator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from synth.sample import WEEKS, World, target_rows

# The rules, as the README's indicator table states them.
COMPLETED = ("已搬迁", "已拆除复垦", "已销号")  # villages_completed: 已搬迁 or later
RECLAIMED = ("已拆除复垦", "已销号")  # demolished_reclaimed
RECTIFIED = ("已整顿", "已验收")  # weak_orgs_rectified
RECTIFICATION_STAGES = ("未整顿", "整顿中", "已整顿", "已验收")
COUNTY_LEVEL = "县级统筹"  # the funds page's name for allocations without a township

# Every indicator, in the order the dashboard lists its cards, with its label and unit.
INDICATORS: dict[str, tuple[str, str]] = {
    "villages_completed": ("完成整村搬迁村数", "个村"),
    "households_moved": ("搬迁入住户数", "户"),
    "people_moved": ("搬迁入住人数", "人"),
    "zero_break_rate": ("集体经济破零率（%）", "%"),
    "weak_orgs_rectified": ("软弱涣散党组织整顿完成数", "个"),
    "joint_branches": ("搬迁村联合党支部数", "个"),
    "hukou_transferred": ("户籍已迁移村数", "个村"),
    "demolished_reclaimed": ("旧房拆除复垦完成村数", "个村"),
    "homestead_reclaimed_m2": ("宅基地腾退复垦面积（平方米）", "平方米"),
    "funds_10k": ("整合资金（万元）", "万元"),
}
RATES = frozenset({"zero_break_rate"})
# What a township's share of a county target is, when the targets file names none for it.
VILLAGE_SHARE = ("villages_completed", "joint_branches", "hukou_transferred", "demolished_reclaimed")
HOUSEHOLD_SHARE = "households_moved"
PEOPLE_SHARE = "people_moved"
WEAK_SHARE = "weak_orgs_rectified"
LEDGER_PLAN = "按台账计划"
COUNTY_RATE = "沿用全县目标"
PACE_DAYS = 28  # the pace is that of the last four weeks
PER_BATCH = (
    "villages_completed",
    "households_moved",
    "people_moved",
    "joint_branches",
    "hukou_transferred",
    "demolished_reclaimed",
    "homestead_reclaimed_m2",
)


def _on(day: dt.date | None, as_of: dt.date) -> bool:
    return day is not None and day <= as_of


@dataclass(frozen=True)
class Card:
    """One overview card as the oracle expects it."""

    indicator: str
    batch: int | None
    actual: float | None
    previous: float | None
    target: float
    due: dt.date | None
    basis: str | None = None  # None: assigned in the targets file
    status: str = ""

    @property
    def change(self) -> float | None:
        """Change since the previous weekly snapshot."""
        return None if self.actual is None or self.previous is None else self.actual - self.previous

    @property
    def label(self) -> str:
        """The card's heading: 第一批完成整村搬迁村数, 集体经济破零率（%）."""
        base = INDICATORS[self.indicator][0]
        return base if self.batch is None else f"第{'一二三四五'[self.batch - 1]}批{base}"

    def text(self) -> dict[str, str]:
        """What the card shows: value, target and weekly change, written as the dashboard writes them."""
        unit = INDICATORS[self.indicator][1]
        change_unit = "" if unit == "%" else unit
        digits = 1 if unit in ("%", "万元") else 0
        return {
            "label": self.label,
            "basis": self.basis or "",
            "value": _value(self.actual, unit),
            "target": f"目标 {_value(self.target, unit)}"
            + (
                f" · 完成 {100.0 * self.actual / self.target:.1f}%"
                if self.actual is not None and self.target
                else ""
            ),
            "change": f"较上周 {_signed(self.change, change_unit, digits)}",
        }


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "万元":
        return f"{value:,.2f} 万元"
    return f"{round(value):,} {unit}"


def _signed(value: float | None, unit: str, digits: int) -> str:
    if value is None:
        return "—"
    suffix = f" {unit}" if unit else ""
    if abs(value) < 10 ** (-digits) / 2:
        return f"±0{suffix}"
    return f"{'+' if value > 0 else '−'}{abs(value):,.{digits}f}{suffix}"


@dataclass(frozen=True)
class _Village:
    township: str
    batch: int | None
    completed: bool
    reclaimed: bool
    hukou: bool
    joint: bool
    past_zero: bool


@dataclass(frozen=True)
class _Household:
    township: str
    batch: int
    moved: bool
    people: int
    reclaimed_m2: float


@dataclass(frozen=True)
class _Org:
    township: str
    weak: bool
    stage: str | None


def _count(flags: list[bool]) -> int:
    return sum(1 for flag in flags if flag)


def _status(seen: list[tuple[dt.date, float]], target: float, due: dt.date | None, as_of: dt.date) -> str:
    """The status rule, as docs/status-and-targets.md states it: met (done); past its due date and not met
    (overdue); else, carrying on at the pace of the last four weeks (from the first snapshot of
    those four weeks to the latest; the last two snapshots when the four weeks hold fewer),
    does it reach the target by the due date (on_track) or not (behind)? Without a value there is
    no status; without a due date or two snapshots, no pace."""
    if not seen:
        return "no_target"
    day, actual = seen[-1]
    if actual >= target:
        return "done"
    if due is not None and as_of > due:
        return "overdue"
    if due is None or len(seen) < 2:
        return "unknown"
    recent = [(d, v) for d, v in seen if (as_of - d).days <= PACE_DAYS]
    if len(recent) < 2:
        recent = seen[-2:]
    (first_day, first), (last_day, last) = recent[0], recent[-1]
    per_day = (last - first) / (last_day - first_day).days
    reached = last + per_day * max((due - as_of).days, 0)
    return "on_track" if reached >= target else "behind"


class Oracle:
    """The figures of every weekly snapshot of the world, for any township filter and batch."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.weeks: tuple[dt.date, ...] = WEEKS
        self.townships: list[str] = sorted({v.township for v in world.villages})
        self._villages = {week: self._village_facts(week) for week in self.weeks}
        self._households = {week: self._household_facts(week) for week in self.weeks}
        self._orgs = {week: self._org_facts(week) for week in self.weeks}
        # Allocations in force on each Friday: (township or None for county-level, cents of 万元).
        self._funds = {
            week: [(a.township or None, a.cents) for a in world.funds if a.day <= week] for week in self.weeks
        }
        self._values: dict[tuple, dict[tuple[str, int | None], float]] = {}
        self._rankings: dict[tuple[dt.date, int | None], list[dict]] = {}
        self._chosen_targets: dict[tuple, list[dict]] = {}
        header = ("indicator", "batch", "township", "target", "due", "label")
        self._targets = [dict(zip(header, row, strict=True)) for row in target_rows(world)]

    # ------------------------------------------------------------------ the world on one day

    def _village_facts(self, week: dt.date) -> list[_Village]:
        out = []
        for v in self.world.villages:
            status = v.status(week)
            out.append(
                _Village(
                    township=v.township,
                    batch=v.batch,
                    completed=status in COMPLETED,
                    reclaimed=status in RECLAIMED,
                    # Registrations moved: every household of the village has transferred its 户籍.
                    hukou=bool(v.households) and all(_on(h.hukou_on, week) for h in v.households),
                    joint=_on(v.joint_on, week),
                    # 破零: this year's collective income above zero.
                    past_zero=v.income(week) > 0,
                )
            )
        return out

    def _household_facts(self, week: dt.date) -> list[_Household]:
        return [
            _Household(
                township=v.township,
                batch=v.batch,
                moved=_on(h.moved_on, week),
                people=h.people,
                # The vacated homestead is reported once the house is pulled down; reclaimed when ticked.
                reclaimed_m2=h.homestead_m2
                if _on(h.demolished_on, week) and _on(h.reclaimed_on, week)
                else 0,
            )
            for v in self.world.villages
            if v.batch is not None
            for h in v.households
        ]

    def _org_facts(self, week: dt.date) -> list[_Org]:
        return [
            _Org(o.township, o.weak, o.rectification(week) if o.weak else None)
            for o in self.world.orgs
            if o.listed(week)
        ]

    @staticmethod
    def _within(rows: list, townships: list[str]) -> list:
        return [r for r in rows if r.township in townships] if townships else rows

    @staticmethod
    def _of_batch(rows: list, batch: int | None) -> dict[int, list]:
        """Relocation rows (those with a batch) by batch, only the chosen one when there is one."""
        out: dict[int, list] = {}
        for r in rows:
            if r.batch is not None and batch in (None, r.batch):
                out.setdefault(r.batch, []).append(r)
        return out

    # ------------------------------------------------------------------ the weekly series

    def values(
        self, week: dt.date, townships: list[str], batch: int | None
    ) -> dict[tuple[str, int | None], float]:
        """Each indicator's value on one weekly snapshot; an indicator with no rows there is absent."""
        key = (week, tuple(townships), batch)
        if key not in self._values:
            self._values[key] = self._compute_values(week, townships, batch)
        return self._values[key]

    def _compute_values(
        self, week: dt.date, townships: list[str], batch: int | None
    ) -> dict[tuple[str, int | None], float]:
        out: dict[tuple[str, int | None], float] = {}
        villages = self._within(self._villages[week], townships)
        for b, rows in self._of_batch(villages, batch).items():
            out[("villages_completed", b)] = _count([r.completed for r in rows])
            out[("hukou_transferred", b)] = _count([r.completed and r.hukou for r in rows])
            out[("joint_branches", b)] = _count([r.completed and r.joint for r in rows])
            out[("demolished_reclaimed", b)] = _count([r.reclaimed for r in rows])
        households = self._within(self._households[week], townships)
        for b, rows in self._of_batch(households, batch).items():
            out[("households_moved", b)] = _count([r.moved for r in rows])
            out[("people_moved", b)] = sum(r.people for r in rows if r.moved)
            out[("homestead_reclaimed_m2", b)] = float(sum(r.reclaimed_m2 for r in rows))
        if villages:
            # The 破零 rate is over every administrative village, not only relocation villages.
            out[("zero_break_rate", None)] = 100.0 * _count([v.past_zero for v in villages]) / len(villages)
        orgs = self._within(self._orgs[week], townships)
        if orgs:
            out[("weak_orgs_rectified", None)] = _count([o.weak and o.stage in RECTIFIED for o in orgs])
        # The whole county's funds include the county-level allocations (no township).
        funds = [c for town, c in self._funds[week] if not townships or town in townships]
        if funds:
            out[("funds_10k", None)] = sum(funds) / 100
        return out

    # ------------------------------------------------------------------ the cards

    def share(self, as_of: dt.date, township: str, indicator: str, batch: int | None) -> float | None:
        """A township's share of a county target by its own ledgers on as_of (None: the indicator
        has no such share; 0: the township has no such plan)."""
        villages = [v for v in self.world.villages if v.township == township and v.batch == batch]
        if indicator in VILLAGE_SHARE:
            return float(len(villages))
        if indicator == HOUSEHOLD_SHARE:
            return float(sum(v.planned[0] for v in villages))
        if indicator == PEOPLE_SHARE:
            return float(sum(v.planned[1] for v in villages))
        if indicator == WEAK_SHARE:
            return float(sum(1 for o in self._orgs[as_of] if o.township == township and o.weak))
        return None

    def targets(self, townships: list[str], batch: int | None, as_of: dt.date | None = None) -> list[dict]:
        """The targets that apply: the county's; for townships, the sum of each one's own target,
        or where it has none, its share by its ledgers (a township without such a plan adding
        nothing); a rate is never summed (one township's own rate target, else the county's)."""
        as_of = as_of or self.weeks[-1]
        key = (tuple(townships), batch, as_of)
        if key not in self._chosen_targets:
            self._chosen_targets[key] = self._choose_targets(townships, batch, as_of)
        return self._chosen_targets[key]

    def _choose_targets(self, townships: list[str], batch: int | None, as_of: dt.date) -> list[dict]:
        rows = [r for r in self._targets if batch is None or r["batch"] in ("", str(batch))]
        county = [r for r in rows if r["township"] == ""]
        if not townships:
            return [self._target(r) for r in county]
        chosen = []
        for c in county:
            indicator, b = c["indicator"], c["batch"]
            if indicator in RATES:
                own = [r for r in rows if r["indicator"] == indicator and r["township"] in townships]
                picked = own[0] if len(townships) == 1 and own else c
                chosen.append(self._target(picked) | {"basis": None if picked is not c else COUNTY_RATE})
                continue
            total, derived, complete = 0.0, False, True
            for town in townships:
                own = [r for r in rows if (r["indicator"], r["batch"], r["township"]) == (indicator, b, town)]
                if own:
                    total += float(own[0]["target"])
                    continue
                share = self.share(as_of, town, indicator, int(b) if b else None)
                if share is None:
                    complete = False
                    break
                total += share
                derived = derived or share > 0
            any_own = any(
                r["indicator"] == indicator and r["batch"] == b and r["township"] in townships for r in rows
            )
            if complete and (total > 0 or any_own):
                chosen.append(self._target(c) | {"target": total, "basis": LEDGER_PLAN if derived else None})
        return chosen

    @staticmethod
    def _target(r: dict) -> dict:
        return {
            "indicator": r["indicator"],
            "batch": int(r["batch"]) if r["batch"] else None,
            "target": float(r["target"]),
            "due": dt.date.fromisoformat(r["due"]) if r["due"] else None,
            "basis": None,
        }

    def cards(self, as_of: dt.date, townships: list[str], batch: int | None) -> list[Card]:
        """The overview's cards on as_of: latest value, the one of the snapshot before, the target."""
        weeks = [week for week in self.weeks if week <= as_of]
        history = [self.values(week, townships, batch) for week in weeks]
        out = []
        for t in self.targets(townships, batch, as_of):
            key = (t["indicator"], t["batch"])
            seen = [(week, values[key]) for week, values in zip(weeks, history) if key in values]
            actual = seen[-1][1] if seen else None
            out.append(
                Card(
                    t["indicator"],
                    t["batch"],
                    actual=actual,
                    previous=seen[-2][1] if len(seen) > 1 else None,
                    target=t["target"],
                    due=t["due"],
                    basis=t["basis"],
                    status=_status(seen, t["target"], t["due"], as_of),
                )
            )
        order = list(INDICATORS)
        return sorted(out, key=lambda c: (order.index(c.indicator), c.batch or 0))

    def measured_batch(self, as_of: dt.date, townships: list[str], batch: int | None) -> int | None:
        """The batch the ranking counts: the one chosen; else the batch still open whose deadline
        comes first; else, every batch done, the last one."""
        if batch is not None:
            return batch
        relocation = [
            c
            for c in self.cards(as_of, townships, None)
            if c.indicator in ("villages_completed", "households_moved", "people_moved") and c.batch
        ]
        still_open = [c for c in relocation if c.status != "done"]
        if still_open:
            return min(still_open, key=lambda c: (c.due or dt.date.max, c.batch)).batch
        return max((c.batch for c in relocation if c.batch), default=None)

    # ------------------------------------------------------------------ per township

    def ranking(self, as_of: dt.date, townships: list[str], batch: int | None) -> list[dict]:
        """The township ranking: one row per township with villages, most households moved (share) first.
        A township's row is about that township alone, so a filter only leaves rows out."""
        if (as_of, batch) not in self._rankings:
            self._rankings[(as_of, batch)] = self._rank(as_of, batch)
        return [row for row in self._rankings[(as_of, batch)] if not townships or row["place"] in townships]

    def _rank(self, as_of: dt.date, batch: int | None) -> list[dict]:
        rows = []
        for town in self.townships:
            v = self._within(self._villages[as_of], [town])
            if not v:
                continue
            relocation = [r for rs in self._of_batch(v, batch).values() for r in rs]
            h = [
                r
                for rs in self._of_batch(self._within(self._households[as_of], [town]), batch).values()
                for r in rs
            ]
            o = self._within(self._orgs[as_of], [town])
            moved = _count([r.moved for r in h])
            past = _count([r.past_zero for r in v])
            rows.append(
                {
                    "place": town,
                    "relocation_villages": len(relocation),
                    "villages_completed": _count([r.completed for r in relocation]),
                    "households": len(h),
                    "households_moved": moved,
                    "people_moved": sum(r.people for r in h if r.moved),
                    "moved_percent": 100.0 * moved / len(h) if h else None,
                    "villages": len(v),
                    "villages_past_zero": past,
                    "zero_break_rate": 100.0 * past / len(v),
                    "weak_orgs": _count([r.weak for r in o]),
                    "weak_orgs_rectified": _count([r.weak and r.stage in RECTIFIED for r in o]),
                }
            )
        # Highest share moved first (townships with no relocation households last), then 破零 rate, then name.
        rows.sort(key=lambda r: -r["zero_break_rate"])
        rows.sort(key=lambda r: (r["moved_percent"] is None, -(r["moved_percent"] or 0.0)))
        return rows

    def zero_break_by_township(self, as_of: dt.date) -> dict[str, tuple[int, int, float]]:
        """Per township: villages, villages past 破零, and the rate in percent."""
        out = {}
        for town in self.townships:
            v = self._within(self._villages[as_of], [town])
            past = _count([r.past_zero for r in v])
            out[town] = (len(v), past, 100.0 * past / len(v))
        return out

    def weak_orgs_by_township(self, as_of: dt.date) -> dict[str, dict[str, int]]:
        """Per township with weak organizations: how many stand at each rectification stage."""
        out: dict[str, dict[str, int]] = {}
        for o in self._orgs[as_of]:
            if o.weak:
                stages = out.setdefault(o.township, dict.fromkeys(RECTIFICATION_STAGES, 0))
                stages[o.stage] += 1
        return out

    def joint_branches_by_township(self, as_of: dt.date, batch: int | None) -> dict[str, tuple[int, int]]:
        """Per township with completed relocation villages: (completed, with a joint party branch)."""
        out: dict[str, tuple[int, int]] = {}
        for rows in self._of_batch(self._villages[as_of], batch).values():
            for r in rows:
                if r.completed:
                    completed, joint = out.get(r.township, (0, 0))
                    out[r.township] = (completed + 1, joint + int(r.joint))
        return out

    def funds_by_township(self, as_of: dt.date) -> dict[str, float]:
        """万元 allocated per township, county-level allocations as 县级统筹."""
        out: dict[str, int] = {}
        for town, cents in self._funds[as_of]:
            out[town or COUNTY_LEVEL] = out.get(town or COUNTY_LEVEL, 0) + cents
        return {town: cents / 100 for town, cents in out.items()}
