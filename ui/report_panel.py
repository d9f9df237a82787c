"""The weekly report as a button on the data page: progress while it runs, the files to download after."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import streamlit as st

from tracker import access
from tracker.present import formatting
from tracker.weekly.browser import PageNotReady
from tracker.weekly.report import Report, ReportProblem, make_report
from tracker.weekly.serve import ServerProblem
from ui import data, widgets
from ui.session import current_user

LAST = "report_last"


def _out_dir() -> Path:
    """Reports live beside the store, one folder for every week (each week's files replace its own)."""
    return data.data_dir() / "reports"


def _zip(report: Report) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for shot in report.shots:
            archive.write(report.folder / shot.file, shot.file)
        archive.write(report.pdf, report.pdf.name)
        archive.write(report.manifest, report.manifest.name)
    return buffer.getvalue()


def report_section(as_of: dt.date | None) -> None:
    """Make this week's screenshots (周报) from the page, with a progress bar, and offer them for download."""
    if widgets.report_mode():
        return  # the report's own screenshot of this page
    st.subheader("周报截图")
    if as_of is None:
        st.info("暂无数据，无法生成周报。")
        return
    st.caption(
        f"为 {formatting.week(as_of)}（数据截至 {formatting.day(as_of)}）生成各页面截图（电脑版、分段的手机版）、"
        "一张周报摘要图和可打印的周报文件（A4 纸）；"
        "同一周重新生成会替换该周的文件。"
    )
    left, right = st.columns(2)
    scope = left.radio("范围", ["全县各页", "全县各页 + 各乡镇"], horizontal=True, key="report_scope")
    phone = right.checkbox("同时生成手机版", value=True, key="report_phone")
    if st.button("生成周报", type="primary", key="report_make"):
        bar = st.progress(0.0, text="正在启动浏览器…")

        def progress(done: int, total: int, name: str) -> None:
            bar.progress(done / total, text=f"截图 {done}/{total}：{name}")

        townships = None if scope.endswith("各乡镇") else []
        try:
            report = make_report(
                data.data_dir(), _out_dir(), as_of=as_of, townships=townships, phone=phone,
                progress=progress, county_only=townships == [],
            )  # fmt: skip
        except (ReportProblem, ServerProblem, PageNotReady) as problem:
            bar.empty()
            st.error(f"周报生成失败（已有文件未改动）：{problem}")
            return
        bar.progress(1.0, text="周报已生成")
        access.audit(
            data.data_dir(), current_user().login, "report", {"week": report.week, "files": len(report.shots)}
        )
        st.session_state[LAST] = report
    report = st.session_state.get(LAST)
    if report is not None and report.pdf.exists():
        # The folder is for whoever runs the server; the page names the week as leaders do.
        st.success(f"{formatting.week(as_of)}周报已生成：{len(report.shots)} 张图片，可在下方下载。")
        one, two = st.columns(2)
        one.download_button(
            "下载打印版周报", data=report.pdf.read_bytes(), file_name=report.pdf.name, mime="application/pdf",
            key="report_pdf", on_click="ignore",
        )  # fmt: skip
        two.download_button(
            "下载全部截图（压缩包）", data=lambda: _zip(report), file_name=f"{report.week}_周报截图.zip",
            mime="application/zip", key="report_zip", on_click="ignore",
        )  # fmt: skip
