"""一致性检查 on the data page: each check across ledgers (tracker.rules.consistency) on the filtered
scope and day, its findings listed with what to do about them."""

from __future__ import annotations

import streamlit as st

from tracker.contract import formatting
from tracker.rules import consistency
from ui import column_formats, data, filters, widgets


def checks_section(f: filters.Filters) -> None:
    """Each check on the filtered scope and day: none found, or what was found and what to do."""
    st.subheader("一致性检查")
    if f.as_of is None:
        widgets.no_data("尚无数据。")
        return
    st.caption(f"核对{f.scope}截至{formatting.day(f.as_of)}各台账之间是否一致。")
    for check in consistency.CHECKS:
        found = data.query(check.query, **f.params())
        if found.empty:
            st.success(f"{check.title}：未发现问题")
            continue
        st.warning(f"{check.title}：{len(found)} 处")
        st.caption(check.advice)
        widgets.table(
            found.rename(columns=check.columns),
            f"{check.title}_{f.as_of.isoformat()}",
            key=f"check_{check.query}",
            column_config={"搬迁完成日期": column_formats.DAY},
        )
