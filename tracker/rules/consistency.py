"""Checks across ledgers: records that each pass the importer's rules but contradict one another.

The importer checks one file at a time; it cannot know that a village the
village ledger calls 已搬迁 still has households without a 入住日期 in the
household ledger, or that a household names a village the village ledger does
not have. Each check is a named query (`queries/data_check_*.sql`, where the
check is written, applying the same rule macros as every page: a village is
completed when `is_completed` says so); this module lists them with the words
the data page shows (the page runs each; nothing else does yet).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    """One consistency check: its query, a title, what to do about it, and Chinese column headers."""

    query: str
    title: str
    advice: str
    columns: dict[str, str]


CHECKS: tuple[Check, ...] = (
    Check(
        "data_check_completed_not_moved",
        "村级台账标为已搬迁、但搬迁户尚未入住",
        "村级台账的搬迁进度为“已搬迁”或之后，搬迁户台账中该村仍有户没有入住日期（或入住日期晚于数据截至日期）。"
        "请核对两本台账，补填入住日期或更正搬迁进度。",
        {
            "township": "乡镇",
            "village": "村名",
            "relocation_batch": "搬迁批次",
            "relocation_status": "搬迁进度",
            "completed_on": "搬迁完成日期",
            "households": "台账户数",
            "households_not_moved": "未入住户数",
            "people_not_moved": "未入住人数",
        },
    ),
    Check(
        "data_check_unknown_village",
        "搬迁户所在村不在村级台账中",
        "搬迁户台账中这些户的乡镇和迁出村，在同期村级台账中找不到。常见原因是村名写法不一致（如漏写“村”字）或村级台账漏报。",
        {
            "township": "乡镇",
            "village": "迁出村",
            "households": "户数",
            "people": "人数",
            "batches": "搬迁批次",
        },
    ),
)
