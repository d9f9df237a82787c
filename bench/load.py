"""Load: many sessions on one dashboard process, opening pages and changing filters, while an import lands.

No browser: each session is a `stream_client.StreamSession`, speaking Streamlit's own websocket
protocol (BackMsg / ForwardMsg protobufs), so 50–100 sessions fit on this machine and the figures
measure the dashboard, not 50 Chromiums. Each session opens a random page by its URL (with random
filters in the query string, as a forwarded link would), then --actions times, after a pause of
--think seconds (a person reading), either changes one sidebar filter (county, township, batch or
week) or the page's open tab (the widget state the frontend would send), or goes to another page
(its page_script_hash).
Sessions start spread over --ramp seconds. Once they have all started, a week's export is
imported into the served store (`python -m tracker import`, its own process), so readers see a
snapshot land mid-run.

Measured: every rerun's latency (BackMsg sent → script_finished ForwardMsg) p50 / p95 / p99,
overall and while the import ran; errors (an exception element in a page, page not found, a
websocket closed by the server, a run that did not finish within --timeout); the dashboard
process's resident memory (VmRSS from /proc/<pid>/status, sampled every 0.25 s, and VmHWM,
its peak). The dashboard runs on one core, this client and the import on the other; the run
starts once other processes leave the machine quiet, and says how much CPU they took during it
(bench/quiet.py).

    .venv/bin/python bench/load.py                            # 50 sessions, county sample data
    .venv/bin/python bench/load.py --sessions 100 --scale province --counties 120 --weeks 26
    .venv/bin/python bench/load.py --sessions 3 --actions 3   # a smoke run

Prints a table and ONE JSON line. Goals (50 sessions during an import): 0 errors, rerun p95 < 2 s,
server resident memory < 1.5 GiB.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from bench.browser_speed import province_store, sample_store  # noqa: E402
from bench.memory import dashboard_pid, status_kib  # noqa: E402
from bench.quiet import LIMIT, SMOKE_HELP, Quiet  # noqa: E402
from bench.stream_client import ProtocolError, StreamSession  # noqa: E402
from tracker.contract.paths import SAMPLE_DIR  # noqa: E402
from tracker.weekly.serve import dashboard  # noqa: E402

PATHS = ["", "relocation", "collective", "party", "funds", "data"]  # "" is the overview (the default page)
# What a click changes: a sidebar filter, or the page's open tab (`tab`, where the page has tabs).
FILTERS = ["county", "township", "batch", "as_of", "tab"]
GOALS = {"errors": 0, "p95_s": 2.0, "peak_mib": 1536.0}


@dataclass
class Latency:
    """One rerun: when it started (monotonic), how long it took, what it was."""

    started: float
    seconds: float
    action: str
    page: str
    bytes: int


@dataclass
class Tally:
    """What every session saw."""

    reruns: list[Latency] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used (/proc/<pid>/stat), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def quantile(values: list[float], q: float) -> float:
    """The q-quantile by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, -(-int(q * 1000) * len(ordered) // 1000) - 1))]


def latencies(values: list[float]) -> dict[str, float | int | None]:
    """p50 / p95 / p99 / max of a list of seconds."""
    if not values:
        return {"count": 0, "p50_s": None, "p95_s": None, "p99_s": None, "max_s": None}
    return {
        "count": len(values),
        "p50_s": round(quantile(values, 0.50), 3),
        "p95_s": round(quantile(values, 0.95), 3),
        "p99_s": round(quantile(values, 0.99), 3),
        "max_s": round(max(values), 3),
    }


async def one_session(number: int, url: str, args: argparse.Namespace, tally: Tally, days: list[str]) -> None:
    """A leader: open a page from a link, then read, filter and move between pages."""
    rng = random.Random(args.seed * 1000 + number)
    await asyncio.sleep(args.ramp * number / max(args.sessions, 1))
    session = StreamSession(url, timeout=args.timeout)
    path = rng.choice(PATHS)
    query = {"as_of": rng.choice(days)} if rng.random() < 0.3 else {}
    action = f"open /{path}?{urllib.parse.urlencode(query)}"
    try:
        await session.connect()
        for step in range(args.actions + 1):
            if step:
                await asyncio.sleep(rng.uniform(*args.think))
                if rng.random() < 0.5:
                    path = rng.choice([p for p in PATHS if p != path])
                    action = f"go to /{path}"
                    run_call = session.open(path)
                else:
                    key = rng.choice([k for k in FILTERS if k in session.widgets])
                    options = session.widgets[key].options
                    value: str | list[str] | None
                    if key == "township":
                        value = rng.sample(options, 1) if options and rng.random() < 0.7 else []
                    else:
                        value = rng.choice(options)
                    action = f"{key} = {value}"
                    run_call = session.choose(key, value)
            else:
                run_call = session.open(path, query)
            began = time.monotonic()
            try:
                run = await run_call
            except ProtocolError as problem:
                tally.errors.append(f"session {number}, {action}: {problem}")
                if "closed" in str(problem):
                    return
                continue
            tally.reruns.append(Latency(began, run.seconds, action, path or "overview", run.bytes))
            for exception in run.exceptions:
                tally.errors.append(f"session {number}, {action}: {exception}")
            if run.page_not_found:
                tally.errors.append(f"session {number}, {action}: page not found")
    except (OSError, ProtocolError) as problem:
        tally.errors.append(f"session {number}: could not connect: {problem}")
    finally:
        await session.close()


async def sample_memory(pid: int, samples: list[tuple[float, float]], stop: asyncio.Event) -> None:
    """VmRSS of the dashboard every 0.25 s until told to stop."""
    while not stop.is_set():
        with contextlib.suppress(OSError, KeyError):
            samples.append((time.monotonic(), status_kib(pid, "VmRSS") / 1024))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.25)


async def run_import(store: Path, export: Path, as_of: str, after: float, record: dict) -> None:
    """Import a week's export into the served store once `after` seconds have passed."""
    await asyncio.sleep(after)
    record["started"] = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tracker", "--data-dir", str(store), "import", str(export), "--as-of", as_of,
        cwd=REPO, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await process.communicate()
    record["ended"] = time.monotonic()
    record["exit"] = process.returncode
    record["seconds"] = round(record["ended"] - record["started"], 1)
    if process.returncode != 0:
        record["stderr"] = stderr.decode(errors="replace")[-500:]


async def drive(url: str, pid: int, store: Path, export: Path, as_of: str, days: list[str], args) -> dict:
    """Every session, the import and the memory sampler at once; the figures."""
    tally = Tally()
    memory: list[tuple[float, float]] = []
    stop = asyncio.Event()
    imported: dict = {}
    sampler = asyncio.create_task(sample_memory(pid, memory, stop))
    started = time.monotonic()
    sessions = [asyncio.create_task(one_session(n, url, args, tally, days)) for n in range(args.sessions)]
    importer = asyncio.create_task(run_import(store, export, as_of, args.ramp + 1.0, imported))
    await asyncio.gather(*sessions, importer)
    wall = time.monotonic() - started
    stop.set()
    await sampler
    during = [
        r.seconds
        for r in tally.reruns
        if imported.get("started", 0) <= r.started + r.seconds and r.started <= imported.get("ended", 0)
    ]
    by_page: dict[str, list[float]] = {}
    for r in tally.reruns:
        by_page.setdefault(r.page, []).append(r.seconds)
    return {
        "wall_s": round(wall, 1),
        "reruns": len(tally.reruns),
        "reruns_per_s": round(len(tally.reruns) / wall, 2),
        "latency": latencies([r.seconds for r in tally.reruns]),
        "during_import": latencies(during),
        "by_page": {page: latencies(values) for page, values in sorted(by_page.items())},
        "median_bytes": int(statistics.median(r.bytes for r in tally.reruns)) if tally.reruns else 0,
        "errors": tally.errors,
        "import": {k: v for k, v in imported.items() if k not in ("started", "ended")},
        "rss_samples": len(memory),
        "rss_max_mib": round(max((m for _, m in memory), default=0.0), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--actions", type=int, default=12, help="filter changes or page changes per session")
    parser.add_argument("--think", type=float, nargs=2, default=[1.0, 3.0], metavar=("MIN", "MAX"),
                        help="seconds a person reads before the next click (uniform)")  # fmt: skip
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which the sessions start")
    parser.add_argument("--scale", choices=["county", "province"], default="county")
    parser.add_argument("--counties", type=int, default=120, help="province scale: counties to generate")
    parser.add_argument("--weeks", type=int, default=26, help="province scale: weeks to generate")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a rerun may take")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    args = parser.parse_args()
    # A benchmark stopped with `kill` still stops the dashboard and the browser it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    with tempfile.TemporaryDirectory(prefix="load_") as tmp:
        # A copy of the cached store: the import during the load changes it.
        if args.scale == "county":
            source, week = sample_store(), SAMPLE_DIR / "weekly" / "2017-10-13"
        else:
            source = province_store(args.counties, args.weeks)
            week = next(
                source.with_name(source.name + "-lastweek").iterdir()
            )  # .../<day>/, kept by province_store
        store = Path(tmp) / "store"
        shutil.copytree(source, store)
        export = Path(tmp) / "week"
        shutil.copytree(week, export)
        as_of = (dt.date.fromisoformat(week.name) + dt.timedelta(days=7)).isoformat()  # the next Friday
        days = sorted({p.name.removeprefix("as_of=") for p in store.glob("villages/as_of=*")})

        cores = sorted(os.sched_getaffinity(0))
        mine = os.sched_getaffinity(0)
        with contextlib.ExitStack() as stack:
            stack.callback(os.sched_setaffinity, 0, mine)
            os.sched_setaffinity(0, {cores[-1]})  # the dashboard gets a core of its own ...
            try:
                url = stack.enter_context(dashboard(store, timeout=180))
            finally:
                os.sched_setaffinity(0, {cores[0]})  # ... the clients and the import share the other
            pid = dashboard_pid(urllib.parse.urlsplit(url).port or 0)
            start_mib = status_kib(pid, "VmRSS") / 1024
            # Other people's processes share these cores: start once they are quiet, and say how
            # much of a core they took during the run.
            quiet = Quiet(waits=not args.smoke)
            quiet.settle()
            cpu_before = cpu_seconds(pid)
            result = asyncio.run(drive(url, pid, store, export, as_of, days, args))
            result["others_cores"] = round(quiet.others(), 3)
            result["waited_for_quiet"] = quiet.waits
            # CPU time, unlike wall time, hardly changes when other work shares the machine.
            result["server_cpu_s"] = round(cpu_seconds(pid) - cpu_before, 2)
            result["server_cpu_ms_per_rerun"] = round(
                1000 * result["server_cpu_s"] / max(result["reruns"], 1), 1
            )
            peak_mib = status_kib(pid, "VmHWM") / 1024
            end_mib = status_kib(pid, "VmRSS") / 1024

    expected = args.sessions * (args.actions + 1)
    lat, during = result["latency"], result["during_import"]
    print(
        f"{args.sessions} sessions x {args.actions + 1} reruns ({args.scale} scale), wall {result['wall_s']} s"
    )
    print(
        f"reruns {result['reruns']} of {expected} ({result['reruns_per_s']} a second); errors {len(result['errors'])}"
    )
    print(f"{'':<18}{'count':>7}{'p50 s':>8}{'p95 s':>8}{'p99 s':>8}{'max s':>8}")
    for name, row in [("all reruns", lat), ("during the import", during), *result["by_page"].items()]:
        cells = "".join(
            f"{row[k]:>8.2f}" if row[k] is not None else f"{'—':>8}"
            for k in ("p50_s", "p95_s", "p99_s", "max_s")
        )
        print(f"{name:<18}{row['count']:>7}{cells}")
    print(
        f"dashboard CPU: {result['server_cpu_s']} s in all, {result['server_cpu_ms_per_rerun']} ms a rerun "
        f"(one core keeps up with about {1000 / max(result['server_cpu_ms_per_rerun'], 0.1):.1f} reruns a second)"
    )
    print(
        f"import during the load: exit {result['import'].get('exit')} in {result['import'].get('seconds')} s"
    )
    print(f"dashboard memory: {start_mib:,.0f} MiB at start, {result['rss_max_mib']:,.0f} MiB sampled peak, "
          f"{peak_mib:,.0f} MiB VmHWM, {end_mib:,.0f} MiB at the end")  # fmt: skip
    shared = result["others_cores"] >= LIMIT
    print(
        f"other processes on the machine: {result['others_cores']:.2f} of a core on average during the run"
        + (" — NOT a quiet machine: the latencies are not the dashboard's alone" if shared else "")
    )
    for error in result["errors"][:10]:
        print("error:", error)
    met = {
        "errors": not result["errors"],
        "p95_s": lat["p95_s"] is not None and lat["p95_s"] < GOALS["p95_s"],
        "peak_mib": peak_mib < GOALS["peak_mib"],
    }
    print("goals: " + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in met.items()))
    print(
        json.dumps(
            {
                "bench": "load",
                "sessions": args.sessions,
                "actions": args.actions,
                "scale": args.scale,
                "think_s": args.think,
                "expected_reruns": expected,
                **result,
                "memory": {
                    "start_mib": round(start_mib, 1),
                    "peak_mib": round(peak_mib, 1),
                    "end_mib": round(end_mib, 1),
                },
                "goals": GOALS,
                "met": met,
                "load_average": os.getloadavg()[0],
            },
            ensure_ascii=False,
        )  # fmt: skip
    )


if __name__ == "__main__":
    main()
