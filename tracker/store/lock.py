"""One import at a time: an exclusive lock on a file in the store folder."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

LOCK = ".import.lock"


class StoreBusy(Exception):
    """Another import holds the store."""


@contextlib.contextmanager
def import_lock(data_dir: Path, wait_seconds: float | None = None) -> Iterator[None]:
    """Hold the store for one import; a second import waits, then gives up with StoreBusy."""
    if wait_seconds is None:
        wait_seconds = float(os.environ.get("TRACKER_IMPORT_WAIT", "60"))
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = open(data_dir / LOCK, "a+")  # noqa: SIM115 - held for the duration of the block
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreBusy("另一个导入正在进行，请稍后再试") from None
                time.sleep(0.2)
        yield
    finally:
        handle.close()
