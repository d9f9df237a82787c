"""Importing exports: read every file, check every row, then land all of it or none of it.

The whole invocation is one transaction. Files are read and checked first;
only when every file is usable (and, without --allow-rejects, every row is
valid) does anything reach the store, in one manifest swap. Several files (or
sheets) for the same table and day are one snapshot together, so a county
that exports one workbook per township imports them side by side.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from tracker import county as county_config
from tracker import personal, schema, store
from tracker.headers import NotALedger, as_of_from_title, find_layout
from tracker.readers import FileProblem, Sheet, read_bytes
from tracker.rows import ParsedRows, RowError, parse_rows
from tracker.values import find_date

EXPORT_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls"}
CONFIG_SUFFIX = ".toml"
ProgressFn = Callable[[str, int, int], None]


@dataclass
class SheetResult:
    """What became of one sheet of one file."""

    file: str
    sheet: str | None
    table: str
    as_of: dt.date
    accepted: int
    rejected: int
    totals_dropped: int
    members_dropped: int
    unknown_columns: list[str]
    sha256: str


@dataclass
class Outcome:
    """The result of one import invocation."""

    status: int = 0  # 0 imported, 1 refused for row errors, 2 unusable file or arguments
    sheets: list[SheetResult] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    county_imported: bool = False

    @property
    def landed(self) -> bool:
        """Whether the store changed."""
        return self.status == 0


@dataclass
class _Source:
    name: str
    data: bytes | None = None  # an upload's bytes; a file on disk is read when its turn comes
    path: Path | None = None

    def read(self) -> bytes:
        # One file's bytes at a time: a province's 26 weeks of exports are gigabytes.
        return self.data if self.data is not None else Path(self.path or self.name).read_bytes()


def expand_paths(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Files to import (folders searched recursively) and problems with the arguments."""
    files: list[Path] = []
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not p.name.startswith((".", "~$"))
                and p.suffix.lower() in EXPORT_SUFFIXES | {CONFIG_SUFFIX}
            )
            if not found:
                problems.append(f"{path}：文件夹中没有可导入的文件")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            problems.append(f"{path}：文件不存在")
    return files, problems


def import_paths(
    paths: list[Path],
    data_dir: Path,
    as_of: dt.date | None = None,
    allow_rejects: bool = False,
    progress: ProgressFn | None = None,
) -> Outcome:
    """Import files and folders from disk (see `import_sources`)."""
    files, problems = expand_paths(paths)
    if problems:
        return Outcome(status=2, file_problems=problems)
    sources = [_Source(str(path), path=path) for path in files]
    return import_sources(sources, data_dir, as_of, allow_rejects, progress)


def import_uploads(
    uploads: list[tuple[str, bytes]],
    data_dir: Path,
    as_of: dt.date | None = None,
    allow_rejects: bool = False,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
) -> Outcome:
    """Import files given as (name, bytes), as the data page's upload does."""
    sources = [_Source(name, data) for name, data in uploads]
    return import_sources(sources, data_dir, as_of, allow_rejects, progress, dry_run=dry_run)


def import_sources(
    sources: list[_Source],
    data_dir: Path,
    as_of: dt.date | None = None,
    allow_rejects: bool = False,
    progress: ProgressFn | None = None,
    dry_run: bool = False,
) -> Outcome:
    """Check every source, then land them all in one step, or nothing."""
    outcome = Outcome()
    configs = [s for s in sources if s.name.lower().endswith(CONFIG_SUFFIX)]
    exports = [s for s in sources if s not in configs]
    county_text = _county_text(configs, outcome)
    if outcome.file_problems:
        outcome.status = 2
        return outcome
    county = county_config.parse_config(county_text) if county_text else county_config.load_county(data_dir)
    try:
        key = personal.store_key(data_dir) if not dry_run else b"dry-run"
    except OSError as exc:
        outcome.status = 2
        outcome.file_problems.append(f"数据目录 {data_dir} 无法写入（{exc.strerror or exc}），未做任何更改")
        return outcome
    parsed: list[tuple[SheetResult, ParsedRows]] = []
    for number, source in enumerate(exports, 1):
        label = Path(source.name).name
        if progress:
            progress(f"{label}：读取", number, len(exports))
        checked = _check_source(source, county, key, as_of, outcome)
        if progress and checked:
            rows = sum(len(r.row_numbers) for _, r in checked)
            progress(f"{label}：已检查 {rows:,} 行", number, len(exports))
        parsed += checked
    _check_keys_across_files(parsed, outcome)
    for result, rows in parsed:
        result.rejected = len(rows.rejected_rows)
        result.accepted = len(rows.row_numbers) - result.rejected
    outcome.sheets = [r for r, _ in parsed]
    outcome.errors = [e for _, rows in parsed for e in rows.errors]
    if outcome.file_problems:
        outcome.status = 2
    elif outcome.errors and not allow_rejects:
        outcome.status = 1
    elif not parsed and county_text is None:
        outcome.status = 2
        outcome.file_problems.append("没有可导入的数据")
    if outcome.status or dry_run:
        return outcome
    if progress and exports:
        progress("写入数据存储", len(exports), len(exports))
    _land(parsed, data_dir, county_text, outcome)
    return outcome


def _county_text(configs: list[_Source], outcome: Outcome) -> str | None:
    if len(configs) > 1:
        outcome.file_problems.append("一次只能导入一个县配置文件（.toml）")
        return None
    if not configs:
        return None
    source = configs[0]
    try:
        text = source.read().decode("utf-8-sig")
        county_config.parse_config(text, Path(source.name).name)
    except OSError as exc:
        outcome.file_problems.append(f"{source.name}：无法读取（{exc.strerror}）")
        return None
    except UnicodeDecodeError:
        outcome.file_problems.append(f"{source.name}：县配置文件应为UTF-8编码")
        return None
    except county_config.ConfigProblem as problem:
        outcome.file_problems.append(str(problem))
        return None
    return text


def _check_source(
    source: _Source, county: county_config.County, key: bytes, as_of: dt.date | None, outcome: Outcome
) -> list[tuple[SheetResult, ParsedRows]]:
    label = Path(source.name).name
    try:
        data = source.read()
    except OSError as exc:
        outcome.file_problems.append(f"{source.name}：无法读取（{exc.strerror}）")
        return []
    digest = hashlib.sha256(data).hexdigest()
    try:
        sheets = read_bytes(data, label)
    except FileProblem as problem:
        outcome.file_problems.append(f"{label}：{problem}")
        return []
    del data  # the sheets hold what is needed of it
    results = []
    unrecognised = []
    for sheet in sheets:
        if not any(any(str(v).strip() for v in row if v is not None) for row in sheet.rows):
            continue
        try:
            results.append(_check_sheet(source.name, digest, sheet, county, key, as_of))
        except NotALedger as problem:
            unrecognised.append((sheet.name, str(problem)))
        except FileProblem as problem:
            outcome.file_problems.append(f"{label}{_sheet_label(sheet.name)}：{problem}")
    if not results and not any(label in p for p in outcome.file_problems):
        reason = unrecognised[0][1] if unrecognised else "文件中没有数据"
        outcome.file_problems.append(f"{label}：无法识别表格类型（{reason}）")
    elif results:
        for name, reason in unrecognised:
            outcome.notes.append(f"{label}{_sheet_label(name)}：已跳过（{reason}）")
    return results


def _sheet_label(name: str | None) -> str:
    return f"［{name}］" if name else ""


def _check_sheet(
    name: str, digest: str, sheet: Sheet, county: county_config.County, key: bytes, as_of: dt.date | None
) -> tuple[SheetResult, ParsedRows]:
    layout = find_layout(sheet)
    sheet.fill_merged(layout.first_data_row)
    label = Path(name).name
    day = as_of or as_of_from_title(layout.title) or find_date(Path(name).stem)
    if day is None:
        raise FileProblem(
            "无法确定数据截至日期：标题行和文件名中都没有日期；请用 --as-of 指定，"
            "或在标题中写明“截至2017年10月13日”"
        )
    header_names = _header_names(sheet, layout)
    area = sheet.data_area(layout.first_data_row)
    rows = parse_rows(area, layout.first_data_row, layout, county, key, label, sheet.name, header_names)
    result = SheetResult(
        file=label,
        sheet=sheet.name,
        table=layout.table,
        as_of=day,
        accepted=0,
        rejected=0,
        totals_dropped=rows.totals_dropped,
        members_dropped=rows.members_dropped,
        unknown_columns=layout.unknown + [f"{d}（重复）" for d in layout.duplicates],
        sha256=digest,
    )
    return result, rows


def _header_names(sheet: Sheet, layout: Any) -> dict[str, str]:
    """Canonical column -> the header as the clerk wrote it, for error messages."""
    header_row = sheet.rows[layout.first_data_row - 1]
    names = {}
    for index, column in layout.columns.items():
        written = header_row[index] if index < len(header_row) else ""
        if not str(written or "").strip() and layout.header_rows == 2:
            written = sheet.rows[layout.first_data_row - 2][index]
        names[column] = str(written or column).strip()
    return names


def _check_keys_across_files(parsed: list[tuple[SheetResult, ParsedRows]], outcome: Outcome) -> None:
    """A key must be unique in the whole snapshot, not only within each file."""
    groups: dict[tuple[str, dt.date], list[tuple[SheetResult, ParsedRows]]] = defaultdict(list)
    for result, rows in parsed:
        groups[(result.table, result.as_of)].append((result, rows))
    for (table_name, _), members in groups.items():
        table = schema.TABLES[table_name]
        if len(members) < 2 or not table.key:
            continue
        where: dict[tuple[Any, ...], list[tuple[SheetResult, ParsedRows, int]]] = defaultdict(list)
        for result, rows in members:
            for position, key in enumerate(zip(*(rows.records[k].to_pylist() for k in table.key))):
                if key[0] is not None and position not in rows.rejected_rows:
                    where[key].append((result, rows, position))
        for key, places in where.items():
            if len({id(r) for _, r, _ in places}) < 2:
                continue
            files = "、".join(sorted({f"{r.file}第{rows.row_numbers[p]}行" for r, rows, p in places}))
            for result, rows, position in places:
                rows.errors.append(
                    RowError(
                        result.file,
                        result.sheet,
                        rows.row_numbers[position],
                        table.column(table.key[-1]).headers[0],
                        " ".join(str(k) for k in key if k is not None),
                        f"与其他文件中的行重复（{files}）",
                    )
                )
                rows.rejected_rows.add(position)


def _land(
    parsed: list[tuple[SheetResult, ParsedRows]], data_dir: Path, county_text: str | None, outcome: Outcome
) -> None:
    groups: dict[tuple[str, dt.date], list[tuple[SheetResult, ParsedRows]]] = defaultdict(list)
    for result, rows in parsed:
        groups[(result.table, result.as_of)].append((result, rows))
    snapshots = [
        store.Snapshot(table, day, _accepted_table(table, members), _rejects_table(members))
        for (table, day), members in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1]))
    ]
    # store.commit derives each snapshot's summaries and lands them in the same commit.
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    log = [
        {
            "imported_at": now,
            "file": r.file,
            "sheet": r.sheet,
            "sha256": r.sha256,
            "table_name": r.table,
            "as_of": r.as_of.isoformat(),
            "rows_accepted": r.accepted,
            "rows_rejected": r.rejected,
            "rows_totals_dropped": r.totals_dropped,
        }
        for r, _ in parsed
    ]
    try:
        with store.import_lock(data_dir):
            store.commit(data_dir, snapshots, log, county_text)
    except store.StoreBusy as busy:
        outcome.status = 2
        outcome.file_problems.append(str(busy))
    except OSError as exc:
        outcome.status = 2
        outcome.file_problems.append(f"写入数据目录失败，未做任何更改：{exc.strerror or exc}")
    outcome.county_imported = county_text is not None and outcome.status == 0


def _accepted_table(table: str, members: list[tuple[SheetResult, ParsedRows]]) -> pa.Table:
    target = store.arrow_schema(table)
    parts = []
    for _, rows in members:
        part = pa.table({n: rows.records[n] for n in target.names}, schema=target)
        if rows.rejected_rows:
            keep = np.ones(part.num_rows, dtype=bool)
            keep[list(rows.rejected_rows)] = False
            part = part.filter(keep)
        parts.append(part)
    return pa.concat_tables(parts) if parts else target.empty_table()


def _rejects_table(members: list[tuple[SheetResult, ParsedRows]]) -> pa.Table | None:
    errors = [e for _, rows in members for e in rows.errors]
    if not errors:
        return None
    return pa.Table.from_pylist(
        [
            {
                "file": e.file,
                "sheet": e.sheet,
                "row": e.row,
                "column": e.column,
                "value": e.value,
                "reason": e.reason,
            }
            for e in errors
        ],
        schema=store.reject_schema(),
    )
