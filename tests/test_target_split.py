"""分解 on the data page: a county target split by township, saved as targets rows through the importer.

The shares offered are each township's by its own ledgers (checked here against read-only SQL over
the village ledger); saving them makes them assigned targets (no longer 按台账计划 on the pages);
a share the importer refuses (an unknown township) changes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from tests.conftest import open_tab
from tracker.ingest import upload_review
from tracker.ingest.importer import import_uploads
from tracker.store import queries
from tracker.store.reader import Reader
from tracker.store.sql_console import run_read_only

AS_OF = dt.date(2017, 10, 13)
CHOICE = "第二批搬迁入住户数（全县 455 户）"  # SAMPLE_FACTS 20


def _targets(store: Path) -> pd.DataFrame:
    return queries.run(Reader(store).cursor(), "targets_in_force", as_of=AS_OF)


def _planned(store: Path) -> dict[str, int]:
    rows = run_read_only(
        store,
        "SELECT township, sum(planned_households) FROM villages WHERE as_of = DATE '2017-10-13' "
        "AND relocation_batch = 2 GROUP BY 1",
    )[1]
    return {t: int(n) for t, n in rows}


def test_saving_the_offered_split_assigns_each_township_its_ledgers_share(
    open_page, sample_copy: Path
) -> None:
    at = open_tab(open_page("app_pages/data.py", store=sample_copy), "目标任务")
    at.selectbox(key="target_split_choice").set_value(CHOICE).run()
    assert not at.exception
    at.button(key="target_split_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已分解到乡镇并保存" in s.value for s in at.success)
    saved = _targets(sample_copy)
    split = saved[(saved["indicator"] == "households_moved") & (saved["relocation_batch"] == 2)]
    shares = {t: int(v) for t, v in zip(split["township"], split["target"]) if isinstance(t, str)}
    planned = _planned(sample_copy)
    assert shares == planned and sum(shares.values()) == 455
    assert set(split.loc[split["township"].notna(), "due"].astype(str)) == {"2017-10-31"}
    # Every other target is still there, as it was.
    before = _targets_without(_targets_of_sample(), ("households_moved", 2))
    after = _targets_without(saved, ("households_moved", 2))
    pd.testing.assert_frame_equal(before, after)
    # The township's card now shows an assigned target: no 按台账计划 beside it.
    overview = open_page(store=sample_copy, township=["赵家沟乡"])
    card = next(
        b
        for h in overview.get("html")
        for b in h.proto.body.split('<div class="kpi"')
        if '<div class="label">第二批搬迁入住户数</div>' in b
    )
    assert f"目标 {planned['赵家沟乡']} 户" in card and "按台账计划" not in card


def _targets_of_sample() -> pd.DataFrame:
    from tracker.contract.paths import SAMPLE_DIR

    text = next(SAMPLE_DIR.glob("目标任务_*.csv")).read_text(encoding="utf-8")
    rows = [line.split(",") for line in text.splitlines()[1:]]
    return pd.DataFrame(
        {
            "indicator": [r[0] for r in rows],
            "relocation_batch": [int(r[1]) if r[1] else None for r in rows],
            "township": [r[2] or None for r in rows],
            "target": [float(r[3]) for r in rows],
        }
    )


def _targets_without(frame: pd.DataFrame, split: tuple[str, int]) -> pd.DataFrame:
    keep = ~((frame["indicator"] == split[0]) & (frame["relocation_batch"] == split[1]))
    rows = frame.loc[keep, ["indicator", "relocation_batch", "township", "target"]]
    rows = rows.assign(
        relocation_batch=[None if pd.isna(b) else int(b) for b in rows["relocation_batch"]],
        township=[t if isinstance(t, str) else None for t in rows["township"]],
        target=rows["target"].astype(float),
    )
    return rows.sort_values(["indicator", "relocation_batch", "township"], na_position="first").reset_index(
        drop=True
    )


def test_a_share_the_importer_refuses_changes_nothing(sample_copy: Path) -> None:
    before = _targets(sample_copy)
    editing = upload_review.targets_for_editing(before)
    rows = upload_review.with_township_split(
        editing,
        "households_moved",
        2,
        {"赵家沟乡": 48, "不存在乡": 7},
        dt.date(2017, 10, 31),
        "第二批搬迁户数",
    )
    outcome = import_uploads(
        [(upload_review.targets_file_name(AS_OF), upload_review.targets_csv(rows))],
        sample_copy,
        as_of=AS_OF,
        table="targets",
        replace_all=True,
    )
    assert not outcome.landed and outcome.errors
    assert any("不存在乡" in str(e.value) for e in outcome.errors)
    pd.testing.assert_frame_equal(_targets(sample_copy), before)


def test_a_split_replaces_only_that_targets_township_rows() -> None:
    editing = pd.DataFrame(
        {
            "指标": ["搬迁入住户数", "搬迁入住户数", "搬迁入住户数", "搬迁入住人数"],
            "批次": pd.array([2, 2, 1, 2], dtype="Int64"),
            "乡镇": ["", "甲乡", "甲乡", "甲乡"],
            "目标值": pd.array([100.0, 30.0, 5.0, 60.0], dtype="Float64"),
            "完成时限": pd.to_datetime(["2017-10-31"] * 4).astype("datetime64[s]"),
            "说明": ["全县", "甲", "甲一", "甲人"],
        }
    ).replace({"乡镇": {"": None}})
    out = upload_review.with_township_split(
        editing,
        "households_moved",
        2,
        {"甲乡": 40, "乙乡": 60, "丙乡": 0},
        dt.date(2017, 10, 31),
        "第二批搬迁户数",
    )
    mine = out[(out["指标"] == "搬迁入住户数") & (out["批次"] == 2) & out["乡镇"].notna()]
    assert dict(zip(mine["乡镇"], mine["目标值"])) == {"甲乡": 40.0, "乙乡": 60.0}  # no row for a share of 0
    assert set(mine["说明"]) == {"甲乡第二批搬迁户数", "乙乡第二批搬迁户数"}
    # The county row, the first batch's and the people target are kept as they were.
    assert len(out) == 3 + 2
    assert (out["说明"] == "甲一").sum() == 1 and (out["说明"] == "甲人").sum() == 1
