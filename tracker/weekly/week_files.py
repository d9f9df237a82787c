"""A week's files: the manifest and index page that list them, and the swap that puts them in place."""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tracker.contract import formatting
from tracker.weekly.jobs import Shot

KINDS = {
    "summary": "摘要图",
    "pdf": "PDF",
    "docx": "Word",
    "desktop": "页面（电脑版）",
    "phone": "页面（手机版）",
}


def manifest_name(code: str) -> str:
    """2017-W41_manifest.json."""
    return f"{code}_manifest.json"


def write_index(folder: Path, scopes: list[Any], shots: list[Shot], county: str, day: dt.date) -> Path:
    """The week's manifest (JSON: per scope its summary image, PDF, .docx and 本周简报; every file with
    its kind and scope) and an index page; the manifest's path."""
    code = formatting.week_code(day)
    files: list[dict[str, Any]] = []
    for s in scopes:
        width, height = s.summary_size
        files.append(
            {
                "file": s.summary,
                "kind": "summary",
                "scope": s.scope,
                "width": width,
                "height": height,
                "text": s.summary_text,
            }
        )
        files += [
            {"file": s.pdf, "kind": "pdf", "scope": s.scope},
            {"file": s.docx, "kind": "docx", "scope": s.scope},
        ]
    files += [asdict(s) | {"scope": s.township or "全县"} for s in shots]
    manifest = {
        "county": county,
        "week": code,
        "week_label": formatting.week(day),
        "as_of": day.isoformat(),
        "scopes": [
            {k: v for k, v in asdict(s).items() if k not in ("summary_text", "summary_size")} for s in scopes
        ],
        "files": files,
    }
    path = folder / manifest_name(code)
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    rows = "".join(
        f"<tr><td><a href='{html.escape(f['file'])}'>{html.escape(f['file'])}</a></td>"
        f"<td>{html.escape(f['scope'])}</td><td>{KINDS[f['kind']]}"
        f"{' ' + str(f['part']) + '/' + str(f['parts']) if f.get('parts', 1) > 1 else ''}</td></tr>"
        for f in files
    )
    (folder / f"{code}_index.html").write_text(
        f"<!doctype html><meta charset='utf-8'><title>{html.escape(county)} {code} 周报</title>"
        f"<h1>{html.escape(county)} {formatting.week(day)} 周报（数据截至{formatting.day(day)}）</h1>"
        f"<table border=1 cellpadding=4><tr><th>文件</th><th>范围</th><th>类型</th></tr>{rows}</table>",
        encoding="utf-8",
    )
    return path


def read_manifest(folder: Path, code: str) -> dict[str, Any] | None:
    """The week's manifest as written by write_index, or None when the week has no report."""
    path = folder / manifest_name(code)
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def replace_week(folder: Path, out_dir: Path, code: str) -> None:
    """Swap this week's files in: old files of this week go, other weeks stay."""
    for old in out_dir.glob(f"{code}_*"):
        old.unlink()
    for new in folder.iterdir():
        shutil.move(str(new), out_dir / new.name)
