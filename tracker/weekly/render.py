"""Drawing each scope's summary image and printing its document in headless Chromium, from static HTML.

No dashboard is involved: the HTML is built on the server from the figures (tracker.weekly.scope_week),
so a tab draws it in a fraction of a second instead of booting Streamlit and plotly.js per page.
Each worker tab takes one scope at a time: the summary at 540 CSS px and device scale 2 (1080 px,
PNG, or JPEG when a PNG would pass WeCom's 2 MB), then the document at the printable width in print
media, set to fit, checked, and printed to A4. The .docx is written in a thread meanwhile. Anything
unfit (text too small, a table wider than the page, a missing font, radicals in the PDF's text, a
heading alone at a page's foot) raises DocumentUnfit naming the scope and the problem.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.weekly import document_checks, document_html, summary_html
from tracker.weekly.browser import TIME_ZONE
from tracker.weekly.document import Document
from tracker.weekly.document_docx import write_docx
from tracker.weekly.scope_week import ScopeWeek

# WeCom's limit for an image message (before base64); DingTalk and Feishu show the same file.
IMAGE_LIMIT_BYTES = 2 * 1024 * 1024
JPEG_QUALITY = 85
WORKERS = 3
LOAD_FONTS_JS = "() => document.fonts.ready.then(() => true)"


class DocumentUnfit(Exception):
    """A summary or document that must not be sent; the message names the scope and the problem."""


@dataclass
class ScopeJob:
    """One scope: its week, its document, and the names its files get."""

    week: ScopeWeek
    document: Document
    stem: str  # 2017-W41_赵家沟乡 (files: …_周报摘要.png, …_周报.pdf, …_周报.docx)
    summary: str = ""  # the summary's file name once drawn (PNG, or JPEG if a PNG is too big)
    summary_text: str = ""  # what the summary image says, as drawn
    summary_size: tuple[int, int] = (0, 0)  # its width and height in pixels

    @property
    def pdf(self) -> str:
        """The PDF's file name."""
        return f"{self.stem}_周报.pdf"

    @property
    def docx(self) -> str:
        """The Word file's name."""
        return f"{self.stem}_周报.docx"


class Renderer:
    """One browser's tabs drawing the scopes' files into `folder` (HTML sources go to `scratch`).

    The browser must have been started with the document fonts' environment (fonts.DocumentFonts)."""

    def __init__(
        self,
        browser: Any,
        folder: Path,
        scratch: Path,
        tick: Callable[[str], None],
    ) -> None:
        self.browser, self.folder, self.scratch, self.tick = browser, folder, scratch, tick

    async def run(self, jobs: list[ScopeJob]) -> None:
        """Every job's summary, PDF and .docx; DocumentUnfit on the first unfit one."""
        queue: asyncio.Queue[ScopeJob] = asyncio.Queue()
        for job in jobs:
            queue.put_nowait(job)
        tabs = [asyncio.create_task(self._worker(queue)) for _ in range(min(WORKERS, len(jobs)))]
        # One thread writes every .docx in turn: more would only fight the event loop for the GIL.
        docx = [asyncio.create_task(asyncio.to_thread(self._docx, jobs))]
        try:
            await asyncio.gather(*tabs, *docx)
        except BaseException:
            for task in tabs + docx:
                task.cancel()
            await asyncio.gather(*tabs, *docx, return_exceptions=True)
            raise

    def _docx(self, jobs: list[ScopeJob]) -> None:
        for job in jobs:
            write_docx(job.document, self.folder / job.docx)

    async def _worker(self, queue: asyncio.Queue[ScopeJob]) -> None:
        summary = await self._tab(summary_html.WIDTH, summary_html.SCALE)
        document = await self._tab(document_html.CONTENT_WIDTH_PX, 1)
        await document.emulate_media(media="print")
        try:
            while not queue.empty():
                job = queue.get_nowait()
                await self._summary(summary, job)
                await self._document(document, job)
                self.tick(job.week.scope)
        finally:
            await summary.context.close()
            await document.context.close()

    async def _tab(self, width: int, scale: int) -> Any:
        context = await self.browser.new_context(
            viewport={"width": width, "height": 900},
            device_scale_factor=scale,
            locale="zh-CN",
            timezone_id=TIME_ZONE,
        )
        return await context.new_page()

    async def _summary(self, tab: Any, job: ScopeJob) -> None:
        await tab.set_content(summary_html.summary_page(job.week), wait_until="load")
        await tab.evaluate(LOAD_FONTS_JS)
        problems = await tab.evaluate(summary_html.CHECK_JS)
        if problems:
            raise DocumentUnfit(f"{job.week.scope}周报摘要图不宜发送：{problems[0]}")
        job.summary_text = await tab.inner_text(".wk-sum")
        height = await tab.evaluate("() => Math.ceil(document.documentElement.scrollHeight)")
        job.summary_size = (summary_html.WIDTH * summary_html.SCALE, height * summary_html.SCALE)
        image = await tab.screenshot(full_page=True, type="png")
        name = f"{job.stem}_周报摘要.png"
        if len(image) > IMAGE_LIMIT_BYTES:
            image = await tab.screenshot(full_page=True, type="jpeg", quality=JPEG_QUALITY)
            name = f"{job.stem}_周报摘要.jpg"
        if len(image) > IMAGE_LIMIT_BYTES:
            raise DocumentUnfit(f"{job.week.scope}周报摘要图超过2MB（{len(image) / 2**20:.1f}MB）")
        (self.folder / name).write_bytes(image)
        job.summary = name

    async def _document(self, tab: Any, job: ScopeJob) -> None:
        source = self.scratch / f"{job.stem}.html"
        source.write_text(document_html.document_html(job.document), encoding="utf-8")
        await tab.goto(source.as_uri(), wait_until="load")
        await tab.evaluate(LOAD_FONTS_JS)
        await tab.evaluate(document_html.FIT_JS)
        problems = await tab.evaluate(document_html.CHECK_JS)
        if problems:
            raise DocumentUnfit(f"{job.week.scope}周报排版有问题：{problems[0]}")
        target = self.folder / job.pdf
        target.write_bytes(await tab.pdf(prefer_css_page_size=True, print_background=True))
        problems = await asyncio.to_thread(document_checks.pdf_problems, target, job.document)
        if problems:
            raise DocumentUnfit(f"{job.week.scope}周报PDF不宜发送：{problems[0]}")
