"""Keeping webhook keys, signing secrets and passwords out of everything printed or logged.

A robot's webhook address is itself a credential (WeCom's `key`, DingTalk's `access_token`, the token
at the end of a Feishu hook): whoever has it can post to the group. So addresses are shown masked,
and every message that could carry one (a service's error, a network error naming the URL) goes
through `Masker.mask`, which replaces every known secret wherever it appears.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlsplit, urlunsplit

HIDDEN = "****"
# Query parameters whose values are credentials (WeCom, DingTalk; sign is derived from the secret).
SECRET_PARAMS = ("key", "access_token", "sign")
# A path segment that is a token (Feishu's /open-apis/bot/v2/hook/<token>).
_TOKEN_SEGMENT = re.compile(r"/hook/([^/?#]+)")
MIN_SECRET = 4


def url_secrets(url: str) -> list[str]:
    """The credentials inside a webhook address."""
    if not url:
        return []
    parts = urlsplit(url)
    found = [value for key, value in parse_qsl(parts.query) if key in SECRET_PARAMS and value]
    found += _TOKEN_SEGMENT.findall(parts.path)
    return found


def mask_url(url: str) -> str:
    """The address with its credentials replaced: …/send?key=****."""
    parts = urlsplit(url)
    query = "&".join(
        f"{key}={HIDDEN if key in SECRET_PARAMS else value}" for key, value in parse_qsl(parts.query)
    )
    path = _TOKEN_SEGMENT.sub(f"/hook/{HIDDEN}", parts.path)
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


class Masker:
    """Replaces every known secret in a text (longest first, so no secret is half shown)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = sorted({s for s in secrets if len(s) >= MIN_SECRET}, key=len, reverse=True)

    def mask(self, text: str) -> str:
        """The text with every secret replaced by ****."""
        for secret in self.secrets:
            text = text.replace(secret, HIDDEN)
        return text
