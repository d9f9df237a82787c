"""Weekly report speed: the whole county set plus every township, desktop and phone widths.

Imports the shipped sample data into a scratch store, runs the real report
(its own dashboard process, headless Chromium), and prints the wall time, the
number of screenshots and a JSON line. The goal is under two minutes on the
2-core machine.

    .venv/bin/python bench/report_speed.py [--townships 赵家沟乡 …] [--no-phone]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.importer import import_paths  # noqa: E402
from tracker.paths import SAMPLE_DIR  # noqa: E402
from tracker.report import make_report  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--townships", nargs="*", default=[])
    parser.add_argument("--no-phone", dest="phone", action="store_false")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        if import_paths([SAMPLE_DIR], store).status != 0:
            raise SystemExit("sample import failed")
        started = time.perf_counter()
        report = make_report(store, Path(tmp) / "out", townships=args.townships, phone=args.phone)
        seconds = time.perf_counter() - started
    shots = len(report.shots)
    print(f"screenshots: {shots}   wall time: {seconds:.1f} s   per screenshot: {seconds / shots:.2f} s")
    print(
        f"goal: under 120 s for the county set plus all townships — {'met' if seconds < 120 else 'NOT met'}"
    )
    print(json.dumps({"bench": "report_speed", "screenshots": shots, "seconds": round(seconds, 1)}))


if __name__ == "__main__":
    main()
