"""Signing in on the dashboard: OIDC through st.login where configured, else the local users file.

With neither configured the dashboard runs in demo mode, and says so on every page.
"""

from __future__ import annotations

import streamlit as st

from tracker import access
from ui import data
from ui.session import SESSION
from ui.session import current_user as current_user  # noqa: F401 - app_pages/data.py calls auth.current_user


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False
    except Exception:  # noqa: BLE001 - a malformed secrets file must not take the dashboard down
        return False


def require_user() -> access.User:
    """The signed-in user; draws the sign-in form and stops the page until there is one."""
    if access.is_report_browser(st.context.headers.get(access.REPORT_HEADER)):
        st.session_state[SESSION] = access.start_session(access.REPORT_USER)
        return access.REPORT_USER
    if _oidc_configured():
        return _oidc_user()
    if not access.sign_in_required(data.data_dir()):
        st.session_state.pop(SESSION, None)
        return access.DEMO_USER
    session = st.session_state.get(SESSION)
    if session is not None and session.alive():
        return session.user
    if session is not None:
        st.session_state.pop(SESSION, None)
        st.warning("登录已过期，请重新登录。")
    _sign_in_form()
    st.stop()
    raise AssertionError("unreachable")  # st.stop() ends the run


def _sign_in_form() -> None:
    st.title(f"{data.region().name}脱贫攻坚进度看板")
    with st.form("sign_in"):
        login = st.text_input("用户名", key="sign_in_login")
        password = st.text_input("密码", type="password", key="sign_in_password")
        submitted = st.form_submit_button("登录", type="primary")
    if submitted:
        try:
            user = access.check_password(data.data_dir(), login.strip(), password, st.context.ip_address)
        except access.TooManyAttempts as wait:
            st.error(str(wait))
            return
        if user is None:
            st.error("用户名或密码错误。多次失败后需等待更长时间再试。")
            return
        st.session_state[SESSION] = access.start_session(user)
        st.rerun()


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
            "演示模式：未配置登录，任何人都能看到全部数据。正式使用前请配置用户（见 README）。"
        )
        return
    scope = f"（{'、'.join(user.townships)}）" if user.townships else ""
    st.sidebar.caption(f"已登录：{user.name} · {access.ROLES[user.role]}{scope}")
    if st.sidebar.button("退出登录", key="sign_out"):
        access.audit(data.data_dir(), user.login, "sign_out", {})
        st.session_state.pop(SESSION, None)
        if _oidc_configured():
            st.logout()
        st.rerun()
