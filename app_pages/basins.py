"""Batched views: basins of attraction, learning-rate sweeps and momentum maps.

Thousands of independent runs as one tensor (or one param group per setting): widgets -> plain
values -> cached core runs (with a progress bar, interruptible) -> core figures -> st.plotly_chart.
Every word comes from the string tables (core/text/strings/batched.toml) in the session's
language: the core figures get `lang`, and what core refuses (a Refusal) is said in it by the page.

Every setting lives in the URL (app_pages/links.py, validated by core.settings.linkstate), the open
tab too, and teacher mode (`?hide=...`) hides the same groups of controls as on the Playground.
"""

from __future__ import annotations

import streamlit as st

from app_pages.batched_controls import publish_link, sidebar, tab_labels
from app_pages.batched_sweep import sweep_tab
from app_pages.batched_tabs import basins_tab, momentum_tab
from app_pages.links import restore, show_refused
from core.batched.settings import (
    PREFIX,
    key,
    link_fields,
)
from core.text.i18n import text

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
