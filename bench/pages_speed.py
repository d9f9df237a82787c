"""Page speed at scale: every page's queries, uncached and cached, against pandas and a one-scan floor.

For every page (总览, 整村搬迁, 集体经济, 党建, 资金, 数据) and every view (default filters; at
province scale also one county; and one township of that county):

1. runs the page once in AppTest with `tracker.store.queries.run` wrapped, so the named queries and
   parameters measured are exactly the ones the page runs with every section (tab) drawn, as in
   the report layout (the reader scope is taken from the
   caller, `ui.data._run`);
2. UNCACHED: a fresh `Reader` for the view's scope, then each run takes a fresh cursor and
   runs every recorded query once (the first view after a filter change); `first` is the first
   run on the new Reader (the first view after a snapshot lands), median and p95 are over the
   --runs runs that follow;
3. CACHED: the same calls through `ui.data._run` (the page's own `st.cache_data` function, keyed
   as `ui.data.query` keys it, including its one `stat` of the manifest), called directly after
   AppTest created its cache — the first call of each key fills it, the timed runs are hits;
4. AppTest: the whole page run in AppTest, with the data cache cleared before each run (the
   Reader stays cached, as on a running server) and with it warm;
5. PANDAS, "the typical Streamlit way": the displayed week's export CSVs read once with
   `pandas.read_csv` (one cached loader per ledger), then each page's headline figures — its
   cards and by-township breakdowns, lists and checks — computed with pandas filter/groupby.
   Only the displayed week is loaded, so pandas does NOT compute the weekly series (trend charts,
   "较上周", pace) the pages also draw: it does less work than the page. `pandas` is the compute
   alone (frames already in memory, the lowest figure a pandas page could reach); `pandas+hit`
   adds what an `st.cache_data` hit on those frames costs (unpickling them, as st.cache_data does
   on every rerun). In a region view (several counties, none chosen) pandas ranks counties and
   leaves out the township breakdowns and village list, as the pages do. The headline figures
   are checked against the page's own query results;
6. FLOOR: one DuckDB statement that reads, from every Parquet file the page's queries open
   (found with EXPLAIN ANALYZE), exactly the columns they read from it (count(*) plus count(col)
   per column), with the view's county and township filters — the cost of just reading the
   data the page touches in the store's current layout. A summary the reader holds in memory
   (the views of tracker.store.reader.VIEWS held in memory) counts as the Parquet files it was read from, so the floor
   stays the cost of reading that data from the store, not from memory.

Prints a table, the goals (uncached median < 150 ms, cached < 20 ms, >= 10x faster than pandas,
within 3x of the floor) and which are met, then ONE JSON line with every figure.

    .venv/bin/python bench/pages_speed.py --counties 2 --weeks 3 [--store STORE] [--runs 5]
    .venv/bin/python bench/pages_speed.py --data /tmp/province --store /tmp/province_store --runs 5

--data DIR is a folder of exports (as `synth.province` writes them); --counties/--weeks
generate one (into --data when given, else a scratch folder). --store is imported from the exports
with `python -m tracker import` unless it already holds a store, in which case it is reused.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import functools
import json
import logging
import os
import pickle
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from tracker.contract import schema  # noqa: E402
from tracker.contract.county import load_county  # noqa: E402
from tracker.rules.relocation import (  # noqa: E402
    RECLAIMED_STAGES,
    SELF_FUNDING_CAP_PER_HOUSEHOLD_YUAN,
    SELF_FUNDING_CAP_PER_PERSON_YUAN,
)
from tracker.store import queries  # noqa: E402
from tracker.store.manifest import MANIFEST, read_manifest  # noqa: E402
from tracker.store.reader import Reader  # noqa: E402

PAGES = [
    ("总览", "app_pages/overview.py"),
    ("整村搬迁", "app_pages/relocation.py"),
    ("集体经济", "app_pages/collective.py"),
    ("党建", "app_pages/party.py"),
    ("资金", "app_pages/funds.py"),
    ("数据", "app_pages/data.py"),
]
GOALS = {"uncached_ms": 150.0, "cached_ms": 20.0, "vs_pandas": 10.0, "vs_floor": 3.0}
COMPLETED = list(schema.COMPLETED_STAGES)
RECTIFIED = ["已整顿", "已验收"]
LEDGERS = {
    "villages": "村级台账",
    "households": "搬迁户台账",
    "party_orgs": "党组织台账",
    "funds": "资金台账",
}
Scope = tuple[tuple[str, tuple[str, ...]], ...]


def log(message: str) -> None:
    """Progress on stderr (stdout carries the table and the JSON line only)."""
    print(message, file=sys.stderr, flush=True)


def ms(seconds: float) -> float:
    """Seconds as milliseconds, rounded for the report."""
    return round(seconds * 1000, 1)


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank) of a few timings."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(np.ceil(0.95 * len(ordered))) - 1))]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """(seconds, result) of one call."""
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


# --------------------------------------------------------------------------- the store


def prepare(
    data: Path | None, counties: int | None, weeks: int | None, store_dir: Path | None, scratch: Path
) -> tuple[Path | None, Path, float | None]:
    """(exports folder, store folder, import seconds or None when an existing store is reused)."""
    if counties is not None:
        from synth.province import generate

        data = data or scratch / "exports"
        if not (data / "region.toml").exists():
            log(f"generating {counties} counties x {weeks} weeks into {data} ...")
            generate(counties, weeks or 3, data)
    store_dir = store_dir or scratch / "store"
    if (store_dir / MANIFEST).exists():
        log(f"reusing the store in {store_dir}")
        return data, store_dir, None
    if data is None:
        raise SystemExit("no store to reuse: give --data DIR or --counties N --weeks W")
    log(f"importing {data} into {store_dir} ...")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "--data-dir", str(store_dir), "import", str(data)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"import failed ({done.returncode}): {(done.stdout + done.stderr)[-2000:]}")
    return data, store_dir, seconds


@dataclass
class View:
    """One filter state: the AppTest query parameters and the reader scope they lead to."""

    name: str
    query: dict[str, Any]
    county: str | None = None
    townships: list[str] = field(default_factory=list)
    region: bool = False  # several counties, none chosen: the pages compare counties, not townships


def views_for(store_dir: Path, county: str | None, township: str | None) -> list[View]:
    """Default filters; with several counties also one county; and one township (of that county)."""
    region = load_county(store_dir)
    several = len(region.counties) > 1
    chosen = next((c for c in region.counties if c.name == county), region.counties[0])
    town = township if township in chosen.township_names else chosen.township_names[0]
    views = [View("all", {}, region=several)]
    if several:
        views.append(View("county", {"county": chosen.name}, chosen.name))
        views.append(View("township", {"county": chosen.name, "township": [town]}, chosen.name, [town]))
    else:
        views.append(View("township", {"township": [town]}, None, [town]))
    return views


# --------------------------------------------------------------------------- AppTest: discover and time


@dataclass
class Call:
    """One named query as the page ran it."""

    name: str
    params: dict[str, Any]
    scope: Scope


class Recorder:
    """Wraps tracker.store.queries.run to note every (name, params, reader scope) the page runs."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.original = queries.run

    def __enter__(self) -> Recorder:
        original = self.original

        def recording(cursor: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
            caller = sys._getframe(1).f_locals  # ui.data._run(name, stamp, folder, scope, params)
            self.calls.append(Call(name, copy.deepcopy(params), tuple(caller.get("scope", ()))))
            return original(cursor, name, **params)

        queries.run = recording
        return self

    def __exit__(self, *exc: object) -> None:
        queries.run = self.original


def _data_module() -> Any:
    """ui.data, as the pages imported it (imported by AppTest inside a run, so its caches exist)."""
    return sys.modules["ui.data"]


_HEADER = re.compile(r'<div class="report-header">(.*?)</div>')


def apptest_pages(view: View, runs: int) -> dict[str, dict[str, Any]]:
    """Per page: the recorded calls, AppTest seconds with the data cache cleared and warm."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=900)
    for key, value in view.query.items():
        at.query_params[key] = value
    # The report layout draws every section of a page (a leader's first view runs only its first
    # tab): the query set timed is the whole page's, which the pandas side computes too.
    at.query_params["report"] = "1"
    at.run()
    out: dict[str, dict[str, Any]] = {}
    for title, path in PAGES:
        at.switch_page(path)
        cold, warm, calls = [], [], []
        for i in range(max(runs, 1)):
            _data_module()._run.clear()
            with Recorder() as recorder:
                seconds, _ = timed(at.run)
            if at.exception:
                raise SystemExit(f"{title} ({view.name}) raised: {[e.value for e in at.exception]}")
            if i == 0:
                calls = recorder.calls
            cold.append(seconds)
        for _ in range(max(runs, 1)):
            seconds, _ = timed(at.run)
            warm.append(seconds)
        header = next((m.group(1) for h in at.get("html") if (m := _HEADER.search(h.proto.body))), "")
        out[title] = {"calls": calls, "cold": cold, "warm": warm, "header": header}
        log(f"  AppTest {view.name:<9} {title}: {len(calls)} queries, {ms(statistics.median(cold))} ms")
    return out


# --------------------------------------------------------------------------- uncached and cached


def run_calls(cursor: duckdb.DuckDBPyConnection, calls: list[Call]) -> tuple[list[float], dict[str, Any]]:
    """Each call once on the cursor: per-call seconds and the results by query name."""
    seconds: list[float] = []
    results: dict[str, Any] = {}
    for call in calls:
        took, frame = timed(functools.partial(queries.run, cursor, call.name, **call.params))
        seconds.append(took)
        results.setdefault(call.name, frame)
    return seconds, results


def uncached(store_dir: Path, calls: list[Call], runs: int) -> dict[str, Any]:
    """A fresh Reader for the scope; the first run on it, then --runs runs each on a fresh cursor."""
    scope = calls[0].scope if calls else ()
    open_s, reader = timed(lambda: Reader(store_dir, dict(scope)))
    first, _ = run_calls(reader.cursor(), calls)
    totals: list[float] = []
    per_query: dict[str, list[float]] = defaultdict(list)
    results: dict[str, Any] = {}
    for _ in range(runs):
        seconds, results = run_calls(reader.cursor(), calls)
        totals.append(sum(seconds))
        for call, took in zip(calls, seconds):
            per_query[call.name].append(took)
    return {
        "reader_open_ms": ms(open_s),
        "first_ms": ms(sum(first)),
        "median_ms": ms(statistics.median(totals)),
        "p95_ms": ms(p95(totals)),
        "queries_ms": {name: ms(statistics.median(t)) for name, t in per_query.items()},
        "results": results,
        "reader": reader,
    }


class Warnings(logging.Handler):
    """Collects what streamlit logs at WARNING or above, and Python warnings, while in force."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self._loggers: list[logging.Logger] = []
        self._catch = warnings.catch_warnings(record=True)
        self._caught: list[warnings.WarningMessage] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the message."""
        self.messages.append(f"{record.name}: {record.getMessage()}")

    def __enter__(self) -> Warnings:
        # Streamlit's loggers do not propagate: listen on each of them.
        self._loggers = [
            logger
            for name, logger in logging.root.manager.loggerDict.items()
            if name.startswith("streamlit") and isinstance(logger, logging.Logger)
        ]
        for logger in self._loggers:
            logger.addHandler(self)
        self._caught = self._catch.__enter__() or []
        warnings.simplefilter("always")
        return self

    def __exit__(
        self, typ: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._catch.__exit__(typ, exc, tb)
        self.messages += [str(w.message) for w in self._caught]
        for logger in self._loggers:
            logger.removeHandler(self)


def cached(calls: list[Call], runs: int) -> dict[str, Any]:
    """The same calls through ui.data's st.cache_data function, keyed exactly as ui.data.query keys them."""
    data = _data_module()

    def one_pass() -> None:
        for call in calls:
            wanted = queries.get(call.name).params
            frozen = tuple(
                sorted(
                    (k, tuple(v) if isinstance(v, list) else v) for k, v in call.params.items() if k in wanted
                )
            )
            data._run(call.name, data.version(), str(data.data_dir()), call.scope, frozen)

    with Warnings() as caught:
        fill, _ = timed(one_pass)
        totals = [timed(one_pass)[0] for _ in range(runs)]
    return {
        "fill_ms": ms(fill),
        "median_ms": ms(statistics.median(totals)),
        "p95_ms": ms(p95(totals)),
        "warnings": caught.messages,
    }


# --------------------------------------------------------------------------- the floor

_AS_OF_TEST = re.compile(r"as_of\s*(<=|<|=|>=|>)\s*'(\d{4}-\d{2}-\d{2})'")


def _scans(node: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    info = node.get("extra_info") or {}
    if "PARQUET" in str(info.get("Function", "")).upper():
        found.append(info)
    elif node.get("type") == "TABLE_SCAN" and str(info.get("Table", "")).startswith("memory.main."):
        # a table the reader holds in memory (a summary read once from its files)
        found.append(info | {"Memory Table": str(info["Table"]).removeprefix("memory.main.")})
    for child in node.get("children", []):
        found += _scans(child)
    return found


def _as_list(value: Any) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def _passes(day: str, text: str) -> bool:
    ops = {"<=": day.__le__, "<": day.__lt__, "=": day.__eq__, ">=": day.__ge__, ">": day.__gt__}
    return all(ops[op](value) for op, value in _AS_OF_TEST.findall(text))


def reads(reader: Reader, calls: list[Call], notes: list[str]) -> dict[tuple[str, str], set[str]]:
    """(table, file) -> columns, for every Parquet file the calls' scans open (by EXPLAIN ANALYZE)."""
    cursor = reader.cursor()
    root = str(reader.data_dir.resolve()) + os.sep
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for call in calls:
        sql, bound = queries.bind(call.name, call.params)
        body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
        plan = json.loads(cursor.execute("EXPLAIN (ANALYZE, FORMAT json) " + body, bound).fetchall()[0][1])
        for info in _scans(plan["operator"] if isinstance(plan["operator"], dict) else plan["operator"][0]):
            names = str(info.get("Filename(s)", ""))
            table = names.removeprefix(root).split("/", 1)[0] if names.startswith(root) else None
            table = info.get("Memory Table", table)
            if table is None or table not in reader.manifest.get("snapshots", {}):
                continue  # rejects: tiny, and not a ledger; snapshot_days and the import log: no files
            known = _columns(reader.files(table)[0])
            filters = " ".join(_as_list(info.get("Filters")))
            used = set(_as_list(info.get("Projections"))) | {
                c for c in known if re.search(rf"\b{c}\b", filters)
            }
            limits = " ".join(
                _as_list(info.get("File Filters"))
                + _as_list(info.get("Dynamic Filters"))
                + (_as_list(info.get("Filters")) if "Memory Table" in info else [])
            )
            days = reader.manifest["snapshots"][table]
            files = [reader.data_dir.resolve() / days[d] for d in sorted(days) if _passes(d, limits)]
            count = int(info.get("Total Files Read", len(files)))  # a memory table: the files it holds
            if len(files) != count:
                as_of = str(call.params.get("as_of"))
                files = [reader.data_dir.resolve() / days[d] for d in sorted(days) if d <= as_of][-count:]
                notes.append(f"{call.name}: {table} files taken as the {count} newest on or before {as_of}")
            for path in files:
                out[(table, str(path))] |= used & known
    return out


@functools.cache
def _columns(path: str) -> frozenset[str]:
    """The columns a Parquet file holds (a ledger, or a summary derived from one at import)."""
    return frozenset(pq.read_schema(path).names)


def floor_sql(opened: dict[tuple[str, str], set[str]], view: View) -> tuple[str, list[Any]]:
    """One statement scanning exactly those (file, columns) pairs, with the view's filters."""
    groups: dict[tuple[str, frozenset[str]], list[str]] = defaultdict(list)
    for (table, path), used in opened.items():
        groups[(table, frozenset(used))].append(path)
    parts: list[str] = []
    params: list[Any] = []
    for i, ((_table, columns), files) in enumerate(
        sorted(groups.items(), key=lambda g: (g[0][0], sorted(g[0][1])))
    ):
        known = _columns(files[0])
        counts = "".join(f', count("{c}") AS c{i}_{j}' for j, c in enumerate(sorted(columns)))
        where = []
        if view.county and "county" in known:
            where.append("county = ?")
            params.append(view.county)
        if view.townships and "township" in known:
            where.append("list_contains(?, township)")
            params.append(view.townships)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        file_list = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in sorted(files)) + "]"
        parts.append(
            f"(SELECT count(*) AS n{i}{counts} FROM read_parquet({file_list}, hive_partitioning = true){clause})"
        )
    return ("SELECT * FROM " + ", ".join(parts)) if parts else "SELECT 1", params


def floor(opened: dict[tuple[str, str], set[str]], view: View, runs: int) -> dict[str, Any]:
    """Median and p95 of the one-scan floor on a plain DuckDB connection (after one warm-up)."""
    sql, params = floor_sql(opened, view)
    con = duckdb.connect(":memory:")
    con.execute(sql, params).fetchall()
    totals = [timed(lambda: con.execute(sql, params).fetchall())[0] for _ in range(runs)]
    con.close()
    return {
        "median_ms": ms(statistics.median(totals)),
        "p95_ms": ms(p95(totals)),
        "files": len({path for _, path in opened}),
        "columns": sorted({f"{t}.{c}" for (t, _), cols in opened.items() for c in cols}),
    }


# --------------------------------------------------------------------------- pandas, the typical way


def _rename(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    mapping = {}
    for column in schema.TABLES[table].columns:
        for header in column.headers:
            if header in frame.columns:
                mapping[header] = column.name
                break
    return frame.rename(columns=mapping)


def load_week(exports: Path, day: str) -> dict[str, pd.DataFrame]:
    """The displayed week's ledgers (and the targets), as a typical app's cached loader returns them."""
    frames = {}
    for table, label in LEDGERS.items():
        frame = _rename(pd.read_csv(exports / "weekly" / day / f"{label}_{day}.csv"), table)
        for column in schema.TABLES[table].columns:
            if column.name not in frame.columns:
                continue
            if column.kind == "bool":
                frame[column.name] = frame[column.name].eq("是")
            elif column.kind == "date":
                frame[column.name] = pd.to_datetime(frame[column.name])
        frames[table] = frame
    targets = sorted(exports.glob("目标任务_*.csv"))
    frames["targets"] = _rename(pd.read_csv(targets[-1]), "targets") if targets else pd.DataFrame()
    return frames


def _pick(frame: pd.DataFrame, county: str | None, townships: list[str]) -> pd.DataFrame:
    if county is None and not townships:
        return frame
    mask = pd.Series(True, index=frame.index)
    if county is not None:
        mask &= frame["county"].eq(county)
    if townships:
        mask &= frame["township"].isin(townships)
    return frame[mask]


def _batch_cards(v: pd.DataFrame, h: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    rv = v[v["relocation_batch"].notna()]
    done = rv["relocation_status"].isin(COMPLETED)
    villages = (
        pd.DataFrame(
            {
                "batch": rv["relocation_batch"],
                "villages_completed": done,
                "hukou_transferred": done & rv["hukou_transferred"],
                "joint_branches": done & rv["joint_branch"],
                "demolished_reclaimed": rv["relocation_status"].isin(RECLAIMED_STAGES),
            }
        )
        .groupby("batch")
        .sum()
    )
    rh = h[h["relocation_batch"].notna()]
    moved = rh["moved_on"].notna() & (rh["moved_on"] <= day)
    households = (
        pd.DataFrame(
            {
                "batch": rh["relocation_batch"],
                "households_moved": moved,
                "people_moved": rh["people"].where(moved, 0),
                "homestead_reclaimed_m2": rh["homestead_m2"].where(rh["reclaimed"], 0),
            }
        )
        .groupby("batch")
        .sum()
    )
    return villages.join(households, how="outer")


def _targets(t: pd.DataFrame, county: str | None) -> pd.DataFrame:
    return t if county is None or t.empty else t[t["county"].eq(county) | t["county"].isna()]


def pd_overview(
    w: dict[str, pd.DataFrame], county: str | None, towns: list[str], day: pd.Timestamp, region: bool = False
) -> dict:
    """总览: the indicator cards (this week) and the township ranking (in a region view, by county)."""
    place = "county" if region else "township"
    v, h, o, f = (_pick(w[t], county, towns) for t in ("villages", "households", "party_orgs", "funds"))
    cards = _batch_cards(v, h, day)
    zero_break = 100.0 * v["collective_income_10k"].gt(0).mean()
    rectified = int((o["weak_lax"] & o["rectification_status"].isin(RECTIFIED)).sum())
    funds = f["amount_10k"].sum()
    villages = (
        v.assign(
            past=v["collective_income_10k"].gt(0),
            relocation=v["relocation_batch"].notna(),
            done=v["relocation_status"].isin(COMPLETED),
        )
        .groupby(place)
        .agg(
            villages=("village", "size"),
            villages_past_zero=("past", "sum"),
            relocation_villages=("relocation", "sum"),
            villages_completed=("done", "sum"),
        )
    )
    rh = h[h["relocation_batch"].notna()]
    moved = rh["moved_on"].notna() & (rh["moved_on"] <= day)
    households = (
        rh.assign(moved=moved, moved_people=rh["people"].where(moved, 0))
        .groupby(place)
        .agg(
            households=("household_id", "size"),
            households_moved=("moved", "sum"),
            people_moved=("moved_people", "sum"),
        )
    )
    orgs = (
        o.assign(weak=o["weak_lax"], done=o["weak_lax"] & o["rectification_status"].isin(RECTIFIED))
        .groupby(place)
        .agg(weak_orgs=("weak", "sum"), weak_orgs_rectified=("done", "sum"))
    )
    ranking = villages.join(households).join(orgs).fillna(0)
    ranking["moved_percent"] = (
        100.0 * ranking["households_moved"] / ranking["households"].where(ranking["households"] > 0)
    )
    ranking["zero_break_rate"] = 100.0 * ranking["villages_past_zero"] / ranking["villages"]
    ranking = ranking.sort_values(["moved_percent", "zero_break_rate"], ascending=False)
    targets = _targets(w["targets"], county)
    freshness = {t: len(_pick(w[t], county, [])) for t in LEDGERS}
    return {
        "cards": cards,
        "zero_break_rate": zero_break,
        "weak_orgs_rectified": rectified,
        "funds_10k": funds,
        "ranking": ranking,
        "targets": targets,
        "freshness": freshness,
        "check": {"households_moved": int(ranking["households_moved"].sum())},
    }


def pd_relocation(
    w: dict[str, pd.DataFrame], county: str | None, towns: list[str], day: pd.Timestamp, region: bool = False
) -> dict:
    """整村搬迁: cards per batch, the township table, stages, modes, self-funding caps, the village table."""
    v = _pick(w["villages"], county, towns)
    v = v[v["relocation_batch"].notna()]
    h = _pick(w["households"], county, towns)
    h = h[h["relocation_batch"].notna()]
    cards = _batch_cards(v, h, day)
    moved = h["moved_on"].notna() & (h["moved_on"] <= day)
    cap = np.minimum(SELF_FUNDING_CAP_PER_PERSON_YUAN * h["people"], SELF_FUNDING_CAP_PER_HOUSEHOLD_YUAN)
    hx = h.assign(
        moved=moved,
        moved_people=h["people"].where(moved, 0),
        reclaimed_m2=h["homestead_m2"].where(h["reclaimed"], 0),
        nothing=h["is_poor"] & h["self_funded_yuan"].eq(0),
        over=h["is_poor"] & (h["self_funded_yuan"] > cap),
        cap_yuan=cap,
    )
    household_side = hx.groupby("township").agg(
        households=("household_id", "size"),
        people=("people", "sum"),
        households_moved=("moved", "sum"),
        people_moved=("moved_people", "sum"),
        households_hukou=("hukou_transferred", "sum"),
        rooms_demolished=("rooms_demolished", "sum"),
        homestead_m2=("homestead_m2", "sum"),
        reclaimed_m2=("reclaimed_m2", "sum"),
        subsidy_yuan=("subsidy_yuan", "sum"),
        self_funded_yuan=("self_funded_yuan", "sum"),
        poor_households=("is_poor", "sum"),
        poor_paying_nothing=("nothing", "sum"),
        poor_over_cap=("over", "sum"),
    )
    done = v["relocation_status"].isin(COMPLETED)
    village_side = (
        v.assign(
            done=done,
            hukou=done & v["hukou_transferred"],
            reclaimed=v["relocation_status"].isin(RECLAIMED_STAGES),
        )
        .groupby("township")
        .agg(
            relocation_villages=("village", "size"),
            villages_completed=("done", "sum"),
            villages_hukou=("hukou", "sum"),
            villages_reclaimed=("reclaimed", "sum"),
            planned_households=("planned_households", "sum"),
            planned_people=("planned_people", "sum"),
        )
    )
    townships = village_side.join(household_side).fillna(0)
    townships["moved_percent"] = (
        100.0 * townships["households_moved"] / townships["households"].where(townships["households"] > 0)
    )
    townships = townships.sort_values(["moved_percent", "villages_completed"], ascending=False)
    # A region view draws neither the stages by township nor the village list (see the page).
    stages = None
    if not region:
        stages = (
            v.assign(stage=v["relocation_status"].fillna("未启动"))
            .groupby(["township", "stage"])
            .agg(villages=("village", "size"), planned_households=("planned_households", "sum"))
        )
    modes = (
        h.assign(mode=h["resettlement_mode"].fillna("未填写"))
        .groupby(["township", "mode"])
        .agg(households=("household_id", "size"), people=("people", "sum"))
    )
    funding = hx[hx["is_poor"] & hx["self_funded_yuan"].notna()]
    funding = funding.assign(gap=funding["self_funded_yuan"] - funding["cap_yuan"]).sort_values(
        ["over", "gap", "household_id"], ascending=[False, False, True]
    )[["household_id", "township", "village", "people", "self_funded_yuan", "cap_yuan", "over"]]
    villages = None
    if not region:
        per_village = hx.groupby(["township", "village"]).agg(
            households=("household_id", "size"),
            households_moved=("moved", "sum"),
            people_moved=("moved_people", "sum"),
            homestead_m2=("homestead_m2", "sum"),
            reclaimed_m2=("reclaimed_m2", "sum"),
        )
        villages = v.merge(
            per_village, how="left", left_on=["township", "village"], right_index=True
        ).sort_values(["relocation_batch", "township", "village"])
    return {
        "cards": cards,
        "townships": townships,
        "stages": stages,
        "modes": modes,
        "funding": funding,
        "villages": villages,
        "check": {
            "households_moved": int(townships["households_moved"].sum()),
            "poor_over_cap": int(townships["poor_over_cap"].sum()),
        },
    }


def pd_collective(
    w: dict[str, pd.DataFrame], county: str | None, towns: list[str], day: pd.Timestamp, region: bool = False
) -> dict:
    """集体经济: 破零 by township, totals, the villages at zero, the income list."""
    v = _pick(w["villages"], county, towns)
    income = v["collective_income_10k"]
    by_township = (
        v.assign(past=income.gt(0), past_income=income.where(income.gt(0)), has_pv=v["pv_kw"].gt(0))
        .groupby("township")
        .agg(
            villages=("village", "size"),
            villages_past_zero=("past", "sum"),
            income_10k=("collective_income_10k", "sum"),
            income_per_village_10k=("past_income", "mean"),
            pv_kw=("pv_kw", "sum"),
            pv_villages=("has_pv", "sum"),
        )
    )
    by_township["zero_break_rate"] = 100.0 * by_township["villages_past_zero"] / by_township["villages"]
    by_township = by_township.sort_values("zero_break_rate", ascending=False)
    totals = by_township[["villages", "villages_past_zero", "income_10k", "pv_kw", "pv_villages"]].sum()
    at_zero = v[~income.gt(0)].sort_values(["township", "village"])[
        [
            "township",
            "village",
            "poverty_class",
            "relocation_batch",
            "party_members",
            "pv_kw",
            "collective_income_10k",
        ]
    ]
    incomes = v[["township", "village", "collective_income_10k"]].sort_values(["township", "village"])
    return {
        "by_township": by_township,
        "totals": totals,
        "at_zero": at_zero,
        "incomes": incomes,
        "check": {"villages_past_zero": int(totals["villages_past_zero"])},
    }


def pd_party(
    w: dict[str, pd.DataFrame], county: str | None, towns: list[str], day: pd.Timestamp, region: bool = False
) -> dict:
    """党建: weak organizations by stage and township, joint branches, floating members, first secretaries."""
    o = _pick(w["party_orgs"], county, towns)
    v = _pick(w["villages"], county, towns)
    stage_order = {s: i for i, s in enumerate(schema.RECTIFICATION_STAGES)}
    weak = o[o["weak_lax"]].assign(status=lambda x: x["rectification_status"].fillna("未整顿"))
    weak = weak.assign(order=weak["status"].map(stage_order)).sort_values(["order", "township", "org_name"])
    stages = weak["status"].value_counts()
    by_township = weak.groupby(["township", "status"]).size().unstack(fill_value=0)
    completed = v[v["relocation_batch"].notna() & v["relocation_status"].isin(COMPLETED)]
    joint = completed.assign(joint=completed["joint_branch"].fillna(False))
    joint_by_batch = joint.groupby("relocation_batch").agg(
        completed=("village", "size"), with_joint=("joint", "sum")
    )
    joint_by_township = joint.groupby("township").agg(
        completed=("village", "size"), with_joint=("joint", "sum")
    )
    floating = o[o["org_type"].eq("流动党员党支部")]
    floating = floating.assign(floating_members=floating["floating_members"].fillna(0)).sort_values(
        "floating_members", ascending=False
    )[["township", "org_name", "members", "floating_members"]]
    branches = _pick(w["party_orgs"], county, [])
    branches = branches[branches["org_type"].eq("村党支部")][["township", "org_name", "first_secretary"]]
    secretaries = v.assign(org_name=v["village"] + "党支部").merge(
        branches, how="left", on=["township", "org_name"]
    )
    poor = secretaries[secretaries["poverty_class"].isin(["贫困村", "深度贫困村"])]
    covered = int(poor["first_secretary"].fillna("").str.strip().ne("").sum())
    return {
        "stages": stages,
        "by_township": by_township,
        "weak": weak,
        "joint_by_batch": joint_by_batch,
        "joint_by_township": joint_by_township,
        "floating": floating,
        "floating_members": int(floating["floating_members"].sum()),
        "coverage": (covered, len(poor)),
        "check": {"weak_orgs": len(weak)},
    }


def pd_funds(
    w: dict[str, pd.DataFrame], county: str | None, towns: list[str], day: pd.Timestamp, region: bool = False
) -> dict:
    """资金: the summary cards, by source, by township and source, by month with the running total, the list."""
    f = _pick(w["funds"], county, towns)
    summary = {
        "allocations": len(f),
        "amount_10k": round(f["amount_10k"].sum(), 2),
        "sources": f["source"].nunique(),
        "townships": f["township"].nunique(),
        "villages": len(f.loc[f["village"].notna(), ["township", "village"]].drop_duplicates()),
        "undated_10k": round(f.loc[f["allocated_on"].isna(), "amount_10k"].sum(), 2),
    }
    by_source = f.groupby("source").agg(allocations=("amount_10k", "size"), amount_10k=("amount_10k", "sum"))
    by_source["share_percent"] = (100.0 * by_source["amount_10k"] / by_source["amount_10k"].sum()).round(1)
    places = matrix = None
    if not region:  # a region view leaves the township breakdown until a county is chosen
        places = (
            f.assign(township=f["township"].fillna("县级统筹"))
            .groupby(["township", "source"])
            .agg(allocations=("amount_10k", "size"), amount_10k=("amount_10k", "sum"))
            .reset_index()
        )
        places["township_10k"] = places.groupby("township")["amount_10k"].transform("sum")
        matrix = places.pivot_table(index="township", columns="source", values="amount_10k", fill_value=0)
    dated = f[f["allocated_on"].notna()]
    months = dated.groupby(dated["allocated_on"].dt.to_period("M"))["amount_10k"].agg(["size", "sum"])
    if not months.empty:
        months = months.reindex(
            pd.period_range(months.index.min(), months.index.max(), freq="M"), fill_value=0
        )
        months["cumulative_10k"] = months["sum"].cumsum().round(2)
    allocations = f.sort_values(["allocated_on", "source", "township"], ascending=[False, True, True])
    return {
        "summary": summary,
        "by_source": by_source,
        "places": places,
        "matrix": matrix,
        "months": months,
        "allocations": allocations,
        "check": {"amount_10k": summary["amount_10k"]},
    }


def pd_data(
    w: dict[str, pd.DataFrame], county: str | None, towns: list[str], day: pd.Timestamp, region: bool = False
) -> dict:
    """数据: the two consistency checks across ledgers, and the targets in force."""
    v_all = _pick(w["villages"], county, [])
    h_all = _pick(w["households"], county, [])
    v = _pick(w["villages"], county, towns)
    done = v[v["relocation_status"].isin(COMPLETED)]
    h = h_all.assign(not_moved=h_all["moved_on"].isna() | (h_all["moved_on"] > day))
    h = h.assign(people_not_moved=h["people"].where(h["not_moved"], 0))
    joined = done[["township", "village", "relocation_batch", "relocation_status", "completed_on"]].merge(
        h[["township", "village", "not_moved", "people_not_moved"]], on=["township", "village"]
    )
    not_moved = (
        joined.groupby(["township", "village"])
        .agg(
            households=("not_moved", "size"),
            households_not_moved=("not_moved", "sum"),
            people_not_moved=("people_not_moved", "sum"),
        )
        .query("households_not_moved > 0")
        .sort_values("households_not_moved", ascending=False)
    )
    h_towns = _pick(w["households"], county, towns)
    known = v_all[["township", "village"]].drop_duplicates().assign(known=True)
    unknown = h_towns.merge(known, how="left", on=["township", "village"])
    unknown = (
        unknown[unknown["known"].isna()]
        .groupby(["township", "village"])
        .agg(households=("household_id", "size"), people=("people", "sum"))
    )
    return {
        "not_moved": not_moved,
        "unknown": unknown,
        "targets": _targets(w["targets"], county),
        "check": {"completed_not_moved": len(not_moved), "unknown_village": len(unknown)},
    }


PANDAS = {
    "总览": (pd_overview, ("villages", "households", "party_orgs", "funds", "targets")),
    "整村搬迁": (pd_relocation, ("villages", "households", "targets")),
    "集体经济": (pd_collective, ("villages", "targets")),
    "党建": (pd_party, ("villages", "party_orgs", "targets")),
    "资金": (pd_funds, ("funds", "targets")),
    "数据": (pd_data, ("villages", "households", "targets")),
}


def ours_check(title: str, results: dict[str, pd.DataFrame]) -> dict[str, float]:
    """The same headline figures from the page's own query results."""
    r = results
    if title == "总览":
        return {"households_moved": int(r["ranking"]["households_moved"].sum())}
    if title == "整村搬迁":
        t = r["relocation_townships"]
        return {
            "households_moved": int(t["households_moved"].sum()),
            "poor_over_cap": int(t["poor_over_cap"].sum()),
        }
    if title == "集体经济":
        return {"villages_past_zero": int(r["collective_by_township"]["villages_past_zero"].sum())}
    if title == "党建":
        return {"weak_orgs": len(r["party_weak_orgs"])}
    if title == "资金":
        return {"amount_10k": round(float(r["funds_summary"]["amount_10k"].sum()), 2)}
    return {
        "completed_not_moved": len(r["data_check_completed_not_moved"]),
        "unknown_village": len(r["data_check_unknown_village"]),
    }


def pandas_page(
    title: str, week: dict[str, pd.DataFrame], blobs: dict[str, bytes], view: View, day: dt.date, runs: int
) -> dict[str, Any]:
    """Median compute time of the pandas page, its st.cache_data hit cost, and its headline figures."""
    compute, tables = PANDAS[title]
    stamp = pd.Timestamp(day)
    compute(week, view.county, view.townships, stamp, view.region)  # warm-up
    times = [
        timed(lambda: compute(week, view.county, view.townships, stamp, view.region))[0] for _ in range(runs)
    ]
    hits = [timed(lambda: [pickle.loads(blobs[t]) for t in tables])[0] for _ in range(runs)]
    figures = compute(week, view.county, view.townships, stamp, view.region)["check"]
    return {
        "median_ms": ms(statistics.median(times)),
        "hit_ms": ms(statistics.median(hits)),
        "with_hit_ms": ms(statistics.median(times) + statistics.median(hits)),
        "check": figures,
    }


# --------------------------------------------------------------------------- report


def ratio(ours: float, other: float | None) -> float | None:
    """ours / other, or None when there is no other."""
    return round(ours / other, 3) if other else None


def verdicts(results: dict[str, dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """For each goal: met everywhere, and where it is missed."""
    checks = {
        "uncached_ms": lambda r: r["uncached"]["median_ms"] < GOALS["uncached_ms"],
        "cached_ms": lambda r: r["cached"]["median_ms"] < GOALS["cached_ms"],
        "vs_pandas": lambda r: r["vs_pandas"] is not None and r["vs_pandas"] <= 1 / GOALS["vs_pandas"],
        "vs_floor": lambda r: r["vs_floor"] is not None and r["vs_floor"] <= GOALS["vs_floor"],
    }
    out = {}
    for goal, ok in checks.items():
        missed = [
            f"{page}/{view}" for page, by_view in results.items() for view, r in by_view.items() if not ok(r)
        ]
        out[goal] = {"met": not missed, "missed": missed}
    return out


def print_table(results: dict[str, dict[str, dict[str, Any]]]) -> None:
    """page x view: uncached median, p95, first; cached; AppTest; pandas; floor; ratios."""
    head = (
        f"{'page':<6}{'view':<10}{'queries':>8}{'unc.med':>9}{'unc.p95':>9}{'first':>9}{'cached':>8}"
        f"{'AppTest':>9}{'AT warm':>9}{'pandas':>9}{'pd+hit':>9}{'floor':>8}{'/pandas':>9}{'/floor':>8}"
        f"{'cached/pd':>10}"
    )
    print(
        "times in ms; unc. = uncached (fresh cursor, every query once), first = first run on a new Reader; "
        "/pandas and /floor = uncached median over pandas and over the floor; cached/pd = cached over pandas"
    )
    print(head)
    for page, by_view in results.items():
        for view, r in by_view.items():
            pandas_ms = r["pandas"]["median_ms"] if r["pandas"] else float("nan")
            with_hit = r["pandas"]["with_hit_ms"] if r["pandas"] else float("nan")
            vs_pandas = f"{r['vs_pandas']:.3f}" if r["vs_pandas"] is not None else "-"
            vs_floor = f"{r['vs_floor']:.2f}" if r["vs_floor"] is not None else "-"
            cached_pd = f"{r['cached_vs_pandas']:.3f}" if r["cached_vs_pandas"] is not None else "-"
            print(
                f"{page:<6}{view:<10}{r['queries']:>8}{r['uncached']['median_ms']:>9.1f}"
                f"{r['uncached']['p95_ms']:>9.1f}{r['uncached']['first_ms']:>9.1f}{r['cached']['median_ms']:>8.1f}"
                f"{r['apptest']['median_ms']:>9.0f}{r['apptest']['warm_ms']:>9.0f}{pandas_ms:>9.1f}{with_hit:>9.1f}"
                f"{r['floor']['median_ms']:>8.1f}{vs_pandas:>9}{vs_floor:>8}{cached_pd:>10}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, help="exports folder (region.toml, weekly/<day>/…)")
    parser.add_argument("--counties", type=int, help="generate this many counties (synth.province)")
    parser.add_argument("--weeks", type=int, default=3, help="weeks to generate with --counties")
    parser.add_argument("--store", type=Path, help="store folder; imported unless it already holds a store")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--county", help="county of the county and township views (default: the first)")
    parser.add_argument("--township", help="township of the township view (default: the county's first)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="pages_speed_"))
    try:
        run(args, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(args: argparse.Namespace, scratch: Path) -> None:
    """The whole bench (see the module docstring)."""
    exports, store_dir, import_s = prepare(args.data, args.counties, args.weeks, args.store, scratch)
    store_dir = store_dir.resolve()
    os.environ["TRACKER_DATA_DIR"] = str(store_dir)
    os.environ.setdefault("TZ", "Asia/Shanghai")
    manifest = read_manifest(store_dir)
    snapshot_rows = {t: len(days) for t, days in manifest["snapshots"].items()}
    views = views_for(store_dir, args.county, args.township)
    load_before = os.getloadavg()

    pages: dict[str, dict[str, dict[str, Any]]] = {}
    for view in views:
        log(f"AppTest, view {view.name} {view.query} ...")
        pages[view.name] = apptest_pages(view, args.runs)

    day = max(
        c.params["as_of"]
        for by_page in pages.values()
        for p in by_page.values()
        for c in p["calls"]
        if "as_of" in c.params
    )
    week, blobs, load_s = None, {}, None
    if exports is not None and (exports / "weekly" / day.isoformat()).is_dir():
        log(f"pandas: reading the {day} exports ...")
        load_s, week = timed(lambda: load_week(exports, day.isoformat()))
        blobs = {t: pickle.dumps(f) for t, f in week.items()}

    results: dict[str, dict[str, dict[str, Any]]] = {title: {} for title, _ in PAGES}
    notes: list[str] = []
    for view in views:
        for title, _ in PAGES:
            found = pages[view.name][title]
            calls = found["calls"]
            log(f"timing {view.name:<9} {title} ...")
            unc = uncached(store_dir, calls, args.runs)
            hit = cached(calls, args.runs)
            opened = reads(unc["reader"], calls, notes)
            low = floor(opened, view, args.runs)
            pandas_figures = (
                pandas_page(title, week, blobs, view, day, args.runs) if week is not None else None
            )
            ours = ours_check(title, unc["results"])
            if hit["warnings"]:
                notes.append(f"{title}/{view.name}: the cached calls logged {hit['warnings'][:3]}")
            if view.townships and not any(c.params.get("township") == view.townships for c in calls):
                notes.append(f"{title}/{view.name}: no query ran with township={view.townships}")
            if pandas_figures is not None and pandas_figures["check"] != ours:
                notes.append(
                    f"{title}/{view.name}: pandas figures {pandas_figures['check']} differ from ours {ours}"
                )
            results[title][view.name] = {
                "queries": len(calls),
                "query_names": [c.name for c in calls],
                "uncached": {k: v for k, v in unc.items() if k not in ("results", "reader")},
                "cached": hit,
                "apptest": {
                    "median_ms": ms(statistics.median(found["cold"])),
                    "warm_ms": ms(statistics.median(found["warm"])),
                },
                "pandas": pandas_figures,
                "floor": low,
                "vs_pandas": ratio(unc["median_ms"], pandas_figures["median_ms"]) if pandas_figures else None,
                "vs_floor": ratio(unc["median_ms"], low["median_ms"]),
                "cached_vs_pandas": ratio(hit["median_ms"], pandas_figures["median_ms"])
                if pandas_figures
                else None,
                "figures": ours,
                "header": found["header"],
            }
    goals = verdicts(results)
    load_after = os.getloadavg()

    print(f"store {store_dir}: snapshots per table {snapshot_rows}; shown as of {day}")
    if import_s is not None:
        print(f"import: {import_s:.1f} s")
    if load_s is not None:
        print(f"pandas: read the week's CSVs in {ms(load_s):,.0f} ms (once, cached)")
    for view in views:
        print(f"view {view.name}: {view.query or 'default filters'}")
    print_table(results)
    print(
        f"goals: uncached median < {GOALS['uncached_ms']:.0f} ms, cached < {GOALS['cached_ms']:.0f} ms, "
        f">= {GOALS['vs_pandas']:.0f}x faster than pandas (ours/pandas <= {1 / GOALS['vs_pandas']:.1f}), "
        f"within {GOALS['vs_floor']:.0f}x of the floor (ours/floor <= {GOALS['vs_floor']:.0f})"
    )
    for goal, verdict in goals.items():
        print(f"  {goal:<12} {'met' if verdict['met'] else 'NOT met: ' + ', '.join(verdict['missed'])}")
    print("  pandas computes the displayed week only (no weekly series): it does less than the page does")
    print(f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    for note in notes:
        print(f"note: {note}")
    print(
        json.dumps(
            {
                "bench": "pages_speed",
                "store": str(store_dir),
                "as_of": day.isoformat(),
                "snapshots": snapshot_rows,
                "import_seconds": round(import_s, 1) if import_s is not None else None,
                "pandas_load_ms": ms(load_s) if load_s is not None else None,
                "runs": args.runs,
                "views": {v.name: v.query for v in views},
                "goals": GOALS,
                "verdicts": goals,
                "pages": results,
                "load_average": [round(load_before[0], 2), round(load_after[0], 2)],
                "notes": notes,
            },
            ensure_ascii=False,
            default=str,
        )
    )


if __name__ == "__main__":
    main()
