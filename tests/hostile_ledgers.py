"""A week of ledgers whose free text is hostile: spreadsheet formulas, Markdown, HTML.

The sample's 2017-10-13 exports, re-saved as 2017-10-20 with a few cells changed, as a clerk's
export would carry them if someone typed them into the ledger system:

- 村级台账: 赵家沟乡 石家畔村's 迁入村 is Markdown (an image fetched from `host`, a link, a colour
  directive, LaTeX, HTML); 前桥滩村's is `=HYPERLINK(...)`;
- 搬迁户台账: that village's households' 安置地点 are the same Markdown and formulas;
- 资金台账: 用途 holds `=cmd|' /C calc'!A0`, `+`, `-`, `@` and tab-led text, and one 资金来源 is HTML;
- 党组织台账: a 第一书记 is `=HYPERLINK(...)`.

`import_hostile_week(store, host)` imports them into a store (a copy of the sample).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

from tests.conftest import REPO, run_module

WEEK = REPO / "sample_data" / "weekly" / "2017-10-13"
DAY = "2017-10-20"
VILLAGE = "石家畔村"
FORMULA_VILLAGE = "前桥滩村"
HYPERLINK = '=HYPERLINK("http://evil.example/steal","点击查看")'
DDE = "=cmd|' /C calc'!A0"
FUNDS_PURPOSES = (DDE, "+1+1 追加", "-2+3 调减", "@SUM(1) 汇总", "\t=1+1 制表")
HTML_SOURCE = '<a href="http://evil.example/">财政</a>专项'


def markdown_place(host: str) -> str:
    """A 迁入村 written in Markdown: an image from host, a link, a colour, LaTeX and HTML."""
    return f"![]({host}/x.png)[点我]({host}/link) :red[红字] $x^2$ <b>粗</b> http://evil.example/auto"


def _csv_rows(path: Path, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))


def _write_csv(path: Path, rows: list[list[str]], encoding: str) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _set_text(cell: openpyxl.cell.Cell, text: str) -> None:
    cell.value = text
    cell.data_type = "s"  # a ledger's text, not a formula of the workbook


def hostile_week(folder: Path, host: str) -> Path:
    """Write the four hostile exports of 2017-10-20 into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    villages = _csv_rows(WEEK / "村级台账_2017-10-13.csv", "gb18030")
    header = villages[1]
    receiving = header.index("迁入村")
    for row in villages:
        if row[:2] == ["赵家沟乡", VILLAGE]:
            row[receiving] = markdown_place(host)
        if row[:2] == ["赵家沟乡", FORMULA_VILLAGE]:
            row[receiving] = HYPERLINK
    villages[0][0] = villages[0][0].replace("10月13日", "10月20日")
    _write_csv(folder / f"村级台账_{DAY}.csv", villages, "gb18030")

    funds = _csv_rows(WEEK / "资金台账_2017-10-13.csv", "utf-8-sig")
    purpose, source = funds[0].index("用途"), funds[0].index("资金来源")
    for row, text in zip(funds[1:], FUNDS_PURPOSES, strict=False):
        row[purpose] = text
    funds[-1][source] = HTML_SOURCE
    _write_csv(folder / f"资金台账_{DAY}.csv", funds, "utf-8-sig")

    book = openpyxl.load_workbook(WEEK / "搬迁户台账_2017-10-13.xlsx")
    sheet = book.active
    _set_text(sheet["A1"], str(sheet["A1"].value).replace("10月13日", "10月20日"))
    for row in sheet.iter_rows(min_row=4):
        if row[3].value == "赵家沟乡" and row[4].value == VILLAGE:
            _set_text(row[9], markdown_place(host))
        if row[3].value == "赵家沟乡" and row[4].value == FORMULA_VILLAGE:
            _set_text(row[9], HYPERLINK)
    book.save(folder / f"搬迁户台账_{DAY}.xlsx")

    book = openpyxl.load_workbook(WEEK / "党组织台账_2017-10-13.xlsx")
    sheet = book.active
    _set_text(sheet["A1"], str(sheet["A1"].value).replace("10月13日", "10月20日"))
    secretary = [c.value for c in sheet[2]].index("第一书记")
    for row in sheet.iter_rows(min_row=3):
        if row[0].value == "赵家沟乡" and row[secretary].value:
            _set_text(row[secretary], HYPERLINK)
            break
    book.save(folder / f"党组织台账_{DAY}.xlsx")
    return folder


def import_hostile_week(store: Path, host: str = "http://evil.example") -> None:
    """Import the hostile week into store (a copy of the sample store)."""
    folder = hostile_week(store.parent / "hostile-week", host)
    done = run_module("--data-dir", store, "import", folder)
    assert done.returncode == 0, done.stdout + done.stderr
