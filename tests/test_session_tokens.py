"""The remembered sign-in: a token lets its browser in for the session's lifetime, and nothing else does.

A leader who signed in this morning opens the weekly link from the group chat without the password
again; a cookie that was copied, altered, outlived its session or outlived its owner's password
opens nothing.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tracker import access, session_tokens

PASSWORD = "correct horse battery"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    access.add_user(access.users_path(folder), "leader", "县长", "county", [], PASSWORD)
    access.add_user(access.users_path(folder), "zjg", "赵家沟乡书记", "township", ["赵家沟乡"], PASSWORD)
    return folder


def test_a_token_lets_its_user_in_until_it_expires(store: Path) -> None:
    token = session_tokens.issue(store, "zjg", hours=8)
    found = session_tokens.resolve(store, token)
    assert found is not None
    user, expires = found
    assert (user.login, user.role, user.townships) == ("zjg", "township", ("赵家沟乡",))
    assert 8 * 3600 - 60 < expires - time.time() <= 8 * 3600
    assert session_tokens.resolve(store, session_tokens.issue(store, "zjg", hours=-1 / 3600)) is None


def test_the_key_and_the_live_sessions_are_kept_privately_and_hold_no_token(store: Path) -> None:
    token = session_tokens.issue(store, "leader")
    key, sessions = store / session_tokens.KEY_FILE, store / session_tokens.SESSIONS_FILE
    assert key.parent == access.users_path(store).parent  # beside users.toml
    for path in (key, sessions):
        assert oct(path.stat().st_mode & 0o777) == "0o600"
    held = sessions.read_text(encoding="utf-8")
    session_id, _, signature = token.split(".")
    assert session_id not in held and signature not in held  # a leaked file opens no session
    assert json.loads(held)  # one live session


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # another signature
        lambda t: ".".join(
            [t.split(".")[0], str(int(t.split(".")[1]) + 3600), t.split(".")[2]]
        ),  # longer life
        lambda t: "x" + t[1:],  # another session
        lambda t: "",
        lambda t: "a.b",
        lambda t: "not-a-token",
        lambda t: t + ".",
    ],
    ids=["signature", "expiry", "id", "empty", "short", "garbage", "extra part"],
)
def test_an_altered_or_made_up_token_opens_nothing(store: Path, change) -> None:
    token = session_tokens.issue(store, "leader")
    assert session_tokens.resolve(store, change(token)) is None
    assert session_tokens.resolve(store, token) is not None  # the real one still works


def test_signing_out_ends_that_session_everywhere_and_only_that_one(store: Path) -> None:
    office, phone = session_tokens.issue(store, "leader"), session_tokens.issue(store, "leader")
    session_tokens.revoke(store, office)
    assert session_tokens.resolve(store, office) is None
    assert session_tokens.resolve(store, phone) is not None


def test_a_new_password_or_a_removed_user_ends_their_sessions(store: Path) -> None:
    leader, township = session_tokens.issue(store, "leader"), session_tokens.issue(store, "zjg")
    access.add_user(access.users_path(store), "leader", "县长", "county", [], "a new password")
    assert session_tokens.resolve(store, leader) is None
    assert session_tokens.resolve(store, township) is not None
    users = access.users_path(store)
    text = users.read_text(encoding="utf-8")
    users.write_text(text[: text.index('[users."zjg"]')], encoding="utf-8")
    assert session_tokens.resolve(store, township) is None


def test_a_damaged_sessions_file_signs_everyone_out_without_an_error(store: Path) -> None:
    token = session_tokens.issue(store, "leader")
    (store / session_tokens.SESSIONS_FILE).write_text("{not json", encoding="utf-8")
    assert session_tokens.resolve(store, token) is None
    assert session_tokens.resolve(store, session_tokens.issue(store, "leader")) is not None
