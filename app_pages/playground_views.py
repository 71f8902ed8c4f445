"""The Playground's views of a race: the figures (shared across sessions where they can be), the
inspector, curvature and code tabs, and the summary. The page (app_pages/playground.py) runs the
race and lays these out."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from app_pages.controls import CHART_CONFIG
from app_pages.shared_figures import FrozenFigure, shared_figure
from core.analysis.arrows import update_arrows_figure
from core.analysis.curvature import curvature_along
from core.analysis.inspector import Inspection, inspect_run
from core.analysis.latex import LINE_BUDGET_EM, NARROW_LINE_BUDGET_EM
from core.batched.fair import FAIR_RATES, Tuning, tuning_table
from core.export.codegen import race_script
from core.figures.batched import curvature_figure
from core.figures.path_view import PathView, eval_point_view, optimizer_view
from core.figures.race import race_figure
from core.figures.race_layout import LAYOUTS
from core.figures.static_figures import surface_figure
from core.optim.optimizers import OPTIMIZERS
from core.playground.settings import (
    Config,
    RaceKey,
    Scene,
    objective_of,
)
from core.problems.landscape import Landscape, evaluate
from core.runs.engine import Run
from core.runs.summary import MISSING, arrival_radius, summary_table
from core.text.i18n import stop_message, text


@st.cache_data(max_entries=32, show_spinner=False)
def landscape_of(scene: Scene) -> Landscape:
    return evaluate(objective_of(scene))


@st.cache_data(max_entries=64, show_spinner=False)
def inspection(key: RaceKey, optimizer_id: str, t: int, lang: str, narrow: bool) -> Inspection:
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
        line_em=NARROW_LINE_BUDGET_EM if narrow else LINE_BUDGET_EM,
    )


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


def drawn_views(runs: list[Run], lang: str) -> list[PathView]:
    """What the race chart draws: views_of's, each Schedule-Free run followed by the points it
    is evaluated at (train() steps from one point, eval() reads another)."""
    drawn = []
    for run, view in zip(runs, views_of(runs, lang), strict=True):
        drawn.append(view)
        if run.eval_frame is not None:
            label = text("eval_point_label", lang, name=view.label)
            drawn.append(eval_point_view(run.optimizer, run.eval_frame, label))
    return drawn


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
        landscape_of(config.key.scene),
        drawn_views(runs, lang),
        config.key.start,
        frame_ms=frame_ms,
        estimated_minimum=config.key.scene.custom,
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
            config.objective, landscape_of(config.key.scene), views_of(runs, lang), lang=lang
        ),
    )


def script_of(config: Config, lang: str) -> str:
    """The script of the Code tab and its download: comments and messages in the page's
    language, the same code in every language."""
    return race_script(
        config.objective,
        config.key.start,
        config.key.steps,
        config.key.settings,
        device=config.key.device,
        noise=config.key.noise,
        seed=config.key.noise_seed,
        project=config.key.project,
        lang=lang,
    )


# The inspector and curvature tabs are fragments: moving the inspector's step or picking another
# path reruns only the tab, not the sidebar, the race and the summary around it.
@st.fragment
def inspector_tab(config: Config, runs: list[Run], lang: str, narrow: bool = False) -> None:
    """Pick an optimizer and a step: its update equation with the real state's numbers, its
    rows as wide as a phone's column where the page is `narrow`."""
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
    found = inspection(config.key, optimizer_id, min(t, last), lang, narrow)
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
    texts (the full message is a warning under the chart), "—" for a value that does not exist."""
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


def fair_table(tuning: Tuning, labels: list[str], key: RaceKey, lang: str) -> None:
    """Under the race: the rate each path raced at, its good-rate band, or why it kept its own;
    and what the race has that the tuning did not (noise, projection)."""
    st.markdown(f"**{text('fair_title', lang, count=len(FAIR_RATES), steps=tuning.steps)}**")
    # A plain table, not a data grid: a few rows, read from the back of a classroom.
    st.table(tuning_table(tuning, labels, lang), hide_index=True, border="horizontal")
    unlike = [("fair_noise_note", key.noise > 0), ("fair_project_note", key.project)]
    for note, shown in unlike:
        if shown:
            st.caption(text(note, lang))
