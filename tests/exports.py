"""Writing small messy exports the way clerks' tools write them, for the import tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import xlwt


def write_csv(path: Path, rows: Sequence[Any], encoding: str = "utf-8") -> Path:
    """A CSV in the given encoding ("utf-8-sig" for a BOM, "gbk" for GBK)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(
    path: Path,
    rows: Sequence[Any],
    merges: Sequence[str] = (),
    sheet: str = "Sheet1",
    text_columns: tuple[int, ...] = (),
) -> Path:
    """An XLSX with one sheet; merges are Excel ranges such as "A1:H1"."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for cells in ws.iter_rows():
        for cell in cells:
            if cell.data_type == "f":
                # openpyxl takes a text starting with "=" for a formula; a ledger's cell is text.
                cell.data_type = "s"
    for column in text_columns:
        for cells in ws.iter_rows(min_col=column, max_col=column):
            for cell in cells:
                cell.number_format = "@"
    for merge in merges:
        ws.merge_cells(merge)
    book.save(path)
    return path


def write_xls(path: Path, rows: list[list[Any]], sheet: str = "Sheet1") -> Path:
    """A legacy .xls workbook (BIFF8), as older ledgers are kept."""
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    book.save(str(path))
    return path


# A few valid resident ID numbers (synthetic; correct check digits).
def id_number(body17: str) -> str:
    """body17 plus its GB 11643 check digit."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body17 + "10X98765432"[sum(int(d) * w for d, w in zip(body17, weights)) % 11]
