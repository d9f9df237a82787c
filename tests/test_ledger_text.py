"""Issue 18, hole 7: text from ledgers is shown as text. A 迁入村 (or 安置地点) of `![](http://host/x.png)`
or a Markdown link rendered, in the household drill-down, as an image fetched from that host (with the
dashboard as referrer) or a clickable link. Now every place ledger text meets Markdown or a chart's
HTML-like labels shows the characters as typed: checked in real Chromium (nothing fetched, no image, no
link, the text visible), and in AppTest for the data page's messages about an upload."""

from __future__ import annotations

import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import open_tab
from tests.hostile_ledgers import HTML_SOURCE, VILLAGE, import_hostile_week, markdown_place
from tracker.weekly.browser import wait_until_drawn

# Markdown that would make an image, a link or a directive: an unescaped "![", "](", ":red[" or "$".
LIVE_MARKDOWN = re.compile(r"(?<!\\)(!\[|\]\(|:red\[|\$x)")


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[str]]]:
    """A local web server standing for the attacker's host; yields its URL and the paths asked of it."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def hostile_store(sample_store: Path, tmp_path: Path, receiver) -> Path:
    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    import_hostile_week(store, receiver[0])
    return store


def _drill_down(at):
    at = open_tab(at, "明细")
    label = f"赵家沟乡 · {VILLAGE}"
    at.selectbox(key="relocation_village").select(label).run()
    assert not at.exception
    return at


def test_the_drill_down_writes_the_place_as_escaped_markdown(
    open_page, hostile_store: Path, receiver
) -> None:
    at = _drill_down(open_page("app_pages/relocation.py", store=hostile_store))
    bodies = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    line = next(b for b in bodies if "石家畔村" in b and "迁入" in b)
    assert receiver[0].split("//")[1].replace(".", "\\.").replace(":", "\\:") in line
    assert not [b for b in bodies if LIVE_MARKDOWN.search(b)], [b for b in bodies if LIVE_MARKDOWN.search(b)]
    # The households' 安置地点 are in the table, as text.
    table = next(d.value for d in at.dataframe if "安置地点" in d.value.columns)
    assert markdown_place(receiver[0]) in set(table["安置地点"])


@pytest.mark.browser
def test_the_drill_down_in_chromium_shows_the_text_and_fetches_nothing(
    hostile_store: Path, receiver, browser
) -> None:
    from tracker.weekly.serve import dashboard

    host, asked = receiver
    with dashboard(hostile_store) as url:
        context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
        page = context.new_page()
        try:
            page.goto(f"{url}/relocation?tab=明细&township=赵家沟乡")
            wait_until_drawn(page, "relocation")
            choose = page.get_by_role("combobox", name="查看搬迁户")
            choose.click()
            choose.fill(VILLAGE)
            page.get_by_role("option", name=f"赵家沟乡 · {VILLAGE}").click()
            page.get_by_text("安置方式：").wait_for()
            wait_until_drawn(page, "relocation")
            main = page.locator("[data-testid='stMain']")
            images = page.eval_on_selector_all("img", "els => els.map(e => e.src)")
            links = page.eval_on_selector_all("a", "els => els.map(e => e.href)")
            assert not [s for s in images + links if host in s or "evil.example" in s], images + links
            # As typed (the invisible word joiners that keep a URL from becoming a link aside).
            assert f"迁入{markdown_place(host)}" in main.inner_text().replace("\u2060", "")
            assert not page.locator("[data-testid='stMain'] b:has-text('粗')").count()
            # The funds chart's sources: an HTML link in a label is shown as its characters.
            page.goto(f"{url}/funds?tab=按来源")
            wait_until_drawn(page, "funds")
            assert not [
                h
                for h in page.eval_on_selector_all("a", "els => els.map(e => e.href)")
                if "evil.example" in h
            ]
            labels = " ".join(
                page.eval_on_selector_all(".js-plotly-plot .ytick text", "els => els.map(e => e.textContent)")
            )
            assert HTML_SOURCE in labels, labels
        finally:
            context.close()
    assert asked == [], f"the dashboard made the browser fetch {asked} from the ledger's host"


def test_the_data_page_tells_of_an_upload_in_plain_text(open_page, sample_copy: Path) -> None:
    # A file name and a header an upload brings are shown as typed in the page's messages.
    at = open_tab(open_page("app_pages/data.py", store=sample_copy), "上传台账")
    name = "![](http:evil.example:x.png)[点我](http:evil.example).csv"
    text = "[点我](http://evil.example/),:red[b],$x$\n1,2,3\n"
    at.file_uploader[0].set_value((name, text.encode("utf-8"), "text/csv"))
    at.run()
    assert not at.exception
    messages = [e.value for e in at.error] + [c.value for c in at.caption]
    assert any("点我" in m for m in messages)
    assert not [m for m in messages if LIVE_MARKDOWN.search(m)], messages
