"""The weekly report (周报): for the county and each township, one summary image and one document.

Per scope (全县 and every township; `--township` narrows the townships):

- `2017-W41_县_周报摘要.png` — the week on one image for the group chat: what is overdue,
  本周简报, the key cards, the township ranking; 1080 px wide (540 CSS px at device scale 2), at most
  2 MB (a JPEG when a PNG would be larger);
- `2017-W41_县_周报.pdf` and `2017-W41_县_周报.docx` — the A4 document in 公文 weekly-report layout
  (tracker.weekly.week_document), printed by Chromium from static HTML and written by python-docx;

and with `pages=True` (`--pages`) also every dashboard page as images, desktop and phone parts
(tracker.weekly.page_images), from a dashboard of its own.

Every figure comes from the named queries and rules the pages use (tracker.weekly.scope_week), read
from the store directly. Files are written to a scratch folder first and moved into place only when
every scope succeeded, so a failed run leaves last week's (or this week's previous) files untouched,
and a re-run for the same week replaces that week's files and nothing else.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import secrets
import tempfile
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tracker import access
from tracker.contract import formatting
from tracker.contract.county import load_county
from tracker.store import queries
from tracker.store.reader import Reader
from tracker.weekly import week_files
from tracker.weekly.browser import CHROMIUM_ARGS, BrowserMissing, PageNotReady, chromium_path
from tracker.weekly.fonts import DocumentFonts, FontMissing, document_fonts
from tracker.weekly.jobs import COUNTY_SCOPE, DESKTOP_WIDTH, Job, Shot, plan
from tracker.weekly.page_images import PageShooter
from tracker.weekly.render import DocumentUnfit, Renderer, ScopeJob
from tracker.weekly.report_checks import PageUnfit
from tracker.weekly.scope_week import ScopeWeek, gather
from tracker.weekly.serve import dashboard
from tracker.weekly.week_document import weekly_document

ProgressFn = Callable[[int, int, str], None]
T = TypeVar("T")


class ReportProblem(Exception):
    """The report could not be made; the message names the page or the reason, in Chinese."""


@dataclass
class ScopeFiles:
    """One scope's files and what its messages say."""

    scope: str  # 全县 or the township
    township: str | None
    summary: str
    pdf: str
    docx: str
    briefing: str
    overdue: list[str] = field(default_factory=list)  # 逾期 targets, as the summary names them
    summary_text: str = field(default="", repr=False)
    summary_size: tuple[int, int] = (0, 0)


@dataclass
class Report:
    """What a run produced."""

    week: str
    as_of: str
    folder: Path
    scopes: list[ScopeFiles]
    shots: list[Shot]
    manifest: Path

    def scope(self, name: str | None) -> ScopeFiles:
        """The files of 全县 (None) or of a township."""
        return next(s for s in self.scopes if s.township == name)

    @property
    def summary(self) -> Path:
        """The county's summary image."""
        return self.folder / self.scope(None).summary

    @property
    def pdf(self) -> Path:
        """The county's PDF."""
        return self.folder / self.scope(None).pdf

    @property
    def docx(self) -> Path:
        """The county's Word document."""
        return self.folder / self.scope(None).docx

    def files(self) -> list[Path]:
        """Every file of the week, the manifest last."""
        names = [n for s in self.scopes for n in (s.summary, s.pdf, s.docx)] + [s.file for s in self.shots]
        return [self.folder / n for n in names] + [self.manifest]


def latest_day(data_dir: Path) -> dt.date:
    """The newest snapshot day in the store."""
    days = Reader(data_dir).ledger_days()
    if not days:
        raise ReportProblem("数据存储为空：请先导入台账")
    return days[0]


def gather_weeks(data_dir: Path, day: dt.date, townships: list[str]) -> list[ScopeWeek]:
    """The county's week and each named township's, from the store."""
    county = load_county(data_dir)
    # Every township's week also reads the county's (its county row, the 红黑榜, the targets): each
    # distinct query runs once for the run.
    query = queries.memoized(Reader(data_dir).cursor())
    whole = gather(query, county.name, day)
    return [whole] + [gather(query, county.name, day, t, county_week=whole) for t in townships]


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
    pages: bool = False,
) -> Report:
    """Make the week's summary images and documents (and with pages, the page images); move them into out_dir.

    townships narrows the townships to those named (default: every township); county_only leaves
    them out altogether. Raises ReportProblem (an unfit summary, document or page, a page that
    errors or does not finish), BrowserMissing (no Chromium or no CJK fonts) or ServerProblem.
    """
    county = load_county(data_dir)
    unknown = [t for t in townships or [] if county.township(t) is None]
    if unknown:
        raise ReportProblem(f"不是{county.name}的乡镇：{'、'.join(unknown)}")
    chosen = [name for t in townships or [] if (name := county.township(t))]
    day = as_of or latest_day(data_dir)
    scopes = [] if county_only else chosen or county.township_names
    chromium = chromium_path()  # before anything is drawn: no browser, no report
    try:
        fonts = document_fonts()
    except FontMissing as problem:
        raise BrowserMissing(str(problem)) from None
    code = formatting.week_code(day)
    weeks = gather_weeks(data_dir, day, scopes)
    jobs = [ScopeJob(w, weekly_document(w), f"{code}_{w.township or COUNTY_SCOPE}") for w in weeks]
    page_jobs = plan(day, scopes, width, phone) if pages else []
    steps = len(jobs) + len(page_jobs)
    out_dir.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(dir=out_dir, prefix=".report-") as scratch,
        tempfile.TemporaryDirectory(prefix="report-html-") as sources,
    ):
        folder = Path(scratch)
        run = _Run(chromium, folder, Path(sources), fonts, steps, progress)
        shots = _run_to_end(run.all(jobs, page_jobs, data_dir, url, code, page_timeout))
        files = [_scope_files(job) for job in jobs]
        manifest = week_files.write_index(folder, files, shots, county.name, day)
        week_files.replace_week(folder, out_dir, code)
    return Report(code, day.isoformat(), out_dir, files, shots, out_dir / manifest.name)


def _scope_files(job: ScopeJob) -> ScopeFiles:
    week = job.week
    return ScopeFiles(
        week.scope,
        week.township,
        job.summary,
        job.pdf,
        job.docx,
        week.briefing,
        [c.label for c in week.overdue],
        job.summary_text,
        job.summary_size,
    )


@contextlib.contextmanager
def _server(data_dir: Path, url: str | None, token: str | None) -> Iterator[str]:
    if url:
        yield url.rstrip("/")
    else:
        with dashboard(data_dir, report_token=token) as base:
            yield base


class _Run:
    """One report run: a browser drawing the scopes' files and, with pages, the dashboard's pages."""

    def __init__(
        self,
        chromium: str,
        folder: Path,
        sources: Path,
        fonts: DocumentFonts,
        steps: int,
        progress: ProgressFn | None,
    ) -> None:
        self.chromium, self.folder, self.sources, self.fonts = chromium, folder, sources, fonts
        self.steps, self.progress, self.done = steps, progress, 0

    def _tick(self, name: str) -> None:
        self.done += 1
        if self.progress:
            self.progress(self.done, self.steps, name)

    async def all(
        self,
        jobs: list[ScopeJob],
        page_jobs: list[Job],
        data_dir: Path,
        url: str | None,
        code: str,
        timeout: float,
    ) -> list[Shot]:
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import async_playwright

        stack = contextlib.ExitStack()
        token = None if url else secrets.token_urlsafe(32)
        serving = None
        if page_jobs:  # the dashboard starts (a few seconds) while the documents are drawn
            server = _server(data_dir, url, token)
            serving = asyncio.create_task(asyncio.to_thread(stack.enter_context, server))
        try:
            async with async_playwright() as playwright:
                env: dict[str, str | float | bool] = dict(self.fonts.environment())
                browser = await playwright.chromium.launch(
                    executable_path=self.chromium, args=CHROMIUM_ARGS, env=env
                )
                try:
                    renderer = Renderer(browser, self.folder, self.sources, self._tick)
                    shots = self._pages(browser, serving, page_jobs, code, timeout, token)
                    _, taken = await asyncio.gather(renderer.run(jobs), shots)
                finally:
                    await browser.close()
        except (PageNotReady, PageUnfit, DocumentUnfit) as problem:
            if isinstance(problem, BrowserMissing):
                raise
            raise ReportProblem(str(problem)) from None
        except PlaywrightError as error:
            raise ReportProblem(f"浏览器出错：{str(error).splitlines()[0][:300]}") from None
        finally:
            if serving is not None:
                await asyncio.gather(serving, return_exceptions=True)
            stack.close()
        return taken

    async def _pages(
        self,
        browser: Any,
        serving: asyncio.Task[str] | None,
        jobs: list[Job],
        code: str,
        timeout: float,
        token: str | None,
    ) -> list[Shot]:
        if serving is None:
            return []
        base = await serving
        headers = {access.REPORT_HEADER: token} if token else {}
        return await PageShooter(browser, base, self.folder, code, timeout, headers, self._tick).run(jobs)


def _run_to_end(work: Coroutine[Any, Any, T]) -> T:
    """Run the report's coroutine to its end, also from a thread whose event loop is running
    (a caller that drives Playwright's sync API, a notebook): there in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work).result()
