"""A/B: one page of two or more checkouts of the dashboard, timed side by side in headless Chromium.

For a question such as "what do the sidebar's filters cost 总览?": add a git worktree, change
it, and time the page on both. The checkouts are served at once, over the same store (the sample
data as browser_speed.py imports it), all on the server's core, Chromium on the other; visits
alternate between them in rounds (--runs visits each per round), so a slow minute of a shared
machine falls on every checkout alike instead of on whichever ran then. A visit is timed inside
the page, from navigation start until drawn (tracker.weekly.browser's notion, checked every
animation frame), in a browser that has opened that checkout before (the app in its cache).

    git worktree add /tmp/nofilters    # then change /tmp/nofilters/dashboard.py
    .venv/bin/python bench/ab_pages.py now=. nofilters=/tmp/nofilters --page "" --rounds 4

Prints per checkout the median, the lowest and the quartiles of its visits, and ONE JSON line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from bench.browser_speed import CONTEXT, DEVICES, log, sample_store, split_cores, wait_drawn  # noqa: E402
from tracker.weekly.browser import DRAWN_AT_JS, launch  # noqa: E402
from tracker.weekly.serve import dashboard  # noqa: E402


def visit(context: Any, url: str, timeout: float) -> float:
    """Open url in a new tab of context; seconds from navigation start until drawn."""
    tab = context.new_page()
    try:
        tab.goto(url, wait_until="commit", timeout=timeout * 1000)
        wait_drawn(tab, time.time(), url, timeout)
        return float(tab.evaluate("window.__drawnAt")) / 1000
    finally:
        tab.close()


def figures(times: list[float]) -> dict[str, Any]:
    """Median, lowest and quartiles of one checkout's visits."""
    quartiles = statistics.quantiles(times, n=4) if len(times) > 1 else [times[0]] * 3
    return {
        "visits": len(times),
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "q1_s": round(quartiles[0], 3),
        "q3_s": round(quartiles[2], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("checkouts", nargs="+", help="name=folder, one per checkout (two or more to compare)")
    parser.add_argument("--page", default="", help="the page's address: '' for 总览, relocation, funds, …")
    parser.add_argument("--query", default="", help="a query string for it, such as township=赵家沟乡")
    parser.add_argument("--device", choices=list(DEVICES), default="desktop")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3, help="visits per checkout in each round")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    checkouts = {name: Path(folder).resolve() for name, folder in (c.split("=", 1) for c in args.checkouts)}
    from playwright.sync_api import sync_playwright

    store = sample_store().resolve()
    address = args.page + (f"?{args.query}" if args.query else "")
    times: dict[str, list[float]] = {name: [] for name in checkouts}
    server_core, browser_core = split_cores()
    with contextlib.ExitStack() as stack:
        stack.callback(os.sched_setaffinity, 0, os.sched_getaffinity(0))
        os.sched_setaffinity(0, server_core)  # every server inherits the server's core ...
        urls = {
            name: stack.enter_context(dashboard(store, 120, checkout=folder))
            for name, folder in checkouts.items()
        }
        os.sched_setaffinity(0, browser_core)  # ... and Chromium the other one
        browser = launch(stack.enter_context(sync_playwright()))
        stack.callback(browser.close)
        contexts = {}
        for name, url in urls.items():  # a browser per checkout that has opened it before
            contexts[name] = browser.new_context(**CONTEXT, **DEVICES[args.device])
            contexts[name].add_init_script(DRAWN_AT_JS)
            visit(contexts[name], f"{url}/{address}", args.timeout)
        for round_ in range(args.rounds):
            for name, url in urls.items():
                times[name] += [
                    visit(contexts[name], f"{url}/{address}", args.timeout) for _ in range(args.runs)
                ]
            log(
                f"round {round_ + 1}: "
                + ", ".join(f"{n} {statistics.median(t):.2f} s" for n, t in times.items())
            )
    result = {name: figures(t) for name, t in times.items()}
    print(f"\n/{address} on {args.device}, {args.rounds} rounds of {args.runs} visits each")
    print(f"{'checkout':<16}{'median s':>9}{'min s':>7}{'q1 s':>7}{'q3 s':>7}")
    for name, r in result.items():
        print(f"{name:<16}{r['median_s']:>9.2f}{r['min_s']:>7.2f}{r['q1_s']:>7.2f}{r['q3_s']:>7.2f}")
    print(json.dumps({"bench": "ab_pages", "page": address, "device": args.device, "checkouts": result}))


if __name__ == "__main__":
    main()
