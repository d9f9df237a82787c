"""Who may see what: the local users file, password checks, roles, township scope, the audit log.

Roles: `county` sees everything; `township` sees only the townships assigned to
it; `clerk` sees everything and may import and edit targets. The scope is
enforced where queries run: a township user's store reader has every table
filtered to its townships (see `store.Reader`), so no filter value, URL, page,
download or report can reach another township's rows.

Passwords are hashed with Argon2id by argon2-cffi; the users file holds only
hashes. Failed sign-ins are slowed down (a growing delay per user name) and
written to the audit log, which also records sign-ins, imports, target edits
and reports: who, when, what.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import json
import os
import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = {"county": "县级领导", "township": "乡镇", "clerk": "录入员"}
USERS_FILE = "users.toml"
AUDIT_FILE = "audit.log"
SESSION_HOURS = float(os.environ.get("TRACKER_SESSION_HOURS", "8"))
# After each failed attempt for a name, the next check waits longer: 1, 2, 4 … 30 s.
MAX_DELAY_SECONDS = 30.0

_hasher = PasswordHasher()


class AccessProblem(Exception):
    """A users file that cannot be used; the message is in Chinese."""


@dataclass(frozen=True)
class User:
    """A signed-in person and what they may see and do."""

    login: str
    name: str
    role: str
    townships: tuple[str, ...] = ()

    @property
    def scope(self) -> dict[str, tuple[str, ...]]:
        """The store scope that limits what this user's queries can read."""
        return {"township": self.townships} if self.role == "township" else {}

    @property
    def may_import(self) -> bool:
        """Whether the user may import exports and edit targets."""
        return self.role in ("clerk", "county")

    @property
    def may_see_everything(self) -> bool:
        """Whether the user sees the whole county (import log, rejected rows, reports)."""
        return self.role != "township"


DEMO_USER = User("demo", "演示模式", "county")
# The weekly report drives a dashboard process of its own; with sign-in configured, its browser
# proves itself with a random token (a request header, never in a URL or a picture) that only that
# process knows from its environment. The report sees the whole county, as those who may run it do.
REPORT_USER = User("report", "周报生成", "county")
REPORT_TOKEN_ENV = "TRACKER_REPORT_TOKEN"
REPORT_HEADER = "X-Tracker-Report"


def is_report_browser(header: str | None) -> bool:
    """Whether a request carries this process's report token (False when it has none)."""
    token = os.environ.get(REPORT_TOKEN_ENV, "")
    return bool(token) and header is not None and hmac.compare_digest(header.encode(), token.encode())


@dataclass
class Session:
    """A sign-in that expires."""

    user: User
    expires: float

    def alive(self, now: float | None = None) -> bool:
        """Whether the session is still valid."""
        return (now or time.time()) < self.expires


def users_path(data_dir: Path) -> Path:
    """Where the users file is: TRACKER_USERS, else users.toml in the store folder."""
    env = os.environ.get("TRACKER_USERS")
    return Path(env) if env else Path(data_dir) / USERS_FILE


def load_users(path: Path) -> dict[str, dict[str, Any]]:
    """The users file's entries by login name (empty when the file does not exist).

    Every page view asks whether sign-in is configured, so the parsed file is kept
    until the file changes on disk.
    """
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    return _parsed_users(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _parsed_users(path: Path, mtime_ns: int, size: int) -> dict[str, dict[str, Any]]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AccessProblem(f"用户文件 {path} 格式错误：{exc}") from None
    users = raw.get("users", {})
    for login, entry in users.items():
        if entry.get("role") not in ROLES:
            raise AccessProblem(f"用户文件 {path}：用户 {login} 的角色应为 {'、'.join(ROLES)}")
        if entry.get("role") == "township" and not entry.get("townships"):
            raise AccessProblem(f"用户文件 {path}：乡镇用户 {login} 未指定乡镇")
    return users


def sign_in_required(data_dir: Path) -> bool:
    """Whether the deployment has configured sign-in (else the dashboard runs in demo mode)."""
    return bool(load_users(users_path(data_dir)))


def user_from_entry(login: str, entry: dict[str, Any]) -> User:
    """The User a users-file entry describes."""
    return User(login, str(entry.get("name", login)), entry["role"], tuple(entry.get("townships", ())))


class Throttle:
    """Slows down repeated failures per login name (per process; enough for one county's server)."""

    def __init__(self) -> None:
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def delay(self, login: str) -> float:
        """Seconds to wait before checking this name's password."""
        with self._lock:
            recent = [t for t in self._failures.get(login, []) if time.time() - t < 900]
            self._failures[login] = recent
        return 0.0 if not recent else min(2.0 ** (len(recent) - 1), MAX_DELAY_SECONDS)

    def failed(self, login: str) -> None:
        """Record a failure."""
        with self._lock:
            self._failures.setdefault(login, []).append(time.time())

    def succeeded(self, login: str) -> None:
        """Forget the failures of a name that signed in."""
        with self._lock:
            self._failures.pop(login, None)


THROTTLE = Throttle()


def check_password(data_dir: Path, login: str, password: str, sleep: bool = True) -> User | None:
    """The user if the password is right; failures are delayed and written to the audit log."""
    wait = THROTTLE.delay(login)
    if sleep and wait:
        time.sleep(wait)
    entry = load_users(users_path(data_dir)).get(login)
    ok = False
    if entry and entry.get("password_hash"):
        try:
            ok = _hasher.verify(entry["password_hash"], password)
        except (VerificationError, InvalidHashError):
            ok = False
    if not ok or entry is None:
        THROTTLE.failed(login)
        audit(data_dir, login, "sign_in_failed", {"delay_seconds": wait})
        return None
    THROTTLE.succeeded(login)
    audit(data_dir, login, "sign_in", {})
    return user_from_entry(login, entry)


def start_session(user: User, hours: float = SESSION_HOURS) -> Session:
    """A session for a user who just signed in."""
    return Session(user, time.time() + hours * 3600)


def hash_password(password: str) -> str:
    """An Argon2id hash for the users file."""
    return _hasher.hash(password)


def add_user(path: Path, login: str, name: str, role: str, townships: list[str], password: str) -> None:
    """Add or replace a user in the users file (written atomically, readable by its owner only)."""
    if role not in ROLES:
        raise AccessProblem(f"角色应为 {'、'.join(ROLES)}")
    if role == "township" and not townships:
        raise AccessProblem("乡镇用户须指定至少一个乡镇")
    users = dict(load_users(path))  # the loaded mapping is shared: change a copy
    users[login] = {
        "name": name,
        "role": role,
        "townships": townships,
        "password_hash": hash_password(password),
    }
    lines = []
    for key, entry in users.items():
        lines.append(f"[users.{json.dumps(key, ensure_ascii=False)}]")
        for field_name in ("name", "role", "townships", "password_hash"):
            if field_name in entry:
                lines.append(f"{field_name} = {json.dumps(entry[field_name], ensure_ascii=False)}")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    os.replace(tmp, path)


_audit_lock = threading.Lock()


def audit(data_dir: Path, who: str, action: str, details: dict[str, Any] | None = None) -> None:
    """Append one line to the audit log: when, who, what (never personal data of households)."""
    record = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "who": who,
        "action": action,
        "details": details or {},
    }
    path = Path(data_dir) / AUDIT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with _audit_lock, open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_audit(data_dir: Path) -> list[dict[str, Any]]:
    """Every audit record, oldest first."""
    path = Path(data_dir) / AUDIT_FILE
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
