"""Is the store whole? Every problem named in Chinese, and the manifest restored from its backup."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tracker.contract import schema
from tracker.store import summaries
from tracker.store.files import write_atomic
from tracker.store.lock import import_lock
from tracker.store.manifest import MANIFEST, MANIFEST_BACKUP, StoreProblem, read_manifest


def verify(data_dir: Path) -> list[str]:
    """Every problem with the store, in Chinese: a damaged manifest, missing or unreadable snapshot files."""
    try:
        manifest = read_manifest(data_dir)
    except StoreProblem as problem:
        return [str(problem)]
    problems = []
    for table, days in manifest.get("snapshots", {}).items():
        if table in schema.TABLES:
            label, remedy = schema.TABLES[table].label, "请重新导入该期台账"
        else:  # a summary (or one a newer version writes): derived, so it can be written again
            label = summaries.DERIVED[table].label if table in summaries.DERIVED else table
            remedy = "运行 python -m tracker check --repair 重新生成"
        for day, relative in sorted(days.items()):
            path = data_dir / relative
            try:
                pq.read_table(path)
            except FileNotFoundError:
                problems.append(f"{path}：文件缺失（{label} {day}）；{remedy}")
            except (OSError, pa.ArrowException):
                problems.append(f"{path}：文件已损坏（{label} {day}）；{remedy}")
    return problems


def repair_manifest(data_dir: Path) -> bool:
    """Put the backup copy back when the manifest is damaged; whether it did."""
    try:
        read_manifest(data_dir)
        return False
    except StoreProblem:
        pass
    backup = data_dir / MANIFEST_BACKUP
    try:
        text = backup.read_text(encoding="utf-8")
        json.loads(text)
    except (OSError, json.JSONDecodeError):
        raise StoreProblem(f"清单备份 {backup} 也无法使用；请删除数据目录后重新导入原始台账") from None
    with import_lock(data_dir):
        write_atomic(data_dir / MANIFEST, text.encode("utf-8"))
    return True
