"""Who may see what: the local users file, password checks, roles, township scope, the audit log.

Roles: `county` sees everything; `township` sees only the townships assigned to
it; `clerk` sees everything and may import and edit targets. The scope is
enforced where queries run: a township user's store reader has every table
filtered to its townships (see `store.Reader`), so no filter value, URL, page,
download or report can reach another township's rows.

Passwords are hashed with Argon2id by argon2-cffi; the users file holds only
hashes, and a name that does not exist is checked against a dummy hash, so the
answer takes as long as for a wrong password. Failed sign-ins are throttled per
name and per client address across every session and process on the store (a
growing wait during which no password is checked; see `Throttle`) and written to
the audit log, which also records sign-ins, imports, target edits and reports:
who, when, what.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import math
import os
import secrets
import sqlite3
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
# Failed sign-ins (see Throttle): kept beside the audit log, never in a folder a query can read.
ATTEMPTS_FILE = "sign_in_attempts.sqlite"
# After n failures for a name within the window, the next check waits 2, 4, 8, 16, then 30 s.
MAX_DELAY_SECONDS = 30.0
WINDOW_SECONDS = 900.0
# Failures from one client address that cost it no wait (people behind one gateway mistype as well).
ADDRESS_FREE = 10

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


class TooManyAttempts(Exception):
    """Sign-in refused without checking the password: too many failures for this name or address."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"登录失败次数过多，请 {max(1, math.ceil(seconds))} 秒后再试。")
        self.seconds = seconds


class Throttle:
    """Failed sign-ins, per login name and per client address, kept in a small SQLite file beside the
    audit log, so that every session and every dashboard process on the store counts the same failures.

    After n recent failures (WINDOW_SECONDS) for a name, the next password is checked no sooner than
    min(2**n, MAX_DELAY_SECONDS) seconds after the last one; an address is counted the same way
    once it has more than ADDRESS_FREE failures (many people may share one behind a gateway). An attempt during that wait is refused
    without checking the password, so parallel sessions gain nothing: each attempt is recorded as a
    failure before its password is checked, and a concurrent one sees it.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / ATTEMPTS_FILE

    def _connect(self) -> sqlite3.Connection:
        try:
            con = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        except sqlite3.Error:
            # A store folder this process cannot write: count in this process, as before.
            con = sqlite3.connect(
                "file:tracker-sign-in?mode=memory&cache=shared", uri=True, isolation_level=None
            )
        con.execute("CREATE TABLE IF NOT EXISTS failures (key TEXT NOT NULL, at REAL NOT NULL)")
        con.execute("CREATE INDEX IF NOT EXISTS failures_key ON failures (key)")
        return con

    def wait(self, keys: dict[str, int]) -> float:
        """Seconds before a password may be checked for these keys (key -> failures free of delay)."""
        con = self._connect()
        try:
            return self._wait(con, keys, time.time())
        finally:
            con.close()

    def _wait(self, con: sqlite3.Connection, keys: dict[str, int], now: float) -> float:
        longest = 0.0
        for key, free in keys.items():
            count, last = con.execute(
                "SELECT count(*), max(at) FROM failures WHERE key = ? AND at > ?", (key, now - WINDOW_SECONDS)
            ).fetchone()
            if count > free:
                longest = max(longest, last + min(2.0 ** (count - free), MAX_DELAY_SECONDS) - now)
        return longest

    def begin(self, keys: dict[str, int]) -> list[int]:
        """Take the turn to check a password: refused (TooManyAttempts) while any key must wait;
        otherwise the attempt is recorded as a failure of every key now (its rows returned)."""
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")  # one attempt at a time decides, across processes
            now = time.time()
            con.execute("DELETE FROM failures WHERE at <= ?", (now - WINDOW_SECONDS,))
            wait = self._wait(con, keys, now)
            if wait > 0:
                con.execute("COMMIT")
                raise TooManyAttempts(wait)
            rows = [
                con.execute("INSERT INTO failures (key, at) VALUES (?, ?)", (k, now)).lastrowid for k in keys
            ]
            con.execute("COMMIT")
            return [int(r) for r in rows if r is not None]
        finally:
            con.close()

    def end(self, keys: dict[str, int], rows: list[int], succeeded: bool) -> None:
        """After the check: a failure counts from now; a success forgets the name's failures and this
        attempt's mark on the address."""
        con = self._connect()
        try:
            if succeeded:
                con.executemany(
                    "DELETE FROM failures WHERE key = ?", [(k,) for k in keys if k.startswith("login:")]
                )
                con.executemany("DELETE FROM failures WHERE rowid = ?", [(r,) for r in rows])
            else:
                now = time.time()
                con.executemany("UPDATE failures SET at = ? WHERE rowid = ?", [(now, r) for r in rows])
        finally:
            con.close()


def _throttle_keys(login: str, address: str | None) -> dict[str, int]:
    # A name is kept as its hash: whatever was typed into the form is not stored.
    keys = {"login:" + hashlib.sha256(login.encode()).hexdigest()[:32]: 0}
    if isinstance(address, str) and address:  # None where the server does not know it
        keys["address:" + address[:64]] = ADDRESS_FREE
    return keys


def _shown(address: object) -> str | None:
    return address[:64] if isinstance(address, str) else None


@functools.cache
def _dummy_hash() -> str:
    """An Argon2 hash no password matches, made like the users' ones: a name that does not exist costs
    the same verification as a wrong password, so the time of an answer does not tell who exists."""
    return _hasher.hash(secrets.token_urlsafe(24))


def seconds_to_wait(data_dir: Path, login: str, address: str | None = None) -> float:
    """How long before a password for this name (from this address) is checked again."""
    return max(0.0, Throttle(data_dir).wait(_throttle_keys(login, address)))


def check_password(data_dir: Path, login: str, password: str, address: str | None = None) -> User | None:
    """The user if the password is right, else None; failures are written to the audit log.

    Raises TooManyAttempts, without checking the password, while this name or this client address
    must wait after failures (see Throttle)."""
    keys = _throttle_keys(login, address)
    throttle = Throttle(data_dir)
    try:
        rows = throttle.begin(keys)
    except TooManyAttempts as refused:
        audit(
            data_dir,
            login[:64],
            "sign_in_throttled",
            {"wait_seconds": round(refused.seconds, 1), "address": _shown(address)},
        )
        raise
    entry = load_users(users_path(data_dir)).get(login)
    stored = entry.get("password_hash") if entry else None
    try:
        ok = _hasher.verify(stored or _dummy_hash(), password) and bool(stored)
    except (VerificationError, InvalidHashError):
        ok = False
    throttle.end(keys, rows, ok)
    if not ok or entry is None:
        audit(data_dir, login[:64], "sign_in_failed", {"address": _shown(address)})
        return None
    audit(data_dir, login, "sign_in", {"address": _shown(address)})
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
