"""督办清单 and 红黑榜 on a page: who is behind their 倒排工期, who answers for it, how the townships rank.

A page adds its tabs (`OVERVIEW_TABS`, `LIST_TABS`) to its own tab list and hands the sections
to `draw`. The list follows the sidebar's township (and batch) filter like everything else and
is downloadable; a select box bound to `?leader=` narrows it to one 包保领导's items. The
figures come from the named query `responsibility_items` and tracker.rules.responsibility
(through tracker.present.supervision, which the weekly summary and document use too).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from tracker.contract import formatting
from tracker.present import supervision as tables
from tracker.rules import responsibility as rules
from ui import column_formats, data, widgets
from ui.filters import PageFilters
from ui.sections import Section
from ui.session import current_user

# What a page's list is about (draw's kind): relocation villages, weak organisations.
VILLAGES, ORGS = rules.VILLAGE, rules.ORG
LIST_TAB, BOARD_TAB = "督办清单", "红黑榜"
OVERVIEW_TABS = (LIST_TAB, BOARD_TAB)
LIST_TABS = (LIST_TAB,)
LEADER_KEY = "leader"  # the select box's key and its query parameter
ALL_LEADERS = "全部包保领导"
NO_LEDGER = "尚未导入包保责任台账，无法列出督办清单。请在“数据”页导入包保责任台账（每个搬迁村、软弱涣散党组织的包保领导、牵头部门和倒排工期）。"


def draw(f: PageFilters, sections: Sequence[Section], kind: str | None = None) -> None:
    """Draw the open ones of this module's sections; kind limits the list to villages (rules.VILLAGE)
    or organisations (rules.ORG)."""
    for section in sections:
        if not section.open:
            continue
        with section:
            if section.label == LIST_TAB:
                supervision_list(f, kind)
            elif section.label == BOARD_TAB:
                red_black(f)


def assessed(f: PageFilters, kind: str | None = None) -> pd.DataFrame:
    """Every 包保 item of the filtered scope (of one kind) against its plan, computed once per
    distinct input."""
    items = data.query("responsibility_items", **f.params())
    targets = data.query("targets_in_force", as_of=f.as_of)
    since = data.query("responsibility_stage_since", **f.params())
    found = data.derived(tables.assess, items, targets, f.as_of, since)
    return found if kind is None else found[found["kind"] == kind]


def supervision_list(f: PageFilters, kind: str | None = None) -> None:
    """The 督办清单 of the filtered scope, worst first; with a 包保领导 chosen, all of that leader's items."""
    st.subheader("督办清单")
    items = assessed(f, kind)
    if items.empty:
        widgets.no_data(NO_LEDGER)
        return
    leader = None if widgets.report_mode() else _choose_leader(items)
    listed = rules.supervision_list(items, leader)
    widgets.caption(tables.list_summary(items, listed, leader))
    if listed.empty:
        st.success("所选范围内各项均按倒排工期推进，没有需要督办的事项。")
        return
    who = f"_{leader}" if leader else ""
    widgets.table(
        tables.supervision_table(listed),
        f"督办清单_{f.scope}{who}_{f.as_of.isoformat()}",
        key="supervision_list",
        column_config={
            "滞后天数": column_formats.COUNT,
            "停滞周数": column_formats.COUNT,
        },
        # Twelve columns do not fit a 1600 px screen; the batch's deadline is on the cards above.
        download_only=("专班负责人", "完成时限"),
    )


def _choose_leader(items: pd.DataFrame) -> str | None:
    """The select box of 包保领导 (bound to `?leader=`); None for every leader."""
    names = rules.leaders(items)
    chosen = st.selectbox(
        "包保领导",
        [ALL_LEADERS, *names],
        key=LEADER_KEY,
        bind="query-params",
        help="选择一位包保领导，列出其包保的全部村和党组织",
    )
    if chosen in (None, ALL_LEADERS):
        return None
    widgets.caption(f"{tables.leader_label(chosen, names.get(chosen))}包保的全部事项（含按期、已完成）。")
    return str(chosen)


def red_black(f: PageFilters) -> None:
    """The 红黑榜: townships ranked on the open batch's villages against their 倒排工期, with the change."""
    if current_user().townships:
        st.subheader("红黑榜")
        widgets.caption("红黑榜为全县各乡镇的排名；乡镇账号只能查看本乡镇的数据，因此不显示名次。")
        return
    if widgets.townships_need_a_county(f):  # township names repeat across counties
        return
    batch, board, last_day = tables.red_black_board(data.query, f.as_of, f.batch)
    which = formatting.batch(batch) if batch else ""
    st.subheader(f"{which}红黑榜")
    if board.empty:
        widgets.no_data(NO_LEDGER if batch is None else f"{which}没有可对照倒排工期的搬迁村。")
        return
    widgets.caption(tables.red_black_note(batch, last_day))
    if f.townships:
        board = board[board["township"].isin(f.townships)]
    widgets.table(
        tables.red_black_table(board),
        f"{which}红黑榜_{f.as_of.isoformat()}",
        key="red_black",
        column_config={
            "按期比例（%）": column_formats.ONE_DECIMAL,
            "平均滞后天数": column_formats.ONE_DECIMAL,
            "已搬迁比例（%）": column_formats.ONE_DECIMAL,
        },
    )
