"""The county progress dashboard: page config, the shared filters, and the pages.

Run it with `make run` (or `streamlit run dashboard.py`); the store it reads is
TRACKER_DATA_DIR, else ./data.
"""

import streamlit as st

from tracker.present import theme
from ui import auth, data, filters, rerun_log, widgets

started = rerun_log.clock()  # the run is timed from here when TRACKER_RERUN_LOG is set (benchmarks)
st.set_page_config(page_title=f"{data.county().name}脱贫攻坚进度看板", page_icon="📊", layout="wide")
theme.register()
st.html(theme.CHROME_CSS)

PAGES = [
    # The default page is served at "/"; its url_path names it only inside Streamlit.
    st.Page(
        "app_pages/overview.py", title="总览", icon=":material/dashboard:", url_path="home", default=True
    ),
    st.Page("app_pages/relocation.py", title="整村搬迁", icon=":material/home_work:", url_path="relocation"),
    st.Page("app_pages/collective.py", title="集体经济", icon=":material/savings:", url_path="collective"),
    st.Page("app_pages/party.py", title="党建", icon=":material/groups:", url_path="party"),
    st.Page("app_pages/funds.py", title="资金", icon=":material/account_balance:", url_path="funds"),
    st.Page("app_pages/data.py", title="数据", icon=":material/upload_file:", url_path="data"),
    # The weekly report's one-image summary for the group chat; opened by address only.
    st.Page("app_pages/summary.py", title="周报摘要", url_path="summary", visibility="hidden"),
    # The default page is served at "/"; `/overview`, the address a person would guess (and type),
    # opens it too instead of Streamlit's English "Page not found" dialog.
    st.Page("app_pages/overview.py", title="总览", url_path="overview", visibility="hidden"),
]

# ?report=1 is the weekly report's layout (see tracker/weekly/report.py): no widgets, whole tables.
REPORT_MODE = widgets.report_mode()
if REPORT_MODE:
    st.html(theme.REPORT_CSS)

# The page is resolved from the address before anyone signs in, so that the sign-in lands on it.
user = auth.known_user()
page = st.navigation(PAGES, position="hidden" if REPORT_MODE or user is None else "sidebar")
if user is None:
    user = auth.sign_in()  # stops at the sign-in form until someone has signed in
auth.remember_in_browser()
auth.sidebar_identity(user)
st.sidebar.caption(f"{data.county().province}{data.county().city}{data.county().name}")
filters.sidebar()
with rerun_log.timed_rerun(started, page.url_path):  # st.stop() and st.rerun() in a page included
    page.run()
