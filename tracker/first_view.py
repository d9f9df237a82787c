"""总览's first view: the week's summary written into the HTML page the server answers `/` with.

Streamlit draws 总览 only once its JavaScript has loaded, connected and run the page: about 1.5 s
from a link on a desktop here, of which Streamlit's frame alone (title, page list, three filters)
is 1.4 s (docs/benchmarks.md). So the server writes the week's summary for the address asked
(全县 or one township; the day asked, else the newest) into the document itself, over the page,
where the browser draws it as soon as it has read it; a line of script takes it away once
Streamlit has drawn 总览 (the condition the report and the benchmarks wait for), and
the leader goes on in the live page, filters and all.

The summary is the weekly report's (tracker.weekly.summary_html: 总览's own banner, briefing,
cards and ranking, from the same queries), so the first view and the page agree figure for figure.

It is written only for someone the dashboard would show 总览 without asking: demo mode, or a
sign-in cookie the server still honours (tracker.session_tokens), with that user's scope. None
for the report's browser, an OIDC sign-in (its cookie is Streamlit's to check), a region of
several counties, a batch or several townships chosen (the summary is of all batches, one
scope): those open as before. The page then says `Cache-Control: no-store` and varies by cookie.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import functools
import html
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from tracker import access, session_tokens
from tracker.contract import formatting
from tracker.contract.county import County, load_county
from tracker.present import theme
from tracker.store import manifest, queries
from tracker.store.reader import Reader
from tracker.weekly.browser import STREAMLIT_DRAWN_JS
from tracker.weekly.scope_week import ScopeWeek, gather
from tracker.weekly.summary_html import summary_fragment

_LOG = logging.getLogger(__name__)
# Longer than any page takes here (p95 under 4 s): past this the first view goes whatever happens,
# so a page that cannot connect shows Streamlit's own message instead.
GIVE_UP_MS = 20000
# Why the document must not be kept by a proxy or shared between people: it holds a user's figures.
PRIVATE_HEADERS = {"Cache-Control": "no-store, private", "Vary": "Cookie"}


@dataclass(frozen=True)
class Asked:
    """What an address asks 总览 for, as far as the first view can show it."""

    township: str | None
    as_of: dt.date


def viewer(data_dir: Path, cookie: str | None) -> access.User | None:
    """Whom the dashboard would show 总览 to without asking: demo mode or a live sign-in; else None."""
    if not access.sign_in_required(data_dir):
        return access.DEMO_USER
    found = session_tokens.resolve(data_dir, cookie)
    return found[0] if found else None


def asked(
    params: Mapping[str, Sequence[str]], county: County, user: access.User, days: Sequence[dt.date]
) -> Asked | None:
    """The scope and day an address asks for, read as the sidebar reads them; None when the
    first view cannot show it (another county, a batch, several townships, a clerk)."""
    if user.role not in ("county", "township") or "county" in params or not days:
        return None
    if any(b != formatting.ALL_BATCHES for b in params.get("batch", [])):
        return None
    allowed = [t for t in county.township_names if not user.townships or t in user.townships]
    # As the filter box does: a name that is not among the user's options is dropped, never used.
    townships = [t for t in params.get("township", []) if t in allowed] or list(user.townships)
    if len(townships) > 1:
        return None
    wanted = (params.get("as_of") or [formatting.LATEST])[-1]
    as_of = next((d for d in days if d.isoformat() == wanted), days[0])
    return Asked(townships[0] if townships else None, as_of)


class FirstView:
    """The page `/` is answered with: Streamlit's index.html, with the first view in it when it may have one.

    A summary is made once per store version, scope, township and day, by one worker thread, and
    never while a person waits: an address whose summary is not made yet is answered at once
    without it (and the worker makes it for the next visit). `warm()` makes the county's newest
    week when the server starts, the address the group-chat links open."""

    def __init__(self, data_dir: Path, index_html: str) -> None:
        self.data_dir = Path(data_dir)
        self.index_html = index_html
        self._worker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="first-view")
        self._made: dict[tuple[Any, ...], concurrent.futures.Future[str]] = {}
        self._lock = threading.Lock()

    def page(
        self, params: Mapping[str, Sequence[str]], cookie: str | None, skip: bool = False, wait: float = 0.0
    ) -> tuple[str, bool]:
        """The document for an address, and whether it holds someone's figures (then never cached).

        skip: no first view (the report's browser, an OIDC deployment); wait: how long to wait for
        a summary not made yet (the server waits for none; a test or a warm-up may)."""
        title = ""
        fragment = ""
        try:
            stamp = manifest.stamp(self.data_dir)
            county = _county(str(self.data_dir), stamp)
            title = f"{county.name}脱贫攻坚进度看板"
            user = None if skip or len(county.counties) > 1 else viewer(self.data_dir, cookie)
            if user is not None:
                fragment = self._fragment(stamp, county, user, params, wait)
            if fragment and user is access.DEMO_USER:  # demo mode says so on every page, this one too
                fragment = DEMO_NOTE + fragment
        except Exception as problem:  # noqa: BLE001 - the live page reports a store problem in Chinese
            _LOG.warning("总览首屏未写入：%s", type(problem).__name__)  # the type only: no figure, no name
            fragment = ""
        return with_first_view(self.index_html, title, fragment), bool(fragment)

    def warm(self) -> None:
        """Start making the county's newest week (the address a group-chat link opens)."""
        with contextlib.suppress(Exception):
            stamp = manifest.stamp(self.data_dir)
            self._fragment(stamp, _county(str(self.data_dir), stamp), access.DEMO_USER, {})

    def _fragment(
        self,
        stamp: str,
        county: County,
        user: access.User,
        params: Mapping[str, Sequence[str]],
        wait: float = 0.0,
    ) -> str:
        scope = tuple(sorted(user.scope.items()))
        days = _days(str(self.data_dir), stamp)
        wanted = asked(params, county, user, days)
        if wanted is None:
            return ""
        key = (str(self.data_dir), stamp, scope, county.name, wanted, not user.townships)
        with self._lock:
            if len(self._made) > 256:  # old store versions' summaries
                self._made = {k: f for k, f in self._made.items() if k[1] == stamp}
            made = self._made.get(key)
            if made is None:
                made = self._made[key] = self._worker.submit(_summary, *key)
        with contextlib.suppress(concurrent.futures.TimeoutError):
            made.result(timeout=wait)  # raises what the summary raised: the caller steps aside
        return made.result() if made.done() else ""


@functools.lru_cache(maxsize=4)
def _days(folder: str, stamp: str) -> list[dt.date]:
    return manifest.ledger_days(manifest.read_manifest(Path(folder)))


@functools.lru_cache(maxsize=4)
def _county(folder: str, stamp: str) -> County:
    return load_county(Path(folder))


Scope = tuple[tuple[str, tuple[str, ...]], ...]


@functools.lru_cache(maxsize=4)
def _query(folder: str, stamp: str, scope: Scope) -> Callable[..., pd.DataFrame]:
    """A named query over the store as of `stamp`, each distinct query run once (the worker's only)."""
    return queries.memoized(Reader(Path(folder), dict(scope)).cursor())


@functools.lru_cache(maxsize=64)
def _week(
    folder: str, stamp: str, scope: Scope, county: str, as_of: dt.date, township: str | None, whole: bool
) -> ScopeWeek:
    query = _query(folder, stamp, scope)
    county_week = _week(folder, stamp, scope, county, as_of, None, whole) if township and whole else None
    return gather(query, county, as_of, township, whole, county_week)


def _summary(folder: str, stamp: str, scope: Scope, county: str, wanted: Asked, whole_county: bool) -> str:
    week = _week(folder, stamp, scope, county, wanted.as_of, wanted.township, whole_county)
    return summary_fragment(
        week,
        title=f"总览 · {county}",
        foot="看板正在打开；筛选、图表和明细随后可用。",
    )


DEMO_NOTE = '<div class="fv-demo">演示模式：未配置登录，所有数据对任何访问者可见。</div>'

STYLE = f"""
#first-view {{ position: fixed; inset: 0; z-index: 1000100; background: #FFFFFF; overflow-y: auto;
               padding: 12px 8px 32px; }}
#first-view .wk-sum {{ margin: 0 auto; }}
#first-view .fv-demo {{ box-sizing: border-box; max-width: 540px; margin: 0 auto; padding: 4px 18px; font-size: 14px; color: #7A5C00;
                        background: #FFF8E1; font-family: {theme.FONT_STACK}; }}
"""

# Takes the first view away once Streamlit has drawn the page itself (every page, the sign-in form
# included, has a title; or an error), or after GIVE_UP_MS whatever happened; marks when the first
# view was painted (the benchmarks read the mark).
SCRIPT = (
    """(() => {
  const view = document.getElementById('first-view');
  requestAnimationFrame(() => setTimeout(() => performance.mark('first-view-painted'), 0));
  const drawn = ("""
    + STREAMLIT_DRAWN_JS
    + """);
  const tick = () => {
    const main = document.querySelector('[data-testid="stMain"]');
    const live = main && main.querySelector('h1, [data-testid="stException"]');
    if ((live && drawn()) || performance.now() > """
    + str(GIVE_UP_MS)
    + """) { view.remove(); return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();"""
)


def with_first_view(index_html: str, title: str, fragment: str) -> str:
    """Streamlit's index.html in Chinese (its language and title), with the first view when there is one."""
    page = index_html.replace('<html lang="en">', '<html lang="zh-CN">', 1)
    if title:
        page = page.replace("<title>Streamlit</title>", f"<title>{html.escape(title)}</title>", 1)
    if not fragment:
        return page
    view = (
        f'<style>{STYLE}</style><div id="first-view" aria-busy="true">{fragment}</div>'
        f"<script>{SCRIPT}</script>"
    )
    # Before Streamlit's stylesheet and scripts: the parser meets the view first and ends the head
    # there (HTML's rule for content in a head), so nothing it loads holds the view's first paint.
    head, title_end, tail = page.partition("</title>")
    return head + title_end + view + tail if title_end else page
