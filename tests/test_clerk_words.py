"""The data page speaks to a clerk about its own boxes, and its table says what its banner says.

A clerk who uploads a file without a date is pointed to the page's 数据截至日期 box, not to a
command-line option; a batch refused for its row errors is not called 可导入 in the table under
the refusal; and the page's words are a clerk's, not a programmer's.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import page_text

PAGE = "app_pages/data.py"
HEADER = "资金来源,金额（万元）,乡镇,村名,拨付日期,用途\n"
NO_DATE = HEADER + "财政专项资金,12.5,文笔镇,,2017-10-19,有效行\n"
ONE_BAD_ROW = NO_DATE + "财政专项资金,十二,文笔镇,,2017-10-19,金额错\n"


def _upload(at, name: str, data: str):
    at.file_uploader[0].set_value((name, data.encode("utf-8"), "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _verdicts(at) -> list[str]:
    changes = next(d.value for d in at.dataframe if "检查结果" in d.value.columns)
    return list(changes["检查结果"])


def test_a_file_without_a_date_is_pointed_to_the_pages_date_box(open_page, sample_copy: Path) -> None:
    at = _upload(open_page(PAGE, store=sample_copy), "资金台账.csv", NO_DATE)
    errors = " ".join(e.value for e in at.error)
    assert "无法确定数据截至日期" in errors
    assert "请在本页“数据截至日期（可选）”中选择日期" in errors
    assert "--as-of" not in errors
    # Typed in the box as a leader writes it, the day is taken and the file passes.
    at.text_input(key="upload_as_of").input("2017年10月20日").run()
    assert "检查通过" in " ".join(s.value for s in at.success)
    sheets = next(d.value for d in at.dataframe if "识别依据" in d.value.columns)
    assert list(sheets["数据截至"]) == ["2017年10月20日"]


def test_a_batch_refused_for_its_row_errors_is_refused_in_the_table_too(open_page, sample_copy: Path) -> None:
    at = _upload(open_page(PAGE, store=sample_copy), "资金台账_2017-10-20.csv", ONE_BAD_ROW)
    banner = " ".join(e.value for e in at.error)
    assert "按规定整批不导入" in banner
    assert _verdicts(at) == ["有行错误，整批不导入"]
    assert not [b for b in at.button if b.key == "upload_confirm"]
    at.checkbox(key="upload_allow_rejects").check().run()  # 只导入有效行: then it may land, and says how
    assert "确认后只导入 1 行有效行" in " ".join(w.value for w in at.warning)
    assert _verdicts(at) == ["可导入（只导入有效行）"]


def test_the_pages_words_are_a_clerks(open_page, sample_copy: Path) -> None:
    at = _upload(open_page(PAGE, store=sample_copy), "资金台账_2017-10-20.csv", NO_DATE)
    shown = page_text(at) + " ".join(str(c) for d in at.dataframe for c in d.value.columns)
    at.switch_page(PAGE)
    at.query_params["tab"] = "导入记录"
    at.run()
    shown += " ".join(str(c) for d in at.dataframe for c in d.value.columns)
    for word in ("全期", "去除合计行", "文件指纹", "toml", "--table", "--as-of", "sha256"):
        assert word not in shown, word
    assert "跳过的合计行" in shown and "导入后该日共有" in shown
