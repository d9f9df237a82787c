"""Browser speed: every page drawn in headless Chromium, as a leader opening a link would see it.

For every page (总览 … 数据), every view (the whole county, or at province scale the whole
province and one county, and one township) and two devices (desktop 1600 px; phone 390 px at 2×),
opens the page's URL in a new tab (a new Streamlit session) and times it from navigation until
drawn: connected, Streamlit's script idle, no skeleton or spinner, every plotly figure rendered
(tracker.weekly.browser's notion of drawn, held for a moment so a second rerun cannot slip past).

- `cold`: once per page, view and device, in a fresh browser (nothing cached: a leader's first
  visit; about 1 s of it is loading Streamlit's JavaScript, and plotly's on the first chart);
- `median`, `p95`: --runs times in a browser that has opened the dashboard before (its HTTP
  cache holds the app, as on a leader's phone from the second visit on). The first of these
  may fill the server's caches; later ones hit them, as for a second leader opening that view.

`first`: for 总览, when its first view was painted (tracker.first_view: the week's summary the
server writes into the page, readable before Streamlit has loaded; median of the runs that had
one); the page's own time is still until Streamlit has drawn it and the first view is gone.

Each time is split into
- server: the reruns the dashboard logged during the navigation (TRACKER_RERUN_LOG, one line per
  rerun from dashboard.py: the script run from its first line to the end of the page);
- browser: the rest; of it, `app` (navigation until Streamlit's app is on the page) and `draw`
  (the script's end until drawn: laying out and rendering, plotly above all).

`click` (desktop): the page reached from the sidebar's page list in a tab already showing
another page (the overview; for the overview, 整村搬迁), as a leader moves around the app: no app
or plotly.js to load, the session already there. Timed from the click until the page's own
heading is drawn and the page is drawn, --runs times.

The dashboard runs on one core and Chromium on the other (CPU affinity, as `taskset -c` sets it:
this process pins itself to the server's core while it starts the dashboard, then to the other),
so the two do not take turns on one core. A sample during which other processes (another
person's tests on a shared machine) used more than a tenth of a core is taken again once the
machine is quiet (bench/quiet.py); the figures say how many were. Also per page: its height on the device, its plotly
figures and their points, and the reruns a navigation took (1 expected).

Scales: `county` is the shipped sample data (河曲县); `province` is
`python -m tracker generate --counties 120 --weeks 26` imported into a store. Both stores are
kept under bench/out/, keyed by what they were made from (the generator's parameters and the
code that imports), so a second run does not generate or import again.

    .venv/bin/python bench/browser_speed.py                       # county and province, 5 runs
    .venv/bin/python bench/browser_speed.py --scale county --runs 1 --pages 总览 --devices desktop
    .venv/bin/python bench/browser_speed.py --scale province --counties 4 --weeks 3   # a smaller province

Prints a table per scale, the goals (county median < 1.0 s and p95 < 2 s; province median < 1.5 s)
and ONE JSON line with every figure.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from bench.pages_speed import View, views_for  # noqa: E402
from bench.quiet import LIMIT, SMOKE_HELP, Quiet  # noqa: E402
from tracker.contract.paths import SAMPLE_DIR  # noqa: E402
from tracker.store.manifest import MANIFEST  # noqa: E402
from tracker.weekly.browser import DRAWN_JS, ERRORS_JS, PHONE_USER_AGENT, PageNotReady, launch  # noqa: E402
from tracker.weekly.serve import dashboard, free_port  # noqa: E402

OUT = BENCH / "out"
# The overview is the default page, whose address is "/" ("/overview" draws it under a
# "Page not found" dialog: Streamlit gives the default page no path of its own).
PAGES = [("总览", ""), ("整村搬迁", "relocation"), ("集体经济", "collective"), ("党建", "party"),
         ("资金", "funds"), ("数据", "data")]  # fmt: skip
DEVICES: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1600, "height": 1000}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "user_agent": PHONE_USER_AGENT,  # the phone layout (charts without a toolbar, tables as cards)
    },
}
GOALS = {"county_median_s": 1.0, "county_p95_s": 2.0, "province_median_s": 1.5}
CONTEXT = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
SAMPLE_TOWNSHIP = "赵家沟乡"
HOLD_S = 0.5  # drawn must hold this long (a rerun that follows at once would undo it)
POLL_S = 0.05
# Measured on the drawn page: its height, and each plotly figure's traces and points.
PAGE_FACTS_JS = """
() => {
  const main = document.querySelector('[data-testid="stMain"]') || document.scrollingElement;
  const charts = Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot'));
  return {
    height: Math.max(main.scrollHeight, document.scrollingElement.scrollHeight),
    figures: charts.length,
    traces: charts.map(c => (c.data || []).length),
    points: charts.map(c => (c.calcdata || []).reduce((n, trace) => n + (trace.length || 0), 0)),
    // 总览's first view (tracker.first_view): when it was painted, ms from navigation start.
    firstView: (performance.getEntriesByName('first-view-painted')[0] || {startTime: null}).startTime,
  };
}
"""


def log(message: str) -> None:
    """Progress on stderr (stdout carries the table and the JSON line only)."""
    print(message, file=sys.stderr, flush=True)


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, -(-95 * len(ordered) // 100) - 1))]


# --------------------------------------------------------------------------- stores, cached


# Packages that only draw or serve what is stored: a change to them leaves a store as it was.
DISPLAY_ONLY = {"present", "weekly"}


def code_key() -> str:
    """A digest of the code that writes a store (tracker/ but its display packages, and the generators
    in synth/): other code, a new store."""
    digest = hashlib.sha256()
    for path in sorted([*(REPO / "tracker").rglob("*.py"), *(REPO / "synth").rglob("*.py")]):
        relative = path.relative_to(REPO)
        if relative.parts[1] not in DISPLAY_ONLY:
            digest.update(relative.as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:10]


def import_store(exports: Path, store_dir: Path) -> float:
    """Import the exports into a new store (its own process, as an operator would); seconds taken."""
    partial = store_dir.with_name(store_dir.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "--data-dir", str(partial), "import", str(exports)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"import failed ({done.returncode}): {(done.stdout + done.stderr)[-2000:]}")
    partial.rename(store_dir)  # only a whole store is ever found under its key
    kind = store_dir.name.rsplit("-", 1)[0]  # the same data made by other code: not needed again
    for stale in store_dir.parent.glob(kind + "-*"):
        if stale != store_dir and stale.is_dir() and not stale.name.endswith(("-lastweek", ".partial")):
            shutil.rmtree(stale, ignore_errors=True)
            shutil.rmtree(stale.with_name(stale.name + "-lastweek"), ignore_errors=True)
    return time.perf_counter() - started


def sample_store() -> Path:
    """The shipped sample data imported, under bench/out/, keyed by the sample files and the code."""
    files = sorted(p for p in SAMPLE_DIR.rglob("*") if p.is_file())
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(SAMPLE_DIR)).encode() + path.read_bytes())
    store_dir = OUT / f"store-sample-{digest.hexdigest()[:10]}-{code_key()}"
    if not (store_dir / MANIFEST).exists():
        log(f"importing the sample data into {store_dir} ...")
        log(f"  imported in {import_store(SAMPLE_DIR, store_dir):.1f} s")
    return store_dir


def province_store(counties: int, weeks: int) -> Path:
    """`tracker generate --counties N --weeks W`, imported, under bench/out/; the exports are removed after."""
    store_dir = OUT / f"store-province-c{counties}-w{weeks}-{code_key()}"
    if (store_dir / MANIFEST).exists():
        return store_dir
    exports = OUT / f"exports-c{counties}-w{weeks}"
    shutil.rmtree(exports, ignore_errors=True)
    log(f"generating {counties} counties x {weeks} weeks into {exports} ...")
    subprocess.run(
        [sys.executable, "-m", "tracker", "generate", "--counties", str(counties), "--weeks", str(weeks),
         "--out", str(exports)],
        cwd=REPO, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    log(f"importing into {store_dir} ...")
    log(f"  imported in {import_store(exports, store_dir):.1f} s")
    # The last week's exports are kept (bench/load.py imports them again, as the next week, during
    # its load); the rest, 2.3 GB of CSV at full size, is not needed once imported.
    last_week = max((exports / "weekly").iterdir())
    kept = store_dir.with_name(store_dir.name + "-lastweek")
    shutil.rmtree(kept, ignore_errors=True)
    kept.mkdir()
    last_week.rename(kept / last_week.name)
    shutil.rmtree(exports, ignore_errors=True)
    return store_dir


# --------------------------------------------------------------------------- timing one page


@dataclass
class Sample:
    """One navigation: total and server seconds, when the app appeared and its script finished, the page."""

    total_s: float
    server_s: float
    reruns: int
    app_s: float  # navigation until Streamlit's app is on the page (HTML and JavaScript loaded)
    finished_s: float  # navigation until the browser saw the script finish (the last delta arrived)
    facts: dict[str, Any]

    @property
    def browser_s(self) -> float:
        return max(0.0, self.total_s - self.server_s)

    @property
    def draw_s(self) -> float:
        """From the script's end to drawn: laying out and rendering what was sent (plotly above all)."""
        return max(0.0, self.total_s - self.finished_s)


SCRIPT_STATE_JS = """
() => { const app = document.querySelector('[data-testid="stApp"]');
        return app ? app.getAttribute('data-test-script-state') || 'initial' : 'none'; }
"""


def reruns_between(rerun_log: Path, began: float, ended: float) -> list[dict[str, Any]]:
    """The reruns the dashboard logged that started after `began` and ended by `ended` (wall clock)."""
    if not rerun_log.exists():
        return []
    lines = [json.loads(line) for line in rerun_log.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in lines if r["start"] >= began - 0.01 and r["end"] <= ended + 0.01]


TITLE_JS = "() => { const h = document.querySelector('h1'); return h ? h.innerText.trim() : ''; }"


def wait_drawn(
    tab: Any, began: float, name: str, timeout: float, title: str = ""
) -> tuple[float, float, float]:
    """Poll until drawn and held for HOLD_S (with `title`: until that page's heading is drawn).

    Returns when (wall clock) the app appeared, the browser saw the script finish, and it was drawn.
    """
    app_at = finished_at = drawn_at = None
    deadline = began + timeout
    while time.time() < deadline:
        state = tab.evaluate(SCRIPT_STATE_JS)
        now = time.time()
        ours = not title or tab.evaluate(TITLE_JS) == title
        if state != "none" and app_at is None:
            app_at = now
        if state != "notRunning" or not ours:
            finished_at = None
        elif finished_at is None:
            finished_at = now
        if ours and tab.evaluate(DRAWN_JS):
            drawn_at = drawn_at or now
            if now - drawn_at >= HOLD_S:
                return app_at or drawn_at, min(finished_at or drawn_at, drawn_at), drawn_at
        else:
            drawn_at = None
            errors = tab.evaluate(ERRORS_JS)
            if errors:
                raise PageNotReady(f"{name}: {errors[0]}")
        time.sleep(POLL_S)
    raise PageNotReady(f"{name}: not drawn within {timeout:.0f} s")


def measured(tab: Any, began: float, marks: tuple[float, float, float], rerun_log: Path) -> Sample:
    """A Sample from the marks of wait_drawn, the reruns logged meanwhile, and the page as drawn."""
    app_at, finished_at, drawn_at = marks
    runs = reruns_between(rerun_log, began, drawn_at)
    facts = tab.evaluate(PAGE_FACTS_JS)
    facts["header"] = tab.inner_text(".report-header") if tab.query_selector(".report-header") else ""
    return Sample(
        drawn_at - began,
        sum(r["seconds"] for r in runs),
        len(runs),
        app_at - began,
        finished_at - began,
        facts,
    )


def open_and_time(context: Any, url: str, name: str, rerun_log: Path, timeout: float) -> Sample:
    """Open `url` in a new tab of `context` (a new session) and time it until drawn (and held for HOLD_S)."""
    tab = context.new_page()
    try:
        began = time.time()
        tab.goto(url, wait_until="commit", timeout=timeout * 1000)
        return measured(tab, began, wait_drawn(tab, began, name, timeout), rerun_log)
    finally:
        tab.close()


def click_and_time(
    context: Any, start_url: str, title: str, name: str, rerun_log: Path, timeout: float
) -> Sample:
    """Open `start_url`, then click `title` in the sidebar's page list, as a leader moves between pages.

    Timed from the click until the new page is drawn: the session, the app and plotly.js are
    already there (desktop only: on a phone the page list sits in a collapsed sidebar).
    """
    tab = context.new_page()
    try:
        began = time.time()
        tab.goto(start_url, wait_until="commit", timeout=timeout * 1000)
        wait_drawn(tab, began, name + " (start)", timeout)
        link = tab.get_by_test_id("stSidebarNavLink").filter(has_text=title)
        began = time.time()
        link.click(timeout=timeout * 1000)
        return measured(tab, began, wait_drawn(tab, began, name, timeout, title), rerun_log)
    finally:
        tab.close()


QUIET = Quiet()  # other processes' CPU during each sample (bench/quiet.py)
TRIES = 4


def quietly(name: str, take: Callable[..., Sample], *args: Any) -> Sample:
    """`take(*args)`, taken again (after waiting for quiet) while other processes used more than
    quiet.LIMIT of a core during it; after TRIES, the last one is kept and counted as noisy."""
    for attempt in range(TRIES):
        QUIET.start()
        sample = take(*args)
        used = QUIET.others()
        if used < LIMIT or not QUIET.waits:
            return sample
        if attempt < TRIES - 1:
            QUIET.repeated += 1
            log(f"  {name}: other processes used {used:.2f} of a core; taken again once quiet")
            QUIET.settle()
    QUIET.noisy += 1
    return sample


def cold_visit(browser: Any, device: str, url: str, name: str, rerun_log: Path, timeout: float) -> Sample:
    """A first visit: `url` in a fresh browser context (nothing cached), closed after."""
    fresh = browser.new_context(**CONTEXT, **DEVICES[device])
    try:
        return open_and_time(fresh, url, name, rerun_log, timeout)
    finally:
        fresh.close()


def summary(cold: Sample, warm: list[Sample]) -> dict[str, Any]:
    """The cold run apart; median and p95 of the warm runs, and where their time went."""
    totals = [s.total_s for s in warm]
    last = warm[-1].facts

    def median(key: str) -> float:
        return round(statistics.median(getattr(s, key) for s in warm), 3)

    first_views = [s.facts["firstView"] / 1000 for s in warm if s.facts.get("firstView") is not None]
    return {
        "runs": len(warm),
        # 总览's first view painted (the week readable before Streamlit has drawn), when it had one.
        "first_view_median_s": round(statistics.median(first_views), 3) if first_views else None,
        "first_view_runs": len(first_views),
        "cold_s": round(cold.total_s, 3),
        "cold_app_s": round(cold.app_s, 3),
        "median_s": round(statistics.median(totals), 3),
        "p95_s": round(p95(totals), 3),
        "server_median_s": median("server_s"),
        "browser_median_s": median("browser_s"),
        "app_median_s": median("app_s"),
        "draw_median_s": median("draw_s"),
        "reruns": max(s.reruns for s in [cold, *warm]),
        "height_px": last["height"],
        "figures": last["figures"],
        "traces": sum(last["traces"]),
        "points": sum(last["points"]),
        "header": last["header"],
    }


# --------------------------------------------------------------------------- a scale


def split_cores() -> tuple[set[int], set[int]]:
    """(the server's core, the browser's core): the last and the first, or the one core there is."""
    cores = sorted(os.sched_getaffinity(0))
    return ({cores[-1]}, {cores[0]}) if len(cores) > 1 else (set(cores), set(cores))


def serve_pinned(stack: contextlib.ExitStack, server: Any) -> tuple[str, Any]:
    """Start `server` (a context manager yielding its URL) on one core and headless Chromium on the
    other, both closed with `stack`; this process's own cores are given back when it closes."""
    from playwright.sync_api import sync_playwright

    server_core, browser_core = split_cores()
    stack.callback(os.sched_setaffinity, 0, os.sched_getaffinity(0))
    os.sched_setaffinity(0, server_core)  # the server process inherits this core ...
    try:
        url = stack.enter_context(server)
    finally:
        os.sched_setaffinity(0, browser_core)  # ... and Chromium (and this driver) the other one
    playwright = stack.enter_context(sync_playwright())
    browser = launch(playwright)
    stack.callback(browser.close)
    return url, browser


def measure_scale(
    scale: str, store_dir: Path, views: list[View], args: argparse.Namespace, scratch: Path
) -> dict[str, Any]:
    """Serve the store on one core, drive Chromium on the other, time every page, view and device."""
    rerun_log = scratch / f"reruns-{scale}.jsonl"
    os.environ["TRACKER_RERUN_LOG"] = str(rerun_log)
    server_core, browser_core = split_cores()
    results: dict[str, Any] = {}
    with contextlib.ExitStack() as stack:
        url, browser = serve_pinned(stack, dashboard(store_dir, timeout=180))
        warm = {}
        for device in args.devices:  # one browser per device that has opened the app before
            warm[device] = browser.new_context(**CONTEXT, **DEVICES[device])
            stack.callback(warm[device].close)
            open_and_time(warm[device], f"{url}/", "warm-up", rerun_log, args.timeout)
        for title, path in PAGES:
            if args.pages and title not in args.pages:
                continue
            for view in views:
                query = urllib.parse.urlencode(view.query, doseq=True)
                page_url = f"{url}/{path}" + (f"?{query}" if query else "")
                for device in args.devices:
                    name = f"{scale} {title} {view.name} {device}"
                    cold = quietly(name, cold_visit, browser, device, page_url, name, rerun_log, args.timeout)
                    runs = [
                        quietly(name, open_and_time, warm[device], page_url, name, rerun_log, args.timeout)
                        for _ in range(args.runs)
                    ]
                    figures = summary(cold, runs)
                    if device == "desktop" and not args.no_clicks:
                        start = f"{url}/{'relocation' if path == '' else ''}" + (f"?{query}" if query else "")
                        clicks = [
                            quietly(
                                name,
                                click_and_time,
                                warm[device],
                                start,
                                title,
                                name,
                                rerun_log,
                                args.timeout,
                            )
                            for _ in range(args.runs)
                        ]
                        if view.townships and not all(
                            t in clicks[-1].facts["header"] for t in view.townships
                        ):
                            raise SystemExit(
                                f"{name}: a click lost the township filter: {clicks[-1].facts['header']}"
                            )
                        figures["click_median_s"] = round(statistics.median(c.total_s for c in clicks), 3)
                        figures["click_p95_s"] = round(p95([c.total_s for c in clicks]), 3)
                        figures["click_server_median_s"] = round(
                            statistics.median(c.server_s for c in clicks), 3
                        )
                    if view.townships and not all(t in figures["header"] for t in view.townships):
                        raise SystemExit(f"{name}: the township filter was not applied: {figures['header']}")
                    results.setdefault(title, {}).setdefault(view.name, {})[device] = figures
                    first = figures["first_view_median_s"]
                    log(
                        (f"  {name}: first view {first:.2f} s," if first is not None else f"  {name}:")
                        + f" median {figures['median_s']:.2f} s (server {figures['server_median_s']:.2f}, "
                        f"draw {figures['draw_median_s']:.2f}), cold {figures['cold_s']:.2f} s, "
                        f"{figures['height_px']} px, {figures['figures']} figures"
                    )
    return {
        "store": str(store_dir),
        "views": {v.name: v.query for v in views},
        "server_cores": sorted(server_core),
        "browser_cores": sorted(browser_core),
        "pages": results,
    }


FLOOR_KINDS = ["text", "figure", "figures3", "grid"]


@contextlib.contextmanager
def floor_app(timeout: float = 60.0) -> Any:
    """bench/floor_app.py served on 127.0.0.1 like the dashboard (same config); yields its base URL."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(BENCH / "floor_app.py"), "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit("the floor app did not start") from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def measure_floor(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    """The floor app's pages (bench/floor_app.py), timed as the dashboard's are, on the same cores."""
    rerun_log = scratch / "reruns-floor.jsonl"  # the floor app logs none: its server time reads 0
    results: dict[str, Any] = {}
    with contextlib.ExitStack() as stack:
        url, browser = serve_pinned(stack, floor_app())
        for device in args.devices:
            warm = browser.new_context(**CONTEXT, **DEVICES[device])
            stack.callback(warm.close)
            open_and_time(warm, f"{url}/?kind=figures3", "warm-up", rerun_log, args.timeout)
            open_and_time(warm, f"{url}/?kind=grid", "warm-up", rerun_log, args.timeout)
            for kind in FLOOR_KINDS:
                name = f"floor {kind} {device}"
                page = f"{url}/?kind={kind}"
                cold = quietly(name, cold_visit, browser, device, page, name, rerun_log, args.timeout)
                runs = [
                    quietly(name, open_and_time, warm, page, name, rerun_log, args.timeout)
                    for _ in range(args.runs)
                ]
                figures = summary(cold, runs)
                results.setdefault(kind, {})[device] = figures
                log(f"  {name}: median {figures['median_s']:.2f} s (app {figures['app_median_s']:.2f}, "
                    f"draw {figures['draw_median_s']:.2f}), cold {figures['cold_s']:.2f} s")  # fmt: skip
    return results


def print_floor(result: dict[str, Any]) -> None:
    """One row per floor page and device."""
    print(
        "\nfloor — bench/floor_app.py: a title and a line of text, and nothing / 1 figure / 3 figures / a grid"
    )
    print(f"{'kind':<10}{'device':<9}{'median s':>9}{'p95 s':>7}{'cold s':>8}{'app s':>7}{'draw s':>8}")
    for kind, devices in result.items():
        for device, r in devices.items():
            print(
                f"{kind:<10}{device:<9}{r['median_s']:>9.2f}{r['p95_s']:>7.2f}{r['cold_s']:>8.2f}"
                f"{r['app_median_s']:>7.2f}{r['draw_median_s']:>8.2f}"
            )


def verdicts(scales: dict[str, Any]) -> dict[str, Any]:
    """Each goal against the worst page of its scale (the goal is for every page), warm and cold."""

    def every(scale: str, key: str) -> list[float]:
        pages = scales.get(scale, {}).get("pages", {})
        return [
            d.get(key) for views in pages.values() for devices in views.values() for d in devices.values()
        ]

    out: dict[str, Any] = {}
    for goal, limit in GOALS.items():
        scale, stat = goal.split("_", 1)
        values = [v for v in every(scale, stat) if v is not None]
        if values:
            out[goal] = {"goal": limit, "worst": max(values), "met": max(values) < limit}
        if stat == "median_s" and values:  # the same goal for a first visit and for a click in the app
            for other in ("cold_s", "click_median_s"):
                more = [v for v in every(scale, other) if v is not None]
                if more:
                    out[f"{scale}_{other}"] = {"goal": limit, "worst": max(more), "met": max(more) < limit}
    return out


def print_table(scale: str, result: dict[str, Any]) -> None:
    """One row per page, view and device."""
    print(f"\n{scale} scale — store {result['store']}")
    print(
        f"{'page':<6}{'view':<10}{'device':<9}{'first s':>8}{'median s':>9}{'p95 s':>7}{'cold s':>8}{'server s':>9}"
        f"{'browser s':>10}{'app s':>7}{'draw s':>8}{'click s':>8}{'reruns':>7}{'height px':>10}{'figures':>8}{'points':>7}"
    )
    for title, views in result["pages"].items():
        for view, devices in views.items():
            for device, r in devices.items():
                click = f"{r['click_median_s']:.2f}" if "click_median_s" in r else "—"
                first = f"{r['first_view_median_s']:.2f}" if r.get("first_view_median_s") is not None else "—"
                print(
                    f"{title:<6}{view:<10}{device:<9}{first:>8}{r['median_s']:>9.2f}{r['p95_s']:>7.2f}{r['cold_s']:>8.2f}"
                    f"{r['server_median_s']:>9.2f}{r['browser_median_s']:>10.2f}{r['app_median_s']:>7.2f}"
                    f"{r['draw_median_s']:>8.2f}{click:>8}{r['reruns']:>7}{r['height_px']:>10,}{r['figures']:>8}{r['points']:>7,}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=["county", "province", "both", "none"], default="both")
    parser.add_argument("--counties", type=int, default=120, help="province scale: counties to generate")
    parser.add_argument("--weeks", type=int, default=26, help="province scale: weeks to generate")
    parser.add_argument(
        "--runs", type=int, default=5, help="navigations per page, view and device (>= 5 for figures)"
    )
    parser.add_argument("--pages", nargs="+", help="only these pages (总览 整村搬迁 集体经济 党建 资金 数据)")
    parser.add_argument("--devices", nargs="+", choices=list(DEVICES), default=list(DEVICES))
    parser.add_argument("--views", nargs="+", help="only these views (all, county, township)")
    parser.add_argument(
        "--no-clicks", action="store_true", help="skip timing a click in the sidebar's page list (desktop)"
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a page may take to draw")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also time bench/floor_app.py: what any Streamlit page costs here",
    )
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    args = parser.parse_args()
    QUIET.waits = not args.smoke
    # A benchmark stopped with `kill` still stops the dashboard and the browser it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    OUT.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    scales: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="browser_speed_") as tmp:
        for scale in ("county", "province"):
            if args.scale not in (scale, "both"):
                continue
            if scale == "county":
                store_dir = sample_store()
                views = views_for(store_dir, None, SAMPLE_TOWNSHIP)
            else:
                store_dir = province_store(args.counties, args.weeks)
                views = views_for(store_dir, None, None)
            if args.views:
                views = [v for v in views if v.name in args.views]
            log(f"{scale}: {len(views)} views x {len(args.devices)} devices x {args.runs} runs per page")
            scales[scale] = measure_scale(scale, store_dir, views, args, Path(tmp))
            scales[scale]["params"] = (
                {"sample": str(SAMPLE_DIR)}
                if scale == "county"
                else {"counties": args.counties, "weeks": args.weeks}
            )
        floor = None
        if args.floor:
            log(f"floor: {len(FLOOR_KINDS)} pages x {len(args.devices)} devices x {args.runs} runs")
            floor = measure_floor(args, Path(tmp))
    load_after = os.getloadavg()

    for scale, result in scales.items():
        print_table(scale, result)
    if floor is not None:
        print_floor(floor)
    checked = verdicts(scales)
    print()
    for goal, v in checked.items():
        print(
            f"goal {goal} < {v['goal']} s: worst page {v['worst']:.2f} s — {'met' if v['met'] else 'NOT met'}"
        )
    print(
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}; samples taken again because other "
        f"processes used more than {LIMIT} of a core meanwhile: {QUIET.repeated}, kept although still noisy: {QUIET.noisy}"
    )
    print(
        json.dumps(
            {
                "bench": "browser_speed",
                "runs": args.runs,
                "devices": args.devices,
                "load_average": {"before": load_before[0], "after": load_after[0]},
                "others": {
                    "limit_cores": LIMIT,
                    "repeated": QUIET.repeated,
                    "noisy": QUIET.noisy,
                    "waited": QUIET.waits,
                },
                "scales": scales,
                "floor": floor,
                "verdicts": checked,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
