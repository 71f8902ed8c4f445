"""The Playground's sidebar: every control, its URL field, and the plain settings it yields.

Widgets are keyed; their keys are also the URL parameter names (see app_pages/links.py). Teacher
mode hides groups of controls (`?hide=optimizers,lr`): a hidden control is not drawn, but its
value still comes from the link or the default and is validated on the server.
"""

from __future__ import annotations

import streamlit as st

from app_pages.controls import hyper_widget, seed, warn_start_replaced
from app_pages.links import is_hidden
from app_pages.number_field import number_field
from app_pages.shared_figures import FrozenFigure, shared_figure
from core.batched.fair import FAIR_RATES
from core.figures.static_figures import start_picker_figure
from core.formulas.expressions import FormulaError, point_at
from core.optim.fields import hyper_key
from core.optim.optimizers import OPTIMIZERS, PICKER_ORDER
from core.optim.schedules import SCHEDULE_KINDS, Schedule
from core.playground.link_race import in_box, race_key, schedule_of
from core.playground.settings import (
    BOX_KEYS,
    CUSTOM,
    DEFAULTS,
    FALLBACK_SCENE,
    FUNCTIONS,
    LAST_VALID_SCENE,
    MAX_NOISE,
    SCHEDULES,
    SPEEDS,
    Config,
    RaceEntry,
    Scene,
    Settings,
    field,
    objective_of,
    scene_of,
)
from core.problems.objectives import OBJECTIVES, Objective, Point
from core.runs.engine import available_devices
from core.settings.linkstate import Field, tidy_coordinate
from core.text.i18n import objective_name, text
from core.text.refusal import Refusal


def resolve_scene() -> tuple[Scene, Objective, Refusal | None]:
    """The scene the settings describe and its objective, or, while the typed formula or box
    cannot be used, the last valid scene and its objective with the reason it cannot."""
    scene = scene_of(st.session_state)
    try:
        objective = objective_of(scene)
    except Refusal as error:  # a FormulaError or a BoxError
        last = st.session_state.get(LAST_VALID_SCENE, FALLBACK_SCENE)
        return last, objective_of(last), error
    st.session_state[LAST_VALID_SCENE] = scene
    return scene, objective, None


def _move_start(point: Point) -> None:
    st.session_state.start_x, st.session_state.start_y = point


def reset_start() -> None:
    """Back to the function's own start (the last valid one's while the input is invalid)."""
    _move_start(resolve_scene()[1].start)


def on_function_change() -> None:
    """A new function brings its own start and learning rates."""
    reset_start()
    for optimizer_id in OPTIMIZERS:  # learning rates re-seed from the new function when drawn
        st.session_state.pop(hyper_key(optimizer_id, "lr"), None)


def on_box_change() -> None:
    """A new valid box brings its own start. A box field being typed (an invalid box), or one
    set back to the last valid box, leaves the student's start where it is."""
    if scene_of(st.session_state) == st.session_state.get(LAST_VALID_SCENE):
        return
    _, objective, error = resolve_scene()
    if error is None:
        _move_start(objective.start)


def on_start_click() -> None:
    """A click on the start picker moves the start (kept in session state across reruns), to a
    tidy point: the map's grid is float32, and a link should not say 1.600000023841858."""
    points = st.session_state.picker.selection.points
    if points:
        (x0, x1), (y0, y1) = resolve_scene()[1].box
        span = max(x1 - x0, y1 - y0)
        _move_start(tuple(tidy_coordinate(float(points[0][k]), span) for k in ("x", "y")))


def _clean_session() -> None:
    """Values forged into the session (or left by an old version) fall back to defaults."""
    state = st.session_state
    for key, value in DEFAULTS.items():
        seed(key, value)
    if state.fn not in FUNCTIONS:
        state.fn = DEFAULTS["fn"]
    if not isinstance(state.opts, list) or not set(state.opts) <= set(OPTIMIZERS):
        state.opts = list(DEFAULTS["opts"])
    if state.device not in available_devices():
        state.device = "cpu"
    if state.speed not in SPEEDS:
        state.speed = "normal"


def _function_controls(lang: str) -> tuple[Scene, Objective, Refusal | None]:
    visible = not is_hidden("function")
    if visible:
        st.selectbox(
            text("function", lang),
            FUNCTIONS,
            key="fn",
            on_change=on_function_change,
            format_func=lambda i: (
                objective_name(i, OBJECTIVES[i].name, lang)
                if i in OBJECTIVES
                else text("custom_formula_option", lang)
            ),
        )
    if visible and st.session_state.fn == CUSTOM:
        st.text_input("f(x, y) =", key="formula", max_chars=300, help=text("formula_help", lang))
        st.caption(text("plot_box", lang))
        left, right = st.columns(2)
        for column, key, label in zip(
            (left, right, left, right), BOX_KEYS, ("x_from", "x_to", "y_from", "y_to"), strict=True
        ):
            number_field(
                text(label, lang), field(key), lang, container=column, on_change=on_box_change
            )
    scene, objective, error = resolve_scene()
    if error is not None and visible:  # right under the fields; the main area says it too
        st.error(error.message(lang))
    return scene, objective, error


def _schedule_controls(optimizer_id: str, lang: str) -> Schedule | None:
    key = f"sched_{optimizer_id}"
    seed(key, "none")
    kind = st.selectbox(
        text("schedule", lang),
        SCHEDULES,
        key=key,
        format_func=lambda k: text(f"schedule_{k}", lang),
    )
    if kind == "none":
        return None
    gamma_key, size_key = f"gamma_{optimizer_id}", f"size_{optimizer_id}"
    seed(gamma_key, 0.5)
    seed(size_key, 100)
    if SCHEDULE_KINDS[kind].uses_gamma:
        st.slider(text("gamma", lang), 0.01, 1.0, step=0.01, key=gamma_key)
    if SCHEDULE_KINDS[kind].uses_step_size:
        number_field(text("decay_every", lang), field(size_key), lang)
    return schedule_of(optimizer_id, st.session_state)


def _optimizer_controls(objective: Objective, lang: str) -> Settings:
    if not is_hidden("optimizers"):
        st.multiselect(
            text("optimizers", lang),
            PICKER_ORDER,
            key="opts",
            format_func=lambda i: OPTIMIZERS[i].picker_label(lang),
            placeholder=text("optimizers_placeholder", lang),
            # Streamlit's "select all matches" speaks only English, and a race of every match
            # of a family is over the work budget anyway.
            select_all=False,
        )
    show_lr, show_rest = not is_hidden("lr"), not is_hidden("hyper")
    settings = []
    for optimizer_id in st.session_state.opts:
        spec = OPTIMIZERS[optimizer_id]
        defaults = spec.defaults_for(objective)
        box = (
            st.expander(text("settings_of", lang, name=spec.name)) if show_lr or show_rest else None
        )
        with box if box is not None else st.container():
            hyper = {
                p.name: hyper_widget(
                    spec, p, defaults[p.name], lang, show_lr if p.name == "lr" else show_rest
                )
                for p in spec.hyper
            }
            schedule = _schedule_controls(optimizer_id, lang) if show_rest else None
        settings.append(RaceEntry(optimizer_id, tuple(hyper.items()), schedule))
    return tuple(settings)


def _shared_start_picker(
    scene: Scene, start: Point, lang: str, objective: Objective, landscape
) -> FrozenFigure:
    """The start-picker map, shared by every session (the scene determines the objective)."""
    return shared_figure(
        ("start picker", scene, start, lang),
        lambda: start_picker_figure(objective, landscape(scene), start, lang=lang),
    )


def _start_controls(objective: Objective, scene: Scene, landscape, lang: str) -> Point:
    seed("start_x", objective.start[0])
    seed("start_y", objective.start[1])
    (x0, x1), (y0, y1) = objective.box
    x, y = st.session_state.start_x, st.session_state.start_y
    if not in_box(objective.box, (x, y)):
        _move_start(objective.start)  # a link's start outside the box, or a forged value
        if all(isinstance(v, (int, float)) for v in (x, y)):
            warn_start_replaced(objective, (x, y), objective.start, lang)
    if not is_hidden("start"):
        st.markdown(f"**{text('start_point', lang)}**")
        left, right = st.columns(2)
        for column, name, (low, high) in ((left, "x", (x0, x1)), (right, "y", (y0, y1))):
            start_field = Field(f"start_{name}", "float", low, high)  # within this function's box
            number_field(name, start_field, lang, container=column, format="%.4g")
        st.button(text("reset_start", lang), on_click=_move_start, args=(objective.start,))
        st.caption(text("click_map", lang))
        start = (float(st.session_state.start_x), float(st.session_state.start_y))
        st.plotly_chart(
            _shared_start_picker(scene, start, lang, objective, landscape),
            key="picker",
            on_select=on_start_click,
            selection_mode="points",
            width="stretch",
            config={"displayModeBar": False},
        )
    return float(st.session_state.start_x), float(st.session_state.start_y)


def sidebar(lang: str, landscape) -> tuple[Config, Refusal | None]:
    """Draw the sidebar; return the settings, and why the typed formula or box cannot be used
    (None when it can). While it cannot, the settings hold the last valid function.

    Every control is drawn on every run, valid input or not: a control that a run skips loses
    its value in the browser, and a typo in the formula would reset every setting below it.
    """
    _clean_session()
    with st.sidebar:
        scene, objective, refused = _function_controls(lang)
        settings = _optimizer_controls(objective, lang)
        if not is_hidden("optimizers"):
            low, high = FAIR_RATES[0], FAIR_RATES[-1]
            help_text = text(
                "fair_toggle_help", lang, count=len(FAIR_RATES), low=f"{low:g}", high=f"{high:g}"
            )
            st.toggle(text("fair_toggle", lang), key="fair", help=help_text)
        start = _start_controls(objective, scene, landscape, lang)
        devices = available_devices()
        if not is_hidden("steps"):
            number_field(text("steps", lang), field("steps"), lang, step=50)
        if not is_hidden("device"):
            st.selectbox(text("device", lang), devices, key="device")
            st.caption(text("gpu_note", lang))
        if not is_hidden("options"):
            with st.expander(text("more_options", lang)):
                st.slider(
                    text("noise", lang),
                    0.0,
                    MAX_NOISE,
                    step=0.1,
                    key="noise",
                    help=text("noise_help", lang),
                )
                number_field(text("noise_seed", lang), field("noise_seed"), lang)
                st.checkbox(text("project", lang), key="project", help=text("project_help", lang))
                st.radio(
                    text("speed", lang),
                    list(SPEEDS),
                    key="speed",
                    horizontal=True,
                    format_func=lambda s: text(f"speed_{s}", lang),
                )
    key = race_key(scene, settings, start, st.session_state)
    config = Config(key, objective, frame_ms=SPEEDS[st.session_state.speed])
    return config, refused


def show_refused_input(error: Refusal, lang: str) -> None:
    """Where the race would be: why the typed formula or box cannot be used, a caret under the
    character at fault, and that the other settings wait unchanged."""
    formula = isinstance(error, FormulaError)
    title = text("input_formula_error" if formula else "input_box_error", lang)
    # The message quotes at most one character or name of the student's text: no markdown.
    st.error(f"**{title}**  \n{error.message(lang)}", icon=":material/error:")
    if formula and error.position is not None:
        st.code(point_at(str(st.session_state.formula), error.position), language=None)
    st.info(text("input_kept", lang), icon=":material/bookmark:")
