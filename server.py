"""The dashboard's web server: Streamlit's app (dashboard.py), with 总览's first view in its page.

`make run` starts this (`streamlit run server.py`): `/` and `/overview` answer with Streamlit's
own index.html, into which tracker.first_view writes the week's summary for whoever may see it,
drawn before Streamlit's JavaScript has loaded; every other address is Streamlit's as before.
"""

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from streamlit import file_util

from tracker import access
from tracker.contract import paths
from tracker.first_view import PRIVATE_HEADERS, FirstView
from tracker.session_tokens import COOKIE
from ui import auth

_FIRST_VIEW = FirstView(
    paths.data_dir().resolve(), (Path(file_util.get_static_dir()) / "index.html").read_text(encoding="utf-8")
)


async def overview(request: Request) -> HTMLResponse:
    """Streamlit's page for 总览's addresses, with the first view when this person may see one."""
    report = "report" in request.query_params or request.headers.get(access.REPORT_HEADER) is not None
    params = {key: request.query_params.getlist(key) for key in request.query_params}
    # An OIDC sign-in is Streamlit's cookie to check, so such a deployment opens as before.
    skip = report or auth.oidc_configured()
    # The page reads the users and sessions files to check the cookie: off the event loop, which
    # carries every session's websocket (the summary itself is made by FirstView's worker).
    page, private = await run_in_threadpool(_FIRST_VIEW.page, params, request.cookies.get(COOKIE), skip)
    headers = PRIVATE_HEADERS if private else {"Cache-Control": "no-cache"}
    return HTMLResponse(page, headers=headers)


@contextlib.asynccontextmanager
async def _warm(_app: st.App) -> AsyncIterator[None]:
    _FIRST_VIEW.warm()  # the county's newest week, made while nobody waits yet
    yield None


app = st.App("dashboard.py", routes=[Route("/", overview), Route("/overview", overview)], lifespan=_warm)
