"""The weekly document as a static HTML page in 公文 layout, for Chromium to print to A4 PDF.

Layout after GB/T 9704 (党政机关公文格式), as a county office prints a weekly report: A4, margins 37 mm
top, 35 mm bottom, 28 mm left, 26 mm right; the title centred in a large serif, the body in 16 pt
serif with a two-character indent, headings 一、二、… in bold sans, page numbers "— 1 —" at the foot
of every page and a running head with the scope, week and snapshot day. Tables repeat their header
on every page, never split a row, and never break a header, a place name or a number: cells that must
stay whole do not wrap at all, and a header breaks only where its text says (between words). A
heading is kept with what follows it, and the appendix tables start on a page of their own.

The fonts are the copies from tracker.weekly.fonts (so the PDF's text layer holds 人, 入, 户, not
Kangxi radicals), found by their family names (DocSerif, DocSans) through fontconfig.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from tracker.present import theme
from tracker.present.table_display import AUTO, cell, tidy
from tracker.weekly.document import Document, Section, Table, header_lines

# Text cells at most this long never wrap (place names, people's names, short labels); longer text may.
KEEP_WHOLE_CHARS = 12
# A cell that is a figure: 1,052 / 8,236.47 / −3 / +12 / ±0 / 70.0% / — (missing).
FIGURE = re.compile(r"^([+−\-±]?[\d,]+(\.\d+)?%?|—)$")
# The printable width: A4 less the side margins (210 − 28 − 26 mm), in CSS pixels.
CONTENT_WIDTH_PX = round(156 / 25.4 * 96)

_CSS = """
@page {{
  size: A4 portrait;
  margin: 37mm 26mm 35mm 28mm;
  @top-center {{ content: "{running_head}"; font-family: "DocSerif"; font-size: 9pt; color: #455A64;
                 vertical-align: bottom; padding-bottom: 4mm; }}
  @bottom-center {{ content: "— " counter(page) " —"; font-family: "DocSerif"; font-size: 14pt;
                    vertical-align: top; padding-top: 6mm; }}
}}
html {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
body {{ margin: 0; font-family: "DocSerif"; font-size: 16pt; line-height: 1.75; color: #000; }}
main {{ width: 100%; }}
h1 {{ font-family: "DocSerif"; font-weight: 700; font-size: 22pt; line-height: 1.5; text-align: center;
      margin: 0 0 4pt; letter-spacing: 1pt; }}
.subtitle {{ text-align: center; font-size: 14pt; margin: 0 0 14pt; }}
/* 总览's banner over section 一: what is overdue (red), then what is late with under two weeks left. */
.alert {{ font-family: "DocSans"; font-weight: 700; font-size: 14pt; line-height: 1.6; text-indent: 0;
          border-left: 4pt solid; padding: 2pt 0 2pt 8pt; margin: 0 0 6pt; }}
h2 {{ font-family: "DocSans"; font-weight: 700; font-size: 16pt; margin: 12pt 0 2pt; break-after: avoid;
      page-break-after: avoid; }}
section.appendix {{ break-before: page; }}
section.appendix h2 {{ margin-top: 0; }}
p {{ margin: 0 0 4pt; text-indent: 2em; text-align: justify; orphans: 2; widows: 2; }}
/* A heading, the paragraph that leads into its table and the table's first rows stay on one page. */
.lead {{ break-after: avoid; page-break-after: avoid; }}
p.lead {{ break-inside: avoid; page-break-inside: avoid; }}
table {{ border-collapse: collapse; width: 100%; font-size: 10pt; line-height: 1.35; margin: 4pt 0 2pt;
         break-before: avoid; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; page-break-inside: avoid; }}
th, td {{ border: 0.75pt solid #000; padding: 2.5pt 3pt; vertical-align: middle; }}
th {{ font-family: "DocSans"; font-weight: 700; text-align: center; white-space: nowrap; background: #F2F2F2; }}
td.num {{ text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }}
td.keep {{ white-space: nowrap; }}
/* Longer text wraps between words and at punctuation, not between any two characters (胡宇婷 / （县委常委、/ 县委办公室主任）). */
td.wrap {{ word-break: keep-all; overflow-wrap: break-word; }}
tr.emphasis td {{ font-weight: 700; }}
td.status {{ font-weight: 700; }}
.caption {{ font-family: "DocSans"; font-weight: 700; text-indent: 0; margin: 6pt 0 0; }}
.note {{ font-size: 10.5pt; text-indent: 0; color: #333; margin: 0 0 6pt; }}
"""


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _header_cell(text: str, attrs: str = "") -> str:
    # A header breaks only where its text says (between words); the cell itself never wraps.
    lines = "<br>".join(html.escape(line) for line in text.split("\n"))
    return f"<th{attrs}>{lines}</th>"


def _head(columns: Sequence[object]) -> str:
    pairs = [header_lines(c) for c in columns]
    if not any(group for group, _ in pairs):
        return "<tr>" + "".join(_header_cell(name) for _, name in pairs) + "</tr>"
    top, bottom, n = [], [], 0
    while n < len(pairs):
        group, name = pairs[n]
        if not group:
            top.append(_header_cell(name, ' rowspan="2"'))
            n += 1
            continue
        span = 1
        while n + span < len(pairs) and pairs[n + span][0] == group:
            span += 1
        top.append(_header_cell(group, f' colspan="{span}"'))
        bottom += [_header_cell(pairs[k][1]) for k in range(n, n + span)]
        n += span
    return "<tr>" + "".join(top) + "</tr><tr>" + "".join(bottom) + "</tr>"


def column_kinds(table: Table) -> list[str]:
    """Per column: num (figures, right-aligned, never wrapped), keep (short text, never wrapped) or wrap
    (longer text, which may wrap). A column of text that is all figures (1,052 / −3 / 70.0%) is num."""
    kinds = []
    for column in table.frame.columns:
        fmt = table.formats.get(column, AUTO)
        texts = [cell(v, fmt) for v in table.frame[column]]
        if all(FIGURE.match(t) for t in texts):
            kinds.append("num")
        else:
            kinds.append("keep" if max(map(len, texts), default=0) <= KEEP_WHOLE_CHARS else "wrap")
    return kinds


def status_colour(column: object, text: str) -> str | None:
    """The colour of a cell of a status column (状态): its word's (theme.LABEL_COLOURS), else None."""
    if not theme.is_status_column(header_lines(column)[1]):
        return None
    return theme.LABEL_COLOURS.get(text)


def table_html(table: Table, name: str) -> str:
    """Every row of the table; a status column's words (状态) in their colours."""
    shown = tidy(table.frame, {c: f for c, f in table.formats.items()})  # type: ignore[misc]
    columns = list(shown.columns)
    kinds = column_kinds(table)
    body = []
    for n, record in enumerate(shown.itertuples(index=False, name=None)):
        cells = []
        for column, kind, value in zip(columns, kinds, record, strict=True):
            text = cell(value, table.formats.get(column, AUTO))
            colour = status_colour(column, text)
            style = f' style="color:{colour}"' if colour else ""
            classes = f"{kind} status" if colour else kind
            cells.append(f'<td class="{classes}"{style}>{html.escape(text)}</td>')
        row_class = ' class="emphasis"' if n in table.emphasis else ""
        body.append(f"<tr{row_class}>{''.join(cells)}</tr>")
    note = f'<p class="note">{html.escape(table.note)}</p>' if table.note else ""
    caption = f'<p class="caption lead">{html.escape(table.caption)}</p>' if table.caption else ""
    return (
        f'{caption}<table data-name="{html.escape(name)}" data-rows="{len(shown)}"><thead>{_head(columns)}</thead>'
        f"<tbody>{''.join(body)}</tbody></table>{note}"
    )


def _section(section: Section) -> str:
    kind = "appendix" if section.appendix else "body"
    paragraphs = [f"<p>{html.escape(p)}</p>" for p in section.paragraphs]
    if section.tables and paragraphs:
        # The paragraph that leads into a table stays with it (and with the heading).
        paragraphs[-1] = paragraphs[-1].replace("<p>", '<p class="lead">', 1)
    tables = [table_html(t, section.title) for t in section.tables]
    heading = f'<h2 class="lead">{html.escape(section.heading)}</h2>'
    return f'<section class="{kind}">{heading}{"".join(paragraphs)}{"".join(tables)}</section>'


def _alerts(doc: Document) -> str:
    return "".join(
        f'<p class="alert" style="color:{a.colour};border-color:{a.colour}">'
        f"【{html.escape(a.heading)}】{html.escape(a.text)}</p>"
        for a in doc.alerts
    )


def document_html(doc: Document) -> str:
    """The whole document as one HTML page (its fonts by name: Chromium must run with DocumentFonts'
    environment)."""
    css = _CSS.format(running_head=_css_string(doc.running_head))
    sections = "".join(_section(s) for s in doc.sections)
    return (
        f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{html.escape(doc.title)}</title>"
        f"<style>{css}</style></head><body><main><h1>{html.escape(doc.title)}</h1>"
        f'<div class="subtitle">{html.escape(doc.subtitle)}</div>{_alerts(doc)}{sections}</main></body></html>'
    )


# Run in the page (print media, at the printable width) before the check: a table wider than the page
# (long labels, many columns) is set smaller, half a point at a time, down to 7.5 pt, rather than cut.
FIT_JS = """
() => {
  const width = document.querySelector('main').getBoundingClientRect().width;
  for (const table of document.querySelectorAll('table')) {
    let size = parseFloat(getComputedStyle(table).fontSize) * 72 / 96;
    while (table.getBoundingClientRect().width > width + 0.5 && size > 7.5) {
      size -= 0.5;
      table.style.fontSize = size + 'pt';
    }
  }
}
"""

# Run in the page (print media, at the printable width) before it is printed: anything wider than the
# page, or a cell that must stay whole but is cut, .
CHECK_JS = """
() => {
  const problems = [];
  const width = document.querySelector('main').getBoundingClientRect().width;
  for (const table of document.querySelectorAll('table')) {
    const w = table.getBoundingClientRect().width;
    if (w > width + 0.5) problems.push(`表格“${table.dataset.name}”宽于版心（${Math.round(w)} > ${Math.round(width)} 像素）`);
    const rows = table.querySelectorAll('tbody tr').length;
    if (rows !== Number(table.dataset.rows)) problems.push(`表格“${table.dataset.name}”少了行（${rows}/${table.dataset.rows}）`);
  }
  for (const c of document.querySelectorAll('th, td.keep, td.num')) {
    if (c.scrollWidth > c.clientWidth + 1) problems.push(`单元格“${c.innerText.slice(0, 20)}”放不下`);
  }
  return problems;
}
"""
