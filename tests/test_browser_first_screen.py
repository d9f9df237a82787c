"""What 总览 draws, in real headless Chromium on the sample (2017-10-13): the overdue target above the
cards, the ranking of the batch still open with each bar in its status's colour and its target
marked, a legend that says what each colour means, no chart library, and a click on a township
that narrows the view without reloading the page.

Colours are read as the browser computed them. The test does not know the palette: it checks
that each bar has the colour the legend gives its status word, and that green (a colour whose
green channel leads) appears only on rows the rule calls 已完成 or 按期, never on a bar that
stops short of its target unless the rule says it is on pace.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests import screen_checks
from tracker.weekly.browser import DRAWN_AT_JS, wait_until_drawn
from tracker.weekly.report_checks import check

pytestmark = pytest.mark.browser

RANKING_JS = """() => {
  const legend = {};
  for (const item of document.querySelectorAll('.status-legend .legend-item')) {
    const swatch = item.querySelector('.swatch');
    legend[item.innerText.trim()] = swatch ? getComputedStyle(swatch).backgroundColor : 'mark';
  }
  const rows = Array.from(document.querySelectorAll('table.rank-table tbody tr')).map((tr) => {
    const fill = tr.querySelector('.fill'), mark = tr.querySelector('.mark');
    const f = fill.getBoundingClientRect(), m = mark ? mark.getBoundingClientRect() : null;
    return {
      place: tr.querySelector('td.place').innerText.trim(),
      share: tr.querySelector('td.pct').innerText.trim(),
      word: tr.querySelector('td.state').innerText.trim(),
      fill: getComputedStyle(fill).backgroundColor,
      fillRight: f.width > 0 ? f.right : f.left,
      markX: m && m.width > 0 && m.height > 0 ? m.left + m.width / 2 : null,
      total: tr.classList.contains('total'),
      clickable: tr.hasAttribute('data-place'),
      shown: tr.getBoundingClientRect().height > 0,
    };
  });
  const title = document.querySelector('.rank-measure');
  return {legend, rows, title: title ? title.innerText.trim() : null,
          plotly: document.querySelectorAll('[data-testid="stPlotlyChart"]').length};
}"""
WORDS = {"已完成", "按期", "滞后", "逾期"}


def _rgb(css: str) -> tuple[int, int, int]:
    r, g, b = (int(x) for x in re.findall(r"\d+", css)[:3])
    return r, g, b


def _green(css: str) -> bool:
    r, g, b = _rgb(css)
    return g > r + 30 and g > b + 30


@pytest.fixture
def desktop(browser):
    context = browser.new_context(
        viewport={"width": 1600, "height": 2400}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    yield context.new_page()
    context.close()


def test_the_ranking_is_drawn_in_status_colours_with_its_targets_and_a_legend(served, desktop) -> None:
    desktop.goto(f"{served}/?as_of=2017-10-13")
    wait_until_drawn(desktop, "overview")
    check(desktop, "overview", report=False)
    drawn = desktop.evaluate(RANKING_JS)
    assert drawn["plotly"] == 0, "总览 draws no plotly figure"
    assert drawn["title"] == "第二批入住比例"
    legend = drawn["legend"]
    assert set(legend) >= WORDS and legend.get("目标") == "mark", legend
    assert len({legend[w] for w in WORDS}) == 4  # one colour per status
    rows = drawn["rows"]
    places = [r for r in rows if not r["total"]]
    assert len(places) == 10 and all(r["shown"] and r["clickable"] for r in places)
    assert places[-1]["place"] == "赵家沟乡" and places[-1]["share"] == "0.0%"
    for row in rows:
        assert row["word"] in WORDS, row
        assert row["fill"] == legend[row["word"]], row  # the colour the legend gives its word
        assert row["markX"] is not None, row  # its target is marked
        if _green(row["fill"]):
            assert row["word"] in ("已完成", "按期"), row
        if row["fillRight"] < row["markX"] - 2:  # the bar stops short of its target
            assert row["word"] != "已完成" and (not _green(row["fill"]) or row["word"] == "按期"), row
    total = [r for r in rows if r["total"]]
    assert len(total) == 1 and total[0]["place"] == "全县" and not total[0]["clickable"]


def test_the_overdue_target_is_above_the_first_card(served, desktop) -> None:
    desktop.goto(f"{served}/?as_of=2017-10-13")
    wait_until_drawn(desktop, "overview")
    banner = desktop.locator(".deadline.overdue").first
    assert "第一批搬迁村联合党支部数" in banner.inner_text() and "已逾期" in banner.inner_text()
    first_card = desktop.locator(".kpi").first.bounding_box()
    assert banner.bounding_box()["y"] + banner.bounding_box()["height"] <= first_card["y"]
    r, g, b = _rgb(banner.evaluate("e => getComputedStyle(e).borderLeftColor"))
    assert r > g + 60 and r > b + 60  # drawn in red
    briefing = desktop.inner_text(".briefing")
    assert "联合党支部" in briefing.split("。")[0]


def test_clicking_a_township_in_the_ranking_filters_to_it_without_reloading(served, desktop) -> None:
    # The overview is the default page, whose own address is "/".
    desktop.goto(f"{served}/")
    wait_until_drawn(desktop, "overview")
    desktop.evaluate("window.__sameDocument = true")
    desktop.locator('table.rank-table tr[data-place="赵家沟乡"]').click()
    desktop.wait_for_function("() => location.search.includes('township=')", timeout=30_000)
    wait_until_drawn(desktop, "overview")
    assert parse_qs(urlparse(desktop.url).query)["township"] == ["赵家沟乡"]
    header = desktop.inner_text(".report-header")
    assert "赵家沟乡" in header and "全县" not in header
    assert desktop.evaluate("window.__sameDocument === true"), "the page was reloaded"
    # The township's own cards now, its second-batch households against its ledger's 48.
    cards = desktop.locator(".kpi").all_inner_texts()
    assert any(c.startswith("第二批搬迁入住户数") and "目标 48 户" in c and "按台账计划" in c for c in cards)


def test_a_ranking_row_is_reached_and_chosen_from_the_keyboard(served, desktop) -> None:
    desktop.goto(f"{served}/")
    wait_until_drawn(desktop, "overview")
    desktop.locator('table.rank-table tr[data-place="沙泉乡"]').focus()
    desktop.keyboard.press("Enter")
    desktop.wait_for_function("() => location.search.includes('township=')", timeout=30_000)
    assert parse_qs(urlparse(desktop.url).query)["township"] == ["沙泉乡"]


@pytest.mark.parametrize("width", [390, 1600])
def test_the_report_layout_draws_every_row_static(served, browser, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 1200}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{served}/?report=1&as_of=2017-10-13")
        wait_until_drawn(page, "overview")
        check(page, "overview", report=True)  # whole tables, nothing to click, no hint, nothing cut off
        drawn = page.evaluate(RANKING_JS)
        assert drawn["title"] == "第二批入住比例"
        assert len(drawn["rows"]) == 11 and all(r["shown"] and not r["clickable"] for r in drawn["rows"])
    finally:
        context.close()


PLOTLY_FETCHED_JS = """() => performance.getEntriesByType('resource')
  .filter((r) => r.name.includes('/static/js/PlotlyChart.')).map((r) => r.startTime)"""


def test_plotly_loads_after_the_overview_is_drawn_and_before_a_chart_page_is_clicked(served, desktop) -> None:
    # 总览 must not wait for plotly.js, and the chart page a leader clicks next must not wait for it either.
    desktop.add_init_script(DRAWN_AT_JS)
    desktop.goto(f"{served}/?as_of=2017-10-13")
    wait_until_drawn(desktop, "overview")
    fetched = desktop.wait_for_function(
        f"() => {{ const s = ({PLOTLY_FETCHED_JS})(); return s.length ? s : null; }}"
    )
    drawn_at = desktop.evaluate("window.__drawnAt")
    assert drawn_at is not None and fetched.json_value()[0] >= drawn_at, "总览 waited for plotly.js"
    clicked_at = desktop.evaluate("performance.now()")
    desktop.get_by_test_id("stSidebarNavLink").filter(has_text="整村搬迁").click()
    desktop.wait_for_function("() => location.pathname.endsWith('/relocation')", timeout=30_000)
    wait_until_drawn(desktop, "relocation")
    assert desktop.locator('[data-testid="stPlotlyChart"] .main-svg').count() > 0
    starts = desktop.evaluate(PLOTLY_FETCHED_JS)
    assert starts and all(s < clicked_at for s in starts), "the chart page loaded plotly.js after the click"


def test_the_report_layout_loads_no_chart_library_it_does_not_draw(served, desktop) -> None:
    desktop.goto(f"{served}/?report=1&as_of=2017-10-13")
    wait_until_drawn(desktop, "overview")
    desktop.wait_for_timeout(2500)  # longer than the dashboard view's wait for an idle moment (at most 2 s)
    assert desktop.evaluate(PLOTLY_FETCHED_JS) == []


@pytest.mark.parametrize("device", ["电脑", "手机"])
def test_demo_mode_is_said_once_where_it_can_be_seen(served, browser, device: str) -> None:
    # A desktop sees the sidebar's warning; a phone, whose sidebar is closed, sees it under the title.
    phone = device == "手机"
    context = screen_checks.context(browser, device)
    page = context.new_page()
    try:
        page.goto(f"{served}/?as_of=2017-10-13")
        wait_until_drawn(page, "overview")
        seen = [
            e.inner_text()
            for e in page.locator("text=演示模式").all()
            if e.is_visible() and e.bounding_box()["x"] >= 0
        ]
        assert len(seen) == 1, seen
        in_main = page.locator('[data-testid="stMain"]').get_by_text("演示模式").count()
        assert in_main == (1 if phone else 0)
    finally:
        context.close()
