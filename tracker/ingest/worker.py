"""Imports run in a worker process with a memory limit and a time limit.

A hostile file must never take down the process that reads it when that process is the
dashboard (every clerk's and leader's session) or leave a Rust backtrace on a clerk's
terminal. The structural checks (`readers`, `sheet_bounds`) refuse what they can see
coming; this is the wall behind them: the whole import (reading, checking, the dry
run's plan, the commit) runs in a child process whose address space is limited
(`resource.setrlimit(RLIMIT_AS)`) and whose wall-clock time is bounded. If the child
runs out of memory, is killed, crashes inside a reader, or overruns, the caller gets an
`Outcome` with status 2 and a Chinese sentence; nothing was written (a commit is one
atomic manifest swap, so a child killed mid-commit leaves the old store in force).

Children are forked from a `multiprocessing` fork server that has the import code loaded,
so a worker starts in milliseconds, not the second a fresh interpreter takes, and never
inherits the dashboard's threads. Each child takes the caller's environment (a test's or
a deployment's TRACKER_* settings) and working folder, not the fork server's.

Limits (environment, read at each import):
- TRACKER_IMPORT_MEMORY_MB: how much memory the import may take beyond the worker's own
  footprint (default: half the machine's memory, at least 2 GB; a province's 26 weeks in
  one import take 4.5 GB);
- TRACKER_IMPORT_SECONDS: wall-clock seconds before the worker is stopped (default 1800).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from tracker.ingest.checking import Source
from tracker.ingest.importer import ProgressFn, expand_paths, import_sources
from tracker.ingest.outcome import Outcome

MEMORY_ENV = "TRACKER_IMPORT_MEMORY_MB"
SECONDS_ENV = "TRACKER_IMPORT_SECONDS"
DEFAULT_SECONDS = 1800
_MB = 1 << 20
_PRELOAD = ["tracker.ingest.worker"]


@dataclass
class _Request:
    sources: list[Source]
    data_dir: Path
    options: dict[str, Any]
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    cwd: str = field(default_factory=os.getcwd)


def import_paths(
    paths: list[Path], data_dir: Path, progress: ProgressFn | None = None, **options: Any
) -> Outcome:
    """`importer.import_paths` in a worker: files and folders from disk (options as import_sources takes)."""
    files, problems = expand_paths(paths)
    if problems:
        return Outcome(status=2, file_problems=problems)
    sources = [Source(str(path), path=path.resolve()) for path in files]
    return run(sources, data_dir, progress, **options)


def import_uploads(
    uploads: list[tuple[str, bytes]], data_dir: Path, progress: ProgressFn | None = None, **options: Any
) -> Outcome:
    """`importer.import_uploads` in a worker: files given as (name, bytes)."""
    return run([Source(name, data) for name, data in uploads], data_dir, progress, **options)


def run(sources: list[Source], data_dir: Path, progress: ProgressFn | None = None, **options: Any) -> Outcome:
    """`importer.import_sources(sources, data_dir, **options)` in a worker process with the limits;
    progress is called here as the worker reports it."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    receiver, sender = context.Pipe(duplex=False)
    request = _Request(sources, Path(data_dir).resolve(), options)
    worker = context.Process(target=_work, args=(request, sender), name="tracker-import", daemon=True)
    worker.start()
    sender.close()
    try:
        outcome = _follow(worker, receiver, progress, time.monotonic() + _seconds())
    finally:
        receiver.close()
        if worker.is_alive():
            worker.kill()
        worker.join()
    return outcome if outcome is not None else _failed(worker.exitcode)


def _follow(
    worker: Any, receiver: Connection, progress: ProgressFn | None, deadline: float
) -> Outcome | None:
    """Relay the worker's progress until it sends its outcome, dies, or overruns (then it is killed)."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            worker.kill()
            return Outcome(
                status=2,
                file_problems=[
                    f"检查和导入超过 {_seconds() // 60} 分钟仍未完成，已停止，未做任何更改；请按乡镇分开导入"
                ],
            )
        if not receiver.poll(min(left, 1.0)):
            if not worker.is_alive() and not receiver.poll():
                return None
            continue
        try:
            message = receiver.recv()
        except (EOFError, OSError):
            return None
        if message[0] == "outcome":
            return message[1]
        if progress is not None:
            progress(*message[1:])


def _failed(exitcode: int | None) -> Outcome:
    """The outcome of a worker that died without an answer."""
    if (
        exitcode is not None
        and exitcode < 0
        and -exitcode in (signal.SIGKILL, signal.SIGABRT, signal.SIGSEGV)
    ):
        why = "读取文件时所需内存超过上限（或读取程序异常退出）"
    else:
        why = "读取文件时读取程序异常退出"
    return Outcome(
        status=2,
        file_problems=[
            f"{why}，文件疑似损坏或恶意构造，已拒绝，未做任何更改；请重新导出，或另存为CSV后再导入"
        ],
    )


def _seconds() -> int:
    return int(os.environ.get(SECONDS_ENV) or DEFAULT_SECONDS)


def memory_allowance() -> int:
    """Bytes an import may take beyond the worker's own footprint."""
    configured = os.environ.get(MEMORY_ENV)
    if configured:
        return int(float(configured) * _MB)
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return max(2048 * _MB, physical // 2)


def _work(request: _Request, sender: Connection) -> None:
    """In the worker: take the caller's settings, limit this process, import, send the outcome."""
    os.environ.clear()
    os.environ.update(request.env)
    time.tzset()
    os.chdir(request.cwd)
    _quiet()
    _limit()

    def report(step: str, number: int, total: int) -> None:
        sender.send(("progress", step, number, total))

    try:
        outcome = import_sources(request.sources, request.data_dir, progress=report, **request.options)
    except MemoryError:
        outcome = Outcome(
            status=2, file_problems=["读取文件时所需内存超过上限，文件疑似异常，已拒绝，未做任何更改"]
        )
    sender.send(("outcome", outcome))
    sender.close()


def _limit() -> None:
    # The address space this worker has now (the import code loaded), plus the allowance.
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    ceiling = pages * os.sysconf("SC_PAGE_SIZE") + memory_allowance()
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    # Beside the wall-clock limit the caller keeps: CPU seconds, should the caller be gone.
    cpu = _seconds() + 60
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def _quiet() -> None:
    # A reader that aborts prints a backtrace (Rust's, with the server's paths) on its way out:
    # the caller tells the user in Chinese instead.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
