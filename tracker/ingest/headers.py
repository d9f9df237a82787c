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

import re
import unicodedata
from dataclasses import dataclass, field

from tracker.contract import schema
from tracker.contract.cell_text import compact
from tracker.ingest.header_names import (
    PERSON_ID,
    RELATION,
    TOWNSHIP_VILLAGE,
    WIDE_SOURCES,
    column_for,
    normalise_header,
    strip_unit,
    unit_of,
)
from tracker.ingest.readers import Sheet
from tracker.ingest.sheet_text import (
    SheetContext,
    candidates,
    cell_text,
    header_paths,
    join_levels,
    paths_text,
    title_text,
    township_hint,
)

# Rows searched for the header: title blocks are a few rows, never dozens.
HEADER_SEARCH_ROWS = 30
# A header may be split over up to this many rows under merged parent cells.
MAX_HEADER_ROWS = 3
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
    texts = [[cell_text(v) for v in cells] for cells in sheet.rows[: limit + MAX_HEADER_ROWS]]
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
            header = _Header(header_paths(sheet, row, span, texts), set().union(*folded_rows[: row + span]))
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
    layout.title = title_text(sheet, layout.first_data_row - layout.header_rows)
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
        paths = header_paths(sheet, start, layout.header_rows)
    else:
        rows = sheet.rows[: min(HEADER_SEARCH_ROWS, len(sheet.rows))]
        if not rows:
            return []
        widest = max(range(len(rows)), key=lambda r: sum(1 for v in rows[r] if cell_text(v)))
        paths = header_paths(sheet, widest, 1)
    return [join_levels(p) for p in paths if join_levels(p)]


class _LazyHint:
    """The township a row's title, sheet name or file name names, worked out once, when asked."""

    def __init__(self, sheet: Sheet, row: int, context: SheetContext | None) -> None:
        self.sheet, self.row, self.context = sheet, row, context
        self.done = False
        self.value: tuple[str, str, str] | None = None

    def get(self) -> tuple[str, str, str] | None:
        """The township, computed on the first call."""
        if not self.done and self.context is not None:
            self.value = township_hint(self.sheet, self.row, self.context)
        self.done = True
        return self.value


class _Header:
    """The header of one (row, span): each column's path and the texts it may be matched by."""

    def __init__(self, paths: list[list[str]], above: set[str] | None = None) -> None:
        self.paths = paths
        self.candidates = [candidates(p) for p in paths]
        self.folded = {normalise_header(text) for texts in self.candidates for text in texts}
        self.above = self.folded | (above or set())  # every header cell down to the data
        self.stripped = {strip_unit(h) for h in self.folded}


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
            if table.name == "funds" and (source := WIDE_SOURCES.get(strip_unit(normalise_header(text)))):
                wide[index] = (source, unit_of(path))
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


def _summary_labels(sheet: Sheet) -> list[str]:
    """The category row labels (总计, 村, 社区 …) of a summary table, or [] for a ledger."""
    labels: list[str] = []
    for cells in sheet.rows[:_SUMMARY_SEARCH_ROWS]:
        for value in cells[:3]:
            text = cell_text(value)
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
