"""Each page opened by its URL in real headless Chromium, with a township in the query string."""

from __future__ import annotations

import pytest

from tracker.weekly.browser import wait_until_drawn
from tracker.weekly.report_checks import check

pytestmark = pytest.mark.browser

# (path, a card the page shows, what it must say when filtered to 赵家沟乡): each figure is named by
# its card, so a 52 elsewhere on the page cannot pass for it. (Checked against the store by
# tests/test_sample_facts.py, the oracle and the AppTest page tests.)
PAGES = [
    ("", "第一批搬迁入住户数", "101 户"),  # 总览, the default page (served at "/"): 赵家沟乡 (county: 189)
    ("relocation", "第一批宅基地腾退复垦面积（平方米）", "31,788 平方米"),  # 赵家沟乡's first batch
    ("collective", "集体经济破零率（%）", "50.0%"),  # 13 of 赵家沟乡's 26 villages (county: 70.0%)
    ("party", "流动党员", "52 人"),  # kept by 赵家沟乡's floating-member branch (county: 665)
    ("funds", "整合资金", "549.57 万元"),  # allocated to 赵家沟乡
]
CARDS_JS = """cards => Object.fromEntries(cards.map(c => [
    c.querySelector('.label').innerText.trim(), c.querySelector('.value').innerText.trim()]))"""


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1600, "height": 1000}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    tab = context.new_page()
    yield tab
    context.close()


@pytest.mark.parametrize(("path", "card", "expected"), PAGES)
def test_page_by_url_shows_the_filtered_township(served, page, path: str, card: str, expected: str) -> None:
    page.goto(f"{served}/{path}?township=赵家沟乡")
    wait_until_drawn(page, path)
    # No dialog ("Page not found"), toast, error or English text.
    check(page, path or "overview", report=False)
    header = page.inner_text(".report-header")
    assert "赵家沟乡" in header and "全县" not in header  # the URL's filter was applied
    cards = page.eval_on_selector_all(".kpi", CARDS_JS)
    assert cards.get(card) == expected, cards
    text = page.inner_text("body")
    assert "Traceback" not in text and "Error" not in text
    assert "Choose options" not in text and "Choose an option" not in text


def test_the_data_page_by_url_checks_the_filtered_township_and_day(served, page) -> None:
    page.goto(f"{served}/data?township=赵家沟乡&as_of=2017-10-13&tab=一致性检查")
    wait_until_drawn(page, "data")
    header = page.inner_text(".report-header")
    assert "赵家沟乡" in header and "数据截至 2017年10月13日" in header
    # The page's sections: the open one's heading, the others' tabs.
    headings = [h.strip() for h in page.locator("h2, h3, [role=tab]").all_inner_texts()]
    assert {"导入记录", "一致性检查", "目标任务"} <= set(headings), headings
    text = page.inner_text("body")
    # The consistency checks ran for the township and day in the URL, and the sample has no contradiction.
    assert "核对赵家沟乡截至2017年10月13日各台账之间是否一致。" in text
    assert "村级台账标为已搬迁、但搬迁户尚未入住：未发现问题" in text
    assert "Traceback" not in text and "Error" not in text


def test_overview_at_phone_width_sets_cards_two_a_row_without_cutting_them(served, browser) -> None:
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
        assert len({round(b["x"]) for b in boxes}) == 2  # two columns: a page's targets in its first screens
        assert all(b["right"] <= 390 + 0.5 for b in boxes)  # nothing cut off
        overflow = tab.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 390
    finally:
        context.close()


def test_clicking_a_township_bar_filters_to_it_and_puts_it_in_the_url(served, browser) -> None:
    """A plotly chart of townships (集体经济's 破零率; 总览's ranking is an HTML table, tested in
    test_browser_first_screen.py): a click on a bar narrows the view to that township."""
    from urllib.parse import parse_qs, urlparse

    # A window tall enough that the chart is on screen without scrolling.
    context = browser.new_context(viewport={"width": 1600, "height": 2400}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{served}/collective")
        wait_until_drawn(page, "collective")
        chart = page.query_selector('[data-testid="stPlotlyChart"]')
        bar = chart.query_selector_all(".barlayer .point path")[-1]
        box = bar.bounding_box()
        # Plotly picks the point under the pointer on hover, so hover first, as a hand would.
        page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
        page.wait_for_timeout(400)
        page.mouse.down()
        page.wait_for_timeout(50)
        page.mouse.up()
        page.wait_for_function("() => location.search.includes('township=')", timeout=30_000)
        wait_until_drawn(page, "collective")
        chosen = parse_qs(urlparse(page.url).query)["township"]
        assert len(chosen) == 1
        header = page.inner_text(".report-header")
        assert chosen[0] in header and "全县" not in header
    finally:
        context.close()


def test_a_link_with_a_tab_opens_it_and_a_click_on_another_puts_that_in_the_link(served, page) -> None:
    from urllib.parse import parse_qs, urlparse

    page.goto(f"{served}/relocation?township=赵家沟乡&tab=明细")
    wait_until_drawn(page, "relocation")
    assert page.inner_text('[role="tab"][aria-selected="true"]').strip() == "明细"
    assert "赵家沟乡" in page.inner_text(".report-header")
    # the townships (搬迁入住, 拆除复垦与资金) and the villages
    assert page.locator('[data-testid="stDataFrame"]').count() == 3
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0  # no other section's figures
    page.get_by_role("tab", name="资金").click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('tab') === '资金'", timeout=30_000)
    wait_until_drawn(page, "relocation 资金")
    query = parse_qs(urlparse(page.url).query)
    assert query["township"] == ["赵家沟乡"]  # the filter holds in the new tab
    charts = page.locator('[data-testid="stPlotlyChart"]')
    assert charts.count() == 1 and "贫困户自筹资金与上限" in charts.first.inner_text()
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
