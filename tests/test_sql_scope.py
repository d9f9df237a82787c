"""Issue 18, holes 1-3: what `sql` can read. A township user reads their township through the store's
tables and nothing else: no file (the snapshots, the ID key, the users file, the audit log), no
catalog view that prints the files' paths, and every table scoped, rejects and import log included."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import Result, run_module
from tests.exports import write_csv
from tracker import access, cli
from tracker.store.reader import Reader

PASSWORD = "correct horse battery"
ZJG = "赵家沟乡"


@pytest.fixture(scope="module")
def store(sample_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample store with a township user (赵家沟乡), the audit log written, and rejected rows of two
    townships and an import of 赵家沟乡 alone in the log."""
    tmp_path = tmp_path_factory.mktemp("attacked")
    copy = tmp_path / "store"
    shutil.copytree(sample_store, copy)
    access.add_user(access.users_path(copy), "zjg", "赵家沟乡书记", "township", [ZJG], PASSWORD)
    access.audit(copy, "leader", "sign_in", {})
    rows = [
        ["乡镇", "党组织名称", "党组织类型", "软弱涣散", "整顿状态", "流动党员数"],
        ["巡镇镇", "巡镇镇河湾村党支部", "村党支部", "是", "不是一个整顿状态", "2"],
        [ZJG, "赵家沟乡葫芦山村党支部", "村党支部", "是", "也不是", "1"],
    ]
    orgs = write_csv(tmp_path / "党组织台账_2017-10-14.csv", rows)
    # Whole days of their own (--replace-all), after the sample's last, so no guard is in the way.
    done = run_module("--data-dir", copy, "import", orgs, "--allow-rejects", "--replace-all")
    assert done.returncode == 0, done.stderr
    own = [["乡镇", "村名", "集体经济收入（万元）"], [ZJG, "葫芦山村", "3"]]
    own_file = write_csv(tmp_path / "村级台账_赵家沟乡_2017-10-15.csv", own)
    done = run_module("--data-dir", copy, "import", own_file, "--replace-all")
    assert done.returncode == 0, done.stderr
    return copy


@pytest.fixture
def sql(store: Path, capsys: pytest.CaptureFixture[str]):
    """`python -m tracker sql QUERY --format json` on the store, as zjg unless user says otherwise."""

    def run(query: str, user: str | None = "zjg") -> Result:
        args = ["--data-dir", str(store), "sql", query, "--format", "json"]
        code = cli.main(args + (["--user", user] if user else []))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def _as_zjg(store: Path, query: str):
    """The `sql` command as a separate process, as the attacker ran it."""
    return run_module("--data-dir", store, "sql", "--user", "zjg", query)


def test_the_attack_read_parquet_over_the_store_is_refused(store: Path) -> None:
    # Hole 1 as the attacker ran it: every township's villages through the snapshot files.
    done = _as_zjg(
        store, f"SELECT township, count(*) FROM read_parquet('{store}/villages/*/*.parquet') GROUP BY 1"
    )
    assert done.returncode == 2
    assert "read_parquet" in done.stderr and "只能" in done.stderr and "Traceback" not in done.stderr
    assert "巡镇镇" not in done.stdout and done.stdout == ""


@pytest.mark.parametrize("secret", ["secret.key", "users.toml", "audit.log", "manifest.json"])
def test_the_key_users_and_audit_log_cannot_be_read(store: Path, secret: str) -> None:
    # Hole 2 as the attacker ran it, and the other files beside the snapshots.
    done = _as_zjg(store, f"SELECT content FROM read_text('{store}/{secret}')")
    assert done.returncode == 2 and "read_text" in done.stderr
    key = (store / "secret.key").read_text().strip()
    assert key not in done.stdout + done.stderr
    assert "argon2" not in done.stdout and "sign_in" not in done.stdout


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM read_csv('{store}/audit.log')",
        "SELECT * FROM read_csv_auto('{store}/users.toml')",
        "SELECT * FROM read_blob('{store}/secret.key')",
        "SELECT * FROM read_json('{store}/manifest.json')",
        "SELECT * FROM read_json_auto('{store}/manifest.json')",
        "SELECT * FROM glob('{store}/*')",
        "SELECT * FROM parquet_metadata('{store}/villages/*/*.parquet')",
        "SELECT * FROM parquet_scan('{store}/villages/*/*.parquet')",
        "SELECT * FROM sniff_csv('{store}/audit.log')",
        "SELECT * FROM query('SELECT * FROM read_text(''{store}/secret.key'')')",
        "SELECT * FROM '{store}/villages/as_of=2017-10-13/x.parquet'",
        "SELECT count(*) FROM villages WHERE township IN (SELECT township FROM read_parquet('{store}/v*/*/*'))",
        "WITH v AS (SELECT * FROM read_parquet('{store}/villages/*/*.parquet')) SELECT township FROM v",
        "SELECT * FROM \"read_text\"('{store}/secret.key')",
        "DESCRIBE SELECT * FROM read_text('{store}/secret.key')",
        "SUMMARIZE SELECT * FROM read_text('{store}/secret.key')",
    ],
)
def test_no_table_function_reads_a_file(store: Path, sql, query: str) -> None:
    done = sql(query.format(store=store))
    assert done.code == 2, done.out
    assert "不" in done.err and "Traceback" not in done.err
    assert done.out == ""


@pytest.mark.parametrize(
    "query",
    [
        "SELECT sql FROM duckdb_views()",
        "SELECT * FROM duckdb_views",
        "SELECT * FROM duckdb_settings()",
        "SELECT * FROM duckdb_tables()",
        "SELECT * FROM duckdb_functions()",
        "SELECT * FROM pragma_database_list",
        "SELECT definition FROM pg_views",
        "SELECT * FROM pg_catalog.pg_views",
        "SELECT view_definition FROM information_schema.views",
        "SELECT * FROM sqlite_master",
        "SELECT * FROM system.main.duckdb_views",
        "SELECT current_setting('allowed_directories')",
        "SHOW duckdb_views",
        "SHOW TABLES",
        # A CTE that shares a catalog view's name does not hide it from a CTE before it.
        "WITH a AS (SELECT * FROM duckdb_views), duckdb_views AS (SELECT 1) SELECT * FROM a",
        # Nor a non-recursive CTE from its own body.
        "WITH pg_views AS (SELECT * FROM pg_views) SELECT * FROM pg_views",
    ],
)
def test_nothing_prints_the_snapshot_paths(store: Path, sql, query: str) -> None:
    done = sql(query)
    assert done.code == 2, done.out
    assert str(store) not in done.out + done.err and ".parquet" not in done.out + done.err


def test_the_reader_cannot_open_the_key_even_when_asked_directly(store: Path) -> None:
    # The guard is the first line; the reader's allowed folders are the last: the snapshot folders only.
    con = Reader(store, {"township": (ZJG,)}).cursor()
    for secret in ("secret.key", "users.toml", "audit.log"):
        with pytest.raises(duckdb.Error, match="disabled by configuration|Permission"):
            con.execute("SELECT content FROM read_text($p)", {"p": str(store / secret)}).fetchall()
    assert con.execute("SELECT count(*) FROM villages").fetchall()[0][0] > 0


def test_every_table_a_township_user_can_name_is_scoped(store: Path, sql) -> None:
    county = Reader(store)
    names = county.public_tables()
    # Every table the reader holds is either one a user may name, or refused.
    held = {
        r[0]
        for r in county.cursor()
        .execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT internal "
            "UNION SELECT view_name FROM duckdb_views() WHERE NOT internal"
        )
        .fetchall()
    }
    for name in sorted(held | set(names)):
        done = sql(f"SELECT * FROM {name}")
        if name not in names:
            assert done.code == 2, name
            continue
        assert done.code == 0, (name, done.err)
        rows = json.loads(done.out)
        if rows and "township" in rows[0]:
            assert {r["township"] for r in rows} == {ZJG}, name
    for name in (
        "villages",
        "households",
        "party_orgs",
        "funds",
        "village_summary",
        "household_summary",
        "household_modes",
        "org_summary",
        "fund_summary",
        "poor_self_funding",
        "rejects",
    ):
        done = sql(f"SELECT DISTINCT township FROM {name}")
        assert json.loads(done.out) == [{"township": ZJG}], (name, done.out)


def test_rejects_and_import_log_show_a_township_user_only_their_own(store: Path, sql) -> None:
    # Hole 3: the county sees every rejected row and import; the township user theirs only.
    county_rejects = json.loads(sql("SELECT township, value FROM rejects", user=None).out)
    assert {r["township"] for r in county_rejects} == {"巡镇镇", ZJG}
    mine = json.loads(sql("SELECT township, file, value FROM rejects").out)
    assert {r["township"] for r in mine} == {ZJG} and "不是一个整顿状态" not in json.dumps(
        mine, ensure_ascii=False
    )
    log = json.loads(sql("SELECT file FROM import_log").out)
    assert log == [{"file": "村级台账_赵家沟乡_2017-10-15.csv"}]
    everything = json.loads(sql("SELECT count(*) AS n FROM import_log", user=None).out)
    assert everything[0]["n"] > 90


def test_ordinary_queries_still_run(store: Path, sql) -> None:
    query = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3), "
        "v AS (SELECT village FROM villages WHERE as_of = snapshot_day('villages', DATE '2017-10-13')) "
        "SELECT (SELECT count(*) FROM v) AS villages, (SELECT max(i) FROM n) AS n, "
        "(SELECT count(*) FROM range(5)) AS r, (SELECT count(*) FROM snapshot_days) > 0 AS days"
    )
    done = sql(query)
    assert done.code == 0, done.err
    assert json.loads(done.out) == [{"villages": 26, "n": 3, "r": 5, "days": True}]
    described = sql("DESCRIBE villages")
    assert described.code == 0 and "township" in described.out
