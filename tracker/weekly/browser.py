"""Driving Debian's headless Chromium with Playwright: launch it, open a page, wait until it is drawn.

"Drawn" means what a person waiting for the page would mean: Streamlit's script
has stopped running, no skeleton or spinner is left, every plotly chart on the
page has rendered its SVG at the width of its box, and nothing on the page has
changed for a short while. The test runs inside the page (WAIT_JS, polled by
Playwright's wait_for_function), so the sync tests and the async report share
one implementation and pay one round trip per wait, not one per poll.
Playwright never downloads a browser here; it uses the system's /usr/bin/chromium.
"""

from __future__ import annotations

import os
import secrets
import shutil
from typing import Any

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Flags without which Chromium stalls on this kind of machine (no network, root, no GPU).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIME_ZONE = "Asia/Shanghai"
POLL_MS = 100


class PageNotReady(Exception):
    """A page that errored or did not finish drawing in time; the message names it."""


class BrowserMissing(PageNotReady):
    """No Chromium to drive: the message says how to install it."""


def chromium_path() -> str:
    """The Chromium binary (TRACKER_CHROMIUM, else Debian's), or BrowserMissing saying how to install it."""
    chosen = os.environ.get("TRACKER_CHROMIUM")
    if chosen:
        # A path given on purpose is used or refused, never silently swapped for another browser.
        if os.path.isfile(chosen) and os.access(chosen, os.X_OK):
            return chosen
        raise BrowserMissing(f"找不到 Chromium：TRACKER_CHROMIUM 指向的 {chosen} 不存在或不可执行")
    path = DEFAULT_CHROMIUM if os.path.exists(DEFAULT_CHROMIUM) else shutil.which("chromium")
    if not path:
        raise BrowserMissing("找不到 Chromium：请安装 Debian 的 chromium 和 fonts-noto-cjk（make browser）")
    return path


def launch(playwright: Any) -> Any:
    """A headless Chromium browser (sync Playwright)."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)


# A phone's browser as the dashboard sees it (ui.layout.is_phone reads "Mobi" in it): the tests and
# the benchmarks open pages as this phone, so that they get the phone's layout, not a narrow desktop's.
PHONE_USER_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)

# True when Streamlit has drawn the page: no running indicator, no skeleton, charts drawn at their
# box's width (总览's first view, tracker.first_view, steps aside when this holds).
STREAMLIT_DRAWN_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]')) return false;
  if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stAppSkeleton"], [data-testid="stSpinner"]')) return false;
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    const svg = chart.querySelector('.main-svg');
    if (!svg) return false;
    const box = chart.getBoundingClientRect().width;
    const drawn = parseFloat(svg.getAttribute('width') || '0');
    if (box > 0 && Math.abs(box - drawn) > 2) return false;  // still the size of the last window
  }
  return true;
}
"""

# True when a person sees the drawn page: Streamlit has drawn it and 总览's first view is gone.
DRAWN_JS = "() => !document.getElementById('first-view') && (" + STREAMLIT_DRAWN_JS + ")()"

# An init script (set before a page loads): window.__drawnAt is the moment (performance.now, from
# navigation start) the page was first drawn, checked every animation frame.
DRAWN_AT_JS = (
    "(() => { const drawn = ("
    + DRAWN_JS
    + """);
  const tick = () => {
    if (document.querySelector('[data-testid="stApp"]') && drawn()) { window.__drawnAt = performance.now(); return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();"""
)

ERRORS_JS = """
() => Array.from(document.querySelectorAll('[data-testid="stException"]'))
        .map(e => e.innerText.slice(0, 300))
"""

# Polled inside the page: an exception ends the wait at once; otherwise the page must be drawn and
# unchanged (no nodes added or removed) for `settle` ms. The token starts a fresh wait on a page
# that was waited for before (after a resize, say).
WAIT_JS = (
    """
({settle, token}) => {
  const w = window;
  if (!w.__drawnObserver) {
    w.__lastMutation = performance.now();
    w.__drawnObserver = new MutationObserver(() => { w.__lastMutation = performance.now(); });
    w.__drawnObserver.observe(document.documentElement, {childList: true, subtree: true, characterData: true});
  }
  if (w.__drawnToken !== token) { w.__drawnToken = token; w.__drawnSince = null; }
  const errors = ("""
    + ERRORS_JS
    + """)();
  if (errors.length) return {error: errors[0]};
  const drawn = ("""
    + DRAWN_JS
    + """)();
  const now = performance.now();
  if (!drawn) { w.__drawnSince = null; return false; }
  if (w.__drawnSince === null) w.__drawnSince = now;
  const quiet = Math.min(now - w.__drawnSince, now - w.__lastMutation);
  return quiet >= settle ? {drawn: true} : false;
}
"""
)


def _verdict(value: Any, name: str) -> None:
    if isinstance(value, dict) and value.get("error"):
        raise PageNotReady(f"页面“{name}”出错：{value['error']}")


def _timeout_message(name: str, timeout: float) -> str:
    return f"页面“{name}”在 {timeout:.0f} 秒内未完成加载"


def wait_until_drawn(page: Any, name: str, timeout: float = 60.0, settle: float = 0.5) -> None:
    """Block until the page is completely drawn and has not changed for `settle` seconds (sync Playwright)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    arg = {"settle": settle * 1000, "token": secrets.token_hex(8)}
    try:
        handle = page.wait_for_function(WAIT_JS, arg=arg, polling=POLL_MS, timeout=timeout * 1000)
    except PlaywrightTimeout:
        raise PageNotReady(_timeout_message(name, timeout)) from None
    _verdict(handle.json_value(), name)


async def wait_until_drawn_async(page: Any, name: str, timeout: float = 60.0, settle: float = 0.5) -> None:
    """The same wait for async Playwright (the report draws several pages at once)."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    arg = {"settle": settle * 1000, "token": secrets.token_hex(8)}
    try:
        handle = await page.wait_for_function(WAIT_JS, arg=arg, polling=POLL_MS, timeout=timeout * 1000)
    except PlaywrightTimeout:
        raise PageNotReady(_timeout_message(name, timeout)) from None
    _verdict(await handle.json_value(), name)
