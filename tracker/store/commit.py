"""Landing an import: new snapshot files first, then the manifest swap that is the commit."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tracker.store import summaries
from tracker.store.files import write_atomic, write_parquet
from tracker.store.gc import collect_garbage
from tracker.store.lock import import_lock
from tracker.store.manifest import MANIFEST, MANIFEST_BACKUP, read_manifest, summary_usable

REJECTS = "rejects"


@dataclass
class Snapshot:
    """One (table, as_of) about to be written."""

    table: str
    as_of: dt.date
    rows: pa.Table
    rejects: pa.Table | None = None


def commit(
    data_dir: Path,
    snapshots: list[Snapshot],
    log_entries: list[dict[str, Any]],
    county_text: str | None = None,
) -> dict[str, Any]:
    """Land the snapshots, their rejects and the log entries in one atomic step (hold the lock).

    Every new file is written first under a name no manifest knows; the manifest
    swap is the commit. If anything fails before it, the new files are removed and
    the store is exactly as it was.
    """
    manifest = read_manifest(data_dir)
    generation = int(manifest.get("generation", 0)) + 1
    tag = f"g{generation:06d}-{uuid.uuid4().hex[:8]}"
    written: list[str] = []
    snapshots = snapshots + _summaries_of(snapshots)
    try:
        retired = _stage(data_dir, manifest, snapshots, tag, written)
        if county_text is not None:
            relative = f"county/{tag}.toml"
            write_atomic(data_dir / relative, county_text.encode("utf-8"))
            written.append(relative)
            retired += (
                [{"path": manifest["county_config"], "at": time.time()}]
                if manifest.get("county_config")
                else []
            )
            manifest["county_config"] = relative
        manifest["generation"] = generation
        manifest["committed_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        manifest["import_log"] = list(manifest.get("import_log", [])) + log_entries
        manifest["retired"] = retired
        encoded = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        write_atomic(data_dir / MANIFEST, encoded)
    except BaseException:
        for relative in written:
            (data_dir / relative).unlink(missing_ok=True)
        raise
    # A second copy, so a manifest damaged on disk can be restored (python -m tracker check --repair).
    with contextlib.suppress(OSError):
        write_atomic(data_dir / MANIFEST_BACKUP, encoded)
    collect_garbage(data_dir)
    return manifest


def _summaries_of(snapshots: list[Snapshot]) -> list[Snapshot]:
    """The summaries of the ledger snapshots about to land that the caller did not bring itself."""
    brought = {(s.table, s.as_of) for s in snapshots}
    out = []
    for snap in snapshots:
        names = [n for n in summaries.for_ledger(snap.table) if (n, snap.as_of) not in brought]
        if names:
            derived = summaries.derive_many(names, snap.rows, snap.as_of)
            out += [Snapshot(name, snap.as_of, derived[name]) for name in names]
    return out


def write_missing_summaries(data_dir: Path) -> list[str]:
    """Derive and land every summary the store lacks or holds in an older shape (a store written
    before that summary existed); the labels of what was written, in Chinese. A ledger file that
    cannot be read is left to `verify`."""
    if not (data_dir / MANIFEST).exists():
        return []
    with import_lock(data_dir):
        manifest = read_manifest(data_dir)
        snapshots, done = [], []
        for table, days in sorted(manifest.get("snapshots", {}).items()):
            for day, relative in sorted(days.items()):
                missing = [
                    name
                    for name in summaries.for_ledger(table)
                    if not summary_usable(data_dir, name, manifest["snapshots"].get(name, {}).get(day))
                ]
                if not missing:
                    continue
                try:
                    rows = pq.read_table(data_dir / relative)
                except (OSError, pa.ArrowException):
                    continue
                as_of = dt.date.fromisoformat(day)
                derived = summaries.derive_many(missing, rows, as_of)
                snapshots += [Snapshot(n, as_of, derived[n]) for n in missing]
                done += [f"{summaries.DERIVED[n].label} {day}" for n in missing]
        if snapshots:
            commit(data_dir, snapshots, [])
    return done


def _stage(
    data_dir: Path, manifest: dict[str, Any], snapshots: list[Snapshot], tag: str, written: list[str]
) -> list[dict[str, Any]]:
    """Write the new snapshot files and point the (not yet saved) manifest at them; returns what retires."""
    retired = list(manifest.get("retired", []))
    now = time.time()
    for snap in snapshots:
        day = snap.as_of.isoformat()
        path = write_parquet(data_dir, f"{snap.table}/as_of={day}/part-{tag}.parquet", snap.rows)
        written.append(path)
        old = manifest["snapshots"].setdefault(snap.table, {}).get(day)
        manifest["snapshots"][snap.table][day] = path
        old_reject = manifest.setdefault("rejects", {}).setdefault(snap.table, {}).pop(day, None)
        if snap.rejects is not None and snap.rejects.num_rows:
            name = f"{REJECTS}/table={snap.table}/as_of={day}/part-{tag}.parquet"
            manifest["rejects"][snap.table][day] = write_parquet(data_dir, name, snap.rejects)
            written.append(name)
        retired += [{"path": p, "at": now} for p in (old, old_reject) if p]
    return retired
