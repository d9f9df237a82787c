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


def test_every_mutation_still_finds_the_code_it_breaks() -> None:
    # A refactor that moves a mutated line disables its mutation without a word in the full run
    # (it reports an error, not a survivor); this keeps each mutation aimed at code that exists.
    from tests.mutations import MUTATIONS

    missing = {
        m.name: (REPO / m.file).read_text(encoding="utf-8").count(m.old)
        for m in MUTATIONS
        if (REPO / m.file).read_text(encoding="utf-8").count(m.old) != 1
    }
    assert missing == {}, f"mutations whose text is not found exactly once: {missing}"
    for m in MUTATIONS:
        for test in m.tests:
            path, _, function = test.partition("::")
            assert (REPO / path).is_file(), f"{m.name}: {path} does not exist"
            assert f"def {function.split('[')[0]}(" in (REPO / path).read_text(encoding="utf-8"), test
