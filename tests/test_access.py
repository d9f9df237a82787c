"""Sign-in, roles and township scope: what each kind of user can and cannot see."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ALL_PAGES, open_tab, page_text, run_module, tab_labels
from tracker import access, session_tokens

PASSWORD = "correct horse battery"


@pytest.fixture
def secured(sample_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the sample store with three users: a county leader, a township secretary, a clerk."""
    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    users = access.users_path(store)
    access.add_user(users, "leader", "县长", "county", [], PASSWORD)
    access.add_user(users, "zjg", "赵家沟乡书记", "township", ["赵家沟乡"], PASSWORD)
    access.add_user(users, "clerk", "录入员", "clerk", [], PASSWORD)
    return store


def _sign_in(at, login: str, password: str = PASSWORD):
    at.text_input(key="sign_in_login").input(login)
    at.text_input(key="sign_in_password").input(password)
    at.get("form_submit_button")[0].click()
    return at.run()


def _cards(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html") if "kpi-grid" in h.proto.body)


def test_the_users_file_holds_argon2_hashes_not_passwords(secured: Path) -> None:
    text = access.users_path(secured).read_text(encoding="utf-8")
    assert PASSWORD not in text
    assert text.count("$argon2id$") == 3
    assert oct(access.users_path(secured).stat().st_mode & 0o777) == "0o600"


def test_nothing_is_shown_before_sign_in(open_page, secured: Path) -> None:
    at = open_page(store=secured)
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    assert not _cards(at)
    assert not at.dataframe


def test_a_wrong_password_is_refused_logged_and_slowed(open_page, secured: Path) -> None:
    at = _sign_in(open_page(store=secured), "leader", "wrong password")
    assert "用户名或密码错误" in page_text(at)
    assert not _cards(at)
    log = access.read_audit(secured)
    assert log[-1]["who"] == "leader" and log[-1]["action"] == "sign_in_failed"
    assert access.seconds_to_wait(secured, "leader") > 0  # the next attempt waits
    assert PASSWORD not in json.dumps(log) and "wrong password" not in json.dumps(log)


def test_a_county_leader_sees_the_whole_county(open_page, secured: Path) -> None:
    at = _sign_in(open_page(store=secured), "leader")
    assert ">189 户<" in _cards(at)
    assert access.read_audit(secured)[-1]["action"] == "sign_in"


@pytest.mark.parametrize("asked", [["巡镇镇"], ["' OR 1=1 --"], ["赵家沟乡", "巡镇镇"], ["x" * 5000]])
def test_a_township_user_only_ever_sees_their_township(open_page, secured: Path, asked: list[str]) -> None:
    at = open_page(store=secured)
    at.query_params["township"] = asked
    at = _sign_in(at, "zjg")
    cards = _cards(at)
    assert ">101 户<" in cards and ">189 户<" not in cards  # 赵家沟乡's first batch only
    assert "赵家沟乡" in page_text(at)
    at.switch_page("app_pages/relocation.py").run()
    for label in tab_labels(at):  # every section of the page, its tables among them
        open_tab(at, label)
        for frame in at.dataframe:
            if "乡镇" in frame.value.columns:
                assert set(frame.value["乡镇"]) <= {"赵家沟乡"}
        assert "巡镇镇" not in page_text(at)


def test_a_township_user_cannot_import_or_read_the_import_log(open_page, secured: Path) -> None:
    at = _sign_in(open_page(store=secured), "zjg")
    at.switch_page("app_pages/data.py").run()
    text = page_text(at)
    assert "需要录入员或县级账号" in text
    assert not at.get("file_uploader")
    assert "导入记录" not in [s.value for s in at.subheader] and "导入记录" not in tab_labels(at)


def test_a_clerk_may_import(open_page, secured: Path) -> None:
    at = _sign_in(open_page(store=secured), "clerk")
    at.switch_page("app_pages/data.py").run()
    assert at.get("file_uploader")


def test_an_expired_session_asks_to_sign_in_again(open_page, secured: Path) -> None:
    at = _sign_in(open_page(store=secured), "leader")
    # This browser's session as it stands once its lifetime is over.
    at.session_state["session_token"] = session_tokens.issue(secured, "leader", hours=-1 / 3600)
    at.run()
    assert "登录已过期" in page_text(at)
    assert not _cards(at)


def test_sql_as_a_township_user_returns_only_their_rows(secured: Path) -> None:
    done = run_module(
        "--data-dir",
        secured,
        "sql",
        "SELECT DISTINCT township FROM households",
        "--user",
        "zjg",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"township": "赵家沟乡"}]


@pytest.mark.parametrize(
    "table",
    [
        "villages", "households", "party_orgs", "funds",
        # the import-time summaries: four held in memory by the reader, two read from their files
        "village_summary", "household_summary", "org_summary", "fund_summary", "household_modes",
        "poor_self_funding",
    ],
)  # fmt: skip
def test_sql_as_a_township_user_sees_only_their_rows_of_every_table_and_summary(
    secured: Path, table: str
) -> None:
    done = run_module(
        "--data-dir", secured, "sql", f"SELECT DISTINCT township FROM {table}", "--user", "zjg",
        "--format", "json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"township": "赵家沟乡"}]


def test_demo_mode_says_so_on_every_page(open_page) -> None:
    at = open_page()
    assert len(ALL_PAGES) >= 6  # found on disk: a page added later is covered too
    for page in ALL_PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert "演示模式" in page_text(at) + "\n".join(w.value for w in at.sidebar.warning), page


def test_imports_and_reports_are_in_the_audit_log(secured: Path) -> None:
    week = Path(__file__).resolve().parent.parent / "sample_data" / "weekly" / "2017-10-13"
    assert run_module("--data-dir", secured, "import", week / "资金台账_2017-10-13.csv").returncode == 0
    last = access.read_audit(secured)[-1]
    assert last["action"] == "import" and last["who"].startswith("os:")
    assert last["details"]["files"] == ["资金台账_2017-10-13.csv"]


@pytest.mark.parametrize(
    "hostile", ["' OR 1=1 --", "赵家沟乡'; DROP TABLE villages; --", "\x00\x1b[31m", "乡" * 10_000]
)
def test_hostile_url_values_are_dropped_as_unknown_in_demo_mode(open_page, hostile: str) -> None:
    at = open_page(township=[hostile])
    assert ">189 户<" in _cards(at)  # the whole county, as if no township had been asked for
    assert "全县" in page_text(at)
