"""The weekly report in real headless Chromium: every file, the right size, not blank, the right figures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image, ImageStat, PdfParser

from tests.conftest import run_module

pytestmark = pytest.mark.browser

COUNTY_PAGES = ["总览", "整村搬迁", "集体经济", "党建", "资金", "数据"]


@pytest.fixture(scope="module")
def report(sample_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    (out / "2017-W40_县_总览.png").write_bytes(b"last week")  # another week: must survive
    (out / "2017-W41_旧文件.png").write_bytes(b"stale")  # this week's old file: must go
    done = run_module(
        "--data-dir", sample_store, "report", "--as-of", "2017-10-13", "--township", "赵家沟乡", "--out", out,
        timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def _manifest(out: Path) -> dict:
    return json.loads((out / "2017-W41_manifest.json").read_text(encoding="utf-8"))


def test_every_expected_file_exists_with_a_name_that_explains_it(report: Path) -> None:
    expected = {f"2017-W41_县_{p}.png" for p in COUNTY_PAGES}
    expected |= {f"2017-W41_县_{p}_手机.png" for p in COUNTY_PAGES}
    expected |= {f"2017-W41_赵家沟乡_{p}{s}.png" for p in ("总览", "整村搬迁") for s in ("", "_手机")}
    pngs = {p.name for p in report.glob("2017-W41_*.png")}
    assert pngs == expected
    assert (report / "2017-W41_县_周报.pdf").exists()
    listed = {f["file"] for f in _manifest(report)["files"]}
    assert listed == expected


def test_rerun_replaced_this_week_only(report: Path) -> None:
    assert (report / "2017-W40_县_总览.png").read_bytes() == b"last week"
    assert not (report / "2017-W41_旧文件.png").exists()


def test_images_are_the_set_width_tall_enough_and_not_blank(report: Path) -> None:
    for entry in _manifest(report)["files"]:
        image = Image.open(report / entry["file"])
        assert image.width == entry["width"] * entry["scale"], entry["file"]
        assert image.height >= 700 * entry["scale"], entry["file"]
        assert image.height == entry["height"]
        spread = ImageStat.Stat(image.convert("L")).stddev[0]
        assert spread > 10, f"{entry['file']} looks blank"


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
    phone = files["2017-W41_赵家沟乡_总览_手机.png"]["text"]
    assert "101 户" in phone


def test_report_layout_has_no_sidebar_or_english_defaults(report: Path) -> None:
    for entry in _manifest(report)["files"]:
        text = entry["text"]
        assert "数据截至" in text, entry["file"]
        assert "Deploy" not in text and "Choose options" not in text


def test_pdf_has_one_page_per_county_page_in_order(report: Path) -> None:
    data = (report / "2017-W41_县_周报.pdf").read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == len(COUNTY_PAGES)
    title = PdfParser.PdfParser(str(report / "2017-W41_县_周报.pdf")).info.Title
    assert title == "河曲县2017年第41周周报（数据截至2017年10月13日）"


def test_an_unknown_township_is_refused_and_nothing_is_written(sample_store: Path, tmp_path: Path) -> None:
    done = run_module("--data-dir", sample_store, "report", "--township", "火星乡", "--out", tmp_path / "r")
    assert done.returncode == 1
    assert "火星乡" in done.stderr and "Traceback" not in done.stderr
    assert not any((tmp_path / "r").glob("*.png"))
