"""What the store holds: the manifest in force, its generation, and whether a summary file is usable."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa

from tracker.contract import schema
from tracker.store import summaries
from tracker.store.files import file_facts

MANIFEST = "manifest.json"
MANIFEST_BACKUP = "manifest.backup.json"


class StoreProblem(Exception):
    """The store cannot be read or written; the message names what and why, in Chinese."""


def read_manifest(data_dir: Path) -> dict[str, Any]:
    """The manifest in force (an empty store has an empty one)."""
    path = data_dir / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {"generation": 0, "snapshots": {}, "rejects": {}, "import_log": [], "retired": []}
    except OSError as exc:
        raise StoreProblem(f"无法读取数据存储清单 {path}：{exc.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise StoreProblem(
            f"数据存储清单 {path} 已损坏；运行 python -m tracker check --repair 从备份恢复，"
            "或删除数据目录后重新导入原始台账"
        ) from None


def stamp(data_dir: Path) -> str:
    """A stamp that changes whenever a snapshot lands (the manifest file's modification time and size)."""
    try:
        facts = os.stat(Path(data_dir) / MANIFEST)
    except FileNotFoundError:
        return "empty"
    return f"{facts.st_mtime_ns}-{facts.st_size}"


def ledger_days(manifest: dict[str, Any]) -> list[dt.date]:
    """Every day any weekly ledger has a snapshot for in a manifest, newest first: the weeks there are to show."""
    snapshots = manifest.get("snapshots", {})
    return sorted(
        {dt.date.fromisoformat(d) for t in schema.LEDGERS for d in snapshots.get(t, {})}, reverse=True
    )


def current_generation(data_dir: Path) -> int:
    """The generation number of the manifest on disk (0 for an empty store)."""
    return int(read_manifest(Path(data_dir)).get("generation", 0))


def summary_usable(data_dir: Path, name: str, relative: str | None) -> bool:
    """Whether the summary file `relative` exists, reads, and has every column the summary has now."""
    if relative is None:
        return False
    try:
        names = file_facts(str(data_dir.resolve() / relative)).names
    except (OSError, pa.ArrowException):
        return False
    return {c.name for c in summaries.DERIVED[name].columns} <= set(names)
