"""The store: immutable Parquet snapshots named by a manifest that is replaced atomically.

Why this layout: a DuckDB database file admits one writing process and locks out
readers while it writes, but the dashboard must keep serving while an import
runs, several dashboard processes may share one store, and other engines
(DuckDB, Spark, Trino) should read the data without our code. So every
snapshot is a Parquet file under `<table>/as_of=<day>/`, written once and
never changed, and `manifest.json` says which files make up the store. An
import writes its new files first, then swaps the manifest with one
`os.replace`: a reader sees the old store or the new one, never a mix, and an
import killed at any point leaves the old manifest in force. Files the manifest
no longer names are removed a little later, once no reader can still be using them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from tracker import schema, summaries

MANIFEST = "manifest.json"
MANIFEST_BACKUP = "manifest.backup.json"
LOCK = ".import.lock"
# A reader that loaded the previous manifest may still scan its files this long.
RETIRED_GRACE_SECONDS = 120
# Files no manifest ever named (an import killed after writing them) are this old before removal.
ORPHAN_GRACE_SECONDS = 3600
REJECTS = "rejects"
REJECT_COLUMNS = ("file", "sheet", "row", "column", "value", "reason")

_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "DATE": pa.date32(),
    "BOOLEAN": pa.bool_(),
}


class StoreBusy(Exception):
    """Another import holds the store."""


class StoreProblem(Exception):
    """The store cannot be read or written; the message names what and why, in Chinese."""


def arrow_schema(table: str) -> pa.Schema:
    """The Parquet schema of a table's snapshot files (as_of lives in the folder name)."""
    return pa.schema([(c.name, _ARROW_TYPES[c.sql_type]) for c in schema.TABLES[table].columns])


def reject_schema() -> pa.Schema:
    """The schema of the rejected-rows files."""
    return pa.schema([(c, pa.int32() if c == "row" else pa.string()) for c in REJECT_COLUMNS])


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


@dataclass
class Snapshot:
    """One (table, as_of) about to be written."""

    table: str
    as_of: dt.date
    rows: pa.Table
    rejects: pa.Table | None = None


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
    try:
        retired = _stage(data_dir, manifest, snapshots, tag, written)
        if county_text is not None:
            relative = f"county/{tag}.toml"
            _write_atomic(data_dir / relative, county_text.encode("utf-8"))
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
        _write_atomic(data_dir / MANIFEST, encoded)
    except BaseException:
        for relative in written:
            (data_dir / relative).unlink(missing_ok=True)
        raise
    # A second copy, so a manifest damaged on disk can be restored (python -m tracker check --repair).
    with contextlib.suppress(OSError):
        _write_atomic(data_dir / MANIFEST_BACKUP, encoded)
    collect_garbage(data_dir)
    return manifest


def _stage(
    data_dir: Path, manifest: dict[str, Any], snapshots: list[Snapshot], tag: str, written: list[str]
) -> list[dict[str, Any]]:
    """Write the new snapshot files and point the (not yet saved) manifest at them; returns what retires."""
    retired = list(manifest.get("retired", []))
    now = time.time()
    for snap in snapshots:
        day = snap.as_of.isoformat()
        path = _write_parquet(data_dir, f"{snap.table}/as_of={day}/part-{tag}.parquet", snap.rows)
        written.append(path)
        old = manifest["snapshots"].setdefault(snap.table, {}).get(day)
        manifest["snapshots"][snap.table][day] = path
        old_reject = manifest.setdefault("rejects", {}).setdefault(snap.table, {}).pop(day, None)
        if snap.rejects is not None and snap.rejects.num_rows:
            name = f"{REJECTS}/table={snap.table}/as_of={day}/part-{tag}.parquet"
            manifest["rejects"][snap.table][day] = _write_parquet(data_dir, name, snap.rejects)
            written.append(name)
        retired += [{"path": p, "at": now} for p in (old, old_reject) if p]
    return retired


def _write_parquet(data_dir: Path, relative: str, rows: pa.Table) -> str:
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


def _write_atomic(path: Path, data: bytes) -> None:
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


class Reader:
    """A read-only DuckDB view of the store as of the manifest it last loaded.

    One in-memory DuckDB database holds a view per table over that manifest's
    Parquet files; `cursor()` gives each thread its own cursor on it (a DuckDB
    connection is not safe to share between threads).
    """

    def __init__(self, data_dir: Path, scope: Mapping[str, Sequence[str]] | None = None) -> None:
        """scope limits every table to rows whose columns hold one of the given values,
        e.g. {"county": ["河曲县"]}: a query on this reader cannot see any other row."""
        self.data_dir = Path(data_dir)
        self.scope = {k: tuple(v) for k, v in (scope or {}).items()}
        self.manifest = read_manifest(self.data_dir)
        self.generation = int(self.manifest.get("generation", 0))
        self.connection = duckdb.connect(":memory:")
        self._define_views()
        self._lock_down()

    def _define_views(self) -> None:
        con = self.connection
        for name, table in (schema.TABLES | summaries.DERIVED).items():
            files = self.files(name)
            if files:
                try:
                    relation = con.read_parquet(files, hive_partitioning=True, union_by_name=True)
                except duckdb.Error as error:
                    detail = str(error).splitlines()[0]
                    raise StoreProblem(f"{table.label}的快照文件无法读取（{detail}）") from None
                self._scoped(relation, table).create_view(name, replace=True)
            else:
                con.execute(f"CREATE OR REPLACE VIEW {name} AS {_empty_select(table)}")
        self._define_rejects()
        log = pa.Table.from_pylist(self.manifest.get("import_log", []), schema=_LOG_SCHEMA)
        # A registered Arrow table is private to one connection; a table is seen by every cursor.
        con.from_arrow(log).create("import_log_rows")
        con.execute(
            "CREATE OR REPLACE VIEW import_log AS SELECT * REPLACE "
            "(imported_at::TIMESTAMPTZ AS imported_at, as_of::DATE AS as_of) FROM import_log_rows"
        )

    def _define_rejects(self) -> None:
        files = [
            str(self.data_dir.resolve() / p)
            for table in self.manifest.get("rejects", {}).values()
            for p in table.values()
        ]
        con = self.connection
        if files:
            relation = con.read_parquet(files, hive_partitioning=True, union_by_name=True)
            relation.create_view("rejects_raw", replace=True)
            con.execute(
                "CREATE OR REPLACE VIEW rejects AS SELECT "
                '"table" AS table_name, as_of, file, sheet, "row", "column", value, reason FROM rejects_raw'
            )
        else:
            con.execute(
                "CREATE OR REPLACE VIEW rejects AS SELECT NULL::VARCHAR AS table_name, NULL::DATE AS as_of, "
                'NULL::VARCHAR AS file, NULL::VARCHAR AS sheet, NULL::INTEGER AS "row", '
                'NULL::VARCHAR AS "column", NULL::VARCHAR AS value, NULL::VARCHAR AS reason WHERE false'
            )

    def _scoped(self, relation: duckdb.DuckDBPyRelation, table: schema.Table) -> duckdb.DuckDBPyRelation:
        # Values go in as constant expressions, never as SQL text.
        names = {c.name for c in table.columns}
        for column, allowed in self.scope.items():
            if column in names:
                constants = [duckdb.ConstantExpression(v) for v in allowed]
                condition = (
                    duckdb.ColumnExpression(column).isin(*constants)
                    if constants
                    else duckdb.ConstantExpression(False)
                )
                relation = relation.filter(condition)
        return relation

    def _lock_down(self) -> None:
        # Queries may read the store's own files and nothing else, and cannot undo this.
        con = self.connection
        con.execute("SET allowed_directories = $dirs", {"dirs": [str(self.data_dir.resolve()) + os.sep]})
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")

    def files(self, table: str) -> list[str]:
        """Absolute paths of a table's snapshot files, oldest first."""
        days = self.manifest.get("snapshots", {}).get(table, {})
        return [str(self.data_dir.resolve() / days[day]) for day in sorted(days)]

    def snapshot_days(self, table: str) -> list[dt.date]:
        """The days a table has snapshots for, oldest first."""
        return [dt.date.fromisoformat(d) for d in sorted(self.manifest.get("snapshots", {}).get(table, {}))]

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for the calling thread."""
        return self.connection.cursor()

    def is_current(self) -> bool:
        """Whether the manifest on disk is still the one this reader loaded."""
        return current_generation(self.data_dir) == self.generation


def current_generation(data_dir: Path) -> int:
    """The generation number of the manifest on disk (0 for an empty store)."""
    return int(read_manifest(Path(data_dir)).get("generation", 0))


def _empty_select(table: schema.Table) -> str:
    # Built from the schema's own column names and types, never from user input.
    cols = ", ".join(f"NULL::{c.sql_type} AS {c.name}" for c in table.columns)
    return f"SELECT {cols}, NULL::DATE AS as_of WHERE false"


_LOG_SCHEMA = pa.schema(
    [
        ("imported_at", pa.string()),
        ("file", pa.string()),
        ("sheet", pa.string()),
        ("sha256", pa.string()),
        ("table_name", pa.string()),
        ("as_of", pa.string()),
        ("rows_accepted", pa.int64()),
        ("rows_rejected", pa.int64()),
        ("rows_totals_dropped", pa.int64()),
    ]
)


def verify(data_dir: Path) -> list[str]:
    """Every problem with the store, in Chinese: a damaged manifest, missing or unreadable snapshot files."""
    try:
        manifest = read_manifest(data_dir)
    except StoreProblem as problem:
        return [str(problem)]
    problems = []
    for table, days in manifest.get("snapshots", {}).items():
        for day, relative in sorted(days.items()):
            path = data_dir / relative
            try:
                pq.read_table(path)
            except FileNotFoundError:
                problems.append(f"{path}：文件缺失（{schema.TABLES[table].label} {day}）；请重新导入该期台账")
            except (OSError, pa.ArrowException):
                problems.append(
                    f"{path}：文件已损坏（{schema.TABLES[table].label} {day}）；请重新导入该期台账"
                )
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
        _write_atomic(data_dir / MANIFEST, text.encode("utf-8"))
    return True
