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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.contract import county as county_config
from tracker.contract import schema
from tracker.ingest import coverage, growth_guard, known_places, personal, shrink_guard
from tracker.ingest.checking import (
    CONFIG_SUFFIX,
    EXPORT_SUFFIXES,
    Source,
    check_keys_across_files,
    check_source,
    county_text_of,
    duplicate_files,
)
from tracker.ingest.outcome import Outcome, SheetResult
from tracker.ingest.parsed import ParsedRows
from tracker.ingest.parts import parts_of
from tracker.store.commit import Snapshot, commit
from tracker.store.lock import StoreBusy, import_lock
from tracker.store.manifest import StoreProblem

ProgressFn = Callable[[str, int, int], None]


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
    allow_growth: bool = False,
) -> Outcome:
    """Import files and folders from disk (see `import_sources`)."""
    files, problems = expand_paths(paths)
    if problems:
        return Outcome(status=2, file_problems=problems)
    sources = [Source(str(path), path=path) for path in files]
    return import_sources(
        sources,
        data_dir,
        as_of,
        allow_rejects,
        progress,
        table=table,
        replace_all=replace_all,
        allow_growth=allow_growth,
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
    allow_growth: bool = False,
) -> Outcome:
    """Import files given as (name, bytes), as the data page's upload does."""
    sources = [Source(name, data) for name, data in uploads]
    return import_sources(
        sources,
        data_dir,
        as_of,
        allow_rejects,
        progress,
        dry_run=dry_run,
        table=table,
        replace_all=replace_all,
        allow_growth=allow_growth,
    )


def import_sources(
    sources: list[Source],
    data_dir: Path,
    as_of: dt.date | None = None,
    allow_rejects: bool = False,
    progress: ProgressFn | None = None,
    dry_run: bool = False,
    table: str | None = None,
    replace_all: bool = False,
    allow_growth: bool = False,
) -> Outcome:
    """Check every source, then land them all in one step, or nothing.

    table: read every file as this record type (refused where its headers do not fit);
    None guesses each sheet's type from its headers. replace_all: each (table, day) the
    files hold replaces that day's whole snapshot, not only the townships they cover.
    allow_growth: the clerk says a scope more than doubling is real (`growth_guard`).
    A dry run plans the same merge and guards against the store as it is, and writes nothing."""
    outcome = Outcome(replace_all=replace_all, allow_growth=allow_growth)
    if table is not None and table not in schema.TABLES:
        outcome.status = 2
        outcome.file_problems.append(f"未知的台账类型“{table}”（应为 {'、'.join(schema.TABLES)} 之一）")
        return outcome
    configs = [s for s in sources if s.name.lower().endswith(CONFIG_SUFFIX)]
    exports = [s for s in sources if s not in configs]
    county_text = county_text_of(configs, outcome)
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
        checked = check_source(source, county, key, as_of, outcome, table)
        if progress and checked:
            checked_rows = sum(len(r.row_numbers) for _, r in checked)
            progress(f"{label}：已检查 {checked_rows:,} 行", number, len(exports))
        parsed += checked
    twice = duplicate_files(parsed)
    if twice:
        outcome.file_problems += twice  # the rows would all clash as well: the files say it once
    else:
        check_keys_across_files(parsed, outcome)
    try:
        # A 包保责任台账 row must name a village or organisation the ledgers in force on its day list.
        known_places.check(parsed, data_dir, replace_all)
    except StoreProblem as problem:
        outcome.file_problems.append(str(problem))
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
    parts = parts_of(parsed)
    guard = _Guard(parts, county, allow_growth)
    if dry_run:
        try:
            _judge(outcome, coverage.plan(data_dir, parts, replace_all), guard)
        except StoreProblem as problem:
            outcome.status = 2
            outcome.file_problems.append(str(problem))
        return outcome
    if outcome.status:
        return outcome
    if progress and exports:
        progress("写入数据存储", len(exports), len(exports))
    _land(
        parts, data_dir, county_text, outcome, replace_all, log=_log_entries(parsed, replace_all), guard=guard
    )
    return outcome


@dataclass
class _Guard:
    """What the growth guard judges an import's changes by."""

    parts: list[coverage.Part]
    county: county_config.County
    allow_growth: bool


def _judge(outcome: Outcome, planned: list[tuple[Snapshot, coverage.Change]], guard: _Guard | None) -> None:
    """Record what each (table, day) would become; a shrink or a growth the guards refuse makes the
    import unusable."""
    outcome.changes = [change for _, change in planned]
    if guard is not None:
        grown = growth_guard.judge(outcome.changes, guard.parts, guard.county, guard.allow_growth)
        outcome.file_problems += grown
        if grown:
            outcome.status = 2
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
            # Whose rows the file holds (None: a row of no township), so a township user's
            # reader shows only the entries about their own townships.
            "townships": _distinct(rows, "township"),
            "counties": _distinct(rows, schema.COUNTY),
        }
        for r, rows in parsed
    ]


def _distinct(rows: ParsedRows, column: str) -> list[str | None]:
    values = rows.records.get(column)
    if values is None:
        return [None]
    return sorted(set(values.unique().to_pylist()), key=lambda v: (v is None, v or ""))


def _land(
    parts: list[coverage.Part],
    data_dir: Path,
    county_text: str | None,
    outcome: Outcome,
    replace_all: bool,
    log: list[dict[str, Any]] | None = None,
    guard: _Guard | None = None,
) -> None:
    try:
        with import_lock(data_dir):
            # Planned under the lock, against the manifest this commit replaces.
            planned = coverage.plan(data_dir, parts, replace_all)
            _judge(outcome, planned, guard)
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
