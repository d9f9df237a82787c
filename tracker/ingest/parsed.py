"""What parsing a sheet's rows gives: the records column by column, and every row error, located."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from tracker.contract import schema
from tracker.contract.cell_text import clean_text
from tracker.contract.county import County
from tracker.ingest import personal


@dataclass(frozen=True)
class RowError:
    """One reason a row cannot be imported, located as the clerk sees the file in Excel."""

    file: str
    sheet: str | None
    row: int
    column: str
    value: str
    reason: str

    def describe(self) -> str:
        """One line in Chinese: where, which value, why."""
        where = f"{self.file}" + (f"［{self.sheet}］" if self.sheet else "")
        column = f"“{self.column}”列" if self.column else ""
        value = f"值“{self.value}”：" if self.value else ""
        return f"{where} 第{self.row}行 {column}{value}{self.reason}"


@dataclass
class ParsedRows:
    """The outcome for one sheet: accepted records column by column, and the rest."""

    table: str
    records: dict[str, pa.Array]
    row_numbers: list[int]
    errors: list[RowError] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)
    rejected_cells: set[tuple[int, str]] = field(default_factory=set)
    totals_dropped: int = 0
    members_dropped: int = 0


@dataclass
class RowContext:
    """Where the rows come from (for their errors) and what parsing them needs."""

    file: str
    sheet: str | None
    headers: dict[str, str]  # canonical column -> header as written
    county: County
    key: bytes


def shown(col: schema.Column, cell: Any) -> str:
    """A cell as an error message may show it: personal data never in clear."""
    if col.kind == "id_number":
        return personal.redact_id_number(cell)
    if col.kind == "person_name":
        return personal.mask_name(cell) or ""
    text = clean_text(cell)
    if text is None:
        return ""
    return text if len(text) <= 60 else text[:57] + "…"


def reject(out: ParsedRows, ctx: RowContext, position: Any, column: str, value: Any, reason: str) -> None:
    """Set a row aside with the reason one of its cells breaks a rule (the row stays out of the records)."""
    position = int(position)
    header = ctx.headers.get(column, column)
    out.errors.append(RowError(ctx.file, ctx.sheet, out.row_numbers[position], header, value or "", reason))
    out.rejected_rows.add(position)
    out.rejected_cells.add((position, column))
