"""Ad hoc SQL for the `sql` command: one read-only statement over the store's tables.

The statement must parse as a single SELECT (a write, ATTACH, COPY, PRAGMA or SET is
refused before it runs) that names only the store's tables (`sql_guard`: no file, no
table function that reads one, no catalog view). It then runs on the store's
locked-down reader (no file outside the snapshot folders, no extension, no
configuration change), limited to the user's scope.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import unicodedata
from pathlib import Path
from typing import Any

import duckdb

from tracker.store import sql_guard
from tracker.store.reader import Reader

ALLOWED = {"StatementType.SELECT"}


class SqlRefused(Exception):
    """A statement that is not a single read, or that failed; the message is in Chinese."""


def run_read_only(
    data_dir: Path, query: str, scope: dict[str, tuple[str, ...]] | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of one SELECT over the store (limited to scope, e.g. a user's townships)."""
    reader = Reader(data_dir, scope)
    con = reader.cursor()
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as exc:
        raise SqlRefused(f"SQL语法错误：{_first_line(exc)}") from None
    if len(statements) != 1:
        raise SqlRefused("只能执行一条查询语句")
    if str(statements[0].type) not in ALLOWED:
        raise SqlRefused("只允许只读查询（SELECT）；写入、ATTACH、COPY、SET 等语句一律拒绝")
    try:
        sql_guard.check(query, reader.public_tables())
    except sql_guard.Refused as refused:
        raise SqlRefused(str(refused)) from None
    try:
        result = con.execute(query)
        columns = [d[0] for d in result.description or []]
        return columns, result.fetchall()
    except duckdb.Error as exc:
        raise SqlRefused(f"查询失败：{_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def format_rows(columns: list[str], rows: list[tuple[Any, ...]], fmt: str) -> str:
    """Rows as an aligned table, CSV, or one JSON array of row objects."""
    if fmt == "json":
        records = [{c: _plain(v) for c, v in zip(columns, row)} for row in rows]
        return json.dumps(records, ensure_ascii=False) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_plain(v) for v in row] for row in rows])
        return buffer.getvalue()
    return _table(columns, rows)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    cells = [columns] + [["" if v is None else str(_plain(v)) for v in row] for row in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(columns))]
    lines = []
    for number, row in enumerate(cells):
        lines.append("  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths)).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append(f"（{len(rows)} 行）")
    return "\n".join(lines) + "\n"
