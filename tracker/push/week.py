"""The week's report as push sends it: per scope its summary image, PDF, .docx and 本周简报, read from
the manifest `tracker report` wrote beside them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from tracker.contract import formatting
from tracker.weekly.week_files import read_manifest


class WeekMissing(Exception):
    """No report for the week in the folder: the message says how to make one."""


@dataclass(frozen=True)
class ScopeReport:
    """One scope's files and words."""

    county: str
    scope: str
    township: str | None
    week: str  # 2017-W41
    week_label: str  # 2017年第41周
    as_of: dt.date
    summary: Path
    pdf: Path
    docx: Path
    briefing: str
    overdue: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """河曲县脱贫攻坚周报（赵家沟乡 · 2017年第41周）."""
        return f"{self.county}脱贫攻坚周报（{self.scope} · {self.week_label}）"

    @property
    def as_of_text(self) -> str:
        """数据截至2017年10月13日."""
        return f"数据截至{formatting.day(self.as_of)}"


def load_week(folder: Path, day: dt.date) -> dict[str | None, ScopeReport]:
    """Each scope's report for the week of `day` (None: the county), or WeekMissing."""
    code = formatting.week_code(day)
    manifest = read_manifest(folder, code)
    if manifest is None:
        raise WeekMissing(f"{folder} 中没有 {code} 的周报：请先运行 python -m tracker report")
    as_of = dt.date.fromisoformat(manifest["as_of"])
    reports = {}
    for scope in manifest["scopes"]:
        files = [folder / scope[k] for k in ("summary", "pdf", "docx")]
        missing = [f.name for f in files if not f.exists()]
        if missing:
            raise WeekMissing(
                f"{code} 周报的文件不全（缺 {'、'.join(missing)}）：请重新运行 python -m tracker report"
            )
        summary, pdf, docx = files
        reports[scope["township"]] = ScopeReport(
            manifest["county"], scope["scope"], scope["township"], code, manifest["week_label"], as_of,
            summary, pdf, docx, scope["briefing"], list(scope.get("overdue", [])),
        )  # fmt: skip
    return reports
