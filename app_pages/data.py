"""数据: upload exports (checked and previewed before anything is written), the import log,
rejected rows, consistency checks across ledgers, the targets (editable, and split by township),
and the weekly report.

The page reads the filters and who is signed in, and draws the tabs this user may use:
上传台账 (`ui/upload.py`), 导入记录 (`ui/import_log.py`), 一致性检查 (`ui/consistency_checks.py`),
目标任务 (`ui/targets_editor.py`, `ui/target_split.py`) and 周报 (`ui/report_panel.py`).
"""

import streamlit as st

from ui import (
    auth,
    chart_prefetch,
    consistency_checks,
    filters,
    import_log,
    report_panel,
    sections,
    target_split,
    targets_editor,
    upload,
    widgets,
)

f = filters.current()
user = auth.current_user()
widgets.page_start("数据", f)
if not user.may_import:
    st.info("导入台账和修改目标任务需要录入员或县级账号。")
# One section at a time, those this user may use: a clerk opens the page to upload, a leader to check.
wanted = [
    ("上传台账", user.may_import),
    ("导入记录", user.may_see_everything),
    ("一致性检查", True),
    ("目标任务", user.may_import),
    ("周报", user.may_see_everything),
]
for section in sections.tabs([label for label, allowed in wanted if allowed]):
    if not section.open:
        continue
    with section:
        if section.label == "上传台账":
            upload.upload_section(None if filters.follows_latest() else f.as_of)
        elif section.label == "导入记录":
            import_log.import_log_section()
            import_log.rejects_section()
        elif section.label == "一致性检查":
            consistency_checks.checks_section(f)
        elif section.label == "目标任务":
            targets_editor.targets_section()
            target_split.split_section()
        else:
            report_panel.report_section(f.as_of)
chart_prefetch.prefetch_charts()  # no charts here: the chart pages opened next find plotly.js loaded
