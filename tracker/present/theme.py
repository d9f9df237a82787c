"""How everything looks, in one place: colours by meaning, the CJK font stack, the plotly template.

Colours carry meaning across every chart: green is done, amber in progress,
grey not started, red the target line (and behind schedule). A leader who has
learnt that on one page reads every other page the same way.

A target's status (tracker.rules.indicators: 已完成 / 按期 / 滞后 / 逾期) has one word and
one colour everywhere — cards, ranking bars, table rows, the briefing, the summary image —
and green only ever means met or on pace: a bar below its target is never green unless the
pace of the last four weeks reaches the target by its due date.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from tracker.contract import schema

FONT_STACK = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", "Source Han Sans SC", sans-serif'
)

DONE = "#2E7D32"
NOT_STARTED = "#B0BEC5"
TARGET = "#C62828"
NEUTRAL = "#1565C0"
MUTED = "#607D8B"
# A target drawn beside the actual: the same red dashed line on every chart.
TARGET_LINE = {"color": TARGET, "dash": "dash", "width": 2}
# Per-row target marks on status-coloured bars: dark, so a mark on a red (逾期) bar still shows.
TARGET_MARK = "#263238"
# A card that flags something to check (not a target's status): amber, with no status word.
WARNING = "#EF6C00"

# The status rule's four words and colours (keys: tracker.rules.indicators.STATUSES), and the grey
# of a figure without a target or without a pace yet, which has no word.
STATUS_COLOURS = {
    "done": "#1B5E20",
    "on_track": "#43A047",
    "behind": "#EF6C00",
    "overdue": "#C62828",
    "unknown": "#90A4AE",
    "no_target": "#90A4AE",
    "warning": WARNING,
}
STATUS_LABELS = {
    "done": "已完成",
    "on_track": "按期",
    "behind": "滞后",
    "overdue": "逾期",
}
# What each word means, for the legend and its tooltip.
STATUS_MEANINGS = {
    "done": "已达到目标",
    "on_track": "按近四周进度推算，能在时限前完成",
    "behind": "按近四周进度推算，难以在时限前完成",
    "overdue": "已过完成时限，仍未完成",
}
NO_STATUS = "#90A4AE"
# A table's status column holds the words; their colours, for the table's cells.
LABEL_COLOURS = {label: STATUS_COLOURS[key] for key, label in STATUS_LABELS.items()}
# A township table's status column is named so (or starts so: 状态（第二批）).
STATUS_COLUMN = "状态"


def is_status_column(name: object) -> bool:
    """Whether a table column holds status words (and is coloured by them)."""
    return str(name).startswith(STATUS_COLUMN)


def status_cell_css(word: object) -> str:
    """The CSS of a status cell: white on the status's colour ("" for a blank or unknown word)."""
    colour = LABEL_COLOURS.get(str(word))
    return f"background-color: {colour}; color: #FFFFFF; font-weight: 600" if colour else ""


def status_colour(status: str) -> str:
    """The colour of a status (grey for none)."""
    return STATUS_COLOURS.get(status, NO_STATUS)


def status_label(status: str) -> str:
    """The word of a status ("" for a figure with no target or no pace yet)."""
    return STATUS_LABELS.get(status, "")


def status_legend_html(target: bool = True, grey: str = "") -> str:
    """The legend under every status-coloured chart and table: the four words with their colours,
    the target mark, and (when some row has no status) what grey means."""
    items = [
        f'<span class="legend-item" title="{STATUS_MEANINGS[key]}"><i class="swatch" '
        f'style="background:{STATUS_COLOURS[key]}"></i>{label}</span>'
        for key, label in STATUS_LABELS.items()
    ]
    if grey:
        items.append(
            f'<span class="legend-item"><i class="swatch" style="background:{NO_STATUS}"></i>{grey}</span>'
        )
    if target:
        items.append('<span class="legend-item"><i class="mark"></i>目标</span>')
    return '<div class="status-legend">' + "".join(items) + "</div>"


# Relocation stages from grey (not started) through amber (under way) to greens (done).
STAGE_COLOURS = dict(
    zip(schema.RELOCATION_STAGES, ("#CFD8DC", "#FFE082", "#F9A825", "#66BB6A", "#2E7D32", "#1B5E20"))
)
RECTIFICATION_COLOURS = dict(zip(schema.RECTIFICATION_STAGES, ("#CFD8DC", "#F9A825", "#66BB6A", "#2E7D32")))
# The county's six modes keep their colours; the national system's 集中 sub-types are blues and
# teals beside 县城集中安置, its 分散 sub-types browns and greys beside 自主分散安置.
MODE_COLOURS = dict(
    zip(
        schema.RESETTLEMENT_MODES,
        (
            "#1565C0",
            "#42A5F5",
            "#26A69A",
            "#7E57C2",
            "#8D6E63",
            "#90A4AE",
            "#0D47A1",
            "#4DB6AC",
            "#64B5F6",
            "#A1887F",
            "#BCAAA4",
            "#6D4C41",
            "#B0BEC5",
        ),  # fmt: skip
        strict=True,
    )
)
SERIES = [NEUTRAL, "#26A69A", "#7E57C2", "#8D6E63", "#EC407A", "#78909C", "#FFA726"]

TEMPLATE_NAME = "county"
# Every figure carries its whole template to the browser, and plotly_white is 6.5 KB of JSON,
# most of it defaults for trace types and subplots no figure here has (heatmaps, 3-D scenes,
# maps, colour scales). The template keeps plotly_white's defaults for the trace types drawn
# (bar, scatter, pie) and its layout less those parts: the figures look the same, a bar chart
# of one township is 2 KB instead of 8.5 KB.
DRAWN_TRACES = ("bar", "scatter", "pie")
UNUSED_LAYOUT = ("colorscale", "coloraxis", "geo", "polar", "scene", "ternary", "mapbox", "map")


def _white() -> go.layout.Template:
    """plotly_white cut down to what the figures here use."""
    white = pio.templates["plotly_white"].to_plotly_json()
    return go.layout.Template(
        data={kind: v for kind, v in white["data"].items() if kind in DRAWN_TRACES},
        layout={key: v for key, v in white["layout"].items() if key not in UNUSED_LAYOUT},
    )


def _template() -> go.layout.Template:
    return go.layout.Template(
        layout=go.Layout(
            font={"family": FONT_STACK, "size": 14, "color": "#263238"},
            title={"font": {"size": 17}, "x": 0, "xanchor": "left"},
            colorway=SERIES,
            paper_bgcolor="white",
            plot_bgcolor="white",
            margin={"l": 8, "r": 8, "t": 48, "b": 8},
            legend={
                "orientation": "h",
                "yanchor": "bottom",
                "y": 1.0,
                "xanchor": "left",
                "x": 0,
                "title": {"text": ""},
            },
            xaxis={
                "gridcolor": "#ECEFF1",
                "zerolinecolor": "#CFD8DC",
                "automargin": True,
                "title": {"standoff": 6},
            },
            yaxis={
                "gridcolor": "#ECEFF1",
                "zerolinecolor": "#CFD8DC",
                "automargin": True,
                "title": {"standoff": 6},
            },
            hoverlabel={"font": {"family": FONT_STACK}},
            separators=".,",
        )
    )


# plotly.js's own words (toolbar buttons, the messages of a picture download, zoom hints) and its
# date names, in Chinese. The plotly.js that Streamlit bundles has English only; a chart's config
# carries this dictionary (`locales`), so no script needs loading.
_MONTHS = [f"{m}月" for m in range(1, 13)]
PLOTLY_LOCALE = {
    "name": "zh-CN",
    "dictionary": {
        "Download plot as a PNG": "下载图片",
        "Download plot": "下载图片",
        "Preparing image - this may take a few seconds": "正在生成图片，请稍候",
        "Image download succeeded": "图片已下载",
        "Autoscale": "自动缩放",
        "Reset axes": "恢复原始大小",
        "Zoom": "缩放",
        "Pan": "平移",
        "Zoom in": "放大",
        "Zoom out": "缩小",
        "Box Select": "框选",
        "Lasso Select": "套索选择",
        "Toggle Spike Lines": "显示或隐藏辅助线",
        "Show closest data on hover": "悬停显示最近的数据",
        "Compare data on hover": "悬停比较数据",
        "Double-click to zoom back out": "双击恢复原始大小",
        "Double-click on legend to isolate one trace": "双击图例可只看这一项",
    },
    "format": {
        "days": ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
        "shortDays": ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
        "months": _MONTHS,
        "shortMonths": _MONTHS,
        "date": "%Y年%-m月%-d日",
        "decimal": ".",
        "thousands": ",",
    },
}


def register() -> str:
    """Install the project template as plotly's default (once per process); returns its name.

    dashboard.py calls this on every rerun; building and validating the template took 40-60 ms
    of each, so a process that has it installed keeps it.
    """
    if pio.templates.default != TEMPLATE_NAME or TEMPLATE_NAME not in pio.templates:
        pio.templates[TEMPLATE_NAME] = pio.templates.merge_templates(_white(), _template())
        pio.templates.default = TEMPLATE_NAME
    return TEMPLATE_NAME


# Page CSS: cards two a row on a phone, tables whole (on a phone a wide table becomes a card per row).
PAGE_CSS = f"""
<style>
html, body, [class*="css"] {{ font-family: {FONT_STACK}; }}
.kpi-grid {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 12px; margin: 4px 0 16px; }}
.kpi {{ border: 1px solid #E0E0E0; border-left: 6px solid var(--accent, {MUTED}); border-radius: 8px;
        padding: 10px 14px; background: #FFFFFF; min-width: 0; }}
.kpi .label {{ font-size: 14px; color: #455A64; margin-bottom: 2px; }}
.kpi .value {{ font-size: 26px; font-weight: 700; color: #212121; line-height: 1.25; word-break: break-all; }}
.kpi .target {{ font-size: 13px; color: #546E7A; }}
.kpi .bar {{ height: 6px; background: #ECEFF1; border-radius: 3px; margin: 6px 0 4px; overflow: hidden; }}
.kpi .bar > span {{ display: block; height: 100%; background: var(--accent, {MUTED}); }}
.kpi .meta {{ font-size: 12.5px; color: #607D8B; display: flex; flex-wrap: wrap; gap: 4px 10px; }}
.kpi .status {{ font-weight: 600; color: var(--accent, {MUTED}); }}
.freshness {{ font-size: 13px; color: #546E7A; }}
.briefing {{ font-size: 16px; line-height: 1.8; color: #212121; text-indent: 2em; margin: 4px 0 14px;
             padding: 10px 14px; border-left: 4px solid {NEUTRAL}; background: #F5F8FC; }}
.briefing-title {{ font-weight: 700; font-size: 17px; margin: 8px 0 2px; }}
.report-header {{ font-size: 15px; color: #37474F; border-bottom: 2px solid {NEUTRAL}; padding-bottom: 4px; margin-bottom: 8px; }}
.kpi .basis {{ font-size: 12px; color: #455A64; background: #ECEFF1; border-radius: 3px; padding: 0 4px; margin-left: 4px; }}
.status-legend {{ display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 13px; color: #37474F; margin: 2px 0 6px; }}
.status-legend .legend-item {{ display: inline-flex; align-items: center; gap: 5px; }}
.status-legend .swatch {{ display: inline-block; width: 14px; height: 10px; border-radius: 2px; }}
.status-legend .mark {{ display: inline-block; width: 3px; height: 14px; background: {TARGET_MARK}; }}
.status-badge {{ display: inline-block; color: #FFFFFF; background: var(--accent, {NO_STATUS}); border-radius: 4px;
                 padding: 0 6px; font-size: 12.5px; font-weight: 600; line-height: 1.6; white-space: nowrap; }}
.deadlines {{ margin: 4px 0 12px; display: flex; flex-direction: column; gap: 6px; }}
.deadline {{ border-left: 6px solid var(--accent); background: #FFF5F5; border-radius: 6px; padding: 8px 12px;
             font-size: 15px; line-height: 1.6; color: #212121; }}
.deadline.urgent {{ background: #FFF8E1; }}
.deadline .what {{ font-weight: 700; }}
.rank-head {{ margin: 2px 0 4px; }}
.rank-measure {{ font-size: 16px; font-weight: 700; color: #263238; }}
.rank-note {{ font-size: 13.5px; color: #455A64; margin: 1px 0; }}
.rank-table {{ width: 100%; border-collapse: collapse; font-size: 14px; color: #263238; table-layout: fixed; }}
.rank-table th {{ text-align: left; font-weight: 600; font-size: 13px; color: #546E7A; padding: 2px 6px;
                  border-bottom: 1px solid #CFD8DC; }}
.rank-table td {{ padding: 4px 6px; border-bottom: 1px solid #ECEFF1; vertical-align: middle; line-height: 1.3; }}
.rank-table col.place {{ width: 6.5em; }}
.rank-table col.pct {{ width: 4.6em; }}
.rank-table col.sub {{ width: 6.4em; }}
.rank-table col.state {{ width: 4.4em; }}
.rank-table td.place {{ white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.rank-table td.pct {{ text-align: right; font-weight: 700; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.rank-table td.sub {{ text-align: right; color: #607D8B; font-size: 12.5px; font-variant-numeric: tabular-nums;
                      white-space: nowrap; }}
.rank-table tr[data-place] {{ cursor: pointer; }}
.rank-table tr[data-place]:hover td {{ background: #F5F8FC; }}
.rank-table tr[data-place]:focus-visible {{ outline: 2px solid {NEUTRAL}; }}
.rank-table tr.total td {{ font-weight: 700; border-top: 2px solid #90A4AE; background: #FAFBFC; }}
.rank-bar {{ position: relative; height: 14px; background: #ECEFF1; border-radius: 3px; }}
.rank-bar .fill {{ position: absolute; left: 0; top: 0; bottom: 0; background: var(--accent, {NO_STATUS});
                   border-radius: 3px; }}
.rank-bar .mark {{ position: absolute; top: -3px; bottom: -3px; width: 3px; margin-left: -1.5px; background: {TARGET_MARK}; }}
.table-note {{ font-size: 13px; color: #546E7A; margin: 0 0 2px; }}
.report-table-box {{ width: 100%; margin: 2px 0 10px; }}
.report-table {{ border-collapse: collapse; width: 100%; font-size: 13.5px; color: #263238; }}
.report-table th, .report-table td {{ border: 1px solid #CFD8DC; padding: 4px 6px; vertical-align: top; }}
.report-table th {{ background: #ECEFF1; font-weight: 600; text-align: left; }}
.report-table .num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.report-table td.num {{ white-space: nowrap; }}
.report-table td:not(.num) {{ min-width: 4em; }}
.report-table tbody tr:nth-child(even) {{ background: #FAFBFC; }}
.report-table tr.total td {{ border-top: 2px solid #90A4AE; background: #F1F4F6; }}
.report-table tr.total td:first-child {{ font-weight: 700; }}  /* bold numbers would widen a phone's table */
@media (max-width: 1000px) {{
  .report-table {{ font-size: 12px; }}
  .report-table th, .report-table td {{ padding: 3px 3px; }}
}}
/* A desktop: the page's width goes to its tables and charts rather than to Streamlit's wide margins. */
@media (min-width: 641px) {{
  [data-testid="stMainBlockContainer"] {{ padding-left: 2.5rem !important; padding-right: 2.5rem !important; }}
}}
/* A phone: two compact cards a row, so that a page's targets fit its first screens. */
@media (max-width: 640px) {{
  [data-testid="stMainBlockContainer"] {{ padding: 3.2rem 12px 2rem !important; }}
  [data-testid="stMainBlockContainer"] h1 {{ font-size: 1.6rem; padding: 0.25rem 0; }}
  [data-testid="stMainBlockContainer"] h2 {{ font-size: 1.35rem; }}
  [data-testid="stMainBlockContainer"] h3 {{ font-size: 1.2rem; padding: 0.5rem 0 0.25rem; }}
  .kpi-grid {{ grid-template-columns: 1fr 1fr; gap: 8px; margin-bottom: 12px; }}
  .kpi {{ padding: 7px 9px; border-left-width: 5px; border-radius: 6px; }}
  .kpi .label {{ font-size: 12.5px; line-height: 1.35; }}
  .kpi .value {{ font-size: 19px; }}
  .kpi .target {{ font-size: 12px; line-height: 1.35; }}
  .kpi .bar {{ height: 5px; margin: 4px 0 3px; }}
  .kpi .meta {{ font-size: 11.5px; gap: 2px 8px; }}
  .briefing {{ font-size: 15px; line-height: 1.7; padding: 8px 10px; }}
  .report-header {{ font-size: 13.5px; }}
  .report-table {{ font-size: 12.5px; }}
  .report-table.narrow td.num {{ white-space: normal; }}
  .report-table.wide thead {{ display: none; }}
  .report-table.wide, .report-table.wide tbody {{ display: block; }}
  .report-table.wide tr {{ display: grid; grid-template-columns: 1fr 1fr; column-gap: 12px; margin: 0 0 8px;
                           border: 1px solid #CFD8DC; border-radius: 6px; padding: 4px 8px; background: #FFF; }}
  .report-table.wide td {{ display: flex; justify-content: space-between; gap: 4px; border: none; padding: 2px 0;
                           white-space: normal; text-align: right; }}
  .report-table.wide td::before {{ content: attr(data-label); color: #607D8B; text-align: left; }}
  .report-table.wide td:first-child {{ grid-column: 1 / -1; font-weight: 700; font-size: 14px;
                                       border-bottom: 1px solid #ECEFF1; }}
  .rank-table {{ font-size: 13px; }}
  .rank-table td, .rank-table th {{ padding: 4px 3px; }}
  .rank-table col.place {{ width: 4.6em; }}
  .rank-table col.pct {{ width: 3.9em; }}
  .rank-table col.sub {{ width: 4.9em; }}
  .rank-table col.state {{ width: 4.1em; }}
  .rank-table .status-badge {{ padding: 0 3px; }}
}}
</style>
"""

# Streamlit's own furniture, on every page and the sign-in form: its built-in words are English and
# cannot be set through the API, so English controls are hidden and the ones a person needs are named.
# - The "»" that opens the sidebar (page list and filters, hidden on a phone) gets a label.
# - Hover toolbars of tables and charts (Fullscreen, Download as CSV, Search, Show/hide columns) are
#   hidden: every table has its own 下载 CSV / 下载 Excel buttons.
# - A table's header row takes no clicks: a click there opens an English column menu (Sort ascending,
#   Pin column …); the tables come sorted as a leader reads them.
# - The connection line ("Connecting", "Error") says it in Chinese.
CHROME_CSS = """
<style>
[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapseButton"] button {
  width: auto !important; padding: 2px 8px !important; border: 1px solid #CFD8DC !important;
  border-radius: 6px !important; background: #FFFFFF !important; gap: 2px; }
[data-testid="stExpandSidebarButton"]::after { content: "页面与筛选"; font-size: 14px; color: #263238; }
[data-testid="stSidebarCollapseButton"] button::after { content: "收起"; font-size: 13px; color: #263238; }
[data-testid="stElementToolbar"] { display: none !important; }
[data-testid="stDataFrame"] { position: relative; }
[data-testid="stDataFrame"]::before { content: ""; position: absolute; left: 0; right: 0; top: 0; height: 36px;
                                       z-index: 5; cursor: default; }
[data-testid="stSkipToContent"] { font-size: 0 !important; }
[data-testid="stSkipToContent"]::after { content: "跳到正文"; font-size: 14px; }
[data-testid="stConnectionStatus"] > :not(:first-child) { display: none; }
[data-testid="stConnectionStatus"]::after { content: "正在连接服务器…"; font-size: 13px; }
</style>
"""

# The weekly report's layout: no sidebar, toolbar or header, so each screenshot stands alone; tables
# drawn whole (PAGE_CSS: on a phone a wide table becomes one card per row); A4 print without page chrome.
REPORT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
[data-testid="stBottom"], [data-testid="stSidebarNav"], [data-testid="stElementToolbar"],
header { display: none !important; }
[data-testid="stApp"] [data-testid="stMainBlockContainer"] { padding-top: 1.2rem !important;
  padding-bottom: 1rem !important; max-width: 100% !important; }  /* over PAGE_CSS's, drawn later */
[data-testid="stDownloadButton"] { display: none !important; }
/* The document itself scrolls (not Streamlit's inner container), so a screenshot can take the whole
   page at any window height: no resize, no second drawing. */
html, body, #root, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"],
[data-testid="stMain"] > div {
  height: auto !important; min-height: 0 !important; overflow: visible !important; position: static !important; }
@page { size: A4 portrait; }
@media print {
  html, body, #root, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"],
  [data-testid="stMainBlockContainer"] { height: auto !important; min-height: 0 !important;
    overflow: visible !important; position: static !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; }
  .kpi, .report-table tr, [data-testid="stPlotlyChart"], .briefing { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
}
</style>
"""
