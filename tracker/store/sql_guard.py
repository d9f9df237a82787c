"""What ad hoc SQL may name: the store's tables, and nothing that reads a file or the catalog.

The `sql` command runs a user's statement on a `Reader`. The reader's own lock-down
(no file outside the snapshot folders, no extension, no setting changed) is the last
line; this is the first: the statement is parsed by DuckDB itself
(`json_serialize_sql`, the parser the statement will run through) and its tree is
walked before anything runs. Text matching would miss `"read_parquet"`, a comment,
a CTE that hides a name, or a replacement scan (`FROM 'x.parquet'`); the parse tree
does not.

Allowed:
- a table reference to one of the store's tables (`Reader.public_tables`), or to a
  CTE of the statement that is in scope where it is named (a CTE sees only the CTEs
  before it, and itself only when recursive: that is how DuckDB binds them, so a
  name that DuckDB would look up in the catalog is looked up here too);
- the table functions that read nothing (`range`, `generate_series`, `unnest`);
- any scalar function or rule macro, except those that print the configuration
  (`current_setting`, ...) or read files.

Refused: every other table function (read_parquet, read_csv, read_text, read_blob,
read_json, glob, parquet_metadata, query, duckdb_views(), duckdb_settings(), ...),
qualified names (`information_schema.views`, `system.main.duckdb_views`), the
catalog's views (pg_views, duckdb_views, sqlite_master: they print the snapshot
files' paths), a file named as a table, and SHOW/DESCRIBE of anything but a store
table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import duckdb

# Table functions that produce rows from their arguments alone.
SAFE_TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})
# Scalar functions that would tell a query about the machine (paths in the settings).
REFUSED_FUNCTIONS = frozenset({"current_setting", "getvariable", "getenv", "which_secret"})
REFUSED_PREFIXES = ("read_",)


class Refused(Exception):
    """Why the statement may not run, in Chinese."""


def check(statement: str, tables: Iterable[str]) -> None:
    """Raise Refused unless the one SELECT statement names only the given tables (and its own CTEs)."""
    allowed = frozenset(t.lower() for t in tables)
    tree = _parse(statement)
    for node in tree.get("statements", []):
        _walk(node, frozenset(), allowed)


def _parse(statement: str) -> dict[str, Any]:
    con = duckdb.connect(":memory:")
    try:
        text = con.execute("SELECT json_serialize_sql($q)", {"q": statement}).fetchone()
    except duckdb.Error as exc:
        raise Refused(f"SQL语法错误：{str(exc).strip().splitlines()[0]}") from None
    finally:
        con.close()
    tree = json.loads(text[0]) if text else {"error": True}
    if tree.get("error"):
        raise Refused("只允许只读查询（SELECT）")
    return tree


def _walk(node: Any, ctes: frozenset[str], allowed: frozenset[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, ctes, allowed)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if kind == "RECURSIVE_CTE_NODE" and node.get("cte_name"):
        ctes = ctes | {str(node["cte_name"]).lower()}
    entries = (node.get("cte_map") or {}).get("map") or []
    if entries:
        # Each CTE's body sees the CTEs before it; the rest of this node sees them all.
        seen = ctes
        for entry in entries:
            _walk(entry.get("value"), seen, allowed)
            seen = seen | {str(entry.get("key", "")).lower()}
        ctes = seen
    if "class" in node:
        _check_expression(node)
    elif kind == "BASE_TABLE":
        _check_table(node, ctes, allowed)
    elif kind == "TABLE_FUNCTION":
        _check_table_function(node)
    elif kind == "SHOW_REF" and node.get("query") is None:
        _check_table(node, ctes, allowed)
    for key, value in node.items():
        if key != "cte_map":
            _walk(value, ctes, allowed)


def _check_table(node: dict[str, Any], ctes: frozenset[str], allowed: frozenset[str]) -> None:
    name = str(node.get("table_name", ""))
    qualified = node.get("schema_name") or node.get("catalog_name")
    if qualified or (name.lower() not in allowed and name.lower() not in ctes):
        shown = ".".join(p for p in (node.get("catalog_name"), node.get("schema_name"), name) if p)
        raise Refused(
            f"只能查询数据存储中的表（{'、'.join(sorted(allowed))}），不能读取“{shown}”"
            "（文件、系统表和其他数据库一律拒绝）"
        )


def _check_table_function(node: dict[str, Any]) -> None:
    function = node.get("function") or {}
    name = str(function.get("function_name", "")).lower()
    if name not in SAFE_TABLE_FUNCTIONS or function.get("schema") or function.get("catalog"):
        raise Refused(f"不允许使用表函数 {name}()：查询只能读取数据存储中的表，不能读取文件或系统信息")


def _check_expression(node: dict[str, Any]) -> None:
    if node.get("class") != "FUNCTION":
        return
    name = str(node.get("function_name", "")).lower()
    if name in REFUSED_FUNCTIONS or name.startswith(REFUSED_PREFIXES):
        raise Refused(f"不允许使用函数 {name}()：它读取文件或系统配置")
