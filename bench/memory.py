"""Dashboard memory at scale: the served dashboard's peak resident memory after every page is opened.

Starts the real dashboard on the store (`tracker.weekly.serve.dashboard`, its own `streamlit run`
process), opens every page in headless Chromium (`tracker.weekly.browser`) — with the default filters,
with one county (when the store has several) and with one township of it — waits until each
page has finished drawing, and reads the dashboard process's resident memory from
/proc/<pid>/status: VmRSS after each page and, at the end, VmHWM (the peak over its whole life).
One browser tab visits the pages in turn, as one leader clicking through them would. Prints a
table, the peak against the goal (< 1.5 GiB) and ONE JSON line.

    .venv/bin/python bench/memory.py --store /tmp/province_store
    .venv/bin/python bench/memory.py --counties 2 --weeks 2      # a scratch store, for a smoke run
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from bench.pages_speed import prepare, views_for  # noqa: E402
from tracker.weekly.browser import launch, wait_until_drawn  # noqa: E402
from tracker.weekly.serve import dashboard  # noqa: E402

PAGES = [
    ("总览", ""),  # the default page: Streamlit serves it at "/" ("/overview" is "Page not found")
    ("整村搬迁", "relocation"),
    ("集体经济", "collective"),
    ("党建", "party"),
    ("资金", "funds"),
    ("数据", "data"),
]
GOAL_MIB = 1536.0
SETTLE_SECONDS = 0.8


def status_kib(pid: int, field: str) -> int:
    """A `VmXXX:  1234 kB` line of /proc/<pid>/status, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def dashboard_pid(port: int) -> int:
    """The `streamlit run … --server.port PORT` process among this process's children (walks /proc)."""
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        words = [w.decode(errors="replace") for w in cmdline]
        if parent == me and "streamlit" in words and str(port) in words:
            return int(entry.name)
    raise SystemExit(f"no streamlit process of ours listens on port {port}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--store", type=Path, help="store folder; imported from --data unless it holds a store"
    )
    parser.add_argument("--data", type=Path, help="exports folder to import when --store holds no store")
    parser.add_argument("--counties", type=int, help="generate this many counties (synth.province)")
    parser.add_argument("--weeks", type=int, default=3, help="weeks to generate with --counties")
    parser.add_argument(
        "--views", nargs="+", default=["all", "county", "township"], help="filter states to open"
    )
    parser.add_argument("--county", help="county of the county and township views (default: the first)")
    parser.add_argument("--township", help="township of the township view (default: the county's first)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds a page may take to draw")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="memory_bench_"))
    try:
        run(args, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(args: argparse.Namespace, scratch: Path) -> None:
    """Serve, open every page in every view, read the process's memory, report."""
    from playwright.sync_api import sync_playwright

    _, store_dir, import_s = prepare(args.data, args.counties, args.weeks, args.store, scratch)
    views = [v for v in views_for(store_dir, args.county, args.township) if v.name in args.views]
    pages: dict[str, dict[str, dict[str, object]]] = {title: {} for title, _ in PAGES}
    with dashboard(store_dir, timeout=120) as url, sync_playwright() as playwright:
        pid = dashboard_pid(urllib.parse.urlsplit(url).port or 0)
        started_kib = status_kib(pid, "VmRSS")
        browser = launch(playwright)
        try:
            context = browser.new_context(
                viewport={"width": 1600, "height": 1000}, locale="zh-CN", timezone_id="Asia/Shanghai"
            )
            tab = context.new_page()
            for view in views:
                query = urllib.parse.urlencode(view.query, doseq=True)
                for title, path in PAGES:
                    began = time.perf_counter()
                    tab.goto(f"{url}/{path}" + (f"?{query}" if query else ""), timeout=args.timeout * 1000)
                    wait_until_drawn(
                        tab, f"{title} ({view.name})", timeout=args.timeout, settle=SETTLE_SECONDS
                    )
                    drawn = time.perf_counter() - began - SETTLE_SECONDS
                    header = tab.inner_text(".report-header")
                    if view.townships and not all(t in header for t in view.townships):
                        raise SystemExit(
                            f"{title} ({view.name}): the township filter was not applied: {header}"
                        )
                    pages[title][view.name] = {
                        "drawn_s": round(drawn, 2),
                        "rss_mib": round(status_kib(pid, "VmRSS") / 1024, 1),
                        "header": header,
                    }
                    print(f"  {view.name:<9} {title}: drawn in {drawn:.1f} s", file=sys.stderr, flush=True)
            context.close()
        finally:
            browser.close()
        peak_mib = status_kib(pid, "VmHWM") / 1024
        end_mib = status_kib(pid, "VmRSS") / 1024

    print(f"store {store_dir}" + (f" (imported in {import_s:.1f} s)" if import_s is not None else ""))
    print(f"dashboard process {pid}: {started_kib / 1024:,.0f} MiB resident after start")
    print(f"{'page':<6}" + "".join(f"{v.name + ' s':>14}{v.name + ' MiB':>16}" for v in views))
    for title, _ in PAGES:
        cells = "".join(
            f"{pages[title][v.name]['drawn_s']:>14.1f}{pages[title][v.name]['rss_mib']:>16,.0f}"
            for v in views
        )
        print(f"{title:<6}{cells}")
    met = peak_mib < GOAL_MIB
    print(
        f"peak resident memory (VmHWM) of the dashboard: {peak_mib:,.0f} MiB ({peak_mib / 1024:.2f} GiB); "
        f"resident at the end {end_mib:,.0f} MiB"
    )
    print(f"goal: < {GOAL_MIB / 1024:.1f} GiB — {'met' if met else 'NOT met'}")
    print(
        json.dumps(
            {
                "bench": "memory",
                "store": str(store_dir),
                "views": {v.name: v.query for v in views},
                "started_mib": round(started_kib / 1024, 1),
                "peak_mib": round(peak_mib, 1),
                "end_mib": round(end_mib, 1),
                "goal_mib": GOAL_MIB,
                "met": met,
                "pages": pages,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
