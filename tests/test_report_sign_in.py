"""With sign-in configured, `tracker report` still makes the week, and its dashboard lets no one else in.

The report starts a dashboard of its own; its browser proves itself with a random token sent as a
request header. A county that protects its data with sign-in must not lose its weekly report, and
the report's server must not become a way around sign-in.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_module
from tracker import access
from tracker.weekly.browser import wait_until_drawn
from tracker.weekly.serve import dashboard

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture
def protected_store(sample_copy: Path) -> Path:
    """The sample store with a users file: every page asks for a sign-in."""
    access.add_user(access.users_path(sample_copy), "leader", "县长", "county", [], PASSWORD)
    assert access.sign_in_required(sample_copy)
    return sample_copy


def test_the_report_is_made_when_sign_in_is_configured(protected_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    done = run_module(
        "--data-dir", protected_store, "report", "--as-of", "2017-10-13", "--township", "赵家沟乡",
        "--pages", "--no-phone", "--out", out, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    manifest = json.loads((out / "2017-W41_manifest.json").read_text(encoding="utf-8"))
    texts = {entry["file"]: entry.get("text", "") for entry in manifest["files"]}
    overview = texts["2017-W41_县_总览.png"]
    # The county's figures, not a sign-in form, are in the overview's image.
    assert "189 户" in overview and "13 个村" in overview and "用户名" not in overview
    assert "101 户" in texts["2017-W41_赵家沟乡_总览.png"]
    assert (out / "2017-W41_县_周报.pdf").stat().st_size > 10_000


@pytest.mark.parametrize("header", [None, "a-guess"])
def test_the_reports_server_asks_anyone_else_to_sign_in(
    protected_store: Path, browser, header: str | None
) -> None:
    with dashboard(protected_store, report_token="the-report-token") as base:
        headers = {access.REPORT_HEADER: header} if header else {}
        context = browser.new_context(extra_http_headers=headers)
        try:
            tab = context.new_page()
            tab.goto(f"{base}/?report=1", wait_until="domcontentloaded")
            wait_until_drawn(tab, "总览")
            shown = tab.inner_text('[data-testid="stMain"]')
        finally:
            context.close()
    assert "用户名" in shown and "密码" in shown
    assert "第一批" not in shown
