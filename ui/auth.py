"""Signing in on the dashboard: OIDC through st.login where configured, else the local users file.

With neither configured the dashboard runs in demo mode, and says so on every page.

A password sign-in is remembered by this browser for the session's lifetime (8 h,
TRACKER_SESSION_HOURS): the server issues a signed token (tracker.session_tokens) that the
browser keeps in a cookie, so a reload or a link opened later does not ask again. The cookie
is set by a line of JavaScript (Streamlit's server sets no cookies of its own for us), so it
cannot be HttpOnly; what makes it safe to hold anyway: it is SameSite=Strict (never sent by
another site's page), Secure over HTTPS, expires with the session, never enters a URL, is
signed with a key no page can read, and is checked against the server's list of live sessions
on every run, so signing out ends it everywhere at once. No page draws anything a visitor
typed as HTML, which is what a script stealing a cookie would need.

The page and its filters survive the sign-in: dashboard.py resolves the page from the address
(st.navigation) before the sign-in form is drawn, and the form leaves the query string alone,
so `/relocation?township=赵家沟乡&tab=明细` opens exactly that once the password is right.
"""

from __future__ import annotations

import json

import streamlit as st

from tracker import access, session_tokens
from ui import data
from ui.session import SESSION
from ui.session import current_user as current_user  # noqa: F401 - app_pages/data.py calls auth.current_user

COOKIE = session_tokens.COOKIE
TOKEN = "session_token"  # this browser session's token (session_state)
SET_COOKIE = "session_cookie_pending"  # a token the browser has not stored yet (session_state)


def oidc_configured() -> bool:
    """Whether st.login (OIDC) is configured in the secrets; the sign-in is then Streamlit's."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False
    except Exception:  # noqa: BLE001 - a malformed secrets file must not take the dashboard down
        return False


def known_user() -> access.User | None:
    """Who is looking, if that is known without asking: the report's browser, demo mode, an OIDC
    user, this session's sign-in, or this browser's remembered one; None means the sign-in form."""
    if access.is_report_browser(st.context.headers.get(access.REPORT_HEADER)):
        st.session_state[SESSION] = access.start_session(access.REPORT_USER)
        return access.REPORT_USER
    if oidc_configured():
        return _oidc_user()
    if not access.sign_in_required(data.data_dir()):
        st.session_state.pop(SESSION, None)
        return access.DEMO_USER
    token = st.session_state.get(TOKEN) or st.context.cookies.get(COOKIE)
    found = session_tokens.resolve(data.data_dir(), token)
    if found is None:
        if st.session_state.pop(SESSION, None) is not None:
            st.session_state["session_ended"] = True
        st.session_state.pop(TOKEN, None)
        return None
    user, expires = found
    st.session_state[TOKEN] = token
    st.session_state[SESSION] = access.Session(user, expires)
    return user


def sign_in() -> access.User:
    """Draw the sign-in form and stop the page until the password is right; then run it again as
    it was opened (same page, same filters and tab)."""
    if st.session_state.pop("session_ended", False):
        st.warning("登录已过期或已在别处退出，请重新登录。")
    if st.context.cookies.get(COOKIE):
        _store_cookie("", 0)  # a cookie this server no longer honours: forget it
    st.title(f"{data.region().name}脱贫攻坚进度看板")
    with st.form("sign_in"):
        login = st.text_input("用户名", key="sign_in_login")
        password = st.text_input("密码", type="password", key="sign_in_password")
        submitted = st.form_submit_button("登录", type="primary")
    if submitted:
        user = _checked(login.strip(), password)
        if user is not None:
            token = session_tokens.issue(data.data_dir(), user.login)
            st.session_state[TOKEN] = token
            st.session_state[SET_COOKIE] = True
            st.rerun()
    st.stop()
    raise AssertionError("unreachable")  # st.stop() ends the run


def _checked(login: str, password: str) -> access.User | None:
    """The user if the password is right; else None, with the reason (wrong, or wait first) shown."""
    try:
        user = access.check_password(data.data_dir(), login, password, st.context.ip_address)
    except access.TooManyAttempts as wait:
        st.error(str(wait))
        return None
    if user is None:
        st.error("用户名或密码错误。多次失败后需等待更长时间再试。")
    return user


def remember_in_browser() -> None:
    """Right after a sign-in: have the browser keep the token, so that a reload does not ask again."""
    if st.session_state.pop(SET_COOKIE, False) and st.session_state.get(TOKEN):
        _store_cookie(st.session_state[TOKEN], int(access.SESSION_HOURS * 3600))


def _store_cookie(value: str, max_age: int) -> None:
    secure = "; Secure" if str(st.context.url or "").startswith("https:") else ""
    cookie = f"{COOKIE}={value}; Max-Age={max_age}; Path=/; SameSite=Strict{secure}"
    # The value is our own token (base64url, digits and dots); json.dumps quotes it for the script.
    st.html(f"<script>document.cookie = {json.dumps(cookie)};</script>", unsafe_allow_javascript=True)


def _oidc_user() -> access.User:
    if not st.user.is_logged_in:
        st.title(f"{data.region().name}脱贫攻坚进度看板")
        st.button("通过统一身份认证登录", on_click=st.login, type="primary")
        st.stop()
    email = str(st.user.get("email", ""))
    entry = access.load_users(access.users_path(data.data_dir())).get(email)
    if entry is None:
        access.audit(data.data_dir(), email, "sign_in_refused", {"reason": "not in users file"})
        st.error("您的账号尚未授权使用本看板，请联系县扶贫办。")
        st.button("退出登录", on_click=st.logout)
        st.stop()
    if st.session_state.get(SESSION) is None:
        access.audit(data.data_dir(), email, "sign_in", {"via": "oidc"})
        st.session_state[SESSION] = access.start_session(access.user_from_entry(email, entry))
    return st.session_state[SESSION].user


def sidebar_identity(user: access.User) -> None:
    """Who is signed in, and the way out; or, in demo mode, a plain warning."""
    if user is access.DEMO_USER:
        st.sidebar.warning(
            "演示模式：未配置登录，任何人都能看到全部数据。正式使用前请配置用户（见使用说明）。"
        )
        return
    scope = f"（{'、'.join(user.townships)}）" if user.townships else ""
    st.sidebar.caption(f"已登录：{user.name} · {access.ROLES[user.role]}{scope}")
    if st.sidebar.button("退出登录", key="sign_out"):
        access.audit(data.data_dir(), user.login, "sign_out", {})
        session_tokens.revoke(data.data_dir(), st.session_state.pop(TOKEN, None))
        st.session_state.pop(SESSION, None)
        if oidc_configured():
            st.logout()
        st.rerun()
