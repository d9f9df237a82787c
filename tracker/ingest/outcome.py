"""What an import did: each sheet's fate, the row errors, and each (table, day) before and after."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tracker.ingest import coverage
from tracker.ingest.parsed import RowError


@dataclass
class SheetResult:
    """What became of one sheet of one file."""

    file: str
    sheet: str | None
    table: str
    as_of: dt.date
    accepted: int
    rejected: int
    totals_dropped: int
    members_dropped: int
    unknown_columns: list[str]
    sha256: str
    guessed: bool = True  # the record type came from the headers, not from --table
    evidence: list[str] = field(default_factory=list)  # the headers that made the record type
    township_from: str | None = None  # "文件名：赵家沟乡" when no column names the township


@dataclass
class Outcome:
    """The result of one import invocation."""

    status: int = 0  # 0 imported, 1 refused for row errors, 2 unusable file, arguments or a shrink
    sheets: list[SheetResult] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    county_imported: bool = False
    changes: list[coverage.Change] = field(default_factory=list)  # each (table, day) before and after
    replace_all: bool = False
    allow_growth: bool = False  # the clerk said a scope more than doubling is real

    @property
    def landed(self) -> bool:
        """Whether the store changed."""
        return self.status == 0

    @property
    def refused_shrinks(self) -> list[coverage.Change]:
        """The changes the shrink guard refused."""
        return [c for c in self.changes if c.refused]
