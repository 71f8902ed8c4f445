"""Plotly figures of the batched views: basin maps, learning-rate sweeps, momentum maps, curvature.

No frames here: each figure is static. Grids travel as float32 typed arrays (base64 in the JSON):
a 200 x 200 map is 160 kB instead of ~0.8 MB of decimal text. Every figure takes `lang` ("en" or
"zh"): its titles, axes, legend and hover texts come from the string tables
(core/text/strings/batched.toml).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.batched.basins import BasinMap
from core.batched.outcomes import DIVERGED, NO_MINIMUM
from core.batched.settings import METRICS, views_of
from core.figures.path_view import F32_EPS, PALETTE, f32, gap_floor
from core.figures.raster import PLOTLY_COLORSCALE
from core.optim.optimizers import OPTIMIZERS
from core.problems.objectives import Objective
from core.text.i18n import colon, text
from core.text.refusal import Refusal, listed, shown

# Basin colours: the palette without its black, which means "diverged" here.
MINIMUM_COLOURS = tuple(c for c in PALETTE if c != "#000000")
NONE_COLOUR = "#BDBDBD"
DIVERGED_COLOUR = "#000000"


def _discrete_scale(colours: Sequence[str]) -> list[list]:
    """A colour scale with one flat band per integer 0..len-1 (use zmin -0.5, zmax len-0.5)."""
    n = len(colours)
    scale = []
    for i, colour in enumerate(colours):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return scale


def _legend_square(name: str, colour: str, group: str | None = None) -> go.Scatter:
    """A legend entry only: heatmap categories have no legend of their own."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        name=name,
        legendgroup=group,
        marker={"symbol": "square", "size": 12, "color": colour, "line": {"width": 0}},
        hoverinfo="skip",
    )


def _resolved_loss(
    objective: Objective, loss: np.ndarray, lang: str
) -> tuple[np.ndarray, str, str, dict]:
    """Final losses coloured only as finely as float32 resolves them.

    With f_min known: log10 of the gap, floored at core.figures.path_view.gap_floor, on a bar that
    spans at least one decade above that floor, so that a map of converged runs reads as one colour
    (its bottom tick names the float32 floor) instead of stretching rounding noise over the
    whole bar. Without f_min: the loss on a bar at least 8 float32 steps wide. Returns the values,
    the bar title, the hover text and the heatmap's colour-range keywords.
    """
    finite = loss[np.isfinite(loss)]
    if objective.f_min is None:
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        span = 8 * F32_EPS * max(abs(low), abs(high), 1e-30)
        title = text("bv_view_loss", lang)
        bar = {"title": {"text": title}, "thickness": 14, "len": 0.8}
        return (
            loss,
            title,
            title + " %{z:.6g}",
            {"zmin": low, "zmax": max(high, low + span), "colorbar": bar},
        )
    floor = gap_floor(objective)
    values = np.log10(np.maximum(loss - objective.f_min, floor))
    low = math.log10(floor)
    high = max(float(np.nanmax(values, initial=low)), low + 1.0)
    decades = [k for k in range(math.ceil(low), math.floor(high) + 1) if k - low > 0.3]
    title = "log₁₀(f − f_min)"
    bar = {
        "title": {"text": title},
        "thickness": 14,
        "len": 0.8,
        "tickvals": [low, *decades],
        "ticktext": [text("bv_fig_floor_tick", lang, value=f"{low:.1f}"), *map(str, decades)],
    }
    tip = title + " = %{z:.2f}"
    return values, title, tip, {"zmin": low, "zmax": high, "colorbar": bar}


def _minima_stars(objective: Objective, colours: Sequence[str] | None, lang: str) -> go.Scatter:
    count = len(objective.minima)
    name = text("global_minimum", lang)
    return go.Scatter(
        x=[p[0] for p in objective.minima],
        y=[p[1] for p in objective.minima],
        mode="markers+text",
        name=name,
        text=[str(k + 1) for k in range(count)] if count > 1 else None,
        textposition="top right",
        textfont={"color": "black", "size": 14},
        marker={
            "symbol": "star",
            "size": 18,
            "color": list(colours[:count]) if colours else "white",
            "line": {"color": "white" if colours else "black", "width": 2},
        },
        hovertemplate=name + " (%{x:.4g}, %{y:.4g})<extra></extra>",
        showlegend=False,
    )


def _status_layer(basins: BasinMap, show_none: bool, show_diverged: bool, lang: str) -> go.Heatmap:
    """Grey cells for runs that ended away from every minimum, black for diverged ones."""
    z = np.full(basins.label.shape, np.nan)
    if show_none:
        z[basins.label == NO_MINIMUM] = 0
    if show_diverged:
        z[basins.label == DIVERGED] = 1
    return go.Heatmap(
        x=f32(basins.xs),
        y=f32(basins.ys),
        z=f32(z),
        zmin=-0.5,
        zmax=1.5,
        colorscale=_discrete_scale([NONE_COLOUR, DIVERGED_COLOUR]),
        showscale=False,
        hoverinfo="skip",
        name=text("bv_fig_status", lang),
    )


def basin_figure(
    objective: Objective, basins: BasinMap, view: str = "minimum", *, lang: str = "en"
) -> go.Figure:
    """The basin map: each start coloured by the minimum it reached, its final loss or its steps.

    Args:
        objective: the function the map was computed on (box, minima, f_min).
        basins: core.batched.basins.basin_map's result.
        view: "minimum" (categorical: one colour per minimum, grey for none, black for diverged),
            "loss" (final loss, log of the gap to f_min when known) or "steps" (steps to converge;
            without known minima, the step at which the run left the region).
        lang: the language of the figure's words ("en" or "zh").
    """
    if view not in views_of(objective):
        raise Refusal("bv_err_view", view=shown(view))
    counts = basins.counts(len(objective.minima))
    if view == "minimum":
        layers, legend, star_colours = _minimum_layers(objective, basins, counts, lang)
    else:
        (layers, legend), star_colours = _value_layers(objective, basins, view, counts, lang), None
    fig = go.Figure()
    for trace in layers:
        fig.add_trace(trace)
    for name, colour in legend:
        fig.add_trace(_legend_square(name, colour))
    if objective.minima:
        fig.add_trace(_minima_stars(objective, star_colours, lang))
    fig.update_layout(**_basin_layout(objective, basins, lang))
    return fig


Legend = list[tuple[str, str]]  # (entry, colour) of each legend square


def _start_hover(lang: str) -> str:
    return text("start", lang) + " (%{x:.3g}, %{y:.3g})"


def _diverged_entry(counts: Mapping[int, int], lang: str) -> tuple[str, str]:
    return text("bv_fig_diverged_left", lang, count=f"{counts[DIVERGED]:,}"), DIVERGED_COLOUR


def _minimum_layers(
    objective: Objective, basins: BasinMap, counts: Mapping[int, int], lang: str
) -> tuple[list[go.Heatmap], Legend, list[str]]:
    """The "minimum" view: one categorical heatmap, one colour per minimum reached (then none,
    then diverged); its legend, and the colours the minima's stars take."""
    minima = len(objective.minima)
    codes = np.where(basins.label >= 0, basins.label, 0).astype(np.float64)
    codes[basins.label == NO_MINIMUM] = minima
    codes[basins.label == DIVERGED] = minima + 1
    star_colours = [*MINIMUM_COLOURS[:minima], NONE_COLOUR, DIVERGED_COLOUR]
    heatmap = go.Heatmap(
        x=f32(basins.xs),
        y=f32(basins.ys),
        z=f32(codes),
        zmin=-0.5,
        zmax=len(star_colours) - 0.5,
        colorscale=_discrete_scale(star_colours),
        showscale=False,
        name=text("bv_fig_basins", lang),
        hovertemplate=_start_hover(lang) + "<extra></extra>",
    )
    legend = [
        (
            text(
                "bv_fig_to_minimum",
                lang,
                k=k + 1,
                x=f"{x:.3g}",
                y=f"{y:.3g}",
                count=f"{counts[k]:,}",
            ),
            star_colours[k],
        )
        for k, (x, y) in enumerate(objective.minima)
    ]
    legend += [
        (text("bv_fig_no_minimum_reached", lang, count=f"{counts[NO_MINIMUM]:,}"), NONE_COLOUR),
        _diverged_entry(counts, lang),
    ]
    return [heatmap], legend, star_colours


def _value_layers(
    objective: Objective, basins: BasinMap, view: str, counts: Mapping[int, int], lang: str
) -> tuple[list[go.Heatmap], Legend]:
    """The "loss" and "steps" views: a grey/black layer for the starts without a value, under a
    continuous heatmap of the value; and their legend."""
    if view == "loss":
        values, title, tip, scale = _resolved_loss(objective, basins.final_loss, lang)
        show_none, show_diverged = False, True
        legend = [_diverged_entry(counts, lang)]
    elif objective.minima:
        values = np.where(basins.settled >= 0, basins.settled, np.nan).astype(np.float64)
        title = text("bv_view_steps", lang)
        tip = text("bv_fig_tip_converged", lang, steps="%{z:.0f}")
        show_none, show_diverged = True, True
        legend = [
            (text("bv_fig_not_converged", lang, count=f"{counts[NO_MINIMUM]:,}"), NONE_COLOUR),
            _diverged_entry(counts, lang),
        ]
    else:  # no minimum to converge to: how fast does each start get away?
        left = basins.label == DIVERGED
        values = np.where(left, basins.last + 1, np.nan).astype(np.float64)
        title = text("bv_fig_step_left", lang)
        tip = text("bv_fig_tip_left", lang, step="%{z:.0f}")
        show_none, show_diverged = True, False
        legend = [(text("bv_fig_stayed", lang, count=f"{counts[NO_MINIMUM]:,}"), NONE_COLOUR)]
    if view != "loss":
        scale = {"colorbar": {"title": {"text": title}, "thickness": 14, "len": 0.8}}
    heatmap = go.Heatmap(
        x=f32(basins.xs),
        y=f32(basins.ys),
        z=f32(values),
        colorscale=PLOTLY_COLORSCALE,
        **scale,
        name=title,
        hovertemplate=f"{_start_hover(lang)}<br>{tip}<extra></extra>",
    )
    return [_status_layer(basins, show_none, show_diverged, lang), heatmap], legend


def _basin_layout(objective: Objective, basins: BasinMap, lang: str) -> dict[str, Any]:
    """Title (optimizer, starts, steps), size and the box's square axes."""
    (x0, x1), (y0, y1) = objective.box
    title = text(
        "bv_fig_basin_title",
        lang,
        name=OPTIMIZERS[basins.optimizer].name,
        starts=f"{basins.starts:,}",
        steps=f"{basins.steps:,}",
    )
    return {
        "title": {"text": title, "font": {"size": 15}},
        "height": 640,
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
        "legend": {"orientation": "h", "y": -0.1},
        "plot_bgcolor": "white",
        "xaxis": {
            "range": [x0, x1],
            "title": text("bv_start_x", lang),
            "constrain": "domain",
            "showgrid": False,
        },
        "yaxis": {
            "range": [y0, y1],
            "title": text("bv_start_y", lang),
            "scaleanchor": "x",
            "constrain": "domain",
            "showgrid": False,
        },
    }


def _metric(objective: Objective, rows: pd.DataFrame, metric: str) -> np.ndarray:
    if metric == "steps":
        settled = rows["settled"].to_numpy()
        return np.where(settled >= 0, settled, np.nan).astype(np.float64)
    if objective.f_min is not None:  # below float32's resolution a gap is rounding noise
        return np.maximum(rows["gap"].to_numpy(), gap_floor(objective))
    return rows["final_loss"].to_numpy()


def sweep_figure(
    objective: Objective,
    sweep: pd.DataFrame,
    metric: str = "loss",
    *,
    limit: float | None = None,
    lang: str = "en",
) -> go.Figure:
    """Final loss (or steps to converge) against the learning rate, one line per optimizer.

    Diverged rates are crosses along the top; `limit` (2 / lambda_max on a convex quadratic,
    core.analysis.curvature.stability_limit) is a dashed vertical line. Words in `lang`.
    """
    if metric not in METRICS:
        raise Refusal("bv_err_metric", metric=shown(metric), choices=listed(METRICS))
    fig = go.Figure()
    log_y = metric == "loss" and objective.f_min is not None
    finite = []
    per_optimizer = list(sweep.groupby("optimizer", sort=False))
    for _, rows in per_optimizer:
        y = _metric(objective, rows, metric)
        finite.append(y[np.isfinite(y)])
    finite_all = np.concatenate(finite) if finite else np.array([])
    if finite_all.size:
        top = finite_all.max() * 10 if log_y else finite_all.max() + 0.1 * np.ptp(finite_all) + 1
    else:
        top = 1.0
    for i, (optimizer_id, rows) in enumerate(per_optimizer):
        rows = rows.sort_values("lr")
        spec = OPTIMIZERS[str(optimizer_id)]
        name, style = spec.name, spec.style
        colour = style.colour
        y = _metric(objective, rows, metric)
        fig.add_trace(
            go.Scatter(
                x=f32(rows["lr"]),
                y=f32(y),
                mode="lines+markers",
                name=name,
                legendgroup=name,
                line={"color": colour, "width": 2, "dash": style.dash},
                marker={"size": 7, "symbol": style.symbol},
                hovertemplate=f"{name}<br>lr %{{x:.4g}}{colon(lang)}%{{y:.4g}}<extra></extra>",
            )
        )
        bad = rows[rows["diverged"].to_numpy()]
        if len(bad):
            fig.add_trace(
                go.Scatter(
                    x=f32(bad["lr"]),
                    # One row of crosses per optimizer, so that they do not hide each other.
                    y=f32(
                        np.full(len(bad), top * 10 ** (0.4 * i) if log_y else top * (1 + 0.05 * i))
                    ),
                    mode="markers",
                    name=text("bv_fig_diverged_name", lang, name=name),
                    legendgroup=name,
                    marker={"symbol": "x", "size": 9, "color": colour},
                    text=[text("bv_fig_diverged_at", lang, step=int(s) + 1) for s in bad["last"]],
                    hovertemplate=f"{name}<br>lr %{{x:.4g}}{colon(lang)}%{{text}}<extra></extra>",
                )
            )
    if limit is not None:
        fig.add_vline(
            x=limit,
            line={"dash": "dash", "color": "#444444", "width": 1.5},
            annotation_text=f"2/λ_max = {limit:.4g}",
            annotation_position="top left",
        )
    if metric == "steps":
        y_title = text("bv_view_steps", lang)
    elif log_y:
        y_title = text("bv_axis_final_gap", lang)
    else:
        y_title = text("bv_view_loss", lang)
    fig.update_layout(
        height=480,
        margin={"l": 70, "r": 20, "t": 30, "b": 50},
        legend={"orientation": "h", "y": -0.2},
        plot_bgcolor="white",
        hovermode="closest",
        xaxis={
            "type": "log",
            "title": text("bv_axis_lr_log", lang),
            "exponentformat": "power",
            "gridcolor": "#EEEEEE",
        },
        yaxis={
            "type": "log" if log_y else "linear",
            "title": y_title,
            "exponentformat": "power",
            "gridcolor": "#EEEEEE",
        },
    )
    return fig


def momentum_figure(
    objective: Objective,
    grid: pd.DataFrame,
    *,
    lambda_max: float | None = None,
    lang: str = "en",
) -> go.Figure:
    """Final loss over (learning rate, momentum): the convergence map of "Why Momentum Really
    Works". Diverged cells are black; on a convex quadratic (`lambda_max` given) the stability
    boundary lr = 2 (1 + momentum) / lambda_max is drawn. Words in `lang`."""
    rates = np.sort(grid["lr"].unique())
    momenta = np.sort(grid["momentum"].unique())
    table = grid.pivot(index="momentum", columns="lr", values="final_loss")
    table = table.reindex(index=momenta, columns=rates)
    loss = table.to_numpy()
    diverged = grid.pivot(index="momentum", columns="lr", values="diverged")
    diverged = diverged.reindex(index=momenta, columns=rates).to_numpy().astype(bool)
    values, _, tip, scale = _resolved_loss(objective, np.where(diverged, np.nan, loss), lang)
    log_rates = np.log10(rates)
    fig = go.Figure(
        go.Heatmap(
            x=f32(log_rates),
            y=f32(momenta),
            z=f32(values),
            colorscale=PLOTLY_COLORSCALE,
            **scale,
            name=text("bv_view_loss", lang),
            hovertemplate=text("bv_fig_tip_momentum", lang, lr="10^%{x:.2f}", momentum="%{y:.3f}")
            + "<br>"
            + tip
            + "<extra></extra>",
        )
    )
    fig.add_trace(
        _legend_square(
            text("bv_fig_diverged_count", lang, count=f"{int(diverged.sum()):,}"), DIVERGED_COLOUR
        )
    )
    if lambda_max is not None and lambda_max > 0:
        beta = np.linspace(momenta.min(), momenta.max(), 60)
        fig.add_trace(
            go.Scatter(
                x=f32(np.log10(2 * (1 + beta) / lambda_max)),
                y=f32(beta),
                mode="lines",
                name=text("bv_fig_stability_limit", lang, value=f"{lambda_max:.4g}"),
                line={"color": PALETTE[0], "dash": "dash", "width": 2.5},
                hovertemplate=text("bv_fig_tip_limit", lang, lr="10^%{x:.2f}", beta="%{y:.3f}")
                + "<extra></extra>",
            )
        )
    low, high = math.floor(log_rates.min()), math.ceil(log_rates.max())
    ticks = list(range(low, high + 1))
    fig.update_layout(
        height=520,
        margin={"l": 70, "r": 20, "t": 30, "b": 50},
        legend={"orientation": "h", "y": -0.18},
        plot_bgcolor=DIVERGED_COLOUR,  # NaN cells are not drawn: diverged shows as black
        xaxis={
            "title": text("bv_axis_lr_log_scale", lang),
            "tickvals": ticks,
            "ticktext": [f"{10.0**k:g}" for k in ticks],
            "range": [log_rates.min(), log_rates.max()],
            "showgrid": False,
        },
        yaxis={
            "title": text("bv_axis_momentum", lang),
            "range": [momenta.min(), momenta.max()],
            "showgrid": False,
        },
    )
    return fig


def curvature_figure(
    curvature: pd.DataFrame, label: str = "", colour: str = PALETTE[0], *, lang: str = "en"
) -> go.Figure:
    """Hessian eigenvalues (top) and condition number (bottom, log) along one path.

    `curvature` is core.analysis.curvature.curvature_along's result; the words are in `lang`.
    """
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=(
            text("bv_fig_hessian_eigenvalues", lang),
            text("bv_fig_condition_title", lang),
        ),
    )
    t = curvature["t"].to_numpy()
    who = f"{label}{colon(lang)}" if label else ""
    for column, dash, name in (
        ("lambda_max", "solid", "λ_max"),
        ("lambda_min", "dot", "λ_min"),
    ):
        fig.add_trace(
            go.Scatter(
                x=f32(t),
                y=f32(curvature[column]),
                mode="lines",
                name=f"{who}{name}",
                line={"color": colour, "dash": dash, "width": 2},
                hovertemplate=text(
                    "bv_fig_tip_step", lang, step="%{x}", what=f"{name} = %{{y:.4g}}"
                )
                + "<extra></extra>",
            ),
            row=1,
            col=1,
        )
    fig.add_hline(y=0, line={"color": "#999999", "width": 1}, row=1, col=1)
    condition = curvature["condition"].to_numpy(dtype=np.float64)
    fig.add_trace(
        go.Scatter(
            x=f32(t),
            y=f32(np.where(np.isfinite(condition), condition, np.nan)),
            mode="lines",
            name=who + text("bv_fig_condition", lang),
            # Dashed: its legend entry must not look like λ_max's (same colour, solid line).
            line={"color": colour, "width": 2, "dash": "dash"},
            hovertemplate=text(
                "bv_fig_tip_step",
                lang,
                step="%{x}",
                what=text("bv_fig_condition_short", lang) + " %{y:.4g}",
            )
            + "<extra></extra>",
        ),
        row=2,
        col=1,
    )
    fig.update_layout(
        height=420,
        margin={"l": 60, "r": 20, "t": 40, "b": 40},
        legend={"orientation": "h", "y": -0.22},  # below the step axis title, not on it
        plot_bgcolor="white",
    )
    fig.update_xaxes(title_text=text("axis_step", lang), row=2, col=1, gridcolor="#EEEEEE")
    fig.update_yaxes(title_text="λ", row=1, col=1, gridcolor="#EEEEEE")
    fig.update_yaxes(type="log", exponentformat="power", row=2, col=1, gridcolor="#EEEEEE")
    return fig
