"""How big a workbook's sheets really are, read before any reader allocates for them.

A reader (calamine) makes a sheet one dense grid from A1 to its farthest cell: one cell
written at XFD1048576 in a 17 KB file asks for 16,384 x 1,048,576 cells (512 GB), and
the process dies. So before the workbook is opened, each sheet's XML is streamed out of
the zip (never held whole) and its tags counted: the farthest row and column any cell
with content names (or implies, for a cell or row written without a reference), the
number of such cells, and the size the sheet declares (`<dimension ref=...>`). A sheet
whose grid is out of proportion to what it holds is refused, naming the sheet and its
size:

    grid cells <= max(SHEET_CELLS_FLOOR, SHEET_CELLS_PER_VALUE x cells with content),
    and never more than MAX_SHEET_CELLS.

A real ledger is dense (its grid is about the cells it holds); a title row merged over
twenty columns or a few blank columns stay far inside the bound. Empty styled cells
(`<c r="X9" s="1"/>`) are not counted either way: the reader skips them too.

A legacy .xls is measured the same way from its BIFF records (`check_xls`).

The XML is scanned with a regular expression over the bytes, not parsed: it needs only
three tags' attributes, and a parser's callback per cell costs ten times as long on a
province's sheet. Tags cannot contain `<`, so a chunk is scanned up to its last `<` and
the rest carried over.
"""

from __future__ import annotations

import os
import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

import olefile

# A small sheet passes whatever its shape (TRACKER_SHEET_CELLS_FLOOR): 2 million grid cells cost a
# reader about 100 MB.
SHEET_CELLS_FLOOR = 2_000_000
# A sheet's grid may be this many times the cells it holds (a sparse layout, wide merged titles).
SHEET_CELLS_PER_VALUE = 20
# No sheet above this, however full (TRACKER_MAX_SHEET_CELLS): about 1.6 GB in the reader.
MAX_SHEET_CELLS = 50_000_000
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
_CHUNK = 1 << 20
# A tag longer than this is no spreadsheet's (its attributes would be megabytes).
_MAX_TAG = 1 << 20
_WORKBOOK_PARTS_MAX = 20_000_000

# No "<" inside a tag (XML allows none), so a failed match stops at the next tag: linear time.
_TAG = re.compile(
    rb"<(?:[A-Za-z_][\w.\-]*:)?(row|c|dimension)(?=[\s/>])((?:[^<>\"']|\"[^\"<]*\"|'[^'<]*')*)>"
)
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(dimension)(\s[^<>]*)>")
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"')
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
_EMPTY_CELL = re.compile(rb"<c [^<>]*/>")
_ATTR_R = re.compile(rb"(?:^|\s)r\s*=\s*[\"']([A-Za-z]*)([0-9]*)[\"']")
_ATTR_REF = re.compile(rb"(?:^|\s)ref\s*=\s*[\"']([^\"']*)[\"']")
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class SheetTooLarge(Exception):
    """A sheet whose size is out of proportion to its content; the message is in Chinese."""


@dataclass
class SheetSize:
    """What a sheet's XML says about its size."""

    rows: int = 0  # the farthest row a cell with content is in
    columns: int = 0  # the farthest column
    cells: int = 0  # cells with content
    declared_rows: int = 0  # from <dimension ref=...>
    declared_columns: int = 0

    @property
    def grid(self) -> int:
        """Cells a reader allocates for the sheet (from A1 to the farthest cell)."""
        return self.rows * self.columns


def limit_for(cells: int) -> int:
    """The largest grid a sheet holding `cells` cells with content may have."""
    ceiling = int(os.environ.get("TRACKER_MAX_SHEET_CELLS", MAX_SHEET_CELLS))
    floor = int(os.environ.get("TRACKER_SHEET_CELLS_FLOOR", SHEET_CELLS_FLOOR))
    return min(max(floor, SHEET_CELLS_PER_VALUE * cells), ceiling)


def check_workbook(archive: zipfile.ZipFile) -> None:
    """Refuse (SheetTooLarge) a workbook one of whose sheets is out of bounds."""
    names = set(archive.namelist())
    if any(n.lower().endswith(".bin") and n.lower().startswith("xl/worksheets/") for n in names):
        raise SheetTooLarge("这是Excel二进制工作簿（xlsb），无法检查；请另存为xlsx或csv后重新导入")
    for part, sheet in _sheet_parts(archive, names).items():
        size = measure(archive, part)
        _judge(sheet, size)


def measure(archive: zipfile.ZipFile, part: str) -> SheetSize:
    """The size of one sheet, streamed out of the zip.

    First quickly, taking every cell's reference as written (empty ones too, so the
    grid found is never smaller than the reader's); only a sheet that looks too large
    is measured again cell by cell, without the empty ones, before it is refused."""
    size = _scan(archive, part, quick=True)
    if _fits(size):
        return size
    return _scan(archive, part, quick=False)


def _fits(size: SheetSize) -> bool:
    allowed = limit_for(size.cells)
    return all(
        rows * columns <= allowed and rows <= EXCEL_ROWS and columns <= EXCEL_COLUMNS
        for rows, columns in ((size.rows, size.columns), (size.declared_rows, size.declared_columns))
    )


def _scan(archive: zipfile.ZipFile, part: str, quick: bool) -> SheetSize:
    size = SheetSize()
    row = column = 0
    carry = b""
    in_data = False
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            buffer = carry + chunk
            cut = buffer.rfind(b"<")
            if not chunk or cut < 0 or buffer.find(b">", cut) >= 0:
                cut = len(buffer)  # the last tag is whole (or there is none): nothing to carry over
            if not in_data:  # <dimension> comes before the cells
                _declared(buffer, cut, size)
                in_data = b"sheetData" in buffer
            position = quick and _quick(buffer, cut, size)
            if position:
                row, column = position
            else:
                for match in _TAG.finditer(buffer, 0, cut):
                    row, column = _count(match, size, row, column)
            carry = buffer[cut:]
            if len(carry) > _MAX_TAG:
                raise SheetTooLarge(f"工作表文件 {part} 结构异常（单个标记超过 1 MB），疑似恶意文件，已拒绝")
            if not chunk:
                return size


def _declared(buffer: bytes, end: int, size: SheetSize) -> None:
    match = _DIMENSION.search(buffer, 0, end)
    if match:
        _count(match, size, 0, 0)


def _quick(buffer: bytes, end: int, size: SheetSize) -> tuple[int, int] | None:
    """Take a chunk whose every cell is written `<c r="B7" ...>` (as Excel and every library we know
    write them) into the size in a few passes over the bytes; None when some cell is not."""
    if buffer.find(b":c ", 0, end) >= 0 or buffer.find(b":c>", 0, end) >= 0:
        return None  # a namespace prefix on the cells: measured tag by tag
    tags = buffer.count(b"<c ", 0, end) + buffer.count(b"<c>", 0, end)
    rows = _CELL_ROW.findall(buffer, 0, end)
    if len(rows) != tags:
        return None
    if not rows:
        return 0, 0
    empty = len(_EMPTY_CELL.findall(buffer, 0, end)) if buffer.find(b"/>", 0, end) >= 0 else 0
    size.cells += tags - empty
    size.rows = max(size.rows, max(map(int, set(rows))))
    letters = set(_CELL_COLUMN.findall(buffer, 0, end))
    size.columns = max(size.columns, max(column_number(c.decode()) for c in letters))
    last = _PLAIN_CELL.findall(buffer, buffer.rfind(b"<c ", 0, end), end)
    return (int(last[0][1]), column_number(last[0][0].decode())) if last else None


def _count(match: re.Match[bytes], size: SheetSize, row: int, column: int) -> tuple[int, int]:
    """Take one tag into the size; returns the row and column the next unreferenced cell follows."""
    tag, attributes = match.group(1), match.group(2)
    if tag == b"row":
        found = _ATTR_R.search(attributes)
        row = int(found.group(2)) if found and found.group(2) else row + 1
        return row, 0
    if tag == b"dimension":
        found = _ATTR_REF.search(attributes)
        if found:
            end = found.group(1).decode("ascii", "replace").split(":")[-1]
            ref = _CELL_REF.match(end)
            if ref:
                size.declared_columns = max(size.declared_columns, column_number(ref.group(1)))
                size.declared_rows = max(size.declared_rows, int(ref.group(2)))
        return row, column
    found = _ATTR_R.search(attributes)
    cell_row, column = row or 1, column + 1
    if found:
        if found.group(1):
            column = column_number(found.group(1).decode("ascii"))
        if found.group(2):
            cell_row = int(found.group(2))
    if not attributes.rstrip().endswith(b"/"):  # <c .../> holds nothing: readers skip it
        size.cells += 1
        size.rows = max(size.rows, cell_row)
        size.columns = max(size.columns, column)
    return row, column


def check_xls(data: bytes) -> None:
    """Refuse (SheetTooLarge) a legacy .xls one of whose sheets is out of bounds.

    The compound file is opened with olefile and the workbook stream's BIFF records read
    one by one: each sheet's cells with content (and the farthest row and column they are
    in) and the size it declares (DIMENSIONS). A file olefile cannot open is left to the
    reader, which says it is damaged."""
    try:
        with olefile.OleFileIO(data) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                return
            stream = ole.openstream(name).read()
    except (OSError, ValueError, struct.error, IndexError):
        return
    for sheet, size in _biff_sheets(stream).items():
        _judge(sheet, size)


# BIFF record types: cells that hold something (row and column are their first two fields)...
_BIFF_CELLS = frozenset({0x0006, 0x00FD, 0x0204, 0x0203, 0x027E, 0x0205, 0x00D6})
_BIFF_MULRK, _BIFF_DIMENSIONS, _BIFF_BOF, _BIFF_BOUNDSHEET = 0x00BD, 0x0200, 0x0809, 0x0085


def _biff_sheets(stream: bytes) -> dict[str, SheetSize]:
    """Each worksheet's size, by its name, from a BIFF5/BIFF8 workbook stream."""
    names: dict[int, str] = {}
    sizes: dict[str, SheetSize] = {}
    size: SheetSize | None = None
    position, end = 0, len(stream)
    while position + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, position)
        body = position + 4
        if kind == _BIFF_BOUNDSHEET and length >= 8:
            names[struct.unpack_from("<I", stream, body)[0]] = _biff_sheet_name(stream, body, length)
        elif kind == _BIFF_BOF:
            sheet = names.get(position)
            size = sizes.setdefault(sheet, SheetSize()) if sheet is not None else None
        elif size is not None and kind in _BIFF_CELLS and length >= 4:
            row, column = struct.unpack_from("<HH", stream, body)
            _biff_cell(size, row + 1, column + 1, 1)
        elif size is not None and kind == _BIFF_MULRK and length >= 6:
            row, first = struct.unpack_from("<HH", stream, body)
            last = struct.unpack_from("<H", stream, body + length - 2)[0]
            _biff_cell(size, row + 1, last + 1, max(0, last - first + 1))
        elif size is not None and kind == _BIFF_DIMENSIONS and length >= 8:
            if length >= 14:  # BIFF8: rows as 32-bit numbers
                _, rows, _, columns = struct.unpack_from("<IIHH", stream, body)
            else:
                _, rows, _, columns = struct.unpack_from("<HHHH", stream, body)
            size.declared_rows, size.declared_columns = rows, columns  # last + 1, as Excel's 1-based
        position = body + length
    return sizes


def _biff_cell(size: SheetSize, row: int, column: int, cells: int) -> None:
    size.cells += cells
    size.rows = max(size.rows, row)
    size.columns = max(size.columns, column)


def _biff_sheet_name(stream: bytes, body: int, length: int) -> str:
    count, flags = stream[body + 6], stream[body + 7] if length > 7 else 0
    start = body + 8
    if length >= 8 and flags in (0, 1):  # BIFF8: a flag byte says 8- or 16-bit characters
        raw = stream[start : start + count * (2 if flags else 1)]
        return raw.decode("utf-16-le" if flags else "latin-1", "replace")
    return stream[body + 7 : body + 7 + count].decode("latin-1", "replace")  # BIFF5


def column_number(letters: str) -> int:
    """A → 1, Z → 26, AA → 27, XFD → 16384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def column_letters(number: int) -> str:
    """1 → A, 16384 → XFD."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters or "A"


def _judge(sheet: str, size: SheetSize) -> None:
    allowed = limit_for(size.cells)
    for rows, columns, what in (
        (size.rows, size.columns, "用到"),
        (size.declared_rows, size.declared_columns, "声明"),
    ):
        beyond_excel = rows > EXCEL_ROWS or columns > EXCEL_COLUMNS
        if rows * columns <= allowed and not beyond_excel:
            continue
        corner = f"A1:{column_letters(columns)}{rows}"
        raise SheetTooLarge(
            f"工作表“{sheet}”{what}的范围为 {corner}（{rows:,} 行 × {columns:,} 列，"
            f"{rows * columns:,} 个单元格），而有内容的单元格只有 {size.cells:,} 个，"
            f"超过上限（{allowed:,} 个单元格），疑似异常或恶意文件，已拒绝；"
            "请在Excel中删除多余的行和列（或只复制台账区域到新工作簿）后重新导出"
        )


def _sheet_parts(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Each worksheet's part in the zip and the sheet's name (its part name when the workbook
    does not say): every part the workbook points at, and every part under xl/worksheets/."""
    parts = {
        n: posixpath.basename(n)
        for n in sorted(names)
        if n.startswith("xl/worksheets/") and n.endswith(".xml")
    }
    try:
        targets = _relationship_targets(archive, names)
        for name, rel_id in _workbook_sheets(archive, names):
            part = targets.get(rel_id)
            if part is not None and part in names:
                parts[part] = name
    except ElementTree.ParseError:
        pass  # the reader says the workbook is damaged; the parts under xl/worksheets/ are still measured
    return parts


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    info = archive.getinfo(name)
    if info.file_size > _WORKBOOK_PARTS_MAX:
        raise SheetTooLarge(f"{name} 过大（{info.file_size:,} 字节），疑似恶意文件，已拒绝")
    return archive.read(name)


def _workbook_sheets(archive: zipfile.ZipFile, names: set[str]) -> list[tuple[str, str]]:
    if "xl/workbook.xml" not in names:
        return []
    data = _small_part(archive, "xl/workbook.xml")
    root = ElementTree.fromstring(data or b"<x/>")
    return [
        (str(e.get("name", "")), str(e.get(_NS_REL, "")))
        for e in root.iter()
        if e.tag.rsplit("}", 1)[-1] == "sheet"
    ]


def _relationship_targets(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    rels = "xl/_rels/workbook.xml.rels"
    if rels not in names:
        return {}
    root = ElementTree.fromstring(_small_part(archive, rels) or b"<x/>")
    targets = {}
    for e in root.iter():
        if e.tag.rsplit("}", 1)[-1] != "Relationship":
            continue
        target = str(e.get("Target", ""))
        path = (
            target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        )
        targets[str(e.get("Id", ""))] = path
    return targets
