"""At most N messages a minute to one robot (WeCom, DingTalk: 20; a robot that gets more is throttled
for minutes). Every request counts, retries too; the robot is known by its address.

A message counts from when its answer came back (`sent`), not from when it left: the service counts
it from when it arrived, which is somewhere in between, so a big upload that took two seconds to
arrive must not let the next message in two seconds early."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """A sliding window per robot: `wait` returns once one more message fits in the window."""

    def __init__(
        self,
        per_window: int,
        window_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_window, self.window_s, self.clock, self.sleep = per_window, window_s, clock, sleep
        self._sent: dict[str, deque[float]] = {}

    def wait(self, robot: str) -> float:
        """Block until a message to `robot` fits, then count it; how long it waited (seconds)."""
        sent = self._sent.setdefault(robot, deque())
        waited = 0.0
        while True:
            now = self.clock()
            while sent and now - sent[0] >= self.window_s:
                sent.popleft()
            if len(sent) < self.per_window:
                sent.append(now)
                return waited
            # At least a millisecond: a pause rounded to nothing would spin without the clock moving.
            pause = max(self.window_s - (now - sent[0]), 0.001)
            self.sleep(pause)
            waited += pause

    def sent(self, robot: str) -> None:
        """The message last counted for `robot` has been answered: count it from now."""
        sent = self._sent.get(robot)
        if sent:
            sent[-1] = self.clock()
