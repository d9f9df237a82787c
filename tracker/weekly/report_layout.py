"""The weekly report's layout rules that are not styling: which words are interactive hints (the
report leaves them out), and where a long phone page is cut into images WeChat can show.

WeChat shrinks a very tall image until it cannot be read, so a phone page is cut
into parts of at most PART_HEIGHT CSS pixels (2,400 image pixels at 2×). Cuts
fall between sections where they can, else between the blocks of a section,
else between the rows of a long table or the cards of a grid; only a single
block taller than a part is cut through.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

PART_HEIGHT = 1200  # CSS px; at the phone's 2× scale an image part is at most 2,400 px tall
# A cut at a section boundary is preferred unless it would leave a part shorter than this share.
MIN_PART_SHARE = 0.5

# Interactive hints, whole clauses: "（点击乡镇可筛选）", "；点击乡镇可筛选。", "点击一行可筛选到该乡镇。",
# "点击一行（或在下方选择）查看该村搬迁户。", "，可下载".
_HINTS = [
    re.compile(
        r"[，,][^，,（）()]*点击[^，,。；）)]*(?=[）)])"
    ),  # "（万元，点击乡镇可筛选）" keeps "（万元）"
    re.compile(r"[（(][^（）()]*点击[^（）()]*[）)]"),
    re.compile(r"[；;，,]?\s*点击[^。；]*[。；]?"),
    re.compile(r"[，,；;]\s*可下载"),
    re.compile(r"可在侧栏[^。]*。?"),  # "可在侧栏选择其他乡镇或批次，或清空乡镇查看全县。"
]


def _clause(match: re.Match[str]) -> str:
    # A sentence that ended with the hint still ends with a full stop.
    before = match.string[: match.start()].rstrip()
    return "。" if before and before[-1] not in "。；！？" and match.group().endswith("。") else ""


def without_hints(text: str) -> str:
    """The text without its interactive hints (what to click, what can be downloaded)."""
    for pattern in _HINTS:
        text = pattern.sub(_clause, text)
    return text.strip()


@dataclass(frozen=True)
class Boundary:
    """A place a page may be cut, in CSS px from the top, and how good a place it is (0 best)."""

    y: float
    level: int  # 0 between sections, 1 between blocks, 2 between table rows or cards


def cuts(
    height: float, boundaries: Sequence[Boundary], part: float = PART_HEIGHT, first: float | None = None
) -> list[float]:
    """Where to cut a page `height` px tall into parts of at most `part` px (the first at most `first`):
    the y of each cut, best boundary first, a hard cut only where no boundary fits."""
    limit = first if first is not None else part
    start, result = 0.0, []
    ordered = sorted(boundaries, key=lambda b: b.y)
    while height - start > limit:
        end = start + limit
        inside = [b for b in ordered if start + 1 < b.y <= end]
        chosen = None
        for level in (0, 1, 2):
            fits = [b.y for b in inside if b.level <= level]
            if fits and (level == 2 or max(fits) - start >= limit * MIN_PART_SHARE):
                chosen = max(fits)
                break
        cut = chosen if chosen is not None else end
        result.append(cut)
        start, limit = cut, part
    return result
