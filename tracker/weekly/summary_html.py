"""The week on one image for the group chat (周报摘要), as static HTML: what is overdue, 本周简报, the key
cards, the township ranking and the 红黑榜, each as 总览 shows it.

The parts are 总览's own: the overdue banner (tracker.present.deadlines.banner_html), the cards'
words (tracker.present.progress_card) in the status rule's words and colours, the ranking's bars
(tracker.present.bar_table, rows from tracker.present.ranking) with the status legend
(tracker.present.theme.status_legend_html), the 红黑榜's rows (tracker.present.supervision). Only
the sizes are the image's own: it is drawn 540 CSS px wide at device scale 2, so the image is
1080 px wide and no text is under 14 CSS px (28 image px): on a phone, where WeChat shows the
image at the screen's width, body text is as large as a chat message. The same fragment is the
dashboard's 摘要 page (app_pages/summary.py), so the page and the image agree.
"""

from __future__ import annotations

import html

import pandas as pd

from tracker.contract import formatting
from tracker.present import bar_table, deadlines, theme
from tracker.present.progress_card import card_text
from tracker.rules import indicators
from tracker.rules import responsibility as duty
from tracker.rules.indicators import Progress
from tracker.weekly.scope_week import Board, Ranking, ScopeWeek

WIDTH = 540
SCALE = 2
MIN_FONT_PX = 14
# The cards a leader looks at first: relocation of the batches still open, then the other targets.
KEY_INDICATORS = indicators.RELOCATION
OTHER_INDICATORS = ("zero_break_rate", "weak_orgs_rectified", "funds_10k")

# Scoped to .wk-sum, and more specific than the page's own rules (theme.PAGE_CSS) for the same
# classes, so the 摘要 page draws what the image draws.
CSS = f"""
.wk-sum {{ font-family: {theme.FONT_STACK}; color: #212121; background: #FFFFFF; font-size: 16px;
           line-height: 1.6; padding: 18px 18px 14px; box-sizing: border-box; max-width: {WIDTH}px; }}
.wk-sum * {{ box-sizing: border-box; }}
.wk-sum .title {{ font-size: 24px; font-weight: 700; line-height: 1.35; }}
.wk-sum .scope-line {{ font-size: 15px; color: #37474F; border-bottom: 3px solid {theme.NEUTRAL}; padding-bottom: 6px;
                margin-bottom: 12px; }}
.wk-sum h2 {{ font-size: 18px; font-weight: 700; margin: 14px 0 6px; padding: 0; line-height: 1.4; }}
.wk-sum .deadlines {{ margin: 0 0 10px; display: flex; flex-direction: column; gap: 6px; }}
.wk-sum .deadline {{ border-left: 6px solid var(--accent); background: #FFF5F5; border-radius: 6px;
                     padding: 6px 10px; font-size: 16px; line-height: 1.6; }}
.wk-sum .deadline.urgent {{ background: #FFF8E1; }}
.wk-sum .deadline .what {{ font-weight: 700; }}
.wk-sum .status-badge {{ display: inline-block; color: #FFFFFF; background: var(--accent, {theme.NO_STATUS});
                         border-radius: 4px; padding: 0 5px; font-size: 14px; font-weight: 700; line-height: 1.5;
                         white-space: nowrap; }}
.wk-sum .briefing {{ font-size: 16px; line-height: 1.75; text-indent: 2em; margin: 0; padding: 10px 12px;
                     border-left: 4px solid {theme.NEUTRAL}; background: #F5F8FC; }}
.wk-sum .late {{ font-size: 15px; margin: 8px 0 0; padding: 6px 10px; border-radius: 6px; background: #FFF3E0;
                 border-left: 6px solid {theme.status_colour(indicators.BEHIND)}; }}
.wk-sum .cards {{ display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }}
.wk-sum .card {{ border: 1px solid #E0E0E0; border-left: 6px solid var(--accent); border-radius: 8px;
                 padding: 6px 10px; min-width: 0; }}
.wk-sum .card .label {{ font-size: 14px; color: #455A64; line-height: 1.35; }}
.wk-sum .card .value {{ font-size: 22px; font-weight: 700; line-height: 1.3; }}
.wk-sum .card .meta {{ font-size: 14px; color: #455A64; line-height: 1.4; }}
.wk-sum .card .basis {{ font-size: 14px; color: #37474F; background: #ECEFF1; border-radius: 3px; padding: 0 4px;
                        white-space: nowrap; }}
.wk-sum .card .bar {{ height: 6px; background: #ECEFF1; border-radius: 3px; margin: 3px 0; overflow: hidden; }}
.wk-sum .card .bar > span {{ display: block; height: 100%; background: var(--accent); }}
.wk-sum .rank-note {{ font-size: 15px; color: #37474F; margin: 0 0 2px; }}
.wk-sum .status-legend {{ display: flex; flex-wrap: wrap; gap: 2px 12px; font-size: 14px; color: #37474F;
                          margin: 2px 0 4px; }}
.wk-sum .status-legend .legend-item {{ display: inline-flex; align-items: center; gap: 4px; }}
.wk-sum .status-legend .swatch {{ display: inline-block; width: 14px; height: 10px; border-radius: 2px; }}
.wk-sum .status-legend .mark {{ display: inline-block; width: 3px; height: 14px; background: {theme.TARGET_MARK}; }}
.wk-sum .rank-table {{ width: 100%; border-collapse: collapse; font-size: 15px; color: #263238;
                       table-layout: fixed; }}
.wk-sum .rank-table th {{ text-align: left; font-weight: 600; font-size: 14px; color: #546E7A; padding: 2px 3px;
                          border-bottom: 1px solid #CFD8DC; }}
.wk-sum .rank-table td {{ padding: 3px 3px; border-bottom: 1px solid #ECEFF1; vertical-align: middle;
                          line-height: 1.3; }}
.wk-sum .rank-table col.place {{ width: 4.9em; }}
.wk-sum .rank-table col.pct {{ width: 3.9em; }}
.wk-sum .rank-table col.sub {{ width: 5.9em; }}
.wk-sum .rank-table col.state {{ width: 4.2em; }}
.wk-sum .rank-table td.place {{ white-space: nowrap; overflow: hidden; }}
.wk-sum .rank-table td.pct {{ text-align: right; font-weight: 700; font-variant-numeric: tabular-nums;
                              white-space: nowrap; }}
.wk-sum .rank-table td.sub {{ text-align: right; color: #546E7A; font-size: 14px;
                              font-variant-numeric: tabular-nums; white-space: nowrap; }}
.wk-sum .rank-table tr.total td {{ font-weight: 700; border-top: 2px solid #90A4AE; background: #FAFBFC; }}
.wk-sum .rank-bar {{ position: relative; height: 12px; background: #ECEFF1; border-radius: 3px; }}
.wk-sum .rank-bar .fill {{ position: absolute; left: 0; top: 0; bottom: 0; background: var(--accent, {theme.NO_STATUS});
                           border-radius: 3px; }}
.wk-sum .rank-bar .mark {{ position: absolute; top: -3px; bottom: -3px; width: 3px; margin-left: -1.5px;
                           background: {theme.TARGET_MARK}; }}
.wk-sum table.board {{ width: 100%; border-collapse: collapse; font-size: 15px; }}
.wk-sum table.board th {{ font-size: 14px; font-weight: 600; color: #546E7A; text-align: right; padding: 2px 4px;
                          border-bottom: 1px solid #CFD8DC; white-space: nowrap; }}
.wk-sum table.board td {{ padding: 2px 4px; text-align: right; white-space: nowrap; border-bottom: 1px solid #ECEFF1;
                          font-variant-numeric: tabular-nums; }}
.wk-sum table.board th.place, .wk-sum table.board td.place {{ text-align: left; }}
.wk-sum table.board td.red {{ color: {theme.TARGET}; font-weight: 700; }}
.wk-sum table.board td.black {{ color: #000000; font-weight: 700; }}
.wk-sum .note, .wk-sum .foot {{ font-size: 14px; color: #546E7A; margin-top: 4px; }}
"""


def _card(card: Progress) -> str:
    words = card_text(card)
    accent = theme.status_colour(card.status)
    bar = (
        f'<div class="bar"><span style="width:{max(0.0, min(words.percent, 100.0)):.1f}%"></span></div>'
        if words.percent is not None
        else ""
    )
    basis = f' <span class="basis">{html.escape(words.basis)}</span>' if words.basis else ""
    label = theme.status_label(card.status)
    badge = f'<span class="status-badge" style="--accent:{accent}">{label}</span> ' if label else ""
    due = f'<div class="meta">{html.escape(words.due)}</div>' if words.due else ""
    return (
        f'<div class="card" data-status="{html.escape(card.status)}" style="--accent:{accent}">'
        f'<div class="label">{html.escape(words.label)}</div>'
        f'<div class="value">{html.escape(words.value)}</div>'
        f'<div class="meta">{html.escape(words.target or "无目标")}{basis}</div>{bar}'
        f'<div class="meta">{badge}{html.escape(words.change)}</div>{due}</div>'
    )


def key_cards(cards: list[Progress]) -> list[Progress]:
    """The cards on the image: relocation of the batches still open, then 破零, 整顿 and funds."""
    open_ = [c for c in cards if c.indicator in KEY_INDICATORS and c.status != indicators.DONE]
    return open_ + [c for c in cards if c.indicator in OTHER_INDICATORS]


def _late(week: ScopeWeek) -> str:
    """总览's line under its cards: the late targets the banner does not name."""
    if not week.late:
        return ""
    names = "、".join(c.label for c in week.late)
    return f'<div class="late">按近四周进度推算，以下指标难以按期完成：{html.escape(names)}</div>'


def _ranking(week: ScopeWeek) -> str:
    ranking: Ranking = week.ranking
    if not ranking.bars:
        return ""
    heading = "本乡镇与全县" if week.township else "乡镇排名"
    notes = "".join(f'<div class="rank-note">{html.escape(n)}</div>' for n in ranking.notes)
    grey = "无目标" if any(not theme.status_label(r.status) for r in ranking.bars) else ""
    table = bar_table.bar_table_html(ranking.bars, "乡镇", ranking.measure, heading, clickable=False)
    without = f'<div class="note">{html.escape(ranking.without)}</div>' if ranking.without else ""
    return (
        f"<h2>{heading} · {html.escape(ranking.measure)}</h2>{notes}"
        f"{theme.status_legend_html(grey=grey)}{table}{without}"
    )


BOARD_COLUMNS = ("名次", "乡镇", "较上周", "按期推进", "平均滞后天数", "榜单")


def _board_row(row: pd.Series) -> str:
    which = {duty.RED: "red", duty.BLACK: "black"}.get(str(row["榜单"]), "")
    on_plan = f"{int(row['按期推进'])}/{int(row['搬迁村'])}村"
    late = f"{float(row['平均滞后天数']):.1f}天"
    cells = [
        str(int(row["名次"])),
        html.escape(str(row["乡镇"])),
        html.escape(str(row["较上周"])),
        on_plan,
        late,
        html.escape(str(row["榜单"] or "")),
    ]
    classes = ["", "place", "", "", "", which]
    return (
        "<tr>" + "".join(f'<td class="{c}">{v}</td>' for c, v in zip(classes, cells, strict=True)) + "</tr>"
    )


def _board(week: ScopeWeek) -> str:
    board: Board | None = week.board
    if board is None or board.table.empty:
        return ""
    which = formatting.batch(board.batch) if board.batch else ""
    head = "".join(
        f'<th class="{"place" if c == "乡镇" else ""}">{"平均滞后" if c == "平均滞后天数" else c}</th>'
        for c in BOARD_COLUMNS
    )
    body = "".join(_board_row(r) for _, r in board.table.iterrows())
    note = (
        f"对照倒排工期排名（按期推进的村占比、平均滞后天数、已搬迁比例）；前{duty.RED_BLACK_SIZE}名且无滞后村为红榜，"
        f"后{duty.RED_BLACK_SIZE}名且有滞后村为黑榜；“较上周”为名次变化。"
    )
    if week.township:
        note = f"名次为在全县{board.ranked}个乡镇中的名次；" + note
    return (
        f"<h2>{which}红黑榜</h2>"
        f'<table class="board" data-name="红黑榜" data-rows="{len(board.table)}"><thead><tr>{head}</tr></thead>'
        f'<tbody>{body}</tbody></table><div class="note">{note}</div>'
    )


REPORT_FOOT = "详见周报全文（打印版、可编辑版）；数据来自各乡镇报送的台账。"


def summary_fragment(week: ScopeWeek, title: str | None = None, foot: str = REPORT_FOOT) -> str:
    """The summary as an HTML fragment (its own CSS included); title: the report's (周报) unless given."""
    cards = "".join(_card(c) for c in key_cards(week.cards))
    cards_html = f'<h2>关键指标</h2><div class="cards">{cards}</div>' if cards else ""
    return (
        f'<style>{CSS}</style><div class="wk-sum">'
        f'<div class="title">{html.escape(title or f"{week.county}脱贫攻坚周报")}</div>'
        f'<div class="scope-line">{html.escape(week.scope)} · {formatting.week(week.as_of)} · '
        f"数据截至{formatting.day(week.as_of)}</div>"
        f"{deadlines.banner_html(week.alerts)}"
        f'<h2>本周简报</h2><p class="briefing">{html.escape(week.briefing)}</p>'
        f"{cards_html}{_late(week)}{_ranking(week)}{_board(week)}"
        f'<div class="foot">{html.escape(foot)}</div></div>'
    )


def summary_page(week: ScopeWeek) -> str:
    """The summary as a whole HTML page, 540 CSS px wide, for the screenshot."""
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<style>html, body {{ margin: 0; width: {WIDTH}px; background: #FFFFFF; }}</style></head>"
        f"<body>{summary_fragment(week)}</body></html>"
    )


# Run in the page before the screenshot: no text under MIN_FONT_PX, nothing wider than the image.
CHECK_JS = f"""
() => {{
  const problems = [];
  const root = document.querySelector('.wk-sum');
  if (root.scrollWidth > {WIDTH} + 1) problems.push(`摘要图内容宽于 {WIDTH} 像素（${{root.scrollWidth}}）`);
  for (const cell of root.querySelectorAll('td, th')) {{
    if (cell.scrollWidth > cell.clientWidth + 1) problems.push(`摘要图单元格放不下：“${{cell.innerText.slice(0, 20)}}”`);
  }}
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {{
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const size = parseFloat(getComputedStyle(node.parentElement).fontSize);
    if (size < {MIN_FONT_PX}) problems.push(`摘要图文字小于 {MIN_FONT_PX} 像素：“${{node.textContent.trim().slice(0, 20)}}”（${{size}}）`);
  }}
  return problems;
}}
"""
