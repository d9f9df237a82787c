"""Issue 18, hole 10: sign-in throttling was per session, and told who exists. Eight parallel sessions
made 27 failed attempts on one login in 60 s (one session about 7), and an unknown login was answered
without the Argon2 work a wrong password costs. Now failures are counted per login and per client
address in a file every session and process of the store shares: while a name (or an address) must
wait, no password is checked for it at all; and an unknown login is checked against a dummy hash
made like the users' own."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import argon2
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO, page_text
from tracker import access

PASSWORD = "correct horse battery"


@pytest.fixture
def secured(tmp_path: Path, sample_store: Path) -> Path:
    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    access.add_user(access.users_path(store), "leader", "县长", "county", [], PASSWORD)
    return store


def _attempts(store: Path, login: str, password: str, address: str | None, sessions: int) -> list[object]:
    """`sessions` sign-ins at the same moment, each in its own thread; what each got back."""
    results: list[object] = [None] * sessions
    start = threading.Barrier(sessions)

    def one(i: int) -> None:
        start.wait()
        try:
            results[i] = access.check_password(store, login, password, address)
        except access.TooManyAttempts as refused:
            results[i] = refused

    threads = [threading.Thread(target=one, args=(i,)) for i in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_eight_parallel_sessions_get_one_password_check(secured: Path) -> None:
    results = _attempts(secured, "leader", "guess 1", "198.51.100.7", 8)
    refused = [r for r in results if isinstance(r, access.TooManyAttempts)]
    assert results.count(None) == 1 and len(refused) == 7, results
    assert all("登录失败次数过多" in str(r) for r in refused)
    actions = [r["action"] for r in access.read_audit(secured)]
    assert actions.count("sign_in_failed") == 1 and actions.count("sign_in_throttled") == 7


def test_a_failure_in_another_process_holds_back_this_one(secured: Path) -> None:
    # Another dashboard process on the same store (here a separate Python) fails once for the name...
    script = (
        "import sys; from pathlib import Path; from tracker import access; "
        "print(access.check_password(Path(sys.argv[1]), 'leader', 'wrong guess'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(secured)], cwd=REPO, capture_output=True, text=True
    )
    assert done.stdout.strip() == "None", done.stderr
    # ...and this process does not check even the right password until the wait is over.
    with pytest.raises(access.TooManyAttempts):
        access.check_password(secured, "leader", PASSWORD)
    assert access.seconds_to_wait(secured, "leader") > 0


def _sign_in_form(store: Path, monkeypatch: pytest.MonkeyPatch, password: str) -> AppTest:
    """A browser session on the sign-in form, name and password typed, not yet sent."""
    monkeypatch.setenv("TRACKER_DATA_DIR", str(store))
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=90).run()
    at.text_input(key="sign_in_login").input("leader")
    at.text_input(key="sign_in_password").input(password)
    return at


def test_a_second_browser_session_waits_after_the_first_fails(
    secured: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _sign_in_form(secured, monkeypatch, "wrong password")
    second = _sign_in_form(secured, monkeypatch, PASSWORD)  # another session: its own session state
    first.button[0].click()
    first.run()
    assert "用户名或密码错误" in page_text(first)
    second.button[0].click()
    second.run()
    assert "登录失败次数过多" in page_text(second) and "秒后再试" in page_text(second)
    assert not [h for h in second.get("html") if "kpi-grid" in h.proto.body]


def test_one_address_trying_many_names_is_held_back(secured: Path) -> None:
    for i in range(access.ADDRESS_FREE + 1):  # a gateway's share of mistakes goes unhindered
        assert access.check_password(secured, f"guess{i}", "x", "203.0.113.9") is None
    with pytest.raises(access.TooManyAttempts):
        access.check_password(secured, "guess-next", "x", "203.0.113.9")
    # Another address is not held back by this one's failures.
    assert access.check_password(secured, "guess-next", "x", "203.0.113.10") is None


def test_an_unknown_login_costs_the_same_argon2_work_as_a_wrong_password(secured: Path) -> None:
    verified: list[bytes] = []

    def watch(frame, event, arg) -> None:  # noqa: ANN001 - sys.setprofile's hook
        if event == "call" and frame.f_code.co_name == "verify_secret":
            verified.append(bytes(frame.f_locals["hash"]))

    sys.setprofile(watch)
    try:
        assert access.check_password(secured, "nobody-here", "whatever", "192.0.2.1") is None
    finally:
        sys.setprofile(None)
    assert len(verified) == 1, "an unknown name goes through one Argon2 verification"
    real = access.load_users(access.users_path(secured))["leader"]["password_hash"]
    dummy = argon2.extract_parameters(verified[0].decode())
    assert dummy == argon2.extract_parameters(real)  # same type, time, memory and parallelism
