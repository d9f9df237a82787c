"""Sending one request with retries: a rate-limit answer, a 5xx or a timeout is tried again after a
wait that doubles each time (Settings.backoff_s, retries); any other refusal is final at once."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests

from tracker.push.config import Settings

T = TypeVar("T")


class Rejected(Exception):
    """The service refused for good (a wrong key, a bad signature, a file too large): not retried."""


class Retryable(Exception):
    """A refusal that may pass later: a rate limit, a server error, a timeout, no connection."""


def deliver(action: Callable[[], T], settings: Settings, sleep: Callable[[float], None] = time.sleep) -> T:
    """action(), tried again on Retryable up to settings.retries times; Rejected when it never passes."""
    last: Retryable | None = None
    for attempt in range(settings.retries + 1):
        try:
            return action()
        except Retryable as problem:
            last = problem
            if attempt < settings.retries:
                sleep(settings.backoff_s * 2**attempt)
    raise Rejected(f"重试{settings.retries}次后仍未成功：{last}")


def post(session: requests.Session, url: str, timeout: float, **kwargs: Any) -> dict[str, Any]:
    """POST and read the JSON answer; Retryable on a timeout, no connection or a 5xx."""
    try:
        response = session.post(url, timeout=timeout, **kwargs)
    except requests.Timeout:
        raise Retryable(f"请求超时（{timeout:.0f}秒）") from None
    except requests.ConnectionError as error:
        raise Retryable(f"无法连接：{type(error).__name__}") from None
    if response.status_code >= 500:
        raise Retryable(f"服务器错误 HTTP {response.status_code}")
    try:
        answer = response.json()
    except ValueError:
        raise Rejected(f"HTTP {response.status_code}，回应不是JSON：{response.text[:200]}") from None
    if not isinstance(answer, dict):
        raise Rejected(f"HTTP {response.status_code}，回应格式不对：{response.text[:200]}")
    return answer
