"""What a printed weekly document must be before it is sent: its text layer searchable as it is, and no
heading left alone at the foot of a page. Read from the PDF itself with pypdf, as a recipient's
viewer would read it (no normalisation of what it extracts)."""

from __future__ import annotations

import re
from pathlib import Path

from tracker.weekly.document import Document

# Kangxi radicals (U+2F00–U+2FDF) and the CJK radicals supplement (U+2E80–U+2EFF): never in our text,
# so any in the text layer is a glyph mapped to the wrong character.
RADICALS = re.compile("[\u2e80-\u2fdf]")
PAGE_NUMBER = re.compile(r"^— \d+ —$")
MUST_HOLD = ("数据截至",)


def pdf_pages(path: Path) -> list[str]:
    """Each page's text, as pypdf extracts it."""
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]


def _body_lines(text: str, document: Document) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [line for line in lines if line != document.running_head and not PAGE_NUMBER.match(line)]


def pdf_problems(path: Path, document: Document) -> list[str]:
    """Everything wrong with the printed document, in Chinese; empty when it is fit to send."""
    pages = pdf_pages(path)
    whole = "\n".join(pages)
    problems = []
    radicals = sorted(set(RADICALS.findall(whole)))
    if radicals:
        codes = "、".join(f"U+{ord(c):04X}" for c in radicals[:5])
        problems.append(f"PDF文字层含康熙部首（{codes}），无法检索")
    problems += [f"PDF文字层中找不到“{word}”" for word in MUST_HOLD if word not in whole]
    headings = set(document.headings())
    for number, text in enumerate(pages, start=1):
        if f"— {number} —" not in text:
            problems.append(f"第{number}页没有页码")
        body = _body_lines(text, document)
        if number < len(pages) and body and body[-1] in headings:
            problems.append(f"标题“{body[-1]}”单独落在第{number}页页脚")
    return problems
