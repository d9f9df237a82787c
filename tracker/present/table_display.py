"""How a table's cells are shown: numbers rounded to their unit's precision, missing values as "—",
and, for the weekly report, the whole table as static HTML.

A desktop page draws a table as a data grid (st.dataframe) and offers it for download;
the report cannot scroll, and a phone has no room for a grid's columns, so they draw its
rows as an HTML table that a phone shows as one card per row. Both start from `tidy`, so the page, the downloads and the report show
the same figures: no float with more digits than its unit has, no `None`,
`nan` or `NaT`.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tracker.contract import formatting
from tracker.contract.missing import is_missing
from tracker.present import theme

MISSING = "—"
# More columns than this and a phone shows each row as a card of "label value" lines.
PHONE_TABLE_COLUMNS = 7


@dataclass(frozen=True)
class ColumnFormat:
    """How one column is shown: a number with `decimals` (None: as many as the values need, at most 2),
    a percentage, a date (`style` "cn" 2017年10月13日 or "iso" 2017-10-13), or text."""

    kind: str = "auto"  # auto, number, percent, date, text
    decimals: int | None = None
    grouping: bool = True
    style: str = "cn"


AUTO = ColumnFormat()
MAX_DECIMALS = 2


def _decimals(series: pd.Series, fmt: ColumnFormat) -> int:
    if fmt.decimals is not None:
        return fmt.decimals
    values = series.dropna()
    whole = bool(((values - values.round(0)).abs() < 1e-9).all()) if len(values) else True
    return 0 if whole else MAX_DECIMALS


def tidy(frame: pd.DataFrame, formats: Mapping[str, ColumnFormat] | None = None) -> pd.DataFrame:
    """The frame as it is shown and downloaded: float columns rounded to their precision, and those
    that hold whole numbers only turned into (nullable) integers."""
    formats = formats or {}
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if not pd.api.types.is_float_dtype(series.dtype):
            continue
        fmt = formats.get(column, AUTO)
        if fmt.kind in ("date", "text"):
            continue
        digits = _decimals(series, fmt)
        out[column] = series.round(0).astype("Int64") if digits == 0 else series.round(digits)
    return out


def cell(value: object, fmt: ColumnFormat = AUTO) -> str:
    """One value as text: 1,234 / 71.9 / 71.9% / 2017年10月13日 / — for a missing value."""
    if is_missing(value):
        return MISSING
    if isinstance(value, dt.date):  # datetime and pandas' Timestamp are dates too
        day = value.date() if isinstance(value, dt.datetime) else value
        return day.isoformat() if fmt.style == "iso" else formatting.day(day)
    if isinstance(value, bool | np.bool_):
        return "是" if value else "否"
    if fmt.kind != "text" and isinstance(value, numbers.Real):
        number = float(value)
        digits = fmt.decimals
        if digits is None:
            digits = 0 if abs(number - round(number)) < 1e-9 else MAX_DECIMALS
        body = f"{number:,.{digits}f}" if fmt.grouping else f"{number:.{digits}f}"
        return body + ("%" if fmt.kind == "percent" else "")
    return str(value)


def _day_text(value: object, with_time: bool) -> object:
    if is_missing(value):
        return None
    if not isinstance(value, dt.date):
        return value
    text = formatting.day(value)
    if with_time and isinstance(value, dt.datetime):
        text += f" {value:%H:%M}"
    return text


def dates_as_text(frame: pd.DataFrame, time_zone: str = "Asia/Shanghai") -> pd.DataFrame:
    """Date and time columns as leaders write them (2017年10月12日, 2017年10月12日 14:05), for showing:
    one date style on every page, whatever the grid's own formats would do with the column's type."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            series = series.dt.tz_convert(time_zone).dt.tz_localize(None)
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            values = list(series.dt.to_pydatetime())
        elif series.dtype == object and series.map(lambda v: isinstance(v, dt.date)).any():
            values = list(series)
        else:
            continue
        with_time = any(
            isinstance(v, dt.datetime) and v.time() != dt.time() for v in values if not is_missing(v)
        )
        out[column] = pd.Series([_day_text(v, with_time) for v in values], index=out.index, dtype=object)
    return out


def _numeric(series: pd.Series, fmt: ColumnFormat) -> bool:
    return fmt.kind in ("number", "percent") or (
        fmt.kind == "auto"
        and pd.api.types.is_numeric_dtype(series.dtype)
        and not pd.api.types.is_bool_dtype(series)
    )


def _td(column: object, value: object, numeric: bool, fmt: ColumnFormat) -> str:
    style = theme.status_cell_css(value) if theme.is_status_column(column) else ""
    return (
        f'<td class="{"num" if numeric else ""}" data-label="{html.escape(str(column))}"'
        + (f' style="{style}"' if style else "")
        + f">{html.escape(cell(value, fmt))}</td>"
    )


def to_html(
    frame: pd.DataFrame,
    name: str,
    formats: Mapping[str, ColumnFormat] | None = None,
    total_rows: int = 0,
    total: int | None = None,
) -> str:
    """Every row of the frame as a static HTML table; `data-rows` says how many rows it must show
    (tracker.weekly.report_checks compares it with the rows drawn), `data-total` how many the whole
    table has when this is one page of it. A status column's cells take their status's colour; the
    last `total_rows` rows are totals (bold, ruled off)."""
    formats = formats or {}
    shown = tidy(frame, formats)
    columns = list(shown.columns)
    numeric = {c: _numeric(shown[c], formats.get(c, AUTO)) for c in columns}
    head = "".join(f'<th class="{"num" if numeric[c] else ""}">{html.escape(str(c))}</th>' for c in columns)
    rows = []
    first_total = len(shown) - total_rows
    for number, record in enumerate(shown.itertuples(index=False, name=None)):
        cells = "".join(_td(c, v, numeric[c], formats.get(c, AUTO)) for c, v in zip(columns, record))
        rows.append(f'<tr class="total">{cells}</tr>' if number >= first_total else f"<tr>{cells}</tr>")
    layout = "wide" if len(columns) > PHONE_TABLE_COLUMNS else "narrow"
    return (
        f'<div class="report-table-box"><table class="report-table {layout}" data-rows="{len(shown)}" '
        f'data-total="{len(shown) if total is None else total}" data-name="{html.escape(name)}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
    )


def _writer(fmt: ColumnFormat) -> Any:
    return lambda value: cell(value, fmt)


def styled(
    frame: pd.DataFrame, formats: Mapping[str, ColumnFormat] | None = None, total_rows: int = 0
) -> Any:
    """The frame as a pandas Styler for st.dataframe: each cell written as `cell` writes it (as in
    the report), status cells in their status's colour, the last `total_rows` rows bold."""
    formats = formats or {}
    styler = frame.style.format({c: _writer(formats.get(c, AUTO)) for c in frame.columns})
    status_columns = [c for c in frame.columns if theme.is_status_column(c)]
    if status_columns:
        styler = styler.map(theme.status_cell_css, subset=status_columns)
    if total_rows:
        totals = frame.index[len(frame) - total_rows :]
        styler = styler.map(lambda _: "font-weight: 700", subset=pd.IndexSlice[totals, :])
    return styler


# A text cell starting with one of these is a formula to Excel, WPS and LibreOffice (OWASP, "CSV
# injection"): a ledger's `=HYPERLINK("http://…")` or `=cmd|' /C calc'!A0` would run in a leader's
# spreadsheet. Every download writes such a cell as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value: object) -> object:
    """A text cell a spreadsheet would take for a formula, with a leading apostrophe (OWASP's rule for
    CSV: the spreadsheet then shows the text); any other value unchanged."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _formula_like(series: pd.Series) -> np.ndarray:
    """Which cells of a column are text a spreadsheet would take for a formula."""
    if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_datetime64_any_dtype(series.dtype):
        return np.zeros(len(series), dtype=bool)
    return np.array([isinstance(v, str) and v.startswith(FORMULA_STARTS) for v in series], dtype=bool)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The table as CSV in UTF-8 with a BOM (Excel opens it), missing values as empty cells, and no
    text cell a spreadsheet would run as a formula."""
    safe = frame.copy()
    for position, column in enumerate(frame.columns):
        risky = _formula_like(frame[column])
        if risky.any():
            safe.isetitem(position, frame[column].astype(object).where(~risky, frame[column].map(as_text)))
    safe.columns = [as_text(c) for c in frame.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")


def neutralised_csv(data: bytes) -> bytes:
    """A CSV written elsewhere (UTF-8), with the same rule as csv_bytes applied to every cell."""
    text = data.decode("utf-8-sig")
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(
        [as_text(c) for c in row] for row in csv.reader(io.StringIO(text, newline=""))
    )
    return ("\ufeff" if data.startswith(b"\xef\xbb\xbf") else "").encode() + buffer.getvalue().encode("utf-8")


def xlsx_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    """The table as an Excel workbook of one sheet (its name cut to Excel's 31 characters); a text
    cell that looks like a formula is written as text (a string cell marked "quote prefix", as Excel
    marks one typed with a leading apostrophe), so it shows as typed and never runs."""
    frame = frame.copy()
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            # Excel has no time zones: the wall-clock time where it was recorded (Asia/Shanghai).
            frame[column] = frame[column].dt.tz_localize(None)
    buffer = io.BytesIO()
    # A sheet's name comes from the table's, which may hold a village's: Excel forbids []:*?/\ in it.
    name = re.sub(r"[\[\]:*?/\\]", "_", sheet)[:31] or "Sheet1"
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=name, index=False)
        ws = writer.sheets[name]
        cells = [(1, j) for j, c in enumerate(frame.columns) if as_text(c) != c]
        for j, column in enumerate(frame.columns):
            cells += [(2 + int(i), j) for i in np.flatnonzero(_formula_like(frame[column]))]
        for row, j in cells:
            cell = ws.cell(row=row, column=j + 1)
            cell.data_type = "s"  # openpyxl made a formula of a text starting with "="
            cell.quotePrefix = True
    return buffer.getvalue()
