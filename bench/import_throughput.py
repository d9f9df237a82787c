"""Import throughput: how fast a large household export lands.

Writes a synthetic household export of --rows rows (default 100,000; CSV in GBK
and XLSX, the two forms clerks send), imports each into a fresh store with the
real importer, and prints rows per second and peak memory, then one JSON line.

    .venv/bin/python bench/import_throughput.py [--rows 100000] [--formats csv xlsx]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl  # noqa: E402

from tracker.importer import import_paths  # noqa: E402

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


def measure(path: Path, work: Path) -> dict[str, float]:
    store = work / f"store-{path.suffix[1:]}"
    started = time.perf_counter()
    outcome = import_paths([path], store)
    seconds = time.perf_counter() - started
    if outcome.status != 0:
        raise SystemExit(f"import failed: {outcome.file_problems or outcome.errors[:3]}")
    accepted = sum(s.accepted for s in outcome.sheets)
    return {"rows": accepted, "seconds": round(seconds, 3), "rows_per_second": round(accepted / seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--formats", nargs="+", default=["csv", "xlsx"], choices=["csv", "xlsx"])
    args = parser.parse_args()
    body = rows(args.rows)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        writers = {"csv": (write_csv, "households.csv"), "xlsx": (write_xlsx, "households.xlsx")}
        for fmt in args.formats:
            write, name = writers[fmt]
            path = write(work / name, body)
            results[fmt] = measure(path, work) | {"file_mb": round(path.stat().st_size / 1e6, 1)}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'format':<8}{'rows':>10}{'seconds':>10}{'rows/s':>12}{'file MB':>10}")
    for fmt, r in results.items():
        print(
            f"{fmt:<8}{r['rows']:>10,}{r['seconds']:>10.2f}{r['rows_per_second']:>12,}{r['file_mb']:>10.1f}"
        )
    print(f"peak resident memory: {peak_mb:,.0f} MB")
    print(json.dumps({"bench": "import_throughput", "results": results, "peak_rss_mb": round(peak_mb)}))


if __name__ == "__main__":
    main()
