"""One push (`tracker push`): every channel of push.toml gets its scope's report for the week, part by
part, each part once (the push log remembers what was delivered; `again` sends all of it anew).

Exit codes: 0 everything delivered (or nothing new to deliver), 1 a channel failed (it is named, with
the service's answer) or the week has no report, 2 push.toml is missing or wrong. Nothing printed or
logged carries a webhook key, a signing secret or a password.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import requests

from tracker import access
from tracker.contract import formatting
from tracker.contract.county import load_county
from tracker.push import dingtalk, feishu, mail, wecom
from tracker.push.config import KINDS, Channel, ConfigProblem, PushConfig, config_path, load_config
from tracker.push.delivery import Rejected
from tracker.push.log import DELIVERED, FAILED, PushLog
from tracker.push.masking import Masker, mask_url
from tracker.push.message import Context, Part
from tracker.push.rate import RateLimiter
from tracker.push.week import ScopeReport, WeekMissing, load_week
from tracker.store.reader import Reader

BUILDERS: dict[str, Callable[[Channel, ScopeReport, Context], list[Part]]] = {
    "wecom": wecom.parts,
    "dingtalk": dingtalk.parts,
    "feishu": feishu.parts,
    "email": mail.parts,
}
assert set(BUILDERS) == set(KINDS)


def _latest(data_dir: Path) -> dt.date | None:
    days = Reader(data_dir).ledger_days()
    return days[0] if days else None


def push_week(
    data_dir: Path,
    reports: Path,
    as_of: dt.date | None = None,
    again: bool = False,
    dry_run: bool = False,
    operator: str = "",
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Push the week of `as_of` (default: the latest snapshot) from the report folder; the exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        config = load_config(config_path(data_dir), load_county(data_dir))
    except ConfigProblem as problem:
        print(f"推送配置有误：{problem}", file=err)
        return 2
    day = as_of or _latest(data_dir)
    if day is None:
        print("数据存储为空：请先导入台账并生成周报", file=err)
        return 1
    try:
        week = load_week(reports, day)
    except WeekMissing as problem:
        print(f"无法推送：{problem}", file=err)
        return 1
    pusher = _Pusher(config, data_dir, formatting.week_code(day), again, dry_run, out, err)
    failed = [channel.label for channel in config.channels if not pusher.channel(channel, week)]
    verb = "将发送" if dry_run else "已发送"
    print(f"{verb} {pusher.sent} 条，跳过 {pusher.skipped} 条（本周已发送过）", file=out)
    if failed:
        print(f"推送失败的渠道：{'、'.join(failed)}（未发送的部分下次运行时补发）", file=err)
    if not dry_run:
        details = {"week": pusher.code, "sent": pusher.sent, "failed": failed}
        access.audit(data_dir, operator or "os:unknown", "push", details)
    return 1 if failed else 0


class _Pusher:
    """Sends the channels' parts one after another, with the log, the rate limiter and the masker."""

    def __init__(
        self,
        config: PushConfig,
        data_dir: Path,
        code: str,
        again: bool,
        dry_run: bool,
        out: TextIO,
        err: TextIO,
    ) -> None:
        self.config, self.code, self.again, self.dry_run, self.out, self.err = (
            config,
            code,
            again,
            dry_run,
            out,
            err,
        )
        self.log = PushLog(data_dir)
        self.state = self.log.state(code)
        self.masker = Masker(config.secrets())
        settings = config.settings
        session = requests.Session()
        session.trust_env = False  # no proxy from the environment between us and a government intranet
        limiter = RateLimiter(settings.per_minute, settings.window_s)
        self.context = Context(settings, session, limiter, config.dashboard_url, config.public_url)
        self.sent = self.skipped = 0

    def _where(self, channel: Channel) -> str:
        if channel.kind == "email":
            return f"{channel.host}:{channel.port} → {', '.join(channel.to)}"
        return mask_url(channel.url)

    def channel(self, channel: Channel, week: dict[str | None, ScopeReport]) -> bool:
        """Send one channel's parts; False when one failed (the rest of that channel waits for the next run)."""
        report = week.get(channel.township)
        if report is None:
            self._failed(channel, "report", f"本周周报中没有{channel.scope}（生成周报时未包含该乡镇）")
            return False
        try:
            parts = BUILDERS[channel.kind](channel, report, self.context)
        except OSError as error:
            self._failed(channel, "report", f"读取周报文件失败：{error}")
            return False
        for part in parts:
            if not self.again and self.state.get((channel.name, part.name)) == DELIVERED:
                self.skipped += 1
                print(f"跳过 {channel.label} {part.name}：本周已发送", file=self.out)
                continue
            if self.dry_run:
                self.sent += 1
                print(f"将发送 {channel.label} → {self._where(channel)}：{part.describe}", file=self.out)
                continue
            try:
                part.send()
            except (Rejected, requests.RequestException, OSError) as problem:
                self._failed(channel, part.name, str(problem))
                return False
            self.sent += 1
            self.log.record(self.code, channel.name, part.name, DELIVERED)
            print(f"已发送 {channel.label} {part.describe}", file=self.out)
        return True

    def _failed(self, channel: Channel, part: str, reason: str) -> None:
        reason = self.masker.mask(reason)
        if not self.dry_run:
            self.log.record(self.code, channel.name, part, FAILED, reason)
        print(f"发送失败 {channel.label} {part}：{reason}", file=self.err)
