"""Loading the chart library while a leader reads a page without charts, so the next one opens at once.

总览 draws no plotly figure, so that its first view does not wait for plotly.js; the first chart page
reached from it would then load and start plotly.js (4.7 MB) after the click. Once the page is
drawn and the browser is idle, this imports Streamlit's own plotly chunk: the very module its
chart element imports later, which then finds it ready.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import streamlit as st

from ui.layout import report_mode

# Runs once per tab: waits until the page is drawn (the script idle, no placeholder left), then
# for an idle moment, so that the page the leader is reading never waits for the import.
_PREFETCH_JS = """<script>
(() => {
  if (window.__chartsPrefetched) return;
  window.__chartsPrefetched = true;
  const main = document.querySelector('script[type="module"][src*="/static/js/index."]');
  if (!main) return;
  const url = new URL(%s, main.src).href;
  const idle = window.requestIdleCallback || ((f) => setTimeout(f, 500));
  const drawn = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
      && !document.querySelector('[data-testid="stSkeleton"]');
  };
  const wait = () => drawn() ? idle(() => import(url).catch(() => {}), {timeout: 2000}) : setTimeout(wait, 200);
  wait();
})();
</script>"""


@functools.cache
def _plotly_chunk() -> str | None:
    """The file name of Streamlit's plotly chunk in this installation (it carries a content hash)."""
    folder = Path(st.__file__).parent / "static" / "static" / "js"
    found = sorted(folder.glob("PlotlyChart.*.js"))
    return found[0].name if len(found) == 1 else None


def prefetch_charts() -> None:
    """On a page without charts: load plotly.js in the background once the page is drawn."""
    chunk = _plotly_chunk()
    if chunk and not report_mode():
        st.html(_PREFETCH_JS % json.dumps(chunk), unsafe_allow_javascript=True)
