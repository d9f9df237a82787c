"""The weekly report (周报): every page for the county and each township, as images and one A4 PDF.

It opens the real pages in headless Chromium, in the report layout (`?report=1`:
no sidebar, widgets or hints, every table whole, a header line with county,
week and snapshot day), waits until each page has really finished drawing,
checks its DOM (tracker.weekly.report_checks: no dialog, English text, cut table …)
and only then saves it:

- a desktop image (1600 px) of each page;
- the same page at phone width (390 px, 2×) cut into numbered parts of at most
  2,400 px at section boundaries (`…_手机_1of3.png`), each part after the first
  headed by the page's header line, so WeChat shows every part readably;
- one 1080 px summary image of the week (the briefing paragraph and key cards);
- an A4 PDF of the county pages printed by Chromium (text layer, header line,
  page numbers running through the whole document).

One Chromium draws several pages at once, each page is run once for its desktop
and phone images (the window is resized between them), and a separate tab
prints the PDF meanwhile. Files are written to a scratch folder first and moved
into place only when every page succeeded, so a failed run leaves last week's
(or this week's previous) files untouched, and a re-run for the same week
replaces that week's files and nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import secrets
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker import access
from tracker.contract.county import load_county
from tracker.present import formatting
from tracker.store.reader import Reader
from tracker.weekly import a4, report_layout, week_files
from tracker.weekly.browser import (
    CHROMIUM_ARGS,
    TIME_ZONE,
    BrowserMissing,
    PageNotReady,
    chromium_path,
    wait_until_drawn_async,
)
from tracker.weekly.capture import LAYOUT_JS, PART_JS, UNPIN_JS, capture
from tracker.weekly.jobs import (
    COUNTY_SCOPE,
    DESKTOP_WIDTH,
    PHONE_SCALE,
    PHONE_WIDTH,
    SUMMARY_PAGE,
    SUMMARY_WIDTH,
    Job,
    Shot,
    plan,
)
from tracker.weekly.report_checks import PageUnfit, check_async
from tracker.weekly.serve import dashboard

# Pages drawn at once (plus the tab that prints the PDF): the server and the browser share two cores.
PARALLEL_TABS = 3
# How long a drawn page must stay unchanged before it is taken (seconds).
SETTLE = 0.3
# The window's height; the report layout lets the document grow past it, and screenshots take the
# whole document (Playwright's full_page with a clip), so pages are never drawn twice for their height.
WINDOW_HEIGHT = report_layout.PART_HEIGHT + 100
ProgressFn = Callable[[int, int, str], None]


class ReportProblem(Exception):
    """The report could not be made; the message names the page or the reason, in Chinese."""


@dataclass
class Report:
    """What a run produced."""

    week: str
    as_of: str
    folder: Path
    shots: list[Shot]
    pdf: Path
    manifest: Path
    summary: Path | None = None


def latest_day(data_dir: Path) -> dt.date:
    """The newest snapshot day in the store."""
    days = Reader(data_dir).ledger_days()
    if not days:
        raise ReportProblem("数据存储为空：请先导入台账")
    return days[0]


def make_report(
    data_dir: Path,
    out_dir: Path,
    as_of: dt.date | None = None,
    townships: list[str] | None = None,
    url: str | None = None,
    phone: bool = True,
    width: int = DESKTOP_WIDTH,
    progress: ProgressFn | None = None,
    page_timeout: float = 90.0,
    county_only: bool = False,
) -> Report:
    """Make every image of the week, the summary image and the PDF, then move them into out_dir.

    townships narrows the township pages to those named (default: every township);
    county_only leaves the township pages out altogether. Raises ReportProblem (a page that
    errors, does not finish or is not fit to send), BrowserMissing (no Chromium) or ServerProblem.
    """
    county = load_county(data_dir)
    unknown = [t for t in townships or [] if county.township(t) is None]
    if unknown:
        raise ReportProblem(f"不是{county.name}的乡镇：{'、'.join(unknown)}")
    chosen = [county.township(t) for t in townships or []]
    day = as_of or latest_day(data_dir)
    every = [] if county_only else county.township_names
    jobs = plan(day, [t for t in chosen if t], width, phone, every)
    code = formatting.week_code(day)
    title = f"{county.name}脱贫攻坚周报 · {formatting.week(day)}"
    header = f"{title}（数据截至{formatting.day(day)}）"
    chromium = chromium_path()  # before the server starts: no browser, no report
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".report-") as scratch:
        folder = Path(scratch)
        pdf = folder / f"{code}_{COUNTY_SCOPE}_周报.pdf"
        token = None if url else secrets.token_urlsafe(32)
        run = _Run(
            _server(data_dir, url, token),
            chromium,
            folder,
            code,
            day.isoformat(),
            page_timeout,
            progress,
            len(jobs) + 2,
            {access.REPORT_HEADER: token} if token else {},
        )
        shots = asyncio.run(run.all(jobs, pdf, header, title))
        manifest = week_files.write_index(folder, shots, county.name, day, pdf.name)
        week_files.replace_week(folder, out_dir, code)
    summary = next((s for s in shots if s.kind == "summary"), None)
    return Report(
        code,
        day.isoformat(),
        out_dir,
        shots,
        out_dir / pdf.name,
        out_dir / manifest.name,
        out_dir / summary.file if summary else None,
    )


@contextlib.contextmanager
def _server(data_dir: Path, url: str | None, token: str | None) -> Iterator[str]:
    if url:
        yield url.rstrip("/")
    else:
        with dashboard(data_dir, report_token=token) as base:
            yield base


class _Run:
    """One report run: a browser, its tabs, and the files they write."""

    def __init__(
        self,
        server: contextlib.AbstractContextManager[str],
        chromium: str,
        folder: Path,
        code: str,
        as_of: str,
        timeout: float,
        progress: ProgressFn | None,
        steps: int,
        headers: dict[str, str],
    ) -> None:
        self.server, self.chromium, self.folder, self.code = server, chromium, folder, code
        self.headers = headers  # sent with every request: the report's token for its own server
        self.base = ""
        self.as_of, self.timeout, self.progress, self.steps = as_of, timeout, progress, steps
        self.done = 0
        self.browser: Any = None
        self.printed: dict[str, bytes] = {}  # county page → its A4 pages, without header or page numbers
        self.sections: list[str] = []
        self.pdf_args: tuple[Path, str, str] = (Path(), "", "")
        self.pdf_task: asyncio.Task[None] | None = None

    def _tick(self, name: str) -> None:
        self.done += 1
        if self.progress:
            self.progress(self.done, self.steps, name)

    async def all(self, jobs: list[Job], pdf: Path, header: str, title: str) -> list[Shot]:
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import async_playwright

        stack = contextlib.ExitStack()
        # The dashboard starts (a few seconds) while Chromium does.
        serving = asyncio.create_task(asyncio.to_thread(stack.enter_context, self.server))
        try:
            async with async_playwright() as playwright:
                self.browser = await playwright.chromium.launch(
                    executable_path=self.chromium, args=CHROMIUM_ARGS
                )
                try:
                    self.base = await serving
                    return await self._everything(jobs, pdf, header, title)
                finally:
                    await self.browser.close()
        except (PageNotReady, PageUnfit) as problem:
            if isinstance(problem, BrowserMissing):
                raise
            raise ReportProblem(str(problem)) from None
        except PlaywrightError as error:
            raise ReportProblem(f"浏览器出错：{str(error).splitlines()[0][:300]}") from None
        finally:
            await asyncio.gather(serving, return_exceptions=True)
            stack.close()

    async def _everything(self, jobs: list[Job], pdf: Path, header: str, title: str) -> list[Shot]:
        queue: asyncio.Queue[Job] = asyncio.Queue()
        for job in jobs:
            queue.put_nowait(job)
        results: dict[int, list[Shot]] = {}
        order = {id(job): n for n, job in enumerate(jobs)}

        async def worker() -> None:
            tab = await self._tab(PHONE_SCALE)
            try:
                while not queue.empty():
                    job = queue.get_nowait()
                    results[order[id(job)]] = await self._page(tab, job)
                    self._tick(job.name)
            finally:
                await tab.context.close()

        summary = Job(*SUMMARY_PAGE, None, self.as_of, phone=False, width=SUMMARY_WIDTH)
        self.sections = [j.page for j in jobs if j.township is None]
        self.pdf_args = (pdf, header, title)
        tasks: list[asyncio.Task[Any]] = [asyncio.create_task(worker()) for _ in range(PARALLEL_TABS)]
        summary_task = asyncio.create_task(self._summary(summary))
        tasks.append(summary_task)
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            tasks += [self.pdf_task] if self.pdf_task else []
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        if self.pdf_task is not None:
            await self.pdf_task
        shots = [shot for n in sorted(results) for shot in results[n]]
        return shots + summary_task.result()

    async def _tab(self, scale: int) -> Any:
        context = await self.browser.new_context(
            viewport={"width": DESKTOP_WIDTH, "height": WINDOW_HEIGHT},
            device_scale_factor=scale,
            locale="zh-CN",
            timezone_id=TIME_ZONE,
            extra_http_headers=self.headers,
        )
        return await context.new_page()

    async def _open(self, tab: Any, job: Job, width: int) -> None:
        await tab.set_viewport_size({"width": width, "height": WINDOW_HEIGHT})
        await tab.goto(job.url(self.base), wait_until="domcontentloaded", timeout=self.timeout * 1000)
        await wait_until_drawn_async(tab, job.name, self.timeout, SETTLE)

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

    async def _page(self, tab: Any, job: Job) -> list[Shot]:
        await self._open(tab, job, job.width)
        shots = []
        if job.desktop:
            shots.append(await self._desktop(tab, job, job.width, "desktop", job.file(self.code)))
        if job.phone:
            shots += await self._phone(tab, job)
        if job.township is None:
            self.printed[job.page] = await self._print(tab, job)
            if len(self.printed) == len(self.sections):
                # Every county page is printed: bind the PDF while the township pages are drawn.
                sections = [self.printed[page] for page in self.sections]
                self.pdf_task = asyncio.create_task(self._pdf(sections, *self.pdf_args))
        return shots

    async def _desktop(self, tab: Any, job: Job, width: int, kind: str, name: str) -> Shot:
        layout = await self._fit(tab, job, width)
        height = max(layout["height"], 700)
        clip = {"x": 0, "y": 0, "width": width, "height": height}
        await tab.screenshot(path=str(self.folder / name), clip=clip, full_page=True, scale="css")
        text = await tab.inner_text('[data-testid="stMain"]')
        return Shot(
            job.page, job.title, job.township, job.as_of, width, 1, name, kind, height=height, text=text
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

    async def _summary(self, job: Job) -> list[Shot]:
        tab = await self._tab(1)
        try:
            await self._open(tab, job, SUMMARY_WIDTH)
            name = f"{self.code}_{COUNTY_SCOPE}_周报摘要.png"
            shot = await self._desktop(tab, job, SUMMARY_WIDTH, "summary", name)
        finally:
            await tab.context.close()
        self._tick(job.name)
        return [shot]

    async def _print(self, tab: Any, job: Job) -> bytes:
        """The page printed on A4 by Chromium at the print layout's width (text, not pictures)."""
        await self._fit(tab, job, a4.PDF_WIDTH)
        await tab.evaluate(UNPIN_JS)
        return await tab.pdf(**a4.PAGE, scale=a4.PDF_SCALE, print_background=True)

    async def _pdf(self, sections: list[bytes], path: Path, header: str, title: str) -> None:
        """One PDF of the county pages in order, every page under the header line and numbered.

        Each page was printed on its own, and Chromium numbers the pages of one print job only; so the
        header line and the numbers are printed once, on as many blank pages as there are, and laid
        over the pages."""
        tab = await self._tab(1)
        try:
            await tab.set_content(a4.blank_pages(a4.page_count(sections)))
            overlay = await tab.pdf(
                **a4.PAGE, display_header_footer=True, header_template=a4.header_template(header),
                footer_template=a4.FOOTER,
            )  # fmt: skip
        finally:
            await tab.context.close()
        a4.bind(sections, overlay, path, title)
        self._tick("PDF")
