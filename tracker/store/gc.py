"""Removing files no reader can still need: retired snapshots after a grace period, orphans after an hour."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from tracker.store.manifest import read_manifest

# A reader that loaded the previous manifest may still scan its files this long.
RETIRED_GRACE_SECONDS = 120
# Files no manifest ever named (an import killed after writing them) are this old before removal.
ORPHAN_GRACE_SECONDS = 3600


def collect_garbage(data_dir: Path) -> None:
    """Remove files that no reader can still need (call while holding the lock)."""
    manifest = read_manifest(data_dir)
    now = time.time()
    keep_retired = [r for r in manifest.get("retired", []) if now - r["at"] < RETIRED_GRACE_SECONDS]
    named = {p for table in manifest["snapshots"].values() for p in table.values()}
    named |= {p for table in manifest.get("rejects", {}).values() for p in table.values()}
    named |= {r["path"] for r in keep_retired}
    for path in data_dir.rglob("*.parquet*"):
        relative = path.relative_to(data_dir).as_posix()
        if relative in named:
            continue
        age = now - path.stat().st_mtime
        retired_long_ago = any(r["path"] == relative for r in manifest.get("retired", []))
        if retired_long_ago or age > ORPHAN_GRACE_SECONDS:
            path.unlink(missing_ok=True)
    for folder in sorted(data_dir.rglob("as_of=*"), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only succeeds when empty
