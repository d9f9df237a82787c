"""The benchmarks run (at a tiny size) so they cannot rot; their speed is measured elsewhere.

Each timing benchmark runs as a smoke run (`--smoke`): one sample, never waiting for the machine to
be quiet, so the suite passes while other work shares the cores; the timeouts leave room for that.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO


def test_import_benchmark_runs_and_reports_throughput() -> None:
    done = subprocess.run(
        [sys.executable, "bench/import_throughput.py", "--rows", "2000", "--runs", "2"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["results"]["csv"]["rows"] == 2000
    assert figures["results"]["xlsx"]["rows"] == 2000
    assert figures["results"]["csv"]["rows_per_second"] > 0
    assert figures["results"]["csv"]["runs"] == 2 and figures["results"]["csv"]["peak_rss_mb"] > 0


def test_load_benchmark_runs_protocol_sessions_without_error_during_an_import() -> None:
    done = subprocess.run(
        [sys.executable, "bench/load.py", "--sessions", "3", "--actions", "3",
         "--think", "0.2", "0.5", "--ramp", "1", "--smoke"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["errors"] == []
    assert figures["reruns"] == figures["expected_reruns"] == 3 * (1 + 3)  # every rerun finished
    assert figures["import"]["exit"] == 0  # the week imported during the load landed
    latency = figures["latency"]
    assert 0 < latency["p50_s"] <= latency["p95_s"] <= latency["p99_s"] <= latency["max_s"]
    assert 0 < figures["memory"]["start_mib"] <= figures["memory"]["peak_mib"]
    assert figures["rss_samples"] > 0 and figures["median_bytes"] > 0
    assert figures["server_cpu_ms_per_rerun"] > 0
    assert figures["waited_for_quiet"] is False


@pytest.mark.browser  # the report drives Chromium
def test_report_benchmark_runs_and_reports_its_time() -> None:
    done = subprocess.run(
        [sys.executable, "bench/report_speed.py", "--runs", "1", "--townships", "赵家沟乡", "--smoke"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    # The county and the township: a summary image, a PDF and a .docx each; no page images.
    assert figures["scopes"] == 2 and figures["files"] == 2 * 3 and figures["screenshots"] == 0
    assert figures["runs"] == 1 and figures["median_s"] == figures["p95_s"] > 0
    assert figures["others"]["waited"] is False and figures["others"]["repeated"] == 0
