"""A small Streamlit client without a browser: it speaks the frontend's websocket protocol.

The protocol, as Streamlit 1.67 serves it (streamlit/web/server/starlette/starlette_websocket.py,
streamlit/runtime/app_session.py, the protobufs in streamlit/proto):

- the websocket is `/_stcore/stream`; the `Sec-WebSocket-Protocol` header carries
  "streamlit" (the subprotocol), then the XSRF token and an existing session id, both optional
  (a client that sends no auth cookie needs neither);
- every frame is one serialized protobuf: `BackMsg` from the client, `ForwardMsg` from the server;
- a run is asked for with `BackMsg.rerun_script`, a `ClientState`: the URL's `query_string`, the
  `page_name` (the URL path, on the first load) or `page_script_hash` (a page chosen later, from
  the `navigation` message's `app_pages`), `widget_states` (each widget's `id`, read from the
  widget's element in the deltas, and its value in the field its kind uses: a selectbox sends
  the chosen option's text as `string_value`, a multiselect `string_array_value`; tabs bound to
  the URL are a widget too: the tab container block's `id`, the open tab's label as
  `string_value`) and `cached_message_hashes`;
- the server answers with `new_session`, `navigation`, `delta`s (elements and blocks; a large
  element the client already holds comes as a `ref_hash` to it), and `script_finished`
  (`FINISHED_EARLY_FOR_RERUN` when the run was replaced by another, which the client waits out).

As the frontend does, the client keeps the large (cacheable) elements it was sent and tells the
server their hashes, dropping those not seen for `max_cached_message_age` runs, so the server
sends a reference instead of the element again. A run is timed from the `BackMsg` sent to its
`script_finished`; its elements' texts (markdown, HTML, headings, alerts, plotly specs) are kept
so a caller can check what the page said, and an `exception` element is an error.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.typing import Subprotocol

T = TypeVar("T")
FINISHED = ForwardMsg.ScriptFinishedStatus
TEXT_FIELDS = {"markdown": "body", "html": "body", "heading": "body", "alert": "body", "plotly_chart": "spec"}


def run_in_thread(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(coroutine)` on a thread of its own, for callers whose thread already runs an
    event loop (Playwright's sync API does, and so does a test session that holds a browser)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class ProtocolError(Exception):
    """The server broke off, said something unexpected, or did not finish a run in time."""


@dataclass
class Run:
    """One script run as the client saw it."""

    seconds: float
    messages: int = 0
    bytes: int = 0
    references: int = 0  # elements sent as a ref_hash to one the client holds
    texts: list[tuple[str, str]] = field(default_factory=list)  # (element kind, its text)
    exceptions: list[str] = field(default_factory=list)
    page_not_found: bool = False

    def text(self, kind: str | None = None) -> str:
        """Every text the run sent (of one element kind), joined; plotly specs with their characters unescaped."""
        return "\n".join(
            json.dumps(json.loads(t), ensure_ascii=False) if k == "plotly_chart" else t
            for k, t in self.texts
            if kind is None or k == kind
        )

    def figure_bytes(self) -> list[int]:
        """The size of each plotly figure's JSON spec."""
        return [len(t.encode()) for k, t in self.texts if k == "plotly_chart"]


@dataclass
class Widget:
    """A widget the server drew: its id, kind and, for bound widgets, its query parameter."""

    id: str
    kind: str
    key: str
    options: list[str]


class StreamSession:
    """One browser tab's worth of Streamlit session, over one websocket."""

    def __init__(self, base_url: str, timeout: float = 120.0) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.ws_url = f"ws://{parts.netloc}/_stcore/stream"
        self.timeout = timeout
        self.query: dict[str, list[str]] = {}
        self.widgets: dict[str, Widget] = {}  # by query parameter (the widget's key)
        self.states: dict[str, list[str] | str] = {}  # widget id -> the value this client set
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.page_hash = ""
        self.session_id = ""
        self._cache: dict[str, tuple[ForwardMsg, int]] = {}  # hash -> (message, run it was last seen)
        self._max_age = 2
        self._runs = 0
        self._socket: Any = None
        self._open_tabs: Widget | None = None  # the tab container whose tab blocks are arriving

    async def connect(self) -> None:
        """Open the websocket (no run yet: the first `open` asks for one, as the frontend does)."""
        self._socket = await websockets.connect(
            self.ws_url, subprotocols=[Subprotocol("streamlit")], max_size=None, open_timeout=self.timeout
        )

    async def close(self) -> None:
        """Close the websocket; the server ends the session."""
        if self._socket is not None:
            await self._socket.close()

    # --- what a person does -----------------------------------------------------------------

    async def open(self, path: str, query: dict[str, Any] | None = None) -> Run:
        """Go to a page (its URL path, e.g. "relocation") with these URL parameters, as a link or the sidebar does."""
        if query is not None:
            self.query = {k: v if isinstance(v, list) else [str(v)] for k, v in query.items()}
            for key, values in self.query.items():
                if key in self.widgets:
                    self._set_state(self.widgets[key], values)
        page_hash = self.pages.get(path, "")
        return await self._rerun(page_name="" if page_hash else path, page_hash=page_hash)

    async def choose(self, key: str, value: str | list[str] | None) -> Run:
        """Change a bound widget (its key is its query parameter), as a click in the sidebar or on a
        page's tab does."""
        widget = self.widgets.get(key)
        if widget is None:
            raise ProtocolError(f"no widget with key {key!r} on the page (have {sorted(self.widgets)})")
        values = [] if value is None else value if isinstance(value, list) else [value]
        for v in values:
            if v not in widget.options:
                raise ProtocolError(f"{v!r} is not an option of {key!r}")
        self._set_state(widget, values)
        if values:
            self.query[key] = values
        else:
            self.query.pop(key, None)
        return await self._rerun(page_hash=self.page_hash)

    # --- the protocol -----------------------------------------------------------------------

    def _set_state(self, widget: Widget, values: list[str]) -> None:
        self.states[widget.id] = values if widget.kind == "multiselect" else (values[0] if values else "")

    def _client_state(self, page_name: str, page_hash: str) -> BackMsg:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = urllib.parse.urlencode(self.query, doseq=True)
        state.page_script_hash = page_hash
        state.page_name = page_name
        for widget_id, value in self.states.items():
            widget_state = state.widget_states.widgets.add()
            widget_state.id = widget_id
            if isinstance(value, list):
                widget_state.string_array_value.data[:] = value
            else:
                widget_state.string_value = value
        state.cached_message_hashes[:] = sorted(self._cache)
        state.context_info.timezone = "Asia/Shanghai"
        state.context_info.timezone_offset = -480
        state.context_info.locale = "zh-CN"
        return msg

    async def _rerun(self, page_name: str = "", page_hash: str = "") -> Run:
        if self._socket is None:
            await self.connect()
        started = time.perf_counter()
        await self._socket.send(self._client_state(page_name, page_hash).SerializeToString())
        run = Run(seconds=0.0)
        seen_widgets: dict[str, Widget] = {}
        deadline = started + self.timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise ProtocolError(f"no script_finished within {self.timeout:.0f} s")
            try:
                frame = await asyncio.wait_for(self._socket.recv(), left)
            except TimeoutError as exc:
                raise ProtocolError(f"no script_finished within {self.timeout:.0f} s") from exc
            except websockets.ConnectionClosed as exc:
                raise ProtocolError(f"the server closed the websocket ({exc})") from exc
            msg = ForwardMsg()
            msg.ParseFromString(frame)
            run.messages += 1
            run.bytes += len(frame)
            kind = msg.WhichOneof("type")
            if kind == "ref_hash":
                cached = self._cache.get(msg.ref_hash)
                if cached is None:
                    raise ProtocolError(
                        f"the server referred to a message this client never had ({msg.ref_hash})"
                    )
                run.references += 1
                msg, kind = cached[0], "delta"
            elif msg.metadata.cacheable:
                self._cache[msg.hash] = (msg, self._runs)
            if msg.hash in self._cache:
                self._cache[msg.hash] = (msg, self._runs)
            if kind == "new_session":
                self.session_id = msg.new_session.initialize.session_id or self.session_id
                self._max_age = msg.new_session.config.max_cached_message_age or self._max_age
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
                self.page_hash = msg.navigation.page_script_hash
            elif kind == "page_not_found":
                run.page_not_found = True
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._element(msg.delta.new_element, run, seen_widgets)
            elif kind == "delta" and msg.delta.WhichOneof("type") == "add_block":
                self._block(msg.delta.add_block, seen_widgets)
            elif kind == "script_finished":
                status = msg.script_finished
                if status == FINISHED.FINISHED_EARLY_FOR_RERUN:
                    continue  # a rerun replaced this run (st.rerun, a callback): wait for that one
                if status == FINISHED.FINISHED_WITH_COMPILE_ERROR:
                    run.exceptions.append("the script did not compile")
                break
        run.seconds = time.perf_counter() - started
        self.widgets.update(seen_widgets)
        self._runs += 1
        self._cache = {h: (m, n) for h, (m, n) in self._cache.items() if self._runs - n <= self._max_age}
        return run

    def _block(self, block: Any, widgets: dict[str, Widget]) -> None:
        # Tabs bound to the URL are a widget: its value is the open tab's label. Their labels come
        # as the tab blocks that follow the container.
        kind = block.WhichOneof("type")
        if kind == "tab_container" and block.tab_container.query_param_key:
            key = block.tab_container.query_param_key
            widgets[key] = Widget(block.tab_container.id, "tabs", key, [])
            self._open_tabs = widgets[key]
        elif kind == "tab" and self._open_tabs is not None:
            self._open_tabs.options.append(block.tab.label)

    def _element(self, element: Any, run: Run, widgets: dict[str, Widget]) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            run.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:300])
        elif kind in TEXT_FIELDS:
            run.texts.append((kind, getattr(getattr(element, kind), TEXT_FIELDS[kind])))
        elif kind in ("selectbox", "multiselect"):
            proto = getattr(element, kind)
            if proto.query_param_key:
                widgets[proto.query_param_key] = Widget(
                    proto.id, kind, proto.query_param_key, list(proto.options)
                )
