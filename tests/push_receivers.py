"""Local stand-ins for the services `tracker push` talks to, each implementing that service's documented
contract (the real ones are not reachable here), and a real SMTP server (aiosmtpd).

- WeComRobot: `/cgi-bin/webhook/send?key=KEY` takes text, markdown (content at most 4,096 bytes),
  image (base64 of a JPG or PNG of at most 2 MB, with the md5 of its raw bytes) and file (a media_id
  it gave out) messages; `/cgi-bin/webhook/upload_media?key=KEY&type=file` takes a multipart field
  `media` with filename, filelength and content-type (more than 5 bytes, at most 20 MB) and returns a
  media_id. Errors as WeCom's error code table has them: 93000 invalid webhook url, 40058 invalid
  parameter (markdown too long), 40009 invalid image size, 40008 invalid message type, 301019 image
  md5 does not match, 40006 invalid file size, 40007 invalid media_id, 45009 api freq out of limit
  (more than 20 messages a minute).
- DingTalkRobot: `/robot/send?access_token=T&timestamp=MS&sign=S` checks the token (300001), the
  timestamp (within an hour) and the signature, Base64(HMAC-SHA256(secret, timestamp + "\\n" + secret))
  URL-encoded (310000 sign not match), the markdown's title and text (300005), and answers 130101
  (send too fast, exceed 20 times per minute) past 20 messages a minute.
- FeishuBot: `/open-apis/bot/v2/hook/TOKEN` checks the body's timestamp (seconds, within an hour) and
  sign, Base64(HMAC-SHA256 keyed with timestamp + "\\n" + secret over an empty message) (19021 sign
  match fail), the body's size (at most 20 KB, else 9499 Bad Request), msg_type post with
  content.post (9499), and answers 11232 (frequency limited) past its rate (here the same 20 a minute).

Each records what it accepted (`received`) and what it refused (`refused`); `refuse_next(n, code)`
makes it answer a rate-limit (or any) code to the next n requests, as a busy robot does.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import re
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

HOUR_MS = 3600 * 1000


@dataclass
class Arrival:
    """One accepted request: its kind and what it carried."""

    kind: str
    body: dict[str, Any]
    data: bytes = b""  # an image's or a file's raw bytes
    name: str = ""  # a file's name


@dataclass
class Receiver:
    """What a stand-in service shares: its server, its records, its limits and the faults to inject."""

    per_window: int = 20
    window_s: float = 60.0
    received: list[Arrival] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    requests: int = 0
    _forced: list[int] = field(default_factory=list)
    _sent: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def refuse_next(self, count: int, code: int) -> None:
        """Answer `code` to the next `count` requests (a robot another sender has throttled)."""
        self._forced += [code] * count

    def forced(self) -> int | None:
        return self._forced.pop(0) if self._forced else None

    def over_rate(self) -> bool:
        """Count one message; True when it is one too many for the window."""
        now = time.monotonic()
        self._sent[:] = [t for t in self._sent if now - t < self.window_s]
        if len(self._sent) >= self.per_window:
            return True
        self._sent.append(now)
        return False

    def handle(self, path: str, query: dict[str, str], headers: Any, body: bytes) -> dict[str, Any]:
        raise NotImplementedError

    def refuse(self, code: int, message: str, key: str = "errcode", text: str = "errmsg") -> dict[str, Any]:
        self.refused.append((code, message))
        return {key: code, text: message}


R = TypeVar("R", bound=Receiver)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            with receiver.lock:
                receiver.requests += 1
                answer = receiver.handle(parts.path, query, self.headers, body)
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextlib.contextmanager
def serving(receiver: R) -> Iterator[R]:
    """Run the receiver on a free port of 127.0.0.1 while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    receiver.server = server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (a receiver that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- WeChat Work ----------------------------------------------------------------------------------

WECOM_MARKDOWN_LIMIT = 4096
WECOM_IMAGE_LIMIT = 2 * 1024 * 1024
WECOM_FILE_LIMIT = 20 * 1024 * 1024


def _multipart(headers: Any, body: bytes) -> list[dict[str, Any]]:
    """The parts of a multipart/form-data body: their disposition parameters and data."""
    boundary = re.search(r"boundary=([^;]+)", headers.get("Content-Type", ""))
    if not boundary:
        return []
    parts = []
    for chunk in body.split(b"--" + boundary.group(1).strip('"').encode())[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n").removesuffix(b"\r\n")  # the line breaks around the boundary
        head, _, data = chunk.partition(b"\r\n\r\n")
        text = head.decode("utf-8")
        params = dict(re.findall(r';\s*([a-z]+)="?([^";\r\n]*)"?', text))
        ctype = re.search(r"Content-Type:\s*([^\r\n]+)", text, re.I)
        parts.append(params | {"content-type": ctype.group(1) if ctype else "", "data": data})
    return parts


@dataclass
class WeComRobot(Receiver):
    key: str = "wecom-robot-key-0001"
    media: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"{self.base}/cgi-bin/webhook/send?key={self.key}"

    def handle(self, path: str, query: dict[str, str], headers: Any, body: bytes) -> dict[str, Any]:
        if query.get("key") != self.key:
            return self.refuse(93000, "invalid webhook url")
        if path.endswith("/upload_media"):
            return self._upload(query, headers, body)
        if not path.endswith("/send"):
            return self.refuse(404, "not found")
        code = self.forced()
        if code is not None:
            return self.refuse(code, "api freq out of limit" if code == 45009 else "forced")
        if self.over_rate():
            return self.refuse(45009, "api freq out of limit")
        message = json.loads(body)
        kind = message.get("msgtype")
        if kind == "markdown":
            content = message["markdown"]["content"]
            if len(content.encode()) > WECOM_MARKDOWN_LIMIT:
                return self.refuse(40058, "markdown.content exceed max length 4096")
            self.received.append(Arrival(kind, message))
        elif kind == "image":
            raw = base64.b64decode(message["image"]["base64"], validate=True)
            if len(raw) > WECOM_IMAGE_LIMIT:
                return self.refuse(40009, "invalid image size")
            if not raw.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
                return self.refuse(40009, "invalid image format: JPG or PNG only")
            if hashlib.md5(raw).hexdigest() != message["image"]["md5"]:
                return self.refuse(301019, "image md5 not match")
            self.received.append(Arrival(kind, message, raw))
        elif kind == "file":
            media_id = message["file"]["media_id"]
            if media_id not in self.media:
                return self.refuse(40007, "invalid media_id")
            name, data = self.media[media_id]
            self.received.append(Arrival(kind, message, data, name))
        else:
            return self.refuse(40008, "invalid message type")
        return {"errcode": 0, "errmsg": "ok"}

    def _upload(self, query: dict[str, str], headers: Any, body: bytes) -> dict[str, Any]:
        if query.get("type") != "file":
            return self.refuse(40004, "invalid media type")
        media = [p for p in _multipart(headers, body) if p.get("name") == "media"]
        if not media or not media[0].get("filename"):
            return self.refuse(40058, "media field with filename required")
        part = media[0]
        data = part["data"]
        if str(len(data)) != part.get("filelength", str(len(data))):
            return self.refuse(40058, "filelength does not match the data")
        if not 5 < len(data) <= WECOM_FILE_LIMIT:
            return self.refuse(40006, "invalid media size")
        media_id = hashlib.sha1(data).hexdigest()
        self.media[media_id] = (part["filename"], data)
        return {
            "errcode": 0,
            "errmsg": "ok",
            "type": "file",
            "media_id": media_id,
            "created_at": str(int(time.time())),
        }


# --- DingTalk -------------------------------------------------------------------------------------


@dataclass
class DingTalkRobot(Receiver):
    token: str = "dingtalk-access-token-0001"
    secret: str = "SEC-dingtalk-signing-secret-0001"

    @property
    def url(self) -> str:
        return f"{self.base}/robot/send?access_token={self.token}"

    def expected_sign(self, timestamp: str) -> str:
        digest = hmac.new(
            self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256
        ).digest()
        return base64.b64encode(digest).decode()

    def handle(self, path: str, query: dict[str, str], headers: Any, body: bytes) -> dict[str, Any]:
        if path != "/robot/send" or query.get("access_token") != self.token:
            return self.refuse(300001, "token is not exist")
        stamp = query.get("timestamp", "")
        if not stamp.isdigit() or abs(int(stamp) - time.time() * 1000) > HOUR_MS:
            return self.refuse(310000, "invalid timestamp")
        # parse_qs has undone the URL encoding: what remains must be the Base64 signature itself.
        if not hmac.compare_digest(query.get("sign", ""), self.expected_sign(stamp)):
            return self.refuse(310000, "sign not match")
        code = self.forced()
        if code is not None:
            return self.refuse(
                code, "send too fast, exceed 20 times per minute" if code == 130101 else "forced"
            )
        if self.over_rate():
            return self.refuse(130101, "send too fast, exceed 20 times per minute")
        message = json.loads(body)
        if message.get("msgtype") != "markdown":
            return self.refuse(300005, "unsupported msgtype")
        markdown = message.get("markdown") or {}
        if not markdown.get("title") or not markdown.get("text"):
            return self.refuse(300005, "markdown title and text required")
        self.received.append(Arrival("markdown", message))
        return {"errcode": 0, "errmsg": "ok"}


# --- Feishu ---------------------------------------------------------------------------------------

FEISHU_BODY_LIMIT = 20 * 1024


@dataclass
class FeishuBot(Receiver):
    token: str = "feishu-hook-token-0001"
    secret: str = "feishu-signing-secret-0001"

    @property
    def url(self) -> str:
        return f"{self.base}/open-apis/bot/v2/hook/{self.token}"

    def expected_sign(self, timestamp: str) -> str:
        key = f"{timestamp}\n{self.secret}".encode()
        return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()

    def handle(self, path: str, query: dict[str, str], headers: Any, body: bytes) -> dict[str, Any]:
        if path != f"/open-apis/bot/v2/hook/{self.token}":
            return self.refuse(19001, "param invalid: incoming webhook access token invalid", "code", "msg")
        if len(body) > FEISHU_BODY_LIMIT:
            return self.refuse(9499, "Bad Request", "code", "msg")
        message = json.loads(body)
        stamp = str(message.get("timestamp", ""))
        if not stamp.isdigit() or abs(int(stamp) - time.time()) > 3600:
            return self.refuse(
                19021, "sign match fail or timestamp is not within one hour from current time", "code", "msg"
            )
        if not hmac.compare_digest(str(message.get("sign", "")), self.expected_sign(stamp)):
            return self.refuse(
                19021, "sign match fail or timestamp is not within one hour from current time", "code", "msg"
            )
        code = self.forced()
        if code is not None:
            return self.refuse(code, "frequency limited psm[lark.oapi.app_platform_runtime]", "code", "msg")
        if self.over_rate():
            return self.refuse(11232, "frequency limited psm[lark.oapi.app_platform_runtime]", "code", "msg")
        post = (message.get("content") or {}).get("post") or {}
        if message.get("msg_type") != "post" or not post:
            return self.refuse(9499, "Bad Request", "code", "msg")
        self.received.append(Arrival("post", message))
        return {"code": 0, "msg": "success", "data": {}}


# --- SMTP -----------------------------------------------------------------------------------------


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost / 127.0.0.1 (the test's own CA), made with openssl."""
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class Mailbox:
    """What the SMTP server accepted: (envelope sender, recipients, raw message)."""

    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


@contextlib.contextmanager
def smtp_server(
    cert: Path, key: Path, user: str, password: str, implicit_tls: bool = False
) -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1: STARTTLS (or TLS from the start), AUTH only over TLS."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login == user.encode()
            and data.password == password.encode()
        )
        return AuthResult(success=ok, handled=False)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    mailbox = Mailbox()
    port = closed_port()
    options: dict[str, Any] = {"authenticator": authenticate, "auth_required": True, "auth_require_tls": True}
    if implicit_tls:
        # aiosmtpd cannot tell a connection that was TLS from the start; it is, so AUTH may be offered.
        options["auth_require_tls"] = False
        controller = Controller(mailbox, hostname="127.0.0.1", port=port, ssl_context=context, **options)
    else:
        controller = Controller(
            mailbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True, **options
        )
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()
