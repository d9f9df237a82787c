"""导入记录 on the data page: every import (file, sheet, ledger, day, rows kept and refused) and the rows
refused with their reasons, personal data masked."""

from __future__ import annotations

import streamlit as st

from tracker.ingest import upload_review
from tracker.present import column_labels
from ui import column_formats, data, widgets


def import_log_section() -> None:
    """Every import, newest first."""
    st.subheader("导入记录")
    log = data.query("data_import_log")
    if log.empty:
        widgets.no_data("尚无导入记录。")
        return
    log["table_name"] = log["table_name"].map(upload_review.table_label)
    # The file's checksum tells a clerk nothing (the command line shows it).
    shown = log.rename(columns=column_labels.IMPORT_LOG).drop(columns="sha256")
    widgets.table(
        shown,
        "导入记录",
        key="data_import_log",
        column_config={
            "导入时间": st.column_config.DatetimeColumn(
                format="YYYY年M月D日 HH:mm", timezone="Asia/Shanghai"
            ),
            "数据截至": column_formats.DAY,
        },
    )


def rejects_section() -> None:
    """The rows left out by imports of valid rows only, and why."""
    st.subheader("被拒绝的行")
    rejects = data.query("data_rejects")
    if rejects.empty:
        st.success("各期导入中没有被拒绝的行。")
        return
    rejects["table_name"] = rejects["table_name"].map(upload_review.table_label)
    st.caption("用“只导入有效行”导入时未导入的行及原因；身份证号、姓名已脱敏。")
    shown = rejects.rename(columns=column_labels.REJECTED_ROWS)
    widgets.table(
        shown,
        "被拒绝的行",
        key="data_rejects",
        column_config={"数据截至": column_formats.DAY},
    )
