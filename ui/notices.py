"""Messages a clerk must read on the data page, shown as typed (they name files, sheets and headers of
an upload), and a message kept over the rerun that follows an import or a save."""

from __future__ import annotations

import streamlit as st

from tracker.present import literal_text


def show(kind: str, text: str) -> None:
    """st.success / st.warning / st.error by name."""
    # The text may name files, sheets and headers of an upload: shown as typed, never as Markdown.
    {"success": st.success, "warning": st.warning}.get(kind, st.error)(literal_text.markdown(text))


def keep(key: str, kind: str, text: str) -> None:
    """Keep a message under `key` for the next run (the page reruns to show what landed)."""
    st.session_state[key] = (kind, text)


def show_kept(key: str) -> None:
    """The message kept under `key`, once."""
    kept = st.session_state.pop(key, None)
    if kept:
        show(*kept)
