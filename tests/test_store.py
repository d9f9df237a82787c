"""The store under concurrency and faults: readers never see a half-landed import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from tests.conftest import REPO
from tests.exports import write_csv
from tracker.store.check import verify
from tracker.store.lock import import_lock
from tracker.store.manifest import read_manifest
from tracker.store.reader import Reader

HEADER = ["户编号", "乡镇", "迁出村", "搬迁批次", "人口数"]


def _households(path: Path, count: int, people: int) -> Path:
    rows = [HEADER] + [[f"{i:016d}", "赵家沟乡", f"村{i % 50}", "第二批", str(people)] for i in range(count)]
    return write_csv(path, rows)


def _total_people(data_dir: Path) -> int:
    reader = Reader(data_dir)
    return reader.cursor().execute("SELECT coalesce(sum(people), 0) FROM households").fetchall()[0][0]


def test_a_reader_keeps_its_snapshot_while_a_new_one_lands(tmp_path: Path, tracker, data_dir: Path) -> None:
    assert tracker("import", _households(tmp_path / "h_2017-10-13.csv", 10, 1)).code == 0
    before = Reader(data_dir)
    assert tracker("import", _households(tmp_path / "h2_2017-10-13.csv", 10, 3)).code == 0
    old = before.cursor().execute("SELECT sum(people) FROM households").fetchall()[0][0]
    assert old == 10  # the open reader still answers from the snapshot it loaded
    assert not before.is_current()
    assert _total_people(data_dir) == 30  # a fresh reader sees the new one


def _spawn_import(data_dir: Path, path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "--data-dir", str(data_dir), "import", str(path)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_an_import_failed_or_killed_at_any_step_leaves_the_store_whole(
    tmp_path: Path, data_dir: Path
) -> None:
    """Every step the import takes in the store (each file opened for writing, each rename, removal
    and new folder: tests/commit_faults.py finds them with an audit hook) is made to kill the
    process before it, to fail, or, for a file write, to stop half way; then the store is read as
    a dashboard reads it: the old snapshot or the new one, whole, never a mix or a broken manifest."""
    assert _spawn_import(data_dir, _households(tmp_path / "a_2017-10-06.csv", 100, 1)).wait(60) == 0
    before = json.loads((data_dir / "manifest.json").read_text())
    # As many households as the week before (a smaller file would be refused by the shrink guard).
    new = _households(tmp_path / "b_2017-10-13.csv", 100, 1)
    done = subprocess.run(
        [sys.executable, "-m", "tests.commit_faults", str(data_dir), str(new), str(tmp_path / "faults")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    steps = report["steps"]
    # The undisturbed run wrote snapshot files and replaced the manifest: the steps cover the commit.
    assert any(s.startswith("open ") for s in steps) and any("manifest.json" in s for s in steps), steps
    assert _total_people(tmp_path / "faults" / "undisturbed") == 100 + 100
    kinds = {s["fault"] for s in report["scenarios"]}
    assert kinds == {"kill", "fail", "short"} and len(report["scenarios"]) >= 2 * len(steps)
    landed = 0
    for scenario in report["scenarios"]:
        store_dir = tmp_path / "faults" / scenario["name"]
        where = f"{scenario['fault']} at step {scenario['step']!r}"
        after = read_manifest(store_dir)  # raises on a damaged manifest
        assert verify(store_dir) == [], where
        for days in after["snapshots"].values():
            assert all((store_dir / path).exists() for path in days.values()), where
        total = _total_people(store_dir)
        if after["generation"] == before["generation"]:
            assert after == before, where
            assert total == 100, where
        else:
            landed += 1
            assert total == 100 + 100, where
    assert landed > 0  # a fault after the manifest's replacement keeps the new snapshot
    # After any of them the next import lands whole (a killed import holds no lock).
    last = tmp_path / "faults" / report["scenarios"][-1]["name"]
    assert _spawn_import(last, new).wait(60) == 0
    assert _total_people(last) == 100 + 100


def test_a_second_import_waits_then_gives_up_clearly(
    tmp_path: Path, tracker, data_dir: Path, monkeypatch
) -> None:
    monkeypatch.setenv("TRACKER_IMPORT_WAIT", "0.5")
    path = _households(tmp_path / "h_2017-10-13.csv", 5, 1)
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with import_lock(data_dir, wait_seconds=5):
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    try:
        busy = tracker("import", path)
    finally:
        release.set()
        holder.join()
    assert busy.code == 2 and "另一个导入正在进行" in busy.err
    assert not (data_dir / "manifest.json").exists()
    assert tracker("import", path).code == 0


def test_an_unwritable_store_changes_nothing_and_says_so(tmp_path: Path, tracker, data_dir: Path) -> None:
    if os.geteuid() == 0:
        # root ignores permission bits; a read-only bind is the honest test, so use a file in the way.
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        data_dir.write_text("not a folder")
    else:
        data_dir.mkdir(parents=True)
        data_dir.chmod(0o500)
    result = tracker("import", _households(tmp_path / "h_2017-10-13.csv", 5, 1))
    assert result.code == 2
    assert "Traceback" not in result.err and "未做任何更改" in (result.err + result.out)


def test_a_damaged_manifest_is_named_in_a_clear_error(tmp_path: Path, tracker, data_dir: Path) -> None:
    assert tracker("import", _households(tmp_path / "h_2017-10-13.csv", 5, 1)).code == 0
    (data_dir / "manifest.json").write_text("{ broken")
    result = tracker("sql", "SELECT 1")
    assert result.code == 2
    assert "manifest.json" in result.err and "损坏" in result.err


def test_a_full_disk_during_an_import_is_a_clear_error_and_changes_nothing(
    tmp_path: Path, data_dir: Path
) -> None:
    assert _spawn_import(data_dir, _households(tmp_path / "a_2017-10-06.csv", 100, 1)).wait(60) == 0
    before = (data_dir / "manifest.json").read_bytes()
    files_before = sorted(p.relative_to(data_dir) for p in data_dir.rglob("*") if p.is_file())
    big = _households(tmp_path / "b_2017-10-13.csv", 20_000, 2)
    # The import runs with a file-size limit, so its writes fail as on a full disk (EFBIG, like ENOSPC).
    limited = (
        "import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
        "resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000)); "
        "from tracker.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    done = subprocess.run(
        # --allow-growth: 100 → 20,000 households is this test's way to write a lot, not a mistake.
        [sys.executable, "-c", limited, "--data-dir", str(data_dir), "import", str(big), "--allow-growth"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "未做任何更改" in done.stderr and "Traceback" not in done.stderr
    assert (data_dir / "manifest.json").read_bytes() == before
    files_after = sorted(p.relative_to(data_dir) for p in data_dir.rglob("*") if p.is_file())
    assert files_after == files_before  # no half-written file left behind
