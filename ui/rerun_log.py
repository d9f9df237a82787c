"""How long the server spends on each rerun, one JSON line per run, for the benchmarks.

Written only when the environment variable TRACKER_RERUN_LOG names a file
(bench/browser_speed.py sets it for the dashboard it starts); otherwise it costs
an environment look-up. The benchmark splits the time a page takes to draw in the
browser into this server time and the rest. A line holds the wall-clock start and
end (so another process can match it to its own clock), the duration, the page's
URL path, and how the run ended: `finished`, or the name of the control-flow
exception (StopException for st.stop, RerunException for st.rerun). No filter
values and no data, so nothing personal.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator

ENV = "TRACKER_RERUN_LOG"


def clock() -> tuple[float, float]:
    """Now, as (wall-clock seconds, perf-counter seconds): where a run's timing starts."""
    return time.time(), time.perf_counter()


@contextlib.contextmanager
def timed_rerun(started: tuple[float, float], page: str) -> Iterator[None]:
    """Log the run begun at `started` (from clock()) once the code inside ends, however it ends."""
    path = os.environ.get(ENV)
    if not path:
        yield
        return
    ended_how = "finished"
    try:
        yield
    except BaseException as exc:  # st.stop and st.rerun end a run by raising: record which, then re-raise
        ended_how = type(exc).__name__
        raise
    finally:
        began_wall, began = started
        seconds = time.perf_counter() - began
        line = {
            "start": round(began_wall, 4),
            "end": round(began_wall + seconds, 4),
            "seconds": round(seconds, 4),
            "page": page,
            "outcome": ended_how,
            "pid": os.getpid(),
        }
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps(line, ensure_ascii=False) + "\n")
