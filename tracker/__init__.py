"""The county progress dashboard's library; nothing here imports streamlit.

contract/ (what the data is, and how its numbers and days are written), ingest/
(exports → snapshots), store/ (writing and reading the snapshots, named queries),
rules/ (what the figures mean), present/ (theme, tables, figures), weekly/ (the
report), access (users, roles, audit), cli (`python -m tracker`). The order in
which they may import each other is `[tool.importlinter]` in pyproject.toml.
"""
