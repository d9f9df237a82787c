"""上传台账 on the data page: the uploader and its options, a dry run of the files (checked and previewed,
nothing written) kept while they stay the same, and the import itself once the clerk confirms.

Every import runs in a worker process with a memory and a time limit (tracker.ingest.worker), and is
written to the audit log under the signed-in account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.uploaded_file_manager import UploadedFile

from tracker import access
from tracker.ingest import shrink_guard, upload_review, worker
from tracker.ingest.import_report import audit_details
from tracker.ingest.outcome import Outcome
from tracker.ingest.values import find_date
from tracker.present import literal_text
from ui import auth, column_formats, data, notices, widgets

FLASH = "data_flash"  # a message that outlives the rerun after an import lands
PREVIEW = "data_preview"  # (fingerprint, dry-run Outcome) of the files chosen now
UPLOAD_TYPES = ["csv", "xlsx", "xls", "toml"]
# The dropzone's built-in English ("Drag and drop files here", "Upload", "Limit 200MB per file")
# cannot be set through the API; these rules put Chinese in its place.
UPLOADER_CSS = """
<style>
[data-testid="stFileUploaderDropzoneInstructions"] > div > * { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::before {
  content: "将台账文件拖到此处，或点“选择文件”"; font-size: 14px; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {
  content: "台账导出的表格文件或逗号分隔文本，或县配置文件；可多选"; display: block; font-size: 12px; color: #607D8B; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after { content: "选择文件"; }
/* A chosen file's size ("6.1KB") is Streamlit's English abbreviation and says nothing a clerk needs. */
[data-testid="stFileChipName"] + div { display: none; }
</style>
"""


def progress_bar(verb: str) -> tuple[DeltaGenerator, Callable[[str, int, int], None]]:
    """A progress bar and the importer callback that moves it, one step per file."""
    bar = st.progress(0, text=f"{verb}…")

    def update(name: str, number: int, total: int) -> None:
        bar.progress((number - 1) / max(total, 1), text=f"{verb} {name}（{number}/{total}）")

    return bar, update


def upload_options() -> tuple[list[UploadedFile], dt.date | None, bool, str | None, bool, bool]:
    """The uploader and its options; returns (files, as_of override, import valid rows only,
    the ledger to read the files as (None: told by their headers), replace the whole day,
    a scope more than doubling is real)."""
    st.html(UPLOADER_CSS)
    files = st.file_uploader(
        "选择要导入的台账导出文件",
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key=f"upload_files_{data.reader().generation}",
        help="村级台账、搬迁户台账、党组织台账、资金台账、目标任务表，或县配置文件；导入前会先检查，不会直接写入",
    )
    left, middle, right = st.columns(3)
    kind = left.selectbox(
        "台账类型",
        list(upload_review.TABLE_CHOICES),
        key="upload_table",
        help="默认按表头自动识别；指定后按该台账读取，表头不符时拒绝并说明缺少哪些列",
    )
    # A text box, not a date picker: the picker's own words and its 2017/10/13 are not the page's.
    typed = middle.text_input(
        "数据截至日期（可选）",
        key="upload_as_of",
        placeholder="如 2017年10月13日",
        help="留空则从标题行（如“截至2017年10月13日”）或文件名中的日期识别",
    )
    as_of = find_date(typed) if typed.strip() else None
    if typed.strip() and as_of is None:
        middle.error("看不出这是哪一天，请写成 2017年10月13日 这样。")
    allow = right.checkbox(
        "只导入有效行",
        key="upload_allow_rejects",
        help="有错误的行不导入，单独保存，可在下方“被拒绝的行”中查看；不勾选时只要有一行错误，整批都不导入",
    )
    replace_all = right.checkbox(
        "整体替换本期数据",
        key="upload_replace_all",
        help="默认只替换文件涉及的乡镇，其余乡镇保留原数据；勾选后该日整期数据只保留本次文件的内容",
    )
    allow_growth = right.checkbox(
        "允许数量大幅增加",
        key="upload_allow_growth",
        help="村、搬迁户或党组织比上期增加一倍以上时默认拒绝导入；确认属实时勾选",
    )
    if replace_all:
        st.warning(
            "已勾选整体替换：所选台账该日的整期数据将只保留本次文件中的内容，文件未包含的乡镇将被删除，"
            f"且不受“减少超过 {shrink_guard.SHRINK_LIMIT:.0%} 即拒绝”的保护。此操作会以您的账号记入审计日志。"
        )
    return files or [], as_of, allow, upload_review.TABLE_CHOICES[kind], replace_all, allow_growth


def dry_run(
    uploads: list[tuple[str, bytes]],
    as_of: dt.date | None,
    table: str | None,
    replace_all: bool,
    growth: bool,
) -> Outcome:
    """The importer's verdict on the files without writing anything; kept while the files stay the same."""
    key = upload_review.fingerprint(uploads, as_of, table, replace_all, growth) + str(data.version())
    kept = st.session_state.get(PREVIEW)
    if kept and kept[0] == key:
        return kept[1]
    bar, outcome = run_import(uploads, (as_of, False, table, replace_all, growth), dry_run=True)
    bar.empty()
    st.session_state[PREVIEW] = (key, outcome)
    return outcome


def run_import(
    uploads: list[tuple[str, bytes]],
    options: tuple[dt.date | None, bool, str | None, bool, bool],
    dry_run: bool,
) -> tuple[DeltaGenerator, Outcome]:
    """The importer on the uploads with the page's options (as_of, valid rows only, ledger,
    replace the whole day, allow growth), a progress bar moving as each file is read."""
    as_of, allow, table, replace_all, allow_growth = options
    bar, update = progress_bar("正在检查" if dry_run else "正在导入")
    # In a worker process with a memory and a time limit: no file can take the dashboard down.
    outcome = worker.import_uploads(
        uploads,
        data.data_dir(),
        update,
        as_of=as_of,
        allow_rejects=allow,
        dry_run=dry_run,
        table=table,
        replace_all=replace_all,
        allow_growth=allow_growth,
    )
    return bar, outcome


def show_outcome(outcome: Outcome, allow: bool, key: str) -> None:
    """What the files hold, what would be refused and why."""
    notices.show(*upload_review.dry_run_message(outcome, allow))
    for problem in outcome.file_problems:
        st.error(literal_text.markdown(upload_review.for_the_page(problem)))
    for note in outcome.notes:
        st.caption(literal_text.markdown(upload_review.for_the_page(note)))
    for refusal in upload_review.shrink_messages(outcome):
        st.error(refusal)
    if outcome.sheets:
        widgets.table(upload_review.sheets_frame(outcome), "导入预览", key=f"{key}_sheets")
    if outcome.changes:
        st.markdown("**导入前后对比**（只替换文件涉及的乡镇，其余乡镇保留原数据）")
        widgets.table(
            upload_review.changes_frame(outcome, allow),
            "导入前后对比",
            key=f"{key}_changes",
            column_config={"变化（%）": column_formats.ONE_DECIMAL},
        )
    if outcome.errors:
        st.markdown(f"**行错误（{len(outcome.errors):,} 条）**")
        widgets.table(
            upload_review.errors_frame(outcome.errors),
            "行错误",
            key=f"{key}_errors",
        )


def land(
    uploads: list[tuple[str, bytes]],
    options: tuple[dt.date | None, bool, str | None, bool, bool],
    showing: dt.date | None,
) -> None:
    """Run the real import with a progress bar; on success reload the page so every view shows it."""
    allow = options[1]
    bar, outcome = run_import(uploads, options, dry_run=False)
    details = audit_details(outcome) | {"files": [name for name, _ in uploads], "status": outcome.status}
    access.audit(data.data_dir(), auth.current_user().login, "import", details)
    kind, text = upload_review.landed_message(outcome, showing)
    if outcome.landed:
        bar.progress(1.0, text="导入完成")
        notices.keep(FLASH, kind, text)
        st.session_state.pop(PREVIEW, None)
        st.rerun()
    bar.empty()
    show_outcome(outcome, allow, "upload_result")
    notices.show(kind, text)


def upload_section(showing: dt.date | None) -> None:
    """The uploader, the preview of what is chosen, and 确认导入 once the preview allows it."""
    st.subheader("上传台账")
    notices.show_kept(FLASH)
    files, as_of, allow, table, replace_all, growth = upload_options()
    if not files:
        st.caption(
            "选择文件后先检查并预览，确认后才写入。文件只替换它涉及的乡镇在该日的数据，其余乡镇保留；"
            f"若会使某台账减少超过 {shrink_guard.SHRINK_LIMIT:.0%}，将拒绝导入。"
        )
        return
    uploads = [(f.name, f.getvalue()) for f in files]
    outcome = dry_run(uploads, as_of, table, replace_all, growth)
    show_outcome(outcome, allow, "upload_preview")
    if upload_review.can_land(outcome, allow) and st.button("确认导入", type="primary", key="upload_confirm"):
        land(uploads, (as_of, allow, table, replace_all, growth), showing)
