"""周报摘要: the week on one image for the group chat — the briefing paragraph and the key cards.

A hidden page: the weekly report opens it (`/summary?report=1`) at 1080 px and
saves it as one image; it is not in the sidebar.
"""

import streamlit as st

from ui import widgets

# The cards a leader looks at first: relocation of the batches still open, then the other targets.
KEY_INDICATORS = ("villages_completed", "households_moved", "people_moved")
OTHER_INDICATORS = ("zero_break_rate", "weak_orgs_rectified", "funds_10k")

f = widgets.dashboard_page("脱贫攻坚周报摘要")

cards = widgets.target_cards(f)
if not cards:
    widgets.no_data("尚未导入目标任务，无法对照目标。")
    st.stop()
widgets.deadline_banner(cards)  # overdue first (tracker.present.deadlines), as on 总览 and in 本周简报
widgets.weekly_briefing(f, cards)
open_ = [c for c in cards if c.indicator in KEY_INDICATORS and c.status != "done"]
others = [c for c in cards if c.indicator in OTHER_INDICATORS]
widgets.kpi_grid([widgets.progress_card(c) for c in open_ + others])
