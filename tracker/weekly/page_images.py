"""The dashboard's pages as images (`tracker report --pages`): each page at 1600 px, whole, and at phone
width (390 px, 2×) cut into numbered parts of at most 2,400 px for WeChat.

It opens the real pages of a running dashboard in the report layout (`?report=1`: no sidebar, widgets
or hints, every table whole, a header line with county, week and snapshot day), waits until each has
really finished drawing, checks its DOM (tracker.weekly.report_checks: no dialog, English text, cut
table …) and only then takes it. Several tabs draw pages at once; each page is opened once for its
desktop and phone images (the window is resized between them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tracker.weekly import report_layout
from tracker.weekly.browser import TIME_ZONE, wait_until_drawn_async
from tracker.weekly.capture import LAYOUT_JS, PART_JS, capture
from tracker.weekly.jobs import DESKTOP_WIDTH, PHONE_SCALE, PHONE_WIDTH, Job, Shot
from tracker.weekly.report_checks import check_async

# Pages drawn at once: the server and the browser share two cores.
PARALLEL_TABS = 3
# How long a drawn page must stay unchanged before it is taken (seconds).
SETTLE = 0.3
# The window's height; the report layout lets the document grow past it, and screenshots take the
# whole document (Playwright's full_page with a clip), so pages are never drawn twice for their height.
WINDOW_HEIGHT = report_layout.PART_HEIGHT + 100


class PageShooter:
    """One browser's tabs taking the pages of the dashboard at `base` into `folder`."""

    def __init__(
        self,
        browser: Any,
        base: str,
        folder: Path,
        code: str,
        timeout: float,
        headers: dict[str, str],
        tick: Callable[[str], None],
    ) -> None:
        self.browser, self.base, self.folder, self.code = browser, base, folder, code
        self.timeout, self.headers, self.tick = timeout, headers, tick

    async def run(self, jobs: list[Job]) -> list[Shot]:
        """Every job's images, in the jobs' order."""
        queue: asyncio.Queue[tuple[int, Job]] = asyncio.Queue()
        for n, job in enumerate(jobs):
            queue.put_nowait((n, job))
        results: dict[int, list[Shot]] = {}

        async def worker() -> None:
            tab = await self._tab()
            try:
                while not queue.empty():
                    n, job = queue.get_nowait()
                    results[n] = await self._page(tab, job)
                    self.tick(job.name)
            finally:
                await tab.context.close()

        tasks = [asyncio.create_task(worker()) for _ in range(min(PARALLEL_TABS, len(jobs)))]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        return [shot for n in sorted(results) for shot in results[n]]

    async def _tab(self) -> Any:
        context = await self.browser.new_context(
            viewport={"width": DESKTOP_WIDTH, "height": WINDOW_HEIGHT},
            device_scale_factor=PHONE_SCALE,
            locale="zh-CN",
            timezone_id=TIME_ZONE,
            extra_http_headers=self.headers,
        )
        return await context.new_page()

    async def _page(self, tab: Any, job: Job) -> list[Shot]:
        await tab.set_viewport_size({"width": job.width, "height": WINDOW_HEIGHT})
        await tab.goto(job.url(self.base), wait_until="domcontentloaded", timeout=self.timeout * 1000)
        await wait_until_drawn_async(tab, job.name, self.timeout, SETTLE)
        shots = []
        if job.desktop:
            shots.append(await self._desktop(tab, job))
        if job.phone:
            shots += await self._phone(tab, job)
        return shots

    async def _fit(self, tab: Any, job: Job, width: int) -> dict[str, Any]:
        """Resize the window to `width` (the report layout lets the document grow to its full height, so
        the height never changes) and check the page as drawn there."""
        if tab.viewport_size["width"] != width:
            await tab.set_viewport_size({"width": width, "height": WINDOW_HEIGHT})
            await wait_until_drawn_async(tab, job.name, self.timeout, SETTLE)
        layout = await tab.evaluate(LAYOUT_JS)
        where = "手机版" if width == PHONE_WIDTH else f"{width}px"
        await check_async(tab, f"{job.name}（{where}）")
        return layout

    async def _desktop(self, tab: Any, job: Job) -> Shot:
        layout = await self._fit(tab, job, job.width)
        height = max(layout["height"], 700)
        clip = {"x": 0, "y": 0, "width": job.width, "height": height}
        name = job.file(self.code)
        await tab.screenshot(path=str(self.folder / name), clip=clip, full_page=True, scale="css")
        text = await tab.inner_text('[data-testid="stMain"]')
        return Shot(
            job.page,
            job.title,
            job.township,
            job.as_of,
            job.width,
            1,
            name,
            "desktop",
            height=height,
            text=text,
        )

    async def _phone(self, tab: Any, job: Job) -> list[Shot]:
        layout = await self._fit(tab, job, PHONE_WIDTH)
        text = await tab.inner_text('[data-testid="stMain"]')
        header = layout["header"]
        # Whole CSS pixels: a part of 877.25 px is captured as 1,755 image pixels, not round()'s 1,754.
        strip = round(header["bottom"] - header["top"]) if header else 0
        boundaries = [report_layout.Boundary(b["y"], b["level"]) for b in layout["boundaries"]]
        limit = report_layout.PART_HEIGHT
        cuts = report_layout.cuts(layout["height"], boundaries, part=limit - strip, first=limit)
        edges = [0.0, *(float(round(cut)) for cut in cuts), float(layout["height"])]
        total = len(edges) - 1
        shots = []
        for n, (top, bottom) in enumerate(zip(edges, edges[1:]), start=1):
            # Scroll the part into the window (under a copy of the page's header line after the first
            # part) and take what is on screen: a capture beyond the window would make Chromium lay the
            # whole page out again for every part, and pasting images together costs as much again.
            headed = n > 1 and header is not None
            scrolled = await tab.evaluate(
                PART_JS, {"top": top, "strip": strip if headed else 0, "header": header}
            )
            height = bottom - top + (strip if headed else 0)
            name = job.file(self.code, f"_手机_{n}of{total}")
            await capture(tab, self.folder / name, scrolled, height)
            shots.append(
                Shot(job.page, job.title, job.township, job.as_of, PHONE_WIDTH, PHONE_SCALE, name, "phone",
                     n, total, round(height * PHONE_SCALE), text)
            )  # fmt: skip
        return shots
