"""Where things are: the repository, the named queries and the store folder."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
QUERIES_DIR = REPO_ROOT / "queries"
# One file per import-time summary, named after the table it fills (tracker.store.summaries).
SUMMARIES_DIR = QUERIES_DIR / "summaries"
SAMPLE_DIR = REPO_ROOT / "sample_data"


def data_dir(explicit: str | Path | None = None) -> Path:
    """The store folder: --data-dir, else TRACKER_DATA_DIR, else ./data."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("TRACKER_DATA_DIR")
    return Path(env) if env else Path("data")
