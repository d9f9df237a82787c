"""No `None`, `nan`, `NaT` or raw float on any page or in any download; and the report layout
(`?report=1`) of every page has no widgets, no hints and every table whole.

Each page is opened in AppTest on the sample data, for the county and for
赵家沟乡. Scrolling tables draw missing values with the placeholder the page
sets, so that is checked on the element itself; the downloads are made from the
frame a table shows by the same functions the download buttons call.
"""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.conftest import open_tab, page_text, tab_labels
from tracker.present import table_display

PAGES = [
    "app_pages/overview.py",
    "app_pages/relocation.py",
    "app_pages/collective.py",
    "app_pages/party.py",
    "app_pages/funds.py",
    "app_pages/data.py",
    "app_pages/summary.py",
]
REPORT_PAGES = [p for p in PAGES if p != "app_pages/data.py"]
SCOPES = [{}, {"township": ["赵家沟乡"]}]
MISSING_WORDS = re.compile(r"\b(None|nan|NaN|NaT|null)\b")
RAW_FLOAT = re.compile(r"\d\.\d{4,}")


def _decimals(value: float) -> int:
    text = repr(float(value))
    return 0 if "e" in text else len(text.split(".")[1].rstrip("0"))


def _clean(text: str, where: str) -> None:
    missing = MISSING_WORDS.search(text)
    assert not missing, (
        f"{where}: “{missing.group()}” in …{text[max(0, missing.start() - 40) : missing.end() + 40]}…"
    )
    raw = RAW_FLOAT.search(text)
    assert not raw, f"{where}: raw float {raw.group()} in …{text[max(0, raw.start() - 40) : raw.end() + 40]}…"


@pytest.mark.parametrize("scope", SCOPES, ids=["county", "township"])
@pytest.mark.parametrize("page", PAGES)
def test_page_text_tables_and_downloads_show_no_missing_words_or_raw_floats(open_page, page, scope) -> None:
    at = open_page(page, **scope)
    tables = 0
    labels: list[str | None] = [*tab_labels(at)] or [None]
    for label in labels:  # every section of the page
        if label is not None:
            open_tab(at, label)
        _clean(page_text(at), f"{page} {label or ''}")
        tables += len(at.dataframe)
        _check_tables(at, page)
    assert tables or page in ("app_pages/summary.py",), "every page but the summary has a table"


def _check_tables(at, page: str) -> None:
    for table in at.dataframe:
        # Read-only tables show "—"; the targets editor leaves an empty cell empty to be typed in.
        expected = "" if table.proto.editing_mode else table_display.MISSING
        assert table.proto.HasField("placeholder") and table.proto.placeholder == expected, (
            f"{page}: missing values would read None"
        )
        frame: pd.DataFrame = table.value
        for column in frame.columns:
            if pd.api.types.is_float_dtype(frame[column]):
                worst = max((_decimals(v) for v in frame[column].dropna()), default=0)
                assert worst <= 2, f"{page}: column {column} shows {worst} decimals"
            elif frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
                words = " ".join(str(v) for v in frame[column].dropna())
                _clean(words, f"{page} column {column}")
        _clean(table_display.csv_bytes(frame).decode("utf-8-sig"), f"{page} CSV")
        sheet = load_workbook(io.BytesIO(table_display.xlsx_bytes(frame, "t")), read_only=True).active
        cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
        _clean(" ".join(str(c) for c in cells), f"{page} XLSX")
        assert all(_decimals(c) <= 2 for c in cells if isinstance(c, float)), f"{page} XLSX has raw floats"


def test_second_batch_villages_show_a_dash_for_the_completion_date(open_page) -> None:
    at = open_page("app_pages/relocation.py", report="1")
    html = "\n".join(h.proto.body for h in at.get("html"))
    row = re.search(r"<tr>(?:(?!</tr>).)*?第二批(?:(?!</tr>).)*?搬迁中(?:(?!</tr>).)*?</tr>", html)
    assert row, "a second-batch village still moving is listed"
    assert 'data-label="搬迁完成日期">—</td>' in row.group()


@pytest.mark.parametrize("scope", SCOPES, ids=["county", "township"])
@pytest.mark.parametrize("page", REPORT_PAGES)
def test_report_layout_has_no_widgets_hints_or_scrolling_tables(open_page, page, scope) -> None:
    at = open_page(page, report="1", **scope)
    main = at.main
    assert not main.get("dataframe"), f"{page}: a scrolling table in the report"
    for kind in ("download_button", "selectbox", "multiselect", "checkbox", "radio", "button", "expander"):
        assert not main.get(kind), f"{page}: {kind} in the report layout"
    text = page_text(at)
    _clean(text, page)
    hint = re.search(r"点击|可筛选|可下载|侧栏", text)
    assert not hint, f"{page}: hint “{hint.group()}” in the report"
    for body in (h.proto.body for h in at.get("html")):
        for declared, rows in re.findall(r'data-rows="(\d+)"[^>]*>.*?<tbody>(.*?)</tbody>', body, re.S):
            assert len(re.findall(r"<tr[ >]", rows)) == int(declared), f"{page}: a report table lost rows"
    if page == "app_pages/overview.py":
        assert "本周简报" in text and "截至2017年10月13日" in text
        ranking = re.search(r'data-name="乡镇排名[^"]*"', "\n".join(h.proto.body for h in at.get("html")))
        if not scope:
            # The whole ranking table: the 13 townships and the county's row.
            assert ranking and 'data-rows="14"' in "\n".join(h.proto.body for h in at.get("html"))
