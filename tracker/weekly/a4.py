"""The report's A4 PDF: the county pages as Chromium prints them (real text), bound in order under one
header line, with page numbers running through the whole document."""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import Any

# A4 portrait, 12 mm side margins: 186 mm = 703 CSS px, laid out 1/PDF_SCALE wider and printed smaller.
PDF_SCALE = 0.8
PDF_WIDTH = 879
# A document of blank A4 pages, printed with the header and footer templates only: Chromium numbers its
# pages, and those laid over a section's pages give it its header line and running page numbers.
_BLANK_PAGES = (
    "<!doctype html><html><head><meta charset='utf-8'><style>@page {{ size: A4 portrait; }}"
    " body {{ margin: 0; }} div {{ break-after: page; height: 1px; }}</style></head><body>{pages}</body></html>"
)
# A4 as the theme's @page says (595 × 842 pt; Chromium's own "A4" is rounded to 596 × 843), room for the
# header line above and the page number below.
PAGE: dict[str, Any] = {
    "format": "A4",
    "prefer_css_page_size": True,
    "margin": {"top": "16mm", "bottom": "14mm", "left": "12mm", "right": "12mm"},
}
_TEMPLATE_FONT = (
    "font-family: 'Noto Sans CJK SC', 'Noto Sans SC', sans-serif; font-size: 9px; color: #455A64;"
)
FOOTER = f"<div style=\"{_TEMPLATE_FONT} width: 100%; text-align: center;\">— <span class='pageNumber'></span> —</div>"


def header_template(header: str) -> str:
    """Chromium's header template: the report's header line over every page."""
    return (
        f'<div style="{_TEMPLATE_FONT} width: 100%; margin: 0 12mm; border-bottom: 0.5px solid #90A4AE;'
        f' padding-bottom: 2px;">{html.escape(header)}</div>'
    )


def page_count(sections: list[bytes]) -> int:
    """How many A4 pages the printed sections have together."""
    from pypdf import PdfReader

    return sum(len(PdfReader(io.BytesIO(printed)).pages) for printed in sections)


def blank_pages(count: int) -> str:
    """A document of `count` blank A4 pages: printed with the header and footer templates, it is the
    overlay that gives every page the header line and its running number."""
    return _BLANK_PAGES.format(pages="<div></div>" * count)


def bind(sections: list[bytes], overlay: bytes, path: Path, title: str) -> None:
    """Write one PDF of the sections' pages in order, each page under its overlay page (header and number)."""
    from pypdf import PdfReader, PdfWriter

    pages = [page for printed in sections for page in PdfReader(io.BytesIO(printed)).pages]
    writer = PdfWriter()
    for page, numbered in zip(pages, PdfReader(io.BytesIO(overlay)).pages, strict=True):
        writer.add_page(page).merge_page(numbered)
    writer.add_metadata({"/Title": title, "/Author": "县级脱贫攻坚进度看板"})
    with path.open("wb") as out:
        writer.write(out)
