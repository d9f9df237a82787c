"""The data page's 周报 tab pushes the week's report to the channels of push.toml, for a clerk only;
a county leader sees no push button. The channel here is a local WeCom stand-in (tests/push_receivers.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import page_text
from tests.push_receivers import WeComRobot, serving
from tracker import access
from tracker.weekly.report import make_report

pytestmark = pytest.mark.browser  # the report pushed is drawn by Chromium
PASSWORD = "correct horse battery"
PAGE = "app_pages/data.py"


@pytest.fixture(scope="module")
def county_report(sample_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("panel-report")
    make_report(sample_store, out, county_only=True)
    return out


@pytest.fixture
def secured(sample_store: Path, county_report: Path, tmp_path: Path) -> Path:
    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    shutil.copytree(county_report, store / "reports")  # where the data page keeps the reports
    users = access.users_path(store)
    access.add_user(users, "leader", "县长", "county", [], PASSWORD)
    access.add_user(users, "clerk", "录入员", "clerk", [], PASSWORD)
    return store


def _signed_in(open_page, store: Path, login: str):
    at = open_page(PAGE, store=store, tab="周报")
    at.text_input(key="sign_in_login").input(login)
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.get("form_submit_button")[0].click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_clerk_pushes_the_week_to_the_configured_channels(open_page, secured: Path) -> None:
    with serving(WeComRobot()) as wecom:
        config = secured / "push.toml"
        config.write_text(
            f'[[channel]]\nname = "县领导群"\nkind = "wecom"\nscope = "全县"\nurl = "{wecom.url}"\n'
        )
        os.chmod(config, 0o600)
        at = _signed_in(open_page, secured, "clerk")
        cells = [str(v) for table in at.dataframe for v in table.value.to_numpy().ravel()]
        shown = page_text(at) + "\n".join(cells)
        assert "县领导群" in shown and "key=****" in shown and WeComRobot.key not in shown
        at.button(key="report_push").click().run(timeout=120)
        assert not at.exception, [e.value for e in at.exception]
    assert [a.kind for a in wecom.received] == ["markdown", "image", "file"]
    assert "推送完成" in page_text(at)
    assert access.read_audit(secured)[-1]["action"] == "push"


def test_a_county_leader_may_make_the_report_but_not_push_it(open_page, secured: Path) -> None:
    at = _signed_in(open_page, secured, "leader")
    assert "report_make" in {b.key for b in at.button}
    assert "report_push" not in {b.key for b in at.button}
