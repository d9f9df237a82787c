"""The weekly document as a Word file (.docx, python-docx), in the same 公文 layout as the PDF.

Fonts are named as Chinese offices have them (宋体 for the title, 仿宋 for the body, 黑体 for headings
and table headers); Word takes the document's own settings for the rest: A4 with GB/T 9704's margins,
headings kept with the next paragraph, table header rows repeated on every page, rows never split
across pages, header cells and short cells never wrapped (a header breaks only where its text says),
the appendix tables each on a new page, the running head above and "— 1 —" page numbers below.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from tracker.present.table_display import AUTO, cell, tidy
from tracker.weekly.document import Document, Section, Table, header_lines
from tracker.weekly.document_html import column_kinds, status_colour

LATIN = "Times New Roman"
TITLE_FONT, BODY_FONT, HEADING_FONT = "宋体", "仿宋", "黑体"
BODY_PT, TITLE_PT, TABLE_PT, HEAD_PT = 16, 22, 10, 9


def _font(run, east_asia: str, size: float, bold: bool = False, colour: str | None = None) -> None:  # noqa: ANN001
    run.font.name = LATIN
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#"))


def _field(paragraph, code: str) -> None:  # noqa: ANN001
    """A Word field (PAGE): begin, instruction, end, so Word fills in the number."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    _font(run, BODY_FONT, 14)


def _page(doc, document: Document) -> None:  # noqa: ANN001
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(20), Mm(22)
    head = section.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(head.add_run(document.running_head), BODY_FONT, HEAD_PT, colour="#455A64")
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(foot.add_run("— "), BODY_FONT, 14)
    _field(foot, "PAGE")
    _font(foot.add_run(" —"), BODY_FONT, 14)


def _styles(doc) -> None:  # noqa: ANN001
    normal = doc.styles["Normal"]
    normal.font.name = LATIN
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    heading = doc.styles["Heading 1"]
    heading.font.name = LATIN
    heading.font.size = Pt(BODY_PT)
    heading.font.bold = True
    heading.font.color.rgb = RGBColor(0, 0, 0)
    heading.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), HEADING_FONT)
    heading.paragraph_format.keep_with_next = True
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.space_after = Pt(2)


def _no_wrap(cell_) -> None:  # noqa: ANN001
    properties = cell_._tc.get_or_add_tcPr()
    element = OxmlElement("w:noWrap")
    properties.append(element)


def _row_flags(row, header: bool) -> None:  # noqa: ANN001
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))  # a row is never split across pages
    if header:
        properties.append(OxmlElement("w:tblHeader"))  # repeated at the top of every page


def _write_cell(
    cell_, text: str, bold: bool = False, align=None, colour: str | None = None, font=BODY_FONT
) -> None:  # noqa: ANN001
    paragraph = cell_.paragraphs[0]
    paragraph.paragraph_format.line_spacing = 1.0
    paragraph.paragraph_format.first_line_indent = Pt(0)
    if align is not None:
        paragraph.alignment = align
    lines = text.split("\n")
    for n, line in enumerate(lines):
        run = paragraph.add_run(line)
        _font(run, font, TABLE_PT, bold, colour)
        if n < len(lines) - 1:
            run.add_break()  # the one place a header may break: between its words


def _header(table, columns: list[object]) -> int:  # noqa: ANN001
    """The header row(s); how many rows they take."""
    pairs = [header_lines(c) for c in columns]
    grouped = any(group for group, _ in pairs)
    rows = 2 if grouped else 1
    for r in range(rows):
        _row_flags(table.rows[r], header=True)
    for n, (group, name) in enumerate(pairs):
        top = table.cell(0, n)
        if not grouped:
            _write_cell(top, name, True, WD_ALIGN_PARAGRAPH.CENTER, font=HEADING_FONT)
        elif not group:
            merged = top.merge(table.cell(1, n))
            _write_cell(merged, name, True, WD_ALIGN_PARAGRAPH.CENTER, font=HEADING_FONT)
        else:
            _write_cell(table.cell(1, n), name, True, WD_ALIGN_PARAGRAPH.CENTER, font=HEADING_FONT)
    if grouped:
        n = 0
        while n < len(pairs):
            group = pairs[n][0]
            span = 1
            while group and n + span < len(pairs) and pairs[n + span][0] == group:
                span += 1
            if group:
                merged = table.cell(0, n).merge(table.cell(0, n + span - 1)) if span > 1 else table.cell(0, n)
                _write_cell(merged, group, True, WD_ALIGN_PARAGRAPH.CENTER, font=HEADING_FONT)
            n += span
    for row in table.rows[:rows]:
        for c in row.cells:
            _no_wrap(c)
    return rows


def _table(doc, table: Table) -> None:  # noqa: ANN001
    if table.caption:
        caption = doc.add_paragraph()
        caption.paragraph_format.keep_with_next = True  # the caption stays with its table
        _font(caption.add_run(table.caption), HEADING_FONT, BODY_PT, bold=True)
    shown = tidy(table.frame, dict(table.formats))  # type: ignore[arg-type]
    columns = list(shown.columns)
    kinds = column_kinds(table)
    grouped = any(header_lines(c)[0] for c in columns)
    out = doc.add_table(rows=(2 if grouped else 1) + len(shown), cols=len(columns))
    out.style = "Table Grid"
    out.alignment = WD_TABLE_ALIGNMENT.CENTER
    first = _header(out, columns)
    for n, record in enumerate(shown.itertuples(index=False, name=None)):
        row = out.rows[first + n]
        _row_flags(row, header=False)
        for k, (column, kind, value) in enumerate(zip(columns, kinds, record, strict=True)):
            target = row.cells[k]
            text = cell(value, table.formats.get(column, AUTO))
            colour = status_colour(column, text)  # a status word in its colour, bold
            align = WD_ALIGN_PARAGRAPH.RIGHT if kind == "num" else None
            _write_cell(target, text, n in table.emphasis or colour is not None, align, colour)
            if kind != "wrap":
                _no_wrap(target)
    if table.note:
        note = doc.add_paragraph()
        _font(note.add_run(table.note), BODY_FONT, 10.5)


def _section(doc, section: Section) -> None:  # noqa: ANN001
    if section.appendix:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    heading = doc.add_heading(level=1)
    _font(heading.add_run(section.heading), HEADING_FONT, BODY_PT, bold=True, colour="#000000")
    for text in section.paragraphs:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
        if section.tables:
            paragraph.paragraph_format.keep_with_next = True  # the lead stays with its table
        _font(paragraph.add_run(text), BODY_FONT, BODY_PT)
    for table in section.tables:
        _table(doc, table)


def write_docx(document: Document, path: Path) -> None:
    """Write the document as .docx to path."""
    doc = new_docx()
    _styles(doc)
    _page(doc, document)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(document.title), TITLE_FONT, TITLE_PT, bold=True)
    subtitle = doc.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(subtitle.add_run(document.subtitle), BODY_FONT, 14)
    for alert in document.alerts:  # 总览's banner over section 一: overdue first, then urgent
        line = doc.add_paragraph()
        _font(
            line.add_run(f"【{alert.heading}】{alert.text}"), HEADING_FONT, 14, bold=True, colour=alert.colour
        )
    for section in document.sections:
        _section(doc, section)
    doc.core_properties.title = f"{document.title}（{document.scope}，{document.issue}）"
    doc.core_properties.author = "县级脱贫攻坚进度看板"
    doc.save(str(path))
