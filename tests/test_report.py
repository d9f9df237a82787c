"""The weekly report in real headless Chromium, as `tracker report` makes it on a Friday: per scope (the
county and each of the 13 townships) one summary image and one document (PDF and .docx), nothing else;
and with --pages the dashboard's pages as images too.

The figures checked here come from the news report behind the sample (docs/sample-facts.md: 13
first-batch villages, 189 households, 425 people; 赵家沟乡's 101 households and 228 people; the second
batch due 2017-10-31) and from the issue that asked for this report (102 villages at zero income, 101
first secretaries), not from the code that made the report.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader

from tests.conftest import run_module
from tracker.contract.county import load_county

pytestmark = pytest.mark.browser

A4 = (595.28, 841.89)  # points
COUNTY_PAGES = ["总览", "整村搬迁", "集体经济", "党建", "资金"]
TOWNSHIP_PAGES = ["总览", "整村搬迁"]
RADICALS = re.compile("[\u2f00-\u2fdf]")
HEADINGS = ["一、本周简报", "二、逾期和滞后事项", "三、主要指标完成情况", "四、各乡镇进度"]


@pytest.fixture(scope="module")
def report(sample_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    (out / "2017-W40_县_周报.pdf").write_bytes(b"last week")  # another week: must survive
    (out / "2017-W41_旧文件.png").write_bytes(b"stale")  # this week's old file: must go
    done = run_module(
        "--data-dir", sample_store, "report", "--as-of", "2017-10-13", "--out", out, timeout=900
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    return out


def _manifest(out: Path) -> dict:
    return json.loads((out / "2017-W41_manifest.json").read_text(encoding="utf-8"))


def _pdf(out: Path, scope: str = "县") -> list[str]:
    # As a recipient's viewer extracts it: no normalisation of any kind.
    return [page.extract_text() for page in PdfReader(out / f"2017-W41_{scope}_周报.pdf").pages]


def test_each_scope_has_one_summary_one_pdf_and_one_docx_and_nothing_else(
    report: Path, sample_store: Path
) -> None:
    townships = load_county(sample_store).township_names
    assert len(townships) == 13
    expected = {
        f"2017-W41_{scope}_{kind}"
        for scope in ["县", *townships]
        for kind in ("周报摘要.png", "周报.pdf", "周报.docx")
    }
    on_disk = {p.name for p in report.glob("2017-W41_*")}
    assert on_disk == expected | {"2017-W41_manifest.json", "2017-W41_index.html"}
    assert (report / "2017-W40_县_周报.pdf").read_bytes() == b"last week", "another week's files stay"
    scopes = _manifest(report)["scopes"]
    assert [s["scope"] for s in scopes] == ["全县", *townships]


def test_summary_images_are_1080_wide_under_2_mb_and_lead_with_what_is_overdue(report: Path) -> None:
    files = {f["file"]: f for f in _manifest(report)["files"] if f["kind"] == "summary"}
    assert len(files) == 14
    for name, entry in files.items():
        path = report / name
        image = Image.open(path)
        assert image.width == 1080 and image.height == entry["height"], name
        assert path.stat().st_size <= 2 * 1024 * 1024, name
        assert ImageStat.Stat(image.convert("L")).stddev[0] > 10, f"{name} looks blank"
    county = files["2017-W41_县_周报摘要.png"]["text"]
    # What is overdue comes first: the 12-of-13 joint party branches due 2017-06-30.
    assert (
        county.index("逾期") < county.index("本周简报") < county.index("关键指标") < county.index("乡镇排名")
    )
    assert "联合党支部" in county[: county.index("本周简报")] and "2017年6月30日" in county
    assert "还有18天" in county and "赵家沟乡0.0%" in county
    ranking = county[county.index("乡镇排名") :]
    assert "第二批入住比例" in ranking and ranking.index("沙泉乡") < ranking.index("赵家沟乡")
    # 总览's status words on the bars, the county row, and the 红黑榜 with its rank changes.
    assert "滞后" in ranking and "已完成" in ranking and "233/455 户" in ranking
    board = county[county.index("第二批红黑榜") :]
    assert "红榜" in board and "黑榜" in board and ("↑" in board or "↓" in board)
    township = files["2017-W41_赵家沟乡_周报摘要.png"]["text"]
    assert "赵家沟乡" in township and "101户、228人" in township and "189户" not in township


def test_summary_text_is_at_least_28_image_pixels(report: Path, sample_store: Path, browser) -> None:
    """The summary as drawn at device scale 2: no text smaller than 14 CSS px, so 28 px in the image."""
    import datetime as dt

    from tracker.store import queries
    from tracker.store.reader import Reader
    from tracker.weekly.scope_week import gather
    from tracker.weekly.summary_html import summary_page

    cursor = Reader(sample_store).cursor()
    week = gather(lambda name, **p: queries.run(cursor, name, **p), "河曲县", dt.date(2017, 10, 13))
    context = browser.new_context(viewport={"width": 540, "height": 900}, device_scale_factor=2)
    try:
        tab = context.new_page()
        tab.set_content(summary_page(week))
        sizes = tab.evaluate(
            """() => { const out = []; const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              while (w.nextNode()) { if (w.currentNode.textContent.trim())
                out.push(parseFloat(getComputedStyle(w.currentNode.parentElement).fontSize) * devicePixelRatio); }
              return out; }"""
        )
    finally:
        context.close()
    assert sizes and min(sizes) >= 28, min(sizes)


def test_the_pdf_text_can_be_searched_as_it_is(report: Path) -> None:
    for scope in ("县", "赵家沟乡"):
        whole = "\n".join(_pdf(report, scope))
        assert "第一批" in whole and "入住" in whole and "数据截至" in whole, scope
        assert not RADICALS.search(whole), f"{scope}: Kangxi radicals {set(RADICALS.findall(whole))}"
    county = "\n".join(_pdf(report))
    # The facts are in the text as it is; a paragraph's lines break wherever the page does, so the
    # sentence is found as a viewer's search finds it, across line ends.
    assert "189户、425人已全部完成搬迁入住" in county.replace("\n", "")
    assert "第一批13个村、189户" in county.replace("\n", "")


def test_the_pdf_says_what_is_overdue_first_and_lists_who_answers_for_what(report: Path) -> None:
    whole = "\n".join(_pdf(report))
    # 总览's banner opens the document: under the title and its line, before 一、本周简报.
    first = _pdf(report)[0]
    opening = first[first.index("河曲县脱贫攻坚周报\n") : first.index("一、本周简报")].replace("\n", "")
    assert opening.endswith(
        "【逾期】第一批搬迁村联合党支部数 12 个，目标 13 个，完成时限2017年6月30日，已逾期 105 天"
    )
    late = whole[whole.index("二、逾期和滞后事项") :]
    # The first row of what is late is the overdue joint-branch target (12 of 13, due 2017-06-30).
    rows = late[late.index("剩余时间") :].splitlines()[1:]
    assert rows[0].startswith("第一批搬迁村联合党支部数 12 个 13 个 6月30日 逾期105天 逾期")
    listed = whole[whole.index("五、督办清单") : whole.index("六、第二批红黑榜")].replace("\n", "")
    assert "（一）整村搬迁村（5项）" in listed and "（二）软弱涣散党组织（5项）" in listed
    for place, name in [("赵家沟乡", "大杏沟村"), ("楼子营镇", "大枣寨村党支部"), ("鹿固乡", "前寺堡村")]:
        assert f"{place} {name}" in listed or f"{place}{name}" in listed, name
    assert "胡宇婷" in listed and "县民政局" in listed  # the 包保领导 and 牵头部门 of the furthest behind
    board = whole[whole.index("六、第二批红黑榜") : whole.index("七、有关名单")]
    assert "红榜" in board and "黑榜" in board and "↑8" in board


def test_the_pdf_is_an_a4_gongwen_weekly_report_with_page_numbers(report: Path) -> None:
    reader = PdfReader(report / "2017-W41_县_周报.pdf")
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - A4[0]) < 1 and abs(float(page.mediabox.height) - A4[1]) < 1
    pages = _pdf(report)
    for number, text in enumerate(pages, start=1):
        assert f"— {number} —" in text, f"page {number} has no page number"
        assert "河曲县脱贫攻坚周报" in text and "数据截至2017年10月13日" in text
    whole = "\n".join(pages)
    assert whole.index("河曲县脱贫攻坚周报") < whole.index("一、本周简报")
    positions = [whole.index(h) for h in HEADINGS]
    assert positions == sorted(positions), "title, 本周简报, what is late, key figures, townships"
    # Headers, place names and figures are never broken inside a word.
    for word in [
        "村数",
        "已完成",
        "已入住",
        "入住比例",
        "行政村",
        "已破零",
        "破零率",
        "已整顿",
        "完成时限",
        "软弱涣散党组织",
    ]:
        assert word in whole, word
    for township in ["赵家沟乡", "楼子营镇", "刘家塔镇", "巡镇镇", "沙泉乡"]:
        assert re.search(rf"^{township} ", whole, re.M), f"{township} broken or missing in the township table"


def test_long_lists_are_only_in_the_appendix_and_no_heading_ends_a_page(report: Path) -> None:
    pages = _pdf(report)
    first_appendix = next(
        n for n, text in enumerate(pages) if "附表1" in text and "集体经济收入为零的行政村" in text
    )
    body = "\n".join(pages[:first_appendix])
    appendix = "\n".join(pages[first_appendix:])
    assert "收入为零" not in body.replace("集体经济收入为零或未填报的行政村102个", "")
    assert appendix.count("收入为零") + appendix.count("未填报") >= 102
    assert "附表2" in appendix and "第一书记" in appendix
    headings = {*HEADINGS, "五、督办清单", "六、第二批红黑榜", "七、有关名单"}
    for number, text in enumerate(pages[:-1], start=1):
        lines = [
            line.strip()
            for line in text.splitlines()
            if line.strip() and not re.fullmatch(r"— \d+ —", line.strip())
        ]
        assert lines[-1] not in headings, f"heading {lines[-1]} alone at the foot of page {number}"


def test_the_word_document_says_the_same_in_the_same_layout(report: Path) -> None:
    doc = open_docx(str(report / "2017-W41_县_周报.docx"))
    section = doc.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "河曲县脱贫攻坚周报" and "数据截至2017年10月13日" in texts[1]
    assert texts[2].startswith("【逾期】第一批搬迁村联合党支部数 12 个，目标 13 个")  # 总览's banner first
    headings = [p for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert [p.text for p in headings][:4] == HEADINGS
    assert all(p.style is not None and p.style.paragraph_format.keep_with_next for p in headings), (
        "a heading stays with what follows"
    )
    assert any("189户、425人已全部完成搬迁入住" in t for t in texts)
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "— " in section.footer.paragraphs[0].text
    zero, secretaries = doc.tables[-2], doc.tables[-1]
    assert len(zero.rows) - 1 == 102
    named = [
        r.cells[2].text
        for r in secretaries.rows[1:]
        if r.cells[2].text not in ("未选派", "已并入联合党支部或迁入村，不单设")
    ]
    assert len(named) == 101
    for table in doc.tables:
        header = table.rows[0]
        assert header._tr.trPr is not None and header._tr.trPr.find(qn("w:tblHeader")) is not None, (
            "the header repeats on every page"
        )
        for cell in header.cells:
            assert cell._tc.tcPr is not None and cell._tc.tcPr.find(qn("w:noWrap")) is not None, (
                f"header {cell.text} may wrap"
            )
    townships = doc.tables[2]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in townships.rows[2:]}
    # The county row last, as on 总览's 排名表: status, then the second batch's households planned, moved in.
    assert list(rows)[-1] == "全县" and rows["全县"][1] == "滞后" and rows["全县"][4:6] == ["455", "233"]
    assert rows["赵家沟乡"][1] == "滞后" and rows["沙泉乡"][1] == "已完成"
    late = doc.tables[0]
    assert late.rows[1].cells[0].text == "第一批搬迁村联合党支部数" and late.rows[1].cells[-1].text == "逾期"


def test_an_unknown_township_is_refused_and_nothing_is_written(sample_store: Path, tmp_path: Path) -> None:
    done = run_module("--data-dir", sample_store, "report", "--township", "火星乡", "--out", tmp_path / "r")
    assert done.returncode == 1
    assert "火星乡" in done.stderr and "Traceback" not in done.stderr
    assert not any((tmp_path / "r").glob("*.p*"))


def test_without_chromium_the_report_says_so_in_chinese_and_exits_2(
    sample_store: Path, tmp_path: Path
) -> None:
    done = run_module(
        "--data-dir", sample_store, "report", "--out", tmp_path / "r",
        env={"TRACKER_CHROMIUM": str(tmp_path / "no-such-chromium")},
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "找不到 Chromium" in done.stderr and "Traceback" not in done.stderr
    assert not any((tmp_path / "r").glob("*"))


# --- --pages: the dashboard's pages as images, as before ---------------------------------------------


@pytest.fixture(scope="module")
def pages(sample_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pages")
    done = run_module(
        "--data-dir", sample_store, "report", "--as-of", "2017-10-13", "--township", "赵家沟乡", "--pages",
        "--out", out, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def test_pages_adds_every_page_at_desktop_and_phone_width(pages: Path) -> None:
    files = _manifest(pages)["files"]
    desktop = {f"2017-W41_县_{p}.png" for p in COUNTY_PAGES} | {
        f"2017-W41_赵家沟乡_{p}.png" for p in TOWNSHIP_PAGES
    }
    assert {f["file"] for f in files if f["kind"] == "desktop"} == desktop
    for scope, names in [("县", COUNTY_PAGES), ("赵家沟乡", TOWNSHIP_PAGES)]:
        for page in names:
            parts = [
                f
                for f in files
                if f["kind"] == "phone" and f["file"].startswith(f"2017-W41_{scope}_{page}_手机_")
            ]
            assert parts and [f["file"] for f in parts] == [
                f"2017-W41_{scope}_{page}_手机_{n}of{len(parts)}.png" for n in range(1, len(parts) + 1)
            ]
    widths = {"desktop": 1600, "phone": 780, "summary": 1080}
    for entry in files:
        if entry["kind"] in widths:
            image = Image.open(pages / entry["file"])
            assert image.width == widths[entry["kind"]] and image.height == entry["height"], entry["file"]
            if entry["kind"] == "phone":
                assert image.height <= 2400
    assert (pages / "2017-W41_县_周报.pdf").exists() and (pages / "2017-W41_赵家沟乡_周报.docx").exists()
    county = next(f for f in files if f["file"] == "2017-W41_县_总览.png")["text"]
    assert "189 户" in county and "425 人" in county and "13 个村" in county
    assert {"总览", "河曲县 · 全县 · 2017年第41周 · 数据截至 2017年10月13日"} <= set(county.splitlines())
    assert all("Deploy" not in f.get("text", "") for f in files)


def test_a_long_phone_page_is_cut_into_parts_that_carry_its_header(pages: Path) -> None:
    parts = sorted(
        pages.glob("2017-W41_县_整村搬迁_手机_*.png"), key=lambda p: int(p.stem.split("_")[-1].split("of")[0])
    )
    assert len(parts) >= 3
    first = Image.open(parts[0]).convert("L")
    for later in parts[1:3]:
        top = Image.open(later).convert("L").crop((0, 0, first.width, 60))
        assert ImageStat.Stat(top).stddev[0] > 20, f"{later.name} starts blank"
        same = [
            y
            for y in range(0, 600)
            if ImageChops.difference(top, first.crop((0, y, first.width, y + 60))).getbbox() is None
        ]
        assert same, f"{later.name} does not start with the header line of part 1"
