"""Pages stay thin: a page reads the filters, runs named queries, calls the section and figure
builders of ui/ and draws. A page that grows its own sections or its own column headings is where
two pages start to say the same thing differently (the relocation page and the overview once each
had their own word for 已入住户); the headings live once, in tracker/present/column_labels.py.

Read from the source (ast), not run: what is checked is how the page is written.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "app_pages").glob("*.py"))
UI = sorted((ROOT / "ui").glob("*.py"))
PAGE_LINES = 150
MODULE_LINES = 400
COLUMN_NAME = re.compile(r"[a-z][a-z0-9_]*")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _maps_columns_to_headings(node: ast.expr | None) -> bool:
    """A dict literal with a snake_case column name mapped to a Chinese heading."""
    if not isinstance(node, ast.Dict):
        return False
    return any(
        isinstance(k, ast.Constant)
        and isinstance(k.value, str)
        and COLUMN_NAME.fullmatch(k.value)
        and isinstance(v, ast.Constant)
        and isinstance(v.value, str)
        and CHINESE.search(v.value)
        for k, v in zip(node.keys, node.values)
    )


def column_label_dicts(source: str) -> list[int]:
    """The lines where a dict of column names to Chinese headings is kept under a name or given to
    `rename(columns=...)`. (A chart's series labels, passed to its builder, are not headings.)"""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and _maps_columns_to_headings(node.value):
            found.append(node.lineno)
        elif (
            isinstance(node, ast.keyword) and node.arg == "columns" and _maps_columns_to_headings(node.value)
        ):
            found.append(node.value.lineno)
    return found


def test_the_check_finds_a_heading_dictionary_written_in_a_page() -> None:
    written = """
TOWNSHIP_COLUMNS = {"township": "乡镇", "households_moved": "已入住户"}
shown = log.rename(columns={"imported_at": "导入时间"})
config = {"入住比例（%）": PERCENT}
tabs = {"success": st.success}
trend = charts.progress_over_time(series, "as_of", {"zero_break_rate": "破零率"})
"""
    assert column_label_dicts(written) == [2, 3]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_a_page_is_at_most_150_lines(page: Path) -> None:
    lines = len(page.read_text(encoding="utf-8").splitlines())
    assert lines <= PAGE_LINES, f"{page.name}: {lines} lines; its sections belong in a ui/ module"


@pytest.mark.parametrize("module", PAGES + UI, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_page_or_ui_module_writes_its_own_column_headings(module: Path) -> None:
    found = column_label_dicts(module.read_text(encoding="utf-8"))
    assert not found, f"{module.name}, lines {found}: headings belong in tracker/present/column_labels.py"


@pytest.mark.parametrize("module", UI, ids=lambda p: p.name)
def test_a_ui_module_holds_one_idea_in_at_most_400_lines(module: Path) -> None:
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MODULE_LINES, f"ui/{module.name}: {lines} lines; split it by what it holds"
