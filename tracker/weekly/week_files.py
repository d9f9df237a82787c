"""A week's files: the manifest and index page that list them, and the swap that puts them in place."""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
from dataclasses import asdict
from pathlib import Path

from tracker.contract import formatting
from tracker.weekly.jobs import Shot


def write_index(folder: Path, shots: list[Shot], county: str, day: dt.date, pdf: str) -> Path:
    """The week's manifest (JSON: every file with its page, scope, kind and day) and index page; the manifest's path."""
    code = formatting.week_code(day)
    entries = [asdict(s) | {"scope": s.township or "全县"} for s in shots]
    manifest = {
        "county": county,
        "week": code,
        "week_label": formatting.week(day),
        "as_of": day.isoformat(),
        "pdf": pdf,
        "files": entries,
    }
    path = folder / f"{code}_manifest.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    kinds = {"desktop": "电脑版", "phone": "手机版", "summary": "摘要"}
    rows = "".join(
        f"<tr><td><a href='{html.escape(s.file)}'>{html.escape(s.file)}</a></td><td>{html.escape(s.title)}</td>"
        f"<td>{html.escape(s.township or '全县')}</td><td>{kinds[s.kind]}"
        f"{f' {s.part}/{s.parts}' if s.parts > 1 else ''}</td><td>{s.as_of}</td></tr>"
        for s in shots
    )
    (folder / f"{code}_index.html").write_text(
        f"<!doctype html><meta charset='utf-8'><title>{html.escape(county)} {code} 周报</title>"
        f"<h1>{html.escape(county)} {formatting.week(day)} 周报（数据截至{formatting.day(day)}）</h1>"
        f"<p><a href='{html.escape(pdf)}'>{html.escape(pdf)}</a></p>"
        f"<table border=1 cellpadding=4><tr><th>文件</th><th>页面</th><th>范围</th><th>版式</th><th>截至</th></tr>{rows}</table>",
        encoding="utf-8",
    )
    return path


def replace_week(folder: Path, out_dir: Path, code: str) -> None:
    """Swap this week's files in: old files of this week go, other weeks stay."""
    for old in out_dir.glob(f"{code}_*"):
        old.unlink()
    for new in folder.iterdir():
        shutil.move(str(new), out_dir / new.name)
