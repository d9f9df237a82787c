"""The weekly document (周报) as content: a title, sections of paragraphs and tables, and appendix tables.

The writers (tracker.weekly.document_html for the PDF, tracker.weekly.document_docx for Word) draw the
same Document, so the PDF and the .docx say the same thing. A section is one call:

    doc.table_section("督办清单", frame, lead="…")          # a numbered section with a table
    doc.table_section("第一书记名单", frame, appendix=True)  # an appendix table (附表n)

where `frame` is a DataFrame whose columns are the table's headers (a 2-tuple column, (group, name),
puts `group` over its columns; a "\n" in a header is where it may break between words, nowhere else)
and whose values are shown as tracker.present.table_display shows them (numbers to their precision,
dates as 2017年10月13日, a missing value as —). A column headed 状态 holds the status rule's words
(已完成 / 按期 / 滞后 / 逾期); the writers colour each in its colour (tracker.present.theme).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from tracker.contract import formatting
from tracker.present.deadlines import Alert
from tracker.present.table_display import ColumnFormat

NUMERALS = "一二三四五六七八九十"


@dataclass
class Table:
    """A table of a section: every row of `frame`, none left out."""

    frame: pd.DataFrame
    formats: Mapping[object, ColumnFormat] = field(default_factory=dict)
    emphasis: Sequence[int] = ()  # rows drawn bold (a total row)
    note: str = ""  # a line under the table (source, what a symbol means)
    caption: str = ""  # a line over it, kept with it (（一）搬迁村（5项）)


@dataclass
class Section:
    """A numbered section (一、二、…) or an appendix table (附表1 …)."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    appendix: bool = False
    number: int = 0

    def table(
        self,
        frame: pd.DataFrame,
        *,
        caption: str = "",
        formats: Mapping[object, ColumnFormat] | None = None,
        note: str = "",
    ) -> None:
        """Another table in this section, under a caption of its own (a section of two lists)."""
        self.tables.append(Table(frame.reset_index(drop=True), formats or {}, (), note, caption))

    @property
    def heading(self) -> str:
        """The heading as printed: 二、主要指标完成情况 / 附表1　集体经济收入为零的村."""
        if self.appendix:
            return f"附表{self.number}　{self.title}"
        return f"{_numeral(self.number)}、{self.title}"


@dataclass
class Document:
    """One scope's weekly report as a document."""

    title: str  # 河曲县脱贫攻坚周报
    issue: str  # 2017年第41周
    scope: str  # 全县 / 赵家沟乡
    as_of: dt.date
    sections: list[Section] = field(default_factory=list)
    # What is overdue, then what is late with under two weeks left: 总览's banner, over section 一.
    alerts: list[Alert] = field(default_factory=list)

    @property
    def subtitle(self) -> str:
        """The line under the title: scope, week and the snapshot day."""
        return f"{self.scope} · {self.issue}（数据截至{formatting.day(self.as_of)}）"

    @property
    def running_head(self) -> str:
        """The line over every page."""
        return f"{self.title} · {self.scope} · {self.issue}（数据截至{formatting.day(self.as_of)}）"

    @property
    def body(self) -> list[Section]:
        """The numbered sections, in order."""
        return [s for s in self.sections if not s.appendix]

    @property
    def appendix(self) -> list[Section]:
        """The appendix tables, in order."""
        return [s for s in self.sections if s.appendix]

    def section(self, title: str, *paragraphs: str) -> Section:
        """A numbered section of paragraphs (empty ones are left out)."""
        section = Section(title, [p for p in paragraphs if p], number=len(self.body) + 1)
        self.sections.append(section)
        return section

    def appendix_section(self, title: str) -> Section:
        """An appendix section whose tables are added to it (Section.table)."""
        section = Section(title, appendix=True, number=len(self.appendix) + 1)
        self.sections.append(section)
        return section

    def table_section(
        self,
        title: str,
        frame: pd.DataFrame,
        *,
        lead: str = "",
        formats: Mapping[object, ColumnFormat] | None = None,
        emphasis: Sequence[int] = (),
        note: str = "",
        appendix: bool = False,
        empty: str = "无。",
    ) -> Section:
        """A section holding one table (and a paragraph before it); an appendix table with appendix=True.

        An empty frame gives the section the sentence `empty` instead of a table."""
        number = len(self.appendix if appendix else self.body) + 1
        section = Section(title, [lead] if lead else [], appendix=appendix, number=number)
        if frame.empty:
            section.paragraphs.append(empty)
        else:
            section.tables.append(Table(frame.reset_index(drop=True), formats or {}, emphasis, note))
        self.sections.append(section)
        return section

    def headings(self) -> list[str]:
        """Every heading, in order (the PDF check: none may stand alone at a page's foot)."""
        return [s.heading for s in self.sections]


def _numeral(number: int) -> str:
    if 1 <= number <= 10:
        return NUMERALS[number - 1]
    if number < 20:
        return "十" + NUMERALS[number - 11]
    return str(number)


def header_lines(column: object) -> tuple[str, str]:
    """(group, name) of a column: the group over it ("" for none) and its own header."""
    if isinstance(column, tuple):
        return str(column[0]), str(column[1])
    return "", str(column)
