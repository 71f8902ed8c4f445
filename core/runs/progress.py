"""Progress of a long run, reported about a hundred times whatever its length."""

from __future__ import annotations

from collections.abc import Callable

ProgressFn = Callable[[float], None]


class Progress:
    """Calls `on_progress(fraction)` about `updates` times over `total` units of work.

    A Streamlit progress bar passed in here is also what makes a long run interruptible: a rerun
    request takes effect at the next st.* call, which raises out of the loop.
    """

    def __init__(self, on_progress: ProgressFn | None, total: int, updates: int = 100) -> None:
        self.on_progress = on_progress
        self.total = max(1, total)
        self.every = max(1, self.total // updates)
        self.mark = 0  # the next report is due once `done` reaches it

    def __call__(self, done: int) -> None:
        if self.on_progress is not None and done >= self.mark:
            self.mark = done + self.every
            self.on_progress(min(1.0, done / self.total))

    def finish(self) -> None:
        if self.on_progress is not None:
            self.on_progress(1.0)
