"""Finding the header of an export, what each column means, and which record type the sheet holds.

Clerks put title rows above the header, split headers over two or three rows under
merged parent cells, and write the same header with or without spaces, full-width
brackets or a unit. This module finds the header row(s), names every column by the
contract, and says which record type the sheet holds — and why.

A sheet is only taken for a record type on real evidence: every required column (or
what stands in for it, such as a township named in the title), and for a guessed
type a column of that type's own beyond the place names every ledger shares. A sheet
that carries the columns of a person list (与户主关系, 性别 …) or of a project list
(项目名称, 建设内容 …) is never taken for a village ledger, and a summary table (总计,
村, 社区 … as row labels) is never taken for a ledger at all. When nothing fits, the
message says which headers were found and what each near miss lacks.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.contract import schema
from tracker.contract.county import County
from tracker.ingest.readers import Sheet
from tracker.ingest.values import clean_text, compact, find_date

# Rows searched for the header: title blocks are a few rows, never dozens.
HEADER_SEARCH_ROWS = 30
# A header may be split over up to this many rows under merged parent cells.
MAX_HEADER_ROWS = 3

# Pseudo-columns: read from a file but not stored as they are.
RELATION = "_relation"  # 与户主关系: the national system lists every member of a household, one per row
PERSON_ID = "_person_id"  # 人编号: only the national system's person-level export has it
TOWNSHIP_VILLAGE = "_township_village"  # 乡镇-村社: township and village in one cell
MODE_DETAIL = "_mode_detail"  # the sub-type beside a 集中安置 / 分散安置 安置方式

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

# Columns of a list of people (a family-member list, a party-member roster): never a village,
# organization or fund ledger. A household ledger may have them (one row per person, folded).
PERSON_MARKERS = (
    "与户主关系",
    "人编号",
    "家庭成员",
    "成员姓名",
    "家庭成员姓名",
    "性别",
    "民族",
    "出生日期",
    "出生年月",
    "文化程度",
    "在校生状况",
    "健康状况",
    "劳动技能",
)
# Columns of a project list (a 扶贫项目 template): never a village, household or organization
# ledger, and a fund ledger only when it says when the funds were allocated (拨付日期).
PROJECT_MARKERS = (
    "项目名称",
    "建设内容",
    "项目类别",
    "项目类型",
    "建设性质",
    "建设规模",
    "项目编号",
    "项目主管单位",
    "实施单位",
    "建设地点",
    "绩效目标",
)
# Headers that say nothing about the record type: a bare list of villages may have them.
IGNORABLE = ("序号", "编号", "备注", "说明", "联系人", "联系电话")
# A summary table labels its rows with categories, not names: 总计 over 村, 社区, 机关 …
_SUMMARY_TOTALS = frozenset({"总计", "合计", "总数"})
_SUMMARY_CATEGORIES = frozenset(
    {
        "村",
        "社区",
        "乡镇",
        "街道",
        "机关",
        "事业单位",
        "企业",
        "社会组织",
        "农村",
        "城市",
        "其他",
        "非公有制企业",
    }
)
_SUMMARY_SEARCH_ROWS = 60
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


def _strip_unit(header: str) -> str:
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
        stripped = {_strip_unit(h): n for h, n in exact.items()}
        maps[table.name] = (exact, stripped)
    return maps


_ALIASES = _alias_maps()
_WIDE = {normalise_header(h): source for h, source in schema.WIDE_FUND_SOURCES.items()}


@functools.lru_cache(maxsize=65536)
def column_for(table: str, header: str) -> str | None:
    """The canonical column (or pseudo-column) a header names in table, or None."""
    exact, stripped = _ALIASES[table]
    key = normalise_header(header)
    if not key:
        return None
    return exact.get(key) or exact.get(_strip_unit(key)) or stripped.get(_strip_unit(key))


@dataclass(frozen=True)
class SheetContext:
    """Where a sheet comes from: what a township missing from its columns may be read from."""

    file: str
    sheet: str | None
    county: County


@dataclass
class Layout:
    """Where a sheet's header is, what its columns are, and why it was taken for its record type."""

    table: str
    header_rows: int  # 1 to MAX_HEADER_ROWS
    first_data_row: int  # 0-based index into Sheet.rows
    columns: dict[int, str]  # sheet column index -> canonical column (or pseudo-column)
    unknown: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    title: str = ""
    names: dict[str, str] = field(default_factory=dict)  # column -> its header as the clerk wrote it
    wide: dict[int, tuple[str, str]] = field(default_factory=dict)  # index -> (fund source, unit 万元|元)
    # (county, township, where it was read: 标题 / 工作表名 / 文件名) when no column names it
    township_hint: tuple[str, str, str] | None = None
    guessed: bool = True
    evidence: list[str] = field(default_factory=list)  # the headers that made the record type

    @property
    def person_export(self) -> bool:
        """Whether this is the national system's person-level export (人编号 beside 与户主关系):
        it lists 建档立卡 (registered poor) households only."""
        found = set(self.columns.values())
        return RELATION in found and PERSON_ID in found


class NotALedger(Exception):
    """The sheet holds no ledger the contract knows; the message says what was found and missing."""


@dataclass
class _Candidate:
    layout: Layout
    missing: list[str]
    objection: str  # why a guess would be wrong, in Chinese ("" when none)
    score: tuple[int, int, int]


def find_layout(sheet: Sheet, context: SheetContext | None = None, table: str | None = None) -> Layout:
    """The header and record type of a sheet: `table` when given (refused if its required
    columns are missing), else the record type the headers give real evidence for."""
    summary = _summary_labels(sheet)
    if summary:
        raise NotALedger(
            f"这是汇总统计表（行标题为{'、'.join(summary)}等分类汇总），不是逐条台账；"
            "请导出逐村、逐户或逐个党组织的明细台账"
        )
    tables = [schema.TABLES[table]] if table else list(schema.TABLES.values())
    best: _Candidate | None = None
    misses: dict[str, _Candidate] = {}
    limit = min(HEADER_SEARCH_ROWS, len(sheet.rows))
    texts = [[_cell_text(v) for v in cells] for cells in sheet.rows[: limit + MAX_HEADER_ROWS]]
    # Every cell above a candidate's data counts as evidence of what the sheet is: a project
    # list's 项目名称 may sit a row above the sub-header a narrower candidate starts at.
    folded_rows = [{normalise_header(t) for t in cells if t} for cells in texts]
    for row in range(limit):
        if best is not None and row > best.layout.first_data_row:
            break  # past the header found, into its data: no better header starts there
        if not any(texts[row]):
            continue
        hint = _LazyHint(sheet, row, context)
        for span in range(1, MAX_HEADER_ROWS + 1):
            if row + span > len(sheet.rows):
                continue
            if span > 1 and _is_title(texts[row]):
                continue  # a title row heads no column: it is not a level of the header
            header = _Header(_header_paths(sheet, row, span, texts), set().union(*folded_rows[: row + span]))
            for candidate_table in tables:
                found = _match(candidate_table, header, row, span, hint, guessed=table is None)
                if found.missing or found.objection:
                    kept = misses.get(candidate_table.name)
                    if kept is None or found.score > kept.score:
                        misses[candidate_table.name] = found
                    continue
                if best is None or found.score > best.score:
                    best = found
    if best is None:
        raise NotALedger(_explain(sheet, misses, table))
    layout = best.layout
    layout.title = _title_text(sheet, layout.first_data_row - layout.header_rows)
    return layout


def _is_title(cells: list[str]) -> bool:
    """A row with one text only (a title, perhaps merged across the sheet)."""
    return sum(1 for c in cells if c) == 1


def _explain(sheet: Sheet, misses: dict[str, _Candidate], table: str | None) -> str:
    """What was found and what each near miss lacks, in Chinese."""
    close = sorted(misses.values(), key=lambda c: c.score, reverse=True)
    if table is None:
        close = [c for c in close if len(c.layout.columns) >= 2][:3]
    found = _found_headers(sheet, close[0].layout if close else None)
    shown = "、".join(found[:20]) + ("……" if len(found) > 20 else "")
    reasons = []
    for candidate in close:
        label = schema.TABLES[candidate.layout.table].label
        if candidate.missing:
            reasons.append(f"作为{label}缺少：{'、'.join(candidate.missing)}")
        else:
            reasons.append(candidate.objection)
    if table is not None:
        label = schema.TABLES[table].label
        reason = "；".join(reasons) or f"没有{label}的表头"
        return f"按{label}读取，但表头不符：{reason}；找到的表头：{shown or '（无）'}"
    if not reasons:
        return (
            "没有找到可识别的表头（如 户编号、村名、党组织名称、资金来源、指标）；"
            f"找到的表头：{shown or '（无）'}"
        )
    return f"不是任何一种台账：{'；'.join(reasons)}；找到的表头：{shown}"


def _found_headers(sheet: Sheet, layout: Layout | None) -> list[str]:
    if layout is not None:
        start = layout.first_data_row - layout.header_rows
        paths = _header_paths(sheet, start, layout.header_rows)
    else:
        rows = sheet.rows[: min(HEADER_SEARCH_ROWS, len(sheet.rows))]
        if not rows:
            return []
        widest = max(range(len(rows)), key=lambda r: sum(1 for v in rows[r] if _cell_text(v)))
        paths = _header_paths(sheet, widest, 1)
    return [_join(p) for p in paths if _join(p)]


class _LazyHint:
    """The township a row's title, sheet name or file name names, worked out once, when asked."""

    def __init__(self, sheet: Sheet, row: int, context: SheetContext | None) -> None:
        self.sheet, self.row, self.context = sheet, row, context
        self.done = False
        self.value: tuple[str, str, str] | None = None

    def get(self) -> tuple[str, str, str] | None:
        """The township, computed on the first call."""
        if not self.done and self.context is not None:
            self.value = _township_hint(self.sheet, self.row, self.context)
        self.done = True
        return self.value


class _Header:
    """The header of one (row, span): each column's path and the texts it may be matched by."""

    def __init__(self, paths: list[list[str]], above: set[str] | None = None) -> None:
        self.paths = paths
        self.candidates = [_candidates(p) for p in paths]
        self.folded = {normalise_header(text) for texts in self.candidates for text in texts}
        self.above = self.folded | (above or set())  # every header cell down to the data
        self.stripped = {_strip_unit(h) for h in self.folded}


def _match(
    table: schema.Table, header: _Header, row: int, span: int, hint: _LazyHint, guessed: bool
) -> _Candidate:
    paths = header.paths
    columns: dict[int, str] = {}
    names: dict[str, str] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    wide: dict[int, tuple[str, str]] = {}
    shown: dict[int, str] = {}  # the header text each recognised column was matched by
    for index, path in enumerate(paths):
        candidates = header.candidates[index]
        if not candidates:
            continue
        name, written = None, candidates[0]
        for text in candidates:
            name = column_for(table.name, text)
            if name is not None:
                written = text
                break
            if table.name == "funds" and (source := _WIDE.get(_strip_unit(normalise_header(text)))):
                wide[index] = (source, _unit_of(path))
                written = text
                break
        if name is not None or index in wide:
            shown[index] = written
        if index in wide:
            continue
        if name is None:
            unknown.append(candidates[0])
        elif name in names:
            duplicates.append(written)
        else:
            names[name] = written
            columns[index] = name
    layout = Layout(table.name, span, row + span, columns, unknown, duplicates, names=names, guessed=guessed)
    seen = set(names)
    if table.name == "funds":
        if {"source", "amount_10k"} <= seen:
            # A long ledger (资金来源 + 金额) that also has per-source columns: those are extra.
            unknown += [paths_text(paths[i]) for i in wide]
            wide = {}
        layout.wide = wide
    if table.name in _HINTED and "township" not in seen and TOWNSHIP_VILLAGE not in seen and columns:
        layout.township_hint = hint.get()
    missing = _missing(table, layout)
    objection = _objection(table, layout, header.above) if guessed and not missing else ""
    evidence_columns = {i for i, c in columns.items() if not c.startswith("_")} | set(layout.wide)
    layout.evidence = [shown[i] for i in sorted(evidence_columns)]
    width = len(columns) + len(layout.wide) - len(duplicates)
    signature = sum(1 for s in table.signature if normalise_header(s) in header.stripped)
    return _Candidate(layout, missing, objection, (width, -span, signature))


# Record types whose township may be named only in the title, the sheet name or the file name
# (a targets row without a township is a county target, so its file's name says nothing).
_HINTED = frozenset(schema.LEDGERS)


def paths_text(path: list[str]) -> str:
    """A column's header as written: its levels joined (计划搬迁 over 户数 is 计划搬迁户数)."""
    return _join(path)


def _candidates(path: list[str]) -> list[str]:
    """The texts a column's header may be matched by: all its levels joined, then without the
    top levels one by one (a group label such as 户主信息 over 姓名 says nothing of its own)."""
    levels = [p for p in path if p]
    out = []
    for start in range(len(levels)):
        text = _join(levels[start:])
        if text and text not in out:
            out.append(text)
    return out


def _unit_of(path: list[str]) -> str:
    """万元 unless a level of the header says the amounts are in 元."""
    texts = [normalise_header(p) for p in path]
    if any("(元)" in t for t in texts) and not any("万元" in t for t in texts):
        return "元"
    return "万元"


def _missing(table: schema.Table, layout: Layout) -> list[str]:
    seen = set(layout.columns.values())
    missing = []
    for name in table.required:
        if name in seen:
            continue
        if name in ("township", "village") and TOWNSHIP_VILLAGE in seen:
            continue
        if name == "township" and layout.township_hint is not None:
            continue
        if name == "people" and RELATION in seen and "household_id" in seen:
            continue  # one row per person: the household's people are its rows
        if name in ("source", "amount_10k") and layout.wide:
            continue
        missing.append(table.column(name).headers[0])
    return missing


def _objection(table: schema.Table, layout: Layout, headers: set[str]) -> str:
    """Why this sheet, although it has the required columns, is not a guessed `table`."""
    label = table.label
    person = [m for m in PERSON_MARKERS if normalise_header(m) in headers]
    project = [m for m in PROJECT_MARKERS if normalise_header(m) in headers]
    if person and table.name in ("villages", "party_orgs", "funds"):
        return f"含有人员名单的列（{'、'.join(person)}），不是{label}"
    if project and table.name in ("villages", "households", "party_orgs"):
        return f"含有项目表的列（{'、'.join(project)}），不是{label}"
    if project and table.name == "funds" and "allocated_on" not in layout.columns.values():
        return f"是项目表（{'、'.join(project)}），没有“拨付日期”，不是资金拨付台账"
    if table.name == "villages":
        shared = {schema.COUNTY, "township", "village", TOWNSHIP_VILLAGE}
        own = [c for c in layout.columns.values() if c not in shared]
        ignorable = {normalise_header(h) for h in IGNORABLE}
        others = [u for u in layout.unknown if normalise_header(u) not in ignorable]
        if not own and others:
            examples = "、".join(c.headers[0] for c in table.read_columns if c.name not in shared)
            return (
                f"只有乡镇、村名可作为{label}，没有{label}特有的列（如 {examples[:40]}…），"
                f"其余的列（{'、'.join(others[:6])}）不属于{label}"
            )
    return ""


def _township_hint(sheet: Sheet, row: int, context: SheetContext) -> tuple[str, str, str] | None:
    """The one township the title, the sheet name or the file name names, and where."""
    sources = (
        ("标题", _title_text(sheet, row)),
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


def _summary_labels(sheet: Sheet) -> list[str]:
    """The category row labels (总计, 村, 社区 …) of a summary table, or [] for a ledger."""
    labels: list[str] = []
    for cells in sheet.rows[:_SUMMARY_SEARCH_ROWS]:
        for value in cells[:3]:
            text = _cell_text(value)
            if not text:
                continue
            key = re.sub(r"^(其中|内)[:：]?", "", compact(unicodedata.normalize("NFKC", text)))
            if key in _SUMMARY_TOTALS or key in _SUMMARY_CATEGORIES:
                labels.append(key)
            break
    totals = [x for x in labels if x in _SUMMARY_TOTALS]
    categories = list(dict.fromkeys(x for x in labels if x in _SUMMARY_CATEGORIES))
    if totals and len(categories) >= 2:
        return [totals[0], *categories[:4]]
    return []


def _header_paths(sheet: Sheet, row: int, span: int, texts: list[list[str]] | None = None) -> list[list[str]]:
    """Each column's header from the top level down (`span` rows from `row`), a parent cell
    spread over the columns it heads."""
    levels = [
        list(texts[r]) if texts is not None and r < len(texts) else [_cell_text(v) for v in sheet.rows[r]]
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


def _join(parts: list[str] | str) -> str:
    if isinstance(parts, str):
        return parts
    out: list[str] = []
    for part in parts:
        if part and (not out or out[-1] != part):
            out.append(part)
    return "".join(out)


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
