"""push.toml: where the weekly report goes (in the store folder, or the file TRACKER_PUSH_CONFIG names).

    dashboard_url = "http://kanban.example.gov.cn"   # optional: the link in every message
    public_url = "http://kanban.example.gov.cn/reports"  # optional: where the report folder is served

    [push]          # optional
    retries = 4     # attempts after the first, on a rate limit, a 5xx or a timeout
    backoff_s = 2   # the first wait; it doubles each time
    timeout_s = 20
    per_minute = 20 # messages a minute to one robot

    [[channel]]
    kind = "wecom"            # wecom, dingtalk, feishu, email
    scope = "全县"            # or a township's name: that township's report
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"   # or url_env = "NAME"
    secret = "SEC…"           # dingtalk, feishu; or secret_env = "NAME"

An e-mail channel has host, port, security (ssl or starttls), from, to (a list), username_env and
password_env (the login comes from the environment only), and optionally cafile. A secret or password
written in the file itself is accepted only when the file is readable by its owner alone (mode 0600).
Anything wrong is a ConfigProblem naming the file, the channel and the key, in Chinese.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.contract.county import County

CONFIG_FILE = "push.toml"
CONFIG_ENV = "TRACKER_PUSH_CONFIG"
KINDS = {"wecom": "企业微信", "dingtalk": "钉钉", "feishu": "飞书", "email": "邮件"}
SIGNED = ("dingtalk", "feishu")
COUNTY_WIDE = "全县"
SECURITY = ("ssl", "starttls")
_COMMON = {"kind", "scope", "name"}
_KEYS = {
    "wecom": _COMMON | {"url", "url_env"},
    "dingtalk": _COMMON | {"url", "url_env", "secret", "secret_env"},
    "feishu": _COMMON | {"url", "url_env", "secret", "secret_env"},
    "email": _COMMON | {"host", "port", "security", "from", "to", "username_env", "password_env", "cafile"},
}
_SETTINGS = {"retries": 4, "backoff_s": 2.0, "timeout_s": 20.0, "per_minute": 20, "window_s": 60.0}


class ConfigProblem(Exception):
    """push.toml is missing, unreadable or wrong; the message says where."""


@dataclass(frozen=True)
class Settings:
    """How hard to try and how fast to send."""

    retries: int = 4
    backoff_s: float = 2.0
    timeout_s: float = 20.0
    per_minute: int = 20
    window_s: float = 60.0  # the rate limit's window (a minute; shorter only to test it quickly)


@dataclass(frozen=True)
class Channel:
    """One place the report goes: a robot in a group chat, or a list of e-mail addresses."""

    kind: str
    scope: str  # 全县 or a township
    name: str
    url: str = ""
    secret: str = ""
    host: str = ""
    port: int = 0
    security: str = "ssl"
    sender: str = ""
    to: tuple[str, ...] = ()
    username: str = ""
    password: str = field(default="", repr=False)
    cafile: str = ""

    @property
    def township(self) -> str | None:
        """The township whose report this channel gets (None: the county's)."""
        return None if self.scope == COUNTY_WIDE else self.scope

    @property
    def label(self) -> str:
        """How messages name it: 企业微信「县领导群」(全县)."""
        return f"{KINDS[self.kind]}「{self.name}」（{self.scope}）"

    def secrets(self) -> set[str]:
        """What must never be printed or logged: secrets, passwords, and the keys inside webhook URLs."""
        from tracker.push.masking import url_secrets

        return {s for s in (self.secret, self.password, *url_secrets(self.url)) if s}


@dataclass(frozen=True)
class PushConfig:
    """The whole file."""

    path: Path
    channels: list[Channel]
    settings: Settings = Settings()
    dashboard_url: str = ""
    public_url: str = ""

    def secrets(self) -> set[str]:
        """Every secret of every channel."""
        return set().union(*(c.secrets() for c in self.channels)) if self.channels else set()


def config_path(data_dir: Path) -> Path:
    """TRACKER_PUSH_CONFIG, else push.toml in the store folder."""
    named = os.environ.get(CONFIG_ENV)
    return Path(named) if named else Path(data_dir) / CONFIG_FILE


def load_config(path: Path, county: County) -> PushConfig:
    """Read and check push.toml; ConfigProblem on anything wrong."""
    if not path.exists():
        raise ConfigProblem(
            f"找不到推送配置 {path}（在数据目录下建立 push.toml，或用环境变量 {CONFIG_ENV} 指定）"
        )
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as problem:
        raise ConfigProblem(f"推送配置 {path} 无法读取：{problem}") from None
    unknown = set(raw) - {"dashboard_url", "public_url", "push", "channel"}
    if unknown:
        raise ConfigProblem(f"推送配置 {path}：不认识的设置 {'、'.join(sorted(unknown))}")
    entries = raw.get("channel", [])
    if not isinstance(entries, list) or not entries:
        raise ConfigProblem(f"推送配置 {path}：没有任何 [[channel]]")
    private = _private(path)
    channels = [_channel(path, n, entry, county, private) for n, entry in enumerate(entries, start=1)]
    names = [c.name for c in channels]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ConfigProblem(f"推送配置 {path}：渠道名称重复：{'、'.join(repeated)}")
    return PushConfig(
        path,
        channels,
        _settings(path, raw.get("push", {})),
        str(raw.get("dashboard_url", "")).rstrip("/"),
        str(raw.get("public_url", "")).rstrip("/"),
    )


def _private(path: Path) -> bool:
    return not stat.S_IMODE(path.stat().st_mode) & 0o077


def _settings(path: Path, raw: Any) -> Settings:
    if not isinstance(raw, dict) or set(raw) - set(_SETTINGS):
        raise ConfigProblem(f"推送配置 {path}：[push] 只能有 {'、'.join(_SETTINGS)}")
    values: dict[str, float] = {}
    for key, default in _SETTINGS.items():
        value = raw.get(key, default)
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or value < (1 if key == "per_minute" else 0)
        ):
            raise ConfigProblem(f"推送配置 {path}：[push] {key} 应为不小于0的数")
        values[key] = value
    return Settings(
        retries=int(values["retries"]),
        backoff_s=float(values["backoff_s"]),
        timeout_s=float(values["timeout_s"]),
        per_minute=int(values["per_minute"]),
        window_s=float(values["window_s"]),
    )


def _text(where: str, entry: dict[str, Any], key: str, required: bool = True) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ConfigProblem(f"{where}：缺少 {key}" if required else f"{where}：{key} 应为文字")
    return value.strip()


def _from_env(where: str, entry: dict[str, Any], key: str, private: bool, path: Path) -> str:
    """`key` written in the file (only in a file of mode 0600 for secrets), or from the variable `key_env`."""
    inline, env = entry.get(key), entry.get(f"{key}_env")
    if inline and env:
        raise ConfigProblem(f"{where}：{key} 和 {key}_env 只能写一个")
    if env:
        if not isinstance(env, str) or not os.environ.get(env):
            raise ConfigProblem(f"{where}：环境变量 {env} 未设置（{key}_env）")
        return os.environ[env].strip()
    if inline is None:
        return ""
    if not isinstance(inline, str):
        raise ConfigProblem(f"{where}：{key} 应为文字")
    if key in ("secret", "password") and not private:
        raise ConfigProblem(
            f"{where}：{key} 直接写在文件中时，文件只能由所有者读写（chmod 600 {path}），或改用 {key}_env"
        )
    return inline.strip()


def _channel(path: Path, number: int, entry: Any, county: County, private: bool) -> Channel:
    where = f"推送配置 {path} 第{number}个渠道"
    if not isinstance(entry, dict):
        raise ConfigProblem(f"{where}：应为 [[channel]] 表")
    kind = _text(where, entry, "kind")
    if kind not in KINDS:
        raise ConfigProblem(f"{where}：kind 应为 {'、'.join(KINDS)} 之一（写的是 {kind}）")
    unknown = set(entry) - _KEYS[kind]
    if unknown:
        raise ConfigProblem(f"{where}（{kind}）：不认识的设置 {'、'.join(sorted(unknown))}")
    scope = _scope(where, _text(where, entry, "scope"), county)
    if kind == "email":
        return _email(where, entry, scope, number)
    url = _from_env(where, entry, "url", private, path)
    if not url.startswith(("https://", "http://")):
        raise ConfigProblem(f"{where}：缺少 url（机器人的 webhook 地址），或 url_env 指向的变量不是网址")
    secret = _from_env(where, entry, "secret", private, path)
    if kind in SIGNED and not secret:
        raise ConfigProblem(f"{where}：{KINDS[kind]}机器人须加签：缺少 secret 或 secret_env")
    name = _text(where, entry, "name", required=False) or _default_name(kind, scope, url)
    return Channel(kind, scope, name, url=url, secret=secret)


def _scope(where: str, scope: str, county: County) -> str:
    if scope == COUNTY_WIDE:
        return scope
    township = county.township(scope)
    if township is None:
        raise ConfigProblem(f"{where}：scope 应为“{COUNTY_WIDE}”或{county.name}的乡镇（写的是 {scope}）")
    return township


def _email(where: str, entry: dict[str, Any], scope: str, number: int) -> Channel:
    host = _text(where, entry, "host")
    security = _text(where, entry, "security", required=False) or "ssl"
    if security not in SECURITY:
        raise ConfigProblem(f"{where}：security 应为 ssl 或 starttls")
    port = entry.get("port", 465 if security == "ssl" else 587)
    if not isinstance(port, int) or not 0 < port < 65536:
        raise ConfigProblem(f"{where}：port 应为端口号")
    to = entry.get("to")
    if isinstance(to, str):
        to = [to]
    if not isinstance(to, list) or not to or not all(isinstance(a, str) and "@" in a for a in to):
        raise ConfigProblem(f"{where}：to 应为收件地址的列表")
    sender = _text(where, entry, "from")
    username = _env_only(where, entry, "username_env")
    password = _env_only(where, entry, "password_env")
    if bool(username) != bool(password):
        raise ConfigProblem(f"{where}：登录须同时给出 username_env 和 password_env")
    cafile = _text(where, entry, "cafile", required=False)
    if cafile and not Path(cafile).exists():
        raise ConfigProblem(f"{where}：cafile {cafile} 不存在")
    name = _text(where, entry, "name", required=False) or _default_name("email", scope, ",".join(to))
    return Channel(
        "email", scope, name, host=host, port=port, security=security, sender=sender, to=tuple(to),
        username=username, password=password, cafile=cafile,
    )  # fmt: skip


def _env_only(where: str, entry: dict[str, Any], key: str) -> str:
    env = entry.get(key)
    if env is None:
        return ""
    if not isinstance(env, str) or not os.environ.get(env):
        raise ConfigProblem(f"{where}：环境变量 {env} 未设置（{key}）")
    return os.environ[env]


def _default_name(kind: str, scope: str, address: str) -> str:
    """A stable name when the file gives none: kind, scope and a digest of the address (never the
    address itself, which holds the robot's key)."""
    return f"{kind}-{scope}-{hashlib.sha256(address.encode()).hexdigest()[:8]}"
