"""How a table's dates and numbers are shown: the Streamlit column configs the pages share, written
once, and how the server-drawn tables (a phone's, the report's) read the same configs."""

from __future__ import annotations

from typing import Any

import streamlit as st

from tracker.present.table_display import ColumnFormat

DAY = st.column_config.DateColumn(format="YYYY年M月D日")
LOCALIZED = st.column_config.NumberColumn(format="localized")
ONE_DECIMAL = st.column_config.NumberColumn(format="%.1f")
TWO_DECIMALS = st.column_config.NumberColumn(format="%.2f")
WHOLE = st.column_config.NumberColumn(format="%.0f")
COUNT = st.column_config.NumberColumn(format="%d")
PERCENT = st.column_config.NumberColumn(format="%.1f%%")
MONEY = st.column_config.NumberColumn(format="accounting")


def formats_of(column_config: dict[str, Any] | None) -> dict[str, ColumnFormat]:
    """How each configured column is shown, read from its Streamlit column config (format strings such as
    "%.1f", "%.1f%%", "localized", "accounting", "YYYY年M月D日", "YYYY-MM-DD")."""
    formats = {}
    for column, config in (column_config or {}).items():
        spec = (config or {}).get("type_config", {}) if isinstance(config, dict) else {}
        kind, pattern = spec.get("type"), spec.get("format") or ""
        if kind == "date":
            formats[column] = ColumnFormat("date", style="iso" if pattern.startswith("YYYY-") else "cn")
        elif kind == "number":
            digits = {"accounting": 2, "dollar": 2, "euro": 2}.get(pattern)
            if pattern.startswith("%.") and pattern[2:3].isdigit():
                digits = int(pattern[2])
            percent = pattern.endswith("%%") or pattern == "percent"
            formats[column] = ColumnFormat("percent" if percent else "number", digits)
    return formats
