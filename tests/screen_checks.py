"""What a person must not meet on a drawn page, read from the browser (the Chromium tests share it).

`problems(page, phone)` returns, in Chinese, everything on the page that a county leader or a
clerk should not have to read or work around:

- a Latin-letter word anywhere visible: the page's text, CSS-generated labels, the cells a data
  grid draws, chart text (ticks, legends, labels), the titles of a chart's toolbar buttons, an
  open menu (file names such as 村级台账_2017-10-13.xlsx are quoted as uploaded and left out);
- a dialog (Streamlit's "Page not found" …);
- a chart toolbar on a phone;
- on any chart axis a tick shown twice ("0, 0, 0, 1, 1, 1") or a fractional tick on a count axis
  ("0.5 个党组织"; axes of money or shares may show fractions);
- a chart's legend over its title, a bar's label crossed by a target line;
- a table that draws fewer rows than it has without saying so ("共 N 行" just above it), a table
  wider than its box (a column cut off);
- a date not in 年月日 style (2017-10-12).
"""

from __future__ import annotations

from typing import Any

from tracker.weekly.browser import PHONE_USER_AGENT

PROBLEMS_JS = r"""
({phone}) => {
  const problems = [];
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 1 && box.height > 1 && box.right > 0 && style.visibility !== 'hidden' && style.display !== 'none';
  };
  const fileName = /[^\s，、：:（）()“”"]+\.(csv|xlsx|xls|toml|json|zip|pdf|png)\b/gi;
  const latin = /[A-Za-z]{2,}|\b[A-Za-z]\b/;
  const isoDate = /\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b/;
  const texts = [];  // [where, text]

  // Text a person sees: material icons are drawn from their names ("dashboard"), not read.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !node.textContent.trim()) continue;
    if (el.closest('[data-testid="stIconMaterial"], script, style, noscript, svg, [data-testid="stDataFrame"]')) continue;
    if (shown(el)) texts.push(['页面文字', node.textContent]);
  }
  for (const el of document.querySelectorAll('body *')) {
    for (const pseudo of ['::before', '::after']) {
      const content = getComputedStyle(el, pseudo).content;
      if (content && content !== 'none' && content !== 'normal' && content.startsWith('"') && shown(el))
        texts.push(['样式生成的文字', content.slice(1, -1)]);
    }
  }
  // A grid draws on a canvas; its cells' text is in the table it keeps for screen readers. An editable
  // cell keeps there the raw value it edits (2017-06-30) while drawing the formatted one: left out.
  for (const cell of document.querySelectorAll('[data-testid="stDataFrame"] th, [data-testid="stDataFrame"] td'))
    if (cell.getAttribute('aria-readonly') !== 'false') texts.push(['表格', cell.textContent]);
  for (const text of document.querySelectorAll('.js-plotly-plot svg text'))
    texts.push(['图表', text.textContent]);
  for (const button of document.querySelectorAll('.js-plotly-plot .modebar-btn'))
    texts.push(['图表工具栏提示', button.getAttribute('data-title') || '']);

  const seen = new Set();
  for (const [where, raw] of texts) {
    const text = (raw || '').replace(fileName, '');
    const word = text.match(latin);
    if (word) {
      const at = Math.max(0, word.index - 20);
      const key = `${where}${word[0]}`;
      if (!seen.has(key)) { seen.add(key); problems.push(`${where}有英文“${word[0]}”：…${text.slice(at, word.index + 30).replace(/\s+/g, ' ')}…`); }
    }
    const day = text.match(isoDate);
    if (day && !seen.has(day[0])) { seen.add(day[0]); problems.push(`${where}有非年月日格式的日期“${day[0]}”`); }
  }

  for (const el of document.querySelectorAll('[role="dialog"], [role="alertdialog"], [data-testid="stDialog"]'))
    if (shown(el)) problems.push(`页面上有对话框：${el.innerText.slice(0, 80)}`);

  for (const chart of document.querySelectorAll('.js-plotly-plot')) {
    const layout = chart._fullLayout;
    const title = ((layout && layout.title && layout.title.text) || '图表').replace(/<[^>]+>/g, '');
    if (phone && chart.querySelector('.modebar')) problems.push(`手机上图表“${title}”有工具栏`);
    if (!layout) continue;
    for (const name of Object.keys(layout).filter(k => /^[xy]axis\d*$/.test(k))) {
      const axis = layout[name];
      if (!axis || !axis._vals || axis.visible === false) continue;
      const ticks = axis._vals.map(v => String(v.text || '').replace(/<[^>]+>/g, '')).filter(t => t);
      const twice = ticks.filter((t, i) => ticks.indexOf(t) !== i);
      if (twice.length) problems.push(`图表“${title}”的坐标轴刻度重复：${ticks.join(', ')}`);
      const unit = `${(axis.title && axis.title.text) || ''}${axis.ticksuffix || ''}${axis.tickprefix || ''}`;
      const fractional = axis.type !== 'date' && !/万元|元|%/.test(unit) && !/%/.test(ticks.join(''));
      if (fractional && ticks.some(t => /\d\.\d/.test(t)))
        problems.push(`图表“${title}”的计数坐标轴有小数刻度：${ticks.join(', ')}`);
    }
    const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    const titleBox = chart.querySelector('.g-gtitle text');
    const legend = chart.querySelector('.legend');
    if (titleBox && legend && shown(legend) && overlap(titleBox.getBoundingClientRect(), legend.getBoundingClientRect()))
      problems.push(`图表“${title}”的图例压在标题上`);
    const lines = Array.from(chart.querySelectorAll('.shapelayer path')).map(p => p.getBoundingClientRect());
    for (const label of chart.querySelectorAll('.bartext, .textpoint text')) {
      const box = label.getBoundingClientRect();
      if (box.width === 0) continue;
      if (lines.some(line => overlap(box, {left: line.left - 1, right: line.right + 1, top: line.top - 1, bottom: line.bottom + 1})))
        problems.push(`图表“${title}”的标签“${label.textContent}”被目标线穿过`);
    }
  }

  for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    const table = grid.querySelector('table[aria-rowcount]');
    const scroller = grid.querySelector('.dvn-scroller');
    if (!table || !scroller) continue;
    const rows = parseInt(table.getAttribute('aria-rowcount'), 10) - 1;
    const name = (table.querySelector('th') || {}).textContent || '表格';
    if (scroller.scrollWidth > scroller.clientWidth + 2)
      problems.push(`表格（${name}…）宽 ${scroller.scrollWidth}px，只显示 ${scroller.clientWidth}px，右侧的列被截断`);
    if (scroller.scrollHeight > scroller.clientHeight + 2) {
      const container = grid.closest('[data-testid="stElementContainer"]');
      const before = container && container.previousElementSibling;
      if (!before || !before.innerText.includes(`共 ${rows.toLocaleString('en-US')} 行`))
        problems.push(`表格（${name}…）共 ${rows} 行，只显示一部分，却没有说明`);
    }
  }
  for (const table of document.querySelectorAll('table[data-rows]')) {
    const declared = parseInt(table.dataset.rows, 10);
    const total = parseInt(table.dataset.total || table.dataset.rows, 10);
    const drawn = Array.from(table.tBodies).reduce((n, body) => n + Array.from(body.rows).filter(shown).length, 0);
    const name = table.dataset.name || '表格';
    if (drawn !== declared) problems.push(`表格“${name}”只显示 ${drawn} 行（共 ${declared} 行）`);
    if (total > drawn) {
      const container = table.closest('[data-testid="stElementContainer"]');
      if (!container || !container.innerText.includes(`共 ${total.toLocaleString('en-US')} 行`))
        problems.push(`表格“${name}”共 ${total} 行，只显示 ${drawn} 行，却没有说明`);
    }
    const box = table.parentElement;
    if (box && table.scrollWidth > box.clientWidth + 1)
      problems.push(`表格“${name}”宽 ${table.scrollWidth}px，超出可见的 ${box.clientWidth}px，右侧列被截断`);
  }
  const width = document.documentElement.scrollWidth;
  if (width > window.innerWidth + 1) problems.push(`页面宽 ${width}px，超出窗口的 ${window.innerWidth}px`);
  return problems;
}
"""


def problems(page: Any, phone: bool) -> list[str]:
    """Everything on the drawn page (sync Playwright) that a person should not meet, in Chinese."""
    return list(page.evaluate(PROBLEMS_JS, {"phone": phone}))


# The two screens a leader reads on: an office monitor, and a phone (its browser says so: a mobile
# user agent, a 390 px viewport at twice the pixels).
DEVICES: dict[str, dict[str, Any]] = {
    "电脑": {"viewport": {"width": 1600, "height": 1000}},
    "手机": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "user_agent": PHONE_USER_AGENT,
    },
}


def context(browser: Any, device: str) -> Any:
    """A fresh browser context (its own cookies) on that device, in China."""
    return browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **DEVICES[device])


def sign_in(page: Any, login: str, password: str) -> None:
    """Fill in and send the sign-in form on the page (sync Playwright)."""
    page.get_by_label("用户名").fill(login)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()
