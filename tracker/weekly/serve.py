"""Starting the dashboard as a background process on a free local port (for the report and tests)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tracker.access import REPORT_TOKEN_ENV
from tracker.contract.paths import REPO_ROOT


class ServerProblem(Exception):
    """The dashboard did not start; the message says why."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def dashboard(
    data_dir: Path, timeout: float = 60.0, report_token: str | None = None, checkout: Path = REPO_ROOT
) -> Iterator[str]:
    """Serve the dashboard over data_dir on 127.0.0.1; yields the base URL, stops it afterwards.

    It is served as `make run` serves it: server.py (dashboard.py with 总览's first view). With
    report_token, a browser that sends it (access.REPORT_HEADER) is let in as the report.
    checkout is the folder whose server.py (or, in a checkout from before it, dashboard.py) and
    .streamlit config are served: another worktree's, to compare its code with this one's
    (bench/ab_pages.py)."""
    port = free_port()
    env = dict(os.environ, TRACKER_DATA_DIR=str(Path(data_dir).resolve()), TZ="Asia/Shanghai")
    env.pop(REPORT_TOKEN_ENV, None)  # never inherited: only the report's own server knows a token
    if report_token:
        env[REPORT_TOKEN_ENV] = report_token
    command = [
        sys.executable, "-m", "streamlit", "run", str(_entry(checkout)),
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, timeout)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def _entry(checkout: Path) -> Path:
    server = checkout / "server.py"
    return server if server.exists() else checkout / "dashboard.py"


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = (process.stderr.read() if process.stderr else b"").decode(errors="replace")
            raise ServerProblem(
                f"看板进程启动失败：{error.strip().splitlines()[-1] if error.strip() else '未知原因'}"
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise ServerProblem(f"看板在 {timeout:.0f} 秒内未启动")
