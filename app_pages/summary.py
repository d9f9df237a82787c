"""周报摘要: the week on one image for the group chat — what is overdue, 本周简报, the key cards, the
township ranking and the 红黑榜 — as the weekly report draws it (tracker.weekly.summary_html), built
by the same functions as 总览 from the same queries.

A hidden page (not in the sidebar): the image of a scope, to look at before it is sent.
"""

import streamlit as st

from tracker.weekly.scope_week import gather
from tracker.weekly.summary_html import summary_fragment
from ui import data, widgets
from ui.session import current_user

f = widgets.dashboard_page("脱贫攻坚周报摘要")

township = f.townships[0] if len(f.townships) == 1 else None
if len(f.townships) > 1:
    st.caption("周报摘要按全县或单个乡镇编写；选择了多个乡镇时显示全县的摘要。")
# A township user's queries see their own township only: no county row, no 红黑榜 (as on 总览).
whole_county = not current_user().townships
st.html(summary_fragment(gather(data.query, data.county().name, f.as_of, township, whole_county)))
