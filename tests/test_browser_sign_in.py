"""A link from the group chat survives the sign-in, a reload keeps the session, signing out ends it.

A township secretary opens `/relocation?township=赵家沟乡&tab=明细` from the weekly message: the
password is asked once, and then that page, that township and that tab are on screen; a reload, or
another link opened later in the same browser, asks nothing; after 退出登录 the remembered sign-in
is dead, in this browser and in any copy of its cookie.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.screen_checks import context, sign_in
from tracker import access
from tracker.weekly.browser import wait_until_drawn
from tracker.weekly.serve import dashboard
from ui.auth import COOKIE

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
LINK = "/relocation?township=赵家沟乡&tab=明细"


@pytest.fixture
def served_with_sign_in(sample_store: Path, tmp_path: Path):
    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    access.add_user(access.users_path(store), "zjg", "赵家沟乡书记", "township", ["赵家沟乡"], PASSWORD)
    with dashboard(store) as url:
        yield url, store


def _asks_to_sign_in(page) -> bool:
    return page.locator('input[type="password"]').count() > 0


def _shows_the_link(page) -> None:
    """The page, the township and the tab of LINK are on screen, and in the address."""
    assert page.inner_text("h1").strip() == "整村搬迁"
    assert page.inner_text('[role="tab"][aria-selected="true"]').strip() == "明细"
    assert "赵家沟乡" in page.inner_text(".report-header")
    query = parse_qs(urlparse(page.url).query)
    assert urlparse(page.url).path == "/relocation"
    assert query["township"] == ["赵家沟乡"] and query["tab"] == ["明细"]


def test_a_deep_link_lands_on_its_page_and_tab_after_sign_in_and_a_reload_keeps_it(
    served_with_sign_in, browser
) -> None:
    base, store = served_with_sign_in
    page = context(browser, "手机").new_page()
    try:
        page.goto(base + LINK)
        wait_until_drawn(page, "sign-in")
        assert _asks_to_sign_in(page)
        sign_in(page, "zjg", PASSWORD)
        page.locator('input[type="password"]').wait_for(state="detached")
        wait_until_drawn(page, "relocation")
        _shows_the_link(page)

        cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE)
        assert cookie["value"] not in page.url  # the secret travels in the cookie only
        assert cookie["sameSite"] == "Strict"
        assert 8 * 3600 - 300 < cookie["expires"] - time.time() <= 8 * 3600 + 5  # the session's lifetime

        page.reload()
        wait_until_drawn(page, "relocation, reloaded")
        assert not _asks_to_sign_in(page)
        _shows_the_link(page)

        later = page.context.new_page()  # another link from the chat, in the same browser
        later.goto(base + "/party?township=赵家沟乡")
        wait_until_drawn(later, "party")
        assert not _asks_to_sign_in(later) and later.inner_text("h1").strip() == "党建"
        later.close()

        copied = dict(cookie)
        page.locator('[data-testid="stExpandSidebarButton"]').click()  # 页面与筛选: a phone's sidebar
        page.get_by_role("button", name="退出登录").click()
        page.locator('input[type="password"]').wait_for(state="visible")
        page.reload()
        wait_until_drawn(page, "after sign-out")
        assert _asks_to_sign_in(page)
        assert COOKIE not in {c["name"] for c in page.context.cookies()}
    finally:
        page.context.close()

    # A copy of the cookie taken before signing out opens nothing: the server has forgotten it.
    elsewhere = context(browser, "电脑")
    try:
        elsewhere.add_cookies([copied])
        tab = elsewhere.new_page()
        tab.goto(base + LINK)
        wait_until_drawn(tab, "copied cookie")
        assert _asks_to_sign_in(tab)
    finally:
        elsewhere.close()
    actions = [(r["who"], r["action"]) for r in access.read_audit(store)]
    assert ("zjg", "sign_in") in actions and ("zjg", "sign_out") in actions
    assert cookie["value"] not in (store / access.AUDIT_FILE).read_text(encoding="utf-8")
