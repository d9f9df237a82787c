"""Feishu / Lark (飞书) custom bot, signed: one `post` (rich text) message with the title, 数据截至, what
is overdue, 本周简报 and the link to the scope's dashboard page.

Signing as Feishu documents it: `timestamp` in seconds and `sign` = Base64 of HMAC-SHA256 keyed with
`timestamp + "\\n" + secret` over an empty message, both in the JSON body. The service answers
{"code": 0, "msg": "success"}; code 11232 (rate limited) is retried with backoff, 19021 (a bad
signature, or a timestamp more than an hour off) and the rest are final. A request body may not pass 20 KB.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from tracker.push.config import Channel
from tracker.push.message import Context, Part, fit, overdue_line, size
from tracker.push.robot import Answers, send_json
from tracker.push.week import ScopeReport

RATE_LIMITED = 11232
BODY_LIMIT = 20 * 1024


def sign(secret: str, timestamp_s: int) -> str:
    """The signature for a timestamp in seconds."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def post_content(report: ScopeReport, link: str, budget: int = BODY_LIMIT - 2048) -> dict[str, object]:
    """The `post` message's content: paragraphs of text and a link."""
    rows: list[list[dict[str, str]]] = [[{"tag": "text", "text": report.as_of_text}]]
    overdue = overdue_line(report)
    if overdue:
        rows.append([{"tag": "text", "text": overdue}])
    rows.append([{"tag": "text", "text": "本周简报：" + fit(report.briefing, budget)}])
    if link:
        rows.append([{"tag": "a", "text": "打开看板查看详情", "href": link}])
    return {"post": {"zh_cn": {"title": report.title, "content": rows}}}


ANSWERS = Answers(("code", "StatusCode"), "msg", RATE_LIMITED)


def parts(channel: Channel, report: ScopeReport, context: Context) -> list[Part]:
    """The one message of a Feishu bot for one scope's week."""
    content = post_content(report, context.link(report))

    def request() -> tuple[str, dict[str, object]]:
        stamp = int(time.time())  # signed anew each try
        body: dict[str, object] = {
            "timestamp": str(stamp),
            "sign": sign(channel.secret, stamp),
            "msg_type": "post",
            "content": content,
        }
        return channel.url, body

    def send() -> None:
        send_json(context, channel.url, ANSWERS, request)

    return [Part("post", f"post（{size(str(content))}）", send)]
