"""Playground: optimizers race across a 2-D landscape. Widgets -> core -> figures."""

from __future__ import annotations

import functools
from dataclasses import replace

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from app_pages.controls import CHART_CONFIG, cannot_run, progress_bar
from app_pages.links import publish, restore, show_refused
from app_pages.playground_controls import show_refused_input, sidebar
from app_pages.playground_views import (
    build_race_figure,
    curvature_tab,
    fair_table,
    inspector_tab,
    landscape_of,
    script_of,
    shared_race_figure,
    shared_surface_figure,
    summary_section,
    views_of,
)
from app_pages.screen import main_column_is_narrow
from core.batched.fair import Tuning
from core.figures.path_view import PathView
from core.figures.race_layout import STACKED, WIDE
from core.figures.static_figures import learning_rate_figure
from core.playground.link_race import key_tuning, race_runs, tuned_race_key
from core.playground.settings import (
    Config,
    RaceKey,
    Settings,
    fields,
    link_defaults,
)
from core.runs.engine import Run
from core.runs.race import require_race_within_budget
from core.runs.summary import iterates_csv
from core.text.i18n import objective_name, objective_note, sentences, text
from core.text.refusal import Refusal

LONG_RACE = 3_000  # optimizer-steps (a second or two) from which a race shows its progress
WIDGETS_DRAWN = "_playground_widgets_drawn"  # a browser of this session has the page's widgets


def is_long(steps: int, settings: Settings) -> bool:
    """A race long enough to show its progress (and to be worth interrupting)."""
    return steps * len(settings) >= LONG_RACE


@st.cache_data(max_entries=64, show_spinner=False)
def race(key: RaceKey, _quiet: bool = False) -> list[Run]:
    # A long race shows a progress bar, which is also what lets a widget change interrupt it.
    with progress_bar(shown=is_long(key.steps, key.settings), quiet=_quiet) as report:
        return race_runs(key, on_progress=report)


@st.cache_data(max_entries=64, show_spinner=False)
def fair_tuning(key: RaceKey) -> Tuning:
    return key_tuning(key)


TABS = ("tab_race", "tab_surface", "tab_inspector", "tab_curvature", "tab_code")


def header(config: Config, lang: str) -> DeltaGenerator:
    """The title with (later) the pin buttons on one row, the formula and the minimum on the next:
    two rows for any function, so that the whole race fits a 1280 x 720 projector (a long name
    beside a long formula used to wrap onto a third). Returns the title row, for the pin buttons.
    """
    objective, custom = config.objective, config.key.scene.custom
    row = st.container(horizontal=True, vertical_alignment="center", gap="medium")
    with row:
        st.title(objective_name(objective.id, objective.name, lang), width="content")
    points = ", ".join(f"({x:.6g}, {y:.6g})" for x, y in objective.minima)
    if objective.minima:
        key = "estimated_minimum_caption" if custom else "global_minimum_caption"
        caption = text(key, lang, value=f"{objective.f_min:.6g}", points=points)
    else:
        caption = text("no_minimum_known" if custom else "no_minimum", lang)
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        if custom:  # user text: never HTML or LaTeX
            st.code(f"f(x, y) = {config.key.scene.formula}", language=None, width="content")
        else:
            st.markdown(f"$f(x, y) = {objective.latex}$", width="content")
        st.caption(sentences([caption, objective_note(objective.id, lang)], lang))
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
if not config.key.settings:
    st.info(text("pick_optimizer", lang))
    publish("playground", fields(), link_defaults(config.objective))
    st.stop()
# One slot, on every run, for the long race's progress bar. Drawn straight into the page, a run
# with a bar after one without would shift every element below, and the old chart would vanish
# for the seconds the new one takes to build.
race_status = st.container()
# The page's first run in this session: its long race stays quiet until done (see progress_bar).
first_draw = not st.session_state.get(WIDGETS_DRAWN, False)
st.session_state[WIDGETS_DRAWN] = True
quiet = first_draw and is_long(config.key.steps, config.key.settings)
tuning = None
try:
    # Over the work budget: refused here, in the page's language, before anything runs.
    key = config.key
    require_race_within_budget(
        config.objective, key.settings, key.start, key.steps, key.loops_before
    )
    if key.fair:  # from here on, the race at the tuned rates: its chart, inspector and code
        with race_status, st.spinner(text("fair_tuning", lang)):
            tuning = fair_tuning(key)
        config = replace(config, key=tuned_race_key(key, tuning))
    with race_status, st.spinner(text("race_quiet" if quiet else "race_running", lang)):
        runs = race(config.key, _quiet=quiet)
except Refusal as error:  # any other error is a bug: the app's error boundary takes it
    cannot_run(error, lang)
    st.stop()

views = views_of(runs, lang)
labels = [view.label for view in views]

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
# Why a run stopped early, under the chart: above it, each warning would push the race's Play
# button below a projector's edge (the chart marks where each run stopped).
for view in views:
    if view.message:
        st.warning(view.message, icon=":material/warning:")
if tuning is not None:
    fair_table(tuning, labels, config.key, lang)
with surface_tab:
    if surface_tab.open:
        figure = shared_surface_figure(config, runs, lang)
        st.plotly_chart(figure, width="stretch", theme=None, config=CHART_CONFIG)
with inspector:
    if inspector.open:
        inspector_tab(config, runs, lang, narrow=layout is STACKED)
with curvature:
    if curvature.open:
        curvature_tab(config, views, lang)
with code:
    if code.open:
        script = script_of(config, lang)
        st.caption(text("code_note", lang))
        st.code(script, language="python")
        st.download_button(
            text("download_script", lang),
            script,
            file_name="playground_run.py",
            mime="text/x-python",
        )

if any(entry.schedule for entry in config.key.settings):
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
