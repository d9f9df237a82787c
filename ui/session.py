"""What this browser session holds: the signed-in user and the chosen county.

Kept apart from ui.auth (signing in) and ui.data (the store) so that both can ask
who is looking without importing each other.
"""

from __future__ import annotations

import streamlit as st

from tracker import access

# The signed-in session (an access.Session); absent in demo mode and before sign-in.
SESSION = "session"
# The county chosen in the 县 filter (a region store); the filter widget's key too.
COUNTY = "county"


def current_user() -> access.User:
    """The signed-in user of this session (demo user when sign-in is not configured)."""
    session = st.session_state.get(SESSION)
    return session.user if session is not None else access.DEMO_USER


def chosen_county() -> str | None:
    """The name of the county chosen in the 县 filter, if any (unchecked: the caller matches it)."""
    return st.session_state.get(COUNTY)
