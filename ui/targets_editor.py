"""目标任务 on the data page: every target in force, edited in place and saved as the targets of the
newest snapshot day, through the importer (the whole list, checked as a targets file is, landing
whole or not at all); on a phone, the list to read. `ui/target_split.py` saves its shares the same way.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from tracker import access
from tracker.contract import formatting, schema
from tracker.ingest import upload_review, worker
from tracker.ingest.outcome import Outcome
from tracker.present import table_display
from ui import auth, column_formats, data, notices, widgets

FLASH = "data_flash_targets"  # "目标任务已保存" over the rerun that shows the saved list


def editing_day() -> dt.date | None:
    """The day targets are saved for: the newest snapshot of any ledger (None before any import)."""
    reader = data.reader()
    return upload_review.latest_day({table: reader.snapshot_days(table) for table in schema.TABLES})


def save_targets(day: dt.date, rows: pd.DataFrame, action: str, details: dict[str, object]) -> Outcome:
    """Save `rows` (the editor's columns) as the whole targets list of `day`, through the importer in
    its worker, and write `action` with `details` to the audit log under the signed-in account."""
    outcome = worker.import_uploads(
        [(upload_review.targets_file_name(day), upload_review.targets_csv(rows))],
        data.data_dir(),
        as_of=day,
        table="targets",
        replace_all=True,
    )
    access.audit(
        data.data_dir(),
        auth.current_user().login,
        action,
        {"as_of": day.isoformat(), **details, "status": outcome.status},
    )
    return outcome


def targets_section() -> None:
    """Every target in force, to edit and save (on a phone, to read)."""
    st.subheader("目标任务")
    day = editing_day()
    if day is None:
        widgets.no_data("尚无数据。请先上传台账和目标任务表。")
        return
    frame = upload_review.targets_for_editing(data.query("targets_in_force", as_of=day))
    if widgets.is_phone():  # six columns to edit do not fit a phone: the list, and where to change it
        st.caption(f"截至{formatting.day(day)}的全部目标任务。修改目标任务请在电脑上打开本页。")
        widgets.table(frame, f"目标任务_{day.isoformat()}", key="targets_list")
        return
    st.caption(
        f"这里是全县及各乡镇的全部目标（不受左侧乡镇筛选影响）。修改后点“保存目标任务”，保存为{formatting.day(day)}"
        "的目标任务，自该日起生效，以前各期仍按原目标；乡镇留空表示全县目标。"
        "在表末的空行中填写即新增一项；勾选行首的方框、再按键盘上的删除键，即删除该项。"
    )
    edited = _editor(frame)
    left, right, _ = st.columns([1, 1, 3])
    save = left.button("保存目标任务", type="primary", key="targets_save")
    right.download_button(
        "下载逗号分隔文本",
        data=table_display.neutralised_csv(upload_review.targets_csv(frame)),
        file_name=f"目标任务_{day.isoformat()}.csv",
        mime="text/csv",
        key="targets_csv",
        on_click="ignore",
    )
    if save:
        _save(day, edited)
    notices.show_kept(FLASH)


def _editor(frame: pd.DataFrame) -> pd.DataFrame:
    """The targets as an editable table: rows added at its end, deleted by their box."""
    headers = upload_review.TARGET_HEADERS
    return st.data_editor(
        frame,
        key=f"targets_editor_{data.reader().generation}",
        num_rows="dynamic",
        placeholder="",
        hide_index=True,
        width="stretch",
        height="content",  # every target on screen: nothing hides below a scroll
        column_config={
            headers["indicator"]: st.column_config.SelectboxColumn(
                options=list(schema.INDICATORS.values()), required=True, width="medium"
            ),
            headers["relocation_batch"]: st.column_config.NumberColumn(min_value=1, step=1, format="%d"),
            headers["township"]: st.column_config.SelectboxColumn(
                options=data.county().township_names, help="留空表示全县"
            ),
            headers["target"]: st.column_config.NumberColumn(required=True, format="%g"),
            headers["due"]: column_formats.DAY,
            headers["label"]: st.column_config.TextColumn(width="medium"),
        },
    )


def _save(day: dt.date, edited: pd.DataFrame) -> None:
    """Save the edited list; once it lands, show the page again with it (and say so)."""
    # The editor shows the whole list: what is saved is the whole list, rows deleted included.
    outcome = save_targets(day, edited, "targets_edit", {"rows": len(edited)})
    if outcome.landed:
        count = sum(s.accepted for s in outcome.sheets)
        notices.keep(FLASH, "success", f"目标任务已保存：{count} 项，自{formatting.day(day)}起生效。")
        st.rerun()
    notices.show(*upload_review.landed_message(outcome))
    if outcome.errors:
        widgets.table(upload_review.errors_frame(outcome.errors), "目标任务错误", key="targets_errors")
