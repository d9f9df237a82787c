"""The weekly report tells 总览's story: for the sample on 2017-10-13, the summary image and the document
say what the overview says, row by row and word by word.

Each test opens 总览 in AppTest (the page a leader reads) and makes the report's week from the store
as `tracker report` does (tracker.weekly.scope_week.gather over a store reader), then compares what a
reader of each would see: the overdue line first, 本周简报, the cards and their targets (按台账计划
where worked out from the ledgers), the ranking's rows (place, share, households, status, target
mark), the whole 排名表 with the county row, the 督办清单 (as `supervision_for` lists it) and the
红黑榜 (as `red_black_for` ranks it). Where the two disagreed, a test here fails. A few facts are
pinned independently of either side (from docs/sample-facts.md and read-only SQL over the ledgers).
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import open_tab
from tests.test_first_screen import _Rows
from tracker.present import supervision as present
from tracker.store import queries
from tracker.store.reader import Reader
from tracker.store.sql_console import run_read_only
from tracker.weekly import week_document
from tracker.weekly.document import Document, Section
from tracker.weekly.document_html import document_html
from tracker.weekly.scope_week import ScopeWeek, gather
from tracker.weekly.summary_html import summary_fragment

AS_OF = dt.date(2017, 10, 13)
ZJG = "赵家沟乡"
STATUS_WORDS = {"已完成", "按期", "滞后", "逾期", ""}


def _week(store: Path, township: str | None = None, day: dt.date = AS_OF) -> ScopeWeek:
    """The scope's week as `tracker report` gathers it: named queries on a store reader's cursor."""
    cursor = Reader(store).cursor()
    return gather(lambda name, **p: queries.run(cursor, name, **p), "河曲县", day, township)


def _bodies(at) -> list[str]:
    return [h.proto.body for h in at.get("html")]


def _text(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment)


def _rank_rows(fragment: str) -> list[tuple]:
    """What a reader sees of each ranking row: place, share, households, status word, and the colour
    (data-status), the bar's length and the target mark's place and label."""
    table = fragment[fragment.index('class="rank-table"') :]
    parser = _Rows()
    parser.feed(table[: table.index("</table>")])
    return [
        (
            *r["cells"][:4],
            r["cells"][4],
            r["attrs"]["data-status"],
            r["attrs"].get("class", ""),
            r["fill"],
            r["mark"],
            r["mark_title"],
        )
        for r in parser.rows
    ]


class _Cards(HTMLParser):
    """Each card of a fragment by its label: every text it shows, in order, and its data-status."""

    def __init__(self, outer: str) -> None:
        super().__init__()
        self.outer = outer
        self.cards: dict[str, tuple[str, list[str]]] = {}
        self._depth = 0
        self._status = ""
        self._texts: list[str] | None = None  # the open card's texts

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "div" and found.get("class") == self.outer:
            self._status, self._texts, self._depth = found.get("data-status") or "", [], 0
        if self._texts is not None and tag == "div":
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._texts is not None and tag == "div":
            self._depth -= 1
            if self._depth == 0:
                self.cards[self._texts[0]] = (self._status, self._texts[1:])
                self._texts = None

    def handle_data(self, data: str) -> None:
        if self._texts is not None and data.strip():
            self._texts.append(data.strip())


def _cards(fragment: str, outer: str) -> dict[str, tuple[str, list[str]]]:
    parser = _Cards(outer)
    parser.feed(fragment)
    return parser.cards


def _briefing(fragment: str) -> str:
    return _text(fragment.split('class="briefing">', 1)[1].split("</", 1)[0])


def _section(doc: Document, title: str) -> Section:
    return next(s for s in doc.sections if s.title == title or s.title.endswith(title))


# --------------------------------------------------------------------------- overdue first, 本周简报


@pytest.mark.parametrize("township", [None, ZJG])
def test_the_reports_briefing_is_the_overviews(open_page, sample_store: Path, township: str | None) -> None:
    at = open_page(township=[township] if township else [])
    overview = _briefing(next(b for b in _bodies(at) if 'class="briefing"' in b))
    week = _week(sample_store, township)
    assert week.briefing == overview
    # It carries the villages behind their own 倒排工期 with their 包保领导 (the assessed 包保 items).
    assert "对照倒排工期" in week.briefing and "包保领导：" in week.briefing
    assert _briefing(summary_fragment(week)) == overview
    assert week_document.weekly_document(week).sections[0].paragraphs == [overview]


def test_the_overdue_line_leads_the_summary_and_the_document_as_the_overview(
    open_page, sample_store: Path
) -> None:
    at = open_page()
    banner = next(b for b in _bodies(at) if 'class="deadlines"' in b)
    week = _week(sample_store)
    summary = summary_fragment(week)
    assert banner in summary, "the summary draws 总览's banner as it is"
    # Straight under the title: the first thing after 数据截至 is the overdue line.
    after_title = _text(summary.split("数据截至2017年10月13日", 1)[1])
    assert after_title.startswith("逾期 第一批搬迁村联合党支部数 12 个，目标 13 个，完成时限 2017年6月30日")
    doc = week_document.weekly_document(week)
    # The document opens with the same banner, over section 一, in the same words.
    page = _text(document_html(doc))
    first = "【逾期】第一批搬迁村联合党支部数 12 个，目标 13 个，完成时限 2017年6月30日，已逾期 105 天"
    assert page.index("数据截至2017年10月13日）") < page.index(first) < page.index("一、本周简报")
    assert [a.text for a in doc.alerts] == re.findall(r'<span class="what">(.*?)</span>', banner)
    late = _section(doc, "逾期和滞后事项").tables[0].frame
    assert late.iloc[0].tolist()[0] == "第一批搬迁村联合党支部数" and late.iloc[0]["状态"] == "逾期"
    assert late.iloc[0]["剩余时间"] == f"逾期{(AS_OF - dt.date(2017, 6, 30)).days}天"
    # Then what 总览's warning line names, in its order.
    warning = next(w.value for w in at.warning if "难以按期完成" in w.value)
    assert late["事项"].tolist()[1:] == warning.split("：", 1)[1].split("、")
    assert _text(summary).count(warning) == 1


# --------------------------------------------------------------------------- the cards


@pytest.mark.parametrize("township", [None, ZJG, "沙泉乡"])
def test_the_summary_cards_say_what_the_overviews_cards_say(
    open_page, sample_store: Path, township: str | None
) -> None:
    at = open_page(township=[township] if township else [])
    overview = _cards("\n".join(b for b in _bodies(at) if "kpi-grid" in b), "kpi")
    summary = _cards(summary_fragment(_week(sample_store, township)), "card")
    assert summary, "the summary has key cards"
    for label, (status, texts) in summary.items():
        assert label in overview, (label, list(overview))
        page_status, page_texts = overview[label]
        assert status == page_status, label
        # Value, target (with 按台账计划 where worked out from the ledgers), status word, change,
        # deadline: the same words in the same order.
        assert [t for t in texts if t != "无目标"] == page_texts, label
    if township == ZJG:
        derived = [label for label, (_, texts) in summary.items() if "按台账计划" in texts]
        assert "第二批搬迁入住户数" in derived and "第二批搬迁入住人数" in derived
        assert "目标 48 户 · 完成 0.0%" in summary["第二批搬迁入住户数"][1]


# --------------------------------------------------------------------------- the ranking


def test_the_summary_ranks_the_townships_as_the_overview_does(open_page, sample_store: Path) -> None:
    at = open_page()
    overview = _rank_rows(next(b for b in _bodies(at) if 'class="rank-table"' in b))
    page = _rank_rows(next(b for b in _bodies(open_page("app_pages/summary.py")) if "wk-sum" in b))
    summary = summary_fragment(_week(sample_store))
    image = _rank_rows(summary)
    assert image == overview and page == overview
    assert len(overview) == 11 and overview[-1][0] == "全县"  # 10 townships with 第二批 households
    head = next(b for b in _bodies(at) if "rank-measure" in b)
    for note in re.findall(r'<div class="rank-note">(.*?)</div>', head):
        assert note in summary, note
    assert "乡镇排名 · 第二批入住比例" in _text(summary)
    # The status legend is 总览's, with no colour of a rule of its own.
    legend = re.search(r'<div class="status-legend">.*?</div>', head)
    assert legend is not None and legend.group(0) in summary
    assert "低于全县" not in _text(summary).replace("低于全县平均", "") and "有风险" not in summary


def test_the_summarys_lowest_township_and_share_are_the_briefings(sample_store: Path) -> None:
    week = _week(sample_store)
    summary = summary_fragment(week)
    rows = [r for r in _rank_rows(summary) if r[6] != "total"]
    assert (rows[-1][0], rows[-1][2]) == (ZJG, "0.0%")
    # From the ledger: 赵家沟乡 has 48 second-batch households and none moved in yet.
    planned, moved = run_read_only(
        sample_store,
        "SELECT count(*), count(*) FILTER (WHERE moved_on <= DATE '2017-10-13') FROM households "
        "WHERE as_of = DATE '2017-10-13' AND relocation_batch = 2 AND township = '赵家沟乡'",
    )[1][0]
    assert rows[-1][3] == f"{moved}/{planned} 户" == "0/48 户"
    named = _briefing(summary).split("第二批入住进度低于全县平均")[1].split("的乡镇：")[1]
    assert named.split("、")[0] == f"{ZJG}0.0%"


def test_the_documents_township_table_is_the_overviews_ranking_table(open_page, sample_store: Path) -> None:
    at = open_tab(open_page(), "排名表")
    shown = next(d.value for d in at.dataframe if "乡镇" in getattr(d.value, "data", d.value).columns)
    page = getattr(shown, "data", shown)
    table = _section(week_document.weekly_document(_week(sample_store)), "各乡镇进度").tables[0]
    doc = table.frame
    group = "整村搬迁（第二批）"
    assert doc[("", "乡镇")].tolist() == page["乡镇"].tolist()
    assert doc[(group, "状态")].tolist() == page["状态"].fillna("").tolist()
    assert doc[(group, "户数")].tolist() == page["搬迁户"].tolist()
    assert doc[(group, "已入住")].tolist() == page["已入住户"].tolist()
    moved = pd.Series(doc[(group, "入住比例")], dtype=float).round(1)
    assert moved.tolist() == pytest.approx(
        page["第二批入住比例（%）"].astype(float).round(1).tolist(), nan_ok=True
    )
    assert set(doc[(group, "状态")]) <= STATUS_WORDS
    assert doc[("", "乡镇")].iloc[-1] == "全县" and list(table.emphasis) == [len(doc) - 1]
    assert doc[(group, "户数")].iloc[-1] == 455  # docs/sample-facts.md 20


def test_a_townships_report_compares_its_row_with_the_countys(open_page, sample_store: Path) -> None:
    county = [r for r in _rank_rows(summary_fragment(_week(sample_store))) if r[0] in (ZJG, "全县")]
    own = _rank_rows(summary_fragment(_week(sample_store, ZJG)))
    assert own == county  # its row as the county's ranking draws it, then the county's row
    page = _rank_rows(next(b for b in _bodies(open_page(township=[ZJG])) if 'class="rank-table"' in b))
    assert own[:1] == page  # 总览 of the township draws its one row (no total of one row)


# --------------------------------------------------------------------------- 督办清单 and 红黑榜


def _document_list(doc: Document, appendix: bool = False) -> list[tuple]:
    section = next(s for s in doc.sections if s.title == "督办清单" and s.appendix == appendix)
    rows = []
    for table in section.tables:
        frame = table.frame.rename(columns=lambda c: str(c).replace("\n", ""))
        name = "村名" if "村名" in frame else "党组织"
        for _, r in frame.iterrows():
            rows.append(
                (r["状态"], r["乡镇"], r[name], r["当前进度"], r["应达进度（计划日期）"], r["滞后天数"],
                 r["停滞周数"], r["包保领导"], r["牵头部门"], r.get("批次", "—"))
            )  # fmt: skip
    return rows


def _listed(reader: Reader, townships: list[str]) -> list[tuple]:
    """supervision_for's rows in the document's order: its villages, then its organisations."""
    frame = present.supervision_for(reader, AS_OF, townships)
    orgs = frame["类别"] == "软弱涣散党组织"
    rows = []
    for part in (frame[~orgs], frame[orgs]):
        for _, r in part.iterrows():
            batch = r["类别"].split("（")[1].rstrip("）") if "（" in r["类别"] else "—"
            rows.append(
                (r["状态"], r["乡镇"], r["村（党组织）"], r["当前进度"], r["应达进度"], r["滞后天数"],
                 r["停滞周数"], r["包保领导"], r["牵头部门"], batch)
            )  # fmt: skip
    return rows


@pytest.mark.parametrize("township", [None, ZJG])
def test_the_documents_supervision_list_is_supervision_for(sample_store: Path, township: str | None) -> None:
    townships = [township] if township else []
    listed = _listed(Reader(sample_store), townships)
    assert len(listed) == (10 if township is None else 4)  # the sample's items behind plan that day
    doc = week_document.weekly_document(_week(sample_store, township))
    assert _document_list(doc) == listed
    if township:
        assert {row[1] for row in listed} == {township}  # a township's document lists its own items


def test_a_long_supervision_list_goes_to_the_appendix(sample_store: Path, monkeypatch) -> None:
    monkeypatch.setattr(week_document, "LONG_LIST_ROWS", 5)
    doc = week_document.weekly_document(_week(sample_store))
    body = next(s for s in doc.sections if s.title == "督办清单" and not s.appendix)
    assert not body.tables and "全部10项见附表1" in body.paragraphs[-1]
    appendix = doc.appendix[0]
    assert appendix.heading == "附表1　督办清单"
    assert _document_list(doc, appendix=True) == _listed(Reader(sample_store), [])
    assert "督办清单（10项）见附表1" in _section(doc, "有关名单").paragraphs[0]


def _board_rows(fragment: str) -> list[list[str]]:
    table = fragment[fragment.index('<table class="board"') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    return [
        [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in body.split("</tr>")
        if row.strip()
    ]


@pytest.mark.parametrize("township", [None, ZJG])
def test_the_red_black_board_is_red_black_for(sample_store: Path, township: str | None) -> None:
    townships = [township] if township else []
    board = present.red_black_for(Reader(sample_store), AS_OF, townships)
    assert len(board) == (10 if township is None else 1)
    week = _week(sample_store, township)
    shown = _board_rows(summary_fragment(week))
    expected = [
        [str(r["名次"]), r["乡镇"], r["较上周"], f"{r['按期推进']}/{r['搬迁村']}村", f"{r['平均滞后天数']:.1f}天", r["榜单"] or ""]
        for _, r in board.iterrows()
    ]  # fmt: skip
    assert shown == expected
    assert any(c.startswith(("↑", "↓")) for row in shown for c in row) or township
    doc = week_document.weekly_document(week)
    table = _section(doc, "红黑榜").tables[0].frame.rename(columns=lambda c: str(c).replace("\n", ""))
    assert (
        table[["名次", "较上周", "乡镇", "榜单"]].values.tolist()
        == board[["名次", "较上周", "乡镇", "榜单"]].values.tolist()
    )


# --------------------------------------------------------------------------- one vocabulary


@pytest.mark.parametrize("township", [None, ZJG])
def test_every_status_in_the_document_is_a_status_rule_word(sample_store: Path, township: str | None) -> None:
    doc = week_document.weekly_document(_week(sample_store, township))
    columns = 0
    for section in doc.sections:
        for table in section.tables:
            for column in table.frame.columns:
                name = column[1] if isinstance(column, tuple) else str(column)
                if name.startswith("状态"):
                    columns += 1
                    assert set(table.frame[column].fillna("")) <= STATUS_WORDS, (section.title, column)
    assert columns >= 4  # what is late, the key figures, the townships, the 督办清单
    assert "按期" in _section(doc, "主要指标完成情况").tables[0].note
