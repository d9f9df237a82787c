"""The weekly report on the data page: make the week's files (progress bar, downloads after), and, for a
clerk, push them to the channels push.toml names."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import streamlit as st

from tracker import access
from tracker.contract import formatting
from tracker.contract.county import load_county
from tracker.push.config import ConfigProblem, config_path, load_config
from tracker.push.masking import mask_url
from tracker.push.run import push_week
from tracker.weekly.browser import PageNotReady
from tracker.weekly.report import Report, ReportProblem, make_report
from tracker.weekly.serve import ServerProblem
from ui import data, widgets
from ui.session import current_user

LAST = "report_last"
PUSHED = "report_pushed"


def _out_dir() -> Path:
    """Reports live beside the store, one folder for every week (each week's files replace its own)."""
    return data.data_dir() / "reports"


def _zip(report: Report) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in report.files():
            archive.write(path, path.name)
    return buffer.getvalue()


def report_section(as_of: dt.date | None) -> None:
    """Make this week's report (周报) from the page, with a progress bar; offer it for download; push it."""
    if widgets.report_mode():
        return  # the report's own picture of this page
    st.subheader("周报")
    if as_of is None:
        st.info("暂无数据，无法生成周报。")
        return
    st.caption(
        f"为 {formatting.week(as_of)}（数据截至 {formatting.day(as_of)}）生成全县和各乡镇的周报摘要图、"
        "可打印的周报（A4 纸）和可编辑的周报文档；同一周重新生成会替换该周的文件。"
    )
    left, right = st.columns(2)
    scope = left.radio("范围", ["全县", "全县 + 各乡镇"], horizontal=True, key="report_scope")
    pages = right.checkbox("同时生成各页面截图（较慢）", value=False, key="report_pages")
    if st.button("生成周报", type="primary", key="report_make"):
        _make(as_of, county_only=scope == "全县", pages=pages)
    report = st.session_state.get(LAST)
    if report is not None and report.pdf.exists():
        _downloads(report)
    if current_user().role == "clerk":
        _push_section(as_of)


def _make(as_of: dt.date, county_only: bool, pages: bool) -> None:
    bar = st.progress(0.0, text="正在启动浏览器…")

    def progress(done: int, total: int, name: str) -> None:
        bar.progress(done / total, text=f"周报 {done}/{total}：{name}")

    try:
        report = make_report(
            data.data_dir(), _out_dir(), as_of=as_of, townships=None, pages=pages, phone=True,
            progress=progress, county_only=county_only,
        )  # fmt: skip
    except (ReportProblem, ServerProblem, PageNotReady) as problem:
        bar.empty()
        st.error(f"周报生成失败（已有文件未改动）：{problem}")
        return
    bar.progress(1.0, text="周报已生成")
    files = report.files()
    access.audit(data.data_dir(), current_user().login, "report", {"week": report.week, "files": len(files)})
    st.session_state[LAST] = report


def _downloads(report: Report) -> None:
    st.success(
        # The folder is for whoever runs the server; the page names the week as leaders do.
        f"{formatting.week(dt.date.fromisoformat(report.as_of))}周报已生成：{len(report.scopes)} 份（摘要图、打印版、可编辑版）"
        + (f"，另有页面截图 {len(report.shots)} 张" if report.shots else "")
        + "，可在下方下载。"
    )
    one, two, three, four = st.columns(4)
    one.download_button(
        "下载摘要图", data=report.summary.read_bytes(), file_name=report.summary.name, mime="image/png",
        key="report_summary", on_click="ignore",
    )  # fmt: skip
    two.download_button(
        "下载打印版周报", data=report.pdf.read_bytes(), file_name=report.pdf.name, mime="application/pdf",
        key="report_pdf", on_click="ignore",
    )  # fmt: skip
    three.download_button(
        "下载可编辑周报", data=report.docx.read_bytes(), file_name=report.docx.name,
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        key="report_docx", on_click="ignore",
    )  # fmt: skip
    four.download_button(
        "下载全部（压缩包）", data=lambda: _zip(report), file_name=f"{report.week}_周报.zip",
        mime="application/zip", key="report_zip", on_click="ignore",
    )  # fmt: skip


def _push_section(as_of: dt.date) -> None:
    """The channels of push.toml (addresses masked) and a button that pushes this week's report to them."""
    st.markdown("**推送到群和邮箱**")
    path = config_path(data.data_dir())
    try:
        config = load_config(path, load_county(data.data_dir()))
    except ConfigProblem as problem:
        st.info(f"尚未配置推送或配置有误：{problem}")
        return
    rows = [
        {"渠道": c.label, "地址": ", ".join(c.to) if c.kind == "email" else mask_url(c.url)}
        for c in config.channels
    ]
    st.dataframe(rows, hide_index=True, key="report_channels")
    if st.button("推送本周周报", key="report_push"):
        out, err = io.StringIO(), io.StringIO()
        with st.spinner("正在推送…"):
            code = push_week(
                data.data_dir(), _out_dir(), as_of, operator=current_user().login, out=out, err=err
            )
        st.session_state[PUSHED] = (code, out.getvalue(), err.getvalue())
    pushed = st.session_state.get(PUSHED)
    if pushed:
        code, said, problems = pushed
        (st.success if code == 0 else st.error)(
            "推送完成" if code == 0 else "部分推送失败，未发送的部分下次推送时补发"
        )
        st.code(said + problems, language=None)
