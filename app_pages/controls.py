"""Widgets shared by the pages: hyper-parameter controls built from the optimizer registry.

Widgets are keyed and seeded through st.session_state (never through `value=`), so a value set
by a callback, a reset or a link wins over the widget default without Streamlit warnings.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from app_pages.heavy import heavy_slot
from app_pages.number_field import number_field
from core.optim.fields import hyper_field, hyper_key
from core.optim.optimizers import HyperParam, HyperValue, OptimizerSpec
from core.problems.objectives import Objective, Point
from core.runs.progress import ProgressFn
from core.settings.ladders import log_options
from core.text.i18n import choice_name, objective_name, text
from core.text.refusal import Refusal

# Every chart of the app: no Plotly logo in the mode bar.
CHART_CONFIG = {"displaylogo": False}


def seed(key: str, value: Any) -> None:
    """Give widget `key` a starting value unless it already has one."""
    if key not in st.session_state:
        st.session_state[key] = value


def _stop_if_asked(fraction: float) -> None:
    """A report that draws nothing: reading st.session_state is one of Streamlit's yield points,
    where a pending rerun request stops the run, like the next st.* call would."""
    _ = "_" in st.session_state


@contextmanager
def progress_bar(
    what: str = "", shown: bool = True, quiet: bool = False
) -> Iterator[ProgressFn | None]:
    """A progress bar for the block, yielding the callback that core's long runs report their
    fraction done to (None when not `shown`); the bar is removed when the block ends.

    Use it inside the cached function that runs: a cache hit then replays the bar rather than
    updating an element of another run. Each update is also where a rerun request stops a long
    run (Streamlit cancels cooperatively, at the next st.* call), so a widget change starts the
    new run promptly. A cache hit replays every update, so only steps of 5% are drawn.

    A shown (long) run first takes one of the server's slots for long runs (app_pages.heavy).

    `quiet` draws no bar and sends the browser nothing, yet stays interruptible: for a page's
    first run, whose widgets the browser swaps in for placeholders with a low-priority render
    that every update from the server restarts (a slow machine would keep them placeholders
    until the run ended, leaving nothing to interrupt it with).
    """
    if not shown:
        yield None
        return
    # A long run takes turns with other sessions' long runs (see heavy); a rerun request still
    # stops it while it waits.
    with heavy_slot(lambda: _stop_if_asked(0.0)):
        if quiet:
            yield _stop_if_asked
            return
        bar = st.progress(0.0, text=what or None)
        drawn = [0.0]

        def report(fraction: float) -> None:
            if fraction - drawn[0] >= 0.05 or (fraction >= 1.0 > drawn[0]):
                drawn[0] = fraction
                bar.progress(fraction, text=what or None)

        try:
            yield report
        finally:
            bar.empty()


def hyper_widget(
    spec: OptimizerSpec, param: HyperParam, default: HyperValue, lang: str, visible: bool = True
) -> HyperValue:
    """Draw the control for one hyper-parameter of `spec` and return its value.

    A hidden control (teacher mode) is not drawn; its value still comes from the session, where
    a link or the default put it, and is validated like any other.
    """
    key = hyper_key(spec.id, param.name)
    seed(key, default)
    if not visible:
        try:
            return param.validate(st.session_state[key])
        except Refusal:  # a forged session value: the default stands in
            st.session_state[key] = default
            return default
    label = text(f"param_{param.name}", lang)
    if param.kind == "bool":
        return st.checkbox(label, key=key)
    if param.kind == "choice":
        name = functools.partial(choice_name, param.name, lang=lang)
        return st.selectbox(label, param.choices, key=key, format_func=name)
    if param.kind == "int":
        return number_field(label, hyper_field(spec, param), lang)
    if param.scale == "log":
        options = log_options(param.low, param.high, default, st.session_state[key])
        return st.select_slider(label, options, key=key, format_func=lambda v: f"{v:g}")
    step = 0.001 if param.high <= 1 else 0.01
    return st.slider(label, float(param.low), float(param.high), step=step, key=key, format="%.3f")


def cannot_run(error: Refusal, lang: str) -> None:
    """Say why core refused to run these settings, in the page's language. Only a Refusal is
    said: any other error is a bug, for the app's error boundary (app.py)."""
    st.error(text("cannot_run", lang, error=error.message(lang)))


def warn_start_replaced(objective: Objective, point: Point, start: Point, lang: str) -> None:
    """Say that a start outside the function's box (from a link) gave way to `start`."""
    st.warning(
        text(
            "start_outside",
            lang,
            point="({:g}, {:g})".format(*point),
            name=objective_name(objective.id, objective.name, lang),
            start="({:g}, {:g})".format(*start),
        ),
        icon=":material/location_off:",
    )
