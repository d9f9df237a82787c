"""Load: many browser sessions on one dashboard process, changing filters, while an import lands.

Serves a copy of the sample store, opens --sessions headless Chromium sessions
that each visit pages with changing township, batch and week filters for
--rounds rounds, and meanwhile imports a new week into the store. Prints the
median and p95 time until a page has finished drawing, the number of page loads,
any errors (there should be none), and one JSON line.

    .venv/bin/python bench/load.py [--sessions 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.browser import CHROMIUM_ARGS, DRAWN_JS, ERRORS_JS, chromium_path  # noqa: E402
from tracker.importer import import_paths  # noqa: E402
from tracker.paths import REPO_ROOT, SAMPLE_DIR  # noqa: E402
from tracker.serve import dashboard  # noqa: E402

PAGES = ["overview", "relocation", "collective", "party", "funds"]
TOWNSHIPS = ["", "赵家沟乡", "巡镇镇", "沙坪乡", "文笔镇"]
BATCHES = ["", "第一批", "第二批"]
DAYS = ["", "2017-10-06", "2017-09-01", "2017-06-30"]


async def _drawn(page, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        errors = await page.evaluate(ERRORS_JS)
        if errors:
            raise RuntimeError(errors[0][:200])
        if await page.evaluate(DRAWN_JS):
            return
        await asyncio.sleep(0.1)
    raise TimeoutError("page did not finish drawing")


async def _session(
    browser, base: str, number: int, rounds: int, times: list[float], errors: list[str]
) -> None:
    rng = random.Random(number)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    try:
        for _ in range(rounds):
            for name in rng.sample(PAGES, len(PAGES)):
                query = {k: v for k, v in (("township", rng.choice(TOWNSHIPS)), ("batch", rng.choice(BATCHES)),
                                           ("as_of", rng.choice(DAYS))) if v}  # fmt: skip
                started = time.monotonic()
                try:
                    await page.goto(f"{base}/{name}?{urlencode(query)}", wait_until="domcontentloaded")
                    await _drawn(page)
                    times.append(time.monotonic() - started)
                except Exception as exc:  # noqa: BLE001 - every failure is a finding to report
                    errors.append(f"{name} {query}: {exc}")
    finally:
        await context.close()


async def _load(base: str, sessions: int, rounds: int, store: Path, export: Path) -> dict:
    from playwright.async_api import async_playwright

    times: list[float] = []
    errors: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        importer = None
        started = time.monotonic()
        tasks = [
            asyncio.create_task(_session(browser, base, n, rounds, times, errors)) for n in range(sessions)
        ]
        await asyncio.sleep(3)
        importer = subprocess.Popen(
            [sys.executable, "-m", "tracker", "--data-dir", str(store), "import", str(export), "--as-of", "2017-10-20"],
            cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        await asyncio.gather(*tasks)
        wall = time.monotonic() - started
        await browser.close()
    imported = importer.wait(300) == 0
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else None
    return {
        "sessions": sessions,
        "page_loads": len(times),
        "errors": errors,
        "median_s": round(statistics.median(times), 2) if times else None,
        "p95_s": round(p95, 2) if p95 is not None else None,
        "wall_s": round(wall, 1),
        "import_landed": imported,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        if import_paths([SAMPLE_DIR], store).status != 0:
            raise SystemExit("sample import failed")
        export = Path(tmp) / "week"
        shutil.copytree(SAMPLE_DIR / "weekly" / "2017-10-13", export)
        with dashboard(store) as base:
            result = asyncio.run(_load(base, args.sessions, args.rounds, store, export))
    print(f"sessions {result['sessions']}  page loads {result['page_loads']}  errors {len(result['errors'])}")
    print(
        f"time until drawn: median {result['median_s']} s, p95 {result['p95_s']} s  (wall {result['wall_s']} s)"
    )
    print(f"import during the load landed: {result['import_landed']}")
    for error in result["errors"][:10]:
        print("error:", error)
    print(json.dumps({"bench": "load"} | result, ensure_ascii=False))


if __name__ == "__main__":
    main()
