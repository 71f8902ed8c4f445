"""Batched views: basins of attraction, learning-rate sweeps and momentum maps.

Thousands of independent runs as one tensor (or one param group per setting): widgets -> plain
values -> cached core runs (with a progress bar, interruptible) -> core figures -> st.plotly_chart.
Every word comes from the string tables (core/text/batched.py) in the session's language; the core
functions and figures get `lang` too, so messages, errors and charts follow it.

Every setting lives in the URL (pages/links.py, validated by core.settings.linkstate), the open tab
too, and teacher mode (`?hide=...`) hides the same groups of controls as on the Playground.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from app_pages.controls import (
    hyper_widget,
    progress_bar,
    seed,
    warn_start_replaced,
)
from app_pages.links import is_hidden, publish, restore, show_refused
from core.analysis.curvature import Quadratic, convex_quadratic, stability_limit
from core.batched.basins import BasinMap, basin_map, not_batchable_reason
from core.batched.outcomes import DIVERGED, NO_MINIMUM, text
from core.batched.settings import (
    DEFAULT_GRID,
    DEFAULT_MAP_SIDE,
    DEFAULT_RATES,
    DEFAULT_STEPS,
    DEFAULT_SWEEP,
    DEFAULT_SWEEP_RANGE,
    DEFAULT_TOLERANCE,
    GRIDS,
    LR_OPTIONS,
    MAP_SIDES,
    METRICS,
    PREFIX,
    RATE_COUNTS,
    TABS,
    TOLERANCES,
    bv_spec,
    key,
    link_defaults,
    link_fields,
    lr_range_default,
    momentum_axis,
    reset_refused,
    sweepable_optimizers,
    views_of,
)
from core.batched.sweeps import (
    MOMENTUM_OPTIMIZERS,
    largest_stable_rate,
    log_rates,
    lr_sweep,
    momentum_map,
)
from core.figures.batched import basin_figure, momentum_figure, sweep_figure
from core.optim.fields import hyper_key
from core.optim.optimizers import OPTIMIZERS
from core.problems.objectives import OBJECTIVES, Objective
from core.runs.engine import MAX_STEPS, available_devices
from core.text.i18n import LANGUAGES, objective_name, sentences

CHART_CONFIG = {"displaylogo": False}

Hyper = tuple[tuple[str, Any], ...]


def control(
    group: str, name: str, draw: Callable[[], Any], default: Any = None, shown: bool = True
) -> Any:
    """Teacher mode: draw the control unless the link hides its group (or it is not `shown`); a
    hidden control keeps the value that the link, the session or the default gave it (validated
    like a drawn one)."""
    if is_hidden(group) or not shown:
        return st.session_state.get(key(name), default)
    return draw()


def keep_undrawn(names: list[str]) -> None:
    """Keep the values of controls this run does not draw. A widget's value is dropped at the end
    of a run that skips it; one written back through the session is not (Streamlit's documented
    way to keep it), so the settings are there when the control is drawn again."""
    for name in names:
        if name in st.session_state:
            st.session_state[name] = st.session_state[name]


def function_picker(
    where: Any, label: str, name: str, on_change: Callable[[], None], lang: str, shown: bool = True
) -> str:
    """A function selectbox in `where` (the sidebar, a column), hidden by `hide=function`."""
    return control(
        "function",
        name,
        lambda: where.selectbox(
            label,
            list(OBJECTIVES),
            key=key(name),
            on_change=on_change,
            format_func=lambda i: objective_name(i, OBJECTIVES[i].name, lang),
        ),
        shown=shown,
    )


def publish_link(lang: str) -> None:
    """Write the page's settings into the URL: the open tab by its id, ranges as pairs."""
    state = st.session_state
    labels = {label: tab for tab, label in tab_labels(lang).items()}
    current = {key("tab"): labels.get(state.get(key("tab")), TABS[0])}
    for name in (key("lr_range"), key("mm_range")):
        if name in state:
            current[name] = tuple(state[name])  # the slider may hand back a list
    defaults = link_defaults(state[key("fn")], state[key("mm_fn")])
    publish(PREFIX, link_fields(), defaults, current)


# ---- Words: ids stay the widgets' values, only their labels follow the language.


def tab_labels(lang: str) -> dict[str, str]:
    """Tab id -> its label. The tabs' session value is the label of the open tab."""
    return {
        "basins": text("bv_tab_basins", lang),
        "sweep": text("bv_tab_sweep", lang),
        "momentum": text("bv_tab_momentum", lang),
    }


def view_names(lang: str, has_minima: bool = True) -> dict[str, str]:
    """Basin view id -> its name; without minima, "steps" is the step a start left the region."""
    return {
        "minimum": text("bv_view_minimum", lang),
        "loss": text("bv_view_loss", lang),
        "steps": text("bv_view_steps" if has_minima else "bv_view_left", lang),
    }


def map_optimizer_names(lang: str) -> dict[str, str]:
    return {"momentum": text("bv_heavy_ball", lang), "nesterov": OPTIMIZERS["nesterov"].name}


# ---- Cached computations: plain values in, plain data out, each with a progress bar
# (pages/controls.py: progress_bar) that also makes it interruptible.


@st.cache_data(max_entries=16, show_spinner=False)
def basins_of(
    function: str,
    optimizer: str,
    hyper: Hyper,
    resolution: int,
    steps: int,
    tolerance: float,
    device: str,
    lang: str,
) -> BasinMap:
    with progress_bar(
        text(
            "bv_progress_basins",
            lang,
            starts=f"{resolution * resolution:,}",
            steps=f"{steps:,}",
        )
    ) as report:
        return basin_map(
            function,
            optimizer,
            resolution=resolution,
            steps=steps,
            tolerance=tolerance,
            device=device,
            on_progress=report,
            lang=lang,
            **dict(hyper),
        )


@st.cache_data(max_entries=16, show_spinner=False)
def sweep_of(
    function: str,
    settings: tuple[tuple[str, Hyper], ...],
    start: tuple[float, float],
    steps: int,
    rates: tuple[float, float, int],
    tolerance: float,
    lang: str,
) -> pd.DataFrame:
    low, high, count = rates
    with progress_bar(
        text(
            "bv_progress_sweep",
            lang,
            rates=count,
            optimizers=len(settings),
            steps=f"{steps:,}",
        )
    ) as report:
        return lr_sweep(
            function,
            [(optimizer, dict(hyper)) for optimizer, hyper in settings],
            start,
            steps,
            log_rates(low, high, count, lang),
            tolerance=tolerance,
            on_progress=report,
            lang=lang,
        )


@st.cache_data(max_entries=16, show_spinner=False)
def momentum_map_of(
    function: str,
    optimizer: str,
    steps: int,
    rates: tuple[float, float, int],
    tolerance: float,
    lang: str,
) -> pd.DataFrame:
    low, high, side = rates
    momenta = momentum_axis(optimizer, side)
    with progress_bar(
        text("bv_progress_momentum", lang, pairs=f"{side * side:,}", steps=f"{steps:,}")
    ) as report:
        return momentum_map(
            function,
            OBJECTIVES[function].start,
            steps,
            log_rates(low, high, side, lang),
            momenta,
            optimizer=optimizer,
            tolerance=tolerance,
            on_progress=report,
            lang=lang,
        )


@st.cache_data(max_entries=32, show_spinner=False)
def quadratic_of(function: str) -> Quadratic | None:
    return convex_quadratic(OBJECTIVES[function])


# ---- Controls ---------------------------------------------------------------------------------


def on_function_change() -> None:
    """A new function brings its own start and learning rates."""
    for optimizer_id in OPTIMIZERS:
        st.session_state.pop(hyper_key(f"{PREFIX}_{optimizer_id}", "lr"), None)
    for name in ("x", "y"):
        st.session_state.pop(key(name), None)


def on_map_function_change() -> None:
    st.session_state.pop(key("mm_range"), None)


def clean_session(lang: str) -> None:
    """Replace stale or forged choices by defaults before the widgets read them. The open tab,
    kept as its label, is carried over to the labels of `lang` when the language changed; a
    link names it by its id."""
    state = st.session_state
    labels = tab_labels(lang)
    open_tab = state.get(key("tab"))
    state[key("tab")] = next(
        (
            labels[tab]
            for other in LANGUAGES
            for tab, label in tab_labels(other).items()
            if open_tab in (label, tab)
        ),
        labels[TABS[0]],
    )
    reset_refused(state)
    check_start(OBJECTIVES[state[key("fn")]], lang)


def check_start(objective: Objective, lang: str) -> None:
    """A sweep start outside the function's box (from a link) gives way to the function's own
    start, with a notice that says so; a forged non-number is replaced silently."""
    state = st.session_state
    x, y = state.get(key("x")), state.get(key("y"))
    (x0, x1), (y0, y1) = objective.box
    numbers = all(isinstance(v, (int, float)) for v in (x, y) if v is not None)
    if numbers and (x is None or x0 <= x <= x1) and (y is None or y0 <= y <= y1):
        return
    if numbers:
        sx, sy = objective.start
        point = (x if x is not None else sx, y if y is not None else sy)
        warn_start_replaced(objective, point, objective.start, lang)
    state.pop(key("x"), None)  # both re-seeded from the function's start
    state.pop(key("y"), None)


def basin_controls(lang: str, shown: bool) -> tuple[Objective, str, dict[str, Any]]:
    """Function, optimizer and its hyper-parameters, for the basin map and the sweep. The
    momentum map's tab has its own function and method: there these are kept, not drawn."""
    function = function_picker(
        st, text("function", lang), "fn", on_function_change, lang, shown=shown
    )
    objective = OBJECTIVES[function]
    optimizer = control(
        "optimizers",
        "opt",
        lambda: st.selectbox(
            text("bv_optimizer", lang),
            list(OPTIMIZERS),
            key=key("opt"),
            format_func=lambda i: OPTIMIZERS[i].name,
        ),
        shown=shown,
    )
    spec = OPTIMIZERS[optimizer]
    show_lr, show_rest = shown and not is_hidden("lr"), shown and not is_hidden("hyper")
    box = (
        st.expander(text("settings_of", lang, name=spec.name), expanded=True)
        if show_lr or show_rest
        else st.container()
    )
    with box:
        defaults = spec.defaults_for(objective)
        # The same controls as the Playground, under this page's own session keys.
        hyper = {
            p.name: hyper_widget(
                bv_spec(optimizer),
                p,
                defaults[p.name],
                lang,
                show_lr if p.name == "lr" else show_rest,
            )
            for p in spec.hyper
        }
    if not shown:
        hyper_keys = [hyper_key(f"{PREFIX}_{optimizer}", p.name) for p in spec.hyper]
        keep_undrawn([key("fn"), key("opt"), key("grid"), *hyper_keys])
    return objective, optimizer, hyper


def sidebar(lang: str) -> tuple[Objective, str, dict[str, Any], int, int, float]:
    """Function, optimizer and its hyper-parameters, steps, grid and tolerance: on the momentum
    map's tab only what the map uses (steps, tolerance) beside its own pickers."""
    clean_session(lang)
    seed(key("steps"), DEFAULT_STEPS)
    seed(key("grid"), DEFAULT_GRID)
    seed(key("tol"), DEFAULT_TOLERANCE)
    basin_settings = st.session_state[key("tab")] != tab_labels(lang)["momentum"]
    with st.sidebar:
        objective, optimizer, hyper = basin_controls(lang, basin_settings)
        steps = control(
            "steps",
            "steps",
            lambda: st.number_input(
                text("bv_steps", lang), 1, MAX_STEPS, step=50, key=key("steps")
            ),
        )
        grid = control(
            "options",
            "grid",
            lambda: st.select_slider(
                text("bv_grid", lang),
                GRIDS,
                key=key("grid"),
                format_func=lambda n: f"{n} × {n}",
            ),
            shown=basin_settings,
        )
        tolerance = control(
            "options",
            "tol",
            lambda: st.select_slider(
                text("bv_tolerance", lang),
                TOLERANCES,
                key=key("tol"),
                format_func=lambda v: f"{v:g} %",
                help=text("bv_tolerance_help", lang),
            ),
        )
        st.caption(text("bv_sidebar_note", lang))
    return objective, optimizer, hyper, int(steps), int(grid), float(tolerance) / 100


def cannot_run(error: ValueError, lang: str) -> None:
    st.error(text("cannot_run", lang, error=error))


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
    reason = not_batchable_reason(spec, lang)
    if reason:
        st.info(reason, icon=":material/info:")
        return
    view, device = basin_view_controls(lang, objective)
    if not objective.minima:
        name = objective_name(objective.id, objective.name, lang)
        st.info(text("bv_no_minimum", lang, name=name))
    try:
        basins = basins_of(
            objective.id, optimizer, tuple(hyper.items()), grid, steps, tolerance, device, lang
        )
    except ValueError as error:
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
    device = control(
        "device",
        "device",
        lambda: right.selectbox(
            text("device", lang),
            available_devices(),
            key=key("device"),
            help=text("bv_device_help", lang),
        ),
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


def sweep_settings(
    objective: Objective, chosen: list[str], optimizer: str, hyper: dict[str, Any]
) -> tuple[tuple[str, Hyper], ...]:
    """The sidebar optimizer keeps its sidebar settings; the others use their defaults."""
    settings = []
    for optimizer_id in chosen:
        values = (
            hyper if optimizer_id == optimizer else OPTIMIZERS[optimizer_id].defaults_for(objective)
        )
        settings.append((optimizer_id, tuple((k, v) for k, v in values.items() if k != "lr")))
    return tuple(settings)


def sweep_tab(
    lang: str,
    objective: Objective,
    optimizer: str,
    hyper: dict[str, Any],
    steps: int,
    tolerance: float,
) -> None:
    chosen, metric, (low, high), count, start = sweep_controls(lang, objective)
    if not chosen:
        st.info(text("bv_pick_sweep", lang))
        return
    if low >= high:
        st.error(text("bv_empty_range", lang))
        return
    settings = sweep_settings(objective, chosen, optimizer, hyper)
    rates = (float(low), float(high), int(count))
    try:
        sweep = sweep_of(objective.id, settings, start, steps, rates, tolerance, lang)
    except ValueError as error:
        cannot_run(error, lang)
        return
    limit = stability_limit(objective)
    st.plotly_chart(
        sweep_figure(objective, sweep, metric, limit=limit, lang=lang),
        width="stretch",
        theme=None,
        config=CHART_CONFIG,
        key=key("sweep_chart"),
    )
    quadratic = quadratic_of(objective.id)
    if quadratic is not None:
        h = quadratic.hessian
        st.caption(
            text(
                "bv_quadratic_caption",
                lang,
                name=objective_name(objective.id, objective.name, lang),
                hessian=f"[[{h[0, 0]:.4g}, {h[0, 1]:.4g}], [{h[1, 0]:.4g}, {h[1, 1]:.4g}]]",
                low=f"{quadratic.lambda_min:.4g}",
                high=f"{quadratic.lambda_max:.4g}",
                limit=f"{limit:.4g}",
            )
        )
    st.caption(sweep_summary(sweep, settings, optimizer, lang))


def sweep_controls(
    lang: str, objective: Objective
) -> tuple[list[str], str, tuple[float, float], int, tuple[float, float]]:
    """The sweep's own controls: optimizers, what to plot, the rate range and count, the start."""
    sweepable = sweepable_optimizers()
    seed(key("sweep_opts"), [i for i in DEFAULT_SWEEP if i in sweepable])
    st.session_state[key("sweep_opts")] = [
        i for i in st.session_state[key("sweep_opts")] if i in sweepable
    ]
    seed(key("rates"), DEFAULT_RATES)
    seed(key("metric"), "loss")
    seed(key("x"), objective.start[0])
    seed(key("y"), objective.start[1])
    left, right = st.columns([3, 2])
    chosen = control(
        "optimizers",
        "sweep_opts",
        lambda: left.multiselect(
            text("optimizers", lang),
            sweepable,
            key=key("sweep_opts"),
            format_func=lambda i: OPTIMIZERS[i].name,
            help=text("bv_lbfgs_help", lang),
        ),
    )
    metrics = {m: view_names(lang)[m] for m in METRICS}
    metric = right.radio(
        text("bv_plot", lang),
        list(METRICS),
        key=key("metric"),
        horizontal=True,
        format_func=metrics.get,
    )
    a, b, c, d = st.columns([3, 2, 1, 1])
    # A range slider takes its default through `value` (not a seeded key): without it the widget
    # is a single-value slider, and the range the browser sends back is dropped for its default.
    rate_range = control(
        "lr",
        "lr_range",
        lambda: a.select_slider(
            text("bv_lr_range", lang),
            LR_OPTIONS,
            value=DEFAULT_SWEEP_RANGE,
            key=key("lr_range"),
            format_func=lambda v: f"{v:g}",
        ),
        DEFAULT_SWEEP_RANGE,
    )
    count = control(
        "options",
        "rates",
        lambda: b.select_slider(text("bv_rate_count", lang), RATE_COUNTS, key=key("rates")),
    )
    return chosen, metric, tuple(rate_range), count, start_controls(lang, objective, c, d)


def start_controls(lang: str, objective: Objective, left: Any, right: Any) -> tuple[float, float]:
    """The sweep's start, x in `left` and y in `right`, within the function's box."""
    (x0, x1), (y0, y1) = objective.box
    x = control(
        "start",
        "x",
        lambda: left.number_input(text("bv_start_x", lang), x0, x1, key=key("x"), format="%.4g"),
    )
    y = control(
        "start",
        "y",
        lambda: right.number_input(text("bv_start_y", lang), y0, y1, key=key("y"), format="%.4g"),
    )
    return float(x), float(y)


def sweep_summary(
    sweep: pd.DataFrame, settings: tuple[tuple[str, Hyper], ...], optimizer: str, lang: str
) -> str:
    """Up to which rate each swept optimizer stayed stable, in one caption."""
    stable = []
    for optimizer_id, _ in settings:
        rate = largest_stable_rate(sweep, optimizer_id)
        name = OPTIMIZERS[optimizer_id].name
        stable.append(
            text("bv_diverged_everywhere", lang, name=name)
            if rate is None
            else text("bv_stable_up_to", lang, name=name, rate=f"{rate:.4g}")
        )
    return text(
        "bv_sweep_summary",
        lang,
        stable=("；" if lang == "zh" else "; ").join(stable),
        name=OPTIMIZERS[optimizer].name,
    )


def momentum_tab(lang: str, steps: int, tolerance: float) -> None:
    function, optimizer, side, (low, high) = momentum_controls(lang)
    objective = OBJECTIVES[function]
    if low >= high:
        st.error(text("bv_empty_range", lang))
        return
    try:
        grid = momentum_map_of(
            function, optimizer, steps, (float(low), float(high), int(side)), tolerance, lang
        )
    except ValueError as error:
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
    optimizer = control(
        "optimizers",
        "mm_opt",
        lambda: b.radio(
            text("bv_method", lang),
            list(MOMENTUM_OPTIMIZERS),
            key=key("mm_opt"),
            horizontal=True,
            format_func=map_optimizer_names(lang).get,
        ),
    )
    side = control(
        "options",
        "mm_side",
        lambda: c.select_slider(
            text("bv_map_grid", lang),
            MAP_SIDES,
            key=key("mm_side"),
            format_func=lambda n: f"{n} × {n}",
        ),
    )
    low, high = control(
        "lr",
        "mm_range",
        lambda: st.select_slider(
            text("bv_lr_range", lang),
            LR_OPTIONS,
            value=lr_range_default(objective),
            key=key("mm_range"),
            format_func=lambda v: f"{v:g}",
        ),
        lr_range_default(objective),
    )
    return function, optimizer, side, (low, high)


# ---- Page -------------------------------------------------------------------------------------
lang = st.session_state.get("lang", "en")
# No in-app link leads here, so a link arrives only with a new session: nothing to reset.
show_refused(restore(PREFIX, link_fields(), reset_missing=False), lang)
objective, optimizer, hyper, steps, grid, tolerance = sidebar(lang)
publish_link(lang)  # before the runs, so that the URL is current while they compute
st.title(text("page_basins", lang))
st.caption(text("bv_intro", lang))
basins, sweep, momentum = st.tabs(
    list(tab_labels(lang).values()), key=key("tab"), on_change="rerun"
)
with basins:
    if basins.open:
        basins_tab(lang, objective, optimizer, hyper, steps, grid, tolerance)
with sweep:
    if sweep.open:
        sweep_tab(lang, objective, optimizer, hyper, steps, tolerance)
with momentum:
    if momentum.open:
        momentum_tab(lang, steps, tolerance)
publish_link(lang)  # and after: values the tabs seeded or corrected
