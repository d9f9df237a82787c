"""Import throughput: how fast a large household export lands.

Writes a synthetic household export of --rows rows (default 500,000, a province's weekly ledger; CSV in GBK
and XLSX, the two forms clerks send), imports each into a fresh store with the
real importer (each run in a child process, so its peak memory is the import's own),
and prints the median rows per second over --runs runs and the peak memory, then
one JSON line.

    .venv/bin/python bench/import_throughput.py [--rows 500000] [--runs 5] [--formats csv xlsx]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl  # noqa: E402

from tracker.ingest.importer import import_paths  # noqa: E402

HEADER = [
    "户编号", "户主姓名", "户主身份证号", "乡镇", "迁出村", "搬迁批次", "是否贫困户", "人口数", "安置方式",
    "安置地点", "入住日期", "拆除房屋（间）", "宅基地腾退面积（平方米）", "已复垦", "奖补资金（元）", "自筹资金（元）",
    "户籍已迁移", "人均年收入（元）", "后续扶持",
]  # fmt: skip
TOWNSHIPS = [
    "文笔镇",
    "楼子营镇",
    "刘家塔镇",
    "巡镇镇",
    "鹿固乡",
    "前川乡",
    "单寨乡",
    "土沟乡",
    "旧县乡",
    "沙坪乡",
    "社梁乡",
    "沙泉乡",
    "赵家沟乡",
]
MODES = ["县城集中安置", "中心村安置", "邻村就近安置", "其他乡镇安置", "外县安置", "自主分散安置"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "海根引师福田金良秀英小军建国志强桂兰玉梅"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_number(rng: random.Random) -> str:
    while True:
        birth = f"{rng.randint(1930, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        body = f"140930{birth}{rng.randint(1, 998):03d}"
        number = body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS)) % 11]
        if not number.endswith("000"):  # the importer reads a trailing 000 as Excel's truncation
            return number


def rows(count: int, seed: int = 2017) -> list[list[object]]:
    """count synthetic household rows, as a ledger holds them."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        people = rng.randint(1, 6)
        moved = rng.random() < 0.6
        out.append(
            [
                f"1409302{i:09d}",
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                _id_number(rng),
                rng.choice(TOWNSHIPS),
                f"村{i % 400:03d}",
                rng.choice(["第一批", "第二批"]),
                rng.choice(["是", "否"]),
                people,
                rng.choice(MODES),
                "县城安置区",
                f"2017-{rng.randint(5, 10):02d}-{rng.randint(1, 28):02d}" if moved else "",
                rng.randint(0, 6),
                rng.randint(0, 400),
                rng.choice(["是", "否"]),
                rng.randint(0, 40000),
                rng.choice([0, 0, 0, 1500, 3000]),
                rng.choice(["是", "否"]),
                rng.randint(2000, 9000),
                rng.choice(["光伏收益", "公益岗位", "务工"]),
            ]
        )
    return out


def write_csv(path: Path, body: list[list[object]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["河曲县整村搬迁户台账（截至2017年10月13日）"])
    writer.writerow(HEADER)
    writer.writerows(body)
    path.write_bytes(buffer.getvalue().encode("gbk"))
    return path


def write_xlsx(path: Path, body: list[list[object]]) -> Path:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("搬迁户")
    sheet.append(["河曲县整村搬迁户台账（截至2017年10月13日）"])
    sheet.append(HEADER)
    for row in body:
        sheet.append(row)
    book.save(path)
    return path


def measure(path: Path, work: Path, run: int) -> dict[str, float]:
    """One import of path into a fresh store, in a child process so its peak memory is its own."""
    store = work / f"store-{path.suffix[1:]}-{run}"
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path), str(store)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"import failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
    shutil.rmtree(store, ignore_errors=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def child(path: Path, store: Path) -> None:
    """Import path into store and print rows, seconds and this process's peak memory."""
    started = time.perf_counter()
    outcome = import_paths([path], store)
    seconds = time.perf_counter() - started
    if outcome.status != 0:
        print(f"import failed: {outcome.file_problems or [e.describe() for e in outcome.errors[:3]]}")
        raise SystemExit(1)
    accepted = sum(s.accepted for s in outcome.sheets)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": accepted, "seconds": seconds, "peak_rss_mb": peak_mb}))


def summarise(runs: list[dict[str, float]], file_mb: float) -> dict[str, float]:
    """Median and range of rows per second over the runs, and the largest peak memory."""
    speeds = [r["rows"] / r["seconds"] for r in runs]
    return {
        "rows": int(runs[0]["rows"]),
        "runs": len(runs),
        "median_seconds": round(statistics.median(r["seconds"] for r in runs), 3),
        "rows_per_second": round(statistics.median(speeds)),
        "min_rows_per_second": round(min(speeds)),
        "max_rows_per_second": round(max(speeds)),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs)),
        "file_mb": file_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--formats", nargs="+", default=["csv", "xlsx"], choices=["csv", "xlsx"])
    parser.add_argument("--child", nargs=2, metavar=("FILE", "STORE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return
    body = rows(args.rows)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        writers = {"csv": (write_csv, "households.csv"), "xlsx": (write_xlsx, "households.xlsx")}
        for fmt in args.formats:
            write, name = writers[fmt]
            path = write(work / name, body)
            file_mb = round(path.stat().st_size / 1e6, 1)
            results[fmt] = summarise([measure(path, work, run) for run in range(args.runs)], file_mb)
    print(
        f"{'format':<8}{'rows':>10}{'runs':>6}{'median s':>10}{'rows/s (median)':>17}{'range':>22}{'peak MB':>9}"
    )
    for fmt, r in results.items():
        spread = f"{r['min_rows_per_second']:,}–{r['max_rows_per_second']:,}"
        print(
            f"{fmt:<8}{r['rows']:>10,}{r['runs']:>6}{r['median_seconds']:>10.2f}"
            f"{r['rows_per_second']:>17,}{spread:>22}{r['peak_rss_mb']:>9,}"
        )
    print("goal: at least 200,000 household rows a second (CSV)")
    print(json.dumps({"bench": "import_throughput", "results": results}))


if __name__ == "__main__":
    main()
