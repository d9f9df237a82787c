"""Named queries: one `.sql` file per query in `queries/`, loaded by name, parameters bound.

Each file starts with a comment block: the first line says what the query
answers, a `-- params:` line lists its `$parameters`. Pages and the CLI ask for
a query by name and pass values; DuckDB binds them, so no value ever becomes
SQL text. A query may use only the parameters it declares, and every declared
parameter must be passed: a typo is a loud error, not a silently empty chart.

Rules are not parameters: a query calls the macros the store reader creates
from the constants in tracker/ (`tracker.rules.macros`: is_completed,
snapshot_day, in_townships …), so no query writes a rule out itself.

The common parameters:
- `$as_of` DATE: the snapshot shown.
- `$township` VARCHAR[]: townships to include; empty list = whole county.
- `$batch` INTEGER or NULL: relocation batch; NULL = all batches.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from tracker.contract.paths import QUERIES_DIR

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


class QueryProblem(Exception):
    """A named query that does not exist, or was called with the wrong parameters."""


@dataclass(frozen=True)
class NamedQuery:
    """One query file: its name, what it answers, its parameters and its SQL."""

    name: str
    doc: str
    params: frozenset[str]
    sql: str

    def bound(self, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The SQL and exactly the parameters it takes (missing ones are an error)."""
        missing = self.params - params.keys()
        if missing:
            raise QueryProblem(f"query {self.name!r} needs parameters {sorted(missing)}")
        return self.sql, {k: params[k] for k in self.params}


def _parse(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        header.append(line[2:].strip())
    if not header:
        raise QueryProblem(f"{path.name}: a query file must start with a comment saying what it answers")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    used = frozenset(_PARAM.findall(body))
    declared_line = next((h for h in header if h.startswith("params:")), "params:")
    declared = frozenset(_PARAM.findall(declared_line))
    if used != declared:
        raise QueryProblem(
            f"{path.name}: declared parameters {sorted(declared)} differ from those used {sorted(used)}"
        )
    return NamedQuery(path.stem, header[0], used, text)


@cache
def catalogue(directory: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    """Every named query in the directory, by name."""
    return {p.stem: _parse(p) for p in sorted(directory.glob("*.sql"))}


def get(name: str) -> NamedQuery:
    """The named query, or a QueryProblem naming the ones that exist."""
    try:
        return catalogue()[name]
    except KeyError:
        raise QueryProblem(f"no query named {name!r}; have {sorted(catalogue())}") from None


def bind(name: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The SQL of a named query and exactly the parameters it takes (missing ones are an error)."""
    return get(name).bound(params)


def run(cursor: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """Run a named query on a cursor; extra parameters (shared filters) are ignored."""
    sql, bound = bind(name, params)
    return cursor.execute(sql, bound).df()


def memoized(cursor: duckdb.DuckDBPyConnection) -> Callable[..., pd.DataFrame]:
    """`query(name, **params)` on a cursor, each distinct query run once (for one thread's use).

    For a run over one store version that reads the same query for many scopes (the weekly report,
    总览's first view). A result is shared, never changed in place (pandas' copy-on-write copies
    what a caller changes)."""
    done: dict[tuple[str, str], pd.DataFrame] = {}

    def query(name: str, **params: Any) -> pd.DataFrame:
        key = (name, repr(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items())))
        if key not in done:
            done[key] = run(cursor, name, **params)
        return done[key]

    return query
