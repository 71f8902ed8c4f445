"""Plotly figures of the playground: the animated race, the 3-D surface and the start picker.

The race figure is one figure with three panels so that a single set of frames moves everything
together: the landscape with the paths (left), loss and gradient norm per step (right). The
landscape is a layout image, not a contour trace, because frames animated without redraw drop
contour traces (plotly.js #1221); frames only touch scatter traces, listed by index.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.i18n import DEFAULT_LANGUAGE, text
from core.landscape import Landscape
from core.objectives import Objective, Point
from core.paths import frame_steps, prefix, simplify
from core.raster import PLOTLY_COLORSCALE, colour_limits, png_data_uri

# Okabe-Ito, yellow last: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
LOG_FLOOR = 1e-12  # log axes cannot show 0: smaller gaps and gradients are drawn at this floor
MAX_FRAMES = 120
POINT_BUDGET = 60_000  # path vertices summed over all frames and paths: bounds the payload
COARSE = 2  # the surface and the start picker use every second grid line: plenty for their size


@dataclass(frozen=True, slots=True)
class PathView:
    """One optimizer's run as the figures draw it.

    `frame` has the columns t, x, y, loss, grad_norm (see core.engine.FRAME_COLUMNS); `message`
    is set when the run stopped early (divergence or escape) and is shown at its last point.
    """

    label: str
    colour: str
    frame: pd.DataFrame
    message: str | None = None


def _f32(values: np.ndarray | pd.Series) -> dict[str, str]:
    """float32 values as a Plotly typed-array spec: compact base64 in the JSON, and plotly.py
    accepts it without re-validating every element (a figure has thousands of small arrays)."""
    array = np.ascontiguousarray(values, dtype=np.float32)
    spec = {"dtype": "f4", "bdata": base64.b64encode(array.tobytes()).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = ",".join(map(str, array.shape))
    return spec


def _loss_axis(objective: Objective, loss: np.ndarray) -> tuple[np.ndarray, str, str]:
    """What the loss panel plots: the gap to f_min on a log axis when f_min is known.

    Returns the values, the string key of the axis title and the axis type."""
    if objective.f_min is None:
        return loss, "axis_loss", "linear"
    return np.maximum(loss - objective.f_min, LOG_FLOOR), "axis_gap", "log"


def _colour_bar_trace(landscape: Landscape, lang: str) -> go.Scatter:
    """An invisible scatter that carries the colour bar for the landscape image."""
    low, high = colour_limits(landscape.colour)
    ticks = np.linspace(low, high, 6)
    if landscape.log:
        labels = [f"{v:.3g}" for v in 10**ticks + landscape.lowest - landscape.offset]
    else:
        labels = [f"{v:.3g}" for v in ticks]
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        hoverinfo="skip",
        showlegend=False,
        marker={
            "color": [low],
            "cmin": low,
            "cmax": high,
            "colorscale": PLOTLY_COLORSCALE,
            "showscale": True,
            "colorbar": {
                "title": {"text": text("colour_f_log" if landscape.log else "colour_f", lang)},
                "tickvals": ticks.tolist(),
                "ticktext": labels,
                "len": 0.9,
                "x": -0.12,
                "thickness": 12,
            },
        },
    )


def _landscape_image(landscape: Landscape) -> dict:
    (x0, x1), (y0, y1) = (landscape.xs[0], landscape.xs[-1]), (landscape.ys[0], landscape.ys[-1])
    return {
        "source": png_data_uri(landscape.colour),
        "xref": "x",
        "yref": "y",
        "x": float(x0),
        "y": float(y1),
        "sizex": float(x1 - x0),
        "sizey": float(y1 - y0),
        "sizing": "stretch",
        "layer": "below",
    }


def _minima_trace(objective: Objective, lang: str, estimated: bool = False) -> go.Scatter:
    xs = [p[0] for p in objective.minima]
    ys = [p[1] for p in objective.minima]
    what = text("estimated_minimum" if estimated else "global_minimum", lang)
    return go.Scatter(
        x=xs,
        y=ys,
        mode="markers",
        name=what,
        marker={
            "symbol": "star",
            "size": 16,
            "color": "white",
            "line": {"color": "black", "width": 1.5},
        },
        hovertemplate=f"{what}<br>(%{{x:.4g}}, %{{y:.4g}})<extra></extra>",
    )


def _start_trace(start: Point, lang: str) -> go.Scatter:
    return go.Scatter(
        x=[start[0]],
        y=[start[1]],
        mode="markers",
        name=text("start", lang),
        marker={"symbol": "circle-open", "size": 14, "color": "black", "line": {"width": 2.5}},
        hovertemplate="start (%{x:.4g}, %{y:.4g})<extra></extra>",
    )


def _path_xy(view: PathView, keep: np.ndarray, step: int) -> tuple[np.ndarray, np.ndarray]:
    rows = prefix(keep, view.frame["t"].to_numpy(), step)
    return view.frame["x"].to_numpy()[rows], view.frame["y"].to_numpy()[rows]


def _row_at(view: PathView, step: int) -> int:
    """Index of the iterate shown at animation step `step` (the last one once a run ended)."""
    return min(step, len(view.frame) - 1)


def race_figure(
    objective: Objective,
    landscape: Landscape,
    views: Sequence[PathView],
    start: Point,
    *,
    frame_ms: int = 60,
    estimated_minimum: bool = False,
    ghosts: Sequence[PathView] = (),
    lang: str = DEFAULT_LANGUAGE,
) -> go.Figure:
    """The animated race: paths growing over the landscape, loss and gradient norm beside them.

    Args:
        objective: the function (box, minima, f_min).
        landscape: its grid values (core.landscape.evaluate).
        views: one PathView per optimizer, in legend order.
        start: the common start point.
        frame_ms: milliseconds per animation frame.
        estimated_minimum: label the minima as numerical estimates (custom formulas).
    """
    fig = make_subplots(
        rows=2,
        cols=2,
        column_widths=[0.6, 0.4],
        specs=[[{"rowspan": 2}, {}], [None, {}]],
        horizontal_spacing=0.1,
        vertical_spacing=0.14,
        subplot_titles=("", text("fig_loss", lang), text("fig_grad", lang)),
    )
    fig.add_trace(_colour_bar_trace(landscape, lang), row=1, col=1)
    if objective.minima:
        fig.add_trace(_minima_trace(objective, lang, estimated_minimum), row=1, col=1)
    fig.add_trace(_start_trace(start, lang), row=1, col=1)
    for ghost in ghosts:  # a pinned earlier run: faded, dashed, not animated
        fig.add_trace(
            go.Scatter(
                x=_f32(ghost.frame["x"]),
                y=_f32(ghost.frame["y"]),
                mode="lines",
                name=f"{ghost.label} ({text('pinned', lang)})",
                line={"color": ghost.colour, "width": 2, "dash": "dot"},
                opacity=0.45,
                hoverinfo="skip",
            ),
            row=1,
            col=1,
        )

    last_step = max((int(v.frame["t"].iloc[-1]) for v in views), default=0)
    steps = frame_steps(last_step, MAX_FRAMES)
    cap = max(50, 2 * POINT_BUDGET // max(1, len(views) * len(steps)))
    (x0, x1), (y0, y1) = objective.box
    keeps = [
        simplify(v.frame["x"].to_numpy(), v.frame["y"].to_numpy(), (x1 - x0, y1 - y0), cap)
        for v in views
    ]
    loss_title, loss_type = "axis_loss", "linear"
    animated: list[int] = []  # trace indices the frames update, in the order frames list them
    for view in views:
        t = view.frame["t"].to_numpy()
        loss, loss_title, loss_type = _loss_axis(objective, view.frame["loss"].to_numpy())
        grad = np.maximum(view.frame["grad_norm"].to_numpy(), LOG_FLOOR)
        style = {"color": view.colour}
        group = {"legendgroup": view.label}
        tip = view.message or view.label
        fig.add_trace(
            go.Scatter(
                x=_f32(view.frame["x"]),
                y=_f32(view.frame["y"]),
                mode="lines",
                name=view.label,
                line={**style, "width": 3},
                hovertemplate=f"{tip}<br>(%{{x:.4g}}, %{{y:.4g}})<extra></extra>",
                **group,
            ),
            row=1,
            col=1,
        )
        end = len(view.frame) - 1
        fig.add_trace(
            go.Scatter(
                x=_f32(view.frame["x"].iloc[[end]]),
                y=_f32(view.frame["y"].iloc[[end]]),
                mode="markers",
                showlegend=False,
                hovertemplate=f"{tip}<extra></extra>",
                marker={
                    **style,
                    "size": 12,
                    "symbol": "x" if view.message else "circle",
                    "line": {"color": "white", "width": 1.5},
                },
                **group,
            ),
            row=1,
            col=1,
        )
        animated += [len(fig.data) - 2, len(fig.data) - 1]
        for row, values in ((1, loss), (2, grad)):  # the loss panel, then the gradient panel
            fig.add_trace(
                go.Scatter(
                    x=_f32(t),
                    y=_f32(values),
                    mode="lines",
                    line=style,
                    showlegend=False,
                    hovertemplate="step %{x}: %{y:.4g}<extra>" + view.label + "</extra>",
                    **group,
                ),
                row=row,
                col=2,
            )
            fig.add_trace(
                go.Scatter(
                    x=_f32(t[[end]]),
                    y=_f32(values[[end]]),
                    mode="markers+text" if row == 1 else "markers",
                    text=[f"{view.frame['loss'].iloc[end]:.3g}"],
                    textposition="middle right",
                    textfont={"color": view.colour},
                    marker={**style, "size": 9},
                    showlegend=False,
                    hoverinfo="skip",
                    **group,
                ),
                row=row,
                col=2,
            )
            animated.append(len(fig.data) - 1)

    frames = []
    for step in steps:
        data = []
        for view, keep in zip(views, keeps, strict=True):
            i = _row_at(view, step)
            px, py = _path_xy(view, keep, step)
            loss, _, _ = _loss_axis(objective, view.frame["loss"].to_numpy()[[i]])
            grad = np.maximum(view.frame["grad_norm"].to_numpy()[[i]], LOG_FLOOR)
            ti = view.frame["t"].to_numpy()[[i]]
            data += [
                {"type": "scatter", "x": _f32(px), "y": _f32(py)},
                {"type": "scatter", "x": _f32(px[-1:]), "y": _f32(py[-1:])},
                {
                    "type": "scatter",
                    "x": _f32(ti),
                    "y": _f32(loss),
                    "text": [f"{view.frame['loss'].iloc[i]:.3g}"],
                },
                {"type": "scatter", "x": _f32(ti), "y": _f32(grad)},
            ]
        # Plain dicts: plotly.py validates them once, when assigned to fig.frames.
        frames.append({"data": data, "traces": animated, "name": str(step)})
    fig.frames = frames

    play = {
        "frame": {"duration": frame_ms, "redraw": False},
        "transition": {"duration": 0},
        "mode": "immediate",
        "fromcurrent": True,
    }
    fig.update_layout(
        images=[_landscape_image(landscape)],
        height=620,
        margin={"l": 90, "r": 20, "t": 40, "b": 90},
        legend={"orientation": "h", "y": 1.08, "x": 0.0},
        plot_bgcolor="white",
        hovermode="closest",
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "showactive": False,
                "x": 0.0,
                "y": -0.09,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"t": 0, "r": 10},
                "buttons": [
                    {
                        "label": text("play", lang),
                        "method": "animate",
                        "args": [[str(s) for s in steps], {**play, "fromcurrent": False}],
                    },
                    {
                        "label": text("pause", lang),
                        "method": "animate",
                        "args": [[None], {**play, "frame": {"duration": 0, "redraw": False}}],
                    },
                    {"label": text("resume", lang), "method": "animate", "args": [None, play]},
                ],
            }
        ],
        sliders=[
            {
                "active": len(steps) - 1,
                "x": 0.22,
                "y": -0.07,
                "len": 0.78,
                "pad": {"t": 0},
                "currentvalue": {
                    "prefix": text("step_prefix", lang),
                    "font": {"size": 16, "color": "#1A1A1A"},
                },
                # ~120 tick labels would overlap: hide them, the current value says the step.
                "font": {"color": "rgba(0,0,0,0)"},
                "tickcolor": "rgba(0,0,0,0)",
                "steps": [
                    {
                        "label": str(s),
                        "method": "animate",
                        "args": [[str(s)], {**play, "frame": {"duration": 0, "redraw": False}}],
                    }
                    for s in steps
                ],
            }
        ],
    )
    fig.update_xaxes(range=[x0, x1], title_text="x", showgrid=False, zeroline=False, row=1, col=1)
    fig.update_yaxes(range=[y0, y1], title_text="y", showgrid=False, zeroline=False, row=1, col=1)
    for row in (1, 2):
        fig.update_xaxes(
            range=[0, max(last_step, 1) * 1.12], title_text=text("axis_step", lang), row=row, col=2
        )
    fig.update_yaxes(
        type=loss_type, title_text=text(loss_title, lang), exponentformat="power", row=1, col=2
    )
    fig.update_yaxes(
        type="log", title_text=text("axis_grad", lang), exponentformat="power", row=2, col=2
    )
    return fig


def surface_figure(
    objective: Objective,
    landscape: Landscape,
    views: Sequence[PathView],
    lang: str = DEFAULT_LANGUAGE,
) -> go.Figure:
    """A 3-D surface of f with the paths lying on it (colour on the same scale as the race)."""
    fig = go.Figure(
        go.Surface(
            x=_f32(landscape.xs[::COARSE]),
            y=_f32(landscape.ys[::COARSE]),
            z=_f32(landscape.z[::COARSE, ::COARSE]),
            surfacecolor=_f32(landscape.colour[::COARSE, ::COARSE]),
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
                x=_f32(view.frame["x"]),
                y=_f32(view.frame["y"]),
                z=_f32(view.frame["loss"]),
                mode="lines",
                name=view.label,
                line={"color": view.colour, "width": 6},
            )
        )
    if objective.minima:
        fig.add_trace(
            go.Scatter3d(
                x=[p[0] for p in objective.minima],
                y=[p[1] for p in objective.minima],
                z=[objective.f_min] * len(objective.minima),
                mode="markers",
                name=text("global_minimum", lang),
                marker={
                    "symbol": "diamond",
                    "size": 6,
                    "color": "white",
                    "line": {"color": "black"},
                },
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
    """A static contour with an invisible grid of points: a click on one sets the start.

    Streamlit reports no selection on contour clicks (streamlit #8760), so the clickable targets
    are transparent scatter points; this chart has no frames, so clicks keep working.
    """
    (x0, x1), (y0, y1) = objective.box
    gx, gy = np.meshgrid(np.linspace(x0, x1, grid), np.linspace(y0, y1, grid))
    fig = go.Figure(
        go.Contour(
            x=_f32(landscape.xs[::COARSE]),
            y=_f32(landscape.ys[::COARSE]),
            z=_f32(landscape.colour[::COARSE, ::COARSE]),
            colorscale=PLOTLY_COLORSCALE,
            showscale=False,
            ncontours=24,
            hoverinfo="skip",
            line={"width": 0.5},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=_f32(gx.ravel()),
            y=_f32(gy.ravel()),
            mode="markers",
            name="click target",
            marker={"size": 14, "opacity": 0},
            selected={"marker": {"opacity": 0}},
            unselected={"marker": {"opacity": 0}},
            showlegend=False,
            hovertemplate=text("start_here", lang) + ": (%{x:.3g}, %{y:.3g})<extra></extra>",
        )
    )
    if objective.minima:
        fig.add_trace(_minima_trace(objective, lang))
    fig.add_trace(_start_trace(start, lang))
    fig.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        showlegend=False,
        clickmode="event+select",
        dragmode=False,
        xaxis={"range": [x0, x1], "constrain": "domain"},
        yaxis={"range": [y0, y1]},
    )
    return fig


def learning_rate_figure(views: Sequence[PathView], lang: str = DEFAULT_LANGUAGE) -> go.Figure:
    """Learning rate per step of each run (what a schedule did)."""
    fig = go.Figure()
    for view in views:
        fig.add_trace(
            go.Scatter(
                x=_f32(view.frame["t"]),
                y=_f32(view.frame["lr"]),
                mode="lines",
                name=view.label,
                line={"color": view.colour, "width": 2},
                hovertemplate="step %{x}: lr %{y:.4g}<extra>" + view.label + "</extra>",
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
