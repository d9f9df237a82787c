"""The load test's protocol client really drives the dashboard: what it sees is what the page shows.

bench/load.py measures the server through bench/stream_client.py (Streamlit's websocket protocol,
no browser). These tests prove that client opens the page and view it asks for, that a filter
change it sends as a widget state reaches the script, and that it holds large elements the way
the frontend does (the server then sends a reference, not the element again).
"""

from __future__ import annotations

import re

from bench.stream_client import Run, StreamSession, run_in_thread


def ranking_places(run: Run) -> set[str]:
    """Every township (or county) the run's ranking table lists as a row to click."""
    return set(re.findall(r'<tr [^>]*data-place="([^"]+)"', run.text("html")))


def test_overview_for_one_township_then_the_whole_county(served: str) -> None:
    async def visit() -> tuple[Run, Run]:
        session = StreamSession(served, timeout=120)
        try:
            township = await session.open("", {"township": ["赵家沟乡"]})  # /?township=赵家沟乡
            county = await session.choose("township", [])  # the sidebar filter cleared
            return township, county
        finally:
            await session.close()

    township, county = run_in_thread(visit())
    assert not township.exceptions and not township.page_not_found
    assert "河曲县 · 赵家沟乡" in township.text("html")
    assert "101 户" in township.text("html")  # 赵家沟乡's first-batch households (county: 189)
    assert ranking_places(township) == {"赵家沟乡"}  # the ranking holds the township alone

    assert not county.exceptions
    assert "河曲县 · 全县" in county.text("html") and "189 户" in county.text("html")
    assert {"赵家沟乡", "巡镇镇", "沙坪乡"} <= ranking_places(county)


def test_pages_by_their_hash_a_batch_filter_and_elements_sent_once(served: str) -> None:
    async def visit() -> list[Run]:
        session = StreamSession(served, timeout=120)
        try:
            runs = [await session.open("")]
            runs.append(await session.open("relocation"))  # by page_script_hash, as the sidebar does
            runs.append(await session.choose("tab", "明细"))  # the tables' tab
            runs.append(await session.open("relocation"))  # the same view again
            runs.append(await session.choose("batch", "第一批"))
            return runs
        finally:
            await session.close()

    overview, relocation, detail, again, batch = run_in_thread(visit())
    assert "总览" in overview.text("heading")
    assert "整村搬迁" in relocation.text("heading") and not relocation.page_not_found
    assert relocation.figure_bytes() and not relocation.exceptions
    # The unchanged view: its large elements (the village table) come as references to what the
    # client holds, as they do to a browser.
    assert "搬迁村明细" in again.text("heading")
    assert again.references > 0 and again.bytes < detail.bytes
    assert "第一批" in batch.text("html") and "第二批" not in batch.text("html").split("数据截至")[0]


def test_a_tab_chosen_over_the_protocol_runs_that_section_alone(served: str) -> None:
    async def visit() -> tuple[StreamSession, Run, Run]:
        session = StreamSession(served, timeout=120)
        try:
            first = await session.open("relocation", {"township": ["赵家沟乡"]})
            detail = await session.choose("tab", "明细")  # a click on the 明细 tab
            return session, first, detail
        finally:
            await session.close()

    session, first, detail = run_in_thread(visit())
    assert session.widgets["tab"].options == ["进度", "安置方式", "拆除复垦", "资金", "明细", "督办清单"]
    assert len(first.figure_bytes()) == 3 and "搬迁进度" in first.text("heading")
    assert not detail.exceptions and not detail.figure_bytes()
    assert "搬迁村明细" in detail.text("heading") and "搬迁进度" not in detail.text("heading")
    assert "河曲县 · 赵家沟乡" in detail.text("html")  # the filter holds in the tab
