"""总览's first view: the week's summary in the page the server answers `/` with, for those who may see it.

A leader who opens the link sees the week (the overdue line, 本周简报, the cards, the ranking) as
soon as the browser has read the page, before Streamlit has loaded; once Streamlit has drawn 总览
the first view is gone and the live page is the one on screen. Without a live sign-in, for the
report's browser, for a batch or several townships, there is no first view, and no figure leaves
the server in that page.
"""

from __future__ import annotations

import html
import re
import time
import urllib.parse
import urllib.request
from email.message import Message
from pathlib import Path

import pytest

from tests.screen_checks import context
from tracker import access, session_tokens
from tracker.first_view import GIVE_UP_MS, FirstView
from tracker.weekly.browser import DRAWN_AT_JS, wait_until_drawn
from tracker.weekly.serve import dashboard

INDEX = '<!DOCTYPE html>\n<html lang="en">\n  <head>\n    <title>Streamlit</title>\n  </head>\n  <body><div id="root"></div></body>\n</html>'
ZJG = "赵家沟乡"
WAIT = 120.0  # a summary is made by the worker thread; a test waits for it


def _scope_line(page: str) -> str:
    found = re.search(r'<div class="scope-line">([^<]*)</div>', page)
    return html.unescape(found.group(1)) if found else ""


def _briefing(page: str) -> str:
    found = re.search(r'<p class="briefing">([^<]*)</p>', page)
    return html.unescape(found.group(1)) if found else ""


def _fetch(url: str, cookie: str | None = None, expect_first_view: bool = True) -> tuple[str, Message]:
    """GET url (with the sign-in cookie); while a first view is expected but not made yet (the worker
    makes it at the first visit, the server never waits for it), ask again."""
    headers = {"Cookie": f"tracker_session={cookie}"} if cookie is not None else {}
    deadline = time.monotonic() + WAIT
    while True:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
            page, got = response.read().decode(), response.headers
        if not expect_first_view or 'id="first-view"' in page or time.monotonic() > deadline:
            return page, got
        time.sleep(0.2)


@pytest.fixture
def signed_in_store(sample_store: Path, tmp_path: Path) -> Path:
    import shutil

    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    access.add_user(access.users_path(store), "county", "县委书记", "county", [], "long county password")
    access.add_user(
        access.users_path(store), "zjg", "赵家沟乡书记", "township", [ZJG], "long township password"
    )
    return store


def test_the_first_view_is_the_week_of_the_scope_and_day_the_address_asks_for(sample_store: Path) -> None:
    view = FirstView(sample_store, INDEX)
    county, private = view.page({}, None, wait=WAIT)
    assert private and 'id="first-view"' in county
    assert _scope_line(county) == "全县 · 2017年第41周 · 数据截至2017年10月13日"
    assert "演示模式" in county  # no users file: demo mode, said here as on every page
    assert "截至2017年10月13日，全县" in _briefing(county)
    # Chinese from the first byte: the page's language and the county's title, not "Streamlit".
    assert '<html lang="zh-CN">' in county and "<title>河曲县脱贫攻坚进度看板</title>" in county

    township, _ = view.page({"township": [ZJG]}, None, wait=WAIT)
    assert _scope_line(township).startswith(f"{ZJG} · ")
    earlier, _ = view.page({"as_of": ["2017-09-29"]}, None, wait=WAIT)
    assert _scope_line(earlier).endswith("数据截至2017年9月29日")
    # A day that is no snapshot opens the newest, as the sidebar's day box does.
    assert _scope_line(view.page({"as_of": ["2017-09-30"]}, None, wait=WAIT)[0]) == _scope_line(county)


@pytest.mark.parametrize(
    "params",
    [
        {"batch": ["第二批"]},  # the summary is of all batches
        {"township": [ZJG, "前川乡"]},  # the summary is of one scope
        {"county": ["河曲县"]},  # a region's county view
        {"report": ["1"]},
    ],
)
def test_an_address_the_summary_cannot_show_opens_without_a_first_view(sample_store: Path, params) -> None:
    view = FirstView(sample_store, INDEX)
    skip = "report" in params
    page, private = view.page(params, None, skip=skip, wait=WAIT)
    assert not private and "first-view" not in page and "本周简报" not in page


def test_a_hostile_township_in_the_address_is_dropped_not_echoed(sample_store: Path) -> None:
    view = FirstView(sample_store, INDEX)
    page, _ = view.page({"township": ["<script>alert(1)</script>"]}, None, wait=WAIT)
    assert "<script>alert" not in page and "alert(1)" not in page
    assert _scope_line(page).startswith("全县 · ")  # dropped, as the filter box drops it


def test_with_sign_in_configured_the_first_view_needs_a_live_sign_in(signed_in_store: Path) -> None:
    view = FirstView(signed_in_store, INDEX)
    for cookie in (None, "", "forged.1.token", "a" * 40):
        page, private = view.page({}, cookie, wait=WAIT)
        assert not private and "本周简报" not in page and "189" not in page, cookie

    token = session_tokens.issue(signed_in_store, "county")
    page, private = view.page({}, token, wait=WAIT)
    assert private and _scope_line(page).startswith("全县 · ") and "演示模式" not in page
    session_tokens.revoke(signed_in_store, token)  # 退出登录
    page, private = view.page({}, token, wait=WAIT)
    assert not private and "本周简报" not in page


def test_a_township_user_sees_their_own_township_only(signed_in_store: Path) -> None:
    view = FirstView(signed_in_store, INDEX)
    token = session_tokens.issue(signed_in_store, "zjg")
    own, private = view.page({}, token, wait=WAIT)
    assert private and _scope_line(own).startswith(f"{ZJG} · ")
    # Another township in the address is not among their options: dropped, their own shown.
    asked_other, _ = view.page({"township": ["前川乡"]}, token, wait=WAIT)
    assert _scope_line(asked_other).startswith(f"{ZJG} · ")
    first_view = own[own.index('id="first-view"') :]
    for other in ("前川乡", "土沟乡", "鹿固乡", "巡镇镇", "全县平均"):
        assert other not in first_view, other


def test_the_server_answers_the_overview_addresses_with_the_first_view_and_keeps_it_private(
    served: str,
) -> None:
    for path in ("/", "/overview", f"/?township={urllib.parse.quote(ZJG)}"):
        page, headers = _fetch(served + path)
        assert 'id="first-view"' in page, path
        assert headers["Cache-Control"] == "no-store, private" and "Cookie" in headers["Vary"]
    other, _ = _fetch(served + "/relocation", expect_first_view=False)
    assert "first-view" not in other and 'id="root"' in other  # every other page is Streamlit's own


@pytest.mark.browser
@pytest.mark.parametrize("device", ["电脑", "手机"])
def test_the_first_view_is_drawn_before_the_live_page_and_gives_way_to_it(
    served: str, browser, device
) -> None:
    _fetch(served + "/")  # the summary is made (by the worker, at the first visit)
    browsing = context(browser, device)
    browsing.add_init_script(DRAWN_AT_JS)
    page = browsing.new_page()
    try:
        page.goto(served + "/", wait_until="commit")
        page.wait_for_selector("#first-view .briefing", state="attached")
        shown = page.inner_text("#first-view .briefing").strip()
        # Nothing of it is wider than the screen (the phone scrolls down, never sideways).
        assert page.evaluate("() => document.getElementById('first-view').scrollWidth <= window.innerWidth")
        wait_until_drawn(page, "总览")
        assert page.query_selector("#first-view") is None  # gone once the live page is drawn
        painted = page.evaluate("() => performance.getEntriesByName('first-view-painted')[0].startTime")
        drawn = page.evaluate("() => window.__drawnAt")
        # Taken away because the live page was drawn, not by the give-up timer.
        assert painted < drawn < GIVE_UP_MS
        # The first view said what the live page says.
        assert " ".join(shown.split()) == " ".join(page.inner_text(".briefing").split())
    finally:
        browsing.close()


@pytest.mark.browser
def test_signed_in_a_reload_gets_the_first_view_and_signed_out_not(signed_in_store: Path, browser) -> None:
    token = session_tokens.issue(signed_in_store, "county")
    with dashboard(signed_in_store) as url:
        for cookie, expected in ((token, True), ("", False)):
            page, _ = _fetch(url + "/", cookie, expect_first_view=expected)
            assert ('id="first-view"' in page) is expected
            assert ("本周简报" in page) is expected
        browsing = context(browser, "电脑")
        tab = browsing.new_page()
        try:
            tab.goto(url + "/")
            wait_until_drawn(tab, "sign-in")
            assert (
                tab.locator('input[type="password"]').count() == 1
            )  # the sign-in form, no first view over it
            assert tab.query_selector("#first-view") is None
        finally:
            browsing.close()
