"""Opening an export: whatever its name says, find out what it is and read its cells.

A file becomes one or more `Sheet`s: a grid of raw cells (row 0 is the first row
Excel shows) plus the merged ranges, which the header finder needs. The type is
told by the bytes, not the name, so a PDF renamed .xlsx or a truncated workbook
gets one clear sentence instead of a traceback.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import charset_normalizer
import pyarrow as pa
import pyarrow.csv as pa_csv
import python_calamine

from tracker.ingest import sheet_bounds

# A workbook that inflates past this is refused: exports of a county are tens of MB
# at most, and a "zip bomb" would otherwise fill memory.
MAX_UNZIPPED_BYTES = 1_000_000_000
MAX_ZIP_RATIO = 200
# One export file: a province's weekly household ledger as CSV is about 90 MB.
MAX_FILE_BYTES = int(os.environ.get("TRACKER_MAX_FILE_MB", "400")) * 1_000_000
# Records of a CSV read one by one for finding the header (headers.HEADER_SEARCH_ROWS
# plus a two-row header); the records below them are read column-wise.
CSV_HEAD_RECORDS = 40


class FileProblem(Exception):
    """A file that cannot be read at all; the message says why, in Chinese."""


@dataclass
class Sheet:
    """The cells of one sheet (or of a whole CSV file).

    A workbook's `rows` hold every row. A long CSV's `rows` hold its first
    records only, for finding the header; `data_area` reads the rest.
    """

    name: str | None
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    csv: _CsvText | None = None

    def data_area(self, first_row: int) -> list[list[Any]] | pa.Table:
        """The rows from first_row down: a list of rows, or for a long CSV a table of text columns.

        Reading a province's CSV record by record in Python costs seconds; Arrow's
        reader takes a fraction of that and keeps every cell as the text it was.
        """
        if self.csv is None or self.csv.complete:
            return self.rows[first_row:]
        return self.csv.records_from(first_row, self.rows)

    def fill_merged(self, from_row: int) -> None:
        """Give every cell of a merged range below from_row the range's value.

        Ledgers merge a township cell down over all its villages; Excel shows the
        name on every one of those rows, and so must the import.
        """
        for r0, c0, r1, c1 in self.merged:
            if r1 < from_row or r0 >= len(self.rows):
                continue
            row0 = self.rows[r0]
            value = row0[c0] if c0 < len(row0) else None
            for r in range(max(r0, from_row), min(r1 + 1, len(self.rows))):
                row = self.rows[r]
                for c in range(c0, min(c1 + 1, len(row))):
                    row[c] = value


def read_bytes(data: bytes, name: str) -> list[Sheet]:
    """Every sheet of a file given as bytes (an upload, or a file read from disk)."""
    if not data.strip():
        raise FileProblem("文件为空")
    if len(data) > MAX_FILE_BYTES:
        raise FileProblem(
            f"文件过大（{len(data) / 1e6:.0f} MB，上限 {MAX_FILE_BYTES / 1e6:.0f} MB）；请按乡镇分开导出"
        )
    kind = sniff(data)
    if kind == "xlsx":
        _check_zip(data)
        return _read_workbook(data)
    if kind == "xls":
        try:
            sheet_bounds.check_xls(data)
        except sheet_bounds.SheetTooLarge as problem:
            raise FileProblem(str(problem)) from None
        return _read_workbook(data)
    if kind == "pdf":
        raise FileProblem("这是PDF文件，不是表格导出；请从台账导出Excel或CSV")
    if kind == "zip":
        raise FileProblem("这是压缩包或损坏的Excel文件，无法读取；请解压或重新导出")
    if kind == "binary":
        raise FileProblem("无法识别的文件格式；应为Excel（xlsx/xls）或CSV")
    return [_read_csv(data)]


def sniff(data: bytes) -> str:
    """What the bytes are: xlsx, xls, pdf, zip, binary or text."""
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return "zip"
        return "xlsx" if any(n.startswith("xl/") for n in names) else "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if data.startswith(b"%PDF"):
        return "pdf"
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16, as Excel's "Unicode text" export writes
    if b"\x00" in head:
        return "binary"
    return "text"


def _check_zip(data: bytes) -> None:
    """Refuse a workbook that would inflate too far, or one of whose sheets is far larger than what it
    holds (see `sheet_bounds`): both before the reader allocates anything for it."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_UNZIPPED_BYTES or total > MAX_ZIP_RATIO * max(len(data), 1) + 50_000_000:
        raise FileProblem("Excel文件解压后过大，疑似恶意文件，已拒绝")
    try:
        sheet_bounds.check_workbook(archive)
    except sheet_bounds.SheetTooLarge as problem:
        raise FileProblem(str(problem)) from None
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error):
        raise FileProblem("Excel文件已损坏或不完整，无法打开；请重新导出") from None


def _read_workbook(data: bytes) -> list[Sheet]:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [_read_sheet(book, name) for name in book.sheet_names]
    except python_calamine.PasswordError:
        raise FileProblem("Excel文件有密码保护，请去掉密码后重新导出") from None
    except Exception:  # noqa: BLE001 - calamine raises many kinds for a damaged file
        raise FileProblem("Excel文件已损坏或不完整，无法打开；请重新导出") from None


def _read_sheet(book: python_calamine.CalamineWorkbook, name: str) -> Sheet:
    sheet = book.get_sheet_by_name(name)
    rows = sheet.to_python(skip_empty_area=False)
    merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
    return Sheet(name, [list(r) for r in rows], merged)


@dataclass
class _CsvText:
    """A CSV's text and where its first records start in it."""

    text: str
    delimiter: str
    offsets: list[int]  # offsets[i]: where record i starts; one more entry than records read
    complete: bool

    def records_from(self, first: int, head: list[list[Any]]) -> list[list[Any]] | pa.Table:
        rest = self.text[self.offsets[first] :]
        width = len(head[first]) if first < len(head) else 0
        table = _arrow_records(rest, self.delimiter, width) if width else None
        if table is not None:
            return table
        # Rows of uneven width: read as the csv module does, where short rows are padded later.
        return [list(r) for r in _csv_records(io.StringIO(rest, newline=""), self.delimiter, first)]


def _read_csv(data: bytes) -> Sheet:
    text = decode(data)
    delimiter = _delimiter(text[:20000])
    # The head is read from a prefix: a StringIO of a whole province's text copies it.
    rows, offsets = _head_records(text[:_HEAD_CHARS], delimiter)
    if len(rows) < CSV_HEAD_RECORDS or offsets[-1] >= _HEAD_CHARS:
        rows, offsets = _head_records(text, delimiter)  # short file, or records longer than the prefix
    complete = offsets[-1] >= len(text)
    return Sheet(None, rows, csv=_CsvText(text, delimiter, offsets, complete))


_HEAD_CHARS = 1_000_000


def _head_records(text: str, delimiter: str) -> tuple[list[list[Any]], list[int]]:
    stream = io.StringIO(text, newline="")
    rows, offsets = [], [0]
    # The csv module pulls one line at a time, so tell() is where the next record starts.
    for record in _csv_records(stream, delimiter):
        rows.append(list(record))
        offsets.append(stream.tell())
        if len(rows) == CSV_HEAD_RECORDS:
            break
    return rows, offsets


def _csv_records(stream: io.StringIO, delimiter: str, skipped: int = 0) -> Iterator[list[str]]:
    """The records of a CSV text (whose first `skipped` lines were read before); a record the csv
    module cannot read (a cell longer than its limit, which is also what a quote never closed looks
    like) is a FileProblem saying where."""
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        yield from reader
    except csv.Error:
        raise FileProblem(
            f"第{skipped + reader.line_num}行附近有单元格超过 {csv.field_size_limit():,} 个字符，"
            "或引号未闭合；台账中不会有这样的单元格，文件疑似损坏，已拒绝"
        ) from None


def _arrow_records(text: str, delimiter: str, width: int) -> pa.Table | None:
    """Every record of text as `width` text columns, or None when a record has another width."""
    uneven: list[object] = []

    def note_uneven(row: object) -> str:
        uneven.append(row)
        return "skip"

    names = [f"c{i}" for i in range(width)]
    try:
        table = pa_csv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pa_csv.ReadOptions(column_names=names),
            # An empty line stays a row of empty cells, so row numbers match what Excel shows.
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                # Only a quoted cell can hold a line break; without quotes Arrow splits the work.
                newlines_in_values='"' in text,
                ignore_empty_lines=False,
                invalid_row_handler=note_uneven,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid:
        return None
    if uneven:
        return None
    return table.combine_chunks()


def decode(data: bytes) -> str:
    """Text of a CSV export: UTF-8 (with or without BOM) first, then GB18030, then a guess.

    UTF-8 goes first because GB18030 accepts almost any bytes and would silently
    garble a UTF-8 file; a valid UTF-8 file is almost never valid by accident.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise FileProblem("无法识别文件编码；请另存为UTF-8或GBK编码的CSV")
    return str(best)


def _delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:30] if line.strip()]
    counts = {d: sum(line.count(d) for line in lines) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","
