"""What a header names: folded for matching (NFKC, no spaces or marks, one kind of bracket), then
looked up among the contract's aliases and the pseudo-columns an export may add."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from tracker.contract import schema
from tracker.contract.cell_text import compact

# Pseudo-columns: read from a file but not stored as they are.
RELATION = "_relation"  # 与户主关系: the national system lists every member of a household, one per row
PERSON_ID = "_person_id"  # 人编号: only the national system's person-level export has it
TOWNSHIP_VILLAGE = "_township_village"  # 乡镇-村社: township and village in one cell
MODE_DETAIL = "_mode_detail"  # the sub-type beside a 集中安置 / 分散安置 安置方式

# Headers of the pseudo-columns, as exports write them.
_TOWNSHIP_VILLAGE_HEADERS = (
    "乡镇-村社",
    "乡镇-村",
    "乡镇村社",
    "乡镇村",
    "乡(镇)-村",
    "乡(镇)村",
    "乡镇-行政村",
    "所在乡镇村",
    "乡镇村名",
)
_MODE_DETAIL_HEADERS = (
    "安置类型",
    "安置方式类型",
    "安置方式细类",
    "集中安置类型",
    "分散安置类型",
    "具体安置方式",
)
_EXTRA_HEADERS: dict[str, dict[str, str]] = {
    "households": {"与户主关系": RELATION, "人编号": PERSON_ID}
    | dict.fromkeys(_TOWNSHIP_VILLAGE_HEADERS, TOWNSHIP_VILLAGE)
    | dict.fromkeys(_MODE_DETAIL_HEADERS, MODE_DETAIL),
    "villages": dict.fromkeys(_TOWNSHIP_VILLAGE_HEADERS, TOWNSHIP_VILLAGE),
    "funds": dict.fromkeys(_TOWNSHIP_VILLAGE_HEADERS, TOWNSHIP_VILLAGE),
}

_UNIT_SUFFIX = re.compile(r"\([^()]*\)$")


def normalise_header(raw: Any) -> str:
    """A header folded for matching: NFKC, no spaces, no required-marks, one kind of dash."""
    return _normalise(str(raw or ""))


@functools.lru_cache(maxsize=65536)
def _normalise(raw: str) -> str:
    # Cached: the header search folds the same cells for every row, span and record type.
    text = unicodedata.normalize("NFKC", raw)
    text = compact(text).replace("*", "").replace("※", "").rstrip(":")
    for dash in ("—", "–", "─", "~"):
        text = text.replace(dash, "-")
    return text.replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")


def strip_unit(header: str) -> str:
    """A folded header without a trailing unit: 金额(万元) → 金额."""
    return _UNIT_SUFFIX.sub("", header)


def _alias_maps() -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    maps = {}
    for table in schema.TABLES.values():
        exact: dict[str, str] = {}
        for col in table.read_columns:
            for header in col.headers:
                exact.setdefault(normalise_header(header), col.name)
        for header, name in _EXTRA_HEADERS.get(table.name, {}).items():
            exact[normalise_header(header)] = name
        stripped = {strip_unit(h): n for h, n in exact.items()}
        maps[table.name] = (exact, stripped)
    return maps


_ALIASES = _alias_maps()
# A wide fund ledger's amount columns, folded: header → the fund source its amounts come from.
WIDE_SOURCES = {normalise_header(h): source for h, source in schema.WIDE_FUND_SOURCES.items()}


@functools.lru_cache(maxsize=65536)
def column_for(table: str, header: str) -> str | None:
    """The canonical column (or pseudo-column) a header names in table, or None."""
    exact, stripped = _ALIASES[table]
    key = normalise_header(header)
    if not key:
        return None
    return exact.get(key) or exact.get(strip_unit(key)) or stripped.get(strip_unit(key))


def unit_of(path: list[str]) -> str:
    """万元 unless a level of the header says the amounts are in 元."""
    texts = [normalise_header(p) for p in path]
    if any("(元)" in t for t in texts) and not any("万元" in t for t in texts):
        return "元"
    return "万元"
