"""What an upload would do, told before anything is written; and the targets editor's round trip.

The data page shows a clerk, for every uploaded file, which ledger it is (and from
which headers that was told), which day it will be filed under, which rows would be
refused and why, and for every ledger and day the rows before and after in what the
upload replaces — from a dry run of the real importer, shrink guard included. Only
after the clerk confirms does the same importer run for real. Edited targets go back through the importer too, as a CSV with the
contract's Chinese headers, so that a target typed into the browser is checked
by exactly the rules that check one in a file, and lands atomically or not at all.

Nothing here draws: the page turns these frames and messages into widgets.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from typing import Any

import pandas as pd

from tracker.contract import formatting, schema
from tracker.contract.missing import is_missing
from tracker.ingest import checking, growth_guard, shrink_guard
from tracker.ingest.coverage import Change
from tracker.ingest.import_report import taken_as
from tracker.ingest.outcome import Outcome
from tracker.ingest.parsed import RowError

AUTO = "自动识别"
# The data page's ledger selector: label -> the importer's table (None: told by the headers).
TABLE_CHOICES: dict[str, str | None] = {AUTO: None} | {t.label: name for name, t in schema.TABLES.items()}

# The targets editor's columns, in the contract's order and with its first header for each.
TARGET_HEADERS: dict[str, str] = {
    c.name: c.headers[0] for c in schema.TARGETS.columns if c.name != schema.COUNTY
}
ERROR_COLUMNS = ("文件", "工作表", "行", "列", "值", "原因")
# The page's own boxes, where the importer's messages name the command line's options.
AS_OF_BOX = "“数据截至日期（可选）”"
TABLE_BOX = "“台账类型”"
PAGE_WORDS = {
    checking.AS_OF_HINT: f"请在本页{AS_OF_BOX}中选择日期",
    growth_guard.HINT: growth_guard.PAGE_HINT,
}


def for_the_page(text: str) -> str:
    """A message of the importer in the data page's words: its boxes, not command-line options."""
    for cli, page in PAGE_WORDS.items():
        text = text.replace(cli, page)
    return text


def table_label(table: str) -> str:
    """村级台账, 搬迁户台账 … for a canonical table name."""
    found = schema.TABLES.get(table)
    return found.label if found else table


def fingerprint(
    uploads: list[tuple[str, bytes]],
    as_of: dt.date | None,
    table: str | None = None,
    replace_all: bool = False,
    allow_growth: bool = False,
) -> str:
    """Identifies an upload and its options, so a dry run is not repeated on every rerun."""
    digest = hashlib.sha256(f"{as_of}|{table}|{replace_all}|{allow_growth}".encode())
    for name, data in uploads:
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def can_land(outcome: Outcome, allow_rejects: bool) -> bool:
    """Whether confirming the dry run would write anything (a county configuration alone counts)."""
    if outcome.status == 2:
        return False
    return not outcome.errors or allow_rejects


SHEET_COLUMNS = (
    "文件",
    "工作表",
    "台账",
    "识别依据",
    "数据截至",
    "有效行",
    "错误行",
    "跳过的合计行",
    "未识别的列（已忽略）",
)


def sheets_frame(outcome: Outcome) -> pd.DataFrame:
    """One row per file (and sheet): which ledger, which day, rows accepted and refused, the totals rows
    left out (a 合计 row is a sum, not a village), columns ignored."""
    rows = [
        (
            s.file,
            s.sheet or "",
            table_label(s.table),
            taken_as(s, chosen=f"按所选{TABLE_BOX}", headers=3),  # a column, not a paragraph
            formatting.day(s.as_of),
            s.accepted,
            s.rejected,
            s.totals_dropped,
            "、".join(s.unknown_columns),
        )
        for s in outcome.sheets
    ]
    return pd.DataFrame(rows, columns=list(SHEET_COLUMNS))


CHANGE_COLUMNS = (
    "台账",
    "数据截至",
    "替换范围",
    "上期截至",
    "上期",
    "本次",
    "变化",
    "变化（%）",
    "导入后该日共有",
    "检查结果",
)


def verdict(outcome: Outcome, change: Change, allow_rejects: bool) -> str:
    """What becomes of one ledger and day, in the same words as the banner above the table: an import
    lands whole or not at all, so anything that stops the batch stops every row."""
    if change.refused:
        return "减少过多，不能导入"
    if change.grew:
        return "增加过多，不能导入"
    if outcome.status == 2 and outcome.file_problems:
        return "文件有问题，整批不导入"
    if outcome.errors and not allow_rejects:
        return "有行错误，整批不导入"
    if outcome.refused_shrinks:
        return "其他台账减少过多，整批不导入"
    if outcome.errors:
        return "可导入（只导入有效行）"
    return "可导入（替换该日全部数据）" if change.replace_all else "可导入"


def changes_frame(outcome: Outcome, allow_rejects: bool = False) -> pd.DataFrame:
    """Before and after, per ledger and day, within what the upload replaces: the rows of the
    snapshot in force, the rows that would land, the change, the whole day after, and the verdict."""
    rows = []
    for c in outcome.changes:
        unit = shrink_guard.COUNTED[c.table]
        share = 100 * (c.after - c.before) / c.before if c.before else None
        rows.append(
            (
                table_label(c.table),
                formatting.day(c.as_of),
                "该日全部数据" if c.replace_all else shrink_guard.scope_text(c),
                formatting.day(c.previous_day) if c.previous_day else "无",
                f"{c.before:,} {unit}",
                f"{c.after:,} {unit}",
                f"{c.after - c.before:+,} {unit}",
                None if share is None else round(share, 1),
                f"{c.total_after:,} {unit}",
                verdict(outcome, c, allow_rejects),
            )
        )
    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))


def shrink_messages(outcome: Outcome) -> list[str]:
    """Why the shrink guard refuses the upload, with the numbers and what the page offers."""
    return [shrink_guard.message(c, shrink_guard.PAGE_HINT) for c in outcome.refused_shrinks]


def errors_frame(errors: list[RowError]) -> pd.DataFrame:
    """Row errors as a table: file, sheet, row as seen in Excel, column, value (personal data redacted), reason."""
    rows = [(e.file, e.sheet or "", e.row, e.column, e.value, e.reason) for e in errors]
    return pd.DataFrame(rows, columns=list(ERROR_COLUMNS))


def dry_run_message(outcome: Outcome, allow_rejects: bool) -> tuple[str, str]:
    """(kind, text) summarising a dry run; kind is success, warning or error."""
    if outcome.status == 2 and outcome.file_problems:
        return "error", "无法导入：文件有问题（见下方说明），未做任何更改。"
    if outcome.errors and not allow_rejects:
        return "error", (
            f"有 {len(outcome.errors):,} 条行错误，按规定整批不导入。请修正后重新上传，或勾选“只导入有效行”。"
        )
    if outcome.refused_shrinks:
        return "error", "无法导入：本次导入会使数据大幅减少（见下方前后对比），未做任何更改。"
    accepted = sum(s.accepted for s in outcome.sheets)
    rejected = sum(s.rejected for s in outcome.sheets)
    if not outcome.sheets:
        return "success", "县配置文件检查通过，可以导入。"
    if not outcome.errors:
        return "success", f"检查通过：共 {accepted:,} 行有效，可以导入。"
    return "warning", (
        f"有 {len(outcome.errors):,} 条行错误：确认后只导入 {accepted:,} 行有效行，"
        f"{rejected:,} 行错误行单独保存，可在“被拒绝的行”中查看。"
    )


def landed_message(outcome: Outcome, showing: dt.date | None = None) -> tuple[str, str]:
    """(kind, text) after a real import: success, or error saying nothing changed.

    showing is the day the pages are set to: a snapshot newer than it is only seen
    once that day is chosen, so the message says which day to choose.
    """
    if outcome.status == 0:
        files = len({s.file for s in outcome.sheets})
        accepted = sum(s.accepted for s in outcome.sheets)
        rejected = sum(s.rejected for s in outcome.sheets)
        days = "、".join(sorted({formatting.day(s.as_of) for s in outcome.sheets}))
        kept = f"；{rejected:,} 行错误行已单独保存" if rejected else ""
        county = "；县配置已更新" if outcome.county_imported else ""
        newest = max(s.as_of for s in outcome.sheets) if outcome.sheets else None
        where = "各页已显示新数据。"
        if showing is not None and newest is not None and newest > showing:
            where = f"在侧栏“数据截至”中选择 {formatting.day(newest)} 即可查看。"
        text = f"导入完成：{files} 个文件，{accepted:,} 行（数据截至 {days}）{kept}{county}。{where}"
        if not outcome.sheets:
            text = "导入完成：县配置已更新。"
        return "success", text
    if outcome.status == 1:
        return "error", f"导入被拒绝：共 {len(outcome.errors):,} 条行错误，未做任何更改。"
    problems = [for_the_page(p) for p in outcome.file_problems] + shrink_messages(outcome)
    return "error", "导入失败，未做任何更改：" + "；".join(problems)


# --------------------------------------------------------------------------- targets


def latest_day(days_by_table: dict[str, list[dt.date]]) -> dt.date | None:
    """The newest snapshot day of any table: the day an edited targets table is filed under."""
    days = [d for days in days_by_table.values() for d in days]
    return max(days) if days else None


def targets_for_editing(targets: pd.DataFrame) -> pd.DataFrame:
    """The targets in force with Chinese headers and indicator labels, in the dashboard's order, for st.data_editor."""
    # Explicit dtypes, so that an empty column (no due dates yet) still edits as dates, text, numbers.
    frame = pd.DataFrame(
        {
            TARGET_HEADERS["indicator"]: pd.Series(
                [schema.INDICATORS.get(i, i) for i in targets["indicator"]], dtype="str"
            ),
            TARGET_HEADERS["relocation_batch"]: pd.Series(
                [None if is_missing(b) else int(b) for b in targets["relocation_batch"]], dtype="Int64"
            ),
            TARGET_HEADERS["township"]: pd.Series(
                [None if is_missing(t) else str(t) for t in targets["township"]], dtype="str"
            ),
            TARGET_HEADERS["target"]: pd.Series(
                [None if is_missing(t) else float(t) for t in targets["target"]], dtype="Float64"
            ),
            TARGET_HEADERS["due"]: pd.to_datetime(pd.Series(list(targets["due"]), dtype="object")).astype(
                "datetime64[s]"
            ),
            TARGET_HEADERS["label"]: pd.Series(
                [None if is_missing(x) else str(x) for x in targets["label"]], dtype="str"
            ),
        }
    )
    order = {label: position for position, label in enumerate(schema.INDICATORS.values())}
    keys = frame[TARGET_HEADERS["indicator"]].map(lambda label: order.get(label, len(order)))
    frame = frame.assign(_order=keys).sort_values(
        ["_order", TARGET_HEADERS["relocation_batch"], TARGET_HEADERS["township"]],
        na_position="first",
        kind="stable",
    )
    return frame.drop(columns="_order").reset_index(drop=True)


def targets_csv(edited: pd.DataFrame) -> bytes:
    """The edited targets as a UTF-8 CSV with the contract's headers (指标,批次,乡镇,目标值,完成时限,说明).

    Values go out as typed; the importer decides whether they are valid. Rows left
    entirely empty (a row added and never filled) are dropped.
    """
    headers = list(TARGET_HEADERS.values())
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for record in edited.reindex(columns=headers).itertuples(index=False):
        cells = [_cell(v) for v in record]
        if any(cells):
            writer.writerow(cells)
    return buffer.getvalue().encode("utf-8")


def targets_file_name(day: dt.date) -> str:
    """The name the edited targets are logged under."""
    return f"目标任务_网页编辑_{day.isoformat()}.csv"


def _cell(value: Any) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()[:10]
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def with_township_split(
    editing: pd.DataFrame, indicator: str, batch: int | None, shares: dict[str, float], due: Any, label: str
) -> pd.DataFrame:
    """The targets for editing (targets_for_editing) with one county target's township rows replaced by
    `shares` (township -> target; a share of 0 or less is no row), each due when the county's is and
    labelled `label` after its township. Saved like the editor's list, through the importer."""
    headers = TARGET_HEADERS
    name = schema.INDICATORS.get(indicator, indicator)
    same_batch = (
        editing[headers["relocation_batch"]].isna()
        if batch is None
        else editing[headers["relocation_batch"]].eq(batch).fillna(False)
    )
    split = (editing[headers["indicator"]] == name) & same_batch & editing[headers["township"]].notna()
    rows = [
        {
            headers["indicator"]: name,
            headers["relocation_batch"]: batch,
            headers["township"]: township,
            headers["target"]: float(value),
            headers["due"]: due,
            headers["label"]: f"{township}{label}",
        }
        for township, value in shares.items()
        if not is_missing(value) and float(value) > 0
    ]
    added = pd.DataFrame(rows, columns=list(headers.values())).astype(editing.dtypes.to_dict())
    return pd.concat([editing[~split], added], ignore_index=True)
