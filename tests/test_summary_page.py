"""The dashboard's 摘要 page (app_pages/summary.py) shows the summary image's own fragment, from the same
queries: what is overdue first, then 本周简报, the cards and the ranking; a township sees its own week."""

from __future__ import annotations

PAGE = "app_pages/summary.py"


def _summary(at) -> str:
    return next(h.proto.body for h in at.get("html") if "wk-sum" in h.proto.body)


def test_the_county_summary_leads_with_what_is_overdue(open_page) -> None:
    text = _summary(open_page(PAGE))
    assert text.index("逾期") < text.index("本周简报") < text.index("关键指标") < text.index("乡镇排名")
    assert "第一批搬迁村联合党支部数" in text and "已逾期105天" in text  # 12 of 13, due 2017-06-30
    assert "189户、425人" in text


def test_a_township_sees_its_own_week(open_page) -> None:
    text = _summary(open_page(PAGE, township=["赵家沟乡"]))
    assert "赵家沟乡 · 2017年第41周" in text and "101户、228人" in text and "189户" not in text
