"""The DOM check the weekly report runs before every image, against real pages that are broken.

Every page is the real dashboard in headless Chromium; "broken" means a page as
a user could really reach it (an address that does not exist, the interactive
layout where the report layout belongs, a phone too narrow for a table), or a
report table with rows hidden by a style, the way the old scrolling tables lost
theirs.
"""

from __future__ import annotations

import pytest

from tracker.weekly.browser import wait_until_drawn
from tracker.weekly.report_checks import PageUnfit, check

pytestmark = pytest.mark.browser

REPORT_PAGES = ["", "relocation", "collective", "party", "funds", "summary"]


@pytest.fixture
def tab(browser):
    def open_tab(width: int = 1600, scale: int = 1):
        context = browser.new_context(
            viewport={"width": width, "height": 2400}, device_scale_factor=scale, locale="zh-CN",
            timezone_id="Asia/Shanghai",
        )  # fmt: skip
        opened.append(context)
        return context.new_page()

    opened: list = []
    yield open_tab
    for context in opened:
        context.close()


@pytest.mark.parametrize("path", REPORT_PAGES)
@pytest.mark.parametrize("width", [1600, 390])
def test_every_report_page_passes_the_check(served, tab, path: str, width: int) -> None:
    page = tab(width, 2 if width == 390 else 1)
    page.goto(f"{served}/{path}?report=1&township=赵家沟乡")
    wait_until_drawn(page, path)
    check(page, path or "overview")


def test_an_address_that_does_not_exist_fails_on_streamlits_dialog(served, tab) -> None:
    page = tab()
    page.goto(f"{served}/no-such-page?report=1")
    wait_until_drawn(page, "no-such-page")
    with pytest.raises(PageUnfit) as failed:
        check(page, "no-such-page")
    assert "对话框" in str(failed.value) and "Page not found" in str(failed.value)


def test_the_interactive_layout_fails_as_a_report(served, tab) -> None:
    page = tab()
    page.goto(f"{served}/relocation")
    wait_until_drawn(page, "relocation")
    check(page, "relocation", report=False)  # fine to use…
    with pytest.raises(PageUnfit) as failed:
        check(page, "relocation", report=True)  # …not fine to send
    message = str(failed.value)
    assert "stDataFrame" in message or "控件" in message
    assert "点击" in message or "控件" in message


def test_a_table_that_hides_rows_fails(served, tab) -> None:
    page = tab()
    page.goto(f"{served}/?report=1")
    wait_until_drawn(page, "overview")
    check(page, "overview")
    page.add_style_tag(content=".report-table tbody tr:nth-child(n+11) { display: none; }")
    with pytest.raises(PageUnfit) as failed:
        check(page, "overview")
    assert "只显示 10 行（共 14 行）" in str(failed.value)  # 13 townships and the county


def test_a_table_too_wide_for_a_phone_fails(served, tab) -> None:
    page = tab(390, 2)
    page.goto(f"{served}/relocation?report=1")
    wait_until_drawn(page, "relocation")
    check(page, "relocation")
    # The desktop table layout on a phone: nineteen columns cannot fit 390 px.
    page.add_style_tag(
        content=".report-table.wide, .report-table.wide tbody { display: table !important; }"
        ".report-table.wide tbody { display: table-row-group !important; }"
        ".report-table.wide thead { display: table-header-group !important; }"
        ".report-table.wide tr { display: table-row !important; }"
        ".report-table.wide td { display: table-cell !important; white-space: nowrap !important; }"
    )
    with pytest.raises(PageUnfit) as failed:
        check(page, "relocation")
    assert "右侧" in str(failed.value)


def test_a_raw_float_fails_and_a_formatted_number_does_not(served, tab) -> None:
    page = tab()
    page.goto(f"{served}/?report=1")
    wait_until_drawn(page, "overview")
    check(page, "overview")  # the page as drawn: 70.0%, 8,236.47 万元 …
    add = "text => document.querySelector('.report-header').insertAdjacentHTML('afterend', `<p>${text}</p>`)"
    page.evaluate(add, "破零率 71.95%（两位小数）")
    check(page, "overview")
    page.evaluate(add, "破零率 71.95122%")
    with pytest.raises(PageUnfit) as failed:
        check(page, "overview")
    assert "未格式化的小数" in str(failed.value) and "71.95122" in str(failed.value)
