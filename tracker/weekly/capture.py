"""Taking pictures of a drawn page in Chromium: its layout read in the page (its height, where a phone
page may be cut, its header line), a part scrolled under a copy of that header, the window captured."""

from __future__ import annotations

import base64
import weakref
from pathlib import Path
from typing import Any

from tracker.weekly.jobs import PHONE_SCALE, PHONE_WIDTH

# Where a phone page may be cut, and its header line (CSS px from the top of the document).
LAYOUT_JS = """
() => {
  const top = (el) => el.getBoundingClientRect().top + window.scrollY;
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const boundaries = [];
  for (const el of main.querySelectorAll('[data-testid="stElementContainer"], [data-testid="stHorizontalBlock"]')) {
    const heading = el.querySelector('h2, h3');
    boundaries.push({y: top(el), level: heading ? 0 : 1});
  }
  for (const el of main.querySelectorAll('.report-table tbody tr, .kpi')) boundaries.push({y: top(el) - 4, level: 2});
  const header = document.querySelector('.report-header');
  const box = header ? header.getBoundingClientRect() : null;
  return {
    height: Math.ceil(top(main) + main.scrollHeight),  // the content's bottom, not the window's
    boundaries,
    header: box ? {top: box.top + window.scrollY - 6, bottom: box.bottom + window.scrollY + 6} : null,
  };
}
"""
# Put the part that starts at `top` at the top of the window, or, with a header strip, just under a
# copy of the page's header line pinned to the window's top. Room below the page lets the last part
# scroll up as far as any other.
PART_JS = """
({top, strip, header}) => {
  document.body.style.paddingBottom = window.innerHeight + 'px';
  let pinned = document.getElementById('report-pinned-header');
  if (strip && !pinned) {
    const original = document.querySelector('.report-header');
    const box = original.getBoundingClientRect();
    pinned = document.createElement('div');
    pinned.id = 'report-pinned-header';
    pinned.style.cssText = `position: fixed; top: 0; left: 0; right: 0; height: ${strip}px; background: #fff;
                            z-index: 100000; box-sizing: border-box; padding-top: ${box.top + window.scrollY - header.top}px;`;
    const copy = original.cloneNode(true);
    copy.style.cssText = `margin: 0 0 0 ${box.left}px; width: ${box.width}px;`;
    pinned.appendChild(copy);
    document.body.appendChild(pinned);
  }
  if (pinned) pinned.style.display = strip ? 'block' : 'none';
  window.scrollTo(0, top - strip);
  return window.scrollY;
}
"""


async def capture(tab: Any, path: Path, top: float, height: float) -> None:
    """What the window shows from `top` (document px), `height` px down, at the phone's scale, as PNG.

    Chromium's own capture with optimizeForSpeed: zlib's quick level, half the time of Playwright's
    screenshot for a fifth more bytes; a report has some 150 of these."""
    session = _SESSIONS.get(tab)
    if session is None:
        session = _SESSIONS[tab] = await tab.context.new_cdp_session(tab)
    clip = {"x": 0, "y": top, "width": PHONE_WIDTH, "height": height, "scale": PHONE_SCALE}
    shot = await session.send(
        "Page.captureScreenshot", {"format": "png", "clip": clip, "optimizeForSpeed": True}
    )
    path.write_bytes(base64.b64decode(shot["data"]))


_SESSIONS: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
