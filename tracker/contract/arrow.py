"""The contract's tables as Arrow schemas: the columns and types of every snapshot and rejects file."""

from __future__ import annotations

import pyarrow as pa

from tracker.contract import schema

# township: the rejected row's township where it could be read, so a township user sees only theirs.
REJECT_COLUMNS = ("file", "sheet", "row", "column", "value", "reason", "township")

_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "DATE": pa.date32(),
    "BOOLEAN": pa.bool_(),
}


def arrow_schema(table: str) -> pa.Schema:
    """The Parquet schema of a table's snapshot files (as_of lives in the folder name)."""
    return pa.schema([(c.name, _ARROW_TYPES[c.sql_type]) for c in schema.TABLES[table].columns])


def reject_schema() -> pa.Schema:
    """The schema of the rejected-rows files."""
    return pa.schema([(c, pa.int32() if c == "row" else pa.string()) for c in REJECT_COLUMNS])
