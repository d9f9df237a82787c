"""Reading and checking the files of an import: every sheet's ledger and day told, its rows parsed,
keys checked across files. Nothing is written here; what it finds goes into the Outcome."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from tracker.contract import county as county_config
from tracker.contract import schema
from tracker.ingest import rows as rows_module
from tracker.ingest.headers import NotALedger, find_layout
from tracker.ingest.outcome import Outcome, SheetResult
from tracker.ingest.parsed import ParsedRows, RowError
from tracker.ingest.readers import FileProblem, Sheet, read_bytes
from tracker.ingest.rows import parse_rows
from tracker.ingest.sheet_text import SheetContext, as_of_from_title
from tracker.ingest.values import find_date

EXPORT_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls"}
CONFIG_SUFFIX = ".toml"
# How a clerk names the day a file holds when it says none; the data page points to its own box instead
# (tracker.ingest.upload_review.for_the_page).
AS_OF_HINT = "请用 --as-of 指定"


@dataclass
class Source:
    """One file of an import: a path on disk, or an upload's name and bytes."""

    name: str
    data: bytes | None = None  # an upload's bytes; a file on disk is read when its turn comes
    path: Path | None = None

    def read(self) -> bytes:
        """The file's bytes."""
        # One file's bytes at a time: a province's 26 weeks of exports are gigabytes.
        return self.data if self.data is not None else Path(self.path or self.name).read_bytes()


def county_text_of(configs: list[Source], outcome: Outcome) -> str | None:
    """The text of the one county configuration (.toml) among the files, checked; None when there is none
    (or it is unusable: the problem is in the outcome)."""
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


def check_source(
    source: Source,
    county: county_config.County,
    key: bytes,
    as_of: dt.date | None,
    outcome: Outcome,
    table: str | None = None,
) -> list[tuple[SheetResult, ParsedRows]]:
    """Every sheet of one file read, told and parsed; what cannot be read goes into the outcome."""
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
    except Exception as error:  # noqa: BLE001 - a reader's own failure on a hostile file is the file's problem
        outcome.file_problems.append(f"{label}：{unreadable(error)}")
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
        except Exception as error:  # noqa: BLE001 - as above: a Chinese sentence, never a traceback
            outcome.file_problems.append(f"{label}{_sheet_label(sheet.name)}：{unreadable(error)}")
    if not results and not any(label in p for p in outcome.file_problems):
        reason = unrecognised[0][1] if unrecognised else "文件中没有数据"
        where = _sheet_label(unrecognised[0][0]) if len(unrecognised) > 1 else ""
        verb = f"无法按{schema.TABLES[table].label}导入" if table else "无法识别表格类型"
        outcome.file_problems.append(f"{label}{where}：{verb}（{reason}）")
    elif results:
        for name, reason in unrecognised:
            outcome.notes.append(f"{label}{_sheet_label(name)}：已跳过（{reason}）")
    return results


def unreadable(error: BaseException) -> str:
    """What to tell of an error no rule expected while reading a file: that the file cannot be used,
    and the error's kind (never its text, which may hold the server's paths)."""
    kind = "内存不足" if isinstance(error, MemoryError) else type(error).__name__
    return f"读取时出错，文件无法使用（{kind}）；请检查文件是否完整，或另存为CSV后重新导入"


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
            f"无法确定数据截至日期：标题行和文件名中都没有日期；{AS_OF_HINT}，"
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


def check_keys_across_files(parsed: list[tuple[SheetResult, ParsedRows]], outcome: Outcome) -> None:
    """A key must be unique in the whole snapshot, not only within each file."""
    groups: dict[tuple[str, dt.date], list[tuple[SheetResult, ParsedRows]]] = defaultdict(list)
    for result, rows in parsed:
        groups[(result.table, result.as_of)].append((result, rows))
    for (table_name, _), members in groups.items():
        table = schema.TABLES[table_name]
        if len(members) < 2:
            continue
        identity = rows_module.identity(table)
        where: dict[tuple[Any, ...], list[tuple[SheetResult, ParsedRows, int]]] = defaultdict(list)
        for result, rows in members:
            for position, key in enumerate(zip(*(rows.records[k].to_pylist() for k in identity))):
                if (key[0] is not None or not table.key) and position not in rows.rejected_rows:
                    where[key].append((result, rows, position))
        for key, places in where.items():
            if len({id(r) for _, r, _ in places}) < 2:
                continue
            files = rows_module.listed(
                sorted({f"{r.file}第{rows.row_numbers[p]}行" for r, rows, p in places})
            )
            for result, rows, position in places:
                rows.errors.append(
                    RowError(
                        result.file,
                        result.sheet,
                        rows.row_numbers[position],
                        table.column(rows_module.duplicate_column(table)).headers[0],
                        " ".join(str(k) for k in key if k is not None),
                        rows_module.duplicate_reason(table, "", files, elsewhere=True),
                    )
                )
                rows.rejected_rows.add(position)


def duplicate_files(parsed: list[tuple[SheetResult, ParsedRows]]) -> list[str]:
    """The same content twice for one ledger and day in one import, each pair named: a file of the
    same bytes under another name (a browser's "资金台账 (1).csv"), or a sheet that brings the same
    rows (the CSV and the workbook of one export). Either would count everything twice. (The same
    bytes for another day are a week in which nothing changed.)"""
    problems: list[str] = []
    seen: dict[tuple[str, dt.date, int], list[tuple[SheetResult, pa.Table]]] = defaultdict(list)
    for result, rows in parsed:
        if not rows.row_numbers:
            continue
        records = pa.table(rows.records)
        key = (result.table, result.as_of, records.num_rows)
        for other, held in seen[key]:
            if other.sha256 == result.sha256 and other.file != result.file:
                problems.append(
                    f"{result.file} 与 {other.file} 是同一个文件（内容完全相同），数据会重复计算；请只保留其中一个"
                )
                break
            if _same_rows(records, held):
                problems.append(
                    f"{_place(result)} 与 {_place(other)} 的{schema.TABLES[result.table].label}内容相同"
                    f"（截至 {result.as_of.isoformat()}，{records.num_rows:,} 行），数据会重复计算；请只保留其中一个"
                )
                break
        else:
            seen[key].append((result, records))
    return problems


def _place(result: SheetResult) -> str:
    return result.file + _sheet_label(result.sheet)


def _same_rows(a: pa.Table, b: pa.Table) -> bool:
    """Whether two sheets hold the same rows, in whatever order."""
    order = [(name, "ascending") for name in a.column_names]
    return a.sort_by(order).equals(b.select(a.column_names).sort_by(order))
