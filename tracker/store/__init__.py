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

Writing: `lock` (one import at a time), `commit` (the snapshots and the manifest
swap), `gc` (files no reader needs), `check` (verify and repair). Reading:
`manifest` (what is in force), `reader` (the DuckDB view every query runs on),
`queries` (the named queries), `sql_console` (ad hoc SQL). `summaries` are the
weekly sums written beside each ledger snapshot; `files` writes a file whole or
not at all and reads a snapshot file's footer.
"""
