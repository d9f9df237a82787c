"""Finding the header of an export and what each column means.

Clerks put title rows above the header, split headers over two rows under merged
parent cells, and write the same header with or without spaces, full-width
brackets or a unit. This module finds the header row(s), names every column by
the contract, and says which record type the sheet holds.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from tracker import schema
from tracker.readers import Sheet
from tracker.values import compact, find_date

# Rows searched for the header: title blocks are a few rows, never dozens.
HEADER_SEARCH_ROWS = 30
# Pseudo-column: the national system lists every member of a household, one per row.
RELATION = "_relation"
_EXTRA_HEADERS = {"households": {"与户主关系": RELATION}}
_UNIT_SUFFIX = re.compile(r"\([^()]*\)$")


def normalise_header(raw: Any) -> str:
    """A header folded for matching: NFKC, no spaces, no required-marks."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    text = compact(text).replace("*", "").replace("※", "").rstrip(":")
    return text.replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")


def _strip_unit(header: str) -> str:
    return _UNIT_SUFFIX.sub("", header)


def _alias_maps() -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    maps = {}
    for table in schema.TABLES.values():
        exact: dict[str, str] = {}
        for col in table.columns:
            for header in col.headers:
                exact.setdefault(normalise_header(header), col.name)
        for header, name in _EXTRA_HEADERS.get(table.name, {}).items():
            exact[normalise_header(header)] = name
        stripped = {_strip_unit(h): n for h, n in exact.items()}
        maps[table.name] = (exact, stripped)
    return maps


_ALIASES = _alias_maps()


def column_for(table: str, header: str) -> str | None:
    """The canonical column a header names in table, or None."""
    exact, stripped = _ALIASES[table]
    key = normalise_header(header)
    if not key:
        return None
    return exact.get(key) or exact.get(_strip_unit(key)) or stripped.get(_strip_unit(key))


@dataclass
class Layout:
    """Where a sheet's header is and what its columns are."""

    table: str
    header_rows: int  # 1 or 2
    first_data_row: int  # 0-based index into Sheet.rows
    columns: dict[int, str]  # sheet column index -> canonical column
    unknown: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    title: str = ""


class NotALedger(Exception):
    """The sheet has no header of any record type; the message says what was missing."""


def find_layout(sheet: Sheet) -> Layout:
    """The header and record type of a sheet."""
    best: tuple[tuple[int, int, int], Layout] | None = None
    limit = min(HEADER_SEARCH_ROWS, len(sheet.rows))
    near_miss: tuple[int, str, list[str]] | None = None
    for row in range(limit):
        for span in (1, 2):
            if row + span > len(sheet.rows):
                continue
            headers = _combined_headers(sheet, row, span)
            for table in schema.TABLES.values():
                layout, missing = _match(table, headers, row, span)
                score = (len(layout.columns) - len(layout.duplicates), -span, _signature_hits(table, headers))
                if missing:
                    if layout.columns and (near_miss is None or len(layout.columns) > near_miss[0]):
                        near_miss = (len(layout.columns), table.label, missing)
                    continue
                if best is None or score > best[0]:
                    best = (score, layout)
    if best is None:
        raise NotALedger(_explain_miss(near_miss))
    layout = best[1]
    layout.title = _title_text(sheet, layout.first_data_row - layout.header_rows)
    return layout


def _explain_miss(near_miss: tuple[int, str, list[str]] | None) -> str:
    if near_miss and near_miss[0] >= 2:
        _, label, missing = near_miss
        return f"看起来是{label}，但缺少必需的列：{'、'.join(missing)}"
    return "没有找到可识别的表头（如 户编号、村名、党组织名称、资金来源、指标）"


def _signature_hits(table: schema.Table, headers: list[str]) -> int:
    keys = {_strip_unit(normalise_header(h)) for h in headers}
    return sum(1 for s in table.signature if normalise_header(s) in keys)


def _match(table: schema.Table, headers: list[str], row: int, span: int) -> tuple[Layout, list[str]]:
    columns: dict[int, str] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    seen: set[str] = set()
    for index, header in enumerate(headers):
        if not normalise_header(header):
            continue
        name = column_for(table.name, header)
        if name is None:
            unknown.append(str(header).strip())
        elif name in seen:
            duplicates.append(str(header).strip())
        else:
            seen.add(name)
            columns[index] = name
    missing = [table.column(c).headers[0] for c in table.required if c not in seen]
    return Layout(table.name, span, row + span, columns, unknown, duplicates), missing


def _combined_headers(sheet: Sheet, row: int, span: int) -> list[str]:
    top = [_cell_text(v) for v in sheet.rows[row]]
    if span == 1:
        return top
    bottom = [_cell_text(v) for v in sheet.rows[row + 1]]
    width = max(len(top), len(bottom))
    top += [""] * (width - len(top))
    bottom += [""] * (width - len(bottom))
    parents = _spread_parents(sheet, row, top, bottom)
    return [_join(parent, child) for parent, child in zip(parents, bottom)]


def _spread_parents(sheet: Sheet, row: int, top: list[str], bottom: list[str]) -> list[str]:
    """Each column's parent header: merged cells cover their span; without merge info, fill right."""
    parents = list(top)
    covered: set[int] = set()
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= row <= r1 and c0 < len(parents):
            for c in range(c0, min(c1 + 1, len(parents))):
                parents[c] = top[c0]
                covered.add(c)
    for c in range(1, len(parents)):
        # A CSV (or a careless sheet) loses merges: an empty parent over a child
        # belongs to the group on its left.
        if c not in covered and not parents[c] and bottom[c] and bottom[c - 1]:
            parents[c] = parents[c - 1]
    return parents


def _join(parent: str, child: str) -> str:
    if not child:
        return parent
    if not parent or parent == child:
        return child
    return parent + child


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _title_text(sheet: Sheet, header_row: int) -> str:
    lines = []
    for cells in sheet.rows[: max(header_row, 0)]:
        text = " ".join(_cell_text(v) for v in cells if _cell_text(v))
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
