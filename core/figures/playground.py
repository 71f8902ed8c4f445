"""Plotly figures of the playground: the animated race, the 3-D surface and the start picker.

The race figure is one figure with three panels so that a single set of frames moves everything
together: the landscape with the paths, loss and gradient norm per step beside them (or under
them on a phone: core.figures.race_layout). The landscape is a layout image, not a contour trace,
because frames animated without redraw drop contour traces (plotly.js #1221); frames only touch
scatter traces, listed by index.

Each optimizer keeps its own colour, dash and marker (core.optim.optimizers' LineStyle) in every
figure. The loss panel shows what float32 can resolve: gaps to f_min below `gap_floor` are rounding
noise and are drawn at that floor, and values outside the plot box are marked as such (outside
the box a function may go below the f_min stated for the box).
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import torch

from core.figures.paths import frame_steps, prefix, simplify, spread
from core.figures.plain_frames import PlainFramesFigure
from core.figures.race_layout import WIDE, RaceLayout
from core.figures.raster import PLOTLY_COLORSCALE, colour_limits, png_data_uri
from core.optim.optimizers import OPTIMIZERS
from core.problems.landscape import Landscape
from core.problems.objectives import Box, Objective, Point
from core.text.i18n import DEFAULT_LANGUAGE, colon, text

# Okabe-Ito, yellow last: for categories that are not optimizers (basins, inspector arrows).
PALETTE = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
LOG_FLOOR = 1e-12  # log axes cannot show 0: smaller gaps and gradients are drawn at this floor
F32_EPS = float(np.finfo(np.float32).eps)  # float32's relative step: 1.19e-7
MAX_FRAMES = 120
POINT_BUDGET = 60_000  # path vertices summed over all frames and paths: bounds the payload
COARSE = 2  # the surface and the start picker use every second grid line: plenty for their size
GHOST_OPACITY = 0.45
LABEL_FONT = 11  # end-of-run labels; their width sets the right margin
BUTTON_FONT = 13
# A one-element size array: the path draws no markers (points past the array get none), but
# with legend itemsizing "constant" its legend entry shows the optimizer's symbol at full size.
LEGEND_ONLY_MARKER = [0.001]


@dataclass(frozen=True, slots=True)
class PathView:
    """One optimizer's run as the figures draw it.

    `frame` has the columns t, x, y, loss, grad_norm (see core.runs.engine.FRAME_COLUMNS); it may
    have no row at all when not even the start could be evaluated. `message` is set when the run
    stopped early (divergence or escape) and is shown at its last point. `dash` and `symbol` are
    the second channel beside the colour (a Plotly line dash and marker symbol).
    """

    label: str
    colour: str
    frame: pd.DataFrame
    message: str | None = None
    dash: str = "solid"
    symbol: str = "circle"

    @property
    def empty(self) -> bool:
        """True when the run has no iterate to draw, not even its start."""
        return len(self.frame) == 0


def optimizer_view(optimizer_id: str, frame: pd.DataFrame, message: str | None = None) -> PathView:
    """A run drawn in its optimizer's own style, whichever other optimizers run beside it."""
    spec = OPTIMIZERS[optimizer_id]
    style = spec.style
    return PathView(spec.name, style.colour, frame, message, style.dash, style.symbol)


def _f32(values: np.ndarray | pd.Series) -> dict[str, str]:
    """float32 values as a Plotly typed-array spec: compact base64 in the JSON, and plotly.py
    accepts it without re-validating every element (a figure has thousands of small arrays)."""
    array = np.ascontiguousarray(values, dtype=np.float32)
    spec = {"dtype": "f4", "bdata": base64.b64encode(array.tobytes()).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = ",".join(map(str, array.shape))
    return spec


def gap_floor(objective: Objective) -> float:
    """The smallest gap f - f_min that float32 tells apart from rounding noise (LOG_FLOOR when
    f_min is unknown).

    Two limits: one float32 step of f at f_min (large when |f_min| is large, e.g. Eggholder), and
    the largest gap float32 returns at the float32 neighbours of each minimiser (the rounding of
    the formula's inner terms, e.g. Himmelblau's x^2 + y - 11). Below it, a converged run's loss
    jumps between rounding levels: a comb of spikes, not progress.
    """
    if objective.f_min is None or not objective.minima:
        return LOG_FLOOR
    near = []
    for point in np.asarray(objective.minima, dtype=np.float32):
        steps = [np.nextafter(point, np.float32(side)) for side in (-np.inf, np.inf)]
        xs, ys = {point[0], steps[0][0], steps[1][0]}, {point[1], steps[0][1], steps[1][1]}
        near += [(x, y) for x in xs for y in ys]
    with torch.no_grad():
        values = objective.fn(torch.tensor(np.array(near, dtype=np.float32))).double().numpy()
    noise = np.abs(values[np.isfinite(values)] - objective.f_min)
    return max(LOG_FLOOR, F32_EPS * abs(objective.f_min), float(noise.max(initial=0.0)))


def inside_box(box: Box, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Which points lie in the plot box (f_min and the landscape are the box's)."""
    (x0, x1), (y0, y1) = box
    xs, ys = np.asarray(xs), np.asarray(ys)
    return (xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1)


@dataclass(frozen=True, slots=True)
class LossScale:
    """What the loss panel plots: the gap to f_min on a log axis floored at float32's
    resolution, or the loss itself on a linear axis when f_min is unknown."""

    f_min: float | None
    floor: float

    @classmethod
    def of(cls, objective: Objective) -> LossScale:
        return cls(objective.f_min, gap_floor(objective))

    @property
    def log(self) -> bool:
        return self.f_min is not None

    def plotted(self, loss: np.ndarray) -> np.ndarray:
        if self.f_min is None:
            return np.asarray(loss, dtype=np.float64)
        return np.maximum(np.asarray(loss, dtype=np.float64) - self.f_min, self.floor)

    def axis_units(self, values: np.ndarray) -> np.ndarray:
        """Plotted values in the axis's own units (log10 on a log axis), for ranges and labels."""
        return np.log10(values) if self.log else np.asarray(values, dtype=np.float64)

    def from_units(self, units: np.ndarray) -> np.ndarray:
        return 10.0**units if self.log else units


@dataclass(frozen=True, slots=True)
class LossSeries:
    """One run on the loss panel: the line inside the box, the dotted line outside it (NaN where
    the panel cannot show a value: below f_min, out there), and which rows were inside."""

    inside: np.ndarray
    outside: np.ndarray
    in_box: np.ndarray


def loss_series(scale: LossScale, view: PathView, box: Box) -> LossSeries:
    frame = view.frame
    in_box = inside_box(box, frame["x"].to_numpy(), frame["y"].to_numpy())
    plotted = scale.plotted(frame["loss"].to_numpy())
    outside = np.where(in_box, np.nan, plotted)
    if scale.log:  # outside the box a gap at or below the floor may be below f_min: not shown
        gap = frame["loss"].to_numpy() - scale.f_min
        outside = np.where(gap > scale.floor, outside, np.nan)
    return LossSeries(np.where(in_box, plotted, np.nan), outside, in_box)


def _short(value: float) -> str:
    """A compact number for tick and end labels: 2.51e+03 -> 2.51e3."""
    label = f"{value:.3g}"
    if "e" in label:
        mantissa, exponent = label.split("e")
        label = f"{mantissa}e{int(exponent)}"
    return label.replace("-", "−")


def _colour_bar_trace(landscape: Landscape, layout: RaceLayout, lang: str) -> go.Scatter:
    """An invisible scatter that carries the colour bar for the landscape image."""
    low, high = colour_limits(landscape.colour)
    ticks = np.linspace(low, high, 5)
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
                "title": {
                    "text": text("colour_f_log" if landscape.log else "colour_f", lang),
                    "side": "top",
                },
                "tickvals": ticks.tolist(),
                "ticktext": _colour_bar_labels(landscape, ticks),
                "ticks": "outside",
                "ticklen": 3,
                "outlinewidth": 0,
                "tickfont": {"size": 11},
                **layout.colourbar,
            },
        },
    )


def _colour_bar_labels(landscape: Landscape, ticks: np.ndarray) -> list[str]:
    values = 10**ticks + landscape.lowest - landscape.offset if landscape.log else ticks
    return [_short(v) for v in values]


def _colour_bar_px(landscape: Landscape, lang: str) -> float:
    """About how wide the colour bar is with its tick labels and title."""
    labels = _colour_bar_labels(landscape, np.linspace(*colour_limits(landscape.colour), 5))
    title = text("colour_f_log" if landscape.log else "colour_f", lang)
    return max([_text_px(title, 12), *(_text_px(x, 11) + 16 for x in labels)]) + 10


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
        hovertemplate=text("start", lang) + " (%{x:.4g}, %{y:.4g})<extra></extra>",
    )


@dataclass(frozen=True, slots=True)
class _Columns:
    """One run's columns as numpy arrays, read once per figure: the frames look up a few values
    per step, and each pandas lookup costs more than the frame's own work."""

    t: np.ndarray
    x: np.ndarray
    y: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    shown: np.ndarray  # the loss panel's value of every row (_shown)
    in_box: np.ndarray

    @classmethod
    def of(cls, view: PathView, series: LossSeries) -> _Columns:
        frame = view.frame
        columns = (frame[c].to_numpy() for c in ("t", "x", "y", "loss", "grad_norm"))
        return cls(*columns, shown=_shown(series), in_box=np.asarray(series.in_box))

    def path_xy(self, keep: np.ndarray, step: int) -> tuple[np.ndarray, np.ndarray]:
        """The path's kept vertices up to `step`."""
        if len(self.t) == 0:
            return np.empty(0), np.empty(0)
        rows = prefix(keep, self.t, step)
        return self.x[rows], self.y[rows]

    def row_at(self, step: int) -> int | None:
        """Index of the iterate shown at animation step `step` (the last one once a run ended),
        or None for a run without any iterate."""
        return None if len(self.t) == 0 else min(step, len(self.t) - 1)


def _text_px(label: str, size: float) -> float:
    """About how wide `label` is on screen: CJK characters are twice as wide as Latin ones."""
    wide = sum(1 for c in label if ord(c) > 0x2E7F)
    return size * (0.6 * (len(label) - wide) + 1.05 * wide)


@dataclass(frozen=True, slots=True)
class _Panel:
    """What the step panels share: the loss scale, its fixed range and the step axis end."""

    scale: LossScale
    loss_range: tuple[float, float]  # axis units
    x_end: float
    label_gap: float  # axis units between two end-of-run labels


def _loss_range(scale: LossScale, series: Sequence[LossSeries]) -> tuple[float, float]:
    """The loss axis range in axis units: fixed, so that the frames never rescale it."""
    values = np.concatenate([np.r_[s.inside, s.outside] for s in series] or [np.empty(0)])
    values = values[np.isfinite(values)]
    if values.size == 0:
        low = math.log10(scale.floor) if scale.log else 0.0
        return low, low + 3.0
    units = scale.axis_units(values)
    low, high = float(units.min()), float(units.max())
    span = high - low or (1.0 if scale.log else max(abs(high) * 0.1, 1.0))
    return low - 0.06 * span, high + 0.06 * span


def _shown(series: LossSeries) -> np.ndarray:
    """The loss panel's value of every row, inside the box or out (NaN where not drawable)."""
    return np.where(series.in_box, series.inside, series.outside)


def _hover_step(what: str, lang: str) -> str:
    """A hover text for step %{x} of a panel: "step 3: f = 0.5", "第 3 步：f = 0.5" (the batched
    views' wording, one string for both)."""
    return text("bv_fig_tip_step", lang, step="%{x}", what=what)


def _run_traces(view: PathView, series: LossSeries, lang: str) -> list[tuple[go.Scatter, str]]:
    """The traces of one run with their panel ("" map, "2" loss, "3" gradient norm), in the
    order: path, head, loss line, outside-the-box line, loss head, gradient line, gradient head.
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
    """The path on the map (the run's legend entry) and its head."""
    frame, style, end = view.frame, {"color": view.colour}, _last_row(view)
    tip = view.message or view.label
    path = go.Scatter(
        # One blank point for a run without any: Plotly would drop it from the legend.
        x=_f32(frame["x"]) if not view.empty else [None],
        y=_f32(frame["y"]) if not view.empty else [None],
        mode="lines+markers",
        name=view.label,
        legendgroup=view.label,
        line={**style, "width": 3, "dash": view.dash},
        marker={**style, "symbol": view.symbol, "size": LEGEND_ONLY_MARKER},
        hovertemplate=f"{tip}<br>(%{{x:.4g}}, %{{y:.4g}})<extra></extra>",
    )
    head = go.Scatter(
        x=_f32(end["x"]),
        y=_f32(end["y"]),
        mode="markers",
        marker=_head_marker(view),
        hovertemplate=f"{tip}<extra></extra>",
        **_in_group(view),
    )
    return [path, head]


def _loss_traces(view: PathView, series: LossSeries, lang: str) -> list[go.Scatter]:
    """The loss panel: the line inside the box, the dotted line outside it, and the head."""
    frame, style = view.frame, {"color": view.colour}
    t = frame["t"].to_numpy()
    loss_tip = _hover_step("f = %{customdata:.6g}", lang)
    # Rows outside the box and their neighbours: the dotted line joins the solid one.
    away = ~series.in_box | np.r_[~series.in_box[1:], False] | np.r_[False, ~series.in_box[:-1]]
    inside = go.Scatter(
        x=_f32(t),
        y=_f32(series.inside),
        customdata=_f32(frame["loss"]),
        mode="lines",
        line={**style, "dash": view.dash, "width": 2},
        hovertemplate=loss_tip + f"<extra>{view.label}</extra>",
        **_in_group(view),
    )
    outside = go.Scatter(
        x=_f32(t[away]),
        y=_f32(_shown(series)[away]),
        customdata=_f32(frame["loss"].to_numpy()[away]),
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
        x=_f32(_last_row(view)["t"]),
        y=_f32(_shown(series)[-1:]),
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
        x=_f32(frame["t"].to_numpy()),
        y=_f32(grad),
        mode="lines",
        line={"color": view.colour, "dash": view.dash, "width": 2},
        hovertemplate=_hover_step("‖∇f‖ = %{y:.4g}", lang) + f"<extra>{view.label}</extra>",
        **_in_group(view),
    )
    head = go.Scatter(
        x=_f32(_last_row(view)["t"]),
        y=_f32(grad[-1:]),
        mode="markers",
        marker={**_head_marker(view), "size": 9},
        **_EDGE,
        **_in_group(view),
    )
    return [line, head]


def _ghost_traces(ghost: PathView, series: LossSeries, lang: str) -> list[tuple[go.Scatter, str]]:
    """A pinned earlier run: faded, dotted and not animated, on the map and both step panels."""
    frame = ghost.frame
    line = {"color": ghost.colour, "width": 2, "dash": "dot"}
    faded = {"opacity": GHOST_OPACITY, "hoverinfo": "skip", "legendgroup": f"pinned {ghost.label}"}
    t = _f32(frame["t"])
    return [
        (
            go.Scatter(
                x=_f32(frame["x"]),
                y=_f32(frame["y"]),
                mode="lines",
                name=text("pinned", lang, name=ghost.label),
                line=line,
                **faded,
            ),
            "",
        ),
        (
            go.Scatter(
                x=t, y=_f32(series.inside), mode="lines", line=line, showlegend=False, **faded
            ),
            "2",
        ),
        (
            go.Scatter(
                x=t,
                y=_f32(np.maximum(frame["grad_norm"].to_numpy(), LOG_FLOOR)),
                mode="lines",
                line=line,
                showlegend=False,
                **faded,
            ),
            "3",
        ),
    ]


def _heads(run: _Columns, keep: np.ndarray, step: int) -> list[dict]:
    """Frame data of one run at `step`: its path so far, its head, its loss and gradient heads."""
    i = run.row_at(step)
    px, py = run.path_xy(keep, step)
    if i is None:
        # One blank point, not none: Plotly leaves a trace without points out of the legend.
        blank = {"type": "scatter", "x": [None], "y": [None]}
        return [blank, blank, blank, blank]
    loss = run.shown[i]
    grad = max(float(run.grad_norm[i]), LOG_FLOOR)
    t = [float(run.t[i])]
    return [
        {"type": "scatter", "x": _f32(px), "y": _f32(py)},
        {"type": "scatter", "x": _f32(px[-1:]), "y": _f32(py[-1:])},
        {"type": "scatter", "x": _f32(t), "y": _f32([loss])},
        {"type": "scatter", "x": _f32(t), "y": _f32([grad])},
    ]


def _labels(
    runs: Sequence[_Columns], panel: _Panel, step: int, lang: str
) -> tuple[np.ndarray, list[str]]:
    """End-of-run labels at `step`: each run's loss, marked when the point is outside the box,
    at heights (axis units) spread so that no two labels print over each other."""
    low, high = panel.loss_range
    heights, words = [], []
    for run in runs:
        i = run.row_at(step)
        if i is None:
            heights.append(np.nan)
            words.append("")
            continue
        value = run.shown[i]
        heights.append(float(panel.scale.axis_units(value)) if np.isfinite(value) else low)
        word = " " + _loss_word(panel.scale, float(run.loss[i]))
        words.append(word if run.in_box[i] else f"{word} {text('outside_box_short', lang)}")
    return panel.scale.from_units(spread(np.array(heights), panel.label_gap, low, high)), words


def _loss_word(scale: LossScale, loss: float) -> str:
    """The loss as an end label shows it: "≈ f_min" within float32's resolution of f_min, where
    more digits would be rounding noise."""
    if scale.f_min is not None and abs(loss - scale.f_min) <= scale.floor:
        return "≈" + _short(scale.f_min)
    return _short(loss)


def _label_trace(views: Sequence[PathView], panel: _Panel) -> go.Scatter:
    """The end-of-run labels, right of the loss panel (in the margin: cliponaxis off)."""
    return go.Scatter(
        x=[panel.x_end] * len(views),
        y=[None] * len(views),
        text=[""] * len(views),
        mode="text",
        textposition="middle right",
        textfont={"color": [v.colour for v in views], "size": LABEL_FONT},
        cliponaxis=False,
        xaxis="x2",
        yaxis="y2",
        hoverinfo="skip",
        showlegend=False,
    )


def _player(
    steps: Sequence[int], layout: RaceLayout, margin_right: float, frame_ms: int, lang: str
) -> dict:
    """Play, Pause and Resume, and a slider whose "Step N" label never sits under them: the
    slider starts right of the buttons even on the narrowest chart the layout serves (wide), or
    has a row of its own (stacked)."""
    words = [text(key, lang) for key in ("play", "pause", "resume")]
    buttons_px = sum(_text_px(w, BUTTON_FONT) + 26 for w in words) + 16
    plot_px = layout.min_width - layout.margin_left - margin_right
    slider_x = min(0.6, buttons_px / plot_px) if layout.slider_beside else 0.0
    play = {
        "frame": {"duration": frame_ms, "redraw": False},
        "transition": {"duration": 0},
        "mode": "immediate",
        "fromcurrent": True,
    }
    still = {**play, "frame": {"duration": 0, "redraw": False}}
    prefix, suffix = text("step_of", lang).split("{step}")  # "Step 300", "第 300 步"
    buttons = {
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "x": 0.0,
        "y": 0.0,
        "xanchor": "left",
        "yanchor": "top",
        "pad": {"t": layout.player_gap, "r": 6},
        "font": {"size": BUTTON_FONT},
        "buttons": [
            {
                "label": words[0],
                "method": "animate",
                "args": [[str(s) for s in steps], {**play, "fromcurrent": False}],
            },
            {"label": words[1], "method": "animate", "args": [[None], still]},
            {"label": words[2], "method": "animate", "args": [None, play]},
        ],
    }
    slider = {
        "active": len(steps) - 1,
        "x": slider_x,
        "len": 1.0 - slider_x,
        "y": 0.0,
        "yanchor": "top",
        "pad": {"t": layout.slider_gap, "b": 0},
        "currentvalue": {
            "prefix": prefix,
            "suffix": suffix,
            "font": {"size": 15, "color": "#1A1A1A"},
            "offset": 6,
        },
        # ~120 tick labels would overlap: hide them, the current value says the step.
        "font": {"color": "rgba(0,0,0,0)", "size": 1},
        "ticklen": 0,
        "tickcolor": "rgba(0,0,0,0)",
        "steps": [{"label": str(s), "method": "animate", "args": [[str(s)], still]} for s in steps],
    }
    return {"updatemenus": [buttons], "sliders": [slider]}


def _legend(names: Sequence[str], layout: RaceLayout) -> tuple[dict, int]:
    """A legend above the panels, in the top margin: however many rows it wraps into, it pushes
    the panels down instead of printing over them. Also about how many rows it takes."""
    entries = [_text_px(name, 12) + 48 for name in names]  # Plotly adds ~40 px for the symbol
    rows, used = 1, 0.0
    for entry in entries:
        if used and used + entry > layout.nominal_width - layout.margin_left:
            rows, used = rows + 1, 0.0
        used += entry
    legend = {
        "orientation": "h",
        "x": 0.0,
        "xanchor": "left",
        "y": 1.02,  # clear of the top tick label of the loss panel
        "yanchor": "bottom",
        "itemsizing": "constant",
        "bgcolor": "rgba(0,0,0,0)",
        "font": {"size": 12},
    }
    return legend, rows


def _axes(objective: Objective, layout: RaceLayout, panel: _Panel, lang: str) -> dict:
    """The map's axes (the box), and the step panels' (loss above gradient norm, one step axis)."""
    (x0, x1), (y0, y1) = objective.box

    def title(words: str) -> dict:
        return {"text": words, "standoff": 4}

    plain = {"showgrid": False, "zeroline": False}
    steps = {"range": [0, panel.x_end], "gridcolor": "#EEEEEE", "zeroline": False}
    log = {"type": "log", "exponentformat": "power", "gridcolor": "#EEEEEE"}
    loss = log if panel.scale.log else {"gridcolor": "#EEEEEE"}
    loss_title = "axis_gap" if panel.scale.log else "axis_loss"
    return {
        "xaxis": {**plain, "domain": layout.map_x, "range": [x0, x1], "title": title("x")},
        "yaxis": {**plain, "domain": layout.map_y, "range": [y0, y1], "title": title("y")},
        "xaxis2": {
            **steps,
            "domain": layout.loss_x,
            "anchor": "y2",
            "matches": "x3",
            "showticklabels": False,
        },
        "yaxis2": {
            **loss,
            "domain": layout.loss_y,
            "anchor": "x2",
            "range": list(panel.loss_range),
            "title": title(text(loss_title, lang)),
        },
        "xaxis3": {
            **steps,
            "domain": layout.grad_x,
            "anchor": "y3",
            "title": title(text("axis_step", lang)),
        },
        "yaxis3": {
            **log,
            "domain": layout.grad_y,
            "anchor": "x3",
            "title": title(text("axis_grad", lang)),
        },
    }


def _floor_marks(
    panel: _Panel, series: Sequence[LossSeries], lang: str
) -> tuple[list[go.Scatter], list[dict]]:
    """A dotted line at float32's resolution when some run reaches it, with what it means."""
    floor = panel.scale.floor
    if not panel.scale.log or not any(np.any(_shown(s) <= floor) for s in series):
        return [], []
    tip = text("fig_floor_tip", lang, value=_short(floor))
    line = go.Scatter(
        x=[0, panel.x_end],
        y=[floor, floor],
        mode="lines",
        line={"color": "#777777", "width": 1, "dash": "dot"},
        hovertemplate=tip + "<extra></extra>",
        showlegend=False,
        xaxis="x2",
        yaxis="y2",
    )
    note = {
        "text": text("fig_floor", lang),
        "x": 0,
        "y": math.log10(floor),
        "xref": "x2",
        "yref": "y2",
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 10, "color": "#555555"},
        "hovertext": tip,
    }
    return [line], [note]


def _wrap(words: str, px: float, size: float) -> str:
    """Break `words` with <br> so that no line is wider than `px` (Plotly does not wrap
    annotations): between Latin words, or between any two CJK characters."""
    tokens = re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+", words)
    lines, line = [], ""
    for token in tokens:
        if line and _text_px(line + token.rstrip(), size) > px:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    return "<br>".join([*lines, line.rstrip()])


def _no_step_note(
    views: Sequence[PathView], start: Point, layout: RaceLayout, lang: str
) -> list[dict]:
    """Say on the map why a run drew nothing: it could not even evaluate its start."""
    names = [view.label for view in views if view.empty]
    if not names:
        return []
    words = text(
        "fig_no_step",
        lang,
        names=("、" if lang == "zh" else ", ").join(names),
        x=_short(start[0]),
        y=_short(start[1]),
    )
    map_px = (layout.nominal_width - layout.margin_left - 60) * (layout.map_x[1] - layout.map_x[0])
    return [
        {
            "text": _wrap(words, map_px - 40, 13),
            "xref": "x domain",
            "yref": "y domain",
            "x": 0.5,
            "y": 0.98,
            "yanchor": "top",
            "showarrow": False,
            "bgcolor": "rgba(255,255,255,0.92)",
            "bordercolor": "#B00020",
            "borderpad": 6,
            "font": {"size": 13, "color": "#1A1A1A"},
            "align": "left",
        }
    ]


def race_figure(
    objective: Objective,
    landscape: Landscape,
    views: Sequence[PathView],
    start: Point,
    *,
    frame_ms: int = 60,
    estimated_minimum: bool = False,
    ghosts: Sequence[PathView] = (),
    layout: RaceLayout = WIDE,
    lang: str = DEFAULT_LANGUAGE,
) -> PlainFramesFigure:
    """The animated race: paths growing over the landscape, loss and gradient norm beside them.

    Args:
        objective: the function (box, minima, f_min).
        landscape: its grid values (core.problems.landscape.evaluate).
        views: one PathView per optimizer, in legend order (optimizer_view gives its style).
        start: the common start point.
        frame_ms: milliseconds per animation frame.
        estimated_minimum: label the minima as numerical estimates (custom formulas).
        ghosts: a pinned earlier race, drawn faded on every panel.
        layout: core.figures.race_layout.WIDE (beside, for a projector) or STACKED (for a phone).
    """
    scale = LossScale.of(objective)
    series = [loss_series(scale, v, objective.box) for v in views]
    ghost_series = [loss_series(scale, g, objective.box) for g in ghosts]
    ends = [int(v.frame["t"].iloc[-1]) for v in (*views, *ghosts) if not v.empty]
    last_step = max(ends, default=0)
    names = [text("global_minimum", lang), text("start", lang), *(v.label for v in views)]
    legend, rows = _legend([*names, *(text("pinned", lang, name=g.label) for g in ghosts)], layout)
    loss_range = _loss_range(scale, [*series, *ghost_series])
    panel = _Panel(
        scale,
        loss_range,
        float(max(last_step, 1)),
        layout.label_px * (loss_range[1] - loss_range[0]) / layout.loss_pixels(rows),
    )

    fig = PlainFramesFigure()
    fig.add_trace(_colour_bar_trace(landscape, layout, lang))
    if objective.minima:
        fig.add_trace(_minima_trace(objective, lang, estimated_minimum))
    fig.add_trace(_start_trace(start, lang))
    placed = [
        trace
        for g, s in zip(ghosts, ghost_series, strict=True)
        for trace in _ghost_traces(g, s, lang)
    ]
    floor_lines, floor_notes = _floor_marks(panel, [*series, *ghost_series], lang)
    for trace, axes in [*placed, *((line, "2") for line in floor_lines)]:
        fig.add_trace(trace.update(xaxis=f"x{axes}", yaxis=f"y{axes}"))
    animated: list[int] = []  # trace indices the frames update, in the order frames list them
    for view, run in zip(views, series, strict=True):
        first = len(fig.data)
        for trace, axes in _run_traces(view, run, lang):
            fig.add_trace(trace.update(xaxis=f"x{axes}", yaxis=f"y{axes}"))
        animated += [first, first + 1, first + 4, first + 6]  # path, head, loss and grad heads
    columns = [_Columns.of(v, s) for v, s in zip(views, series, strict=True)]
    heights, words = _labels(columns, panel, last_step, lang)
    fig.add_trace(_label_trace(views, panel).update(y=heights.tolist(), text=words))
    animated.append(len(fig.data) - 1)
    steps = frame_steps(last_step, MAX_FRAMES)
    fig.frames, widest = _frames(objective, columns, panel, steps, animated, lang)

    bar = _colour_bar_px(landscape, lang) if layout.colourbar_in_margin else 0
    margin_right = int(max(widest, bar, 24) + 16)
    fig.update_layout(
        images=[_landscape_image(landscape)],
        height=layout.height,
        margin={
            "l": layout.margin_left,
            "r": margin_right,
            "t": layout.margin_top,
            "b": layout.margin_bottom,
        },
        legend=legend,
        plot_bgcolor="white",
        hovermode="closest",
        annotations=[*floor_notes, *_no_step_note(views, start, layout, lang)],
        **_axes(objective, layout, panel, lang),
        **_player(steps, layout, margin_right, frame_ms, lang),
    )
    return fig


def _frames(
    objective: Objective,
    columns: Sequence[_Columns],
    panel: _Panel,
    steps: Sequence[int],
    animated: Sequence[int],
    lang: str,
) -> tuple[list[dict], float]:
    """One frame per shown step (paths so far, heads, end labels), and the widest label in
    pixels (the right margin must hold it)."""
    (x0, x1), (y0, y1) = objective.box
    cap = _cap(len(columns), steps)
    keeps = [simplify(c.x, c.y, (x1 - x0, y1 - y0), cap) for c in columns]
    frames, widest = [], 0.0
    for step in steps:
        data = [d for c, k in zip(columns, keeps, strict=True) for d in _heads(c, k, step)]
        heights, words = _labels(columns, panel, step, lang)
        widest = max([widest, *(_text_px(w, LABEL_FONT) for w in words)])
        data.append({"type": "scatter", "y": _f32(heights), "text": words})
        # Plain dicts, sent as they are (core.figures.plain_frames).
        frames.append({"data": data, "traces": list(animated), "name": str(step)})
    return frames, widest


def _cap(runs: int, steps: Sequence[int]) -> int:
    """Vertices each path may keep per frame so that all frames stay within POINT_BUDGET."""
    return max(50, 2 * POINT_BUDGET // max(1, runs * len(steps)))


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
                line={"color": view.colour, "width": 2, "dash": view.dash},
                hovertemplate=_hover_step(text("axis_lr", lang) + " %{y:.4g}", lang)
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
