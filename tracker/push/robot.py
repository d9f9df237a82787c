"""What the three group robots share: their answer read the same way (a code, 0 for done, one code
for "too many messages", anything else final) and one JSON POST per try, counted against the robot's
20 messages a minute, tried again with backoff (tracker.push.delivery)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tracker.push.delivery import Rejected, Retryable, deliver, post
from tracker.push.message import Context


@dataclass(frozen=True)
class Answers:
    """How one service words its answer: which keys hold the code and its text, and its rate-limit code."""

    code_keys: tuple[str, ...]  # the first one present holds the code
    text_key: str
    rate_limited: int

    def check(self, answer: dict[str, Any]) -> dict[str, Any]:
        """The answer when its code is 0; Retryable for the rate-limit code; Rejected for any other."""
        code = next((answer[k] for k in self.code_keys if k in answer), None)
        if code == 0:
            return answer
        said = f"{self.code_keys[0]} {code}：{answer.get(self.text_key, '')}"
        if code == self.rate_limited:
            raise Retryable(f"{said}（发送太频繁）")
        raise Rejected(said)


def send_json(
    context: Context, robot: str, answers: Answers, request: Callable[[], tuple[str, dict[str, object]]]
) -> dict[str, Any]:
    """POST request()'s (url, body) to the robot whose webhook is `robot`, made anew for each try (a
    signature holds a timestamp), at most 20 a minute to it; the answer once its code is 0."""

    def once() -> dict[str, Any]:
        context.limiter.wait(robot)
        url, body = request()
        try:
            answer = post(context.session, url, context.settings.timeout_s, json=body)
        finally:
            context.limiter.sent(robot)
        return answers.check(answer)

    return deliver(once, context.settings, context.sleep)
