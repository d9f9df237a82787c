"""The data page and the pages after a partial import, in AppTest: the dry run's before-and-after
table for every upload, the shrink guard with and without 只导入有效行, the replace-all confirmation
and its audit line, the ledger selector, and each township's own 数据截至 on the pages.

Expected figures come from the sample's own export file, read here with the csv module.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import page_text
from tracker import access
from tracker.contract.paths import SAMPLE_DIR
from tracker.ingest.importer import import_uploads
from tracker.store import queries
from tracker.store.manifest import read_manifest
from tracker.store.reader import Reader

PAGE = "app_pages/data.py"
PASSWORD = "correct horse battery"


def _villages() -> tuple[list[str], list[list[str]]]:
    with open(
        SAMPLE_DIR / "weekly" / "2017-10-13" / "村级台账_2017-10-13.csv", encoding="gbk", newline=""
    ) as f:
        rows = list(csv.reader(f))
    return rows[1], [r for r in rows[2:] if any(r) and r[0] != "合计"]


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(r) for r in rows).encode("utf-8")


def _upload(at, name: str, data: bytes):
    at.file_uploader[0].set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _frame(at, first_column: str, second: str):
    return next(d.value for d in at.dataframe if list(d.value.columns)[:2] == [first_column, second])


def _village_count(data_dir: Path, day: str) -> int:
    cursor = Reader(data_dir).cursor()
    return cursor.execute("SELECT count(*) FROM villages WHERE as_of = $d", {"d": day}).fetchall()[0][0]


def test_every_upload_shows_the_rows_before_and_after_what_it_replaces(open_page, sample_copy: Path) -> None:
    header, rows = _villages()
    township = [r for r in rows if r[0] == "赵家沟乡"]
    at = _upload(open_page(PAGE, store=sample_copy), "村级台账_2017-10-20.csv", _csv([header, *township]))
    changes = _frame(at, "台账", "数据截至")
    assert changes.to_dict("records") == [
        {
            "台账": "村级台账",
            "数据截至": "2017年10月20日",
            "替换范围": "赵家沟乡",
            "上期截至": "2017年10月13日",
            "上期": f"{len(township)} 个村",
            "本次": f"{len(township)} 个村",
            "变化": "+0 个村",
            "变化（%）": 0.0,
            "导入后该日共有": f"{len(rows)} 个村",
            "检查结果": "可导入",
        }
    ]
    sheets = _frame(at, "文件", "工作表")
    assert sheets.iloc[0]["识别依据"].startswith("村级台账（按表头识别：乡镇、村名")
    assert [b for b in at.button if b.key == "upload_confirm"]


@pytest.mark.parametrize("allow", [False, True], ids=["all rows", "只导入有效行"])
def test_a_shrinking_upload_is_refused_with_the_numbers(open_page, sample_copy: Path, allow: bool) -> None:
    header, rows = _villages()
    township = [r for r in rows if r[0] == "赵家沟乡"]
    before = read_manifest(sample_copy)
    at = open_page(PAGE, store=sample_copy)
    if allow:
        at.checkbox(key="upload_allow_rejects").check().run()
    at = _upload(at, "村级台账_2017-10-13.csv", _csv([header, *township[:5]]))
    drop = 100 * (len(township) - 5) / len(township)
    assert (
        f"村级台账（赵家沟乡）：上期 {len(township)} 个村，本次仅 5 个村（减少 {drop:.1f}%），超过 20% 的缩减上限；"
        "如确需整体替换，请勾选“整体替换本期数据”后重新检查"
    ) in [e.value for e in at.error]
    assert _frame(at, "台账", "数据截至").iloc[0]["检查结果"] == "减少过多，不能导入"
    assert not [b for b in at.button if b.key == "upload_confirm"]
    assert read_manifest(sample_copy) == before


def test_replace_all_needs_its_confirmation_and_the_audit_log_names_the_clerk(
    open_page, sample_copy: Path
) -> None:
    access.add_user(access.users_path(sample_copy), "clerk", "录入员", "clerk", [], PASSWORD)
    at = open_page(store=sample_copy)
    at.text_input(key="sign_in_login").input("clerk")
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.get("form_submit_button")[0].click()
    at.run()
    at.switch_page(PAGE).run()
    header, rows = _villages()
    at.checkbox(key="upload_replace_all").check().run()
    assert any("文件未包含的乡镇将被删除" in w.value for w in at.warning)
    at = _upload(at, "村级台账_2017-10-13.csv", _csv([header, *rows[:5]]))
    assert _frame(at, "台账", "数据截至").iloc[0]["替换范围"] == "该日全部数据"
    at.button(key="upload_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "导入完成" in page_text(at)
    assert _village_count(sample_copy, "2017-10-13") == 5
    record = [r for r in access.read_audit(sample_copy) if r["action"] == "import"][-1]
    assert record["who"] == "clerk" and record["details"]["replace_all"] is True
    assert record["details"]["replaced"] == [
        {"table": "villages", "as_of": "2017-10-13", "before": 340, "after": 5}
    ]


def test_the_ledger_selector_reads_a_file_as_the_chosen_ledger_or_says_why_not(
    open_page, sample_copy: Path
) -> None:
    header, rows = _villages()
    at = open_page(PAGE, store=sample_copy)
    at.selectbox(key="upload_table").set_value("党组织台账").run()
    at = _upload(at, "村级台账_2017-10-20.csv", _csv([header, *rows]))
    problems = " ".join(e.value for e in at.error)
    assert "无法按党组织台账导入" in problems and "缺少：党组织名称" in problems
    at.selectbox(key="upload_table").set_value("村级台账").run()
    assert _frame(at, "文件", "工作表").iloc[0]["识别依据"] == "村级台账（按所选“台账类型”）"


@pytest.fixture
def partly_updated(sample_copy: Path) -> Path:
    """The sample store after a village ledger of 2017-10-20 that leaves out 赵家沟乡."""
    header, rows = _villages()
    others = [r for r in rows if r[0] != "赵家沟乡"]
    outcome = import_uploads([("村级台账_2017-10-20.csv", _csv([header, *others]))], sample_copy)
    assert outcome.status == 0, (outcome.file_problems, outcome.errors[:3])
    return sample_copy


def test_the_freshness_line_names_the_township_whose_rows_are_older(open_page, partly_updated: Path) -> None:
    at = open_page(store=partly_updated)
    line = next(h.proto.body for h in at.get("html") if 'class="freshness"' in h.proto.body)
    assert "村级台账 2017年10月20日（340 行；其中 赵家沟乡 截至 2017年10月13日）" in line
    assert "搬迁户台账 2017年10月13日（644 行）" in line
    # every township is still counted on 2017-10-20, 赵家沟乡 with its rows of 2017-10-13
    cursor = Reader(partly_updated).cursor()
    towns = queries.run(cursor, "collective_by_township", as_of=dt.date(2017, 10, 20), township=[])
    assert len(towns) == 13 and int(towns["villages"].sum()) == 340


def test_each_page_says_when_the_townships_it_shows_are_older(open_page, partly_updated: Path) -> None:
    note = "部分乡镇本期未更新，沿用此前的数据（村级台账：赵家沟乡 截至 2017年10月13日）"
    shown = open_page("app_pages/collective.py", store=partly_updated, township=["赵家沟乡"])
    assert note in [c.value for c in shown.caption]
    assert "数据截至 2017年10月20日" in page_text(shown)
    other = open_page("app_pages/collective.py", store=partly_updated, township=["巡镇镇"])
    assert not [c.value for c in other.caption if "本期未更新" in c.value]
    whole = open_page("app_pages/relocation.py", store=partly_updated)
    assert note in [c.value for c in whole.caption]


def test_the_national_modes_keep_their_own_names_and_colours_on_the_relocation_page(
    open_page, tmp_path: Path
) -> None:
    from tests.plotly_spec import figure
    from tracker.present import theme

    header = "乡镇,迁出村,户编号,人口数,搬迁批次,安置方式,安置类型\n"
    body = [
        "赵家沟乡,葫芦山村,H001,3,1,集中安置,县城",
        "赵家沟乡,葫芦山村,H002,2,1,集中安置,集镇",
        "赵家沟乡,葫芦山村,H003,4,1,集中安置,",
        "赵家沟乡,葫芦山村,H004,1,1,分散安置,投亲靠友",
        "赵家沟乡,葫芦山村,H005,2,1,分散安置,插花",
    ]
    villages = "乡镇,村名,搬迁批次,搬迁进度\n赵家沟乡,葫芦山村,1,搬迁中\n"
    outcome = import_uploads(
        [
            ("搬迁户台账_2017-10-13.csv", (header + "\n".join(body)).encode()),
            ("村级台账_2017-10-13.csv", villages.encode()),
        ],
        tmp_path / "s",
    )
    assert outcome.status == 0, (outcome.file_problems, outcome.errors)
    at = open_page("app_pages/relocation.py", store=tmp_path / "s", tab="安置方式")
    chart = figure(at, "全部搬迁户按安置方式")["data"][0]
    shown = dict(zip(chart["y"], chart["x"]))
    assert shown == {"县城集中安置": 1, "集镇集中安置": 1, "集中安置": 1, "投亲靠友安置": 1, "插花安置": 1}
    colours = dict(zip(chart["y"], chart["marker"]["color"]))
    assert colours == {mode: theme.MODE_COLOURS[mode] for mode in shown}
    assert len(set(colours.values())) == 5  # five modes, five colours: none falls back to grey
