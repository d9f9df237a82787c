"""The county progress dashboard's library; nothing here imports streamlit.

contract/ (what the data is), ingest/ (exports → snapshots), store/ (writing and
reading the snapshots, named queries), rules/ (what the figures mean), present/
(formatting, theme, figures), weekly/ (the report), access (users, roles,
audit), cli (`python -m tracker`).
"""
