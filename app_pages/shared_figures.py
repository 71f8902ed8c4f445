"""Figures built once and shared, read-only, by every session of the server.

Forty students opening one lesson link should cost the server one race chart, not forty. Two
things stand in the way, and this module removes both:

- `st.cache_data` pickles what it returns and unpickles it on every hit, which for a Plotly
  figure means validating it again (0.5 s for a race chart). This store hands out the object
  itself, as `st.cache_resource` would.
- `st.plotly_chart` asks the figure for its plain dict on every call, and plotly.py builds that
  dict anew each time, turning every array into base64 (most of a cached visit's cost). A frozen
  figure builds it once.

Nothing may change a shared figure after it is frozen: st.plotly_chart only reads it.

Unlike `st.cache_resource`, which counts entries only, the store is bounded by bytes as well:
one race chart of 14 optimizers holds about 6.5 MB where the default holds 2.2 MB. A
figure's footprint is estimated from its JSON: in memory it holds at most FOOTPRINT_PER_JSON_BYTE
times that (the figure object and its plain dict; tests/test_shared_figures.py measures it with
tracemalloc on the largest charts a request may ask for).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

FIGURE_CACHE_ENTRIES = 48  # every shared figure together: race charts, 3-D surfaces, start maps
FIGURE_CACHE_BYTES = 96 * 2**20  # their estimated footprint together
FOOTPRINT_PER_JSON_BYTE = 7  # an upper bound, checked on the largest charts by the tests


class FrozenFigure(go.Figure):
    """A figure whose plain dict is built on first use and then handed out as it is."""

    _plain: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        if self._plain is None:
            self._plain = super().to_dict()
        return self._plain


def freeze(figure: go.Figure) -> FrozenFigure:
    """`figure` itself, frozen (no copy: a copy would validate the whole figure again), with its
    plain dict built now, inside the cached function, rather than by the first reader."""
    plain = (
        figure.to_dict()
    )  # its own class's dict (core.figures.plain_frames adds unvalidated frames)
    figure.__class__ = FrozenFigure
    figure._plain = plain
    return figure  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class _Entry:
    figure: FrozenFigure
    footprint: int  # estimated bytes in memory


def footprint_of(figure: FrozenFigure) -> int:
    """Estimated bytes a frozen figure holds in memory, from the length of its JSON (serialised
    once per build: a few ms beside the build's 50 ms or more)."""
    return FOOTPRINT_PER_JSON_BYTE * len(pio.to_json(figure.to_dict(), validate=False))


class SharedFigures:
    """Frozen figures shared by every session: least recently used first out, so that neither
    `max_entries` nor `max_bytes` of estimated footprint is exceeded (a figure larger than
    `max_bytes` alone is still handed out, just not kept). Sessions asking for a figure that
    another session is building wait for it rather than build it a second time."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._footprint = 0  # of the entries kept
        self._lock = threading.Lock()  # guards the three fields above and below
        # Per key being built: its lock and how many sessions are building or waiting for it.
        # The entry lives while any does, so a session that comes while others wait joins them.
        self._building: dict[Hashable, _Building] = {}

    @property
    def footprint(self) -> int:
        return self._footprint

    def __len__(self) -> int:
        return len(self._entries)

    def waiting(self, key: Hashable) -> int:
        """Sessions building or waiting for `key` now."""
        with self._lock:
            slot = self._building.get(key)
            return slot.sessions if slot else 0

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._footprint = 0

    def get(self, key: Hashable, build: Callable[[], go.Figure]) -> FrozenFigure:
        """The frozen figure for `key`, built with `build()` if no session has it."""
        found = self._lookup(key)
        if found is not None:
            return found
        with self._lock:
            slot = self._building.setdefault(key, _Building())
            slot.sessions += 1
        try:
            with slot.lock:  # one session builds; any other asking for `key` meanwhile waits
                found = self._lookup(key)
                if found is not None:
                    return found
                figure = freeze(build())  # if it raises, the next waiter builds
                self._keep(key, _Entry(figure, footprint_of(figure)))
                return figure
        finally:
            with self._lock:
                slot.sessions -= 1
                if slot.sessions == 0:
                    del self._building[key]

    def _lookup(self, key: Hashable) -> FrozenFigure | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry.figure

    def _keep(self, key: Hashable, entry: _Entry) -> None:
        if entry.footprint > self.max_bytes:
            return
        with self._lock:
            replaced = self._entries.pop(key, None)
            self._footprint -= replaced.footprint if replaced else 0
            self._entries[key] = entry
            self._footprint += entry.footprint
            while len(self._entries) > self.max_entries or self._footprint > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._footprint -= dropped.footprint


@dataclass(slots=True)
class _Building:
    lock: threading.Lock = field(default_factory=threading.Lock)
    sessions: int = 0


SHARED_FIGURES = SharedFigures(FIGURE_CACHE_ENTRIES, FIGURE_CACHE_BYTES)


def shared_figure(key: Hashable, build: Callable[[], go.Figure]) -> FrozenFigure:
    """The server's one frozen figure for `key` (built by `build` on first use)."""
    return SHARED_FIGURES.get(key, build)
