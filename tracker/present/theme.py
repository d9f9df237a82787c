"""How everything looks, in one place: colours by meaning, the CJK font stack, the plotly template.

Colours carry meaning across every chart: green is done, amber in progress,
grey not started, red the target line (and behind schedule). A leader who has
learnt that on one page reads every other page the same way.
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
AT_RISK = "#EF6C00"
NEUTRAL = "#1565C0"
MUTED = "#607D8B"
# A target drawn beside the actual: the same red dashed line on every chart.
TARGET_LINE = {"color": TARGET, "dash": "dash", "width": 2}

STATUS_COLOURS = {
    "done": DONE,
    "on_track": DONE,
    "at_risk": AT_RISK,
    "behind": TARGET,
    "unknown": NEUTRAL,
    "no_target": MUTED,
}
STATUS_LABELS = {
    "done": "已完成",
    "on_track": "按期",
    "at_risk": "有风险",
    "behind": "滞后",
    "unknown": "待观察",
    "no_target": "无目标",
}

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
.table-note {{ font-size: 13px; color: #546E7A; margin: 0 0 2px; }}
.report-table-box {{ width: 100%; margin: 2px 0 10px; }}
.report-table {{ border-collapse: collapse; width: 100%; font-size: 13.5px; color: #263238; }}
.report-table th, .report-table td {{ border: 1px solid #CFD8DC; padding: 4px 6px; vertical-align: top; }}
.report-table th {{ background: #ECEFF1; font-weight: 600; text-align: left; }}
.report-table .num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.report-table td.num {{ white-space: nowrap; }}
.report-table td:not(.num) {{ min-width: 4em; }}
.report-table tbody tr:nth-child(even) {{ background: #FAFBFC; }}
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
