"""Every fact of docs/sample-facts.md, checked as a user would: import sample_data, then ask `sql`."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_module

DAY = "DATE '2017-10-13'"
COMPLETED = "('已搬迁', '已拆除复垦', '已销号')"


@pytest.fixture(scope="module")
def sql(tmp_path_factory: pytest.TempPathFactory):
    """Import sample_data with the real command, then run queries with the real `sql` command."""
    store = tmp_path_factory.mktemp("facts") / "store"
    done = run_module("--data-dir", store, "import", "sample_data", "--json")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    summary = json.loads(done.stdout)
    assert summary["status"] == "imported" and not summary["errors"]

    def ask(query: str) -> list[dict]:
        result = run_module("--data-dir", store, "sql", query, "--format", "json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    return ask


def one(rows: list[dict]) -> dict:
    assert len(rows) == 1, rows
    return rows[0]


def test_fact_1_deep_poverty_villages(sql) -> None:
    assert (
        one(sql(f"SELECT count(*) AS n FROM villages WHERE as_of = {DAY} AND poverty_class = '深度贫困村'"))[
            "n"
        ]
        == 33
    )


def test_facts_2_to_6_first_batch_completed(sql) -> None:
    villages = one(
        sql(
            f"""SELECT count(*) AS n,
                       count(*) FILTER (WHERE joint_branch) AS joint,
                       count(*) FILTER (WHERE hukou_transferred) AS hukou,
                       count(*) FILTER (WHERE relocation_status IN ('已拆除复垦', '已销号')) AS reclaimed
                FROM villages WHERE as_of = {DAY} AND relocation_batch = 1 AND relocation_status IN {COMPLETED}"""
        )
    )
    assert villages == {"n": 13, "joint": 12, "hukou": 13, "reclaimed": 13}
    households = one(
        sql(
            f"""SELECT count(*) AS households, sum(h.people) AS people,
                       bool_and(h.rooms_demolished > 0 AND h.reclaimed) AS all_demolished_and_reclaimed
                FROM households h JOIN villages v
                  ON v.as_of = h.as_of AND v.township = h.township AND v.village = h.village
                WHERE h.as_of = {DAY} AND v.relocation_batch = 1 AND v.relocation_status IN {COMPLETED}"""
        )
    )
    assert households == {"households": 189, "people": 425, "all_demolished_and_reclaimed": True}


def test_fact_7_weak_and_lax_organizations(sql) -> None:
    assert one(sql(f"SELECT count(*) AS n FROM party_orgs WHERE as_of = {DAY} AND weak_lax"))["n"] == 36


def test_fact_8_seventy_percent_past_zero(sql) -> None:
    row = one(
        sql(
            f"SELECT count(*) AS villages, round(100.0 * count(*) FILTER (WHERE collective_income_10k > 0) / count(*), 1) AS rate "
            f"FROM villages WHERE as_of = {DAY}"
        )
    )
    assert row["rate"] == 70.0
    assert 320 <= row["villages"] <= 360  # "about 340 administrative villages"


def test_fact_9_floating_party_members(sql) -> None:
    row = one(
        sql(
            f"SELECT sum(floating_members) AS n FROM party_orgs WHERE as_of = {DAY} AND org_type = '流动党员党支部'"
        )
    )
    assert row["n"] == 665


def test_facts_10_and_11_zhaojiagou_first_batch(sql) -> None:
    villages = one(
        sql(
            f"""SELECT count(*) AS n, min(completed_on) AS first, max(completed_on) AS last FROM villages
                WHERE as_of = {DAY} AND township = '赵家沟乡' AND relocation_batch = 1 AND relocation_status IN {COMPLETED}"""
        )
    )
    assert villages["n"] == 7
    assert villages["first"] >= "2017-05-01" and villages["last"] <= "2017-06-30"
    households = one(
        sql(
            f"""SELECT count(*) AS households, sum(people) AS people, sum(rooms_demolished) AS rooms,
                       sum(homestead_m2) AS area
                FROM households WHERE as_of = {DAY} AND township = '赵家沟乡' AND relocation_batch = 1"""
        )
    )
    assert households == {"households": 101, "people": 228, "rooms": 401, "area": 31788.0}


def test_fact_12_zhaojiagou_second_batch_in_preparation(sql) -> None:
    rows = sql(
        f"SELECT village, relocation_status FROM villages WHERE as_of = {DAY} AND township = '赵家沟乡' AND relocation_batch = 2"
    )
    assert len(rows) == 3
    assert "葫芦山村" in {r["village"] for r in rows}
    assert all(r["relocation_status"] in ("未启动", "动员中") for r in rows)


def test_facts_13_and_14_xiayupiwa_households(sql) -> None:
    where = f"as_of = {DAY} AND township = '巡镇镇' AND village = '下榆皮洼村'"
    totals = one(
        sql(
            "SELECT count(*) AS households, sum(people) AS people, count(*) FILTER (WHERE is_poor) AS poor, "
            f"sum(people) FILTER (WHERE is_poor) AS poor_people FROM households WHERE {where}"
        )
    )
    assert totals == {"households": 16, "people": 40, "poor": 3, "poor_people": 5}
    modes = sql(
        f"SELECT resettlement_mode AS mode, count(*) AS h, sum(people) AS p FROM households WHERE {where} GROUP BY 1"
    )
    assert {r["mode"]: (r["h"], r["p"]) for r in modes} == {
        "县城集中安置": (9, 28),
        "邻村就近安置": (2, 5),
        "外县安置": (3, 3),
        "中心村安置": (1, 3),
        "其他乡镇安置": (1, 1),
    }
    central = one(
        sql(f"SELECT resettled_at FROM households WHERE {where} AND resettlement_mode = '中心村安置'")
    )
    assert "巡镇" in central["resettled_at"]


def test_facts_15_and_16_receiving_village_and_pv(sql) -> None:
    moved = one(
        sql(f"SELECT receiving_village, pv_kw FROM villages WHERE as_of = {DAY} AND village = '下榆皮洼村'")
    )
    assert moved == {"receiving_village": "上榆皮洼村", "pv_kw": 200.0}
    receiving = one(sql(f"SELECT party_members FROM villages WHERE as_of = {DAY} AND village = '上榆皮洼村'"))
    assert receiving["party_members"] == 9


def test_fact_17_zhangjiaye_completed_in_first_batch(sql) -> None:
    row = one(
        sql(
            f"SELECT relocation_batch, relocation_status FROM villages WHERE as_of = {DAY} AND township = '沙坪乡' AND village = '张家也村'"
        )
    )
    assert row["relocation_batch"] == 1 and row["relocation_status"] in ("已搬迁", "已拆除复垦", "已销号")


def test_fact_18_funds_integrated(sql) -> None:
    rows = sql(f"SELECT source, sum(amount_10k) AS total FROM funds WHERE as_of = {DAY} GROUP BY source")
    sources = {r["source"] for r in rows}
    assert {"财政专项资金", "财政转贷资金", "脱贫双增长资金", "基础设施补助", "公共服务设施补助"} <= sources
    assert sum(r["total"] for r in rows) > 8000


def test_fact_19_self_funding_of_poor_households(sql) -> None:
    row = one(
        sql(
            f"""SELECT count(*) AS poor,
                       count(*) FILTER (WHERE coalesce(self_funded_yuan, 0) = 0) AS free,
                       count(*) FILTER (WHERE self_funded_yuan > 3000 * people OR self_funded_yuan > 8000) AS over_cap
                FROM households WHERE as_of = {DAY} AND is_poor"""
        )
    )
    assert row["free"] * 2 > row["poor"]
    assert row["over_cap"] == 0


def test_fact_20_second_batch_target(sql) -> None:
    targets = sql(
        "SELECT indicator, target, due FROM targets WHERE relocation_batch = 2 AND township IS NULL "
        "AND indicator IN ('villages_completed', 'households_moved', 'people_moved')"
    )
    assert {r["indicator"]: (r["target"], r["due"]) for r in targets} == {
        "villages_completed": (20, "2017-10-31"),
        "households_moved": (455, "2017-10-31"),
        "people_moved": (1052, "2017-10-31"),
    }
    planned = one(
        sql(
            f"SELECT count(*) AS v, sum(planned_households) AS h, sum(planned_people) AS p FROM villages WHERE as_of = {DAY} AND relocation_batch = 2"
        )
    )
    assert planned == {"v": 20, "h": 455, "p": 1052}
    ledger = one(
        sql(
            f"SELECT count(*) AS h, sum(people) AS p FROM households WHERE as_of = {DAY} AND relocation_batch = 2"
        )
    )
    assert ledger == {"h": 455, "p": 1052}


def test_weeks_run_fridays_from_may_to_october(sql) -> None:
    days = [r["as_of"] for r in sql("SELECT DISTINCT as_of FROM households ORDER BY 1")]
    assert days[0] == "2017-05-05" and days[-1] == "2017-10-13" and len(days) == 24
    first_batch_moved = sql(
        "SELECT as_of, count(*) FILTER (WHERE moved_on IS NOT NULL) AS moved FROM households "
        "WHERE relocation_batch = 1 GROUP BY as_of ORDER BY as_of"
    )
    moved = [r["moved"] for r in first_batch_moved]
    assert moved == sorted(moved) and moved[0] < 189 and moved[-1] == 189
