"""What a report image must not show, read from the page's DOM just before it is taken.

A weekly report goes to county leaders as it is, so a page that is not fit to
send fails the run (and the tests) instead of being shipped: a dialog or toast
over the page (Streamlit's "Page not found", say), an exception or an English
error from Streamlit itself, English chrome or missing-value text ("Running…",
"None", "nan", "NaN", "NaT", "Error"), a raw float such as 71.95122, a table
that draws fewer rows than it declares (`data-rows`, written by
tracker.present.table_display), content wider than the window (a phone image that loses
its right-hand columns), and in the report layout anything a reader could only
click: widgets, scrolling tables, expanders, download buttons and the hints that
go with them ("点击乡镇可筛选").

The test runs inside the page (CHECK_JS), so the async report and the sync
tests share it.
"""

from __future__ import annotations

from typing import Any

CHECK_JS = r"""
({report}) => {
  const problems = [];
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
  };
  const words = (el) => (el.innerText || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 120);
  const say = (what, el) => problems.push(el ? `${what}：${words(el)}` : what);
  const around = (text, at) => text.slice(Math.max(0, at - 30), at + 40).replace(/\s+/g, ' ');

  for (const el of document.querySelectorAll('[role="dialog"], [role="alertdialog"], [data-testid="stDialog"]'))
    if (shown(el)) say('页面上有对话框', el);
  for (const el of document.querySelectorAll('[data-testid="stToast"]'))
    if (shown(el)) say('页面上有提示条', el);
  for (const el of document.querySelectorAll('[data-testid="stException"]')) say('页面出错', el);
  for (const el of document.querySelectorAll('[data-testid="stAlertContentError"]'))
    if (!/[\u4e00-\u9fff]/.test(el.innerText)) say('Streamlit 报错', el);

  const text = document.body.innerText;
  const english = [/Page not found/, /Running/, /\bNone\b/, /\bnan\b/i, /\bNaT\b/, /\bnull\b/, /\bundefined\b/,
                   /\bError\b/i, /Traceback/, /Exception/, /Choose an? option/, /Deploy/, /Please wait/, /Connecting/];
  for (const pattern of english) {
    const found = text.match(pattern);
    if (found) problems.push(`页面上有英文或缺失值文字“${found[0]}”：…${around(text, found.index)}…`);
  }
  const raw = text.match(/\d\.\d{4,}/);
  if (raw) problems.push(`页面上有未格式化的小数“${raw[0]}”：…${around(text, raw.index)}…`);

  for (const table of document.querySelectorAll('table[data-rows]')) {
    const declared = parseInt(table.dataset.rows, 10);
    const drawn = Array.from(table.tBodies).reduce((n, body) => n + Array.from(body.rows).filter(shown).length, 0);
    const name = table.dataset.name || '表格';
    if (drawn !== declared) problems.push(`表格“${name}”只显示 ${drawn} 行（共 ${declared} 行）`);
    const box = table.parentElement;
    if (box && table.scrollWidth > box.clientWidth + 1)
      problems.push(`表格“${name}”宽 ${table.scrollWidth}px，超出可见的 ${box.clientWidth}px，右侧列被截断`);
  }
  const width = document.documentElement.scrollWidth;
  if (width > window.innerWidth + 1) problems.push(`页面宽 ${width}px，超出窗口的 ${window.innerWidth}px，右侧内容被截断`);

  if (report) {
    const controls = 'input, select, textarea, button, [role="checkbox"], [role="combobox"], [role="radio"], ' +
      '[role="slider"], [data-testid="stDataFrame"], [data-testid="stExpander"], [data-testid="stDownloadButton"], ' +
      '[data-testid="stFileUploader"]';
    for (const el of document.querySelectorAll(controls)) {
      if (el.closest('.modebar, [data-testid="stElementToolbar"]')) continue;  // plotly's and Streamlit's hover bars
      if (shown(el)) say(`周报版式中有可操作的控件（${el.getAttribute('data-testid') || el.tagName.toLowerCase()}）`, el);
    }
    for (const bar of document.querySelectorAll('.modebar, .modebar-container'))
      if (shown(bar)) { say('周报版式中有图表工具栏'); break; }
    const hint = text.match(/点击|可筛选|可下载|请选择|选择一个|侧栏|左侧/);
    if (hint) problems.push(`周报版式中有操作提示“${hint[0]}”：…${around(text, hint.index)}…`);
  }
  return problems;
}
"""


class PageUnfit(Exception):
    """A page that must not go into the report; the message names the page and every problem, in Chinese."""


def verdict(name: str, problems: list[str]) -> None:
    """Raise PageUnfit naming the page and its problems, if it has any."""
    if problems:
        raise PageUnfit(f"页面“{name}”不宜发送：" + "；".join(problems[:6]))


def check(page: Any, name: str, report: bool = True) -> None:
    """Read the DOM of a drawn page (sync Playwright); PageUnfit if it shows anything it must not."""
    verdict(name, page.evaluate(CHECK_JS, {"report": report}))


async def check_async(page: Any, name: str, report: bool = True) -> None:
    """The same check for async Playwright."""
    verdict(name, await page.evaluate(CHECK_JS, {"report": report}))
