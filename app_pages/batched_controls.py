"""The Batched views' shared controls: teacher mode, the function picker, the sidebar, the words
of its choices, and the session's settings made valid before the widgets read them."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

import streamlit as st

from app_pages.controls import (
    hyper_widget,
    seed,
    warn_start_replaced,
)
from app_pages.links import is_hidden, publish
from app_pages.number_field import number_field
from core.batched.settings import (
    DEFAULT_GRID,
    DEFAULT_STEPS,
    DEFAULT_TOLERANCE,
    GRIDS,
    LR_OPTIONS,
    PREFIX,
    TABS,
    TOLERANCES,
    bv_spec,
    key,
    link_defaults,
    link_fields,
    reset_refused,
)
from core.optim.fields import hyper_key
from core.optim.optimizers import OPTIMIZERS, PICKER_ORDER
from core.problems.objectives import OBJECTIVES, Objective
from core.runs.engine import MAX_STEPS
from core.settings.linkstate import Field
from core.text.i18n import LANGUAGES, objective_name, text


def control(
    group: str, name: str, draw: Callable[[], Any], default: Any = None, shown: bool = True
) -> Any:
    """Teacher mode: draw the control unless the link hides its group (or it is not `shown`); a
    hidden control keeps the value that the link, the session or the default gave it (validated
    like a drawn one)."""
    if is_hidden(group) or not shown:
        return st.session_state.get(key(name), default)
    return draw()


def choice(
    group: str,
    name: str,
    widget: Callable[..., Any],
    label: str,
    options: Iterable[Any],
    *,
    default: Any = None,
    shown: bool = True,
    **widget_args: Any,
) -> Any:
    """A choice widget (a selectbox, radio, select slider or multiselect, of st or of a column)
    over `options`, under this page's session key for `name`, drawn through `control`."""
    return control(
        group,
        name,
        lambda: widget(label, list(options), key=key(name), **widget_args),
        default,
        shown,
    )


def rate_range(where: Any, name: str, default: tuple[float, float], lang: str) -> Any:
    """A learning-rate range slider in `where`, hidden by `hide=lr`.

    A range slider takes its default through `value` (not a seeded key): without it the widget
    is a single-value slider, and the range the browser sends back is dropped for its default.
    """
    label = text("bv_lr_range", lang)
    return choice(
        "lr",
        name,
        where.select_slider,
        label,
        LR_OPTIONS,
        default=default,
        value=default,
        format_func=rate,
    )


def _picker_label(optimizer_id: str, lang: str) -> str:
    return OPTIMIZERS[optimizer_id].picker_label(lang)


def optimizer_picker(
    widget: Callable[..., Any],
    name: str,
    label: str,
    options: Iterable[str],
    lang: str,
    names: Callable[[str], str | None] | None = None,
    **widget_args: Any,
) -> Any:
    """An optimizer choice (a selectbox, radio or multiselect, of st or of a column), hidden by
    `hide=optimizers`, its options labelled by `names`, by default as the Playground's picker
    lists them in `lang` (pytorch-optimizer's with their family)."""
    if names is None:
        names = functools.partial(_picker_label, lang=lang)
    return choice("optimizers", name, widget, label, options, format_func=names, **widget_args)


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
    return choice(
        "function",
        name,
        where.selectbox,
        label,
        OBJECTIVES,
        shown=shown,
        on_change=on_change,
        format_func=lambda i: objective_name(i, OBJECTIVES[i].name, lang),
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


def grid_size(side: int) -> str:
    """A grid's size as its sliders label it: 120 × 120."""
    return f"{side} × {side}"


def rate(value: float) -> str:
    """A learning rate as the rate sliders label it, in its shortest form: 0.001, 1e-05."""
    return f"{value:g}"


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
    optimizer = optimizer_picker(
        st.selectbox, "opt", text("bv_optimizer", lang), PICKER_ORDER, lang, shown=shown
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
            lambda: number_field(
                text("bv_steps", lang), Field(key("steps"), "int", 1, MAX_STEPS), lang, step=50
            ),
        )
        grid = choice(
            "options",
            "grid",
            st.select_slider,
            text("bv_grid", lang),
            GRIDS,
            shown=basin_settings,
            format_func=grid_size,
        )
        tolerance = choice(
            "options",
            "tol",
            st.select_slider,
            text("bv_tolerance", lang),
            TOLERANCES,
            format_func=lambda v: f"{v:g} %",
            help=text("bv_tolerance_help", lang),
        )
        st.caption(text("bv_sidebar_note", lang))
    return objective, optimizer, hyper, int(steps), int(grid), float(tolerance) / 100
