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
import functools
import json
import os
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from tracker import rule_macros, schema, summaries

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


# Ledgers of a few hundred rows a snapshot that every page reads: the reader holds them in memory.
_SMALL_LEDGERS = frozenset({"targets"})


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
    snapshots = snapshots + _summaries_of(snapshots)
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
                    if not _summary_usable(data_dir, name, manifest["snapshots"].get(name, {}).get(day))
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


def _summary_usable(data_dir: Path, name: str, relative: str | None) -> bool:
    if relative is None:
        return False
    try:
        names = _file_facts(str(data_dir.resolve() / relative)).names
    except (OSError, pa.ArrowException):
        return False
    return {c.name for c in summaries.DERIVED[name].columns} <= set(names)


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

    One in-memory DuckDB database holds a view per ledger over that manifest's
    Parquet files (the small targets ledger held in memory), the import-time
    summaries (those the weekly series read held in memory, see
    summaries.HELD_IN_MEMORY), `snapshot_days`, the days each
    ledger has rows in this reader's scope, where queries find the snapshot in
    force without opening a file, and the rule macros every query calls
    (`tracker.rule_macros`). Everything is limited to the scope. `cursor()`
    gives each thread its own cursor on it (a DuckDB connection is not safe to
    share between threads).
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
        for name, table in schema.TABLES.items():
            self._define_view(name, table, self.files(name), None, in_memory=name in _SMALL_LEDGERS)
        self._define_summaries()
        self._define_snapshot_days()
        # The rules every query applies (stages, snapshot in force, township and batch filters).
        rule_macros.define(con)
        self._define_rejects()
        log = pa.Table.from_pylist(self.manifest.get("import_log", []), schema=_LOG_SCHEMA)
        # A registered Arrow table is private to one connection; a table is seen by every cursor.
        con.from_arrow(log).create("import_log_rows")
        con.execute(
            "CREATE OR REPLACE VIEW import_log AS SELECT * REPLACE "
            "(imported_at::TIMESTAMPTZ AS imported_at, as_of::DATE AS as_of) FROM import_log_rows"
        )

    def _define_view(
        self,
        name: str,
        table: schema.Table,
        files: list[str],
        derived: pa.Table | None,
        in_memory: bool = False,
    ) -> None:
        """The view `name` over the files (and rows derived here, for a summary an old store lacks);
        in_memory: a table holding the rows this reader may see, read once now."""
        con = self.connection
        relation = None
        if files:
            try:
                # Reading every file's footer on each query only pays when the files differ (an old store).
                facts = {_file_facts(f).arrow for f in files}
                relation = con.read_parquet(files, hive_partitioning=True, union_by_name=len(facts) > 1)
            except (duckdb.Error, OSError, pa.ArrowException) as error:
                detail = str(error).splitlines()[0]
                raise StoreProblem(f"{table.label}的快照文件无法读取（{detail}）") from None
        if derived is not None and derived.num_rows:
            kept = self._scoped(con.from_arrow(derived), table)
            kept.create(f"{name}_derived_here")
            here = con.table(f"{name}_derived_here")
            relation = here if relation is None else relation.union(here.select(*relation.columns))
        if relation is None:
            con.execute(f"CREATE OR REPLACE VIEW {name} AS {_empty_select(table)}")
        elif in_memory:
            try:
                self._scoped(relation, table).create(name)
            except duckdb.Error as error:
                detail = str(error).splitlines()[0]
                raise StoreProblem(f"{table.label}的快照文件无法读取（{detail}）") from None
            con.execute(f"DROP TABLE IF EXISTS {name}_derived_here")
        else:
            self._scoped(relation, table).create_view(name, replace=True)

    def _define_summaries(self) -> None:
        """Each summary's view: its files, and what this reader derives for days whose file is missing
        or older than the summary's columns (a store written before; `check --repair` writes them)."""
        snapshots = self.manifest.get("snapshots", {})
        files: dict[str, list[str]] = {name: [] for name in summaries.SUMMARIES}
        here: dict[str, list[pa.Table]] = {name: [] for name in summaries.SUMMARIES}
        todo: list[tuple[str, dt.date, tuple[str, ...]]] = []
        root = self.data_dir.resolve()
        for ledger, days in snapshots.items():
            names = summaries.for_ledger(ledger)
            for day in sorted(days):
                missing = []
                for name in names:
                    written = snapshots.get(name, {}).get(day)
                    if _summary_usable(self.data_dir, name, written):
                        files[name].append(str(root / written))
                    else:
                        missing.append(name)
                if missing:
                    todo.append((str(root / days[day]), dt.date.fromisoformat(day), tuple(missing)))
        for derived in _derived_here(todo):
            for name, rows in derived.items():
                here[name].append(rows)
        for name, derived in summaries.SUMMARIES.items():
            parts = here[name]
            self._define_view(
                name,
                derived.table,
                files[name],
                pa.concat_tables(parts) if parts else None,
                in_memory=name in summaries.HELD_IN_MEMORY,
            )

    def _define_snapshot_days(self) -> None:
        """`snapshot_days(table_name, as_of)`: the days each ledger has rows this reader may see.

        Queries find the snapshot in force here instead of taking max(as_of) over the ledger,
        which opens every week's file."""
        con = self.connection
        rows: list[tuple[str, dt.date]] = []
        for name, table in schema.TABLES.items():
            scoped = any(column in {c.name for c in table.columns} for column in self.scope)
            if not scoped:
                rows += [
                    (name, dt.date.fromisoformat(day))
                    for day, path in zip(
                        sorted(self.manifest.get("snapshots", {}).get(name, {})), self.files(name)
                    )
                    if _file_facts(path).num_rows
                ]
                continue
            counted = summaries.ROW_COUNTS.get(name, (name, ""))[0]
            found = con.execute(f"SELECT DISTINCT as_of FROM {counted}").fetchall()
            rows += [(name, day) for (day,) in found]
        days = pa.table(
            {"table_name": [r[0] for r in rows], "as_of": [r[1] for r in rows]},
            schema=pa.schema([("table_name", pa.string()), ("as_of", pa.date32())]),
        )
        con.from_arrow(days).create("snapshot_days")

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


@dataclass(frozen=True)
class _Facts:
    names: tuple[str, ...]
    arrow: str
    num_rows: int


@functools.lru_cache(maxsize=20_000)
def _file_facts(path: str) -> _Facts:
    """A snapshot file's columns and rows, from its footer (files are never changed, so once a process)."""
    meta = pq.read_metadata(path)
    arrow = meta.schema.to_arrow_schema()
    return _Facts(tuple(arrow.names), str(arrow), meta.num_rows)


# Summaries derived by readers of a store written before they existed: (ledger file, names) -> tables.
_DERIVED_HERE: dict[tuple[str, tuple[str, ...]], dict[str, pa.Table]] = {}
_DERIVED_HERE_LOCK = threading.Lock()


def _derived_here(sources: list[tuple[str, dt.date, tuple[str, ...]]]) -> list[dict[str, pa.Table]]:
    """Summaries a store written before they existed lacks, derived from ledger files (once a process)."""
    with _DERIVED_HERE_LOCK:
        todo = [s for s in sources if (s[0], s[2]) not in _DERIVED_HERE]
        if todo:
            con = duckdb.connect(":memory:")
            try:
                for source, as_of, names in todo:
                    derived = summaries.derive_from_file(con, source, as_of, list(names))
                    day = pa.array([as_of], pa.date32())[0]
                    _DERIVED_HERE[(source, names)] = {
                        n: t.append_column("as_of", pa.repeat(day, t.num_rows)) for n, t in derived.items()
                    }
            except (duckdb.Error, OSError) as error:
                detail = str(error).splitlines()[0]
                raise StoreProblem(f"快照文件无法读取，导入时生成的汇总无法补算（{detail}）") from None
            finally:
                con.close()
        return [_DERIVED_HERE[(source, names)] for source, _, names in sources]


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
        _write_atomic(data_dir / MANIFEST, text.encode("utf-8"))
    return True
