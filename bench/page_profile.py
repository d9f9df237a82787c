"""Where a page's time goes: its rerun's Python, what it sends, and what the browser does with it.

For every page, in the whole-county view and one township's (at province scale: the whole
province, one county and one township):

1. PYTHON: the page's script run in AppTest under cProfile, with warm caches (the second run
   of the same view, as most reruns are): total milliseconds and the functions that take the
   most of it, by time spent in the function itself and by cumulative time in this project's code;
2. SENT: the page opened over Streamlit's websocket (bench/stream_client.py) on a served
   dashboard: ForwardMsgs and bytes of a first visit and of the same view again (large elements
   the client holds then come as references), bytes per element kind, each plotly figure's JSON;
3. DRAWN: each of those figures drawn alone by plotly.js (the copy the plotly package ships) in
   headless Chromium, at desktop (1600 px) and phone (390 px) width: milliseconds per figure,
   median of --runs.

    .venv/bin/python bench/page_profile.py [--store STORE] [--runs 3] [--top 8]

Prints a table per view and ONE JSON line; docs/benchmarks.md quotes it.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import plotly

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from bench.browser_speed import PAGES, SAMPLE_TOWNSHIP, sample_store  # noqa: E402
from bench.pages_speed import View, views_for  # noqa: E402
from bench.stream_client import StreamSession, run_in_thread  # noqa: E402
from tracker.weekly.browser import launch  # noqa: E402
from tracker.weekly.serve import dashboard  # noqa: E402

SCRIPTS = {
    "": "app_pages/overview.py",
    "relocation": "app_pages/relocation.py",
    "collective": "app_pages/collective.py",
    "party": "app_pages/party.py",
    "funds": "app_pages/funds.py",
    "data": "app_pages/data.py",
}
OURS = ("/tracker/", "/ui/", "/app_pages/", "/dashboard.py")
PLOTLY_JS = Path(plotly.__file__ or "plotly").parent / "package_data" / "plotly.min.js"
DRAW_JS = """
async ([spec, width]) => {
  const box = document.createElement('div');
  box.style.width = width + 'px';
  document.body.appendChild(box);
  const began = performance.now();
  await Plotly.newPlot(box, spec.data, spec.layout, {displaylogo: false, responsive: true});
  const took = performance.now() - began;
  Plotly.purge(box);
  box.remove();
  return took;
}
"""


def log(message: str) -> None:
    """Progress on stderr."""
    print(message, file=sys.stderr, flush=True)


def profile_page(store_dir: Path, view: View, path: str, top: int) -> dict[str, Any]:
    """The page's warm rerun in AppTest under cProfile: total ms and the heaviest functions."""
    from streamlit.testing.v1 import AppTest

    os.environ["TRACKER_DATA_DIR"] = str(store_dir)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=600)
    for key, value in view.query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(SCRIPTS[path])
    at.run()  # fills the caches for this view
    # AppTest runs the script on a thread of its own: the profiler is switched on in that thread
    # by the first event it sees (threading.setprofile), and off after the run.
    profiler = cProfile.Profile()

    def start_in_thread(*_: object) -> None:
        sys.setprofile(None)
        profiler.enable()

    threading.setprofile(start_in_thread)
    began = time.perf_counter()
    try:
        at.run()
    finally:
        threading.setprofile(None)
    seconds = time.perf_counter() - began
    profiler.create_stats()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    rows = []
    for (file, line, function), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((file, line, function, calls, own, cumulative))

    def name(row: tuple) -> str:
        file = row[0]
        for part in OURS:
            if part in file:
                file = (
                    part.strip("/") + "/" + file.split(part, 1)[1] if part.endswith("/") else "dashboard.py"
                )
                break
        else:
            file = "/".join(Path(file).parts[-2:])
        return f"{file}:{row[1]}({row[2]})"

    by_own = sorted(rows, key=lambda r: -r[4])[:top]
    ours = sorted((r for r in rows if any(p in r[0] for p in OURS)), key=lambda r: -r[5])[:top]
    return {
        "ms": round(seconds * 1000, 1),
        "own": [[name(r), round(r[4] * 1000, 1)] for r in by_own],
        "ours_cumulative": [[name(r), round(r[5] * 1000, 1)] for r in ours],
    }


async def sent(url: str, view: View, path: str) -> dict[str, Any]:
    """What a first visit and the same view again send: messages, bytes, per kind, figure specs."""
    session = StreamSession(url, timeout=300)
    try:
        first = await session.open(path, dict(view.query))
        again = await session.open(path, dict(view.query))
    finally:
        await session.close()
    if first.exceptions:
        raise SystemExit(f"/{path} ({view.name}) raised: {first.exceptions[0]}")
    kinds: dict[str, int] = defaultdict(int)
    for kind, text in first.texts:
        kinds[kind] += len(text.encode())
    return {
        "messages": first.messages,
        "bytes": first.bytes,
        "again_bytes": again.bytes,
        "again_references": again.references,
        "text_bytes_by_kind": dict(kinds),
        "figures": [json.loads(t) for k, t in first.texts if k == "plotly_chart"],
    }


def draw_figures(browser: Any, figures: list[dict], runs: int) -> dict[str, list[float]]:
    """Milliseconds plotly.js takes to draw each figure, desktop and phone width (median of runs)."""
    tab = browser.new_page(viewport={"width": 1600, "height": 1000})
    tab.set_content("<html><body></body></html>")
    tab.add_script_tag(path=str(PLOTLY_JS))
    out: dict[str, list[float]] = {"desktop": [], "phone": []}
    for device, width in (("desktop", 1200), ("phone", 360)):
        for spec in figures:
            times = [tab.evaluate(DRAW_JS, [spec, width]) for _ in range(runs)]
            out[device].append(round(statistics.median(times), 1))
    tab.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--store", type=Path, help="a store (default: the sample data, imported under bench/out/)"
    )
    parser.add_argument("--runs", type=int, default=3, help="draws per figure")
    parser.add_argument("--top", type=int, default=8, help="functions listed per page")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    store_dir = args.store or sample_store()
    views = views_for(store_dir, None, None if args.store else SAMPLE_TOWNSHIP)
    result: dict[str, Any] = {}
    with dashboard(store_dir, timeout=180) as url, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for view in views:
                for title, path in PAGES:
                    log(f"{view.name} {title} ...")
                    shipped = run_in_thread(sent(url, view, path))  # Playwright holds this thread's loop
                    figures = shipped.pop("figures")
                    drawn = draw_figures(browser, figures, args.runs)
                    result.setdefault(view.name, {})[title] = {
                        **shipped,
                        "figure_bytes": [len(json.dumps(f, ensure_ascii=False).encode()) for f in figures],
                        "figure_points": [
                            sum(len(t.get("x") or t.get("values") or t.get("y") or []) for t in f["data"])
                            for f in figures
                        ],
                        "draw_ms": drawn,
                        "python": profile_page(store_dir, view, path, args.top),
                    }
        finally:
            browser.close()

    for name, pages in result.items():
        print(f"\n{name} view")
        print(
            f"{'page':<6}{'rerun ms':>9}{'msgs':>6}{'KB sent':>9}{'KB again':>9}{'figures':>8}"
            f"{'fig KB':>8}{'draw ms desk':>13}{'draw ms phone':>14}"
        )
        for title, r in pages.items():
            print(
                f"{title:<6}{r['python']['ms']:>9.0f}{r['messages']:>6}{r['bytes'] / 1024:>9.1f}"
                f"{r['again_bytes'] / 1024:>9.1f}{len(r['figure_bytes']):>8}{sum(r['figure_bytes']) / 1024:>8.1f}"
                f"{sum(r['draw_ms']['desktop']):>13.0f}{sum(r['draw_ms']['phone']):>14.0f}"
            )
        for title, r in pages.items():
            print(f"  {title} heaviest (own ms): " + "; ".join(f"{n} {t}" for n, t in r["python"]["own"][:5]))
            print(
                f"  {title} ours (cumulative ms): "
                + "; ".join(f"{n} {t}" for n, t in r["python"]["ours_cumulative"][:6])
            )
    print(json.dumps({"bench": "page_profile", "store": str(store_dir), "views": result}, ensure_ascii=False))


if __name__ == "__main__":
    main()
