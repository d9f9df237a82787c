"""Each page opened by its URL in real headless Chromium, with a township in the query string."""

from __future__ import annotations

import pytest

from tracker.browser import wait_until_drawn
from tracker.report_checks import check

pytestmark = pytest.mark.browser

# (path, a figure the page shows only when filtered to 赵家沟乡; checked against the store by
# tests/test_sample_facts.py and the AppTest page tests)
PAGES = [
    (
        "",
        "101 户",
    ),  # 总览, the default page (served at "/"): first-batch households of 赵家沟乡 (county: 189)
    ("relocation", "31,788"),  # homestead m² reclaimed in 赵家沟乡's first batch
    ("collective", "50.0%"),  # 13 of 赵家沟乡's 26 villages past 破零 (county: 70.0%)
    ("party", "52"),  # floating party members kept by 赵家沟乡's branch (county: 665)
    ("funds", "549.57"),  # 万元 allocated to 赵家沟乡
    ("data", "导入记录"),
]


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1600, "height": 1000}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    tab = context.new_page()
    yield tab
    context.close()


@pytest.mark.parametrize(("path", "expected"), PAGES)
def test_page_by_url_shows_the_filtered_township(served, page, path: str, expected: str) -> None:
    page.goto(f"{served}/{path}?township=赵家沟乡")
    wait_until_drawn(page, path)
    check(
        page, path or "overview", report=False
    )  # no dialog ("Page not found"), toast, error or English text
    header = page.inner_text(".report-header")
    assert "赵家沟乡" in header and "全县" not in header  # the URL's filter was applied
    text = page.inner_text("body")
    assert expected in text
    assert "Traceback" not in text and "Error" not in text
    assert "Choose options" not in text and "Choose an option" not in text


def test_overview_at_phone_width_stacks_cards_without_cutting_them(served, browser) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, locale="zh-CN"
    )
    tab = context.new_page()
    try:
        tab.goto(f"{served}/?township=赵家沟乡")
        wait_until_drawn(tab, "overview")
        boxes = tab.eval_on_selector_all(
            ".kpi", "cards => cards.map(c => c.getBoundingClientRect().toJSON())"
        )
        assert len(boxes) >= 3
        assert len({round(b["x"]) for b in boxes}) == 1  # one column
        assert all(b["right"] <= 390 + 0.5 for b in boxes)  # nothing cut off
        overflow = tab.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 390
    finally:
        context.close()


def test_clicking_a_township_bar_filters_to_it_and_puts_it_in_the_url(served, browser) -> None:
    from urllib.parse import parse_qs, urlparse

    # A window tall enough that the ranking chart is on screen without scrolling.
    context = browser.new_context(viewport={"width": 1600, "height": 2400}, locale="zh-CN")
    page = context.new_page()
    try:
        # The overview is the default page, so its own address is "/": Streamlit rewrites
        # "/overview" to "/" after loading and then drops the state a click sets.
        page.goto(f"{served}/")
        wait_until_drawn(page, "overview")
        chart = page.query_selector('[data-testid="stPlotlyChart"]')
        bar = chart.query_selector_all(".point path")[-1]
        box = bar.bounding_box()
        # Plotly picks the point under the pointer on hover, so hover first, as a hand would.
        page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
        page.wait_for_timeout(400)
        page.mouse.down()
        page.wait_for_timeout(50)
        page.mouse.up()
        page.wait_for_function("() => location.search.includes('township=')", timeout=30_000)
        wait_until_drawn(page, "overview")
        chosen = parse_qs(urlparse(page.url).query)["township"]
        assert len(chosen) == 1
        header = page.inner_text(".report-header")
        assert chosen[0] in header and "全县" not in header
    finally:
        context.close()
