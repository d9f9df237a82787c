"""Reading one cell the way a clerk wrote it: numbers, dates, booleans, enumerations.

Each parser takes the raw cell (a str, a number, a date or None, as the file
readers give them) and returns the normalised value, or raises `ValueProblem`
with the reason in Chinese. Empty cells are None. Parsers never guess: a value
that could mean two things is a problem, not a choice.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from tracker.contract import schema
from tracker.contract.cell_text import clean_text, compact


class ValueProblem(ValueError):
    """A cell that breaks its column's rule; the message is shown to the clerk."""


# Excel counts days from 1899-12-30 (it believes 1900 was a leap year).
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serial numbers between these are 1954–2064: anything else is not a plausible ledger date.
EXCEL_SERIAL_RANGE = (20000, 60000)

_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:\D.*)?$")
_NUMBER = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(.*)$")

# Units a number may carry, by what the column counts. The factor converts to the
# column's own unit (a money column in 万元 reads `5000元` as 0.5).
_UNITS: dict[str, dict[str, float]] = {
    "户": {"户": 1},
    "人": {"人": 1, "名": 1, "口": 1, "个": 1},
    "间": {"间": 1},
    "m2": {"平方米": 1, "平米": 1, "m2": 1, "m²": 1, "㎡": 1, "平方": 1},
    "kW": {"kw": 1, "千瓦": 1, "kwp": 1},
    "元": {"元": 1, "万元": 10000, "万": 10000},
    "万元": {"万元": 1, "万": 1, "元": 0.0001},
}

_TRUE = frozenset({"是", "有", "已", "√", "✓", "✔", "y", "yes", "1", "true", "t", "对", "已完成"})
_FALSE = frozenset({"否", "无", "未", "×", "✗", "✘", "x", "n", "no", "0", "false", "f", "没有"})

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def parse_text(raw: Any) -> str | None:
    """Free text, trimmed."""
    return clean_text(raw)


def parse_number(raw: Any, unit: str | None = None) -> float | None:
    """A number with optional thousands separators and a unit after it (`1,050`, `16户`)."""
    if isinstance(raw, bool):
        raise ValueProblem("应为数字")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if isinstance(raw, float) and math.isnan(raw):
            return None
        return float(raw)
    text = clean_text(raw)
    if text is None or text in {"-", "—", "/"}:
        return None
    text = compact(text).replace("，", ",")
    if "," in text:
        # 1,050 is a thousand and fifty; 1,5 is a typo, not fifteen.
        if not _GROUPED.match(text):
            raise ValueProblem("千位分隔符位置不对")
        text = text.replace(",", "")
    match = _NUMBER.match(text)
    if not match:
        raise ValueProblem("应为数字")
    value = float(match.group(1))
    suffix = match.group(2)
    if suffix:
        value *= _unit_factor(suffix, unit)
    if math.isinf(value) or math.isnan(value):
        raise ValueProblem("应为数字")
    return value


def _unit_factor(suffix: str, unit: str | None) -> float:
    known = _UNITS.get(unit or "", {})
    factor = known.get(suffix.lower()) or known.get(suffix)
    if factor is None:
        expected = "、".join(known) if known else "不带单位的数字"
        raise ValueProblem(f"无法识别的单位“{suffix}”（应为{expected}）")
    return factor


def parse_int(raw: Any, unit: str | None = None) -> int | None:
    """A whole number (`16`, `１６`, `16户`, `16.0`)."""
    value = parse_number(raw, unit)
    if value is None:
        return None
    if not float(value).is_integer():
        raise ValueProblem("应为整数")
    if abs(value) > 2**31 - 1:
        raise ValueProblem("数值过大")
    return int(value)


def parse_decimal(raw: Any, unit: str | None = None) -> float | None:
    """A decimal number, converted to the column's unit."""
    value = parse_number(raw, unit)
    if value is not None and abs(value) > 1e15:
        raise ValueProblem("数值过大")
    return value


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
# A day known only to its month (`2017年12月`, as the national system writes 入住时间).
# Only the written-out form: 2017-10 stays a problem (a day may have been cut off).
_MONTH_PATTERN = re.compile(r"^(\d{4})年(\d{1,2})月份?$")


def parse_date(raw: Any) -> dt.date | None:
    """A day written any way the contract lists, or an Excel serial number."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _from_excel_serial(float(raw))
    text = clean_text(raw)
    if text is None:
        return None
    text = compact(text)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            return _make_date(*match.groups())
    month = _MONTH_PATTERN.match(text)
    if month:
        return _month_end(int(month.group(1)), int(month.group(2)))
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
        return _from_excel_serial(float(text))
    raise ValueProblem("无法识别的日期（应如 2017-10-13 或 2017年10月13日）")


def _month_end(year: int, month: int) -> dt.date:
    """The last day of a month: a date known only to its month counts once the month is over,
    so a household that moved "in 2017年10月" is not counted as moved on 10月13日."""
    if not 1 <= month <= 12:
        raise ValueProblem("日期不存在")
    first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def _make_date(year: str, month: str, day: str) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise ValueProblem("日期不存在") from None


def _from_excel_serial(serial: float) -> dt.date:
    low, high = EXCEL_SERIAL_RANGE
    if not (low <= serial <= high):
        raise ValueProblem("无法识别的日期（数字不是有效的Excel日期）")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def find_date(text: str) -> dt.date | None:
    """The first day written inside a longer text (a title row or a file name)."""
    folded = compact(unicodedata.normalize("NFKC", text))
    patterns = (
        r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?",
        r"(?<!\d)(\d{4})[-_.](\d{1,2})[-_.](\d{1,2})(?!\d)",
        r"(?<!\d)(\d{4})/(\d{1,2})/(\d{1,2})(?!\d)",
        r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)",
    )
    for pattern in patterns:
        for match in re.finditer(pattern, folded):
            try:
                return _make_date(*match.groups())
            except ValueProblem:
                continue
    return None


# Years a ledger can mean (a 搬迁年度 of 1917 or 2170 is a typo).
YEAR_RANGE = (1990, 2100)


def parse_year(raw: Any) -> int | None:
    """A year: `2017`, `2017年`, `2017年度` (a column that holds a year, not a day)."""
    if isinstance(raw, bool):
        raise ValueProblem("应为年份（如 2017）")
    if isinstance(raw, (dt.date, dt.datetime)):
        return raw.year
    text = clean_text(raw)
    if text is None:
        return None
    match = re.fullmatch(r"(\d{4})(?:\.0+)?(?:年度?)?", compact(text))
    if not match:
        raise ValueProblem("应为年份（如 2017 或 2017年）")
    year = int(match.group(1))
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise ValueProblem(f"年份应在{YEAR_RANGE[0]}到{YEAR_RANGE[1]}之间")
    return year


# Excel shows a number of more than 15 digits in scientific notation, and keeps only 15 digits.
_SCIENTIFIC = re.compile(r"^[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+$")
EXCEL_DIGITS = 15


def parse_code(raw: Any) -> str | None:
    """A code written with digits (户编号): kept as text; one that Excel has turned into a number
    and so lost digits of is a problem, not a guess."""
    if isinstance(raw, bool):
        raise ValueProblem("应为编号")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and (math.isnan(raw) or not raw.is_integer()):
            raise ValueProblem("编号被Excel存成了小数，原编号已无法确定；请把该列设为文本后重新导出")
        digits = str(int(raw))
        if len(digits) > EXCEL_DIGITS:
            raise ValueProblem(
                f"编号被Excel存成了数字，超过{EXCEL_DIGITS}位的部分已丢失；请把该列设为文本后重新导出"
            )
        return digits
    text = clean_text(raw)
    if text is None:
        return None
    if _SCIENTIFIC.match(compact(text)):
        raise ValueProblem("编号被Excel改成了科学计数法，原编号已丢失；请把该列设为文本后重新导出")
    return text


def parse_bool(raw: Any) -> bool | None:
    """是/否, 有/无, 已/未, √/×, Y/N, 1/0 (and 已迁移 / 未迁移 style words)."""
    if isinstance(raw, bool):
        return raw
    text = clean_text(raw)
    if text is None:
        return None
    key = compact(text).lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    if key[0] in "已是有" and len(key) <= 6:
        return True
    if key[0] in "未否无没" and len(key) <= 6:
        return False
    raise ValueProblem("应为是/否")


def parse_batch(raw: Any) -> int | None:
    """A relocation batch: `1`, `第一批`, `第1批`, `二批`."""
    text = clean_text(raw)
    if text is None:
        return None
    key = compact(text)
    match = re.fullmatch(r"第?([0-9]+|[一二三四五六七八九十])批?(?:次)?", key)
    if not match:
        raise ValueProblem("无法识别的批次（应如 第一批 或 1）")
    token = match.group(1)
    if token not in _CN_DIGITS and len(token.lstrip("0")) > 9:
        # The column is stored as a 32-bit INTEGER.
        raise ValueProblem("批次数值过大")
    batch = _CN_DIGITS[token] if token in _CN_DIGITS else int(token)
    if batch < 1:
        raise ValueProblem("批次应不小于1")
    return batch


def parse_enum(raw: Any, column: str, choices: tuple[str, ...]) -> str | None:
    """One of the column's allowed values, accepting the listed aliases."""
    text = clean_text(raw)
    if text is None:
        return None
    key = compact(text)
    if key in choices:
        return key
    aliases = schema.ENUM_ALIASES.get(column, {})
    if key in aliases:
        return aliases[key]
    for choice in choices:
        # 县城集中 → 县城集中安置: the suffix is often left off.
        if choice.endswith("安置") and key + "安置" == choice:
            return choice
    raise ValueProblem(f"应为以下之一：{'、'.join(choices)}")


_MODE_GROUP = re.compile(r"^(集中|分散)(?:安置)?[-－—_/、:：,，(（\s]*(.*?)[)）]?$")


def parse_resettlement_mode(raw: Any) -> str | None:
    """安置方式: one of the contract's modes, or the national system's 集中安置 / 分散安置 with its
    sub-type in the same cell (`集中安置-县城`, `分散安置（投亲靠友）`) or joined from its own column
    (`集中安置/县城安置`)."""
    text = clean_text(raw)
    if text is None:
        return None
    key = compact(text)
    try:
        return parse_enum(key, "resettlement_mode", schema.RESETTLEMENT_MODES)
    except ValueProblem:
        pass
    match = _MODE_GROUP.match(key)
    if match:
        group, detail = match.groups()
        # 县城安置, 县城集中安置, 集镇集中 … all name the sub-type 县城, 集镇 …
        sub = re.sub(r"(集中|分散)?(安置)?$", "", detail) if detail else ""
        found = schema.RESETTLEMENT_SUBTYPES.get((group, sub))
        if found:
            return found
        if detail and (
            detail in schema.RESETTLEMENT_MODES or detail in schema.ENUM_ALIASES["resettlement_mode"]
        ):
            return parse_enum(detail, "resettlement_mode", schema.RESETTLEMENT_MODES)
    if key.startswith("/"):  # the mode column left empty, only the sub-type given
        return parse_resettlement_mode(key[1:])
    raise ValueProblem(
        "应为以下之一：" + "、".join(schema.RESETTLEMENT_MODES) + "（或 集中安置/分散安置 加安置类型）"
    )


def parse_indicator(raw: Any) -> str | None:
    """An indicator key, or the Chinese label of one."""
    text = clean_text(raw)
    if text is None:
        return None
    key = compact(text)
    if key in schema.INDICATORS:
        return key
    # Labels are folded the way the cell is (（万元） → (万元)) before they are compared.
    for label, indicator in schema.INDICATOR_ALIASES.items():
        if compact(clean_text(label) or "") == key:
            return indicator
    raise ValueProblem("未知指标（可填的指标见“数据”页“目标任务”表中“指标”一列的选项）")


Parser = Callable[[Any], Any]


def parser_for(column: schema.Column) -> Parser:
    """The function that reads one raw cell of column (personal and township kinds excluded)."""
    kind = column.kind
    if kind == "int":
        return lambda raw: parse_int(raw, column.unit)
    if kind == "decimal":
        return lambda raw: parse_decimal(raw, column.unit)
    if kind == "date":
        return parse_date
    if kind == "bool":
        return parse_bool
    if kind == "batch":
        return parse_batch
    if kind == "enum" and column.name == "resettlement_mode":
        return parse_resettlement_mode
    if kind == "enum":
        return lambda raw: parse_enum(raw, column.name, column.choices)
    if kind == "year":
        return parse_year
    if kind == "code":
        return parse_code
    if kind == "indicator":
        return parse_indicator
    return parse_text
