"""The mutation script runs and reports a known bug as caught (tests/mutations.py; the full run is in docs/how-it-is-built.md)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO


def test_the_mutation_script_catches_the_swapped_aliases() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.mutations", "indicator_aliases_swapped"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["mutations"] == [
        {
            "name": "indicator_aliases_swapped",
            "outcome": "caught",
            "seconds": report["mutations"][0]["seconds"],
        }
    ]
    # The working tree is untouched: the bug went into a copy.
    assert '"搬迁户数": "households_moved"' in (REPO / "tracker" / "contract" / "schema.py").read_text(
        encoding="utf-8"
    )
