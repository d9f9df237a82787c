"""The province generator: many counties of weekly ledgers, consistent and reproducible.

The files are read back with pandas (every cell as text), not with the project's importer,
so that these tests say what the files contain; the last tests then hand them to the
importer.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from synth.province import fridays, generate
from tracker.contract import schema

COUNTIES, WEEKS = 2, 3
DAYS = [day.isoformat() for day in fridays(WEEKS)]
LEDGERS = {
    "villages": ("村级台账", schema.VILLAGES),
    "households": ("搬迁户台账", schema.HOUSEHOLDS),
    "party_orgs": ("党组织台账", schema.PARTY_ORGS),
    "funds": ("资金台账", schema.FUNDS),
}
COLUMNS = {
    "villages": (
        "township", "village", "poverty_class", "relocation_batch", "relocation_status",
        "planned_households", "planned_people", "completed_on", "receiving_village",
        "hukou_transferred", "joint_branch", "party_members", "collective_income_10k", "pv_kw",
    ),
    "households": (
        "household_id", "id_hash", "head_name_masked", "township", "village", "relocation_batch",
        "is_poor", "people", "resettlement_mode", "resettled_at", "moved_on", "rooms_demolished",
        "homestead_m2", "reclaimed", "subsidy_yuan", "self_funded_yuan", "hukou_transferred",
        "income_per_capita_yuan", "livelihood",
    ),
    "party_orgs": (
        "township", "org_name", "org_type", "members", "weak_lax", "rectification_status",
        "rectified_on", "first_secretary", "floating_members",
    ),
    "funds": ("source", "amount_10k", "township", "village", "allocated_on", "purpose"),
}  # fmt: skip
STAGE = {name: rank for rank, name in enumerate(schema.RELOCATION_STAGES)}
RECTIFIED = {name: rank for rank, name in enumerate(schema.RECTIFICATION_STAGES)}
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small region, generated once for the module."""
    folder = tmp_path_factory.mktemp("province")
    summary = generate(COUNTIES, WEEKS, folder)
    assert summary["weeks"] == DAYS
    assert summary["files"] == 2 + 4 * WEEKS
    return folder


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _ledger(out: Path, table: str, day: str) -> pd.DataFrame:
    label, contract = LEDGERS[table]
    frame = _read(out / "weekly" / day / f"{label}_{day}.csv")
    names = {contract.column(name).headers[0]: name for name in COLUMNS[table]}
    return frame.rename(columns={"县": "county", **names})


@pytest.fixture(scope="module")
def ledgers(out: Path) -> dict[str, dict[str, pd.DataFrame]]:
    """Every ledger of every week, with contract column names (and `county`)."""
    return {table: {day: _ledger(out, table, day) for day in DAYS} for table in LEDGERS}


@pytest.fixture(scope="module")
def region(out: Path) -> dict:
    return tomllib.loads((out / "region.toml").read_text(encoding="utf-8"))


def _id_valid(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    return len(number) == 18 and number[:17].isdigit() and "10X98765432"[total % 11] == number[17]


# --------------------------------------------------------------------------- layout


def test_files_and_headers(out: Path) -> None:
    assert (out / "region.toml").is_file()
    assert sorted(p.name for p in (out / "weekly").iterdir()) == DAYS
    for day in DAYS:
        for table, (label, contract) in LEDGERS.items():
            path = out / "weekly" / day / f"{label}_{day}.csv"
            header = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
            expected = ["县", *(contract.column(name).headers[0] for name in COLUMNS[table])]
            assert header.split(",") == expected, path.name
            assert not path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 without BOM
    targets = _read(out / "目标任务_2017-05-05.csv")
    assert list(targets.columns) == ["县", "指标", "批次", "乡镇", "目标值", "完成时限", "说明"]


def test_region_config(region: dict, ledgers: dict) -> None:
    assert region["name"] == "山西省（模拟）" and region["province"] == "山西省"
    counties = region["counties"]
    assert len(counties) == COUNTIES
    assert len({c["name"] for c in counties}) == len({c["code"] for c in counties}) == COUNTIES
    villages = ledgers["villages"][DAYS[0]]
    for county in counties:
        towns = county["townships"]
        assert 8 <= len(towns) <= 15
        assert len({t["name"] for t in towns}) == len(towns)
        assert all(t["code"].startswith(county["code"]) and len(t["code"]) == 9 for t in towns)
        spellings = [s for t in towns for s in (t["name"], *t["aliases"])]
        assert len(set(spellings)) == len(spellings)
        own = villages[villages["county"] == county["name"]]
        assert len(own) == county["villages_expected"]
        assert 250 <= len(own) <= 350
        assert set(own["township"]) <= {t["name"] for t in towns}


# --------------------------------------------------------------------------- keys and values


def test_keys_unique_and_townships_known(region: dict, ledgers: dict) -> None:
    towns = {c["name"]: {t["name"] for t in c["townships"]} for c in region["counties"]}
    for day in DAYS:
        villages, households = ledgers["villages"][day], ledgers["households"][day]
        orgs = ledgers["party_orgs"][day]
        assert not villages.duplicated(["county", "township", "village"]).any()
        assert not households["household_id"].duplicated().any()
        assert households["household_id"].str.fullmatch(r"\d{16}").all()
        assert not orgs["org_name"].duplicated().any()
        assert (orgs.apply(lambda r: r["org_name"].startswith(r["county"]), axis=1)).all()
        for frame in (villages, households, orgs):
            assert frame.apply(lambda r: r["township"] in towns[r["county"]], axis=1).all()
        funds = ledgers["funds"][day]
        named = funds[funds["township"] != ""]
        assert named.apply(lambda r: r["township"] in towns[r["county"]], axis=1).all()


def test_household_ids_carry_the_township_code(region: dict, ledgers: dict) -> None:
    codes = {(c["name"], t["name"]): t["code"] for c in region["counties"] for t in c["townships"]}
    households = ledgers["households"][DAYS[0]]
    prefix = households.apply(lambda r: codes[(r["county"], r["township"])], axis=1)
    assert (households["household_id"].str[:9] == prefix).all()


def test_id_numbers_valid(ledgers: dict) -> None:
    numbers = ledgers["households"][DAYS[-1]]["id_hash"]
    assert numbers.map(_id_valid).all()
    assert not numbers.str.endswith("000").any()
    assert not numbers.duplicated().any()
    names = ledgers["households"][DAYS[-1]]["head_name_masked"]
    assert names.str.len().between(2, 3).all()


def test_enums_and_conditional_requirements(ledgers: dict) -> None:
    for day in DAYS:
        villages, households = ledgers["villages"][day], ledgers["households"][day]
        orgs = ledgers["party_orgs"][day]
        batch = villages["relocation_batch"] != ""
        assert set(villages.loc[batch, "relocation_batch"]) == {"1", "2"}
        assert set(villages.loc[batch, "relocation_status"]) <= set(schema.RELOCATION_STAGES)
        assert (villages.loc[~batch, "relocation_status"] == "").all()
        assert set(villages["poverty_class"]) <= set(schema.POVERTY_CLASSES)
        assert set(households["resettlement_mode"]) <= set(schema.RESETTLEMENT_MODES)
        assert set(households["relocation_batch"]) == {"1", "2"}
        assert households["people"].astype(int).between(1, 6).all()
        assert set(orgs["org_type"]) <= set(schema.ORG_TYPES)
        weak = orgs["weak_lax"] == "是"
        assert set(orgs.loc[weak, "rectification_status"]) <= set(schema.RECTIFICATION_STAGES)
        assert (orgs.loc[~weak, "rectification_status"] == "").all()
        for frame, flags in (
            (villages, ("hukou_transferred", "joint_branch")),
            (households, ("is_poor", "reclaimed", "hukou_transferred")),
            (orgs, ("weak_lax",)),
        ):
            for flag in flags:
                assert set(frame[flag]) <= {"是", "否", ""}, flag
        for frame, column in ((villages, "completed_on"), (households, "moved_on"), (orgs, "rectified_on")):
            filled = frame.loc[frame[column] != "", column]
            assert filled.map(lambda s: dt.date.fromisoformat(s).isoformat() == s).all()
            assert (filled <= day).all()


def test_plausible_scale(ledgers: dict) -> None:
    villages, households = ledgers["villages"][DAYS[0]], ledgers["households"][DAYS[0]]
    relocating = villages[villages["relocation_batch"] != ""]
    assert 0.08 <= len(relocating) / len(villages) <= 0.14
    assert 0.3 <= (relocating["relocation_batch"] == "1").mean() <= 0.5
    assert 2500 * COUNTIES <= len(households) <= 6500 * COUNTIES
    assert 2.0 <= households["people"].astype(int).mean() <= 2.6
    zero_break = (villages["collective_income_10k"] != "0").mean()
    assert 0.5 <= zero_break <= 0.6


# --------------------------------------------------------------------------- consistency


def test_households_constant_and_in_their_villages(ledgers: dict) -> None:
    first = ledgers["households"][DAYS[0]]
    for day in DAYS:
        households, villages = ledgers["households"][day], ledgers["villages"][day]
        assert list(households["household_id"]) == list(first["household_id"])
        key = ["county", "township", "village"]
        relocating = villages[villages["relocation_batch"] != ""].set_index(key)
        village_batch = relocating["relocation_batch"].rename("village_batch")
        joined = households.join(village_batch, on=key)
        assert (joined["relocation_batch"] == joined["village_batch"]).all()
        counts = households.groupby(key).size()
        people = households.assign(people=households["people"].astype(int)).groupby(key)["people"].sum()
        assert (relocating["planned_households"].astype(int) == counts.reindex(relocating.index)).all()
        assert (relocating["planned_people"].astype(int) == people.reindex(relocating.index)).all()


def test_village_progress_agrees_with_households(ledgers: dict) -> None:
    key = ["county", "township", "village"]
    for day in DAYS:
        households, villages = ledgers["households"][day], ledgers["villages"][day]
        moved = households.assign(moved=households["moved_on"] != "").groupby(key)
        summary = pd.DataFrame({"all": moved["moved"].all(), "any": moved["moved"].any()})
        summary["last"] = households.groupby(key)["moved_on"].max()
        relocating = villages[villages["relocation_batch"] != ""].set_index(key).join(summary)
        rank = relocating["relocation_status"].map(STAGE)
        assert ((rank >= STAGE["已搬迁"]) == relocating["all"]).all()
        assert ((rank >= STAGE["搬迁中"]) == relocating["any"]).all()
        done = relocating[rank >= STAGE["已搬迁"]]
        assert (done["completed_on"] == done["last"]).all()
        assert (relocating.loc[rank < STAGE["已搬迁"], "completed_on"] == "").all()


def test_progress_only_moves_forward(ledgers: dict) -> None:
    key = ["county", "township", "village"]
    previous: dict[str, pd.DataFrame] = {}
    for day in DAYS:
        villages = ledgers["villages"][day].set_index(key)
        households = ledgers["households"][day].set_index("household_id")
        orgs = ledgers["party_orgs"][day].set_index("org_name")
        if previous:
            before = previous["villages"]
            stage = villages["relocation_status"].map(STAGE).fillna(-1)
            assert (stage >= before["relocation_status"].map(STAGE).fillna(-1)).all()
            was_moved = previous["households"]["moved_on"] != ""
            assert (
                households.loc[was_moved.index[was_moved], "moved_on"]
                == previous["households"].loc[was_moved, "moved_on"]
            ).all()
            income = villages["collective_income_10k"].astype(float)
            assert (income >= before["collective_income_10k"].astype(float)).all()
            common = orgs.index.intersection(previous["orgs"].index)
            weak = common[orgs.loc[common, "weak_lax"] == "是"]
            now = orgs.loc[weak, "rectification_status"].map(RECTIFIED)
            assert (now >= previous["orgs"].loc[weak, "rectification_status"].map(RECTIFIED)).all()
            assert len(ledgers["funds"][day]) >= len(previous["funds"])
        previous = {
            "villages": villages,
            "households": households,
            "orgs": orgs,
            "funds": ledgers["funds"][day],
        }


def test_targets_match_the_ledgers(out: Path, ledgers: dict) -> None:
    targets = _read(out / "目标任务_2017-05-05.csv")
    villages, households = ledgers["villages"][DAYS[0]], ledgers["households"][DAYS[0]]
    orgs = ledgers["party_orgs"][DAYS[0]]
    assert set(targets["指标"]) <= set(schema.INDICATORS)
    assert (targets["乡镇"] == "").all()
    for county in [*villages["county"].unique(), ""]:
        rows = targets[targets["县"] == county].set_index(["指标", "批次"])["目标值"].astype(float)
        mine = villages if not county else villages[villages["county"] == county]
        homes = households if not county else households[households["county"] == county]
        weak = orgs if not county else orgs[orgs["county"] == county]
        for batch in ("1", "2"):
            assert rows["villages_completed", batch] == (mine["relocation_batch"] == batch).sum()
            assert rows["households_moved", batch] == (homes["relocation_batch"] == batch).sum()
            people = homes.loc[homes["relocation_batch"] == batch, "people"].astype(int).sum()
            assert rows["people_moved", batch] == people
        assert rows["zero_break_rate", ""] == 75
        assert rows["weak_orgs_rectified", ""] == (weak["weak_lax"] == "是").sum()
        assert rows["funds_10k", ""] > 0


# --------------------------------------------------------------------------- reproducible


def test_deterministic(out: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(COUNTIES, WEEKS, again)
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for name in files:
        assert filecmp.cmp(out / name, again / name, shallow=False), name
    other = tmp_path / "other"
    generate(COUNTIES, 1, other, seed=7)
    assert (other / "region.toml").read_bytes() != (out / "region.toml").read_bytes()


# --------------------------------------------------------------------------- importing


def _county_toml(county: dict) -> str:
    lines = [f'name = "{county["name"]}"', f'code = "{county["code"]}"']
    for town in county["townships"]:
        aliases = ", ".join(f'"{a}"' for a in town["aliases"])
        lines += [
            "[[townships]]",
            f'name = "{town["name"]}"',
            f'code = "{town["code"]}"',
            f"aliases = [{aliases}]",
        ]
    return "\n".join(lines) + "\n"


def test_one_county_imports_without_row_errors(tmp_path: Path) -> None:
    """One county's ledgers, under a one-county configuration, import with no row error."""
    from tracker.ingest.importer import import_paths

    generated = tmp_path / "one"
    generate(1, 2, generated)
    county = tomllib.loads((generated / "region.toml").read_text(encoding="utf-8"))["counties"][0]
    (generated / "region.toml").unlink()
    (generated / "目标任务_2017-05-05.csv").unlink()  # its region-wide rows need a multi-county importer
    (generated / "county.toml").write_text(_county_toml(county), encoding="utf-8")
    outcome = import_paths([generated], tmp_path / "store")
    assert outcome.file_problems == []
    assert [e.describe() for e in outcome.errors[:5]] == []
    assert outcome.status == 0


def test_region_imports_without_row_errors(out: Path, ledgers: dict, tmp_path: Path) -> None:
    """The whole folder, region.toml included, imports with no row error and 县 understood.

    Needs the importer's multi-county support (region.toml's `[[counties]]`, the 县 column).
    """
    from tracker.ingest.importer import import_paths

    outcome = import_paths([out], tmp_path / "store")
    assert outcome.file_problems == []
    assert [e.describe() for e in outcome.errors[:5]] == []
    assert outcome.status == 0
    for sheet in outcome.sheets:
        assert "县" not in sheet.unknown_columns, sheet.file
    accepted: dict[tuple[str, str], int] = {}
    for sheet in outcome.sheets:
        key = (sheet.table, sheet.as_of.isoformat())
        accepted[key] = accepted.get(key, 0) + sheet.accepted
    for table in LEDGERS:
        for day in DAYS:
            assert accepted[(table, day)] == len(ledgers[table][day]), (table, day)


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from synth.province import main

    assert main(["--counties", "1", "--weeks", "1", "--out", str(tmp_path / "cli")]) == 0
    assert "已生成 1 个县、1 周的模拟台账" in capsys.readouterr().out
    assert (tmp_path / "cli" / "weekly" / "2017-05-05" / "搬迁户台账_2017-05-05.csv").is_file()
    with pytest.raises(SystemExit):
        main(["--counties", "0", "--weeks", "1", "--out", str(tmp_path / "none")])
