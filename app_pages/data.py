"""数据: upload exports (checked and previewed before anything is written), the import log,
rejected rows, consistency checks across ledgers, and the targets, editable."""

import datetime as dt
from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.uploaded_file_manager import UploadedFile

from tracker import access
from tracker.contract import formatting, schema
from tracker.ingest import shrink_guard, upload_review, worker
from tracker.ingest.import_report import audit_details
from tracker.ingest.outcome import Outcome
from tracker.ingest.values import find_date
from tracker.present import literal_text, table_display
from tracker.rules import consistency
from ui import auth, data, filters, report_panel, sections, target_split, widgets

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


# --- useful functions --------------------------------------------------------------------------


def show_message(kind: str, text: str) -> None:
    """st.success / st.warning / st.error by name."""
    # The text may name files, sheets and headers of an upload: shown as typed, never as Markdown.
    {"success": st.success, "warning": st.warning}.get(kind, st.error)(literal_text.markdown(text))


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
    show_message(*upload_review.dry_run_message(outcome, allow))
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
            column_config={"变化（%）": st.column_config.NumberColumn(format="%.1f")},
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
        st.session_state[FLASH] = (kind, text)
        st.session_state.pop(PREVIEW, None)
        st.rerun()
    bar.empty()
    show_outcome(outcome, allow, "upload_result")
    show_message(kind, text)


def upload_section(showing: dt.date | None) -> None:
    st.subheader("上传台账")
    flash = st.session_state.pop(FLASH, None)
    if flash:
        show_message(*flash)
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


def import_log_section() -> None:
    st.subheader("导入记录")
    log = data.query("data_import_log")
    if log.empty:
        widgets.no_data("尚无导入记录。")
        return
    log["table_name"] = log["table_name"].map(upload_review.table_label)
    shown = log.rename(
        columns={
            "imported_at": "导入时间",
            "file": "文件",
            "sheet": "工作表",
            "table_name": "台账",
            "as_of": "数据截至",
            "rows_accepted": "有效行",
            "rows_rejected": "错误行",
            "rows_totals_dropped": "跳过的合计行",
        }
    ).drop(columns="sha256")  # the file's checksum tells a clerk nothing (the command line shows it)
    widgets.table(
        shown,
        "导入记录",
        key="data_import_log",
        column_config={
            "导入时间": st.column_config.DatetimeColumn(
                format="YYYY年M月D日 HH:mm", timezone="Asia/Shanghai"
            ),
            "数据截至": st.column_config.DateColumn(format="YYYY年M月D日"),
        },
    )


def rejects_section() -> None:
    st.subheader("被拒绝的行")
    rejects = data.query("data_rejects")
    if rejects.empty:
        st.success("各期导入中没有被拒绝的行。")
        return
    rejects["table_name"] = rejects["table_name"].map(upload_review.table_label)
    st.caption("用“只导入有效行”导入时未导入的行及原因；身份证号、姓名已脱敏。")
    shown = rejects.rename(
        columns={
            "table_name": "台账",
            "as_of": "数据截至",
            "file": "文件",
            "sheet": "工作表",
            "row": "行",
            "column": "列",
            "value": "值",
            "reason": "原因",
        }
    )
    widgets.table(
        shown,
        "被拒绝的行",
        key="data_rejects",
        column_config={"数据截至": st.column_config.DateColumn(format="YYYY年M月D日")},
    )


def checks_section(f: filters.Filters) -> None:
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
            column_config={"搬迁完成日期": st.column_config.DateColumn(format="YYYY年M月D日")},
        )


def targets_section() -> None:
    st.subheader("目标任务")
    reader = data.reader()
    day = upload_review.latest_day({table: reader.snapshot_days(table) for table in schema.TABLES})
    if day is None:
        widgets.no_data("尚无数据。请先上传台账和目标任务表。")
        return
    frame = upload_review.targets_for_editing(data.query("targets_in_force", as_of=day))
    headers = upload_review.TARGET_HEADERS
    if widgets.is_phone():  # six columns to edit do not fit a phone: the list, and where to change it
        st.caption(f"截至{formatting.day(day)}的全部目标任务。修改目标任务请在电脑上打开本页。")
        widgets.table(frame, f"目标任务_{day.isoformat()}", key="targets_list")
        return
    st.caption(
        f"这里是全县及各乡镇的全部目标（不受左侧乡镇筛选影响）。修改后点“保存目标任务”，保存为{formatting.day(day)}"
        "的目标任务，自该日起生效，以前各期仍按原目标；乡镇留空表示全县目标。"
        "在表末的空行中填写即新增一项；勾选行首的方框、再按键盘上的删除键，即删除该项。"
    )
    edited = st.data_editor(
        frame,
        key=f"targets_editor_{reader.generation}",
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
            headers["due"]: st.column_config.DateColumn(format="YYYY年M月D日"),
            headers["label"]: st.column_config.TextColumn(width="medium"),
        },
    )
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
        csv = upload_review.targets_csv(edited)
        # The editor shows the whole list: what is saved is the whole list, rows deleted included.
        outcome = worker.import_uploads(
            [(upload_review.targets_file_name(day), csv)],
            data.data_dir(),
            as_of=day,
            table="targets",
            replace_all=True,
        )
        access.audit(
            data.data_dir(),
            auth.current_user().login,
            "targets_edit",
            {"as_of": day.isoformat(), "status": outcome.status, "rows": len(edited)},
        )
        if outcome.landed:
            count = sum(s.accepted for s in outcome.sheets)
            st.session_state[FLASH + "_targets"] = (
                "success",
                f"目标任务已保存：{count} 项，自{formatting.day(day)}起生效。",
            )
            st.rerun()
        show_message(*upload_review.landed_message(outcome))
        if outcome.errors:
            widgets.table(upload_review.errors_frame(outcome.errors), "目标任务错误", key="targets_errors")
    flash = st.session_state.pop(FLASH + "_targets", None)
    if flash:
        show_message(*flash)


# --- draw the page -------------------------------------------------------------------------------

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
            upload_section(None if filters.follows_latest() else f.as_of)
        elif section.label == "导入记录":
            import_log_section()
            rejects_section()
        elif section.label == "一致性检查":
            checks_section(f)
        elif section.label == "目标任务":
            targets_section()
            target_split.split_section()
        else:
            report_panel.report_section(f.as_of)
