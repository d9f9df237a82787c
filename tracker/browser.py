"""Driving Debian's headless Chromium with Playwright: launch it, open a page, wait until it is drawn.

"Drawn" means what a person waiting for the page would mean: Streamlit's script
has stopped running, no skeleton or spinner is left, and every plotly chart on
the page has rendered its SVG. Playwright never downloads a browser here; it
uses the system's /usr/bin/chromium.
"""

from __future__ import annotations

import os
import shutil
import time
from typing import Any

CHROMIUM = os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium")
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


class PageNotReady(Exception):
    """A page that errored or did not finish drawing in time; the message names it."""


def chromium_path() -> str:
    """The Chromium binary, or a clear error saying how to install it."""
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not path:
        raise PageNotReady("找不到 Chromium：请安装 Debian 的 chromium 和 fonts-noto-cjk（make browser）")
    return path


def launch(playwright: Any) -> Any:
    """A headless Chromium browser."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)


# True when the app has finished: no running indicator, no skeleton, charts drawn.
DRAWN_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]')) return false;
  if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stAppSkeleton"], [data-testid="stSpinner"]')) return false;
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  for (const chart of charts) {
    if (!chart.querySelector('.main-svg')) return false;
  }
  return true;
}
"""

ERRORS_JS = """
() => Array.from(document.querySelectorAll('[data-testid="stException"]'))
        .map(e => e.innerText.slice(0, 300))
"""


def wait_until_drawn(page: Any, name: str, timeout: float = 60.0, settle: float = 0.8) -> None:
    """Block until the page is completely drawn (and stays so for `settle` seconds)."""
    deadline = time.monotonic() + timeout
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout * 1000)
    stable_since = None
    while time.monotonic() < deadline:
        errors = page.evaluate(ERRORS_JS)
        if errors:
            raise PageNotReady(f"页面“{name}”出错：{errors[0]}")
        if page.evaluate(DRAWN_JS):
            stable_since = stable_since or time.monotonic()
            if time.monotonic() - stable_since >= settle:
                return
        else:
            stable_since = None
        time.sleep(0.2)
    raise PageNotReady(f"页面“{name}”在 {timeout:.0f} 秒内未完成加载")
