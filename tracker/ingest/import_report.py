"""Telling the clerk what an import did: progress while it runs, a summary when it ends."""

from __future__ import annotations

from typing import Any, TextIO

from tqdm import tqdm

from tracker.contract import schema
from tracker.ingest import shrink_guard
from tracker.ingest.coverage import Change
from tracker.ingest.outcome import Outcome, SheetResult

# More row errors than this are summarised: nobody reads ten thousand lines.
MAX_ERRORS_SHOWN = 200
_STATUS = {0: "imported", 1: "refused", 2: "unusable"}


class ImportProgress:
    """A progress bar on a terminal, plain lines when the output is a file or a pipe."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.interactive = stream.isatty()
        self.bar: tqdm | None = None

    def file(self, step: str, number: int, total: int) -> None:
        """Called as each file is read and checked, and before the store is written."""
        if not self.interactive:
            print(f"[{number}/{total}] {step}", file=self.stream, flush=True)
            return
        if self.bar is None:
            self.bar = tqdm(total=total, unit="个文件", file=self.stream, leave=False)
        self.bar.set_description(step[:40])
        self.bar.n = number - 1 if "：读取" in step else number
        self.bar.refresh()

    def close(self) -> None:
        """Clear the bar before the summary is printed."""
        if self.bar is not None:
            self.bar.close()


def outcome_lines(outcome: Outcome) -> tuple[list[str], list[str]]:
    """Lines for stdout (the summary) and stderr (problems and row errors)."""
    err = [f"无法导入：{p}" for p in outcome.file_problems]
    err += [f"无法导入：{shrink_guard.message(c)}" for c in outcome.refused_shrinks]
    shown = outcome.errors[:MAX_ERRORS_SHOWN]
    err += [f"行错误：{e.describe()}" for e in shown]
    if len(outcome.errors) > len(shown):
        err.append(f"……另有 {len(outcome.errors) - len(shown)} 条行错误未列出")
    out = [_sheet_line(s) for s in outcome.sheets]
    out += [change_line(c) for c in outcome.changes]
    out += outcome.notes
    out += [
        f"未识别的列（已忽略）：{s.file} {'、'.join(s.unknown_columns)}"
        for s in outcome.sheets
        if s.unknown_columns
    ]
    out.append(_verdict(outcome))
    return out, err


def taken_as(s: SheetResult, chosen: str = "", headers: int = 6) -> str:
    """What a sheet was read as, and why: the ledger asked for (`--table`, or `chosen`: the data page's
    words for its own box), or the first `headers` of the headers that gave it away."""
    label = schema.TABLES[s.table].label
    if not s.guessed:
        why = chosen or f"按指定的 --table {s.table}"
    else:
        shown = "、".join(s.evidence[:headers]) + ("等" if len(s.evidence) > headers else "")
        why = f"按表头识别：{shown}"
    where = f"；乡镇取自{s.township_from}" if s.township_from else ""
    return f"{label}（{why}{where}）"


def _sheet_line(s: SheetResult) -> str:
    sheet = f"［{s.sheet}］" if s.sheet else ""
    extra = f"，去除合计行 {s.totals_dropped}" if s.totals_dropped else ""
    extra += f"，家庭成员行 {s.members_dropped}" if s.members_dropped else ""
    return (
        f"{s.file}{sheet} → {taken_as(s)} 截至 {s.as_of.isoformat()}："
        f"接受 {s.accepted} 行，拒绝 {s.rejected} 行{extra}"
    )


def change_line(c: Change) -> str:
    """One (table, day): what it replaces, before and after, and the whole snapshot after."""
    label = schema.TABLES[c.table].label
    unit = shrink_guard.COUNTED[c.table]
    scope = "整期替换" if c.replace_all else f"替换 {shrink_guard.scope_text(c)}"
    before = (
        f"上期（截至 {c.previous_day.isoformat()}）{c.before:,} {unit}" if c.previous_day else "上期无数据"
    )
    verdict = "；超过缩减上限，已拒绝" if c.refused else ("；超过增长上限，已拒绝" if c.grew else "")
    return (
        f"{label} 截至 {c.as_of.isoformat()}（{scope}）：{before} → 本次 {c.after:,} {unit}；"
        f"导入后共 {c.total_after:,} {unit}{verdict}"
    )


def _verdict(outcome: Outcome) -> str:
    if outcome.status == 0:
        rejected = sum(s.rejected for s in outcome.sheets)
        kept = f"（{rejected} 行错误已单独保存，可在数据页查看）" if rejected else ""
        return f"导入完成{kept}"
    if outcome.status == 1:
        return f"导入被拒绝：共 {len(outcome.errors)} 条行错误，未做任何更改（修正后重新导入，或加 --allow-rejects 只导入有效行）"
    if outcome.refused_shrinks:
        return "导入被拒绝：本次导入会使数据大幅减少（见上），未做任何更改"
    return "导入失败：未做任何更改"


def audit_details(outcome: Outcome) -> dict[str, object]:
    """What the audit log keeps of an import: files, rows, and a replace-all with what it replaced."""
    details: dict[str, object] = {
        "files": sorted({s.file for s in outcome.sheets}),
        "rows": sum(s.accepted for s in outcome.sheets),
        "replace_all": outcome.replace_all,
        "allow_growth": outcome.allow_growth,
    }
    if outcome.replace_all:
        details["replaced"] = [
            {"table": c.table, "as_of": c.as_of.isoformat(), "before": c.total_before, "after": c.total_after}
            for c in outcome.changes
        ]
    return details


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    """The same as one JSON object."""
    return {
        "status": _STATUS[outcome.status],
        "exit_code": outcome.status,
        "files": [
            {
                "file": s.file,
                "sheet": s.sheet,
                "table": s.table,
                "as_of": s.as_of.isoformat(),
                "rows_accepted": s.accepted,
                "rows_rejected": s.rejected,
                "rows_totals_dropped": s.totals_dropped,
                "rows_members_dropped": s.members_dropped,
                "unknown_columns": s.unknown_columns,
                "taken_as": schema.TABLES[s.table].label,
                "table_given": not s.guessed,
                "recognised_by": s.evidence,
                "township_from": s.township_from,
            }
            for s in outcome.sheets
        ],
        "changes": [
            {
                "table": c.table,
                "as_of": c.as_of.isoformat(),
                "previous_as_of": c.previous_day.isoformat() if c.previous_day else None,
                "scope": "all" if c.whole else c.scope,
                "replace_all": c.replace_all,
                "before": c.before,
                "after": c.after,
                "snapshot_before": c.total_before,
                "snapshot_after": c.total_after,
                "refused": c.refused,
                "refused_growth": c.grew,
            }
            for c in outcome.changes
        ],
        "problems": outcome.file_problems + [shrink_guard.message(c) for c in outcome.refused_shrinks],
        "errors": [e.__dict__ for e in outcome.errors],
        "notes": outcome.notes,
        "county_config_imported": outcome.county_imported,
    }
