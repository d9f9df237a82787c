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
import base64
import contextlib
import datetime as dt
import html
import io
import json
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from tracker.contract.county import load_county
from tracker.present import formatting
from tracker.store.reader import Reader
from tracker.weekly import report_layout
from tracker.weekly.browser import (
    CHROMIUM_ARGS,
    TIME_ZONE,
    BrowserMissing,
    PageNotReady,
    chromium_path,
    wait_until_drawn_async,
)
from tracker.weekly.report_checks import PageUnfit, check_async
from tracker.weekly.serve import dashboard

# (url path, title) in the order leaders read them. The overview is the dashboard's default page,
# which Streamlit serves at "/" only ("/overview" opens a "Page not found" dialog). The data page
# (uploads, import log) is for clerks and stays out of the report.
PAGES = [
    ("", "总览"),
    ("relocation", "整村搬迁"),
    ("collective", "集体经济"),
    ("party", "党建"),
    ("funds", "资金"),
]
TOWNSHIP_PAGES = ("", "relocation")
SUMMARY_PAGE = ("summary", "摘要")
DESKTOP_WIDTH = 1600
PHONE_WIDTH = 390
PHONE_SCALE = 2
SUMMARY_WIDTH = 1080
# A4 portrait, 12 mm side margins: 186 mm = 703 CSS px, laid out 1/PDF_SCALE wider and printed smaller.
PDF_SCALE = 0.8
PDF_WIDTH = 879
# Pages drawn at once (plus the tab that prints the PDF): the server and the browser share two cores.
PARALLEL_TABS = 3
COUNTY_SCOPE = "县"
# How long a drawn page must stay unchanged before it is taken (seconds).
SETTLE = 0.3
# The window's height; the report layout lets the document grow past it, and screenshots take the
# whole document (Playwright's full_page with a clip), so pages are never drawn twice for their height.
WINDOW_HEIGHT = report_layout.PART_HEIGHT + 100
ProgressFn = Callable[[int, int, str], None]


class ReportProblem(Exception):
    """The report could not be made; the message names the page or the reason, in Chinese."""


@dataclass
class Shot:
    """One image of the report, and what was on the page when it was taken."""

    page: str
    title: str
    township: str | None
    as_of: str
    width: int
    scale: int
    file: str
    kind: str = "desktop"  # desktop, phone (one part of it), summary
    part: int = 1
    parts: int = 1
    height: int = 0
    text: str = field(default="", repr=False)


@dataclass
class Job:
    """One page to open for one scope, and what to make of it."""

    page: str
    title: str
    township: str | None
    as_of: str
    desktop: bool = True
    phone: bool = True
    width: int = DESKTOP_WIDTH

    @property
    def name(self) -> str:
        """How messages name the page: 全县·总览."""
        return f"{self.township or '全县'}·{self.title}"

    def url(self, base: str) -> str:
        """The page's address with the report layout and the filters in the query string."""
        query: list[tuple[str, str]] = [("report", "1"), ("as_of", self.as_of)]
        if self.township:
            query.append(("township", self.township))
        return f"{base}/{self.page}?{urlencode(query)}"

    def file(self, code: str, suffix: str = "") -> str:
        """2017-W41_赵家沟乡_总览_手机_1of3.png."""
        return f"{code}_{self.township or COUNTY_SCOPE}_{self.title}{suffix}.png"


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


def plan(
    as_of: dt.date,
    townships: list[str],
    width: int = DESKTOP_WIDTH,
    phone: bool = True,
    all_townships: Sequence[str] = (),
) -> list[Job]:
    """Every page of the week: all report pages for the county, overview and relocation per township."""
    scopes: list[tuple[str | None, list[tuple[str, str]]]] = [(None, PAGES)]
    scopes += [(t, [p for p in PAGES if p[0] in TOWNSHIP_PAGES]) for t in (townships or all_townships)]
    return [
        Job(path, title, township, as_of.isoformat(), phone=phone, width=width)
        for township, pages in scopes
        for path, title in pages
    ]


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
        run = _Run(
            _server(data_dir, url),
            chromium,
            folder,
            code,
            day.isoformat(),
            page_timeout,
            progress,
            len(jobs) + 2,
        )
        shots = asyncio.run(run.all(jobs, pdf, header, title))
        manifest = _write_index(folder, shots, county.name, day, pdf.name)
        _replace_week(folder, out_dir, code)
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
def _server(data_dir: Path, url: str | None) -> Iterator[str]:
    if url:
        yield url.rstrip("/")
    else:
        with dashboard(data_dir) as base:
            yield base


# Where a phone page may be cut, and its header line (CSS px from the top of the document).
_LAYOUT_JS = """
() => {
  const top = (el) => el.getBoundingClientRect().top + window.scrollY;
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const boundaries = [];
  for (const el of main.querySelectorAll('[data-testid="stElementContainer"], [data-testid="stHorizontalBlock"]')) {
    const heading = el.querySelector('h2, h3');
    boundaries.push({y: top(el), level: heading ? 0 : 1});
  }
  for (const el of main.querySelectorAll('.report-table tbody tr, .kpi')) boundaries.push({y: top(el) - 4, level: 2});
  const header = document.querySelector('.report-header');
  const box = header ? header.getBoundingClientRect() : null;
  return {
    height: Math.ceil(top(main) + main.scrollHeight),  // the content's bottom, not the window's
    boundaries,
    header: box ? {top: box.top + window.scrollY - 6, bottom: box.bottom + window.scrollY + 6} : null,
  };
}
"""

# Put the part that starts at `top` at the top of the window, or, with a header strip, just under a
# copy of the page's header line pinned to the window's top. Room below the page lets the last part
# scroll up as far as any other.
_PART_JS = """
({top, strip, header}) => {
  document.body.style.paddingBottom = window.innerHeight + 'px';
  let pinned = document.getElementById('report-pinned-header');
  if (strip && !pinned) {
    const original = document.querySelector('.report-header');
    const box = original.getBoundingClientRect();
    pinned = document.createElement('div');
    pinned.id = 'report-pinned-header';
    pinned.style.cssText = `position: fixed; top: 0; left: 0; right: 0; height: ${strip}px; background: #fff;
                            z-index: 100000; box-sizing: border-box; padding-top: ${box.top + window.scrollY - header.top}px;`;
    const copy = original.cloneNode(true);
    copy.style.cssText = `margin: 0 0 0 ${box.left}px; width: ${box.width}px;`;
    pinned.appendChild(copy);
    document.body.appendChild(pinned);
  }
  if (pinned) pinned.style.display = strip ? 'block' : 'none';
  window.scrollTo(0, top - strip);
  return window.scrollY;
}
"""

# Undo what the phone parts did to the page: the pinned header copy and the room below the page.
_UNPIN_JS = """
() => {
  document.getElementById('report-pinned-header')?.remove();
  document.body.style.paddingBottom = '';
  window.scrollTo(0, 0);
}
"""

# A document of blank A4 pages, printed with the header and footer templates only: Chromium numbers its
# pages, and those laid over a section's pages give it its header line and running page numbers.
_BLANK_PAGES = (
    "<!doctype html><html><head><meta charset='utf-8'><style>@page {{ size: A4 portrait; }}"
    " body {{ margin: 0; }} div {{ break-after: page; height: 1px; }}</style></head><body>{pages}</body></html>"
)


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
    ) -> None:
        self.server, self.chromium, self.folder, self.code = server, chromium, folder, code
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
        layout = await tab.evaluate(_LAYOUT_JS)
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
        strip = header["bottom"] - header["top"] if header else 0
        boundaries = [report_layout.Boundary(b["y"], b["level"]) for b in layout["boundaries"]]
        limit = report_layout.PART_HEIGHT
        cuts = report_layout.cuts(layout["height"], boundaries, part=limit - strip, first=limit)
        edges = [0.0, *cuts, float(layout["height"])]
        total = len(edges) - 1
        shots = []
        for n, (top, bottom) in enumerate(zip(edges, edges[1:]), start=1):
            # Scroll the part into the window (under a copy of the page's header line after the first
            # part) and take what is on screen: a capture beyond the window would make Chromium lay the
            # whole page out again for every part, and pasting images together costs as much again.
            headed = n > 1 and header is not None
            scrolled = await tab.evaluate(
                _PART_JS, {"top": top, "strip": strip if headed else 0, "header": header}
            )
            height = bottom - top + (strip if headed else 0)
            name = job.file(self.code, f"_手机_{n}of{total}")
            await _capture(tab, self.folder / name, scrolled, height)
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
        await self._fit(tab, job, PDF_WIDTH)
        await tab.evaluate(_UNPIN_JS)
        return await tab.pdf(**_PDF_PAGE, scale=PDF_SCALE, print_background=True)

    async def _pdf(self, sections: list[bytes], path: Path, header: str, title: str) -> None:
        """One PDF of the county pages in order, every page under the header line and numbered.

        Each page was printed on its own, and Chromium numbers the pages of one print job only; so the
        header line and the numbers are printed once, on as many blank pages as there are, and laid
        over the pages."""
        from pypdf import PdfReader, PdfWriter

        pages = [page for printed in sections for page in PdfReader(io.BytesIO(printed)).pages]
        tab = await self._tab(1)
        try:
            await tab.set_content(_BLANK_PAGES.format(pages="<div></div>" * len(pages)))
            overlay = await tab.pdf(
                **_PDF_PAGE, display_header_footer=True, header_template=_pdf_header(header),
                footer_template=_PDF_FOOTER,
            )  # fmt: skip
        finally:
            await tab.context.close()
        writer = PdfWriter()
        for page, numbered in zip(pages, PdfReader(io.BytesIO(overlay)).pages, strict=True):
            writer.add_page(page).merge_page(numbered)
        writer.add_metadata({"/Title": title, "/Author": "县级脱贫攻坚进度看板"})
        with path.open("wb") as out:
            writer.write(out)
        self._tick("PDF")


# A4 as the theme's @page says (595 × 842 pt; Chromium's own "A4" is rounded to 596 × 843), room for the
# header line above and the page number below.
_PDF_PAGE: dict[str, Any] = {
    "format": "A4",
    "prefer_css_page_size": True,
    "margin": {"top": "16mm", "bottom": "14mm", "left": "12mm", "right": "12mm"},
}


async def _capture(tab: Any, path: Path, top: float, height: float) -> None:
    """What the window shows from `top` (document px), `height` px down, at the phone's scale, as PNG.

    Chromium's own capture with optimizeForSpeed: zlib's quick level, half the time of Playwright's
    screenshot for a fifth more bytes; a report has some 150 of these."""
    session = _SESSIONS.get(tab)
    if session is None:
        session = _SESSIONS[tab] = await tab.context.new_cdp_session(tab)
    clip = {"x": 0, "y": top, "width": PHONE_WIDTH, "height": height, "scale": PHONE_SCALE}
    shot = await session.send(
        "Page.captureScreenshot", {"format": "png", "clip": clip, "optimizeForSpeed": True}
    )
    path.write_bytes(base64.b64decode(shot["data"]))


_SESSIONS: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


_TEMPLATE_FONT = (
    "font-family: 'Noto Sans CJK SC', 'Noto Sans SC', sans-serif; font-size: 9px; color: #455A64;"
)
_PDF_FOOTER = f"<div style=\"{_TEMPLATE_FONT} width: 100%; text-align: center;\">— <span class='pageNumber'></span> —</div>"


def _pdf_header(header: str) -> str:
    return (
        f'<div style="{_TEMPLATE_FONT} width: 100%; margin: 0 12mm; border-bottom: 0.5px solid #90A4AE;'
        f' padding-bottom: 2px;">{html.escape(header)}</div>'
    )


def _write_index(folder: Path, shots: list[Shot], county: str, day: dt.date, pdf: str) -> Path:
    code = formatting.week_code(day)
    entries = [asdict(s) | {"scope": s.township or "全县"} for s in shots]
    manifest = {
        "county": county,
        "week": code,
        "week_label": formatting.week(day),
        "as_of": day.isoformat(),
        "pdf": pdf,
        "files": entries,
    }
    path = folder / f"{code}_manifest.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    kinds = {"desktop": "电脑版", "phone": "手机版", "summary": "摘要"}
    rows = "".join(
        f"<tr><td><a href='{html.escape(s.file)}'>{html.escape(s.file)}</a></td><td>{html.escape(s.title)}</td>"
        f"<td>{html.escape(s.township or '全县')}</td><td>{kinds[s.kind]}"
        f"{f' {s.part}/{s.parts}' if s.parts > 1 else ''}</td><td>{s.as_of}</td></tr>"
        for s in shots
    )
    (folder / f"{code}_index.html").write_text(
        f"<!doctype html><meta charset='utf-8'><title>{html.escape(county)} {code} 周报</title>"
        f"<h1>{html.escape(county)} {formatting.week(day)} 周报（数据截至{formatting.day(day)}）</h1>"
        f"<p><a href='{html.escape(pdf)}'>{html.escape(pdf)}</a></p>"
        f"<table border=1 cellpadding=4><tr><th>文件</th><th>页面</th><th>范围</th><th>版式</th><th>截至</th></tr>{rows}</table>",
        encoding="utf-8",
    )
    return path


def _replace_week(folder: Path, out_dir: Path, code: str) -> None:
    """Swap this week's files in: old files of this week go, other weeks stay."""
    for old in out_dir.glob(f"{code}_*"):
        old.unlink()
    for new in folder.iterdir():
        shutil.move(str(new), out_dir / new.name)


__all__ = ["BrowserMissing", "Job", "PageNotReady", "Report", "ReportProblem", "Shot", "make_report", "plan"]
