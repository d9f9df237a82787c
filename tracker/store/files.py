"""Files of the store: written whole or not at all, and their footers read once per process."""

from __future__ import annotations

import functools
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def write_parquet(data_dir: Path, relative: str, rows: pa.Table) -> str:
    target = data_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    try:
        pq.write_table(rows, tmp, compression="zstd")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync(tmp)
    os.replace(tmp, target)
    return relative


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class FileFacts:
    names: tuple[str, ...]
    arrow: str
    num_rows: int


@functools.lru_cache(maxsize=20_000)
def file_facts(path: str) -> FileFacts:
    """A snapshot file's columns and rows, from its footer (files are never changed, so once a process)."""
    meta = pq.read_metadata(path)
    arrow = meta.schema.to_arrow_schema()
    return FileFacts(tuple(arrow.names), str(arrow), meta.num_rows)
