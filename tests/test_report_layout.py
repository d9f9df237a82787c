"""Where a long phone page is cut, and which words the report layout leaves out."""

from __future__ import annotations

import pytest

from tracker.weekly.report_layout import PART_HEIGHT, Boundary, cuts, without_hints


def _parts(height: float, at: list[float]) -> list[float]:
    edges = [0.0, *at, height]
    return [b - a for a, b in zip(edges, edges[1:])]


def test_a_short_page_is_not_cut() -> None:
    assert cuts(PART_HEIGHT, [Boundary(300, 0)]) == []


def test_cuts_fall_between_sections_when_a_part_stays_at_least_half_full() -> None:
    boundaries = [Boundary(700, 0), Boundary(1100, 1), Boundary(1900, 0), Boundary(2300, 2)]
    assert cuts(2600, boundaries) == [700.0, 1900.0]


def test_a_section_boundary_too_early_gives_way_to_a_block_or_a_row() -> None:
    # A section starts at 200 (a part of 200 px would be mostly empty); blocks end at 1150.
    assert cuts(2000, [Boundary(200, 0), Boundary(1150, 1)]) == [1150.0]
    # No block boundary either: the rows of a long table.
    rows = [Boundary(y, 2) for y in range(240, 5000, 36)]
    at = cuts(5000, [Boundary(200, 0), *rows])
    assert all(0 < part <= PART_HEIGHT for part in _parts(5000, at))
    assert set(at) <= {b.y for b in rows}


def test_a_block_taller_than_a_part_is_cut_through_only_where_nothing_else_fits() -> None:
    assert cuts(3000, []) == [PART_HEIGHT, 2 * PART_HEIGHT]


def test_parts_after_the_first_leave_room_for_the_header_line() -> None:
    at = cuts(5000, [], part=PART_HEIGHT - 60, first=PART_HEIGHT)
    parts = _parts(5000, at)
    assert parts[0] == PART_HEIGHT and all(p <= PART_HEIGHT - 60 for p in parts[1:])


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("村集体经济破零率（点击乡镇可筛选）", "村集体经济破零率"),
        ("各乡镇资金（万元，点击乡镇可筛选）", "各乡镇资金（万元）"),
        (
            "按搬迁户台账登记的安置方式统计，含尚未入住的户；点击乡镇可筛选。",
            "按搬迁户台账登记的安置方式统计，含尚未入住的户。",
        ),
        ("点击一行可筛选到该乡镇。", ""),
        ("点击一行（或在下方选择）查看该村搬迁户。", ""),
        ("名单见下方，可下载", "名单见下方"),
        (
            "赵家沟乡没有整村搬迁村。可在侧栏选择其他乡镇或批次，或清空乡镇查看全县。",
            "赵家沟乡没有整村搬迁村。",
        ),
        ("截至2017年10月13日，第一批已全部完成。", "截至2017年10月13日，第一批已全部完成。"),
    ],
)
def test_hints_are_left_out_and_the_rest_kept(text: str, shown: str) -> None:
    assert without_hints(text) == shown
