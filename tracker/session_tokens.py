"""Sign-in that survives a reload: signed session tokens, kept and revoked on the server.

After a password sign-in the browser keeps a token in a cookie (ui/auth.py sets it), so that
a reload or a link opened later in the same browser does not ask again for the session's
lifetime (TRACKER_SESSION_HOURS, 8 h by default). The token is

    <id>.<expires>.<signature>

`id` is 24 random bytes; `signature` is an HMAC-SHA256, under a key of this deployment, of the
id, the user's login, the expiry and a tag of the user's password hash. A token is accepted only
while all of these hold:

- its signature checks (nobody without the key can make or alter one);
- it has not expired;
- the server still holds it (`sessions.json` keeps a SHA-256 of each live id, never the id
  itself): signing out deletes it there, so a copied cookie is dead from that moment;
- its user is still in the users file with the same password (a changed password or a removed
  user ends every session of theirs).

The key (`session.key`) and the sessions file live next to the users file (users.toml: in the
store folder, or where TRACKER_USERS points), readable by their owner only. Nothing here goes
into a URL, a log or the audit file.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from tracker import access

COOKIE = "tracker_session"  # the browser's cookie that keeps the token (set by ui/auth.py)
KEY_FILE = "session.key"
SESSIONS_FILE = "sessions.json"
_lock = threading.Lock()


def _folder(data_dir: Path) -> Path:
    """Where the users file is; the key and the live sessions are kept beside it."""
    return access.users_path(Path(data_dir)).parent


def _write_private(path: Path, payload: bytes) -> None:
    """Write a file readable by its owner only, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(payload)
    os.replace(tmp, path)


def _key(data_dir: Path) -> bytes:
    """The deployment's signing key, made on first use."""
    path = _folder(data_dir) / KEY_FILE
    with _lock:
        if not path.exists():
            _write_private(path, secrets.token_bytes(32))
        return path.read_bytes()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("ascii")).hexdigest()


def _password_tag(entry: dict[str, Any]) -> str:
    return hashlib.sha256(str(entry.get("password_hash", "")).encode()).hexdigest()[:16]


def _signature(key: bytes, session_id: str, login: str, expires: int, tag: str) -> str:
    message = "\n".join((session_id, login, str(expires), tag)).encode("utf-8")
    return _b64(hmac.new(key, message, hashlib.sha256).digest())


def _sessions_path(data_dir: Path) -> Path:
    return _folder(data_dir) / SESSIONS_FILE


def _load(path: Path) -> dict[str, dict[str, Any]]:
    """The live sessions by id digest (cached until the file changes)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    return _parsed(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _parsed(path: Path, mtime_ns: int, size: int) -> dict[str, dict[str, Any]]:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a damaged file ends every session: people sign in again, nothing worse
    return loaded if isinstance(loaded, dict) else {}


def _save(path: Path, sessions: dict[str, dict[str, Any]]) -> None:
    now = time.time()
    live = {k: v for k, v in sessions.items() if v.get("expires", 0) > now}
    _write_private(path, json.dumps(live, ensure_ascii=False, indent=0).encode("utf-8"))


def issue(data_dir: Path, login: str, hours: float = access.SESSION_HOURS) -> str:
    """A new token for a user who has just signed in with their password."""
    entry = access.load_users(access.users_path(Path(data_dir))).get(login)
    if entry is None:
        raise access.AccessProblem(f"用户 {login} 不在用户文件中")
    session_id = _b64(secrets.token_bytes(24))
    expires = int(time.time() + hours * 3600)
    signature = _signature(_key(data_dir), session_id, login, expires, _password_tag(entry))
    path = _sessions_path(data_dir)
    with _lock:
        sessions = dict(_load(path))
        sessions[_digest(session_id)] = {"login": login, "expires": expires}
        _save(path, sessions)
    return f"{session_id}.{expires}.{signature}"


def resolve(data_dir: Path, token: str | None) -> tuple[access.User, float] | None:
    """The user a token belongs to and when it expires, or None if it is not (or no longer) valid."""
    if not token or token.count(".") != 2:
        return None
    session_id, expires_text, signature = token.split(".")
    if not expires_text.isdigit() or int(expires_text) <= time.time():
        return None
    held = _load(_sessions_path(data_dir)).get(_digest(session_id))
    if held is None or held.get("expires") != int(expires_text):
        return None
    login = str(held.get("login", ""))
    entry = access.load_users(access.users_path(Path(data_dir))).get(login)
    if entry is None:
        return None
    expected = _signature(_key(data_dir), session_id, login, int(expires_text), _password_tag(entry))
    if not hmac.compare_digest(expected, signature):
        return None
    return access.user_from_entry(login, entry), float(expires_text)


def revoke(data_dir: Path, token: str | None) -> None:
    """End a session on the server (signing out): its token is refused from now on, wherever it is."""
    if not token or token.count(".") != 2:
        return
    path = _sessions_path(data_dir)
    with _lock:
        sessions = dict(_load(path))
        if sessions.pop(_digest(token.split(".")[0]), None) is not None:
            _save(path, sessions)
