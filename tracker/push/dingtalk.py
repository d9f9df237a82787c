"""DingTalk (钉钉) custom robot, signed: one `markdown` message with 本周简报, the link to the scope's
dashboard page, and the summary image where `public_url` says the report folder is served (DingTalk
shows images it fetches by URL; a robot cannot upload one).

Signing as DingTalk documents it: `timestamp` in milliseconds and `sign` = Base64 of HMAC-SHA256, keyed
with the secret, over `timestamp + "\\n" + secret`, URL-encoded, both added to the webhook's query. The
service answers {"errcode": 0, "errmsg": "ok"}; errcode 130101 (more than 20 messages a minute) is
retried with backoff, 310000 (a bad signature, or a timestamp more than an hour off) and the rest are final.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

from tracker.push.config import Channel
from tracker.push.message import Context, Part, fit, overdue_line, size
from tracker.push.robot import Answers, send_json
from tracker.push.week import ScopeReport

RATE_LIMITED = 130101
TEXT_LIMIT = 20_000


def sign(secret: str, timestamp_ms: int) -> str:
    """The URL-encoded signature for a timestamp in milliseconds."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """The webhook with timestamp and sign added."""
    return f"{url}&timestamp={timestamp_ms}&sign={sign(secret, timestamp_ms)}"


def markdown(report: ScopeReport, link: str, image: str) -> dict[str, object]:
    """The markdown message (title and text)."""
    lines = [f"#### {report.title}", f"> {report.as_of_text}", ""]
    overdue = overdue_line(report)
    if overdue:
        lines += [f"**{overdue}**", ""]
    tail = []
    if image:
        tail += ["", f"![周报摘要]({image})"]
    if link:
        tail += ["", f"[打开看板查看详情]({link})"]
    head, end = "\n".join(lines) + "\n**本周简报**\n\n", "\n".join(tail)
    text = head + fit(report.briefing, TEXT_LIMIT - len((head + end).encode())) + end
    return {"msgtype": "markdown", "markdown": {"title": report.title, "text": text}}


ANSWERS = Answers(("errcode",), "errmsg", RATE_LIMITED)


def parts(channel: Channel, report: ScopeReport, context: Context) -> list[Part]:
    """The one message of a DingTalk robot for one scope's week."""
    body = markdown(report, context.link(report), context.image_url(report))

    def send() -> None:
        # Signed anew each try: the signature holds the time.
        send_json(
            context,
            channel.url,
            ANSWERS,
            lambda: (signed_url(channel.url, channel.secret, int(time.time() * 1000)), body),
        )

    image = "，含摘要图链接" if context.image_url(report) else "，无摘要图（未设 public_url）"
    return [Part("markdown", f"markdown（{size(str(body['markdown']))}{image}）", send)]
