"""The Batched views' learning-rate sweep tab: its controls, its run and what it says."""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from app_pages.batched_controls import (
    choice,
    control,
    optimizer_picker,
    rate_range,
    view_names,
)
from app_pages.batched_tabs import batched, quadratic_of
from app_pages.controls import (
    CHART_CONFIG,
    cannot_run,
    seed,
)
from app_pages.number_field import number_field
from core.analysis.curvature import stability_limit
from core.batched.settings import (
    DEFAULT_RATES,
    DEFAULT_SWEEP,
    DEFAULT_SWEEP_RANGE,
    METRICS,
    RATE_COUNTS,
    Hyper,
    key,
    sweepable_optimizers,
)
from core.batched.sweeps import (
    largest_stable_rate,
    log_rates,
    lr_sweep,
)
from core.figures.batched import sweep_figure
from core.optim.optimizers import OPTIMIZERS
from core.problems.objectives import Objective
from core.settings.linkstate import Field
from core.text.i18n import objective_name, text
from core.text.refusal import Refusal


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
    chosen_settings = [(name, dict(values)) for name, values in settings]
    message = text(
        "bv_progress_sweep", lang, rates=count, optimizers=len(settings), steps=f"{steps:,}"
    )
    try:  # log_rates and the sweep refuse what a link can ask beyond their caps
        rates = log_rates(low, high, count)
        run = partial(
            lr_sweep, objective.id, chosen_settings, start, steps, rates, tolerance=tolerance
        )
        sweep = batched(run, message)
    except Refusal as error:
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
    label, why = text("optimizers", lang), text("bv_lbfgs_help", lang)
    # No "select all matches": Streamlit says it only in English.
    chosen = optimizer_picker(
        left.multiselect, "sweep_opts", label, sweepable, lang, help=why, select_all=False
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
    rates = rate_range(a, "lr_range", DEFAULT_SWEEP_RANGE, lang)
    count = choice("options", "rates", b.select_slider, text("bv_rate_count", lang), RATE_COUNTS)
    return chosen, metric, tuple(rates), count, start_controls(lang, objective, c, d)


def start_controls(lang: str, objective: Objective, left: Any, right: Any) -> tuple[float, float]:
    """The sweep's start, x in `left` and y in `right`, within the function's box."""
    (x0, x1), (y0, y1) = objective.box
    x, y = (
        control(
            "start",
            name,
            partial(
                number_field,
                text(f"bv_start_{name}", lang),
                Field(key(name), "float", low, high),  # within this function's box
                lang,
                container=column,
                format="%.4g",
            ),
        )
        for column, name, (low, high) in ((left, "x", (x0, x1)), (right, "y", (y0, y1)))
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
