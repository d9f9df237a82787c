"""What a sheet says besides its data: its header cells level by level, its title, the snapshot day
and township the title, sheet name or file name give, and a township and village in one cell."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.contract.cell_text import clean_text, compact
from tracker.contract.county import County
from tracker.ingest.readers import Sheet
from tracker.ingest.values import find_date


@dataclass(frozen=True)
class SheetContext:
    """Where a sheet comes from: what a township missing from its columns may be read from."""

    file: str
    sheet: str | None
    county: County


def paths_text(path: list[str]) -> str:
    """A column's header as written: its levels joined (计划搬迁 over 户数 is 计划搬迁户数)."""
    return join_levels(path)


def candidates(path: list[str]) -> list[str]:
    """The texts a column's header may be matched by: all its levels joined, then without the
    top levels one by one (a group label such as 户主信息 over 姓名 says nothing of its own)."""
    levels = [p for p in path if p]
    out = []
    for start in range(len(levels)):
        text = join_levels(levels[start:])
        if text and text not in out:
            out.append(text)
    return out


def township_hint(sheet: Sheet, row: int, context: SheetContext) -> tuple[str, str, str] | None:
    """The one township the title, the sheet name or the file name names, and where."""
    sources = (
        ("标题", title_text(sheet, row)),
        ("工作表名", context.sheet or ""),
        ("文件名", Path(context.file).stem),
    )
    for where, text in sources:
        found = context.county.townships_in(text) if text else []
        if len(found) == 1:
            county, township = found[0]
            return county, township, where
        if len(found) > 1:
            return None  # several townships named: not one township's file
    return None


def header_paths(sheet: Sheet, row: int, span: int, texts: list[list[str]] | None = None) -> list[list[str]]:
    """Each column's header from the top level down (`span` rows from `row`), a parent cell
    spread over the columns it heads."""
    levels = [
        list(texts[r]) if texts is not None and r < len(texts) else [cell_text(v) for v in sheet.rows[r]]
        for r in range(row, row + span)
    ]
    width = max(len(level) for level in levels)
    for level in levels:
        level += [""] * (width - len(level))
    spread = [list(level) for level in levels]
    for depth in range(span - 1):
        covered: set[int] = set()
        for r0, c0, r1, c1 in sheet.merged:
            if r0 <= row + depth <= r1 and c0 < width and c1 > c0:
                for c in range(c0, min(c1 + 1, width)):
                    spread[depth][c] = levels[depth][c0] if r0 == row + depth else spread[depth][c0]
                    covered.add(c)
        for c in range(1, width):
            # A CSV (or a careless sheet) loses merges: an empty parent over a child belongs
            # to the group on its left.
            below = any(levels[d][c] for d in range(depth + 1, span))
            left_below = any(levels[d][c - 1] for d in range(depth + 1, span))
            if c not in covered and not levels[depth][c] and below and left_below:
                spread[depth][c] = spread[depth][c - 1]
    return [[spread[d][c] for d in range(span)] for c in range(width)]


def join_levels(parts: list[str] | str) -> str:
    """A header's levels as one text, a level repeated by a merged cell taken once."""
    if isinstance(parts, str):
        return parts
    out: list[str] = []
    for part in parts:
        if part and (not out or out[-1] != part):
            out.append(part)
    return "".join(out)


def cell_text(value: Any) -> str:
    """A header or title cell as text (a workbook's 2017.0 is 2017; empty is "")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def title_text(sheet: Sheet, header_row: int) -> str:
    """The rows above the header, one line each: where a title names the day or the township."""
    lines = []
    for cells in sheet.rows[: max(header_row, 0)]:
        text = " ".join(cell_text(v) for v in cells if cell_text(v))
        if text:
            lines.append(text)
    return "\n".join(lines)


_AS_OF_MARK = re.compile(r"(?:截至|截止|数据日期|统计日期|日期)[:：]?")


def as_of_from_title(title: str) -> dt.date | None:
    """The snapshot day a title row names (`…（截至2017年10月13日）`)."""
    if not title:
        return None
    match = _AS_OF_MARK.search(compact(unicodedata.normalize("NFKC", title)))
    if match:
        found = find_date(compact(unicodedata.normalize("NFKC", title))[match.end() :])
        if found:
            return found
    return find_date(title)


def split_township_village(cell: Any, county: County) -> tuple[str | None, str | None]:
    """(township, village) of a `乡镇-村社` cell (`巡镇镇-下榆皮洼村`, or `巡镇镇下榆皮洼村`)."""
    text = clean_text(cell)
    if text is None:
        return None, None
    text = compact(unicodedata.normalize("NFKC", text))
    for dash in ("—", "–", "─", "~", "/", "、", "_", "·"):
        text = text.replace(dash, "-")
    if "-" in text:
        township, _, village = text.partition("-")
        return township or None, village or None
    for candidate in sorted(
        {s for c in county.counties for t in c.townships for s in (t.name, *t.aliases)}, key=len, reverse=True
    ):
        if len(candidate) >= 2 and text.startswith(candidate) and len(text) > len(candidate):
            return candidate, text[len(candidate) :]
    return None, text
