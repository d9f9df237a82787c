"""Reading the store: one read-only DuckDB view of the snapshots the manifest names, limited to a scope.

Every page, the CLI's `sql` and the report run their named queries on a `Reader`.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from tracker.contract import schema
from tracker.rules import macros
from tracker.store import summaries
from tracker.store.commit import REJECTS
from tracker.store.files import file_facts
from tracker.store.manifest import (
    StoreProblem,
    current_generation,
    ledger_days,
    read_manifest,
    summary_usable,
)


@dataclass(frozen=True)
class View:
    """One table a query can read: its name, where its rows come from, and whether it is held in memory.

    rows: "ledger" (the snapshot files the manifest names), "summary" (the files written at import
    beside each ledger snapshot, `queries/summaries/<name>.sql`, and what this reader derives where
    one is missing), "snapshot_days", "rejects" or "import_log" (see Reader._define_<rows>).
    in_memory: the rows this reader's scope may see, read once when it opens, instead of opening
    the files on every query.
    """

    name: str
    rows: str
    in_memory: bool = False


# Every table and view a named query, the report or `tracker sql` reads, in the order they are made
# (snapshot_days counts rows through the summaries). Every one is limited to the reader's scope.
VIEWS: tuple[View, ...] = (
    # The ledgers, one view each over all their snapshots (a column `as_of` per snapshot).
    View("villages", "ledger"),
    View("households", "ledger"),
    View("party_orgs", "ledger"),
    View("funds", "ledger"),
    View("responsibilities", "ledger"),
    # A few hundred rows a snapshot that every page reads.
    View("targets", "ledger", in_memory=True),
    # The import-time summaries. The weekly series read the four held in memory across every week,
    # on nearly every page (about 400,000 rows, 45 MiB, for a whole province of 26 weeks; a county's
    # reader a hundredth of that); the other two are read one week at a time and stay on disk.
    View("village_summary", "summary", in_memory=True),
    View("household_summary", "summary", in_memory=True),
    View("org_summary", "summary", in_memory=True),
    View("fund_summary", "summary", in_memory=True),
    View("household_modes", "summary"),
    View("poor_self_funding", "summary"),
    # Which days each ledger has rows this reader may see: the snapshot in force without a file opened.
    View("snapshot_days", "snapshot_days"),
    # Rows an import refused (--allow-rejects), and every file imported.
    View("rejects", "rejects"),
    View("import_log", "import_log"),
)

# The folders of the store that hold snapshot files: the only ones a query may read.
SNAPSHOT_FOLDERS = (*schema.TABLES, *summaries.SUMMARIES, REJECTS)
# Scope columns the import log records per entry (as "townships", "counties").
_LOG_SCOPES = frozenset({"township", "county"})


class Reader:
    """A read-only DuckDB view of the store as of the manifest it last loaded.

    One in-memory DuckDB database holds the views of `VIEWS` (the ledgers over
    that manifest's Parquet files, the import-time summaries, `snapshot_days`,
    `rejects`, `import_log`) and the rule macros every query calls
    (`tracker.rules.macros`). Everything is limited to the scope. `cursor()`
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
        self._summaries: tuple[dict[str, list[str]], dict[str, list[pa.Table]]] | None = None
        self._define_views()
        self._lock_down()

    def _define_views(self) -> None:
        # Each view of VIEWS by where its rows come from, then the rules every query applies
        # (stages, snapshot in force, township and batch filters), which read snapshot_days.
        for view in VIEWS:
            if view.rows == "ledger":
                self._define_view(
                    view.name, schema.TABLES[view.name], self.files(view.name), None, view.in_memory
                )
            elif view.rows == "summary":
                files, derived = self._summary_rows(view.name)
                self._define_view(view.name, summaries.DERIVED[view.name], files, derived, view.in_memory)
            elif view.rows == "snapshot_days":
                self._define_snapshot_days()
            elif view.rows == "rejects":
                self._define_rejects()
            elif view.rows == "import_log":
                self._define_import_log()
            else:
                raise ValueError(f"view {view.name}: no rows called {view.rows!r}")
        macros.define(self.connection)

    def _define_import_log(self) -> None:
        con = self.connection
        entries = [e for e in self.manifest.get("import_log", []) if self._may_see(e)]
        log = pa.Table.from_pylist(entries, schema=_LOG_SCHEMA)
        # A registered Arrow table is private to one connection; a table is seen by every cursor.
        con.from_arrow(log).project(
            "* REPLACE (imported_at::TIMESTAMPTZ AS imported_at, as_of::DATE AS as_of)"
        ).create("import_log")

    def _may_see(self, entry: Mapping[str, object]) -> bool:
        """Whether an import log entry is about this reader's scope only: every township (county)
        its file holds rows of is in scope. An entry from before that was recorded is hidden."""
        for column, allowed in self.scope.items():
            held = entry.get(f"{column}s") if column in _LOG_SCOPES else None
            if not isinstance(held, list) or not held or not set(held) <= set(allowed):
                return False
        return True

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
                facts = {file_facts(f).arrow for f in files}
                relation = con.read_parquet(files, hive_partitioning=True, union_by_name=len(facts) > 1)
            except (duckdb.Error, OSError, pa.ArrowException) as error:
                detail = str(error).splitlines()[0]
                raise StoreProblem(f"{table.label}的快照文件无法读取（{detail}）") from None
        if derived is not None and derived.num_rows:
            kept = self._scoped(con.from_arrow(derived))
            kept.create(f"{name}_derived_here")
            here = con.table(f"{name}_derived_here")
            relation = here if relation is None else relation.union(here.select(*relation.columns))
        if relation is None:
            con.execute(f"CREATE OR REPLACE VIEW {name} AS {_empty_select(table)}")
        elif in_memory:
            try:
                self._scoped(relation).create(name)
            except duckdb.Error as error:
                detail = str(error).splitlines()[0]
                raise StoreProblem(f"{table.label}的快照文件无法读取（{detail}）") from None
            con.execute(f"DROP TABLE IF EXISTS {name}_derived_here")
        else:
            self._scoped(relation).create_view(name, replace=True)

    def _summary_rows(self, name: str) -> tuple[list[str], pa.Table | None]:
        """A summary's files, and the rows this reader derives for days whose file is missing or older
        than the summary's columns (a store written before; `check --repair` writes them)."""
        if self._summaries is None:
            self._summaries = self._find_summaries()
        files, here = self._summaries
        return files[name], (pa.concat_tables(here[name]) if here[name] else None)

    def _find_summaries(self) -> tuple[dict[str, list[str]], dict[str, list[pa.Table]]]:
        """Every summary's files, and what is derived here for the days that lack one (in one pass)."""
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
                    if summary_usable(self.data_dir, name, written):
                        files[name].append(str(root / written))
                    else:
                        missing.append(name)
                if missing:
                    todo.append((str(root / days[day]), dt.date.fromisoformat(day), tuple(missing)))
        for found in _derived_here(todo):
            for name, rows in found.items():
                here[name].append(rows)
        return files, here

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
                    if file_facts(path).num_rows
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
        """`rejects`: the rows imports left out, limited to the scope by the township each row named
        (a row of no readable township, or from a file written before rows kept it, is county-only)."""
        files = [
            str(self.data_dir.resolve() / p)
            for table in self.manifest.get("rejects", {}).values()
            for p in table.values()
        ]
        con = self.connection
        if files:
            relation = con.read_parquet(files, hive_partitioning=True, union_by_name=True)
            township = "township" if "township" in relation.columns else "NULL::VARCHAR AS township"
            relation = relation.project(
                f'"table" AS table_name, as_of, file, sheet, "row", "column", value, reason, {township}'
            )
            self._scoped(relation).create_view("rejects", replace=True)
        else:
            con.execute(
                "CREATE OR REPLACE VIEW rejects AS SELECT NULL::VARCHAR AS table_name, NULL::DATE AS as_of, "
                'NULL::VARCHAR AS file, NULL::VARCHAR AS sheet, NULL::INTEGER AS "row", '
                'NULL::VARCHAR AS "column", NULL::VARCHAR AS value, NULL::VARCHAR AS reason, '
                "NULL::VARCHAR AS township WHERE false"
            )

    def _scoped(self, relation: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
        """The rows of relation within the scope; a relation without a scope's column has none
        (a table this reader cannot limit is not shown rather than shown whole)."""
        # Values go in as constant expressions, never as SQL text.
        names = set(relation.columns)
        for column, allowed in self.scope.items():
            constants = [duckdb.ConstantExpression(v) for v in allowed]
            condition = (
                duckdb.ColumnExpression(column).isin(*constants)
                if constants and column in names
                else duckdb.ConstantExpression(False)
            )
            relation = relation.filter(condition)
        return relation

    def _lock_down(self) -> None:
        # Queries may read the snapshot folders and nothing else, and cannot undo this: the ID key,
        # the users file, the audit log and the manifest sit beside those folders, never in them.
        con = self.connection
        root = self.data_dir.resolve()
        dirs = [str(root / name) + os.sep for name in SNAPSHOT_FOLDERS]
        con.execute("SET allowed_directories = $dirs", {"dirs": dirs})
        con.execute("SET enable_external_access = false")
        # An unknown table name must not become a scan of a Python variable of the caller's.
        con.execute("SET python_enable_replacements = false")
        con.execute("SET lock_configuration = true")

    @staticmethod
    def public_tables() -> list[str]:
        """The tables a query may name (ad hoc SQL is held to these, see `sql_guard`); each is
        limited to the reader's scope."""
        return [*schema.TABLES, *summaries.SUMMARIES, "import_log", "rejects", "snapshot_days"]

    def files(self, table: str) -> list[str]:
        """Absolute paths of a table's snapshot files, oldest first."""
        days = self.manifest.get("snapshots", {}).get(table, {})
        return [str(self.data_dir.resolve() / days[day]) for day in sorted(days)]

    def snapshot_days(self, table: str) -> list[dt.date]:
        """The days a table has snapshots for, oldest first."""
        return [dt.date.fromisoformat(d) for d in sorted(self.manifest.get("snapshots", {}).get(table, {}))]

    def ledger_days(self) -> list[dt.date]:
        """Every day any weekly ledger has a snapshot for, newest first: the weeks there are to show."""
        return ledger_days(self.manifest)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for the calling thread."""
        return self.connection.cursor()

    def is_current(self) -> bool:
        """Whether the manifest on disk is still the one this reader loaded."""
        return current_generation(self.data_dir) == self.generation


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
