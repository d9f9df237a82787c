"""The county progress dashboard's library: import, store, queries, indicators, charts.

Nothing here imports streamlit: the CLI, the report and the tests use it directly.
"""
