"""At most a few long computations at a time on this server, whichever sessions ask.

One process serves the whole class. Two visitors asking for long runs (a seed change defeats
every cache) would otherwise take the core between them while forty short races queue behind.
A long computation (one that shows progress) first takes one of HEAVY_AT_ONCE slots, waiting
for a free one if need be; short runs never wait. The wait polls the slot so that the session's
own rerun request (a widget change) still stops it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

HEAVY_AT_ONCE = 1  # the server has about one core: one long computation at a time
_slots = threading.BoundedSemaphore(HEAVY_AT_ONCE)


@contextmanager
def heavy_slot(while_waiting: Callable[[], None], poll_s: float = 0.2) -> Iterator[None]:
    """Hold a slot for the block. While every slot is taken, `while_waiting()` runs every
    `poll_s` seconds; if it raises (Streamlit stopping the run), the block never runs and no
    slot is held."""
    while not _slots.acquire(timeout=poll_s):
        while_waiting()
    try:
        yield
    finally:
        _slots.release()
