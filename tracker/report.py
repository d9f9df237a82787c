"""The weekly report (周报): every page as a full-page PNG, for the county and each township, plus one PDF.

It opens the real pages in headless Chromium, in the report layout (`?report=1`:
no sidebar or toolbar, a header line with county, week and snapshot day), waits
until each page has really finished drawing, and saves it. Files are written to
a scratch folder first and moved into place only when every page succeeded, so
a failed run leaves last week's (or this week's previous) files untouched, and
a re-run for the same week replaces that week's files and nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import html
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from PIL import Image

from tracker import formatting
from tracker.browser import CHROMIUM_ARGS, DRAWN_JS, ERRORS_JS, TIME_ZONE, PageNotReady, chromium_path
from tracker.county import load_county
from tracker.serve import dashboard
from tracker.store import Reader

# (url path, title) in the order leaders read them.
PAGES = [
    ("overview", "总览"),
    ("relocation", "整村搬迁"),
    ("collective", "集体经济"),
    ("party", "党建"),
    ("funds", "资金"),
    ("data", "数据"),
]
TOWNSHIP_PAGES = ("overview", "relocation")
PHONE_WIDTH = 390
PHONE_SCALE = 2
# Tabs drawn at once: the server and the browser share two cores.
PARALLEL_TABS = 3
COUNTY_SCOPE = "县"
ProgressFn = Callable[[int, int, str], None]


class ReportProblem(Exception):
    """The report could not be made; the message names the page or the reason, in Chinese."""


@dataclass
class Shot:
    """One screenshot to take, and what was on the page when it was taken."""

    page: str
    title: str
    township: str | None
    as_of: str
    width: int
    scale: int
    file: str
    height: int = 0
    text: str = field(default="", repr=False)

    def url(self, base: str) -> str:
        """The page's address with the report layout and the filters in the query string."""
        query: list[tuple[str, str]] = [("report", "1"), ("as_of", self.as_of)]
        if self.township:
            query.append(("township", self.township))
        return f"{base}/{self.page}?{urlencode(query)}"


@dataclass
class Report:
    """What a run produced."""

    week: str
    as_of: str
    folder: Path
    shots: list[Shot]
    pdf: Path
    manifest: Path


def plan(
    as_of: dt.date, townships: list[str], width: int = 1600, phone: bool = True, all_townships: list[str] = ()
) -> list[Shot]:
    """Every screenshot of the week: all pages for the county, overview and relocation per township."""
    code = formatting.week_code(as_of)
    scopes: list[tuple[str | None, list[tuple[str, str]]]] = [(None, PAGES)]
    scopes += [(t, [p for p in PAGES if p[0] in TOWNSHIP_PAGES]) for t in (townships or all_townships)]
    sizes = [(width, 1, "")] + ([(PHONE_WIDTH, PHONE_SCALE, "_手机")] if phone else [])
    shots = []
    for township, pages in scopes:
        for path, title in pages:
            for w, scale, suffix in sizes:
                name = f"{code}_{township or COUNTY_SCOPE}_{title}{suffix}.png"
                shots.append(Shot(path, title, township, as_of.isoformat(), w, scale, name))
    return shots


def latest_day(data_dir: Path) -> dt.date:
    """The newest snapshot day in the store."""
    reader = Reader(data_dir)
    days = [
        d for table in ("villages", "households", "party_orgs", "funds") for d in reader.snapshot_days(table)
    ]
    if not days:
        raise ReportProblem("数据存储为空：请先导入台账")
    return max(days)


def make_report(
    data_dir: Path,
    out_dir: Path,
    as_of: dt.date | None = None,
    townships: list[str] | None = None,
    url: str | None = None,
    phone: bool = True,
    width: int = 1600,
    progress: ProgressFn | None = None,
    page_timeout: float = 90.0,
    county_only: bool = False,
) -> Report:
    """Take every screenshot of the week, write the PDF and the index, then move them into out_dir.

    townships narrows the township pages to those named (default: every township);
    county_only leaves the township pages out altogether.
    """
    county = load_county(data_dir)
    unknown = [t for t in townships or [] if county.township(t) is None]
    if unknown:
        raise ReportProblem(f"不是{county.name}的乡镇：{'、'.join(unknown)}")
    chosen = [county.township(t) for t in townships or []]
    day = as_of or latest_day(data_dir)
    every = [] if county_only else county.township_names
    shots = plan(day, [t for t in chosen if t], width, phone, every)
    code = formatting.week_code(day)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".report-") as scratch:
        folder = Path(scratch)
        with _server(data_dir, url) as base:
            asyncio.run(_capture_all(base, shots, folder, progress, page_timeout))
        pdf = _write_pdf(
            folder, shots, f"{county.name}{formatting.week(day)}周报（数据截至{formatting.day(day)}）", code
        )
        manifest = _write_index(folder, shots, county.name, day, pdf.name)
        _replace_week(folder, out_dir, code)
    return Report(code, day.isoformat(), out_dir, shots, out_dir / pdf.name, out_dir / manifest.name)


@contextlib.contextmanager
def _server(data_dir: Path, url: str | None) -> Iterator[str]:
    if url:
        yield url.rstrip("/")
    else:
        with dashboard(data_dir) as base:
            yield base


async def _capture_all(
    base: str, shots: list[Shot], folder: Path, progress: ProgressFn | None, timeout: float
) -> None:
    from playwright.async_api import async_playwright

    queue: asyncio.Queue[Shot] = asyncio.Queue()
    for shot in shots:
        queue.put_nowait(shot)
    done = 0

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)

        async def worker() -> None:
            nonlocal done
            tabs: dict[tuple[int, int], object] = {}  # one tab per size, reused page after page
            try:
                while not queue.empty():
                    shot = queue.get_nowait()
                    size = (shot.width, shot.scale)
                    if size not in tabs:
                        tabs[size] = await _new_tab(browser, *size)
                    await _capture(tabs[size], base, shot, folder, timeout)
                    done += 1
                    if progress:
                        progress(done, len(shots), shot.file)
            finally:
                for tab in tabs.values():
                    await tab.context.close()  # type: ignore[attr-defined]

        try:
            await asyncio.gather(*(worker() for _ in range(PARALLEL_TABS)))
        finally:
            await browser.close()


# A tall window from the start: pages draw once at their full length, no resize and redraw.
TALL_VIEWPORT = 2400


async def _new_tab(browser: object, width: int, scale: int) -> object:
    context = await browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": width, "height": TALL_VIEWPORT},
        device_scale_factor=scale,
        locale="zh-CN",
        timezone_id=TIME_ZONE,
    )
    return await context.new_page()


async def _capture(page: object, base: str, shot: Shot, folder: Path, timeout: float) -> None:
    name = f"{shot.township or '全县'}·{shot.title}"
    await page.goto(shot.url(base), wait_until="domcontentloaded", timeout=timeout * 1000)  # type: ignore[attr-defined]
    await _wait_drawn(page, name, timeout)
    height = int(await page.evaluate(_CONTENT_HEIGHT)) + 32  # type: ignore[attr-defined]
    if height > TALL_VIEWPORT:
        await page.set_viewport_size({"width": shot.width, "height": height})  # type: ignore[attr-defined]
        await _wait_drawn(page, name, timeout)
    shot.text = await page.inner_text('[data-testid="stMain"]')  # type: ignore[attr-defined]
    clip = {"x": 0, "y": 0, "width": shot.width, "height": max(height, 700)}
    await page.screenshot(path=str(folder / shot.file), clip=clip)  # type: ignore[attr-defined]
    shot.height = Image.open(folder / shot.file).height


# Bottom of the page's content, in CSS pixels (Streamlit's containers fill the window otherwise).
_CONTENT_HEIGHT = """
() => {
  const block = document.querySelector('[data-testid="stMainBlockContainer"]');
  if (!block) return document.body.scrollHeight;
  return Math.ceil(block.getBoundingClientRect().top + window.scrollY + block.scrollHeight);
}
"""


async def _wait_drawn(page: object, name: str, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    stable_since = None
    while loop.time() < deadline:
        errors = await page.evaluate(ERRORS_JS)  # type: ignore[attr-defined]
        if errors:
            raise ReportProblem(f"页面“{name}”出错：{errors[0][:200]}")
        if await page.evaluate(DRAWN_JS):  # type: ignore[attr-defined]
            stable_since = stable_since or loop.time()
            if loop.time() - stable_since >= 0.8:
                return
        else:
            stable_since = None
        await asyncio.sleep(0.2)
    raise ReportProblem(f"页面“{name}”在 {timeout:.0f} 秒内未完成加载")


def _write_pdf(folder: Path, shots: list[Shot], title: str, code: str) -> Path:
    county_pages = [s for s in shots if s.township is None and s.scale == 1]
    images = [Image.open(folder / s.file).convert("RGB") for s in county_pages]
    path = folder / f"{code}_{COUNTY_SCOPE}_周报.pdf"
    images[0].save(
        path,
        save_all=True,
        append_images=images[1:],
        title=title,
        author="县级脱贫攻坚进度看板",
        resolution=150,
    )
    return path


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
    rows = "".join(
        f"<tr><td><a href='{html.escape(s.file)}'>{html.escape(s.file)}</a></td><td>{html.escape(s.title)}</td>"
        f"<td>{html.escape(s.township or '全县')}</td><td>{s.width}px</td><td>{s.as_of}</td></tr>"
        for s in shots
    )
    (folder / f"{code}_index.html").write_text(
        f"<!doctype html><meta charset='utf-8'><title>{html.escape(county)} {code} 周报</title>"
        f"<h1>{html.escape(county)} {formatting.week(day)} 周报（数据截至{formatting.day(day)}）</h1>"
        f"<p><a href='{html.escape(pdf)}'>{html.escape(pdf)}</a></p>"
        f"<table border=1 cellpadding=4><tr><th>文件</th><th>页面</th><th>范围</th><th>宽度</th><th>截至</th></tr>{rows}</table>",
        encoding="utf-8",
    )
    return path


def _replace_week(folder: Path, out_dir: Path, code: str) -> None:
    """Swap this week's files in: old files of this week go, other weeks stay."""
    for old in out_dir.glob(f"{code}_*"):
        old.unlink()
    for new in folder.iterdir():
        shutil.move(str(new), out_dir / new.name)


__all__ = ["PageNotReady", "Report", "ReportProblem", "Shot", "make_report", "plan"]
