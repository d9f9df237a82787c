"""Synthetic weekly exports of a whole city or province: many counties, generated fast.

`synth.sample` writes one county the way its clerks do (GBK, title rows,
merged headers, XLSX) and reproduces the report's figures. This module writes the same
kind of ledgers for N invented counties at once — 120 counties are a province of about
36,000 villages and 500,000 relocated households — plainly, as one UTF-8 CSV per ledger
and week, each with the county (县) as its first column, so that the importer, the store
and the queries can be measured at province scale.

As in the sample generator, a *world* is built first, each event carrying its day, and
each week is then a view of that world on its day, so that the snapshots agree with one
another. The world is held column-wise in numpy arrays and every week is rendered with
numpy and pyarrow compute, never row by row, and written with `pyarrow.csv.write_csv`.
Everything is drawn from one `numpy.random.Generator` in a fixed order, so a seed gives
byte-identical files.

    python -m synth.province --counties 120 --weeks 26 --out /tmp/province

Layout of OUT: `region.toml` (the counties and their townships), `目标任务_2017-05-05.csv`,
and `weekly/<day>/{村级台账,搬迁户台账,党组织台账,资金台账}_<day>.csv` for each Friday.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pa_csv

from synth.sample import (
    CITY_SITES,
    LIVELIHOODS,
    MODE_WEIGHTS,
    OFFICIAL_GIVEN,
    OUT_OF_COUNTY,
    REAL_PEOPLE,
    SURNAMES,
    VILLAGE_COLUMNS,
    VILLAGE_PREFIXES,
    VILLAGE_SUFFIXES,
    VILLAGER_GIVEN,
)
from tracker.contract import schema

SEED = 2017
FIRST_WEEK = dt.date(2017, 5, 5)
TARGETS_DAY = FIRST_WEEK
REGION_NAME = "山西省（模拟）"
PROVINCE = "山西省"
COUNTY_CODE_PREFIX = "149"  # 14 is Shanxi, which has no city coded 90–99: no real county's code
MAX_COUNTIES = 999  # county codes 149001..149999
COUNTY_HEADER = "县"

EPOCH = dt.date(1970, 1, 1)  # day numbers are days since EPOCH, as pyarrow's date32
NEVER = 1 << 30  # the day number of an event that does not happen

# Invented county names: a first and a second character and 县 (always three characters,
# which keeps "county + township + village" names unambiguous).
COUNTY_FIRST = "安平永定兴和长广泰康德福昌隆宁清嘉华盛丰乐寿新靖武阳宜绥惠恒崇襄"
COUNTY_SECOND = "川山泉源水城原谷岭峪台坪塬溪林关津池田丘亭坡陵沟峰石湖滩营堡"
# Township names: a two-character place name and 镇 or 乡; 城关 is the usual county seat.
SEAT = "城关"
TOWNSHIP_PLACES = (
    "东关", "西关", "南关", "北关", "新城", "古城", "龙泉", "石门", "河口", "杨家", "李家", "王家",
    "马家", "柳林", "杏园", "红旗", "青龙", "白马", "黄河", "沙河", "枣林", "阳坡", "大峪", "小峪",
    "前进", "胜利", "双庙", "三岔", "五龙", "金山", "桃园", "梨园", "长乐", "安乐", "太平", "和平",
    "清水", "温泉", "高家", "张家", "赵家", "刘家", "郭家", "庙湾", "水泉", "石峁", "土桥", "东坡",
    "西沟", "南沟", "上庄", "下庄", "中寨", "前营", "后营", "新庄", "官庄", "峪口", "平地", "桥头",
    "窑头", "贺家", "寨子", "马坊",
)  # fmt: skip
TOWNSHIPS_PER_COUNTY = (8, 15)
VILLAGES_PER_COUNTY = (250, 350)
MIN_VILLAGES_PER_TOWNSHIP = 10
RELOCATION_SHARE = (0.09, 0.13)  # of a county's villages
BATCH1_SHARE = 0.4
HOUSEHOLDS_PER_VILLAGE = (40, 214)  # a relocation village's households, inclusive: mean 127
PEOPLE_P = (0.31, 0.34, 0.18, 0.10, 0.05, 0.02)  # 1..6 people a household: mean 2.30
POOR_SHARE = 0.55
POOR_VILLAGE_SHARE = 0.26  # of the villages that do not relocate
WEAK_SHARE = 0.105  # weak and lax branches, among the villages that do not relocate
# Collective income: 55 % of villages have some in May, 70 % by 2017-10-13, 78 % by spring.
ZERO_BREAK = ((0.55, FIRST_WEEK, FIRST_WEEK), (0.70, dt.date(2017, 5, 12), dt.date(2017, 10, 13)))
LATE_BREAK = (0.78, dt.date(2017, 10, 20), dt.date(2018, 4, 27))
FLOATING_UNTIL = dt.date(2017, 10, 13)  # floating members join their branches until then
STAGES = schema.RELOCATION_STAGES
RECTIFICATION = schema.RECTIFICATION_STAGES
FUND_SOURCES = ("财政专项资金", "财政转贷资金", "基础设施补助", "公共服务设施补助", "脱贫双增长资金")
FUND_PURPOSES = (
    "县城集中安置小区建设",
    "易地扶贫搬迁安置房建设（转贷）",
    "安置区道路、供水、供电管网",
    "安置区学校、卫生室、社区服务中心",
    "搬迁户后续产业扶持",
    "旧房拆除复垦奖补",
)
# County-wide allocations: (source, purpose, how many, typical amount in 万元 for 650 households).
COUNTY_FUNDS = ((0, 0, 7, 450), (1, 1, 5, 550), (2, 2, 6, 180), (3, 3, 5, 150))
TARGET_DUE = {1: "2017-06-30", 2: "2017-12-31", None: "2017-12-31"}

# Columns each ledger writes, by contract name, after 县; headers come from the schema (the
# villages' are the sample's VILLAGE_COLUMNS).
HOUSEHOLD_COLUMNS = (
    "household_id", "id_hash", "head_name_masked", "township", "village", "relocation_batch",
    "is_poor", "people", "resettlement_mode", "resettled_at", "moved_on", "rooms_demolished",
    "homestead_m2", "reclaimed", "subsidy_yuan", "self_funded_yuan", "hukou_transferred",
    "income_per_capita_yuan", "livelihood",
)  # fmt: skip
ORG_COLUMNS = (
    "township", "org_name", "org_type", "members", "weak_lax", "rectification_status",
    "rectified_on", "first_secretary", "floating_members",
)  # fmt: skip
FUND_COLUMNS = ("source", "amount_10k", "township", "village", "allocated_on", "purpose")
TARGET_HEADERS = (COUNTY_HEADER, "指标", "批次", "乡镇", "目标值", "完成时限", "说明")
WRITE_OPTIONS = pa_csv.WriteOptions(quoting_style="none", quoting_header="none", batch_size=1 << 16)

Ints = np.ndarray  # a numpy integer array
Flags = np.ndarray  # a numpy boolean array


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01: the number pyarrow's date32 stores."""
    return (day - EPOCH).days


def fridays(weeks: int) -> list[dt.date]:
    """The snapshot days: weeks consecutive Fridays from 2017-05-05."""
    return [FIRST_WEEK + dt.timedelta(weeks=k) for k in range(weeks)]


# --------------------------------------------------------------------------- the world


@dataclass(frozen=True)
class CountyPlan:
    """One invented county: its name, code, village count and (name, code, alias) townships."""

    name: str
    code: str
    villages_expected: int
    townships: tuple[tuple[str, str, str], ...]


@dataclass
class Villages:
    """Every village of the region, in county, township and village order."""

    county: Ints  # index into the counties
    town: Ints  # index into the region's townships
    index: Ints  # 1-based position in its township: the middle of 户编号
    name: np.ndarray  # object array of names, unique within a county
    poverty_class: Ints  # index into schema.POVERTY_CLASSES
    batch: Ints  # 0: not a relocation village
    receiving: Ints  # index of the receiving village, -1 for none
    planned_households: Ints
    planned_people: Ints
    mobilised: Ints  # day numbers of the events; NEVER when they do not happen
    started: Ints
    completed: Ints
    reclaimed: Ints
    closed: Ints
    joint: Ints
    hukou: Ints  # the day the last household's registration moved
    members: Ints
    income_from: Ints
    income_base: Ints  # cents of 万元
    income_weekly: Ints
    pv_kw: Ints  # 0: no station
    pv_on: Ints


@dataclass
class Households:
    """Every relocated household, grouped by village in village order."""

    village: Ints
    people: Ints
    poor: Flags
    moved: Ints
    demolished: Ints
    reclaimed: Ints
    hukou: Ints
    rooms: Ints
    homestead_m2: Ints
    livelihood: Ints
    static: dict[str, pa.Array]  # columns that are the same in every week


@dataclass
class Orgs:
    """Every party organisation ever listed, in county and township order."""

    town: Ints
    name: pa.Array
    org_type: Ints
    members: Ints
    weak: Flags
    since: Ints
    until: Ints
    started: Ints
    rectified: Ints
    accepted: Ints
    secretary: pa.Array
    floating_final: Ints  # -1: not a floating-member branch
    floating_gap: Ints


@dataclass
class Funds:
    """Every allocation, in county and day order."""

    county: Ints
    town: Ints  # -1: county-wide
    village: Ints  # -1: not for one village
    source: Ints
    purpose: Ints
    day: Ints
    cents: Ints  # cents of 万元


@dataclass
class World:
    """The region: its counties and every record, with the days things happen."""

    counties: list[CountyPlan]
    county_names: pa.Array
    town_names: pa.Array
    town_county: Ints
    villages: Villages
    households: Households
    orgs: Orgs
    funds: Funds


def _between(rng: np.random.Generator, low: Ints | int, high: Ints | int, size: int) -> Ints:
    """Integers drawn uniformly from low..high inclusive (bounds may be arrays)."""
    low_a = np.broadcast_to(np.asarray(low, np.int64), (size,))
    high_a = np.maximum(np.broadcast_to(np.asarray(high, np.int64), (size,)), low_a)
    return low_a + np.floor(rng.random(size) * (high_a - low_a + 1)).astype(np.int64)


def _days(rng: np.random.Generator, first: dt.date, last: dt.date, size: int) -> Ints:
    """Day numbers drawn uniformly from first..last inclusive."""
    return _between(rng, day_number(first), day_number(last), size)


def _group_starts(sizes: Ints) -> Ints:
    """Where each group of a concatenation starts."""
    return np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)


def _plan_counties(rng: np.random.Generator, counties: int) -> list[CountyPlan]:
    """County names, codes, village counts and townships."""
    pool = [a + b for a in COUNTY_FIRST for b in COUNTY_SECOND if a != b and a + b != "河曲"]
    names = [pool[i] + "县" for i in rng.choice(len(pool), counties, replace=False)]
    villages = rng.integers(VILLAGES_PER_COUNTY[0], VILLAGES_PER_COUNTY[1] + 1, counties)
    towns = rng.integers(TOWNSHIPS_PER_COUNTY[0], TOWNSHIPS_PER_COUNTY[1] + 1, counties)
    plans = []
    for number, (name, n_villages, n_towns) in enumerate(zip(names, villages, towns, strict=True), 1):
        code = f"{COUNTY_CODE_PREFIX}{number:03d}"
        seat = SEAT if rng.random() < 2 / 3 else TOWNSHIP_PLACES[rng.integers(len(TOWNSHIP_PLACES))]
        others = [p for p in TOWNSHIP_PLACES if p != seat]
        places = [seat, *(others[i] for i in rng.choice(len(others), n_towns - 1, replace=False))]
        n_zhen = int(rng.integers(2, 6))  # the seat and a few others are towns (镇)
        township_list = []
        for i, place in enumerate(places):
            zhen = i < n_zhen
            suffix, town_code = ("镇", 100 + i) if zhen else ("乡", 200 + i - n_zhen)
            township_list.append((place + suffix, f"{code}{town_code:03d}", place))
        plans.append(CountyPlan(name, code, int(n_villages), tuple(township_list)))
    return plans


def build_world(rng: np.random.Generator, counties: int) -> World:
    """Every county, village, household, organisation and allocation of the region."""
    plans = _plan_counties(rng, counties)
    town_names = [t[0] for p in plans for t in p.townships]
    town_county = np.repeat(np.arange(counties), [len(p.townships) for p in plans])
    villages = _make_villages(rng, plans)
    households = _make_households(rng, plans, villages, town_names)
    county_names = pa.array([p.name for p in plans], pa.string())
    town_array = pa.array(town_names, pa.string())
    orgs = _make_orgs(rng, plans, villages, county_names, town_array, town_county)
    funds = _make_funds(rng, villages, households, counties)
    return World(plans, county_names, town_array, town_county, villages, households, orgs, funds)


def _make_villages(rng: np.random.Generator, plans: list[CountyPlan]) -> Villages:
    """Villages with their names, classes, relocation plans and receiving villages."""
    name_pool = np.array([p + s + "村" for p in VILLAGE_PREFIXES for s in VILLAGE_SUFFIXES], dtype=object)
    county, town, index, names, batch, receiving = [], [], [], [], [], []
    town_base = village_base = 0
    for c, plan in enumerate(plans):
        n, n_towns = plan.villages_expected, len(plan.townships)
        weights = rng.uniform(0.6, 1.4, n_towns)
        counts = MIN_VILLAGES_PER_TOWNSHIP + rng.multinomial(
            n - MIN_VILLAGES_PER_TOWNSHIP * n_towns, weights / weights.sum()
        )
        local_town = np.repeat(np.arange(n_towns), counts)
        county.append(np.full(n, c))
        town.append(town_base + local_town)
        index.append(np.arange(n) - _group_starts(counts)[local_town] + 1)
        names.append(name_pool[rng.choice(len(name_pool), n, replace=False)])
        # About 11 % relocate, 40 % of them in the first batch.
        chosen = rng.choice(n, round(n * rng.uniform(*RELOCATION_SHARE)), replace=False)
        b = np.zeros(n, np.int64)
        b[chosen] = 2
        b[chosen[: round(len(chosen) * BATCH1_SHARE)]] = 1
        batch.append(b)
        receiving.append(village_base + _receiving(rng, local_town, b, n_towns))
        town_base += n_towns
        village_base += n
    v_county, v_batch = np.concatenate(county), np.concatenate(batch)
    reloc = v_batch > 0
    v_receiving = np.where(reloc, np.concatenate(receiving), -1)
    size = len(v_county)
    poor = rng.random(size) < POOR_VILLAGE_SHARE
    v_class = np.where(reloc, 0, np.where(poor, 1, 2))
    members = np.where(reloc, rng.integers(2, 10, size), rng.integers(5, 43, size))
    pv_kw = np.where(
        ~reloc & (v_class == 1) & (rng.random(size) < 0.6), rng.choice([60, 100, 100, 200, 300], size), 0
    )
    pv_on = np.where(rng.random(size) < 0.8, 0, _days(rng, FIRST_WEEK, dt.date(2017, 12, 31), size))
    income_from, base, weekly = _income(rng, v_county, v_class, len(plans))
    zeros = np.zeros(size, np.int64)
    never = np.full(size, NEVER, np.int64)
    return Villages(
        county=v_county,
        town=np.concatenate(town),
        index=np.concatenate(index),
        name=np.concatenate(names),
        poverty_class=v_class,
        batch=v_batch,
        receiving=v_receiving,
        planned_households=zeros.copy(),
        planned_people=zeros.copy(),
        mobilised=never.copy(),
        started=never.copy(),
        completed=never.copy(),
        reclaimed=never.copy(),
        closed=never.copy(),
        joint=never.copy(),
        hukou=never.copy(),
        members=members,
        income_from=income_from,
        income_base=base,
        income_weekly=weekly,
        pv_kw=pv_kw,
        pv_on=np.where(pv_kw > 0, pv_on, NEVER),
    )


def _receiving(rng: np.random.Generator, local_town: Ints, batch: Ints, n_towns: int) -> Ints:
    """For each village of a county, the county-local index of a village it could move into.

    A few central villages of each township (its first four that stay) take in the
    relocation villages, so some receive several.
    """
    out = np.full(len(batch), -1, np.int64)
    staying = np.flatnonzero(batch == 0)
    for t in range(n_towns):
        movers = np.flatnonzero((local_town == t) & (batch > 0))
        hubs = staying[local_town[staying] == t][:4]
        if len(hubs) == 0:
            hubs = staying[:4]
        out[movers] = hubs[rng.integers(0, len(hubs), len(movers))]
    return out


def _income(rng: np.random.Generator, county: Ints, v_class: Ints, counties: int) -> tuple[Ints, Ints, Ints]:
    """First day with collective income, its base and its weekly growth (cents of 万元).

    Within each county villages are ranked (non-poor first, by chance): the first 55 % have
    income in May, the next 15 % break zero week by week to 2017-10-13, 8 % more by spring.
    """
    size = len(county)
    score = rng.random(size) + np.array([-0.3, 0.0, 0.35])[v_class]
    order = np.lexsort((-score, county))
    counts = np.bincount(county, minlength=counties)
    rank = np.empty(size, np.int64)
    rank[order] = np.arange(size) - _group_starts(counts)[county[order]]
    share = rank / counts[county]
    income_from = np.full(size, NEVER, np.int64)
    low = 0.0
    for high, first, last in (*ZERO_BREAK, LATE_BREAK):
        band = (share >= low) & (share < high)
        weeks = (last - first).days // 7
        step = np.floor((share - low) / (high - low) * (weeks + 1)).clip(0, weeks).astype(np.int64)
        income_from = np.where(band, day_number(first) + 7 * step, income_from)
        low = high
    early = income_from == day_number(FIRST_WEEK)
    base = np.where(early, rng.integers(50, 2501, size), rng.integers(30, 201, size))
    weekly = np.where(early, rng.integers(5, 61, size), rng.integers(2, 31, size))
    return income_from, base, weekly


def _make_households(
    rng: np.random.Generator, plans: list[CountyPlan], v: Villages, town_names: list[str]
) -> Households:
    """The households of the relocation villages, their moves and what they are paid."""
    movers = np.flatnonzero(v.batch > 0)
    sizes = rng.integers(HOUSEHOLDS_PER_VILLAGE[0], HOUSEHOLDS_PER_VILLAGE[1] + 1, len(movers))
    starts = _group_starts(sizes)
    village = np.repeat(movers, sizes)
    n = len(village)
    seq = np.arange(n) - np.repeat(starts, sizes) + 1
    people = rng.choice(np.arange(1, 7), n, p=PEOPLE_P)
    poor = rng.random(n) < POOR_SHARE
    v.planned_households[movers] = sizes
    v.planned_people[movers] = np.add.reduceat(people, starts)
    moved = _schedule_villages(rng, v, movers, sizes, starts)
    demolished = moved + rng.integers(7, 41, n)
    _schedule_reclaiming(rng, v, movers, starts, demolished)
    reclaimed = np.minimum(demolished + rng.integers(5, 31, n), v.reclaimed[village])
    hukou = moved + rng.integers(14, 46, n) + np.where(v.batch[village] == 2, rng.integers(7, 21, n), 0)
    v.hukou[movers] = np.maximum.reduceat(hukou, starts)
    v.joint[movers] = np.where(
        rng.random(len(movers)) < 0.92, v.completed[movers] + rng.integers(7, 36, len(movers)), NEVER
    )
    static = _household_static(rng, plans, v, town_names, village, seq, people, poor)
    return Households(
        village=village,
        people=people,
        poor=poor,
        moved=moved,
        demolished=demolished,
        reclaimed=reclaimed,
        hukou=hukou,
        rooms=rng.integers(2, 7, n),
        homestead_m2=rng.integers(160, 461, n),
        livelihood=rng.integers(0, len(LIVELIHOODS), n),
        static=static,
    )


def _schedule_villages(
    rng: np.random.Generator, v: Villages, movers: Ints, sizes: Ints, starts: Ints
) -> Ints:
    """Mobilisation and move days of each relocation village; each household's move day.

    The first batch moves in May–June; the second from August to December, but 15 % of its
    villages are still preparing in the autumn and move in the spring of 2018. A village's
    first and last moves fall on its start and completion days, so a village is 已搬迁
    exactly when its last household has moved.
    """
    m = len(movers)
    first = v.batch[movers] == 1
    late = ~first & (rng.random(m) < 0.15)
    mobilised = np.select(
        [first, late],
        [
            _days(rng, dt.date(2017, 3, 20), dt.date(2017, 4, 20), m),
            _days(rng, dt.date(2017, 8, 21), dt.date(2017, 9, 22), m),
        ],
        _days(rng, dt.date(2017, 6, 12), dt.date(2017, 7, 28), m),
    )
    start = np.select(
        [first, late],
        [
            _days(rng, dt.date(2017, 5, 1), dt.date(2017, 5, 20), m),
            _days(rng, dt.date(2018, 3, 1), dt.date(2018, 3, 31), m),
        ],
        _days(rng, dt.date(2017, 8, 1), dt.date(2017, 8, 28), m),
    )
    end = np.select(
        [first, late],
        [
            _between(
                rng,
                np.maximum(start + 21, day_number(dt.date(2017, 5, 31))),
                day_number(dt.date(2017, 6, 29)),
                m,
            ),
            start + rng.integers(30, 76, m),
        ],
        _between(
            rng, np.maximum(start + 28, day_number(dt.date(2017, 9, 8))), day_number(dt.date(2017, 12, 22)), m
        ),
    )
    v.mobilised[movers], v.started[movers], v.completed[movers] = mobilised, start, end
    village_start, village_end = np.repeat(start, sizes), np.repeat(end, sizes)
    moved = _between(rng, village_start, village_end, len(village_start))
    at_start = rng.integers(0, sizes)
    at_end = (at_start + 1 + rng.integers(0, sizes - 1)) % sizes
    moved[starts + at_start] = start
    moved[starts + at_end] = end
    return moved


def _schedule_reclaiming(
    rng: np.random.Generator, v: Villages, movers: Ints, starts: Ints, demolished: Ints
) -> None:
    """Reclaimed after the last house is down (batch 1 in July–September); 40 % struck off later."""
    m = len(movers)
    last_down = np.maximum.reduceat(demolished, starts)
    summer = _days(rng, dt.date(2017, 7, 3), dt.date(2017, 9, 22), m)
    after = last_down + rng.integers(7, 22, m)
    v.reclaimed[movers] = np.where(
        v.batch[movers] == 1, np.maximum(after, summer), after + rng.integers(0, 31, m)
    )
    closed = v.reclaimed[movers] + rng.integers(21, 46, m)
    v.closed[movers] = np.where(rng.random(m) < 0.4, closed, NEVER)


def _household_static(
    rng: np.random.Generator,
    plans: list[CountyPlan],
    v: Villages,
    town_names: list[str],
    village: Ints,
    seq: Ints,
    people: Ints,
    poor: Flags,
) -> dict[str, pa.Array]:
    """The columns of the 搬迁户台账 that do not change from week to week."""
    n = len(village)
    county = v.county[village]
    town = v.town[village]
    town_codes = np.array([int(t[1]) for p in plans for t in p.townships], np.int64)
    household_id = town_codes[town] * 10**7 + v.index[village] * 10**4 + seq
    county_codes = np.array([int(p.code) for p in plans], np.int64)
    modes = list(MODE_WEIGHTS)
    weights = np.array(list(MODE_WEIGHTS.values()), float)
    mode = rng.choice(len(modes), n, p=weights / weights.sum())
    self_funded = _self_funding(rng, people, poor)
    income = np.where(poor, 2600 + 10 * rng.integers(0, 160, n), 4800 + 10 * rng.integers(0, 620, n))
    return {
        COUNTY_HEADER: pa.array([p.name for p in plans]).take(pa.array(county)),
        "household_id": pa.array(household_id).cast(pa.string()),
        "id_hash": _id_numbers(rng, county_codes[county]),
        "head_name_masked": _names(rng, n, VILLAGER_GIVEN),
        "township": pa.array(town_names).take(pa.array(town)),
        "village": pa.array(v.name[village], pa.string()),
        "relocation_batch": pa.array(v.batch[village].astype(np.int8)),
        "is_poor": _yes_no(poor),
        "people": pa.array(people.astype(np.int8)),
        "resettlement_mode": pa.array(modes).take(pa.array(mode)),
        "resettled_at": _places(rng, plans, v, village, mode, modes),
        "self_funded_yuan": pa.array(self_funded.astype(np.int32)),
        "income_per_capita_yuan": pa.array(income.astype(np.int32)),
    }


def _self_funding(rng: np.random.Generator, people: Ints, poor: Flags) -> Ints:
    """More than half of poor households pay nothing; the rest ≤ 3000 a person and ≤ 8000."""
    n = len(people)
    well_off = 500 * rng.integers(20, 90, n)
    cap = np.minimum(3000 * people, 8000)
    paying = 500 * (1 + np.floor(rng.random(n) * (cap // 500)).astype(np.int64))
    free = rng.random(n) < 0.55
    return np.where(~poor, well_off, np.where(free, 0, paying))


def _places(
    rng: np.random.Generator,
    plans: list[CountyPlan],
    v: Villages,
    village: Ints,
    mode: Ints,
    modes: list[str],
) -> pa.Array:
    """Where each household resettles, as its mode says."""
    n = len(village)
    county = v.county[village]
    town_counts = np.array([len(p.townships) for p in plans])
    town_first = _group_starts(town_counts)
    local_town = v.town[village] - town_first[county]
    other_town = (
        town_first[county]
        + (local_town + 1 + np.floor(rng.random(n) * (town_counts[county] - 1)).astype(np.int64))
        % town_counts[county]
    )
    aliases = np.array([t[2] for p in plans for t in p.townships], dtype=object)
    towns = np.array([t[0] for p in plans for t in p.townships], dtype=object)
    county_names = np.array([p.name for p in plans], dtype=object)
    if len(plans) > 1:
        other_county = county_names[(county + 1 + rng.integers(0, len(plans) - 1, n)) % len(plans)]
    else:
        other_county = np.array(OUT_OF_COUNTY, dtype=object)[rng.integers(0, len(OUT_OF_COUNTY), n)]
    by_mode = {
        "县城集中安置": np.array(CITY_SITES, dtype=object)[rng.integers(0, len(CITY_SITES), n)],
        "中心村安置": aliases[v.town[village]],
        "邻村就近安置": v.name[v.receiving[village]],
        "其他乡镇安置": towns[other_town],
        "外县安置": other_county,
        "自主分散安置": np.full(n, "自主购房", dtype=object),
    }
    place = np.empty(n, dtype=object)
    for number, name in enumerate(modes):
        chosen = mode == number
        place[chosen] = by_mode[name][chosen]
    return pa.array(place, pa.string())


def _names(rng: np.random.Generator, n: int, given: str) -> pa.Array:
    """Random 2–3 character names, never one of the report's real people."""
    surnames, chars = pa.array(list(SURNAMES)), pa.array([*given, ""])
    sur = rng.integers(0, len(SURNAMES), n)
    first = rng.integers(0, len(given), n)
    second = np.where(rng.random(n) < 0.75, rng.integers(0, len(given), n), len(given))
    while True:
        names = pc.binary_join_element_wise(surnames.take(sur), chars.take(first), chars.take(second), "")
        real = np.flatnonzero(pc.is_in(names, value_set=pa.array(sorted(REAL_PEOPLE))).to_numpy(False))
        if len(real) == 0:
            return names
        first[real] = rng.integers(0, len(given), len(real))


_ID_WEIGHTS = np.array((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), np.int64)
_ID_CHECK = pa.array(list("10X98765432"))


def _birth_days(days: Ints) -> Ints:
    """YYYYMMDD as an integer for each day number."""
    dates = days.astype("datetime64[D]")
    months = dates.astype("datetime64[M]")
    year = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (dates - months).astype(np.int64) + 1
    return year * 10000 + month * 100 + day


def _id_numbers(rng: np.random.Generator, area: Ints) -> pa.Array:
    """Distinct, valid 18-character ID numbers of people born 1935–1985 in their county.

    The check character follows GB 11643; the sequence never ends in 00, so no number
    ends in 000 (which importers take for one Excel truncated).
    """
    n = len(area)
    born = _birth_days(_days(rng, dt.date(1935, 1, 1), dt.date(1985, 12, 31), n))
    seq = rng.integers(1, 1000, n)
    while True:
        seq = np.where(seq % 100 == 0, seq + 1, seq)
        first17 = area * 10**11 + born * 1000 + seq
        order = np.argsort(first17, kind="stable")
        repeated = np.zeros(n, bool)
        repeated[order[1:]] = first17[order[1:]] == first17[order[:-1]]
        if not repeated.any():
            break
        seq[repeated] = rng.integers(1, 1000, int(repeated.sum()))
    total = np.zeros(n, np.int64)
    for position, weight in enumerate(_ID_WEIGHTS):
        total += (first17 // 10 ** (16 - position)) % 10 * weight
    return pc.binary_join_element_wise(
        pa.array(first17).cast(pa.string()), _ID_CHECK.take(pa.array(total % 11)), ""
    )


def _make_orgs(
    rng: np.random.Generator,
    plans: list[CountyPlan],
    v: Villages,
    county_names: pa.Array,
    town_names: pa.Array,
    town_county: Ints,
) -> Orgs:
    """Village and joint branches, resettlement-community and floating-member branches.

    Every name starts with its county's, so names are unique across the region.
    """
    size, reloc = len(v.county), v.batch > 0
    village_names = pa.array(v.name, pa.string())
    county_of = county_names.take(pa.array(v.county))
    town_of = town_names.take(pa.array(v.town))
    # Village branches; a joint branch replaces the branch of a village that moved out.
    branch = pc.binary_join_element_wise(county_of, town_of, village_names, "党支部", "")
    weak = ~reloc & (rng.random(size) < WEAK_SHARE)
    started = _days(rng, dt.date(2017, 4, 15), dt.date(2017, 8, 31), size)
    rectified = started + rng.integers(35, 101, size)
    accepted = rectified + rng.integers(14, 51, size)
    secretaries = _names(rng, size, OFFICIAL_GIVEN)
    secretary = pc.if_else(pa.array(v.poverty_class < 2), secretaries, pa.scalar(None, pa.string()))
    joined = np.flatnonzero(v.joint < NEVER)
    joint_name = pc.binary_join_element_wise(
        county_of.take(pa.array(joined)),
        town_of.take(pa.array(joined)),
        pc.utf8_slice_codeunits(village_names.take(pa.array(v.receiving[joined])), 0, -1),
        pc.utf8_slice_codeunits(village_names.take(pa.array(joined)), 0, -1),
        "联合党支部",
        "",
    )
    # Resettlement communities in the county seat, floating-member branches in every township.
    seats = _group_starts(np.array([len(p.townships) for p in plans]))
    sites = [site.removeprefix("县城")[:-2] + "社区党支部" for site in CITY_SITES]
    community_town = np.repeat(seats, len(sites))
    community_name = pa.array([p.name + s for p in plans for s in sites])
    n_towns, n_comm, n_joint = len(town_county), len(community_town), len(joined)
    floating_name = pc.binary_join_element_wise(
        county_names.take(pa.array(town_county)), town_names, "流动党员党支部", ""
    )
    floating_final = rng.integers(20, 91, n_towns)
    floating_gap = np.minimum(rng.integers(0, 13, n_towns), floating_final - 10)
    groups = (size, n_joint, n_comm, n_towns)
    town = np.concatenate([v.town, v.town[joined], community_town, np.arange(n_towns)])
    group = np.repeat(np.arange(4), groups)
    local = np.concatenate([np.arange(g) for g in groups])
    order = np.lexsort((local, group, town))
    never, zero = np.full(sum(groups), NEVER, np.int64), np.zeros(sum(groups), np.int64)
    no_secretary = pa.nulls(n_joint + n_comm + n_towns, pa.string())
    is_weak = np.concatenate([weak, np.zeros(n_joint + n_comm + n_towns, bool)])
    return Orgs(
        town=town[order],
        name=pa.concat_arrays([branch, joint_name, community_name, floating_name]).take(pa.array(order)),
        org_type=np.repeat(np.array([0, 1, 2, 3]), groups)[order],
        members=np.concatenate([v.members, v.members[joined], rng.integers(12, 31, n_comm), zero[:n_towns]])[
            order
        ],
        weak=is_weak[order],
        since=np.concatenate([zero[:size], v.joint[joined], zero[: n_comm + n_towns]])[order],
        until=np.concatenate([v.joint, never[: n_joint + n_comm + n_towns]])[order],
        started=np.where(is_weak, np.concatenate([started, never[size:]]), NEVER)[order],
        rectified=np.where(is_weak, np.concatenate([rectified, never[size:]]), NEVER)[order],
        accepted=np.where(is_weak, np.concatenate([accepted, never[size:]]), NEVER)[order],
        secretary=pa.concat_arrays([secretary, no_secretary]).take(pa.array(order)),
        floating_final=np.concatenate([np.full(size + n_joint + n_comm, -1), floating_final])[order],
        floating_gap=np.concatenate([zero[: size + n_joint + n_comm], floating_gap])[order],
    )


def _make_funds(rng: np.random.Generator, v: Villages, h: Households, counties: int) -> Funds:
    """County-wide allocations from March on; per relocation village a livelihood grant once
    mobilised and a demolition reward (3000 元 a room) once reclaimed."""
    per_county = sum(count for _, _, count, _ in COUNTY_FUNDS)
    spec = np.array([(s, p, mean) for s, p, count, mean in COUNTY_FUNDS for _ in range(count)], np.int64)
    households = np.bincount(v.county[h.village], minlength=counties)
    n = counties * per_county
    c_county = np.repeat(np.arange(counties), per_county)
    scale = households[c_county] / 650
    c_cents = np.round(np.tile(spec[:, 2], counties) * scale * rng.uniform(0.5, 1.5, n) * 100).astype(
        np.int64
    )
    c_day = _days(rng, dt.date(2017, 3, 1), dt.date(2017, 12, 20), n)
    movers = np.flatnonzero(v.batch > 0)
    m = len(movers)
    grant_day = v.mobilised[movers] + rng.integers(20, 61, m)
    grant = v.planned_households[movers] * rng.integers(80, 181, m)
    rooms = np.bincount(h.village, weights=h.rooms, minlength=len(v.county))[movers].astype(np.int64)
    county = np.concatenate([c_county, v.county[movers], v.county[movers]])
    town = np.concatenate([np.full(n, -1), v.town[movers], v.town[movers]])
    village = np.concatenate([np.full(n, -1), movers, movers])
    source = np.concatenate([np.tile(spec[:, 0], counties), np.full(m, 4), np.zeros(m, np.int64)])
    purpose = np.concatenate([np.tile(spec[:, 1], counties), np.full(m, 4), np.full(m, 5)])
    day = np.concatenate([c_day, grant_day, v.reclaimed[movers] + 7])
    cents = np.concatenate([c_cents, grant, rooms * 30])
    order = np.lexsort((cents, village, town, source, day, county))
    return Funds(
        county[order], town[order], village[order], source[order], purpose[order], day[order], cents[order]
    )


# --------------------------------------------------------------------------- rendering


def _yes_no(flags: Flags, null: Flags | None = None) -> pa.Array:
    """是/否 for each flag; empty where null."""
    return pa.array(["否", "是"]).take(pa.array(flags.astype(np.int8), mask=null))


def _pick(choices: Sequence[str], index: Ints, null: Flags | None = None) -> pa.Array:
    """choices[index] for each index; empty where null."""
    return pa.array(list(choices)).take(pa.array(index, mask=null))


def _ints(values: Ints, null: Flags | None = None, dtype: type = np.int32) -> pa.Array:
    return pa.array(values.astype(dtype), mask=null)


def _dates(days: Ints, shown: Flags) -> pa.Array:
    """ISO dates where shown, empty elsewhere."""
    return pa.array(np.where(shown, days, 0).astype(np.int32), type=pa.date32(), mask=~shown)


def _money(cents: Ints, null: Flags | None = None) -> pa.Array:
    """Amounts in 万元 with two decimals (a bare 0 for nothing), from cents of 万元."""
    whole = pa.array(cents // 100).cast(pa.string())
    fraction = pc.utf8_lpad(pa.array(cents % 100).cast(pa.string()), 2, "0")
    text = pc.if_else(pa.array(cents == 0), "0", pc.binary_join_element_wise(whole, fraction, "."))
    return text if null is None else pc.if_else(pa.array(null), pa.scalar(None, pa.string()), text)


def _table(
    table: schema.Table, order: Sequence[str], county: pa.Array, columns: dict[str, pa.Array]
) -> pa.Table:
    """A ledger: 县 first, then the columns in order, each under the first header the contract gives it."""
    if set(columns) != set(order):
        raise ValueError(f"{table.name}: columns {sorted(columns)} are not {sorted(order)}")
    headers = [COUNTY_HEADER] + [table.column(name).headers[0] for name in order]
    return pa.Table.from_arrays([county, *(columns[name] for name in order)], names=headers)


def village_table(world: World, as_of: dt.date) -> pa.Table:
    """The 村级台账 on as_of; relocation columns are empty for the villages that stay."""
    v, d = world.villages, day_number(as_of)
    other = v.batch == 0
    stage = (
        (v.mobilised <= d).astype(np.int8)
        + (v.started <= d)
        + (v.completed <= d)
        + (v.reclaimed <= d)
        + (v.closed <= d)
    )
    income = np.where(v.income_from <= d, v.income_base + v.income_weekly * ((d - v.income_from) // 7), 0)
    receiving = pa.array(v.name[np.maximum(v.receiving, 0)], pa.string())
    columns = {
        "township": world.town_names.take(pa.array(v.town)),
        "village": pa.array(v.name, pa.string()),
        "poverty_class": _pick(schema.POVERTY_CLASSES, v.poverty_class),
        "relocation_batch": _ints(v.batch, other, np.int8),
        "relocation_status": _pick(STAGES, stage, other),
        "planned_households": _ints(v.planned_households, other),
        "planned_people": _ints(v.planned_people, other),
        "completed_on": _dates(v.completed, v.completed <= d),
        "receiving_village": pc.if_else(pa.array(other), pa.scalar(None, pa.string()), receiving),
        "hukou_transferred": _yes_no(v.hukou <= d, other),
        "joint_branch": _yes_no(v.joint <= d, other),
        "party_members": _ints(v.members),
        "collective_income_10k": _money(income),
        "pv_kw": _ints(v.pv_kw, (v.pv_kw == 0) | (v.pv_on > d)),
    }
    return _table(schema.VILLAGES, VILLAGE_COLUMNS, world.county_names.take(pa.array(v.county)), columns)


def household_table(world: World, as_of: dt.date) -> pa.Table:
    """The 搬迁户台账 on as_of: every household, moved or not, with its move so far."""
    h, d = world.households, day_number(as_of)
    waiting = h.moved > d
    standing = h.demolished > d
    subsidy = h.people * 2000 + np.where(standing, 0, h.rooms * 3000)
    dynamic = {
        "moved_on": _dates(h.moved, ~waiting),
        "rooms_demolished": _ints(h.rooms, standing, np.int8),
        "homestead_m2": _ints(h.homestead_m2, standing, np.int16),
        "reclaimed": _yes_no(h.reclaimed <= d),
        "subsidy_yuan": _ints(subsidy, waiting),
        "hukou_transferred": _yes_no(h.hukou <= d),
        "livelihood": _pick(LIVELIHOODS, h.livelihood, waiting),
    }
    static = {name: column for name, column in h.static.items() if name != COUNTY_HEADER}
    return _table(schema.HOUSEHOLDS, HOUSEHOLD_COLUMNS, h.static[COUNTY_HEADER], static | dynamic)


def org_table(world: World, as_of: dt.date) -> pa.Table:
    """The 党组织台账 on as_of: the organisations listed that day."""
    o, d = world.orgs, day_number(as_of)
    listed = np.flatnonzero((o.since <= d) & (o.until > d))
    stage = (o.started <= d).astype(np.int8) + (o.rectified <= d) + (o.accepted <= d)
    behind = min(
        max((day_number(FLOATING_UNTIL) - d) / (day_number(FLOATING_UNTIL) - day_number(FIRST_WEEK)), 0), 1
    )
    floating = o.floating_final - np.round(o.floating_gap * behind).astype(np.int64)
    is_floating = o.floating_final >= 0
    columns = {
        "township": world.town_names.take(pa.array(o.town)),
        "org_name": o.name,
        "org_type": _pick(schema.ORG_TYPES, o.org_type),
        "members": _ints(np.where(is_floating, floating, o.members)),
        "weak_lax": _yes_no(o.weak),
        "rectification_status": _pick(RECTIFICATION, stage, ~o.weak),
        "rectified_on": _dates(o.rectified, o.rectified <= d),
        "first_secretary": o.secretary,
        "floating_members": _ints(floating, ~is_floating),
    }
    county = world.county_names.take(pa.array(world.town_county[o.town]))
    return _table(schema.PARTY_ORGS, ORG_COLUMNS, county, columns).take(pa.array(listed))


def fund_table(world: World, as_of: dt.date) -> pa.Table:
    """The 资金台账 on as_of: every allocation made by then (the ledger is cumulative)."""
    f, d = world.funds, day_number(as_of)
    paid = np.flatnonzero(f.day <= d)
    county_wide = f.town < 0
    columns = {
        "source": _pick(FUND_SOURCES, f.source[paid]),
        "amount_10k": _money(f.cents[paid]),
        "township": world.town_names.take(pa.array(np.maximum(f.town[paid], 0), mask=county_wide[paid])),
        "village": pa.array(
            world.villages.name[np.maximum(f.village[paid], 0)], pa.string(), mask=county_wide[paid]
        ),
        "allocated_on": _dates(f.day[paid], np.ones(len(paid), bool)),
        "purpose": _pick(FUND_PURPOSES, f.purpose[paid]),
    }
    return _table(schema.FUNDS, FUND_COLUMNS, world.county_names.take(pa.array(f.county[paid])), columns)


def target_rows(world: World) -> list[list[str]]:
    """目标任务 lines: each county's targets (its own plans and counts), then the region's sums."""
    v, counties = world.villages, len(world.counties)

    def per_county(mask: Flags, weights: Ints | None = None) -> Ints:
        chosen = None if weights is None else weights[mask]
        return np.bincount(v.county[mask], chosen, minlength=counties).astype(np.int64)

    first, second = v.batch == 1, v.batch == 2
    weak_county = world.town_county[world.orgs.town[world.orgs.weak]]
    by_year_end = world.funds.day <= day_number(dt.date(2017, 12, 31))
    funds = np.bincount(world.funds.county[by_year_end], world.funds.cents[by_year_end], minlength=counties)
    # (indicator, batch, value of each county, label); the rate is the same everywhere, not summed.
    figures: list[tuple[str, int | None, Ints, str]] = [
        ("villages_completed", 1, per_county(first), "第一批整村搬迁村"),
        ("villages_completed", 2, per_county(second), "第二批整村搬迁村"),
        ("households_moved", 1, per_county(first, v.planned_households), "第一批搬迁户数"),
        ("households_moved", 2, per_county(second, v.planned_households), "第二批搬迁户数"),
        ("people_moved", 1, per_county(first, v.planned_people), "第一批搬迁人数"),
        ("people_moved", 2, per_county(second, v.planned_people), "第二批搬迁人数"),
        ("zero_break_rate", None, np.full(counties, 75), "村集体经济破零率（%）"),
        ("weak_orgs_rectified", None, np.bincount(weak_county, minlength=counties), "软弱涣散党组织集中整顿"),
        # 万元 allocated by the end of 2017, rounded down to hundreds.
        ("funds_10k", None, (funds // 10_000 * 100).astype(np.int64), "统筹整合搬迁资金（万元）"),
    ]
    lines = []
    for c, plan in enumerate(world.counties):
        for indicator, batch, values, label in figures:
            lines.append(
                [plan.name, indicator, str(batch or ""), "", str(values[c]), TARGET_DUE[batch], label]
            )
    # One county's rows already are the whole region's (the importer files empty 县 under it).
    for indicator, batch, values, label in figures if counties > 1 else []:
        total = 75 if indicator == "zero_break_rate" else int(values.sum())
        lines.append(["", indicator, str(batch or ""), "", str(total), TARGET_DUE[batch], label])
    return lines


def region_toml(world: World) -> str:
    """region.toml: the region and, for each county, its code and townships with aliases."""

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [f"name = {quoted(REGION_NAME)}", f"province = {quoted(PROVINCE)}"]
    for plan in world.counties:
        lines += [
            "",
            "[[counties]]",
            f"name = {quoted(plan.name)}",
            f"code = {quoted(plan.code)}",
            f"villages_expected = {plan.villages_expected}",
            "townships = [",
        ]
        for name, code, alias in plan.townships:
            lines.append(
                f"  {{ name = {quoted(name)}, code = {quoted(code)}, aliases = [{quoted(alias)}] }},"
            )
        lines.append("]")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- writing

# (file label, table name, renderer) of the four weekly ledgers.
WEEKLY_TABLES = (
    ("村级台账", "villages", village_table),
    ("搬迁户台账", "households", household_table),
    ("党组织台账", "party_orgs", org_table),
    ("资金台账", "funds", fund_table),
)


class Summary(TypedDict):
    """What `generate` wrote."""

    out: str
    counties: int
    weeks: list[str]  # the snapshot days, ISO
    files: int
    bytes: int
    rows: dict[str, list[int]]  # table name -> rows in each week, in week order
    targets: int  # rows of the targets file
    seconds: float


def _write(table: pa.Table, path: Path) -> int:
    """Write a ledger as UTF-8 CSV (no BOM, no quotes, \\n line ends); the bytes written."""
    pa_csv.write_csv(table, str(path), WRITE_OPTIONS)
    return path.stat().st_size


def generate(counties: int, weeks: int, out: Path, seed: int = SEED) -> Summary:
    """Write region.toml, the targets and `weeks` weekly snapshots of `counties` counties under out.

    Returns a summary: the folder, counties, snapshot days, files and bytes written, rows
    of each ledger in each week, targets rows and seconds taken. Files already in out are
    overwritten, other files left alone (so use an empty folder: stale weeks would stay).
    """
    if not 1 <= counties <= MAX_COUNTIES:
        raise ValueError(f"counties must be 1..{MAX_COUNTIES}, not {counties}")
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, not {weeks}")
    began = time.perf_counter()
    world = build_world(np.random.default_rng(seed), counties)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "region.toml").write_text(region_toml(world), encoding="utf-8")
    targets = target_rows(world)
    target_table = pa.Table.from_arrays(
        [pa.array(list(col), pa.string()) for col in zip(*targets, strict=True)], names=list(TARGET_HEADERS)
    )
    written = (out / "region.toml").stat().st_size
    written += _write(target_table, out / f"目标任务_{TARGETS_DAY.isoformat()}.csv")
    files = 2
    rows: dict[str, list[int]] = {name: [] for _, name, _ in WEEKLY_TABLES}
    days = fridays(weeks)
    for as_of in days:
        folder = out / "weekly" / as_of.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        for label, name, render in WEEKLY_TABLES:
            table = render(world, as_of)
            written += _write(table, folder / f"{label}_{as_of.isoformat()}.csv")
            rows[name].append(table.num_rows)
            files += 1
    return Summary(
        out=str(out),
        counties=counties,
        weeks=[day.isoformat() for day in days],
        files=files,
        bytes=written,
        rows=rows,
        targets=len(targets),
        seconds=round(time.perf_counter() - began, 2),
    )


def build_parser() -> argparse.ArgumentParser:
    """`--counties N --weeks W --out DIR [--seed S]`."""
    parser = argparse.ArgumentParser(
        prog="python -m synth.province",
        description="生成多县（市、省级）模拟台账数据，用于性能测试。",
    )
    parser.add_argument("--counties", type=int, default=120, help="县的个数（1–999，默认120，约一个省）")
    parser.add_argument("--weeks", type=int, default=26, help="周数：自2017-05-05起每周五一期（默认26）")
    parser.add_argument("--out", type=Path, required=True, help="输出文件夹")
    parser.add_argument(
        "--seed", type=int, default=SEED, help=f"随机种子（默认{SEED}），同一种子生成的文件完全相同"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """`--counties N --weeks W --out DIR [--seed S]`: generate, then print a summary in Chinese."""
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if not 1 <= args.counties <= MAX_COUNTIES:
        parser.error(f"--counties 应在 1–{MAX_COUNTIES} 之间")
    if args.weeks < 1:
        parser.error("--weeks 至少为 1")
    summary = generate(args.counties, args.weeks, args.out, args.seed)
    print(
        f"已生成 {args.counties} 个县、{args.weeks} 周的模拟台账：{summary['out']}"
        f"（{summary['files']} 个文件，{summary['bytes'] / 1e6:.1f} MB，每期 {summary['rows']['villages'][-1]} 个村、"
        f"{summary['rows']['households'][-1]} 户，用时 {summary['seconds']} 秒）"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
