"""The rules about the data, each defined once: what counts as done, rectified, past zero, in force.

`indicators` (targets and progress), the page rules `relocation`, `collective`
and `party`, `consistency` (checks across ledgers), `freshness` (each township's
数据截至), and `macros`, which turns the rule constants into the DuckDB macros
every named query calls.
"""
