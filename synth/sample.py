"""Synthetic weekly exports of Hequ county (河曲县), written the way county clerks write them.

The shipped sample reproduces, on the 2017-10-13 snapshot, every figure the 2017 news
report states (see docs/sample-facts.md); everything the report leaves out is
invented. No real person appears: names and ID numbers are drawn at random.

The generator first builds one *world* — villages, households, party organisations and
fund allocations, each carrying the days its events happen — and only then renders each
weekly snapshot as a view of that world on its day. That is what keeps the 24 weeks
consistent with one another: a household that moved on 2017-06-12 shows no move before
that week and the same move in every week after it.

Everything is drawn from one `random.Random(2017)` in a fixed order and nothing depends on
the clock or on hash order, so two runs write byte-identical files (XLSX included: the
zip entries and document properties are stamped with the snapshot day, not with now).

    python -m synth.sample [OUT_DIR]     # default: the repo's sample_data/
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
import tomllib
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from tracker.contract import schema

SEED = 2017
FIRST_WEEK = dt.date(2017, 5, 5)
WEEKS: tuple[dt.date, ...] = tuple(FIRST_WEEK + dt.timedelta(weeks=k) for k in range(24))
LAST_WEEK = WEEKS[-1]  # 2017-10-13, the day of the report
TARGETS_DAY = FIRST_WEEK
SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
COUNTY_TOML = SAMPLE_DIR / "county.toml"

STAGE = {name: rank for rank, name in enumerate(schema.RELOCATION_STAGES)}
BATCH_WORDS = {1: "第一批", 2: "第二批"}

# About 340 administrative villages (docs/sample-facts.md background), spread over the 13 townships.
VILLAGES_PER_TOWNSHIP = {
    "文笔镇": 28, "楼子营镇": 30, "刘家塔镇": 32, "巡镇镇": 38, "鹿固乡": 22, "前川乡": 20,
    "单寨乡": 26, "土沟乡": 24, "旧县乡": 22, "沙坪乡": 26, "社梁乡": 24, "沙泉乡": 22,
    "赵家沟乡": 26,
}  # fmt: skip
POOR_VILLAGES = 81  # 贫困村 besides the 33 deep-poverty villages: 114 poor villages in all
ZERO_INCOME_MAY, BREAK_ZERO_BY_OCT = 153, 51  # 187 of 340 (55 %) in May, 238 (70 %) in October
WEAK_ORGS = 36
FLOATING_MEMBERS = 665
FUNDS_TOTAL_CENTS = 823_647  # 8,236.47 万元: "8000多万元"

# First batch: (township, village or None for an invented one, households, people).
# 赵家沟乡 adds up to 101 / 228 and all 13 to 189 / 425, the report's figures.
BATCH1: tuple[tuple[str, str | None, int, int], ...] = (
    ("赵家沟乡", None, 17, 38),
    ("赵家沟乡", None, 15, 34),
    ("赵家沟乡", None, 14, 31),
    ("赵家沟乡", None, 16, 37),
    ("赵家沟乡", None, 13, 29),
    ("赵家沟乡", None, 14, 32),
    ("赵家沟乡", "枪佛也村", 12, 27),  # the farthest village: the last to finish, on 6月30日
    ("巡镇镇", "下榆皮洼村", 16, 40),
    ("沙坪乡", "张家也村", 18, 38),
    ("沙坪乡", None, 14, 32),
    ("土沟乡", None, 13, 29),
    ("社梁乡", None, 15, 31),
    ("单寨乡", None, 12, 27),
)
# Second batch: 20 villages, 455 households / 1052 people, due 2017-10-31.
BATCH2: tuple[tuple[str, str | None], ...] = (
    ("赵家沟乡", "葫芦山村"),
    ("赵家沟乡", None),
    ("赵家沟乡", None),
    *(("沙坪乡", None),) * 3,
    *(("社梁乡", None),) * 3,
    *(("土沟乡", None),) * 2,
    *(("单寨乡", None),) * 2,
    *(("沙泉乡", None),) * 2,
    *(("鹿固乡", None),) * 2,
    ("前川乡", None),
    ("巡镇镇", None),
    ("旧县乡", None),
)
BATCH2_HOUSEHOLDS, BATCH2_PEOPLE, BATCH2_COMPLETE_BY_OCT = 455, 1052, 8
ZHAOJIAGOU_ROOMS, ZHAOJIAGOU_HOMESTEAD_M2 = 401, 31788

XIA, SHANG = "下榆皮洼村", "上榆皮洼村"
# Two townships with a village of the same name, as real counties have (东村, 新庄村 …): what is
# told apart by (township, village) must not be told apart by the name alone. Two invented
# second-batch villages take it (no invented name has 新), after every random draw.
SHARED_NAME, SHARED_BY = "新庄村", ("社梁乡", "土沟乡")
CITY_SITES = ("县城滨河安置小区", "县城西口安置小区", "县城黄河湾安置小区")
OUT_OF_COUNTY = ("保德县", "偏关县", "内蒙古准格尔旗")
# 下榆皮洼村 exactly as the report breaks it down: (mode, place, people, poor).
XIA_HOUSEHOLDS: tuple[tuple[str, str, int, bool], ...] = (
    *(("县城集中安置", CITY_SITES[0], n, False) for n in (4, 3, 3, 3, 3, 3, 3, 3, 3)),
    ("邻村就近安置", SHANG, 3, True),
    ("邻村就近安置", SHANG, 2, False),
    ("外县安置", OUT_OF_COUNTY[0], 1, True),
    ("外县安置", OUT_OF_COUNTY[1], 1, False),
    ("外县安置", OUT_OF_COUNTY[2], 1, False),
    ("中心村安置", "巡镇", 3, False),
    ("其他乡镇安置", "楼子营镇", 1, True),
)
XIA_MEMBERS, SHANG_MEMBERS = 3, 6  # after the merger 上榆皮洼村 has 9 party members

MODE_WEIGHTS = {
    "县城集中安置": 50, "中心村安置": 15, "邻村就近安置": 17,
    "其他乡镇安置": 5, "自主分散安置": 10, "外县安置": 3,
}  # fmt: skip
# 赵家沟乡 used three modes only (县城集中、邻村就近、自主分散).
ZHAOJIAGOU_MODE_WEIGHTS = {"县城集中安置": 60, "邻村就近安置": 25, "自主分散安置": 15}
# The "policy menu" of 2 kinds and 11 choices.
LIVELIHOODS = (
    "劳动力转移培训", "公益性岗位", "专业合作社", "园区环卫用工", "造林护林务工", "经济林",
    "林下产业", "村级光伏", "五位一体金融扶贫", "退耕还林", "社保兜底",
)  # fmt: skip

# Names of real people in the report: never produced, even by chance.
REAL_PEOPLE = frozenset(
    [
        "李俊明",
        "边东圣",
        "杨福田",
        "李宇星",
        "张海根",
        "赵金良",
        "杨育才",
        "李引师",
        "王增海",
        "任鸿宾",
        "赵冰峰",
        "王雁",
        "冯媛",
    ]
)
SURNAMES = "王李张刘杨赵郭高贾苗樊任白梁康孙石马韩冯邬秦柴温乔霍武薛闫吕胡周陈"
VILLAGER_GIVEN = "海根福田明生旺银金宝有贵成平林俊文兰花英梅秀玉凤翠桂二三拴锁厚虎存喜来元德保富荣全仁义忠"
OFFICIAL_GIVEN = "伟强军磊涛斌鹏杰宇浩敏静丽娟霞燕峰勇刚辉建华志红晓东亮波超婷慧"
VILLAGE_PREFIXES = (
    *(s + "家" for s in "王李张刘杨赵郭高贾苗樊任白梁康孙石马韩冯邬秦柴温乔霍武薛"),
    *(a + b for a in "上下前后大小东西南北" for b in "石柳杏榆枣沙水羊马牛黄红阳寺桥窑"),
)
VILLAGE_SUFFIXES = "沟峁梁坪塔洼湾庄窑墕畔坡寨堡咀营滩也"


# --------------------------------------------------------------------------- the world


def _on(day: dt.date | None, as_of: dt.date) -> bool:
    """Whether an event planned for day has happened by as_of (None: not by 2017-10-13)."""
    return day is not None and day <= as_of


@dataclass
class Household:
    """One relocated household and the days of its move, demolition and transfers."""

    household_id: str
    head_name: str
    id_number: str
    is_poor: bool
    people: int
    mode: str
    place: str
    livelihood: str
    income_per_capita: int
    moved_on: dt.date | None = None
    demolished_on: dt.date | None = None
    reclaimed_on: dt.date | None = None
    hukou_on: dt.date | None = None
    rooms: int = 0
    homestead_m2: int = 0
    self_funded: int = 0


@dataclass
class Village:
    """One administrative village and the days its stages are reached."""

    township: str
    town_code: str
    index: int  # position in its township: the middle of 户编号
    name: str
    written_township: str = ""  # what the clerk writes (a few write the alias 巡镇)
    poverty_class: str = "非贫困村"
    batch: int | None = None
    planned: tuple[int, int] = (0, 0)  # households, people
    receiving: str = ""
    households: list[Household] = field(default_factory=list)
    mobilised_on: dt.date | None = None
    completed_on: dt.date | None = None
    reclaimed_on: dt.date | None = None
    closed_on: dt.date | None = None
    joint_on: dt.date | None = None
    party_members: int = 0
    members_after: int | None = None  # party members after a merger on merged_on
    merged_on: dt.date | None = None
    income_from: dt.date | None = None  # first week with collective income > 0
    income_base: float = 0.0
    income_weekly: float = 0.0
    pv_kw: int | None = None
    pv_on: dt.date | None = None

    def status(self, as_of: dt.date) -> str | None:
        """Relocation stage on as_of (None: not a relocation village)."""
        if self.batch is None:
            return None
        for day, stage in (
            (self.closed_on, "已销号"),
            (self.reclaimed_on, "已拆除复垦"),
            (self.completed_on, "已搬迁"),
        ):
            if _on(day, as_of):
                return stage
        if any(_on(h.moved_on, as_of) for h in self.households):
            return "搬迁中"
        return "动员中" if _on(self.mobilised_on, as_of) else "未启动"

    def members(self, as_of: dt.date) -> int:
        """Party members on as_of."""
        if self.members_after is not None and _on(self.merged_on, as_of):
            return self.members_after
        return self.party_members

    def income(self, as_of: dt.date) -> float:
        """Collective income so far this year, in 万元."""
        start = self.income_from
        if start is None or start > as_of:
            return 0.0
        weeks = (as_of - start).days // 7
        return round(self.income_base + self.income_weekly * weeks, 2)

    def pv(self, as_of: dt.date) -> int | None:
        """Installed village PV in kW, once built."""
        return self.pv_kw if self.pv_kw and (self.pv_on is None or self.pv_on <= as_of) else None

    def hukou_done(self, as_of: dt.date) -> bool:
        """Whether every household's registration has moved to the receiving village."""
        return bool(self.households) and all(_on(h.hukou_on, as_of) for h in self.households)


@dataclass
class Org:
    """One party organisation; village branches take their members from the village."""

    township: str
    name: str
    org_type: str
    village: Village | None = None
    fixed_members: int = 0
    since: dt.date | None = None  # listed from this day (a new joint branch)
    until: dt.date | None = None  # replaced on this day (by a joint branch or a merger)
    weak: bool = False
    started_on: dt.date | None = None
    rectified_on: dt.date | None = None
    accepted_on: dt.date | None = None
    first_secretary: str = ""
    floating_final: int | None = None
    floating_gap: int = 0

    def listed(self, as_of: dt.date) -> bool:
        """Whether the ledger of as_of lists this organisation."""
        return (self.since is None or self.since <= as_of) and not _on(self.until, as_of)

    def floating(self, as_of: dt.date) -> int | None:
        """Floating members kept on as_of: they join the county centre over the summer."""
        if self.floating_final is None:
            return None
        behind = (LAST_WEEK - as_of).days / (LAST_WEEK - FIRST_WEEK).days
        return self.floating_final - round(self.floating_gap * behind)

    def members(self, as_of: dt.date) -> int:
        """Party members on as_of."""
        if self.village is not None:
            return self.village.members(as_of)
        floating = self.floating(as_of)
        return floating if floating is not None else self.fixed_members

    def rectification(self, as_of: dt.date) -> str | None:
        """Rectification stage on as_of (None: not a weak organisation)."""
        if not self.weak:
            return None
        stages = zip(
            (self.started_on, self.rectified_on, self.accepted_on),
            schema.RECTIFICATION_STAGES[1:],
            strict=True,
        )
        reached = [stage for day, stage in stages if _on(day, as_of)]
        return reached[-1] if reached else schema.RECTIFICATION_STAGES[0]


@dataclass(frozen=True)
class Allocation:
    """One allocation of funds."""

    source: str
    cents: int  # of 万元, so that the total is exact
    township: str
    village: str
    day: dt.date
    purpose: str


@dataclass
class World:
    """Everything the weekly snapshots show, with the days things happen."""

    county: str
    villages: list[Village]
    orgs: list[Org]
    funds: list[Allocation]

    def relocation(self, batch: int | None = None) -> list[Village]:
        """Relocation villages, of one batch or both."""
        return [v for v in self.villages if v.batch is not None and batch in (None, v.batch)]


# --------------------------------------------------------------------------- random helpers


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A day drawn uniformly from first..last inclusive."""
    return first + dt.timedelta(days=rng.randint(0, max((last - first).days, 0)))


def _later(day: dt.date, rng: random.Random, low: int, high: int) -> dt.date:
    return day + dt.timedelta(days=rng.randint(low, high))


def _partition(
    rng: random.Random, total: int, lows: Sequence[int], highs: Sequence[int], spread: float = 0.5
) -> list[int]:
    """Integers within per-item bounds that add up to total exactly, unevenly like real data."""
    if not sum(lows) <= total <= sum(highs):
        raise ValueError(f"cannot split {total} within {sum(lows)}..{sum(highs)}")
    weights = [rng.uniform(1 - spread, 1 + spread) for _ in lows]
    scale = total / sum(weights)
    parts = [min(h, max(lo, int(w * scale))) for w, lo, h in zip(weights, lows, highs, strict=True)]
    while diff := total - sum(parts):
        i = rng.randrange(len(parts))
        step = 1 if diff > 0 else -1
        if lows[i] <= parts[i] + step <= highs[i]:
            parts[i] += step
    return parts


def _split(rng: random.Random, total: int, n: int, low: int, high: int, spread: float = 0.5) -> list[int]:
    return _partition(rng, total, [low] * n, [high] * n, spread)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _person_name(rng: random.Random, given: str) -> str:
    """A random 2–3 character name, never one of the report's real people."""
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choices(given, k=rng.choice((1, 2, 2, 2))))
        if name not in REAL_PEOPLE:
            return name


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character of an ID number's first 17 digits."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def _id_number(rng: random.Random, area: str, used: set[str]) -> str:
    """A valid, unused 18-character ID number of a person born 1935–1985 in the county."""
    while True:
        born = _day(rng, dt.date(1935, 1, 1), dt.date(1985, 12, 31))
        first17 = f"{area}{born:%Y%m%d}{rng.randint(1, 999):03d}"
        number = first17 + id_check_digit(first17)
        # A number ending in 000 looks like one Excel truncated: importers reject it.
        if not number.endswith("000") and number not in used:
            used.add(number)
            return number


# --------------------------------------------------------------------------- building


def read_townships(path: Path = COUNTY_TOML) -> tuple[str, str, list[tuple[str, str, str]]]:
    """County name, code and (name, code, short alias) of each township, from county.toml."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    towns = [(t["name"], t["code"], (t.get("aliases") or [t["name"]])[0]) for t in raw["townships"]]
    missing = set(VILLAGES_PER_TOWNSHIP) - {name for name, _, _ in towns}
    if missing:
        raise ValueError(f"county.toml lacks townships the sample needs: {sorted(missing)}")
    return raw["name"], raw["code"], towns


def build_world(rng: random.Random, config: tuple[str, str, list[tuple[str, str, str]]]) -> World:
    """The whole county: villages with their relocation plans, households, orgs and funds."""
    county, area, towns = config
    short = {name: alias for name, _, alias in towns}
    villages = _make_villages(rng, towns)
    batch1, batch2 = _plan_relocation(rng, villages)
    for town in SHARED_BY:
        next(v for v in batch2 if v.township == town).name = SHARED_NAME
    _write_alias(villages, short["巡镇镇"])
    _classify(rng, villages)
    ids: set[str] = set()
    for village in batch1 + batch2:
        _make_households(rng, village, area, short, ids)
    _schedule_batch1(rng, batch1)
    _schedule_batch2(rng, batch2)
    _set_self_funding(rng, batch1 + batch2)
    _set_members_and_pv(rng, villages)
    _set_income(rng, villages)
    orgs = _make_orgs(rng, villages, [name for name, _, _ in towns])
    return World(county, villages, orgs, _make_funds(rng, villages))


def _make_villages(rng: random.Random, towns: list[tuple[str, str, str]]) -> list[Village]:
    """All villages, the report's named ones in place and invented names for the rest."""
    named = {"巡镇镇": [SHANG, XIA], "沙坪乡": ["张家也村"], "赵家沟乡": ["枪佛也村", "葫芦山村"]}
    taken = {n for names in named.values() for n in names}
    villages = []
    for town, code, _alias in towns:
        count = VILLAGES_PER_TOWNSHIP.get(town, 0)
        names = list(named.get(town, []))
        while len(names) < count:
            name = rng.choice(VILLAGE_PREFIXES) + rng.choice(VILLAGE_SUFFIXES) + "村"
            if name not in taken:
                taken.add(name)
                names.append(name)
        rng.shuffle(names)
        villages += [Village(town, code, i, n, town) for i, n in enumerate(names, 1)]
    return villages


def _write_alias(villages: list[Village], alias: str) -> None:
    """A few 巡镇镇 clerks write the short name 巡镇, as the report itself does."""
    others = [v for v in villages if v.township == "巡镇镇" and v.batch is None and v.name != SHANG]
    for village in others[:3]:
        village.written_township = alias


def _plan_relocation(rng: random.Random, villages: list[Village]) -> tuple[list[Village], list[Village]]:
    """Pick the 33 relocation villages, their batches, plans and receiving villages."""
    by_name = {(v.township, v.name): v for v in villages}
    free = {
        t: [v for v in villages if v.township == t and v.name not in (XIA, SHANG)]
        for t in VILLAGES_PER_TOWNSHIP
    }
    # The report's named villages are spoken for; invented ones are picked from the rest.
    for town, names in (("沙坪乡", ["张家也村"]), ("赵家沟乡", ["枪佛也村", "葫芦山村"])):
        free[town] = [v for v in free[town] if v.name not in names]

    def pick(town: str, name: str | None) -> Village:
        if name is not None:
            return by_name[(town, name)]
        return free[town].pop(rng.randrange(len(free[town])))

    batch1 = [pick(t, n) for t, n, _, _ in BATCH1]
    batch2 = [pick(t, n) for t, n in BATCH2]
    for village, (_, _, households, people) in zip(batch1, BATCH1, strict=True):
        village.planned = (households, people)
    sizes = _split(rng, BATCH2_HOUSEHOLDS, len(batch2), 12, 38)
    lows, highs = [round(h * 1.7) for h in sizes], [round(h * 2.9) for h in sizes]
    for village, households, people in zip(
        batch2, sizes, _partition(rng, BATCH2_PEOPLE, lows, highs), strict=True
    ):
        village.planned = (households, people)
    for batch, chosen in ((1, batch1), (2, batch2)):
        for village in chosen:
            village.batch, village.poverty_class = batch, "深度贫困村"
    for village in batch1 + batch2:
        hosts = [v for v in villages if v.township == village.township and v.batch is None]
        # A few central villages per township receive, so some take in several villages.
        village.receiving = SHANG if village.name == XIA else rng.choice(hosts[:6]).name
    return batch1, batch2


def _classify(rng: random.Random, villages: list[Village]) -> None:
    """81 of the remaining villages are 贫困村, the rest 非贫困村 (上榆皮洼村 among the poor)."""
    rest = [v for v in villages if v.batch is None]
    poor = rng.sample(rest, POOR_VILLAGES)
    shang = next(v for v in rest if v.name == SHANG)
    if shang not in poor:
        poor[-1] = shang
    for village in poor:
        village.poverty_class = "贫困村"


def _plan_sizes(rng: random.Random, village: Village) -> list[int]:
    """People in each household of a relocation village, adding up to the plan."""
    if village.name == XIA:
        return [people for _, _, people, _ in XIA_HOUSEHOLDS]
    households, people = village.planned
    return _split(rng, people, households, 1, 7, spread=0.8)


def _make_households(
    rng: random.Random, village: Village, area: str, short: dict[str, str], ids: set[str]
) -> None:
    """The households of one relocation village, with who they are and where they go."""
    sizes = _plan_sizes(rng, village)
    for seq, people in enumerate(sizes, 1):
        mode, place, poor = _resettlement(rng, village, seq, short)
        household = Household(
            household_id=f"{village.town_code}{village.index:03d}{seq:04d}",
            head_name=_person_name(rng, VILLAGER_GIVEN),
            id_number=_id_number(rng, area, ids),
            is_poor=poor,
            people=people,
            mode=mode,
            place=place,
            livelihood=rng.choice(LIVELIHOODS),
            income_per_capita=_income_per_capita(rng, poor),
        )
        village.households.append(household)


def _income_per_capita(rng: random.Random, poor: bool) -> int:
    """Yearly income a person in 元: under about 4000 is what makes a household poor."""
    return rng.randrange(2600, 4200, 10) if poor else rng.randrange(4800, 11000, 10)


def _resettlement(
    rng: random.Random, village: Village, seq: int, short: dict[str, str]
) -> tuple[str, str, bool]:
    """(mode, place, poor) of one household."""
    if village.name == XIA:
        mode, place, _, poor = XIA_HOUSEHOLDS[seq - 1]
        return mode, place, poor
    weights = ZHAOJIAGOU_MODE_WEIGHTS if village.township == "赵家沟乡" else MODE_WEIGHTS
    mode = _weighted(rng, weights)
    places = {
        "县城集中安置": rng.choice(CITY_SITES),
        "中心村安置": short[village.township],
        "邻村就近安置": village.receiving,
        "其他乡镇安置": rng.choice([t for t in VILLAGES_PER_TOWNSHIP if t != village.township]),
        "外县安置": rng.choice(OUT_OF_COUNTY),
        "自主分散安置": "自主购房",
    }
    return mode, places[mode], rng.random() < 0.55


def _moves(rng: random.Random, households: list[Household], first: dt.date, last: dt.date) -> list[dt.date]:
    """Move every household between first and last (one on each end day); the days moved."""
    days = [first, last] + [_day(rng, first, last) for _ in households[2:]]
    rng.shuffle(days)
    for household, day in zip(households, days, strict=True):
        household.moved_on = day
        household.hukou_on = _later(day, rng, 14, 45)
    return days


def _schedule_batch1(rng: random.Random, batch1: list[Village]) -> None:
    """Mobilised in spring, moved in May–June, demolished and reclaimed July–September."""
    finished: list[tuple[dt.date, int, Village]] = []
    for village in batch1:
        village.mobilised_on = _day(rng, dt.date(2017, 3, 20), dt.date(2017, 4, 20))
        start = _day(rng, dt.date(2017, 5, 1), dt.date(2017, 5, 20))
        end = _day(rng, max(start + dt.timedelta(days=21), dt.date(2017, 5, 31)), dt.date(2017, 6, 29))
        if village.name == "枪佛也村":
            end = dt.date(2017, 6, 30)
        village.completed_on = end
        reclaimed = _demolish(rng, village, _moves(rng, village.households, start, end))
        finished.append((reclaimed, village.index, village))
        if village.name == XIA:
            # Its three party members join 上榆皮洼村's branch instead of forming a joint one.
            village.merged_on = end + dt.timedelta(days=21)
            village.pv_kw, village.pv_on = 200, reclaimed + dt.timedelta(days=14)
        else:
            village.joint_on = _later(end, rng, 7, 35)
    # Villages that finished reclaiming earliest are struck off (销号) by October.
    for reclaimed, _, village in sorted(finished, key=lambda f: f[:2])[:5]:
        closed = _later(reclaimed, rng, 21, 45)
        village.closed_on = closed if closed <= LAST_WEEK else None
    _zhaojiagou_demolition(rng, [v for v in batch1 if v.township == "赵家沟乡"])


def _demolish(rng: random.Random, village: Village, moved: list[dt.date]) -> dt.date:
    """Old houses come down after each move; the village is reclaimed in July–September.

    moved holds each household's move day; the day the last homestead is reclaimed (the
    village reaches 已拆除复垦) is returned.
    """
    demolished = []
    for household, day in zip(village.households, moved, strict=True):
        demolished.append(_later(day, rng, 7, 40))
        household.rooms = rng.randint(2, 6)
        household.homestead_m2 = rng.randint(160, 460)
    last = max(demolished)
    done = max(_later(last, rng, 7, 21), _day(rng, dt.date(2017, 7, 3), dt.date(2017, 9, 22)))
    village.reclaimed_on = done
    for household, day in zip(village.households, demolished, strict=True):
        household.demolished_on = day
        household.reclaimed_on = min(_later(day, rng, 5, 30), done)
    village.households[demolished.index(last)].reclaimed_on = done
    return done


def _zhaojiagou_demolition(rng: random.Random, villages: list[Village]) -> None:
    """赵家沟乡's first batch pulled down 401 rooms and vacated 31,788 m² (the report)."""
    households = [h for v in villages for h in v.households]
    n = len(households)
    rooms = _split(rng, ZHAOJIAGOU_ROOMS, n, 2, 7)
    areas = _split(rng, ZHAOJIAGOU_HOMESTEAD_M2, n, 160, 480)
    for household, r, a in zip(households, rooms, areas, strict=True):
        household.rooms, household.homestead_m2 = r, a


def _schedule_batch2(rng: random.Random, batch2: list[Village]) -> None:
    """Mobilised in summer, moving from August; 8 villages done by 10-13, 赵家沟乡's 3 preparing."""
    movers = [v for v in batch2 if v.township != "赵家沟乡"]
    finishers = set(id(v) for v in rng.sample(movers, BATCH2_COMPLETE_BY_OCT))
    for village in batch2:
        if village.township == "赵家沟乡":
            village.mobilised_on = _day(rng, dt.date(2017, 8, 21), dt.date(2017, 9, 22))
            continue
        village.mobilised_on = _day(rng, dt.date(2017, 6, 12), dt.date(2017, 7, 28))
        start = _day(rng, dt.date(2017, 8, 1), dt.date(2017, 8, 28))
        if id(village) in finishers:
            end = _day(rng, max(start + dt.timedelta(days=28), dt.date(2017, 9, 8)), dt.date(2017, 10, 12))
            _moves(rng, village.households, start, end)
            village.completed_on = end
        else:
            share = rng.uniform(0.15, 0.5)
            moving = village.households[: max(2, round(share * len(village.households)))]
            _moves(rng, moving, start, LAST_WEEK)
        for household in village.households:
            if household.hukou_on is not None:
                household.hukou_on += dt.timedelta(days=rng.randint(7, 20))


def _set_self_funding(rng: random.Random, villages: list[Village]) -> None:
    """More than half of poor households pay nothing; the rest ≤ 3000 a person and ≤ 8000."""
    households = [h for v in villages for h in v.households]
    poor = [h for h in households if h.is_poor]
    free = set(id(h) for h in rng.sample(poor, len(poor) // 2 + 4))
    for household in households:
        if not household.is_poor:
            household.self_funded = rng.randrange(10000, 45000, 500)
        elif id(household) not in free:
            cap = min(3000 * household.people, 8000)
            household.self_funded = rng.randrange(500, cap + 1, 500)


def _set_members_and_pv(rng: random.Random, villages: list[Village]) -> None:
    """Party members of each village, the 下榆皮洼 merger, and village PV stations."""
    for village in villages:
        village.party_members = rng.randint(2, 9) if village.batch else rng.randint(5, 42)
        if village.batch is None and village.poverty_class == "贫困村" and rng.random() < 0.6:
            village.pv_kw = rng.choice((60, 100, 100, 200, 300))
    xia = next(v for v in villages if v.name == XIA)
    shang = next(v for v in villages if v.name == SHANG)
    xia.party_members, xia.members_after = XIA_MEMBERS, 0
    shang.party_members, shang.members_after = SHANG_MEMBERS, XIA_MEMBERS + SHANG_MEMBERS
    shang.merged_on = xia.merged_on


def _set_income(rng: random.Random, villages: list[Village]) -> None:
    """187 villages have collective income in May; 51 more break zero week by week to 238."""
    bias = {"非贫困村": 0.35, "贫困村": 0.0, "深度贫困村": -0.3}
    ranked = sorted(villages, key=lambda v: -(rng.random() + bias[v.poverty_class]))
    already = len(villages) - ZERO_INCOME_MAY
    breakers = ranked[already : already + BREAK_ZERO_BY_OCT]
    for village in ranked[:already]:
        village.income_from = FIRST_WEEK
        village.income_base = round(rng.uniform(0.5, 25.0), 2)
        village.income_weekly = round(rng.uniform(0.05, 0.6), 2)
    # Spread the new ones over weeks 2..24 so the 破零 line rises steadily to exactly 238.
    weeks = [WEEKS[1 + (i * (len(WEEKS) - 1)) // BREAK_ZERO_BY_OCT] for i in range(BREAK_ZERO_BY_OCT)]
    rng.shuffle(weeks)
    for village, week in zip(breakers, weeks, strict=True):
        village.income_from = week
        village.income_base = round(rng.uniform(0.3, 2.0), 2)
        village.income_weekly = round(rng.uniform(0.02, 0.3), 2)


def _make_orgs(rng: random.Random, villages: list[Village], towns: list[str]) -> list[Org]:
    """Village branches, joint branches, resettlement-community and floating-member branches."""
    orgs = [_village_branch(rng, v) for v in villages]
    _mark_weak(rng, [o for o in orgs if o.village and o.village.batch is None and o.village.name != SHANG])
    for village in villages:
        if village.joint_on is not None:
            orgs.append(_joint_branch(village))
    orgs += [
        Org(
            "文笔镇",
            site.removeprefix("县城")[:-2] + "社区党支部",
            "社区党支部",
            fixed_members=rng.randint(12, 30),
        )
        for site in CITY_SITES
    ]
    finals = _split(rng, FLOATING_MEMBERS, len(towns), 20, 90)
    for town, final in zip(towns, finals, strict=True):
        gap = rng.randint(0, min(12, final - 10))
        orgs.append(
            Org(
                town,
                f"{town}流动党员党支部",
                "流动党员党支部",
                floating_final=final,
                floating_gap=gap,
            )
        )
    return orgs


def _village_branch(rng: random.Random, village: Village) -> Org:
    org = Org(village.township, f"{village.name}党支部", "村党支部", village=village)
    # A joint branch replaces the branch of a village that moved out; 下榆皮洼 merged instead.
    org.until = village.joint_on or (village.merged_on if village.name == XIA else None)
    if village.poverty_class != "非贫困村":
        org.first_secretary = _person_name(rng, OFFICIAL_GIVEN)
    return org


def _joint_branch(village: Village) -> Org:
    name = f"{village.receiving[:-1]}{village.name[:-1]}联合党支部"
    return Org(village.township, name, "联合党支部", village=village, since=village.joint_on)


def _mark_weak(rng: random.Random, candidates: list[Org]) -> None:
    """36 weak organisations, each rectified (整顿中 → 已整顿 → 已验收) on its own pace."""
    for org in rng.sample(candidates, WEAK_ORGS):
        org.weak = True
        org.started_on = _day(rng, dt.date(2017, 4, 15), dt.date(2017, 8, 31))
        org.rectified_on = _later(org.started_on, rng, 35, 100)
        org.accepted_on = _later(org.rectified_on, rng, 14, 50)


_RawAllocation = tuple[str, int, str, str, dt.date, str]
# County-wide allocations: (source, purpose, how many, typical amount in 万元).
COUNTY_FUNDS = (
    ("财政专项资金", "县城集中安置小区建设", 7, 450),
    ("财政转贷资金", "易地扶贫搬迁安置房建设（转贷）", 5, 550),
    ("基础设施补助", "安置区道路、供水、供电管网", 6, 180),
    ("公共服务设施补助", "安置区学校、卫生室、社区服务中心", 5, 150),
)


def _make_funds(rng: random.Random, villages: list[Village]) -> list[Allocation]:
    """Allocations from March on, scaled so that they add up to 8,236.47 万元 by 10-13."""
    raw: list[_RawAllocation] = []
    for source, purpose, count, mean in COUNTY_FUNDS:
        for _ in range(count):
            day = _day(rng, dt.date(2017, 3, 1), dt.date(2017, 10, 12))
            raw.append((source, round(mean * rng.uniform(0.5, 1.5) * 100), "", "", day, purpose))
    for village in (v for v in villages if v.batch is not None):
        raw += _village_funds(rng, village)
    return _scale_funds(raw)


def _village_funds(rng: random.Random, village: Village) -> list[_RawAllocation]:
    """Livelihood support once a village is mobilised; a demolition reward once reclaimed."""
    where = (village.township, village.name)
    start = village.mobilised_on or FIRST_WEEK
    day = min(_later(start, rng, 20, 60), dt.date(2017, 10, 12))
    rows = [("脱贫双增长资金", rng.randint(2000, 8000), *where, day, "搬迁户后续产业扶持")]
    if village.reclaimed_on is not None:
        paid = village.reclaimed_on + dt.timedelta(days=7)
        rooms = sum(h.rooms for h in village.households)
        # 3000 元 a room is 30 cents of a 万元.
        rows.append(("财政专项资金", rooms * 30, *where, paid, "旧房拆除复垦奖补"))
    return rows


def _scale_funds(raw: list[_RawAllocation]) -> list[Allocation]:
    """Allocations in cents of 万元, scaled to the exact total (the first absorbs rounding)."""
    scale = FUNDS_TOTAL_CENTS / sum(r[1] for r in raw)
    cents = [int(r[1] * scale) for r in raw]
    cents[0] += FUNDS_TOTAL_CENTS - sum(cents)
    rows = [Allocation(r[0], c, r[2], r[3], r[4], r[5]) for r, c in zip(raw, cents, strict=True)]
    return sorted(rows, key=lambda a: (a.day, a.source, a.township, a.village, a.cents))


# --------------------------------------------------------------------------- rendering

Cell = str | int | float | dt.date | None
Row = dict[str, Cell]  # a row of a workbook: numbers and dates stay typed
Line = dict[str, str]  # a line of a CSV file: all text


def _yes_no(flag: bool) -> str:
    return "是" if flag else "否"


def _tick(flag: bool) -> str:
    return "√" if flag else "×"


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _wan(value: float) -> str:
    """An amount in 万元 as clerks type it: two decimals, a bare 0 for nothing."""
    return f"{value:.2f}" if value else "0"


def _cents(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _headers(table: schema.Table, columns: Sequence[str]) -> list[str]:
    """The first header the contract gives each of columns."""
    return [table.column(name).headers[0] for name in columns]


def _ordered(row: Mapping[str, Cell], columns: Sequence[str]) -> list[Cell]:
    return [row[name] for name in columns]


# Columns each ledger writes, by contract name. Rows are built as dicts keyed by these, so
# a column the project adds to the schema later cannot shift the cells under the headers.
VILLAGE_COLUMNS = (
    "township", "village", "poverty_class", "relocation_batch", "relocation_status",
    "planned_households", "planned_people", "completed_on", "receiving_village",
    "hukou_transferred", "joint_branch", "party_members", "collective_income_10k", "pv_kw",
)  # fmt: skip
ORG_COLUMNS = (
    "township", "org_name", "org_type", "members", "weak_lax", "rectification_status",
    "rectified_on", "first_secretary", "floating_members",
)  # fmt: skip
FUND_COLUMNS = ("source", "amount_10k", "township", "village", "allocated_on", "purpose")
TARGET_COLUMNS = ("indicator", "relocation_batch", "township", "target", "due", "label")


def village_row(village: Village, as_of: dt.date) -> Line:
    """One line of the 村级台账 on as_of; relocation columns are blank for other villages."""
    status = village.status(as_of)
    row: Line = dict.fromkeys(VILLAGE_COLUMNS, "")
    row |= {
        "township": village.written_township,
        "village": village.name,
        "poverty_class": village.poverty_class,
        "party_members": str(village.members(as_of)),
        "collective_income_10k": _wan(village.income(as_of)),
        "pv_kw": str(village.pv(as_of) or ""),
    }
    if village.batch is None or status is None:
        return row
    completed = village.completed_on if STAGE[status] >= STAGE["已搬迁"] else None
    return row | {
        "relocation_batch": BATCH_WORDS[village.batch],
        "relocation_status": status,
        "planned_households": str(village.planned[0]),
        "planned_people": str(village.planned[1]),
        "completed_on": completed.isoformat() if completed else "",
        "receiving_village": village.receiving,
        "hukou_transferred": _yes_no(village.hukou_done(as_of)),
        "joint_branch": _yes_no(_on(village.joint_on, as_of)),
    }


def _village_total(rows: list[Line]) -> Line:
    """The 合计 line: sums of the numeric columns, blanks elsewhere."""
    total: Line = dict.fromkeys(VILLAGE_COLUMNS, "") | {"township": "合计"}
    for name in ("planned_households", "planned_people", "party_members", "pv_kw"):
        total[name] = str(sum(int(r[name]) for r in rows if r[name]))
    income = sum(float(r["collective_income_10k"]) for r in rows)
    total["collective_income_10k"] = f"{income:.2f}"
    return total


# Two-row header of the 搬迁户台账: (column, parent, child). A parent cell is merged over the
# children that follow it and parent + child is a header of the contract (户主 + 姓名 =
# 户主姓名); a column without a parent is one cell merged down over both header rows.
HOUSEHOLD_HEADER: tuple[tuple[str, str | None, str], ...] = (
    ("household_id", None, "户编号"),
    ("head_name_masked", "户主", "姓名"),
    ("id_hash", "户主", "身份证号"),
    ("township", None, "乡镇"),
    ("village", None, "迁出村"),
    ("relocation_batch", None, "搬迁批次"),
    ("is_poor", None, "是否贫困户"),
    ("people", None, "人口数"),
    ("resettlement_mode", "安置", "方式"),
    ("resettled_at", "安置", "地点"),
    ("moved_on", None, "入住日期"),
    ("rooms_demolished", None, "拆除房屋（间）"),
    ("homestead_m2", "宅基地腾退", "面积（平方米）"),
    ("reclaimed", None, "已复垦"),
    ("subsidy_yuan", None, "奖补资金（元）"),
    ("self_funded_yuan", None, "自筹资金（元）"),
    ("hukou_transferred", None, "户籍已迁移"),
    ("income_per_capita_yuan", None, "人均年收入（元）"),
    ("livelihood", None, "后续扶持"),
)
HOUSEHOLD_COLUMNS = tuple(name for name, _, _ in HOUSEHOLD_HEADER)
TEXT_COLUMNS = frozenset({"household_id", "id_hash"})  # codes: text cells, leading zeros kept
_HOUSEHOLD_SUMS = ("people", "rooms_demolished", "homestead_m2", "subsidy_yuan", "self_funded_yuan")


def household_row(village: Village, household: Household, as_of: dt.date) -> Row:
    """One row of the 搬迁户台账 on as_of: the move, demolition and transfers so far."""
    moved = _on(household.moved_on, as_of)
    demolished = _on(household.demolished_on, as_of)
    # A moving reward of 2000 元 a person, then 3000 元 for each room pulled down.
    subsidy = household.people * 2000 + (household.rooms * 3000 if demolished else 0)
    return {
        "household_id": household.household_id,
        "head_name_masked": household.head_name,
        "id_hash": household.id_number,
        "township": village.township,
        "village": village.name,
        "relocation_batch": BATCH_WORDS[village.batch or 1],
        "is_poor": _yes_no(household.is_poor),
        "people": household.people,
        "resettlement_mode": household.mode,
        "resettled_at": household.place,
        "moved_on": household.moved_on if moved else None,
        "rooms_demolished": household.rooms if demolished else None,
        "homestead_m2": household.homestead_m2 if demolished else None,
        "reclaimed": _tick(_on(household.reclaimed_on, as_of)),
        "subsidy_yuan": subsidy if moved else None,
        "self_funded_yuan": household.self_funded,
        "hukou_transferred": _yes_no(_on(household.hukou_on, as_of)),
        "income_per_capita_yuan": household.income_per_capita,
        "livelihood": household.livelihood if moved else None,
    }


def _household_total(rows: list[Row]) -> Row:
    total: Row = dict.fromkeys(HOUSEHOLD_COLUMNS) | {"household_id": "合计"}
    for name in _HOUSEHOLD_SUMS:
        total[name] = sum(value for r in rows if isinstance(value := r[name], int))
    return total


def org_row(org: Org, as_of: dt.date) -> Row:
    """One row of the 党组织台账 on as_of."""
    stage = org.rectification(as_of)
    rectified = org.rectified_on if stage in ("已整顿", "已验收") else None
    return {
        "township": org.township,
        "org_name": org.name,
        "org_type": org.org_type,
        "members": org.members(as_of),
        "weak_lax": _yes_no(org.weak),
        "rectification_status": stage,
        "rectified_on": _cn_date(rectified) if rectified else None,
        "first_secretary": org.first_secretary or None,
        "floating_members": org.floating(as_of),
    }


def fund_row(allocation: Allocation) -> Line:
    """One line of the 资金台账."""
    a = allocation
    return {
        "source": a.source,
        "amount_10k": _cents(a.cents),
        "township": a.township,
        "village": a.village,
        "allocated_on": a.day.isoformat(),
        "purpose": a.purpose,
    }


# --------------------------------------------------------------------------- writing


def _csv_text(rows: Iterable[Sequence[Cell]]) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)  # \r\n line ends, as Excel writes them
    return buffer.getvalue()


def _title(county: str, label: str, as_of: dt.date) -> str:
    return f"{county}{label}（截至{_cn_date(as_of)}）"


def write_villages(path: Path, world: World, as_of: dt.date) -> None:
    """村级台账: GBK CSV with a title line, the header, one line a village and a 合计 line."""
    rows = [village_row(v, as_of) for v in world.villages]
    width = len(VILLAGE_COLUMNS)
    lines: list[Sequence[Cell]] = [
        [_title(world.county, "村级台账", as_of)] + [""] * (width - 1),  # Excel pads the title
        _headers(schema.VILLAGES, VILLAGE_COLUMNS),
        *(_ordered(r, VILLAGE_COLUMNS) for r in [*rows, _village_total(rows)]),
    ]
    path.write_bytes(_csv_text(lines).encode("gbk"))


def write_households(path: Path, world: World, as_of: dt.date) -> None:
    """搬迁户台账: XLSX with a merged title, a two-row merged header and a 合计 row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "搬迁户"
    _title_row(sheet, _title(world.county, "整村搬迁户台账", as_of), len(HOUSEHOLD_HEADER))
    _two_row_header(sheet)
    rows = [household_row(v, h, as_of) for v in world.relocation() for h in v.households]
    text_at = [i for i, name in enumerate(HOUSEHOLD_COLUMNS, 1) if name in TEXT_COLUMNS]
    for row in [*rows, _household_total(rows)]:
        sheet.append(_ordered(row, HOUSEHOLD_COLUMNS))
        for column in text_at:
            sheet.cell(sheet.max_row, column).number_format = "@"
    _widths(sheet, {1: 19, 3: 21, 5: 12, 10: 18, 11: 12, 19: 14})
    sheet.freeze_panes = "B4"
    _save_workbook(book, path, as_of)


def _title_row(sheet: Worksheet, title: str, width: int) -> None:
    sheet.cell(1, 1, title).font = Font(bold=True, size=14)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)


def _header_groups() -> list[tuple[str | None, list[str]]]:
    """HOUSEHOLD_HEADER as (parent, children) runs: consecutive columns sharing a parent."""
    groups: list[tuple[str | None, list[str]]] = []
    for _, parent, child in HOUSEHOLD_HEADER:
        if parent is not None and groups and groups[-1][0] == parent:
            groups[-1][1].append(child)
        else:
            groups.append((parent, [child]))
    return groups


def _two_row_header(sheet: Worksheet) -> None:
    """Rows 2–3: parents merged across their children, lone headers merged down."""
    column = 1
    for parent, children in _header_groups():
        last = column + len(children) - 1
        if parent is None:
            sheet.cell(2, column, children[0])
            sheet.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)
        else:
            sheet.cell(2, column, parent)
            if last > column:
                sheet.merge_cells(start_row=2, start_column=column, end_row=2, end_column=last)
            for offset, child in enumerate(children):
                sheet.cell(3, column + offset, child)
        column = last + 1
    for row in (2, 3):
        for cell in sheet[row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _widths(sheet: Worksheet, widths: dict[int, float]) -> None:
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width


def write_party_orgs(path: Path, world: World, as_of: dt.date) -> None:
    """党组织台账: XLSX with a merged title row and a plain one-row header."""
    book = Workbook()
    sheet = book.active
    sheet.title = "党组织"
    _title_row(sheet, _title(world.county, "党组织台账", as_of), len(ORG_COLUMNS))
    sheet.append(_headers(schema.PARTY_ORGS, ORG_COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    order = {town: i for i, town in enumerate(VILLAGES_PER_TOWNSHIP)}
    listed = sorted((o for o in world.orgs if o.listed(as_of)), key=lambda o: order[o.township])
    for org in listed:
        sheet.append(_ordered(org_row(org, as_of), ORG_COLUMNS))
    _widths(sheet, {1: 10, 2: 26, 3: 14, 7: 16})
    _save_workbook(book, path, as_of)


def write_funds(path: Path, world: World, as_of: dt.date) -> None:
    """资金台账: UTF-8 CSV with BOM, no title (the file name carries the day), cumulative."""
    rows = [_ordered(fund_row(a), FUND_COLUMNS) for a in world.funds if a.day <= as_of]
    text = _csv_text([_headers(schema.FUNDS, FUND_COLUMNS), *rows])
    path.write_bytes(text.encode("utf-8-sig"))


def _save_workbook(book: Workbook, path: Path, as_of: dt.date) -> None:
    """Save with the snapshot day as every timestamp, so reruns write identical bytes."""
    stamp = dt.datetime.combine(as_of, dt.time(17, 30))
    book.properties.creator = "河曲县扶贫办"
    book.properties.created = book.properties.modified = stamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        # ExcelWriter directly: Workbook.save would overwrite `modified` with the clock.
        ExcelWriter(book, archive).write_data()
    # Zip entries carry the wall-clock time too; re-stamp them with the snapshot day.
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    path.write_bytes(out.getvalue())


def target_rows(world: World) -> list[list[str]]:
    """The 目标任务 lines: county-wide targets, then 赵家沟乡's."""
    homestead = sum(h.homestead_m2 for v in world.relocation(1) for h in v.households)
    b1, b2, year_end = "2017-06-30", "2017-10-31", "2017-12-31"
    rows = [
        ("villages_completed", "1", "", "13", b1, "第一批整村搬迁村"),
        ("villages_completed", "2", "", "20", b2, "第二批整村搬迁村"),
        ("households_moved", "1", "", "189", b1, "第一批搬迁户数"),
        ("households_moved", "2", "", "455", b2, "第二批搬迁户数"),
        ("people_moved", "1", "", "425", b1, "第一批搬迁人数"),
        ("people_moved", "2", "", "1052", b2, "第二批搬迁人数"),
        ("joint_branches", "1", "", "13", b1, "搬迁村建立联合党支部"),
        ("hukou_transferred", "1", "", "13", b1, "搬迁人口户籍转入迁入村"),
        ("demolished_reclaimed", "1", "", "13", "2017-09-30", "旧房拆除、宅基地复垦"),
        ("homestead_reclaimed_m2", "1", "", str(homestead), "2017-09-30", "第一批宅基地腾退复垦"),
        ("zero_break_rate", "", "", "75", year_end, "村集体经济破零率（%）"),
        ("weak_orgs_rectified", "", "", "36", year_end, "软弱涣散党组织集中整顿"),
        ("funds_10k", "", "", "8000", b2, "统筹整合搬迁资金（万元）"),
        ("villages_completed", "1", "赵家沟乡", "7", b1, "赵家沟乡第一批搬迁村"),
        ("households_moved", "1", "赵家沟乡", "101", b1, "赵家沟乡第一批搬迁户数"),
        ("people_moved", "1", "赵家沟乡", "228", b1, "赵家沟乡第一批搬迁人数"),
        ("villages_completed", "2", "赵家沟乡", "3", b2, "赵家沟乡第二批搬迁村"),
    ]
    return [list(r) for r in rows]


def write_targets(path: Path, world: World) -> None:
    """目标任务: plain UTF-8 CSV, indicator keys from schema.INDICATORS."""
    text = _csv_text([_headers(schema.TARGETS, TARGET_COLUMNS), *target_rows(world)])
    path.write_bytes(text.encode("utf-8"))


# --------------------------------------------------------------------------- 包保责任台账 (issue 22)
#
# The "六个一" system: every relocation village has a county leader who answers for it (包保), a
# lead department, a task force and its head, funds, and a backward-planned schedule (倒排工期);
# the members of the county's four leading bodies each 包点 a weak party organisation. The plans
# are drawn from a random generator of their own, after the world is built, so that none of the
# world's figures moves; each plan is set against the days the world's villages and
# organisations actually reach their stages, so that some fall behind their plan for a while
# (the first batch in June, the second in August and October) and some are behind on 10月13日.

PLAN_SEED = f"{SEED}-包保责任"
# The county's leaders (四套班子), by title. The 县委 and 政府 members 包保 the relocation villages;
# everyone 包点 a weak organisation.
LEADER_TITLES: tuple[str, ...] = (
    "县委书记", "县委副书记、县长", "县委副书记", "县委常委、常务副县长", "县委常委、组织部部长",
    "县委常委、宣传部部长", "县委常委、纪委书记", "县委常委、政法委书记", "县委常委、统战部部长",
    "县委常委、县委办公室主任", "县委常委、副县长", "县委常委、人武部部长",
    "副县长", "副县长", "副县长", "副县长", "副县长",
    "县人大常委会主任", "县人大常委会副主任", "县人大常委会副主任", "县人大常委会副主任",
    "县政协主席", "县政协副主席", "县政协副主席", "县政协副主席",
)  # fmt: skip
VILLAGE_LEADERS = 17  # the first 17 titles: the 县委 and 政府 members
RELOCATION_DEPARTMENTS = (
    "县扶贫办", "县住建局", "县国土资源局", "县发改局", "县农委", "县民政局", "县财政局",
    "县水利局", "县交通运输局", "县林业局", "县人社局",
)  # fmt: skip
ORG_DEPARTMENTS = ("县委组织部", "县直机关工委", "县委组织部", "县委党校")
BATCH_PLAN = {  # (计划动员完成, 计划搬迁完成 at the latest, 计划拆除复垦完成) per batch
    1: (dt.date(2017, 4, 25), dt.date(2017, 6, 30), dt.date(2017, 9, 30)),
    2: (dt.date(2017, 7, 31), dt.date(2017, 10, 31), dt.date(2017, 12, 20)),
}


@dataclass(frozen=True)
class Leader:
    """A county leader: name (public, shown in full) and title."""

    name: str
    title: str


@dataclass(frozen=True)
class Responsibility:
    """One row of the 包保责任台账: a relocation village or a weak organisation, who answers for it
    and its 倒排工期 (each date: the day by which it must have reached a stage)."""

    township: str
    village: Village | None
    org: Org | None
    leader: Leader
    department: str
    task_force_head: str
    funds_cents: int  # of 万元
    mobilised_on: dt.date | None = None
    move_start_on: dt.date | None = None
    moved_on: dt.date | None = None
    reclaimed_on: dt.date | None = None
    rectified_on: dt.date | None = None

    @property
    def name(self) -> str:
        """The village's or the organisation's name."""
        return self.village.name if self.village is not None else self.org.name if self.org else ""


def _leaders(rng: random.Random) -> list[Leader]:
    names: list[str] = []
    while len(names) < len(LEADER_TITLES):
        name = _person_name(rng, OFFICIAL_GIVEN)
        if name not in names:
            names.append(name)
    return [Leader(n, t) for n, t in zip(names, LEADER_TITLES, strict=True)]


def _first_move(village: Village) -> dt.date | None:
    moved = [h.moved_on for h in village.households if h.moved_on is not None]
    return min(moved) if moved else None


def _village_plan(rng: random.Random, village: Village) -> dict[str, dt.date]:
    """A village's 倒排工期, set against the days it really reaches its stages."""
    mobilise_by, move_by, reclaim_by = BATCH_PLAN[village.batch or 1]
    start = _first_move(village)
    if start is None:  # still mobilising on 10月13日 (赵家沟乡's second batch): its plan had it moving
        move_start = _day(rng, dt.date(2017, 8, 28), dt.date(2017, 9, 15))
    elif rng.random() < 0.3:  # meant to start a week or two before it did
        move_start = start - dt.timedelta(days=rng.randint(6, 16))
    else:
        move_start = start + dt.timedelta(days=rng.randint(0, 6))
    mobilised = min(mobilise_by, move_start - dt.timedelta(days=7))
    done = village.completed_on
    if done is None:  # still moving on 10月13日: some of these were due to be done by now
        moved = _day(rng, dt.date(2017, 9, 29), move_by) if start else move_by
    elif rng.random() < 0.3:  # finished a week or two after its plan
        moved = done - dt.timedelta(days=rng.randint(5, 14))
    else:
        moved = min(done + dt.timedelta(days=rng.randint(0, 10)), move_by)
    moved = max(moved, move_start + dt.timedelta(days=14))
    reclaimed = village.reclaimed_on
    if reclaimed is not None and rng.random() < 0.25:  # demolition planned to end earlier than it did
        reclaim = max(reclaimed - dt.timedelta(days=rng.randint(7, 20)), moved + dt.timedelta(days=30))
    else:
        reclaim = reclaim_by
    return {
        "mobilised_on": mobilised,
        "move_start_on": move_start,
        "moved_on": moved,
        "reclaimed_on": reclaim,
    }


def _org_plan(rng: random.Random, org: Org) -> dt.date:
    """When a weak organisation is to be rectified: some are rectified later than planned."""
    started = org.started_on or dt.date(2017, 5, 1)
    return min(started + dt.timedelta(days=rng.randint(40, 85)), dt.date(2017, 12, 20))


def responsibilities(world: World) -> list[Responsibility]:
    """The 包保责任台账: one row per relocation village, then one per weak organisation."""
    rng = random.Random(PLAN_SEED)
    leaders = _leaders(rng)
    villages = world.relocation()
    by_village = list(range(len(villages)))
    rng.shuffle(by_village)
    village_leader = {v: leaders[i % VILLAGE_LEADERS] for i, v in enumerate(by_village)}
    rows = []
    for position, village in enumerate(villages):
        rows.append(
            Responsibility(
                village.township,
                village,
                None,
                village_leader[position],
                rng.choice(RELOCATION_DEPARTMENTS),
                _person_name(rng, OFFICIAL_GIVEN),
                rng.randrange(1000, 4000, 50),
                **_village_plan(rng, village),
            )
        )
    weak = [o for o in world.orgs if o.weak]
    order = list(range(len(weak)))
    rng.shuffle(order)
    org_leader = {o: leaders[i % len(leaders)] for i, o in enumerate(order)}
    for position, org in enumerate(weak):
        rows.append(
            Responsibility(
                org.township,
                None,
                org,
                org_leader[position],
                rng.choice(ORG_DEPARTMENTS),
                _person_name(rng, OFFICIAL_GIVEN),
                rng.randrange(200, 500, 10),
                rectified_on=_org_plan(rng, org),
            )
        )
    return rows


# (column, parent header, child header): 包保对象, 包保县级领导 and 倒排工期 span their children.
RESPONSIBILITY_HEADER: tuple[tuple[str, str | None, str], ...] = (
    ("township", None, "乡镇"),
    ("village", "包保对象", "村名"),
    ("org_name", "包保对象", "党组织名称"),
    ("leader", "包保县级领导", "姓名"),
    ("leader_title", "包保县级领导", "职务"),
    ("lead_department", None, "牵头部门"),
    ("task_force_head", None, "工作专班负责人"),
    ("funds_10k", None, "保障经费（万元）"),
    ("plan_mobilised_on", "倒排工期", "计划动员完成"),
    ("plan_move_start_on", "倒排工期", "计划开始搬迁"),
    ("plan_moved_on", "倒排工期", "计划搬迁完成"),
    ("plan_reclaimed_on", "倒排工期", "计划拆除复垦完成"),
    ("plan_rectified_on", "倒排工期", "计划整顿完成"),
)


def responsibility_row(item: Responsibility) -> list[Cell]:
    """One row of the 包保责任台账: dates as Excel dates, the funds as a number."""
    cells: dict[str, Cell] = {
        "township": item.township,
        "village": item.village.name if item.village else None,
        "org_name": item.org.name if item.org else None,
        "leader": item.leader.name,
        "leader_title": item.leader.title,
        "lead_department": item.department,
        "task_force_head": item.task_force_head,
        "funds_10k": item.funds_cents / 100,
        "plan_mobilised_on": item.mobilised_on,
        "plan_move_start_on": item.move_start_on,
        "plan_moved_on": item.moved_on,
        "plan_reclaimed_on": item.reclaimed_on,
        "plan_rectified_on": item.rectified_on,
    }
    return [cells[name] for name, _, _ in RESPONSIBILITY_HEADER]


def write_responsibilities(path: Path, world: World, as_of: dt.date) -> None:
    """包保责任台账: XLSX with a merged title, a two-row header under merged group cells."""
    book = Workbook()
    sheet = book.active
    sheet.title = "包保责任"
    width = len(RESPONSIBILITY_HEADER)
    _title_row(sheet, _title(world.county, "整村搬迁和软弱涣散党组织包保责任台账", as_of), width)
    for column, (_, parent, child) in enumerate(RESPONSIBILITY_HEADER, 1):
        sheet.cell(2, column, parent or child)
        if parent is None:
            sheet.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)
        else:
            sheet.cell(3, column, child)
    for parent in dict.fromkeys(p for _, p, _ in RESPONSIBILITY_HEADER if p):
        columns = [i for i, (_, p, _) in enumerate(RESPONSIBILITY_HEADER, 1) if p == parent]
        sheet.merge_cells(start_row=2, start_column=columns[0], end_row=2, end_column=columns[-1])
    for row in (2, 3):
        for cell in sheet[row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for item in responsibilities(world):
        sheet.append(responsibility_row(item))
        for column in range(9, width + 1):
            sheet.cell(sheet.max_row, column).number_format = "yyyy-mm-dd"
    dates: dict[int, float] = {c: 13.0 for c in range(9, width + 1)}
    _widths(sheet, {2: 12.0, 3: 22.0, 5: 24.0, 6: 14.0, 7: 14.0} | dates)
    _save_workbook(book, path, as_of)


WEEKLY_LEDGERS: tuple[tuple[str, str, Callable[[Path, World, dt.date], None]], ...] = (
    ("村级台账", "csv", write_villages),
    ("搬迁户台账", "xlsx", write_households),
    ("党组织台账", "xlsx", write_party_orgs),
    ("资金台账", "csv", write_funds),
    ("包保责任台账", "xlsx", write_responsibilities),
)


def make_world() -> World:
    """The sample county, drawn afresh from the fixed seed."""
    return build_world(random.Random(SEED), read_townships())


def write_sample(out_dir: Path) -> None:
    """Write the targets file and the 24 weekly snapshots under out_dir (county.toml untouched)."""
    world = make_world()
    out_dir.mkdir(parents=True, exist_ok=True)
    write_targets(out_dir / f"目标任务_{TARGETS_DAY.isoformat()}.csv", world)
    for as_of in WEEKS:
        folder = out_dir / "weekly" / as_of.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        for label, suffix, write in WEEKLY_LEDGERS:
            write(folder / f"{label}_{as_of.isoformat()}.{suffix}", world, as_of)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m synth.sample [OUT_DIR]`."""
    args = list(sys.argv[1:] if argv is None else argv)
    out_dir = Path(args[0]) if args else SAMPLE_DIR
    write_sample(out_dir)
    print(f"sample data written to {out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
