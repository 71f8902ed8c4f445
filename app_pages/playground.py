"""Playground: optimizers race across a 2-D landscape. Widgets -> core -> figures."""

from __future__ import annotations

import functools

import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from app_pages.controls import progress_bar
from app_pages.links import publish, restore, show_refused
from app_pages.playground_controls import (
    Config,
    RaceKey,
    Scene,
    Settings,
    fields,
    link_defaults,
    objective_of,
    show_refused_input,
    sidebar,
)
from app_pages.screen import main_column_is_narrow
from app_pages.shared_figures import FrozenFigure, shared_figure
from core.analysis.curvature import curvature_along
from core.analysis.inspector import Inspection, inspect_run, update_arrows_figure
from core.export.codegen import race_script
from core.figures.batched import curvature_figure
from core.figures.playground import (
    PathView,
    learning_rate_figure,
    optimizer_view,
    race_figure,
    surface_figure,
)
from core.figures.race_layout import LAYOUTS, STACKED, WIDE
from core.optim.optimizers import OPTIMIZERS
from core.problems.landscape import Landscape, evaluate
from core.runs.engine import Run
from core.runs.race import Entry, require_race_within_budget, run_race
from core.runs.summary import MISSING, arrival_radius, iterates_csv, summary_table
from core.text.i18n import objective_name, objective_note, stop_message, text

CHART_CONFIG = {"displaylogo": False}
LONG_RACE = 3_000  # optimizer-steps (a second or two) from which a race shows its progress
WIDGETS_DRAWN = "_playground_widgets_drawn"  # a browser of this session has the page's widgets


def is_long(steps: int, settings: Settings) -> bool:
    """A race long enough to show its progress (and to be worth interrupting)."""
    return steps * len(settings) >= LONG_RACE


def entries_of(settings: Settings) -> list[Entry]:
    """The race's entries as core's races take them: (optimizer id, hyper-parameters, schedule)."""
    return [(e.optimizer, dict(e.hyper), e.schedule) for e in settings]


@st.cache_data(max_entries=32, show_spinner=False)
def landscape_of(scene: Scene) -> Landscape:
    return evaluate(objective_of(scene))


@st.cache_data(max_entries=64, show_spinner=False)
def race(key: RaceKey, _quiet: bool = False) -> list[Run]:
    # A long race shows a progress bar, which is also what lets a widget change interrupt it.
    with progress_bar(shown=is_long(key.steps, key.settings), quiet=_quiet) as report:
        return run_race(
            objective_of(key.scene),
            entries_of(key.settings),
            key.start,
            key.steps,
            device=key.device,
            noise=key.noise,
            seed=key.noise_seed,
            project=key.project,
            on_progress=report,
        )


@st.cache_data(max_entries=64, show_spinner=False)
def inspection(key: RaceKey, optimizer_id: str, t: int, lang: str) -> Inspection:
    entry = next(e for e in key.settings if e.optimizer == optimizer_id)
    return inspect_run(
        objective_of(key.scene),
        optimizer_id,
        key.start,
        key.steps,
        t,
        hyper=dict(entry.hyper),
        device=key.device,
        noise=key.noise,
        seed=key.noise_seed,
        project=key.project,
        schedule=entry.schedule,
        lang=lang,
    )


TABS = ("tab_race", "tab_surface", "tab_inspector", "tab_curvature", "tab_code")


def views_of(runs: list[Run], lang: str) -> list[PathView]:
    """What the charts draw of each run, with its stop message in `lang` (None if completed).
    Each optimizer keeps its own colour, dash and marker, whichever others race beside it."""
    views = []
    for r in runs:
        name = OPTIMIZERS[r.optimizer].name
        stop, message = r.stop, None
        if stop.reason != "completed":
            message = stop_message(stop.reason, stop.step, name, lang, stop.what, stop.value)
        views.append(optimizer_view(r.optimizer, r.frame, message))
    return views


def build_race_figure(
    config: Config,
    runs: list[Run],
    ghosts: list[PathView],
    frame_ms: int,
    layout: str,
    lang: str,
) -> go.Figure:
    return race_figure(
        config.objective,
        landscape_of(config.scene),
        views_of(runs, lang),
        config.start,
        frame_ms=frame_ms,
        estimated_minimum=config.scene.custom,
        ghosts=ghosts,
        layout=LAYOUTS[layout],
        lang=lang,
    )


# The race chart and the 3-D surface are shared by every session (see shared_figures). The runs
# are keyed by config.key, which determines them.
def shared_race_figure(
    config: Config, runs: list[Run], frame_ms: int, layout: str, lang: str
) -> FrozenFigure:
    return shared_figure(
        ("race", config.key, frame_ms, layout, lang),
        lambda: build_race_figure(config, runs, [], frame_ms, layout, lang),
    )


def shared_surface_figure(config: Config, runs: list[Run], lang: str) -> FrozenFigure:
    return shared_figure(
        ("surface", config.key, lang),
        lambda: surface_figure(
            config.objective, landscape_of(config.scene), views_of(runs, lang), lang=lang
        ),
    )


def script_of(config: Config) -> str:
    return race_script(
        config.objective,
        config.start,
        config.steps,
        entries_of(config.settings),
        device=config.device,
        noise=config.noise,
        seed=config.noise_seed,
        project=config.project,
    )


# The inspector and curvature tabs are fragments: moving the inspector's step or picking another
# path reruns only the tab, not the sidebar, the race and the summary around it.
@st.fragment
def inspector_tab(config: Config, runs: list[Run], lang: str) -> None:
    """Pick an optimizer and a step: its update equation with the real state's numbers."""
    ids = [r.optimizer for r in runs]
    left, right = st.columns([1, 2])
    optimizer_id = left.selectbox(
        text("inspect_optimizer", lang),
        ids,
        key="inspect_opt",
        format_func=lambda i: OPTIMIZERS[i].name,
    )
    last = max(len(runs[ids.index(optimizer_id)].frame) - 2, 0)
    t = right.slider(
        text("inspect_step", lang), 0, max(last, 1), key="inspect_t", disabled=last == 0
    )
    if runs[ids.index(optimizer_id)].frame.empty:  # not even the start could be evaluated
        st.info(text("insp_err_no_iterate", lang))
        return
    found = inspection(config.key, optimizer_id, min(t, last), lang)
    eq_col, fig_col = st.columns([3, 2])
    with eq_col:
        for line in found.shown:  # each line in symbols, then with this step's numbers
            st.latex(line)
        if found.note:
            st.caption(found.note)
    with fig_col:
        st.plotly_chart(
            update_arrows_figure(found, config.objective, lang=lang),
            width="stretch",
            theme=None,
            config=CHART_CONFIG,
            key="arrows",
        )
    st.dataframe(found.table, width="stretch")


# Summary columns shown with 3 significant digits (the CSV has them all): 5e-13 stays narrow,
# not 0.0000000000005, so the table fits a 1280 px screen.
COMPACT_NUMBERS = ("final_x", "final_y", "final_loss", "gap", "distance")


def summary_section(config: Config, runs: list[Run], labels: list[str], lang: str) -> None:
    """Where each run ended and why, one row per optimizer, readable at 1280 px: short stop
    texts (the full message is a warning above the chart), "—" for a value that does not exist."""
    st.subheader(text("summary", lang))
    table = summary_table(config.objective, runs, labels, lang)
    radius = f"{arrival_radius(config.objective):.3g}"
    helps = {
        "gap": text("col_gap_help", lang),
        "distance": text("col_distance_help", lang),
        "first_near": text("col_first_near_help", lang, radius=radius),
        "stop": text("col_stop_help", lang),
        "time": text("col_time_help", lang),
    }
    titles = {column: text(f"col_{column}", lang) for column in table.columns}
    st.dataframe(
        table.rename(columns=titles),
        hide_index=True,
        width="stretch",
        placeholder=MISSING,
        column_config={
            title: st.column_config.NumberColumn(help=helps.get(column), format="%.3g")
            if column in COMPACT_NUMBERS
            else st.column_config.Column(help=helps.get(column))
            for column, title in titles.items()
        },
    )


@st.fragment
def curvature_tab(config: Config, views: list[PathView], lang: str) -> None:
    """Hessian eigenvalues and condition number along one optimizer's path (autograd, twice)."""
    labels = [view.label for view in views]
    label = st.selectbox(text("curvature_optimizer", lang), labels, key="curvature_opt")
    view = views[labels.index(label)]
    curvature = curvature_along(config.objective, view.frame[["x", "y"]], view.frame["t"])
    st.caption(text("curvature_note", lang))
    st.plotly_chart(
        curvature_figure(curvature, view.label, view.colour, lang=lang),
        width="stretch",
        theme=None,
        config=CHART_CONFIG,
        key="curvature",
    )


def header(config: Config, lang: str) -> DeltaGenerator:
    """Title, formula and (later) the pin buttons on one row, the minimum under it: compact, so
    that the whole race fits a 1280 x 720 projector. Returns the row, for the pin buttons."""
    objective, custom = config.objective, config.scene.custom
    row = st.container(horizontal=True, vertical_alignment="center", gap="medium")
    with row:
        st.title(objective_name(objective.id, objective.name, lang), width="content")
        if custom:  # user text: never HTML or LaTeX
            st.code(f"f(x, y) = {config.scene.formula}", language=None, width="content")
        else:
            st.latex(f"f(x, y) = {objective.latex}", width="content")
    points = ", ".join(f"({x:.6g}, {y:.6g})" for x, y in objective.minima)
    if objective.minima:
        key = "estimated_minimum_caption" if custom else "global_minimum_caption"
        caption = text(key, lang, value=f"{objective.f_min:.6g}", points=points)
    else:
        caption = text("no_minimum_known" if custom else "no_minimum", lang)
    st.caption(f"{caption} {objective_note(objective.id, lang)}")
    return row


def pin_controls(views: list[PathView], lang: str, row: DeltaGenerator) -> list[PathView]:
    """Ghost run: pin the current paths, change one setting, compare (buttons in `row`)."""
    if row.button(text("pin_run", lang), icon=":material/push_pin:", key="pin"):
        st.session_state.ghosts = views
    ghosts = st.session_state.get("ghosts", [])
    if ghosts:
        if row.button(text("clear_pin", lang), key="clear_pin"):
            st.session_state.ghosts = ghosts = []
        else:
            row.caption(text("pinned_note", lang), width="content")
    return ghosts


lang = st.session_state.get("lang", "en")
show_refused(restore("playground", fields()), lang)
config, refused_input = sidebar(lang, landscape_of)
if refused_input is not None:
    # Said where the race would be. The link keeps the last valid settings: nothing published.
    show_refused_input(refused_input, lang)
    st.stop()
title_row = header(config, lang)
if not config.settings:
    st.info(text("pick_optimizer", lang))
    publish("playground", fields(), link_defaults(config.objective))
    st.stop()
# One slot, on every run, for the long race's progress bar and the stop warnings. Drawn straight
# into the page, a run with a bar after one without (or with more warnings) would shift every
# element below, and the old chart would vanish for the seconds the new one takes to build.
race_status = st.container()
# The page's first run in this session: its long race stays quiet until done (see progress_bar).
first_draw = not st.session_state.get(WIDGETS_DRAWN, False)
st.session_state[WIDGETS_DRAWN] = True
quiet = first_draw and is_long(config.steps, config.settings)
try:
    # Over the work budget: refused here, in the page's language, before anything runs.
    require_race_within_budget(
        config.objective, entries_of(config.settings), config.start, config.steps, lang
    )
    with race_status, st.spinner(text("race_quiet" if quiet else "race_running", lang)):
        runs = race(config.key, _quiet=quiet)
except ValueError as error:
    st.error(text("cannot_run", lang, error=error))
    st.stop()

views = views_of(runs, lang)
labels = [view.label for view in views]
for view in views:
    if view.message:
        race_status.warning(view.message, icon=":material/warning:")

ghosts = pin_controls(views, lang, title_row)
layout = STACKED if main_column_is_narrow(WIDE.min_width) else WIDE
# Only the open tab is computed and sent: a visit that never opens the 3-D surface, the
# inspector or the curvature costs the server nothing for them.
race_tab, surface_tab, inspector, curvature, code = st.tabs(
    [text(key, lang) for key in TABS], key="playground_tab", on_change="rerun"
)
with race_tab:
    if race_tab.open:
        if ghosts:  # a session's own pinned runs: nothing another session could share
            figure = build_race_figure(config, runs, ghosts, config.frame_ms, layout.name, lang)
        else:
            figure = shared_race_figure(config, runs, config.frame_ms, layout.name, lang)
        st.plotly_chart(figure, width="stretch", theme=None, config=CHART_CONFIG, key="race")
with surface_tab:
    if surface_tab.open:
        figure = shared_surface_figure(config, runs, lang)
        st.plotly_chart(figure, width="stretch", theme=None, config=CHART_CONFIG)
with inspector:
    if inspector.open:
        inspector_tab(config, runs, lang)
with curvature:
    if curvature.open:
        curvature_tab(config, views, lang)
with code:
    if code.open:
        script = script_of(config)
        st.caption(text("code_note", lang))
        st.code(script, language="python")
        st.download_button(
            text("download_script", lang),
            script,
            file_name="playground_run.py",
            mime="text/x-python",
        )

if any(entry.schedule for entry in config.settings):
    st.plotly_chart(learning_rate_figure(views, lang), width="stretch", theme=None, key="lr_chart")

summary_section(config, runs, labels, lang)
# The CSV is written when the button is clicked, not on every run: few visits download it, and
# data handed over up front stays in the server's memory for as long as the session lasts.
st.download_button(
    text("download_csv", lang),
    functools.partial(iterates_csv, runs, labels),
    file_name=f"{config.objective.id}_iterates.csv",
    mime="text/csv",
    on_click="ignore",
    key="download_csv",
)
publish("playground", fields(), link_defaults(config.objective))
