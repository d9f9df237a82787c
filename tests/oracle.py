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
The rules are written here again, as docs/import-rules.md and docs/data-contract.md state them, with
their own literal stage lists. tests/test_oracle.py checks that this module imports
nothing else from `tracker` than the sample generator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from synth.sample import WEEKS, World, target_rows

# The rules, as the indicator table of docs/import-rules.md states them.
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
                stages[str(o.stage)] += 1
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


# ---------------------------------------------------------------------- 包保责任: 督办清单 and 红黑榜
#
# The rules as docs/responsibilities.md states them, written again from the generator's own plans
# (synth.sample.responsibilities) and the world's stages, with their own literal stage lists.

RELOCATION_STAGES = ("未启动", "动员中", "搬迁中", "已搬迁", "已拆除复垦", "已销号")
# Each planned date: the stage to be reached by then (late from the day after).
VILLAGE_PLAN = (
    ("mobilised_on", "动员中"),
    ("move_start_on", "搬迁中"),
    ("moved_on", "已搬迁"),
    ("reclaimed_on", "已拆除复垦"),
)
ORG_PLAN = (("rectified_on", "已整顿"),)
RED_BLACK_SIZE = 3


@dataclass(frozen=True)
class Item:
    """One item of the 包保责任台账 on a day, as the 督办清单 should show it."""

    township: str
    name: str
    kind: str  # village | org
    batch: int | None
    leader: str
    leader_title: str
    department: str
    stage: str
    planned_stage: str | None
    planned_on: dt.date | None
    days_behind: int
    weeks_still: int
    deadline: dt.date | None
    days_overdue: int
    status: str
    completed: bool

    @property
    def days_late(self) -> int:
        return max(self.days_behind, self.days_overdue)


class Supervision:
    """The 督办清单 and the 红黑榜 of every week of the sample, worked out from the world and its plans."""

    def __init__(self, world: World) -> None:
        from synth.sample import responsibilities

        self.world = world
        self.plans = responsibilities(world)
        self.weeks: tuple[dt.date, ...] = WEEKS
        rows = [dict(zip(("indicator", "batch", "township", "target", "due", "label"), r, strict=True))
                for r in target_rows(world)]  # fmt: skip
        county = [r for r in rows if r["township"] == ""]
        self.deadlines: dict[tuple[str, int | None], dt.date] = {}
        for r in county:
            if r["indicator"] == "villages_completed":
                self.deadlines[("village", int(r["batch"]))] = dt.date.fromisoformat(r["due"])
            if r["indicator"] == "weak_orgs_rectified":
                self.deadlines[("org", None)] = dt.date.fromisoformat(r["due"])

    def _stage(self, plan, week: dt.date) -> str:
        return plan.village.status(week) if plan.village is not None else plan.org.rectification(week)

    def items(self, as_of: dt.date) -> list[Item]:
        """Every item on as_of (the sample's ledgers are weekly, so the snapshot in force is the week's)."""
        return [self._item(plan, as_of) for plan in self.plans]

    def _item(self, plan, as_of: dt.date) -> Item:
        kind = "village" if plan.village is not None else "org"
        order = RELOCATION_STAGES if kind == "village" else RECTIFICATION_STAGES
        milestones = VILLAGE_PLAN if kind == "village" else ORG_PLAN
        stage = self._stage(plan, as_of)
        passed = [
            (getattr(plan, f), s) for f, s in milestones if getattr(plan, f) and getattr(plan, f) < as_of
        ]
        planned_on, planned = passed[-1] if passed else (None, None)
        missed = [day for day, s in passed if order.index(s) > order.index(stage)]
        behind = (as_of - missed[0]).days if missed else 0
        # Weeks at the current stage: back through the weekly snapshots while the stage is the same.
        earlier = [w for w in self.weeks if w <= as_of]
        since = as_of
        for week in reversed(earlier):
            if self._stage(plan, week) != stage:
                break
            since = week
        batch = plan.village.batch if plan.village is not None else None
        deadline = self.deadlines.get((kind, batch))
        completed = stage in (COMPLETED if kind == "village" else RECTIFIED)
        overdue = (as_of - deadline).days if deadline and as_of > deadline and not completed else 0
        last = [s for f, s in milestones if getattr(plan, f)][-1]
        if overdue:
            status = "逾期"
        elif behind:
            status = "滞后"
        elif order.index(stage) >= order.index(last):
            status = "已完成"
        else:
            status = "按期"
        return Item(
            township=plan.township,
            name=plan.name,
            kind=kind,
            batch=batch,
            leader=plan.leader.name,
            leader_title=plan.leader.title,
            department=plan.department,
            stage=stage,
            planned_stage=planned,
            planned_on=planned_on,
            days_behind=behind,
            weeks_still=(as_of - since).days // 7,
            deadline=deadline,
            days_overdue=overdue,
            status=status,
            completed=completed,
        )

    def supervision(self, as_of: dt.date, townships: list[str], leader: str | None = None) -> list[Item]:
        """The 督办清单 worst first (逾期, then 滞后; most days late; most weeks still; township, name);
        for a leader, all of the leader's items in the same order."""
        chosen = [i for i in self.items(as_of) if not townships or i.township in townships]
        if leader:
            chosen = [i for i in chosen if i.leader == leader]
        else:
            chosen = [i for i in chosen if i.status in ("逾期", "滞后")]
        rank = {"逾期": 0, "滞后": 1, "按期": 3, "已完成": 4}
        return sorted(
            chosen, key=lambda i: (rank[i.status], -i.days_late, -i.weeks_still, i.township, i.name)
        )

    def open_batch(self, as_of: dt.date) -> int:
        """The batch whose deadline comes next (on or after the day)."""
        ahead = sorted(
            (due, b)
            for (kind, b), due in self.deadlines.items()
            if kind == "village" and b is not None and due >= as_of
        )
        if ahead:
            return ahead[0][1]
        moving = sorted(
            {
                i.batch
                for i in self.items(as_of)
                if i.kind == "village" and i.batch is not None and not i.completed
            }
        )
        return moving[0] if moving else 2

    def _scores(self, as_of: dt.date, batch: int) -> dict[str, tuple]:
        out: dict[str, list[Item]] = {}
        for item in self.items(as_of):
            if item.kind == "village" and item.batch == batch:
                out.setdefault(item.township, []).append(item)
        scores = {}
        for town, items in out.items():
            n = len(items)
            on = sum(1 for i in items if i.status in ("按期", "已完成"))
            late = sum(i.days_late for i in items)
            moved = sum(1 for i in items if i.completed)
            scores[town] = (-100.0 * on / n, late / n, -100.0 * moved / n, on, n - on)
        return scores

    @staticmethod
    def _ranks(scores: dict[str, tuple]) -> dict[str, int]:
        return {t: 1 + sum(1 for o in scores.values() if o[:3] < key[:3]) for t, key in scores.items()}

    def red_black(self, as_of: dt.date, batch: int | None = None) -> list[dict]:
        """The 红黑榜: every township with villages of the batch, by rank then name, with last week's
        rank, the change (positive: up) and the board."""
        batch = batch or self.open_batch(as_of)
        scores = self._scores(as_of, batch)
        ranks = self._ranks(scores)
        earlier = [w for w in self.weeks if w < as_of]
        previous = self._ranks(self._scores(earlier[-1], batch)) if earlier else {}
        rows = []
        for town in sorted(scores, key=lambda t: (ranks[t], t)):
            behind = scores[town][4]
            if ranks[town] <= RED_BLACK_SIZE and behind == 0:
                board = "红榜"
            elif ranks[town] > len(scores) - RED_BLACK_SIZE and behind > 0:
                board = "黑榜"
            else:
                board = ""
            before = previous.get(town)
            rows.append(
                {
                    "township": town,
                    "rank": ranks[town],
                    "previous_rank": before,
                    "change": None if before is None else before - ranks[town],
                    "board": board,
                }
            )
        return rows
