"""The week on one image for the group chat (周报摘要), as static HTML: what is overdue, 本周简报, the key
cards and the township ranking.

It is drawn 540 CSS px wide at device scale 2, so the image is 1080 px wide and no text is under
14 CSS px (28 image px): on a phone, where WeChat shows the image at the screen's width, body text
is as large as a chat message. The same fragment is the dashboard's 摘要 page (app_pages/summary.py),
so the page and the image agree.
"""

from __future__ import annotations

import html

from tracker.contract import formatting
from tracker.present import theme
from tracker.rules.indicators import Progress
from tracker.weekly.scope_week import ScopeWeek
from tracker.weekly.week_document import STATUS_LABELS, figure, status_of

WIDTH = 540
SCALE = 2
MIN_FONT_PX = 14
# The cards a leader looks at first: relocation of the batches still open, then the other targets.
KEY_INDICATORS = ("villages_completed", "households_moved", "people_moved")
OTHER_INDICATORS = ("zero_break_rate", "weak_orgs_rectified", "funds_10k")
STATUS_COLOURS = theme.STATUS_COLOURS | {"overdue": theme.TARGET}

CSS = f"""
.wk-sum {{ font-family: {theme.FONT_STACK}; color: #212121; background: #FFFFFF; font-size: 16px;
           line-height: 1.6; padding: 18px 18px 14px; box-sizing: border-box; max-width: {WIDTH}px; }}
.wk-sum * {{ box-sizing: border-box; }}
.wk-sum .title {{ font-size: 24px; font-weight: 700; line-height: 1.35; }}
.wk-sum .sub {{ font-size: 15px; color: #37474F; border-bottom: 3px solid {theme.NEUTRAL}; padding-bottom: 6px;
                margin-bottom: 12px; }}
.wk-sum h2 {{ font-size: 18px; font-weight: 700; margin: 14px 0 6px; padding: 0; line-height: 1.4; }}
.wk-sum .alert {{ border: 2px solid {theme.TARGET}; background: #FFEBEE; border-radius: 8px; padding: 8px 12px;
                  margin: 0 0 10px; }}
.wk-sum .alert.soon {{ border-color: {theme.WARNING}; background: #FFF3E0; }}
.wk-sum .alert .tag {{ display: inline-block; font-weight: 700; color: #FFFFFF; background: {theme.TARGET};
                       border-radius: 4px; padding: 0 6px; margin-right: 6px; font-size: 15px; }}
.wk-sum .alert.soon .tag {{ background: {theme.WARNING}; }}
.wk-sum .alert div {{ font-size: 16px; }}
.wk-sum .briefing {{ font-size: 16px; line-height: 1.75; text-indent: 2em; margin: 0; padding: 10px 12px;
                     border-left: 4px solid {theme.NEUTRAL}; background: #F5F8FC; }}
.wk-sum .cards {{ display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }}
.wk-sum .card {{ border: 1px solid #E0E0E0; border-left: 6px solid var(--accent); border-radius: 8px;
                 padding: 6px 10px; min-width: 0; }}
.wk-sum .card .label {{ font-size: 14px; color: #455A64; line-height: 1.35; }}
.wk-sum .card .value {{ font-size: 22px; font-weight: 700; line-height: 1.3; }}
.wk-sum .card .meta {{ font-size: 14px; color: #455A64; line-height: 1.4; }}
.wk-sum .card .state {{ font-weight: 700; color: var(--accent); }}
.wk-sum .bar {{ height: 6px; background: #ECEFF1; border-radius: 3px; margin: 3px 0; overflow: hidden; }}
.wk-sum .bar > span {{ display: block; height: 100%; background: var(--accent); }}
.wk-sum table.rank {{ width: 100%; border-collapse: collapse; font-size: 15px; }}
.wk-sum table.rank td {{ padding: 3px 4px; white-space: nowrap; }}
.wk-sum table.rank td.n {{ color: #607D8B; width: 1.6em; text-align: right; }}
.wk-sum table.rank td.pct {{ text-align: right; width: 4.2em; font-variant-numeric: tabular-nums; }}
.wk-sum table.rank td.track {{ width: 55%; }}
.wk-sum table.rank tr.own td {{ font-weight: 700; background: #E3F2FD; }}
.wk-sum table.rank tr.total td {{ font-weight: 700; border-top: 1px solid #90A4AE; }}
.wk-sum .legend, .wk-sum .foot {{ font-size: 14px; color: #546E7A; margin-top: 6px; }}
.wk-sum .swatch {{ display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin: 0 4px 0 10px;
                   vertical-align: -1px; }}
"""


def _alerts(week: ScopeWeek) -> str:
    """Overdue targets first (red); open targets due within two weeks or behind their pace next (amber)."""
    parts = []
    if week.overdue:
        lines = "".join(
            f"<div>{html.escape(c.label)}：{html.escape(figure(c.actual, c.unit))}"
            f"／目标{html.escape(figure(c.target, c.unit))}，时限{formatting.day(c.due)}，"
            f"已逾期{-(c.days_left or 0)}天</div>"
            for c in week.overdue
        )
        parts.append(f'<div class="alert"><span class="tag">逾期</span>{lines}</div>')
    soon = [c for c in week.lagging if c.days_left is not None and c.days_left < 14]
    if soon:
        lines = "".join(
            f"<div>{html.escape(c.label)}：{html.escape(figure(c.actual, c.unit))}"
            f"／目标{html.escape(figure(c.target, c.unit))}，剩{c.days_left}天</div>"
            for c in soon
        )
        parts.append(f'<div class="alert soon"><span class="tag">临期</span>{lines}</div>')
    return "".join(parts)


def _card(card: Progress) -> str:
    status = status_of(card)
    accent = STATUS_COLOURS.get(status, theme.MUTED)
    percent = card.percent
    bar = (
        f'<div class="bar"><span style="width:{max(0.0, min(percent, 100.0)):.1f}%"></span></div>'
        if percent is not None
        else ""
    )
    target = f"目标 {figure(card.target, card.unit)}" if card.target is not None else "无目标"
    if percent is not None:
        target += f" · {formatting.percent(percent)}"
    digits = 1 if card.unit in ("%", "万元") else 0
    change = formatting.signed(card.change, "" if card.unit == "%" else card.unit, digits)
    return (
        f'<div class="card" style="--accent:{accent}"><div class="label">{html.escape(card.label)}</div>'
        f'<div class="value">{html.escape(figure(card.actual, card.unit))}</div>'
        f'<div class="meta">{html.escape(target)}</div>{bar}'
        f'<div class="meta"><span class="state">{STATUS_LABELS.get(status, "")}</span> · 较上周 {html.escape(change)}</div>'
        "</div>"
    )


def key_cards(cards: list[Progress]) -> list[Progress]:
    """The cards on the image: relocation of the open batches, then 破零, 整顿 and funds."""
    open_ = [c for c in cards if c.indicator in KEY_INDICATORS and c.status != "done"]
    return open_ + [c for c in cards if c.indicator in OTHER_INDICATORS]


def _ranking(week: ScopeWeek) -> str:
    moving = week.ranking[week.ranking["households"] > 0]
    if moving.empty or week.county_total.empty:
        return ""
    total = week.county_total.iloc[0]
    average = 100.0 * total["households_moved"] / total["households"] if total["households"] else 0.0
    batch = formatting.batch(week.open_batch) if week.open_batch is not None else "搬迁户"
    rows = [_rank_row(n, r, average, r.place == week.township) for n, r in enumerate(moving.itertuples(), 1)]
    rows.append(
        f'<tr class="total"><td class="n"></td><td>全县</td><td class="track">'
        f'<div class="bar"><span style="width:{average:.1f}%;background:{theme.MUTED}"></span></div></td>'
        f'<td class="pct">{formatting.percent(average)}</td></tr>'
    )
    legend = (
        f'<div class="legend"><span class="swatch" style="background:{theme.DONE}"></span>全部入住'
        f'<span class="swatch" style="background:{theme.NEUTRAL}"></span>不低于全县'
        f'<span class="swatch" style="background:{theme.WARNING}"></span>低于全县</div>'
    )
    return f'<h2>乡镇排名 · {batch}入住率</h2><table class="rank">{"".join(rows)}</table>{legend}'


def _rank_row(n: int, row: object, average: float, own: bool) -> str:
    percent = float(getattr(row, "moved_percent", 0.0) or 0.0)
    colour = theme.DONE if percent >= 100.0 else theme.NEUTRAL if percent >= average else theme.WARNING
    place = html.escape(str(getattr(row, "place", "")))
    return (
        f'<tr class="{"own" if own else ""}"><td class="n">{n}</td><td>{place}</td><td class="track">'
        f'<div class="bar" style="height:12px"><span style="width:{min(percent, 100.0):.1f}%;background:{colour}">'
        f'</span></div></td><td class="pct">{formatting.percent(percent)}</td></tr>'
    )


def summary_fragment(week: ScopeWeek) -> str:
    """The summary as an HTML fragment (its own CSS included)."""
    cards = "".join(_card(c) for c in key_cards(week.cards))
    cards_html = f'<h2>关键指标</h2><div class="cards">{cards}</div>' if cards else ""
    return (
        f'<style>{CSS}</style><div class="wk-sum">'
        f'<div class="title">{html.escape(week.county)}脱贫攻坚周报</div>'
        f'<div class="sub">{html.escape(week.scope)} · {formatting.week(week.as_of)} · '
        f"数据截至{formatting.day(week.as_of)}</div>"
        f'{_alerts(week)}<h2>本周简报</h2><p class="briefing">{html.escape(week.briefing)}</p>'
        f"{cards_html}{_ranking(week)}"
        '<div class="foot">详见周报全文（打印版、可编辑版）；数据来自各乡镇报送的台账。</div></div>'
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
