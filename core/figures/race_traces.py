"""The race's traces of each run, and of a pinned earlier run, on the map and both step panels.

A run has eight traces: its legend entry (a trace with no point; the others show and hide with
it), its path, its head, the loss line inside the box, the dotted line outside it, the loss head,
the gradient-norm line and the gradient head. The frames update four of them (ANIMATED). A pinned
run is faded, dotted and not animated.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.figures.figure_text import hover_step
from core.figures.path_view import LOG_FLOOR, LossSeries, PathView, f32, shown_loss
from core.text.i18n import text

GHOST_OPACITY = 0.45
# Where the traces the frames update stand among a run's traces (run_traces' order): path,
# head, loss head and gradient head.
ANIMATED = (1, 2, 5, 7)


def run_traces(view: PathView, series: LossSeries, lang: str) -> list[tuple[go.Scatter, str]]:
    """The traces of one run with their panel ("" map, "2" loss, "3" gradient norm), in the
    order: legend entry, path, head, loss line, outside-the-box line, loss head, gradient line,
    gradient head.
    """
    return [
        *((trace, "") for trace in _map_traces(view)),
        *((trace, "2") for trace in _loss_traces(view, series, lang)),
        *((trace, "3") for trace in _gradient_traces(view, lang)),
    ]


def _head_marker(view: PathView) -> dict[str, Any]:
    """The marker of a run's current point: its own symbol, or a cross where it stopped early."""
    symbol = "x" if view.message else view.symbol
    return {
        "color": view.colour,
        "symbol": symbol,
        "size": 11,
        "line": {"color": "white", "width": 1.5},
    }


def _last_row(view: PathView) -> pd.DataFrame:
    return view.frame.iloc[-1:] if not view.empty else view.frame


# A head on the last step stays whole; it is not hovered (the line under it is).
_EDGE = {"cliponaxis": False, "hoverinfo": "skip"}


def _in_group(view: PathView) -> dict[str, Any]:
    """Traces shown and hidden with the run's legend entry, without entries of their own."""
    return {"legendgroup": view.label, "showlegend": False}


def _map_traces(view: PathView) -> list[go.Scatter]:
    """The run's legend entry, its path on the map and its head.

    The entry is a trace of one blank point, so the legend shows the optimizer's line and
    symbol while the path stays a plain line: a path drawn with markers, even invisible ones,
    costs the browser one SVG node per step, on every redraw and animation frame."""
    frame, style, end = view.frame, {"color": view.colour}, _last_row(view)
    tip = view.message or view.label
    line = {**style, "width": 3, "dash": view.dash}
    entry = go.Scatter(
        x=[None],
        y=[None],
        mode="lines+markers",
        name=view.label,
        legendgroup=view.label,
        line=line,
        marker={**style, "symbol": view.symbol},
        hoverinfo="skip",
    )
    path = go.Scatter(
        x=f32(frame["x"]),
        y=f32(frame["y"]),
        mode="lines",
        line=line,
        hovertemplate=f"{tip}<br>(%{{x:.4g}}, %{{y:.4g}})<extra></extra>",
        **_in_group(view),
    )
    head = go.Scatter(
        x=f32(end["x"]),
        y=f32(end["y"]),
        mode="markers",
        marker=_head_marker(view),
        hovertemplate=f"{tip}<extra></extra>",
        **_in_group(view),
    )
    return [entry, path, head]


def _loss_traces(view: PathView, series: LossSeries, lang: str) -> list[go.Scatter]:
    """The loss panel: the line inside the box, the dotted line outside it, and the head."""
    frame, style = view.frame, {"color": view.colour}
    t = frame["t"].to_numpy()
    loss_tip = hover_step("f = %{customdata:.6g}", lang)
    # Rows outside the box and their neighbours: the dotted line joins the solid one.
    away = ~series.in_box | np.r_[~series.in_box[1:], False] | np.r_[False, ~series.in_box[:-1]]
    inside = go.Scatter(
        x=f32(t),
        y=f32(series.inside),
        customdata=f32(frame["loss"]),
        mode="lines",
        line={**style, "dash": view.dash, "width": 2},
        hovertemplate=loss_tip + f"<extra>{view.label}</extra>",
        **_in_group(view),
    )
    outside = go.Scatter(
        x=f32(t[away]),
        y=f32(shown_loss(series)[away]),
        customdata=f32(frame["loss"].to_numpy()[away]),
        mode="lines",
        line={**style, "dash": "dot", "width": 1.5},
        opacity=0.7,
        hovertemplate=loss_tip
        + "<br>"
        + text("fig_outside_tip", lang)
        + f"<extra>{view.label}</extra>",
        **_in_group(view),
    )
    head = go.Scatter(
        x=f32(_last_row(view)["t"]),
        y=f32(shown_loss(series)[-1:]),
        mode="markers",
        marker={**_head_marker(view), "size": 9},
        **_EDGE,
        **_in_group(view),
    )
    return [inside, outside, head]


def _gradient_traces(view: PathView, lang: str) -> list[go.Scatter]:
    """The gradient-norm panel (log scale, floored): the line and the head."""
    frame = view.frame
    grad = np.maximum(frame["grad_norm"].to_numpy(), LOG_FLOOR)
    line = go.Scatter(
        x=f32(frame["t"].to_numpy()),
        y=f32(grad),
        mode="lines",
        line={"color": view.colour, "dash": view.dash, "width": 2},
        hovertemplate=hover_step("‖∇f‖ = %{y:.4g}", lang) + f"<extra>{view.label}</extra>",
        **_in_group(view),
    )
    head = go.Scatter(
        x=f32(_last_row(view)["t"]),
        y=f32(grad[-1:]),
        mode="markers",
        marker={**_head_marker(view), "size": 9},
        **_EDGE,
        **_in_group(view),
    )
    return [line, head]


def ghost_traces(ghost: PathView, series: LossSeries, lang: str) -> list[tuple[go.Scatter, str]]:
    """A pinned earlier run: faded, dotted and not animated, on the map and both step panels."""
    frame = ghost.frame
    line = {"color": ghost.colour, "width": 2, "dash": "dot"}
    faded = {"opacity": GHOST_OPACITY, "hoverinfo": "skip", "legendgroup": f"pinned {ghost.label}"}
    t = f32(frame["t"])
    return [
        (
            go.Scatter(
                x=f32(frame["x"]),
                y=f32(frame["y"]),
                mode="lines",
                name=text("pinned", lang, name=ghost.label),
                line=line,
                **faded,
            ),
            "",
        ),
        (
            go.Scatter(
                x=t, y=f32(series.inside), mode="lines", line=line, showlegend=False, **faded
            ),
            "2",
        ),
        (
            go.Scatter(
                x=t,
                y=f32(np.maximum(frame["grad_norm"].to_numpy(), LOG_FLOOR)),
                mode="lines",
                line=line,
                showlegend=False,
                **faded,
            ),
            "3",
        ),
    ]
