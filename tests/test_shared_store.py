"""Two dashboard processes serve one store, read-only, while an import lands in it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.exports import write_csv
from tracker.weekly.browser import wait_until_drawn
from tracker.weekly.serve import dashboard

pytestmark = pytest.mark.browser


def _week_of_funds(path: Path, rows: int) -> Path:
    # Each allocation its own purpose: rows alike in every column would be refused as entered twice.
    header = ["资金来源", "金额（万元）", "乡镇", "拨付日期", "用途"]
    body = [["财政专项资金", "1.00", "赵家沟乡", "2017-10-18", f"测试拨付{i}"] for i in range(rows)]
    return write_csv(path, [header, *body])


def test_two_dashboards_keep_serving_during_an_import_and_both_see_it(
    sample_store: Path, tmp_path: Path, browser
) -> None:
    store = tmp_path / "shared"
    shutil.copytree(sample_store, store)
    export = _week_of_funds(tmp_path / "资金台账_2017-10-20.csv", 200_000)
    with dashboard(store) as first, dashboard(store) as second:
        context = browser.new_context(viewport={"width": 1400, "height": 1400})
        page = context.new_page()
        importer = subprocess.Popen(
            # --replace-all: the week's funds are this file's alone (it names one township only)
            [
                sys.executable,
                "-m",
                "tracker",
                "--data-dir",
                str(store),
                "import",
                str(export),
                "--replace-all",
            ],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        seen_during = 0
        while importer.poll() is None:
            for base in (first, second):
                page.goto(f"{base}/funds")
                wait_until_drawn(page, "funds")
                assert "Traceback" not in page.inner_text("body")
                seen_during += 1
        assert importer.wait() == 0, importer.communicate()[1].decode()
        assert seen_during >= 1  # the pages were served while the import ran
        time.sleep(0.5)
        for base in (first, second):
            page.goto(f"{base}/funds")
            wait_until_drawn(page, "funds")
            assert "数据截至 2017年10月20日" in page.inner_text(".report-header")
            assert "200,000.00 万元" in page.inner_text("body")
        context.close()
