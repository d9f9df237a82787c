"""WeChat Work (企业微信) group robot: the week as three messages to the robot's webhook
(`…/cgi-bin/webhook/send?key=KEY`):

- `markdown`: title, 数据截至, what is overdue, 本周简报 and the dashboard link, at most 4,096 bytes;
- `image`: the summary image, base64 with the md5 of its raw bytes, at most 2 MB (JPG or PNG);
- `file`: the PDF, uploaded first (`…/cgi-bin/webhook/upload_media?key=KEY&type=file`, multipart
  field `media` with filename, filelength and content-type; more than 5 bytes, at most 20 MB) for a
  media_id, then sent as a `file` message.

The service answers {"errcode": 0, "errmsg": "ok"}; errcode 45009 (too many requests: a robot takes
20 messages a minute) is retried with backoff, any other errcode is final.
"""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tracker.push.config import Channel
from tracker.push.delivery import Rejected, deliver, post
from tracker.push.message import Context, Part, fit, overdue_line, size
from tracker.push.robot import Answers, send_json
from tracker.push.week import ScopeReport

MARKDOWN_LIMIT = 4096
IMAGE_LIMIT = 2 * 1024 * 1024
FILE_LIMIT = 20 * 1024 * 1024
FILE_MIN = 5
RATE_LIMITED = 45009


def markdown(report: ScopeReport, link: str) -> str:
    """The markdown message, 本周简报 cut so the whole fits in 4,096 bytes."""
    head = f"**{report.title}**\n> {report.as_of_text}\n"
    overdue = overdue_line(report)
    if overdue:
        head += f'<font color="warning">{overdue}</font>\n'
    head += "\n**本周简报**\n"
    tail = f"\n\n[打开看板查看详情]({link})" if link else ""
    budget = MARKDOWN_LIMIT - len((head + tail).encode())
    return head + fit(report.briefing, budget) + tail


def upload_url(send_url: str) -> str:
    """The robot's upload address: …/webhook/upload_media?key=KEY&type=file."""
    parts = urlsplit(send_url)
    path = parts.path.rsplit("/", 1)[0] + "/upload_media"
    query = [(k, v) for k, v in parse_qsl(parts.query) if k == "key"] + [("type", "file")]
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), ""))


ANSWERS = Answers(("errcode",), "errmsg", RATE_LIMITED)


def _send(context: Context, channel: Channel, body: dict[str, object]) -> None:
    send_json(context, channel.url, ANSWERS, lambda: (channel.url, body))


def _multipart(name: str, data: bytes, content_type: str) -> tuple[bytes, str]:
    """The upload body as WeCom documents it: field `media` with filename, filelength and content-type."""
    boundary = hashlib.md5(data).hexdigest()  # noqa: S324 - a boundary, not a checksum
    quoted = name.replace('"', "%22")
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="media"; filename="{quoted}"; '
        f"filelength={len(data)}\r\nContent-Type: {content_type}\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _send_file(context: Context, channel: Channel, report: ScopeReport) -> None:
    data = report.pdf.read_bytes()
    if not FILE_MIN < len(data) <= FILE_LIMIT:
        raise Rejected(f"{report.pdf.name} 为 {size(data)}，企业微信文件须大于5字节、不超过20MB")
    body, content_type = _multipart(report.pdf.name, data, "application/pdf")

    def upload() -> str:
        answer = ANSWERS.check(
            post(context.session, upload_url(channel.url), context.settings.timeout_s, data=body,
                 headers={"Content-Type": content_type})
        )  # fmt: skip
        media = answer.get("media_id")
        if not isinstance(media, str) or not media:
            raise Rejected("上传文件后没有得到 media_id")
        return media

    media_id = deliver(upload, context.settings, context.sleep)
    _send(context, channel, {"msgtype": "file", "file": {"media_id": media_id}})


def parts(channel: Channel, report: ScopeReport, context: Context) -> list[Part]:
    """The three messages of a WeCom robot for one scope's week."""
    text = markdown(report, context.link(report))
    image = report.summary.read_bytes()

    def send_image() -> None:
        if len(image) > IMAGE_LIMIT:
            raise Rejected(f"{report.summary.name} 为 {size(image)}，企业微信图片不能超过2MB")
        md5 = hashlib.md5(image).hexdigest()  # noqa: S324 - WeCom's own integrity check
        _send(
            context,
            channel,
            {"msgtype": "image", "image": {"base64": base64.b64encode(image).decode(), "md5": md5}},
        )

    return [
        Part("markdown", f"markdown（{size(text)}）", lambda: _send(context, channel, {"msgtype": "markdown", "markdown": {"content": text}})),
        Part("image", f"图片 {report.summary.name}（{size(image)}）", send_image),
        Part("file", f"文件 {report.pdf.name}（{size(report.pdf.read_bytes())}）", lambda: _send_file(context, channel, report)),
    ]  # fmt: skip
