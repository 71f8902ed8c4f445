"""The Playground's figures without frames: the 3-D surface with the paths lying on it, the
start picker, and the learning rate per step.

The surface shares the race's colour scale and draws every COARSE-th grid line of the landscape.
The start picker shows the race's own landscape image: the browser decodes a PNG instead of
tracing two dozen contour levels in JavaScript on every page load.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.figures.figure_text import hover_step
from core.figures.landscape_traces import landscape_image, minima_trace, start_trace
from core.figures.path_view import PathView, f32
from core.figures.raster import PLOTLY_COLORSCALE
from core.problems.landscape import Landscape
from core.problems.objectives import Objective, Point
from core.text.i18n import DEFAULT_LANGUAGE, colon, text

COARSE = 2  # the surface uses every second grid line: plenty for its size


def surface_figure(
    objective: Objective,
    landscape: Landscape,
    views: Sequence[PathView],
    lang: str = DEFAULT_LANGUAGE,
) -> go.Figure:
    """A 3-D surface of f with the paths lying on it (colour on the same scale as the race)."""
    fig = go.Figure(
        go.Surface(
            x=f32(landscape.xs[::COARSE]),
            y=f32(landscape.ys[::COARSE]),
            z=f32(landscape.z[::COARSE, ::COARSE]),
            surfacecolor=f32(landscape.colour[::COARSE, ::COARSE]),
            colorscale=PLOTLY_COLORSCALE,
            showscale=False,
            opacity=0.9,
            name="f",
            hovertemplate="(%{x:.3g}, %{y:.3g}) f = %{z:.4g}<extra></extra>",
        )
    )
    for view in views:
        fig.add_trace(
            go.Scatter3d(
                x=f32(view.frame["x"]),
                y=f32(view.frame["y"]),
                z=f32(view.frame["loss"]),
                mode="lines",
                name=view.label,
                line={"color": view.colour, "width": 6, "dash": view.dash},
            )
        )
    if objective.minima:
        # Filled black: a white marker's outline is not drawn in a 3-D legend, which left the
        # entry blank.
        fig.add_trace(
            go.Scatter3d(
                x=[p[0] for p in objective.minima],
                y=[p[1] for p in objective.minima],
                z=[objective.f_min] * len(objective.minima),
                mode="markers",
                name=text("global_minimum", lang),
                marker={"symbol": "diamond", "size": 7, "color": "black"},
            )
        )
    fig.update_layout(
        height=620,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        scene={"xaxis_title": "x", "yaxis_title": "y", "zaxis_title": "f(x, y)"},
        legend={"orientation": "h", "y": 1.0},
    )
    return fig


def start_picker_figure(
    objective: Objective,
    landscape: Landscape,
    start: Point,
    grid: int = 41,
    lang: str = DEFAULT_LANGUAGE,
) -> go.Figure:
    """The race's landscape image with an invisible grid of points: a click on one sets the
    start.

    Streamlit reports no selection on clicks on an image or a contour (streamlit #8760), so the
    clickable targets are transparent scatter points; this chart has no frames, so clicks keep
    working.
    """
    (x0, x1), (y0, y1) = objective.box
    gx, gy = np.meshgrid(np.linspace(x0, x1, grid), np.linspace(y0, y1, grid))
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=f32(gx.ravel()),
            y=f32(gy.ravel()),
            mode="markers",
            marker={"size": 14, "opacity": 0},
            selected={"marker": {"opacity": 0}},
            unselected={"marker": {"opacity": 0}},
            showlegend=False,
            hovertemplate=text("start_here", lang)
            + colon(lang)
            + "(%{x:.3g}, %{y:.3g})<extra></extra>",
        )
    )
    if objective.minima:
        fig.add_trace(minima_trace(objective, lang))
    fig.add_trace(start_trace(start, lang))
    fig.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        showlegend=False,
        clickmode="event+select",
        dragmode=False,
        images=[landscape_image(landscape)],
        xaxis={"range": [x0, x1], "constrain": "domain", "showgrid": False, "zeroline": False},
        yaxis={"range": [y0, y1], "showgrid": False, "zeroline": False},
    )
    return fig


def learning_rate_figure(views: Sequence[PathView], lang: str = DEFAULT_LANGUAGE) -> go.Figure:
    """Learning rate per step of each run (what a schedule did)."""
    fig = go.Figure()
    for view in views:
        fig.add_trace(
            go.Scatter(
                x=f32(view.frame["t"]),
                y=f32(view.frame["lr"]),
                mode="lines",
                name=view.label,
                line={"color": view.colour, "width": 2, "dash": view.dash},
                hovertemplate=hover_step(text("axis_lr", lang) + " %{y:.4g}", lang)
                + f"<extra>{view.label}</extra>",
            )
        )
    fig.update_layout(
        height=260,
        margin={"l": 60, "r": 20, "t": 30, "b": 40},
        title={"text": text("fig_lr", lang), "font": {"size": 14}},
        xaxis_title=text("axis_step", lang),
        yaxis={"title": text("axis_lr", lang), "type": "log", "exponentformat": "power"},
        legend={"orientation": "h", "y": -0.3},
    )
    return fig
