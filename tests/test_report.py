"""The weekly report in real headless Chromium, as `tracker report` makes it: every file, fit to send.

The report itself refuses a page whose DOM shows a dialog, an English or missing
value, a cut table or a widget (tracker/weekly/report_checks.py, tested on broken pages
in test_report_checks.py), so a run that exits 0 has passed that check for every
image; these tests check the files it wrote.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader

from tests.conftest import run_module
from tracker.contract.county import load_county

pytestmark = pytest.mark.browser

COUNTY_PAGES = ["总览", "整村搬迁", "集体经济", "党建", "资金"]
TOWNSHIP_PAGES = ["总览", "整村搬迁"]
A4 = (595.28, 841.89)  # points


@pytest.fixture(scope="module")
def report(sample_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    (out / "2017-W40_县_总览.png").write_bytes(b"last week")  # another week: must survive
    (out / "2017-W41_旧文件.png").write_bytes(b"stale")  # this week's old file: must go
    # The whole report, as the Friday job makes it: the county and every township, desktop and phone.
    done = run_module(
        "--data-dir", sample_store, "report", "--as-of", "2017-10-13", "--out", out, timeout=1500
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    return out


def _manifest(out: Path) -> dict:
    return json.loads((out / "2017-W41_manifest.json").read_text(encoding="utf-8"))


def _pdf_text(out: Path) -> list[str]:
    # Chromium embeds Noto CJK, whose glyphs for 至, 月 … map to the Kangxi radicals; NFKC maps them back.
    return [
        unicodedata.normalize("NFKC", p.extract_text()) for p in PdfReader(out / "2017-W41_县_周报.pdf").pages
    ]


def test_every_expected_file_exists_with_a_name_that_explains_it(report: Path, sample_store: Path) -> None:
    files = _manifest(report)["files"]
    townships = load_county(sample_store).township_names
    assert len(townships) == 13
    desktop = {f"2017-W41_县_{p}.png" for p in COUNTY_PAGES}
    desktop |= {f"2017-W41_{t}_{p}.png" for t in townships for p in TOWNSHIP_PAGES}
    assert {f["file"] for f in files if f["kind"] == "desktop"} == desktop
    assert [f["file"] for f in files if f["kind"] == "summary"] == ["2017-W41_县_周报摘要.png"]
    phones = [f for f in files if f["kind"] == "phone"]
    for scope, pages in [("县", COUNTY_PAGES)] + [(t, TOWNSHIP_PAGES) for t in townships]:
        for page in pages:
            parts = [f for f in phones if f["file"].startswith(f"2017-W41_{scope}_{page}_手机_")]
            total = len(parts)
            assert total >= 1
            assert [f["file"] for f in parts] == [
                f"2017-W41_{scope}_{page}_手机_{n}of{total}.png" for n in range(1, total + 1)
            ]
    on_disk = {p.name for p in report.glob("2017-W41_*.png")}
    assert on_disk == {f["file"] for f in files}
    assert (report / "2017-W41_县_周报.pdf").exists() and (report / "2017-W41_index.html").exists()
    assert not any("数据" in name.split("_")[2] for name in on_disk), "the data page stays out of the report"


def test_rerun_replaced_this_week_only(report: Path) -> None:
    assert (report / "2017-W40_县_总览.png").read_bytes() == b"last week"
    assert not (report / "2017-W41_旧文件.png").exists()


def test_images_have_their_widths_phone_parts_fit_wechat_and_none_is_blank(report: Path) -> None:
    widths = {"desktop": 1600, "phone": 780, "summary": 1080}
    for entry in _manifest(report)["files"]:
        image = Image.open(report / entry["file"])
        assert image.width == widths[entry["kind"]], entry["file"]
        assert image.height == entry["height"], entry["file"]
        if entry["kind"] == "phone":
            assert image.height <= 2400, f"{entry['file']} is {image.height} px tall"
        spread = ImageStat.Stat(image.convert("L")).stddev[0]
        assert spread > 10, f"{entry['file']} looks blank"


def test_a_long_phone_page_is_cut_into_several_parts_that_carry_its_header(report: Path) -> None:
    parts = sorted(
        report.glob("2017-W41_县_整村搬迁_手机_*.png"),
        key=lambda p: int(p.stem.split("_")[-1].split("of")[0]),
    )
    assert len(parts) >= 3
    entry = [e for e in _manifest(report)["files"] if e["file"] == parts[0].name][0]
    assert entry["parts"] == len(parts)
    # Every part after the first starts with the page's header line, as it stands in part 1.
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


def test_each_image_shows_the_figures_its_page_shows(report: Path) -> None:
    files = {f["file"]: f for f in _manifest(report)["files"]}
    county = files["2017-W41_县_总览.png"]["text"]
    assert "189 户" in county and "425 人" in county and "13 个村" in county
    # The page's title and its header line, word for word: county, scope, ISO week, snapshot day.
    assert {"总览", "河曲县 · 全县 · 2017年第41周 · 数据截至 2017年10月13日"} <= set(county.splitlines())
    township = files["2017-W41_赵家沟乡_总览.png"]["text"]
    assert "101 户" in township and "228 人" in township
    assert "河曲县 · 赵家沟乡 · 2017年第41周 · 数据截至 2017年10月13日" in township.splitlines()
    assert "189 户" not in township
    phone = next(f for name, f in files.items() if name.startswith("2017-W41_赵家沟乡_总览_手机_1of"))["text"]
    assert "101 户" in phone
    summary = files["2017-W41_县_周报摘要.png"]["text"]
    assert "本周简报" in summary and "还有18天" in summary and "赵家沟乡0.0%" in summary


def test_report_layout_has_no_sidebar_or_english_defaults(report: Path) -> None:
    for entry in _manifest(report)["files"]:
        text = entry["text"]
        assert "数据截至" in text, entry["file"]
        assert "Deploy" not in text and "Choose options" not in text


def test_the_pdf_is_a4_with_a_text_layer_a_header_line_and_running_page_numbers(report: Path) -> None:
    reader = PdfReader(report / "2017-W41_县_周报.pdf")
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4[0]) < 1 and abs(height - A4[1]) < 1, (width, height)
    pages = _pdf_text(report)
    assert len(pages) >= len(COUNTY_PAGES)
    for number, text in enumerate(pages, start=1):
        assert "河曲县脱贫攻坚周报" in text and "2017年第41周" in text and "数据截至2017年10月13日" in text
        assert re.search(rf"— {number} —", text), f"page {number} has no page number"
    whole = "\n".join(pages)
    # (户 comes out of the font's tables as its variant 戶, so the figure is checked by its people)
    assert "本周简报" in pages[0] and "425人已全部完成搬迁入住" in pages[0]
    starts = [
        next(n for n, t in enumerate(pages) if re.search(rf"^{title}$", t, re.M)) for title in COUNTY_PAGES
    ]
    assert starts == sorted(starts), "the county pages in the order leaders read them"
    assert "导入记录" not in whole and "选择要导入" not in whole  # no data page
    assert "Page not found" not in whole and "None" not in whole


def test_an_unknown_township_is_refused_and_nothing_is_written(sample_store: Path, tmp_path: Path) -> None:
    done = run_module("--data-dir", sample_store, "report", "--township", "火星乡", "--out", tmp_path / "r")
    assert done.returncode == 1
    assert "火星乡" in done.stderr and "Traceback" not in done.stderr
    assert not any((tmp_path / "r").glob("*.png"))


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
