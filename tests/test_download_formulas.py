"""Issue 18, hole 6: formulas in downloads. Ledger text such as `=HYPERLINK("http://…","点击")` or
`=cmd|' /C calc'!A0`, and cells starting with + - @, reached the XLSX downloads as live formulas
(`<f>…</f>`) and the CSV downloads unchanged. Now every download writes such a cell as text: in the
workbook a string cell marked quote-prefix (shown as typed, never run), in the CSV with a leading
apostrophe (OWASP's rule). Checked on the tables of the pages where the attacker found them, on a
store that holds the hostile week, through the functions the download buttons call."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.conftest import open_tab
from tests.hostile_ledgers import DDE, FORMULA_VILLAGE, HYPERLINK, import_hostile_week
from tracker.present import table_display

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def hostile_store(sample_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("hostile") / "store"
    shutil.copytree(sample_store, store)
    import_hostile_week(store)
    return store


def _tables(open_page, store: Path, page: str, tab: str, **query) -> list[pd.DataFrame]:
    at = open_tab(open_page(page, store=store, **query), tab)
    return [d.value for d in at.dataframe]


def _text_cells(frame: pd.DataFrame) -> list[str]:
    return [v for column in frame.columns for v in frame[column] if isinstance(v, str)]


def _check_downloads(frame: pd.DataFrame, expected: str) -> None:
    """Both downloads of a table that shows `expected`: it is there, as text, and nothing runs."""
    assert expected in _text_cells(frame), "the hostile text reaches the table"
    data = table_display.xlsx_bytes(frame, "下载")
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet, "a formula in the workbook"
    cells = [c for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows() for c in row]
    hostile = [c for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS)]
    assert expected in [c.value for c in hostile]
    assert all(c.data_type == "s" and c.quotePrefix for c in hostile)
    rows = list(csv.reader(io.StringIO(table_display.csv_bytes(frame).decode("utf-8-sig"))))
    assert not [c for row in rows for c in row if c.startswith(FORMULA_STARTS)], (
        "a CSV cell a spreadsheet runs"
    )
    assert "'" + expected in [c for row in rows for c in row]


def test_funds_detail_downloads_write_formulas_as_text(open_page, hostile_store: Path) -> None:
    frames = _tables(open_page, hostile_store, "app_pages/funds.py", "拨付明细", as_of="2017-10-20")
    detail = next(f for f in frames if "用途" in f.columns)
    for payload in (DDE, "+1+1 追加", "-2+3 调减", "@SUM(1) 汇总"):
        _check_downloads(detail, payload)


def test_village_detail_downloads_write_formulas_as_text(open_page, hostile_store: Path) -> None:
    frames = _tables(open_page, hostile_store, "app_pages/relocation.py", "明细", as_of="2017-10-20")
    villages = next(f for f in frames if "迁入村" in f.columns)
    assert FORMULA_VILLAGE in set(villages["村名"])
    _check_downloads(villages, HYPERLINK)


def test_first_secretary_downloads_write_formulas_as_text(open_page, hostile_store: Path) -> None:
    frames = _tables(open_page, hostile_store, "app_pages/party.py", "第一书记", as_of="2017-10-20")
    secretaries = next(f for f in frames if "第一书记" in f.columns)
    _check_downloads(secretaries, HYPERLINK)


def test_negative_numbers_stay_numbers() -> None:
    frame = pd.DataFrame({"变化": [-3, 5], "说明": ["-3 户", "正常"]})
    book = openpyxl.load_workbook(io.BytesIO(table_display.xlsx_bytes(frame, "t"))).active
    assert [c.value for c in book["A"]][1:] == [-3, 5]
    assert table_display.csv_bytes(frame).decode("utf-8-sig").splitlines()[1] == "-3,'-3 户"


def test_a_table_named_after_any_village_still_downloads_as_a_workbook() -> None:
    # The drill-down's table is named after the village: Excel forbids []:*?/\ in a sheet's name.
    data = table_display.xlsx_bytes(pd.DataFrame({"户编号": ["1"]}), "[测试]村/一组:二组*搬迁户_2017-10-20")
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == ["_测试_村_一组_二组_搬迁户_2017-10-20"]
