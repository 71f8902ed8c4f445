"""`streamlit run`, with a sleep in every optimizer step: the server of the tests of long runs.

A test that acts while a run is going needs a run that lasts seconds on any machine. Real work
of that length keeps a core busy for the whole suite, and lasts less on a fast machine than on
a slow one; a sleep in the progress call that every loop of the engine makes once a step lasts
as long wherever it runs, and costs no CPU. The app and its runs are otherwise unchanged.

Started as `python -m tests.browser.slow_server run app.py ...` (see harness.streamlit_server).
"""

from __future__ import annotations

import os
import time

from streamlit.web.cli import main

from core.runs.progress import Progress

# Seconds each recorded optimizer step (or each step of a batched loop) waits.
STEP_SECONDS = float(os.environ.get("SLOW_STEP_SECONDS", "0.004"))
_count = Progress.__call__


def _slow_count(self: Progress, done: int) -> None:
    time.sleep(STEP_SECONDS)
    _count(self, done)


if __name__ == "__main__":
    Progress.__call__ = _slow_count
    main(prog_name="streamlit")
