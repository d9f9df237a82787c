"""Every page, every tab, on an office monitor and on a phone: fit to read for a Chinese county office.

Each page is opened by its own address (`/overview` included) for the county and for 赵家沟乡, in
demo mode and signed in, and every section (tab) of it is opened in turn. On each view the checks
of tests/screen_checks.py must find nothing: no English word (page text, chart text, table cells,
toolbar titles, open menus), no dialog, no chart toolbar on a phone, no repeated or fractional
tick on a count axis, no label under a legend or a target line, no table that hides rows without
saying so or cuts off a column, no date but 2017年10月13日 style. The menus a person opens (the
filters, Streamlit's own if any) and a clerk's upload preview are checked too. One browser and one
server for the lot; one context per device.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.screen_checks import DEVICES, context, problems, sign_in
from tracker import access
from tracker.contract.paths import SAMPLE_DIR
from tracker.weekly.browser import wait_until_drawn
from tracker.weekly.serve import dashboard

pytestmark = pytest.mark.browser

# Every page of the dashboard by the address a person would type (the hidden 周报摘要 too).
PAGES = ["overview", "relocation", "collective", "party", "funds", "data", "summary"]
TOWNSHIP = "赵家沟乡"
SAMPLE_FUNDS = SAMPLE_DIR / "weekly" / "2017-10-13" / "资金台账_2017-10-13.csv"
PASSWORD = "correct horse battery"


def _look_at(page, base: str, path: str, device: str, every_tab: bool) -> list[str]:
    """Open the page (and each of its tabs), return what the checks found, each named by where."""
    page.goto(f"{base}/{path}")
    wait_until_drawn(page, path)
    found = [f"{path}：{p}" for p in problems(page, device == "手机")]
    assert page.locator('input[type="password"]').count() == 0, f"{path} asks to sign in again"
    tabs = [t.strip() for t in page.locator('[role="tab"]').all_inner_texts()] if every_tab else []
    for tab in tabs[1:]:
        page.get_by_role("tab", name=tab, exact=True).click()
        page.wait_for_function(
            "name => document.querySelector('[role=tab][aria-selected=true]')?.innerText.trim() === name",
            arg=tab,
        )
        wait_until_drawn(page, f"{path} {tab}")
        found += [f"{path}［{tab}］：{p}" for p in problems(page, device == "手机")]
    return found


def _preview_an_upload(page, base: str, device: str) -> list[str]:
    """A clerk's first step: a ledger chosen on the data page, checked and previewed (nothing written)."""
    page.goto(f"{base}/data")
    wait_until_drawn(page, "data")
    page.set_input_files('[data-testid="stFileUploaderDropzoneInput"]', [str(SAMPLE_FUNDS)])
    page.get_by_text("检查通过").wait_for(timeout=60_000)
    wait_until_drawn(page, "data, upload previewed")
    return [f"上传预览：{p}" for p in problems(page, device == "手机")]


def _open_menus(page, base: str, device: str) -> list[str]:
    """The menus a person opens: Streamlit's ⋮ menu (if any), the page list and filters, a filter's list."""
    page.goto(f"{base}/relocation")
    wait_until_drawn(page, "relocation")
    found = []
    menu = page.locator('[data-testid="stMainMenuButton"]')
    if menu.count():
        menu.click()
        page.wait_for_timeout(300)
        found += [f"⋮菜单：{p}" for p in problems(page, device == "手机")]
        page.keyboard.press("Escape")
    if device == "手机":  # the sidebar is closed on a phone: its control must say what it opens
        control = page.locator('[data-testid="stExpandSidebarButton"]')
        label = control.evaluate("el => getComputedStyle(el, '::after').content")
        assert label == '"页面与筛选"', label
        control.click()
        page.locator('[data-testid="stSidebarNav"]').wait_for(state="visible")
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert "整村搬迁" in sidebar.inner_text() and "乡镇" in sidebar.inner_text()
    sidebar.locator('[data-testid="stMultiSelect"] [role="combobox"]').first.click()
    page.locator('[role="listbox"]').wait_for(state="visible")
    options = page.locator('[role="listbox"]').inner_text().split()
    assert len(options) >= 5 and all(o.endswith(("乡", "镇")) for o in options), options  # no "Select all"
    found += [f"乡镇列表：{p}" for p in problems(page, device == "手机")]
    page.keyboard.press("Escape")
    return found


@pytest.mark.parametrize("device", list(DEVICES), ids=["desktop", "phone"])
def test_every_page_and_tab_in_demo_mode_for_the_county_and_a_township(served, browser, device: str) -> None:
    tab = context(browser, device).new_page()
    try:
        found = []
        for path in PAGES:
            found += _look_at(tab, served, path, device, every_tab=True)
            found += _look_at(tab, served, f"{path}?township={TOWNSHIP}", device, every_tab=True)
            assert TOWNSHIP in tab.inner_text(".report-header")
        found += _preview_an_upload(tab, served, device)
        found += _open_menus(tab, served, device)  # last: on a phone the open sidebar covers the page
    finally:
        tab.context.close()
    assert not found, "\n".join(found)


@pytest.fixture(scope="module")
def protected(tmp_path_factory: pytest.TempPathFactory, sample_store: Path):
    """The sample store with a county leader and 赵家沟乡's secretary, served on its own port."""
    import shutil

    store = tmp_path_factory.mktemp("fit") / "store"
    shutil.copytree(sample_store, store)
    access.add_user(access.users_path(store), "leader", "县长", "county", [], PASSWORD)
    access.add_user(access.users_path(store), "zjg", "赵家沟乡书记", "township", [TOWNSHIP], PASSWORD)
    with dashboard(store) as url:
        yield url


@pytest.mark.parametrize("device", list(DEVICES), ids=["desktop", "phone"])
def test_every_page_signed_in_as_a_township_and_as_the_county(protected: str, browser, device: str) -> None:
    found = []
    for login in ("zjg", "leader"):
        tab = context(browser, device).new_page()
        try:
            tab.goto(f"{protected}/")
            wait_until_drawn(tab, "sign-in")
            found += [f"登录页：{p}" for p in problems(tab, device == "手机")]
            sign_in(tab, login, PASSWORD)
            tab.locator('input[type="password"]').wait_for(state="detached")
            for path in PAGES:
                found += _look_at(tab, protected, path, device, every_tab=False)
                header = tab.inner_text(".report-header")
                assert (TOWNSHIP in header) == (login == "zjg"), header
        finally:
            tab.context.close()  # each user signs in in a context of their own (its own cookie)
    assert not found, "\n".join(found)
