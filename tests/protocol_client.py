"""A student without a browser: a client that speaks Streamlit's own websocket protocol.

A browser opening a link fetches the page, asks `/_stcore/health` and `/_stcore/host-config`,
then opens the websocket `/_stcore/stream` (subprotocol "streamlit") and sends a BackMsg
`rerun_script` whose ClientState carries the link's query string and page name. The server
answers with ForwardMsgs: `new_session` (with the page's script hash), one delta per element,
`page_info_changed` when the script rewrites the URL, and `script_finished`. A widget change is
another `rerun_script`, carrying the widget's new value under the id the server gave it, the
current URL, and the hashes of the large elements already received (the server then sends a
short `ref_hash` for an unchanged element, as it does to a browser).

This client does the same, so one process plays forty students with little CPU and what is
measured is the server. It sends only the changed widget's state (a browser sends every widget's):
the server keeps the others' values from the previous run either way. Static JavaScript and CSS
are not fetched: they are the same files for every Streamlit app, served as immutable files
without running the script.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Block_pb2 import Block
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.WidgetStates_pb2 import WidgetState

SETTABLE = ("number_input", "slider", "checkbox", "text_input", "text_area", "tab_container")
FINISHED = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


@dataclass
class Run:
    """What one request (opening a link, changing a widget) brought back."""

    chart_s: float | None = None  # request -> the delta carrying the main chart
    done_s: float | None = None  # request -> script_finished
    chart: dict[str, Any] | None = None  # the main chart's Plotly spec
    widgets: dict[str, Element] = field(default_factory=dict)  # by user key
    deltas: list[tuple[str, str]] = field(default_factory=list)  # (what, fragment id) each
    errors: list[str] = field(default_factory=list)


class StreamlitClient:
    """One browser tab's conversation with the server.

    `chart_key` is the user key of the page's main `st.plotly_chart`. Every wait has a deadline
    of `timeout_s` without a finished run; it ends the request with an error, never a hang.
    """

    def __init__(self, url: str, chart_key: str = "race", timeout_s: float = 600.0) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.chart_key, self.timeout_s = chart_key, timeout_s
        self.received_bytes = 0  # websocket payloads and HTTP answers, headers included
        self.query_string = ""  # the address bar's query, as the script last set it
        # key -> (element, or a block such as tabs with a key; fragment id)
        self.widgets: dict[str, tuple[Element | Block, str]] = {}
        self._page_script_hash = ""
        self._cache: dict[str, ForwardMsg] = {}  # large elements by hash, as the browser keeps
        self._socket: Any = None

    async def open(self, path: str = "", query: str = "") -> Run:
        """Open `/<path>?<query>` as a fresh browser tab: page, health, host config, websocket."""
        began = time.perf_counter()
        run = Run()
        for resource in (f"/{path}", "/_stcore/health", "/_stcore/host-config"):
            await self._get(resource, run)
        self._socket = await websockets.connect(
            f"ws://{self.host}:{self.port}/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=self.timeout_s,
            ping_interval=None,  # as a browser: no pings a busy server could answer too late
        )
        self.query_string = query
        state = ClientState(query_string=query, page_name=path)
        context = state.context_info
        context.timezone, context.timezone_offset, context.locale = "UTC", 0, "en-US"
        context.url = f"http://{self.host}:{self.port}/{path}" + (f"?{query}" if query else "")
        return await self._rerun(state, began, run)

    async def change(self, key: str, value: Any) -> Run:
        """Set the widget with user key `key` to `value`, as a user would; wait for the run."""
        element, fragment_id = self.widgets[key]
        state = ClientState(
            query_string=self.query_string,
            page_script_hash=self._page_script_hash,
            fragment_id=fragment_id,
            cached_message_hashes=list(self._cache),
        )
        state.widget_states.widgets.append(widget_state(element, value))
        return await self._rerun(state, time.perf_counter(), Run())

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()

    async def __aenter__(self) -> StreamlitClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _get(self, resource: str, run: Run) -> None:
        """A plain HTTP GET, as the browser's first requests; a non-200 answer is an error."""
        reader, writer = await asyncio.open_connection(self.host, self.port)
        request = f"GET {resource} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
        writer.write(f"{request}Connection: close\r\n\r\n".encode())
        answer = await asyncio.wait_for(reader.read(), self.timeout_s)
        writer.close()
        self.received_bytes += len(answer)
        status = answer.split(b"\r\n", 1)[0].decode(errors="replace")
        if " 200 " not in f"{status} ":
            run.errors.append(f"GET {resource}: {status or 'no answer'}")

    async def _rerun(self, state: ClientState, began: float, run: Run) -> Run:
        await self._socket.send(BackMsg(rerun_script=state).SerializeToString())
        deadline = began + self.timeout_s
        while run.done_s is None:
            try:
                data = await asyncio.wait_for(self._socket.recv(), deadline - time.perf_counter())
            except (TimeoutError, websockets.ConnectionClosed) as error:
                run.errors.append(f"no finished run: {type(error).__name__}")
                break
            self.received_bytes += len(data)
            message = ForwardMsg.FromString(data)
            self._take(message, began, run)
        return run

    def _take(self, message: ForwardMsg, began: float, run: Run) -> None:
        """Update what the tab shows from one ForwardMsg."""
        kind = message.WhichOneof("type")
        if kind == "ref_hash":
            if message.ref_hash not in self._cache:
                run.errors.append(f"reference to an element never received: {message.ref_hash}")
                return
            message = self._cache[message.ref_hash]
        elif message.metadata.cacheable:
            self._cache[message.hash] = message
        if kind == "new_session":
            self._page_script_hash = message.new_session.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif message.HasField("delta"):
            delta = message.delta
            what = delta.WhichOneof("type")
            if what == "new_element":
                what = delta.new_element.WhichOneof("type")
                self._element(delta.new_element, delta.fragment_id, began, run)
            elif what == "add_block" and delta.add_block.HasField("tab_container"):
                self._tabs(delta.add_block, delta.fragment_id)
            run.deltas.append((what, delta.fragment_id))
        elif kind == "script_finished":
            if message.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                run.errors.append("the script did not compile")
            if message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                run.done_s = time.perf_counter() - began

    def _element(self, element: Element, fragment_id: str, began: float, run: Run) -> None:
        kind = element.WhichOneof("type")
        proto = getattr(element, kind)
        if kind == "exception":
            run.errors.append(f"exception shown: {proto.type}: {proto.message}"[:300])
        elif kind == "alert" and proto.format == Alert.ERROR:
            run.errors.append(f"error shown: {proto.body}"[:300])
        key = user_key(getattr(proto, "id", ""))
        if key is None:
            return
        self.widgets[key] = (element, fragment_id)
        run.widgets[key] = element
        if kind == "plotly_chart" and key == self.chart_key and run.chart_s is None:
            run.chart_s = time.perf_counter() - began
            run.chart = json.loads(proto.spec)

    def _tabs(self, block: Block, fragment_id: str) -> None:
        """Keyed tabs with on_change="rerun" are a widget: the open tab's label is its value."""
        key = user_key(block.tab_container.id)
        if key is not None:
            self.widgets[key] = (block, fragment_id)


def user_key(element_id: str) -> str | None:
    """The user key in a keyed element's id (`$$ID-<hash>-<key>`); None without one."""
    prefix, _, rest = element_id.partition("-")
    _, _, key = rest.partition("-")
    return key if prefix == "$$ID" and key and key != "None" else None


def widget_value(element: Element) -> Any:
    """The value a browser shows for a widget: the script's value if it set one, else its
    default. (For an element only: keyed tabs, a Block, carry their open tab's label.)"""
    proto = getattr(element, element.WhichOneof("type"))
    return proto.value if getattr(proto, "set_value", False) else proto.default


def widget_state(element: Element | Block, value: Any) -> WidgetState:
    """The WidgetState a browser sends when the user sets this widget to `value` (for tabs, the
    label of the tab opened)."""
    kind = element.WhichOneof("type")
    if kind not in SETTABLE:
        raise ValueError(f"setting a {kind} is not supported by this client")
    proto = getattr(element, kind)
    state = WidgetState(id=proto.id)
    if kind == "number_input" and proto.data_type == NumberInput.INT:
        state.int_value = int(value)
    elif kind == "number_input":
        state.double_value = float(value)
    elif kind == "slider":
        values = value if isinstance(value, list | tuple) else [value]
        state.double_array_value.data.extend(float(v) for v in values)
    elif kind == "checkbox":
        state.bool_value = bool(value)
    else:
        state.string_value = str(value)
    return state
