"""The Batched views' basin map and momentum map tabs, and the cached runs behind all three tabs
(each with its progress bar, interruptible)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import streamlit as st

from app_pages.batched_controls import (
    choice,
    function_picker,
    grid_size,
    map_optimizer_names,
    on_map_function_change,
    optimizer_picker,
    rate_range,
    view_names,
)
from app_pages.controls import (
    CHART_CONFIG,
    cannot_run,
    progress_bar,
    seed,
)
from core.analysis.curvature import Quadratic, convex_quadratic
from core.batched.basins import BasinMap, basin_map, not_batchable_reason
from core.batched.outcomes import DIVERGED, NO_MINIMUM
from core.batched.settings import (
    DEFAULT_MAP_SIDE,
    MAP_SIDES,
    key,
    lr_range_default,
    momentum_axis,
    views_of,
)
from core.batched.sweeps import (
    MOMENTUM_OPTIMIZERS,
    log_rates,
    momentum_map,
)
from core.figures.batched import basin_figure, momentum_figure
from core.optim.optimizers import OPTIMIZERS
from core.problems.objectives import OBJECTIVES, Objective
from core.runs.engine import available_devices
from core.text.i18n import objective_name, sentences, text
from core.text.refusal import Refusal

T = TypeVar("T")

# ---- Cached computations ---------------------------------------------------------------------


def _computation(run: partial) -> tuple[Any, ...]:
    """A computation's cache key: its core function by name, and its arguments."""
    return run.func.__module__, run.func.__qualname__, run.args, sorted(run.keywords.items())


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs={partial: _computation})
def batched(run: Callable[..., T], _message: str) -> T:
    """`run(on_progress=...)` under a progress bar (app_pages/controls.py: progress_bar), which
    also makes it interruptible. `run` is a functools.partial of a core computation: its function
    and arguments are the cache key, and the message (in the page's language) is not, so a map
    computed for one language serves the other too."""
    with progress_bar(_message) as report:
        return run(on_progress=report)


@st.cache_data(max_entries=32, show_spinner=False)
def quadratic_of(function: str) -> Quadratic | None:
    return convex_quadratic(OBJECTIVES[function])


# ---- Views ------------------------------------------------------------------------------------


def basins_tab(
    lang: str,
    objective: Objective,
    optimizer: str,
    hyper: dict[str, Any],
    steps: int,
    grid: int,
    tolerance: float,
) -> None:
    spec = OPTIMIZERS[optimizer]
    reason = not_batchable_reason(spec)
    if reason:
        st.info(reason.say(lang), icon=":material/info:")
        return
    view, device = basin_view_controls(lang, objective)
    if not objective.minima:
        name = objective_name(objective.id, objective.name, lang)
        st.info(text("bv_no_minimum", lang, name=name))
    try:
        run = partial(
            basin_map,
            objective.id,
            optimizer,
            resolution=grid,
            steps=steps,
            tolerance=tolerance,
            device=device,
            **hyper,
        )
        starts, counts = f"{grid * grid:,}", f"{steps:,}"
        basins = batched(run, text("bv_progress_basins", lang, starts=starts, steps=counts))
    except Refusal as error:
        cannot_run(error, lang)
        return
    st.plotly_chart(
        basin_figure(objective, basins, view, lang=lang),
        width="stretch",
        theme=None,
        config=CHART_CONFIG,
        key=key("basins_chart"),
    )
    st.caption(basins_caption(objective, basins, steps, lang))


def basin_view_controls(lang: str, objective: Objective) -> tuple[str, str]:
    """How to colour the map (by minimum only where minima are known), and the device."""
    views = views_of(objective)
    if st.session_state.get(key("view")) not in views:
        st.session_state[key("view")] = views[0]
    seed(key("device"), "cpu")
    names = view_names(lang, bool(objective.minima))
    left, right = st.columns([3, 1])
    view = left.radio(
        text("bv_colour_by", lang),
        views,
        key=key("view"),
        horizontal=True,
        format_func=names.get,
    )
    device = choice(
        "device",
        "device",
        right.selectbox,
        text("device", lang),
        available_devices(),
        help=text("bv_device_help", lang),
    )
    return view, device


def basins_caption(objective: Objective, basins: BasinMap, steps: int, lang: str) -> str:
    """How many starts reached a minimum, none, or diverged, and how long the map took."""
    counts = basins.counts(len(objective.minima))
    reached = sum(n for k, n in counts.items() if k >= 0)
    return text(
        "bv_basins_caption",
        lang,
        starts=f"{basins.starts:,}",
        steps=f"{steps:,}",
        seconds=f"{basins.seconds:.2f}",
        reached=f"{reached:,}",
        radius=f"{basins.radius:.3g}",
        none=f"{counts[NO_MINIMUM]:,}",
        diverged=f"{counts[DIVERGED]:,}",
    )


def momentum_tab(lang: str, steps: int, tolerance: float) -> None:
    function, optimizer, side, (low, high) = momentum_controls(lang)
    objective = OBJECTIVES[function]
    if low >= high:
        st.error(text("bv_empty_range", lang))
        return
    try:  # log_rates and the map refuse what a link can ask beyond their caps
        run = partial(
            momentum_map,
            function,
            objective.start,
            steps,
            log_rates(low, high, side),
            momentum_axis(optimizer, side),
            optimizer=optimizer,
            tolerance=tolerance,
        )
        pairs = f"{side * side:,}"
        message = text("bv_progress_momentum", lang, pairs=pairs, steps=f"{steps:,}")
        grid = batched(run, message)
    except Refusal as error:
        cannot_run(error, lang)
        return
    quadratic = quadratic_of(function)
    lambda_max = quadratic.lambda_max if quadratic is not None else None
    st.plotly_chart(
        momentum_figure(objective, grid, lambda_max=lambda_max, lang=lang),
        width="stretch",
        theme=None,
        config=CHART_CONFIG,
        key=key("momentum_chart"),
    )
    caption = [text("bv_momentum_caption", lang, steps=f"{steps:,}", start=objective.start)]
    if lambda_max:
        caption.append(text("bv_momentum_limit", lang))
    st.caption(sentences(caption, lang))


def momentum_controls(lang: str) -> tuple[str, str, int, tuple[float, float]]:
    """The momentum map's function, method, size and rate range."""
    seed(key("mm_opt"), "momentum")
    seed(key("mm_side"), DEFAULT_MAP_SIDE)
    a, b, c = st.columns([2, 2, 2])
    function = function_picker(
        a, text("bv_map_function", lang), "mm_fn", on_map_function_change, lang
    )
    objective = OBJECTIVES[function]
    names = map_optimizer_names(lang).get
    optimizer = optimizer_picker(
        b.radio,
        "mm_opt",
        text("bv_method", lang),
        MOMENTUM_OPTIMIZERS,
        lang,
        names,
        horizontal=True,
    )
    side = choice(
        "options",
        "mm_side",
        c.select_slider,
        text("bv_map_grid", lang),
        MAP_SIDES,
        format_func=grid_size,
    )
    low, high = rate_range(st, "mm_range", lr_range_default(objective), lang)
    return function, optimizer, side, (low, high)
