"""Playground: optimizers race across a 2-D landscape. Widgets -> core -> figures."""

from __future__ import annotations

import streamlit as st

from core.custom import custom_objective
from core.engine import MAX_STEPS, Run, available_devices, run
from core.figures import (
    PALETTE,
    PathView,
    learning_rate_figure,
    race_figure,
    start_picker_figure,
    surface_figure,
)
from core.landscape import Landscape, evaluate
from core.objectives import OBJECTIVES, Objective
from core.optimizers import OPTIMIZERS
from core.schedules import SCHEDULE_KINDS, Schedule
from core.summary import iterates_csv, summary_table
from pages.controls import hyper_key, hyper_widget, seed

CUSTOM = "custom"
DEFAULT_FORMULA = "sin(x) * cos(y) + 0.1 * (x^2 + y^2)"
DEFAULT_BOX = ((-4.0, 4.0), (-4.0, 4.0))
DEFAULT_OPTIMIZERS = ["sgd", "momentum", "adam", "rmsprop"]
DEFAULT_STEPS = 300
SPEEDS = {"slow": 150, "normal": 60, "fast": 25}

Settings = tuple[tuple[str, tuple[tuple[str, object], ...], tuple | None], ...]
# A scene names the function as plain, hashable values: ("rosenbrock",) or
# ("custom", formula text, box). Caches key on it; objective_of turns it into an Objective.
Scene = tuple


def objective_of(scene: Scene) -> Objective:
    if scene[0] == CUSTOM:
        return custom_objective(scene[1], scene[2])
    return OBJECTIVES[scene[0]]


@st.cache_data(max_entries=32, show_spinner=False)
def landscape_of(scene: Scene) -> Landscape:
    return evaluate(objective_of(scene))


@st.cache_data(max_entries=64, show_spinner="Running the optimizers…")
def race(
    scene: Scene,
    start: tuple[float, float],
    steps: int,
    device: str,
    noise: float,
    noise_seed: int,
    project: bool,
    settings: Settings,
) -> list[Run]:
    objective = objective_of(scene)
    runs = []
    for optimizer_id, hyper, schedule in settings:
        runs.append(
            run(
                objective,
                optimizer_id,
                start,
                steps,
                device=device,
                noise=noise,
                seed=noise_seed,
                project=project,
                schedule=Schedule(*schedule) if schedule else None,
                **dict(hyper),
            )
        )
    return runs


def box_from_state() -> tuple[tuple[float, float], tuple[float, float]]:
    state = st.session_state
    return (state.box_x0, state.box_x1), (state.box_y0, state.box_y1)


def default_start() -> tuple[float, float]:
    if st.session_state.fn == CUSTOM:
        (x0, x1), (y0, y1) = box_from_state()
        return (x0 + x1) / 2, (y0 + y1) / 2
    return OBJECTIVES[st.session_state.fn].start


def reset_start() -> None:
    st.session_state.start_x, st.session_state.start_y = default_start()


def on_function_change() -> None:
    """A new function brings its own start and learning rates."""
    reset_start()
    for optimizer_id in OPTIMIZERS:  # learning rates re-seed from the new function when drawn
        st.session_state.pop(hyper_key(optimizer_id, "lr"), None)


def on_start_click() -> None:
    """A click on the start picker moves the start (kept in session state across reruns)."""
    points = st.session_state.picker.selection.points
    if points:
        st.session_state.start_x = float(points[0]["x"])
        st.session_state.start_y = float(points[0]["y"])


def schedule_controls(optimizer_id: str) -> tuple | None:
    kinds = ["none", *SCHEDULE_KINDS]
    names = {"none": "constant learning rate"} | {k: v.name for k, v in SCHEDULE_KINDS.items()}
    kind = st.selectbox("schedule", kinds, key=f"sched_{optimizer_id}", format_func=names.get)
    if kind == "none":
        return None
    gamma, size = 0.5, 100
    if SCHEDULE_KINDS[kind].uses_gamma:
        seed(f"gamma_{optimizer_id}", 0.5 if kind == "step" else 0.99)
        gamma = st.slider("γ (decay factor)", 0.01, 1.0, step=0.01, key=f"gamma_{optimizer_id}")
    if SCHEDULE_KINDS[kind].uses_step_size:
        seed(f"size_{optimizer_id}", 100)
        size = st.number_input(
            "decay every (steps)", 1, MAX_STEPS, step=1, key=f"size_{optimizer_id}"
        )
    return (kind, float(gamma), int(size))


# ---- Controls ---------------------------------------------------------------------------------
seed("fn", "rosenbrock")
if st.session_state.fn not in (*OBJECTIVES, CUSTOM):  # a stale or forged value
    st.session_state.fn = "rosenbrock"
seed("formula", DEFAULT_FORMULA)
for name, value in zip(("box_x0", "box_x1", "box_y0", "box_y1"), sum(DEFAULT_BOX, ()), strict=True):
    seed(name, value)
seed("opts", DEFAULT_OPTIMIZERS)
seed("steps", DEFAULT_STEPS)
seed("speed", "normal")

with st.sidebar:
    st.selectbox(
        "Function",
        [*OBJECTIVES, CUSTOM],
        key="fn",
        on_change=on_function_change,
        format_func=lambda i: OBJECTIVES[i].name if i in OBJECTIVES else "Custom formula…",
    )
    scene: Scene = (st.session_state.fn,)
    if st.session_state.fn == CUSTOM:
        formula = st.text_input(
            "f(x, y) =",
            key="formula",
            max_chars=300,
            help="Use x, y, numbers, pi, e, + - * / ^, parentheses and sin cos tan exp log "
            "log10 sqrt abs tanh sinh cosh arctan atan2 min max.",
        )
        st.caption("Plot box")
        left, right = st.columns(2)
        left.number_input("x from", -1e6, 1e6, key="box_x0", on_change=reset_start)
        right.number_input("x to", -1e6, 1e6, key="box_x1", on_change=reset_start)
        left.number_input("y from", -1e6, 1e6, key="box_y0", on_change=reset_start)
        right.number_input("y to", -1e6, 1e6, key="box_y1", on_change=reset_start)
        scene = (CUSTOM, formula, box_from_state())
    try:
        objective = objective_of(scene)
    except ValueError as error:  # FormulaError is a ValueError: shown under the field
        st.error(str(error))
        st.info("Fix the formula or the box in the sidebar to see the race.")
        st.stop()
    seed("start_x", objective.start[0])
    seed("start_y", objective.start[1])
    (x0, x1), (y0, y1) = objective.box
    if not (x0 <= st.session_state.start_x <= x1 and y0 <= st.session_state.start_y <= y1):
        reset_start()  # a start outside the box (forged, or left from another box) is replaced

    chosen = st.multiselect(
        "Optimizers", list(OPTIMIZERS), key="opts", format_func=lambda i: OPTIMIZERS[i].name
    )
    settings = []
    for optimizer_id in chosen:
        spec = OPTIMIZERS[optimizer_id]
        with st.expander(f"{spec.name} settings", expanded=False):
            defaults = spec.defaults_for(objective)
            hyper = {p.name: hyper_widget(spec, p, defaults[p.name]) for p in spec.hyper}
            settings.append((optimizer_id, tuple(hyper.items()), schedule_controls(optimizer_id)))

    st.markdown("**Start point**")
    left, right = st.columns(2)
    left.number_input("x", x0, x1, key="start_x", format="%.4g")
    right.number_input("y", y0, y1, key="start_y", format="%.4g")
    st.button("Reset to the function's start", on_click=reset_start)
    st.caption("…or click the map:")
    st.plotly_chart(
        start_picker_figure(
            objective,
            landscape_of(scene),
            (st.session_state.start_x, st.session_state.start_y),
        ),
        key="picker",
        on_select=on_start_click,
        selection_mode="points",
        width="stretch",
        config={"displayModeBar": False},
    )

    steps = st.number_input("Steps", 1, MAX_STEPS, step=50, key="steps")
    devices = available_devices()
    device = st.selectbox("Device", devices, key="device")
    st.caption(
        "A GPU is slower than the CPU for one 2-D path (kernel launch latency); "
        "it pays off only for large batches of starts."
    )
    with st.expander("More options"):
        noise = st.slider(
            "Gradient noise (std)",
            0.0,
            10.0,
            0.0,
            0.1,
            key="noise",
            help="Adds seeded Gaussian noise to every gradient: stochastic gradients.",
        )
        noise_seed = st.number_input("Noise seed", 0, 2**31 - 1, 0, key="noise_seed")
        project = st.checkbox(
            "Keep iterates in the box (projection)",
            key="project",
            help="After each step, clamp the point back into the plotted box.",
        )
        speed = st.radio("Animation speed", list(SPEEDS), key="speed", horizontal=True)

# ---- Work -------------------------------------------------------------------------------------
custom = scene[0] == CUSTOM
st.title(objective.name)
if custom:
    st.code(objective.note, language=None)  # user text: shown as code, never as HTML or LaTeX
else:
    st.latex(f"f(x, y) = {objective.latex}")
if objective.minima:
    listed = ", ".join(f"({x:.6g}, {y:.6g})" for x, y in objective.minima)
    if custom:
        st.caption(
            "Estimated minimum in the box (multi-start descent): "
            f"f ≈ {objective.f_min:.6g} at {listed}."
        )
    else:
        st.caption(f"Global minimum f = {objective.f_min:.6g} at {listed}. {objective.note}")
else:
    st.caption("No minimum known." if custom else f"No global minimum. {objective.note}")

start = (float(st.session_state.start_x), float(st.session_state.start_y))
steps = int(min(max(int(steps), 1), MAX_STEPS))  # enforced here too, not only by the widget
if not chosen:
    st.info("Pick at least one optimizer in the sidebar.")
    st.stop()
try:
    runs = race(
        scene,
        start,
        steps,
        device if device in devices else "cpu",
        float(noise),
        int(noise_seed),
        bool(project),
        tuple(settings),
    )
except ValueError as error:
    st.error(f"Cannot run these settings: {error}")
    st.stop()

labels = [OPTIMIZERS[r.optimizer].name for r in runs]
views = [
    PathView(
        label,
        PALETTE[i % len(PALETTE)],
        r.frame,
        None if r.stop.reason == "completed" else r.stop.message(label),
    )
    for i, (label, r) in enumerate(zip(labels, runs, strict=True))
]

# ---- Output -----------------------------------------------------------------------------------
for view in views:
    if view.message:
        st.warning(view.message, icon="⚠️")

landscape = landscape_of(scene)
race_tab, surface_tab = st.tabs(["Race", "3-D surface"])
with race_tab:
    st.plotly_chart(
        race_figure(
            objective, landscape, views, start, frame_ms=SPEEDS[speed], estimated_minimum=custom
        ),
        width="stretch",
        theme=None,
        config={"displaylogo": False},
        key="race",
    )
with surface_tab:
    st.plotly_chart(
        surface_figure(objective, landscape, views),
        width="stretch",
        theme=None,
        config={"displaylogo": False},
    )

if any(schedule for _, _, schedule in settings):
    st.plotly_chart(learning_rate_figure(views), width="stretch", theme=None, key="lr_chart")

st.subheader("Summary")
st.dataframe(summary_table(objective, runs, labels), hide_index=True, width="stretch")
st.download_button(
    "Download all iterates (CSV)",
    iterates_csv(runs, labels),
    file_name=f"{objective.id}_iterates.csv",
    mime="text/csv",
)
