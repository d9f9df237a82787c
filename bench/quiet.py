"""Other processes on a shared machine: how much CPU they took while a benchmark sample ran.

The benchmarks pin the dashboard to one core and the browser (or the protocol clients) to the
other, and their figures mean something only if nothing else ran meanwhile. On a machine shared
with other people's test suites and browsers, a benchmark checks each sample: the CPU time used
by every process that is not this one or one of its descendants (read from /proc), over the
sample's wall time, in cores. A sample during which others took more than LIMIT of a core is
thrown away and taken again once the machine is quiet (`Quiet.settle`), and the benchmark says
how many it repeated. Processes that started and ended between two readings are not seen; the
kernel's own threads count, which is why the limit is not zero.

A smoke run (the tests' `--smoke`: does the benchmark work at all?) makes `Quiet(waits=False)`:
it never waits and never takes a sample again, so it finishes on a busy machine in the time its
work takes; it still reports what others took, and its figures then measure nothing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

LIMIT = 0.10  # cores: others may use a tenth of a core during a sample
SMOKE_HELP = "a smoke run: one sample each, never waiting for the machine to be quiet (figures mean nothing)"
TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, int]]:
    """Every process: pid -> (parent pid, CPU ticks used, user + system)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while we looked
        out[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return out


def _ours(processes: dict[int, tuple[int, int]], root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    mine, todo = set(), [root]
    while todo:
        pid = todo.pop()
        mine.add(pid)
        todo.extend(children.get(pid, []))
    return mine


class Quiet:
    """Measures what processes outside this one's tree used between `start` and `others`."""

    def __init__(self, root: int | None = None, waits: bool = True) -> None:
        self.root = root or os.getpid()
        self.waits = waits  # False: a smoke run, every sample kept as taken
        self.repeated = 0  # samples thrown away because others were busy
        self.noisy = 0  # samples kept although others were still busy after every try
        self._before: dict[int, tuple[int, int]] = {}
        self._began = time.monotonic()

    def start(self) -> None:
        """Begin a sample."""
        self._before = _processes()
        self._began = time.monotonic()

    def others(self) -> float:
        """Cores used by other processes since `start` (0.5 = half a core on average)."""
        after = _processes()
        mine = _ours(after, self.root)
        ticks = sum(
            used - self._before.get(pid, (0, 0))[1]
            for pid, (_, used) in after.items()
            if pid not in mine and pid in self._before
        )
        # A process that started during the sample: all its time is in the sample.
        ticks += sum(used for pid, (_, used) in after.items() if pid not in mine and pid not in self._before)
        return ticks / TICK / max(time.monotonic() - self._began, 1e-3)

    def settle(self, window: float = 1.0, patience: float = 600.0) -> float:
        """Wait until others use less than LIMIT of a core over `window` seconds (at most `patience`
        seconds); the cores they used in the last window. A smoke run does not wait."""
        if not self.waits:
            return 0.0
        deadline = time.monotonic() + patience
        while True:
            self.start()
            time.sleep(window)
            used = self.others()
            if used < LIMIT or time.monotonic() > deadline:
                return used
