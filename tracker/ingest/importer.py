"""Importing exports: read every file, check every row, then land all of it or none of it.

The whole invocation is one transaction. Files are read and checked first;
only when every file is usable (and, without --allow-rejects, every row is
valid) does anything reach the store, in one manifest swap. Several files (or
sheets) for the same table and day are one snapshot together, so a county
that exports one workbook per township imports them side by side.

A file replaces only what it covers (`tracker.ingest.coverage`: the townships its rows
name; the rest of the day's snapshot is kept), and an import that would drop more
than a fifth of its scope's rows is refused (`tracker.ingest.shrink_guard`) unless
replace_all says the whole day is to be replaced. Each file's record type is the
one asked for (`table`), or the one its headers give real evidence for; the
outcome says which, and from which headers.
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

from tracker.contract import county as county_config
from tracker.contract import schema
from tracker.contract.arrow import arrow_schema, reject_schema
from tracker.ingest import coverage, personal, shrink_guard
from tracker.ingest.headers import NotALedger, find_layout
from tracker.ingest.parsed import ParsedRows, RowError
from tracker.ingest.readers import FileProblem, Sheet, read_bytes
from tracker.ingest.rows import parse_rows
from tracker.ingest.sheet_text import SheetContext, as_of_from_title
from tracker.ingest.values import find_date
from tracker.store.commit import Snapshot, commit
from tracker.store.lock import StoreBusy, import_lock
from tracker.store.manifest import StoreProblem

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
    guessed: bool = True  # the record type came from the headers, not from --table
    evidence: list[str] = field(default_factory=list)  # the headers that made the record type
    township_from: str | None = None  # "文件名：赵家沟乡" when no column names the township


@dataclass
class Outcome:
    """The result of one import invocation."""

    status: int = 0  # 0 imported, 1 refused for row errors, 2 unusable file, arguments or a shrink
    sheets: list[SheetResult] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    county_imported: bool = False
    changes: list[coverage.Change] = field(default_factory=list)  # each (table, day) before and after
    replace_all: bool = False

    @property
    def landed(self) -> bool:
        """Whether the store changed."""
        return self.status == 0

    @property
    def refused_shrinks(self) -> list[coverage.Change]:
        """The changes the shrink guard refused."""
        return [c for c in self.changes if c.refused]


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
    table: str | None = None,
    replace_all: bool = False,
) -> Outcome:
    """Import files and folders from disk (see `import_sources`)."""
    files, problems = expand_paths(paths)
    if problems:
        return Outcome(status=2, file_problems=problems)
    sources = [_Source(str(path), path=path) for path in files]
    return import_sources(
        sources, data_dir, as_of, allow_rejects, progress, table=table, replace_all=replace_all
    )


def import_uploads(
    uploads: list[tuple[str, bytes]],
    data_dir: Path,
    as_of: dt.date | None = None,
    allow_rejects: bool = False,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
    table: str | None = None,
    replace_all: bool = False,
) -> Outcome:
    """Import files given as (name, bytes), as the data page's upload does."""
    sources = [_Source(name, data) for name, data in uploads]
    return import_sources(
        sources,
        data_dir,
        as_of,
        allow_rejects,
        progress,
        dry_run=dry_run,
        table=table,
        replace_all=replace_all,
    )


def import_sources(
    sources: list[_Source],
    data_dir: Path,
    as_of: dt.date | None = None,
    allow_rejects: bool = False,
    progress: ProgressFn | None = None,
    dry_run: bool = False,
    table: str | None = None,
    replace_all: bool = False,
) -> Outcome:
    """Check every source, then land them all in one step, or nothing.

    table: read every file as this record type (refused where its headers do not fit);
    None guesses each sheet's type from its headers. replace_all: each (table, day) the
    files hold replaces that day's whole snapshot, not only the townships they cover.
    A dry run plans the same merge and guard against the store as it is, and writes nothing."""
    outcome = Outcome(replace_all=replace_all)
    if table is not None and table not in schema.TABLES:
        outcome.status = 2
        outcome.file_problems.append(f"未知的台账类型“{table}”（应为 {'、'.join(schema.TABLES)} 之一）")
        return outcome
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
        checked = _check_source(source, county, key, as_of, outcome, table)
        if progress and checked:
            checked_rows = sum(len(r.row_numbers) for _, r in checked)
            progress(f"{label}：已检查 {checked_rows:,} 行", number, len(exports))
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
    if outcome.status == 2 or not parsed:
        if not outcome.status and not dry_run:
            _land([], data_dir, county_text, outcome, replace_all)
        return outcome
    parts = _parts(parsed)
    if dry_run:
        try:
            _judge(outcome, coverage.plan(data_dir, parts, replace_all))
        except StoreProblem as problem:
            outcome.status = 2
            outcome.file_problems.append(str(problem))
        return outcome
    if outcome.status:
        return outcome
    if progress and exports:
        progress("写入数据存储", len(exports), len(exports))
    _land(parts, data_dir, county_text, outcome, replace_all, log=_log_entries(parsed, replace_all))
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
    source: _Source,
    county: county_config.County,
    key: bytes,
    as_of: dt.date | None,
    outcome: Outcome,
    table: str | None = None,
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
            results.append(_check_sheet(source.name, digest, sheet, county, key, as_of, table))
        except NotALedger as problem:
            unrecognised.append((sheet.name, str(problem)))
        except FileProblem as problem:
            outcome.file_problems.append(f"{label}{_sheet_label(sheet.name)}：{problem}")
    if not results and not any(label in p for p in outcome.file_problems):
        reason = unrecognised[0][1] if unrecognised else "文件中没有数据"
        where = _sheet_label(unrecognised[0][0]) if len(unrecognised) > 1 else ""
        verb = f"无法按{schema.TABLES[table].label}导入" if table else "无法识别表格类型"
        outcome.file_problems.append(f"{label}{where}：{verb}（{reason}）")
    elif results:
        for name, reason in unrecognised:
            outcome.notes.append(f"{label}{_sheet_label(name)}：已跳过（{reason}）")
    return results


def _sheet_label(name: str | None) -> str:
    return f"［{name}］" if name else ""


def _check_sheet(
    name: str,
    digest: str,
    sheet: Sheet,
    county: county_config.County,
    key: bytes,
    as_of: dt.date | None,
    table: str | None = None,
) -> tuple[SheetResult, ParsedRows]:
    label = Path(name).name
    layout = find_layout(sheet, SheetContext(label, sheet.name, county), table)
    sheet.fill_merged(layout.first_data_row)
    day = as_of or as_of_from_title(layout.title) or find_date(Path(name).stem)
    if day is None:
        raise FileProblem(
            "无法确定数据截至日期：标题行和文件名中都没有日期；请用 --as-of 指定，"
            "或在标题中写明“截至2017年10月13日”"
        )
    area = sheet.data_area(layout.first_data_row)
    rows = parse_rows(area, layout.first_data_row, layout, county, key, label, sheet.name)
    hint = layout.township_hint
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
        guessed=layout.guessed,
        evidence=layout.evidence,
        township_from=f"{hint[2]}：{hint[1]}" if hint else None,
    )
    return result, rows


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


def _parts(parsed: list[tuple[SheetResult, ParsedRows]]) -> list[coverage.Part]:
    """What the checked sheets bring for each (table, day): the rows that would land and the units covered."""
    groups: dict[tuple[str, dt.date], list[tuple[SheetResult, ParsedRows]]] = defaultdict(list)
    for result, rows in parsed:
        groups[(result.table, result.as_of)].append((result, rows))
    return [
        coverage.Part(
            table,
            day,
            _accepted_table(table, day, members),
            _covered(table, members),
            _rejects_table(members),
            frozenset(r.file for r, _ in members),
        )
        for (table, day), members in groups.items()
    ]


def _judge(outcome: Outcome, planned: list[tuple[Snapshot, coverage.Change]]) -> None:
    """Record what each (table, day) would become; a shrink the guard refuses makes the import unusable."""
    outcome.changes = [change for _, change in planned]
    for change in outcome.changes:
        for day in change.damaged:
            label = schema.TABLES[change.table].label
            outcome.notes.append(
                f"{label} {day} 的快照文件已损坏，无法读取：本次导入改与更早的一期合并（重新导入该日的台账即可修复该期）"
            )
    if shrink_guard.judge(outcome.changes) and outcome.status == 0:
        outcome.status = 2


def _log_entries(parsed: list[tuple[SheetResult, ParsedRows]], replace_all: bool) -> list[dict[str, Any]]:
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return [
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
            "replace_all": replace_all,
        }
        for r, _ in parsed
    ]


def _land(
    parts: list[coverage.Part],
    data_dir: Path,
    county_text: str | None,
    outcome: Outcome,
    replace_all: bool,
    log: list[dict[str, Any]] | None = None,
) -> None:
    try:
        with import_lock(data_dir):
            # Planned under the lock, against the manifest this commit replaces.
            planned = coverage.plan(data_dir, parts, replace_all)
            _judge(outcome, planned)
            if outcome.status:
                return
            # commit derives each snapshot's summaries and lands them in the same commit.
            commit(data_dir, [snapshot for snapshot, _ in planned], log or [], county_text)
    except StoreBusy as busy:
        outcome.status = 2
        outcome.file_problems.append(str(busy))
    except StoreProblem as problem:
        outcome.status = 2
        outcome.file_problems.append(str(problem))
    except OSError as exc:
        outcome.status = 2
        outcome.file_problems.append(f"写入数据目录失败，未做任何更改：{exc.strerror or exc}")
    outcome.county_imported = county_text is not None and outcome.status == 0


def _accepted_table(table: str, day: dt.date, members: list[tuple[SheetResult, ParsedRows]]) -> pa.Table:
    target = arrow_schema(table)
    parts = []
    for _, rows in members:
        part = pa.table({n: rows.records[n] for n in target.names}, schema=target)
        if rows.rejected_rows:
            keep = np.ones(part.num_rows, dtype=bool)
            keep[list(rows.rejected_rows)] = False
            part = part.filter(keep)
        parts.append(part)
    accepted = pa.concat_tables(parts) if parts else target.empty_table()
    if schema.TOWNSHIP_AS_OF in target.names:
        # The rows a file brings are from its own day; rows kept from earlier keep theirs.
        position = target.get_field_index(schema.TOWNSHIP_AS_OF)
        days = pa.repeat(pa.scalar(day, pa.date32()), accepted.num_rows)
        accepted = accepted.set_column(position, target.field(position), days)
    return accepted


def _covered(table: str, members: list[tuple[SheetResult, ParsedRows]]) -> frozenset[str]:
    """The units the sheets cover: every row's county and township (a rejected row's too, where
    they themselves were readable), and for the funds ledger the county level for rows without one."""
    units = schema.TABLES[table].units
    keys: set[str] = set()
    for _, rows in members:
        frame = pa.table({n: rows.records[n] for n in units})
        readable = np.ones(frame.num_rows, dtype=bool)
        for position, column in rows.rejected_cells:
            if column in units:
                readable[position] = False
        if "township" in units and schema.TABLES[table].column("township").required:
            readable &= frame["township"].is_valid().to_numpy(zero_copy_only=False)
        readable &= frame[schema.COUNTY].is_valid().to_numpy(zero_copy_only=False)
        keys.update(coverage.units_of(frame.filter(readable), table)[1])
    return frozenset(keys)


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
        schema=reject_schema(),
    )
